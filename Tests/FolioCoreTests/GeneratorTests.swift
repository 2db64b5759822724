import Foundation
import Testing
@testable import FolioCore

@Suite struct GeneratorTests {
    /// `Samples/portfolio` is exactly what the generator writes for 500 accounts and seed 42,
    /// and the built-in demo is the same portfolio.
    @Test func samplesAreRegeneratedByteForByte() throws {
        let files = PortfolioGenerator.demo.generateInMemory()
        #expect(files.keys.sorted() == ["accounts.csv", "activities.csv", "contacts.csv", "folio.json", "managers.csv", "opportunities.csv"])
        for (name, bytes) in files {
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: Fixtures.samplePortfolio + "/" + name))
            #expect([UInt8](onDisk) == bytes, "\(name) differs from Samples/portfolio: regenerate with folio generate --accounts 500 --seed 42 --out Samples/portfolio")
        }
    }

    @Test func writesTheSameBytesItHoldsInMemory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-gen-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = PortfolioGenerator(accounts: 60, seed: 9)
        try g.write(to: dir)
        for (name, bytes) in g.generateInMemory() {
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            #expect([UInt8](onDisk) == bytes, "\(name)")
        }
    }

    @Test func loadsCleanlyWithTheExpectedShape() throws {
        let (store, report) = try Loader.load(.memory(PortfolioGenerator(accounts: 200, seed: 3).generateInMemory()))
        #expect(report.skipped.total == 0)
        let counts = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.entity, $0.count) })
        #expect(counts["accounts"] == 200)
        // About 4 contacts, 5 opportunities and 8 activities per account.
        #expect((600...1000).contains(counts["contacts"] ?? 0))
        #expect((800...1200).contains(counts["opportunities"] ?? 0))
        #expect((1300...2000).contains(counts["activities"] ?? 0))
        #expect(store.asOf == Day.parse("2026-06-15"))
    }

    @Test func differentSeedsDiffer() {
        #expect(PortfolioGenerator(accounts: 20, seed: 1).generateInMemory()["accounts.csv"]
            != PortfolioGenerator(accounts: 20, seed: 2).generateInMemory()["accounts.csv"])
    }
}
