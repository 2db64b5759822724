import Foundation
import Testing
@testable import FolioCore

/// `--max-memory SIZE`: sizes as people write them. The limit itself is process-wide, so a
/// query stopped by it is tried on a real process, beside other faults (Tests/Faults).
@Suite struct MemoryLimitTests {
    @Test func sizesAsPeopleWriteThem() {
        #expect(MemoryLimit.parse("8G") == 8 << 30)
        #expect(MemoryLimit.parse("8GiB") == 8 << 30)
        #expect(MemoryLimit.parse("512m") == 512 << 20)
        #expect(MemoryLimit.parse("1.5GB") == 3 << 29)
        #expect(MemoryLimit.parse("100000") == 100_000)
        #expect(MemoryLimit.parse("none") == 0)
        #expect(MemoryLimit.parse("0") == 0)
        #expect(MemoryLimit.parse("50%").map { $0 > 0 } == true)
        for bad in ["", "lots", "-1G", "8X", "101%", "0%", "1e30", "G", "nan"] {
            #expect(MemoryLimit.parse(bad) == nil, "\(bad)")
        }
        #expect(MemoryLimit.describe(3 << 29) == "1.5 GiB")
        #expect(MemoryLimit.describe(999) == "999 bytes")
    }
}
