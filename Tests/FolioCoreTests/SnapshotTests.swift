import Foundation
import Testing
@testable import FolioCore

/// The snapshot cache: a store reopened from its snapshot answers exactly as the parsed one;
/// any change to a source file, and any damage to the snapshot, sends the load back to the files.
@Suite(.serialized) struct SnapshotTests {
    /// A copy of `Samples/portfolio` and an empty cache, both removed by `cleanUp`.
    struct Scratch {
        let data: String
        let cache: SnapshotCache

        init() throws {
            let root = NSTemporaryDirectory() + "folio-snapshot-\(UUID().uuidString)"
            data = root + "/data"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.samplePortfolio, toPath: data)
            cache = SnapshotCache(directory: root + "/cache")
        }

        var snapshotPath: String { cache.path(for: data) }

        func load() throws -> (Store, LoadReport) { try Loader.load(directory: data, cache: cache) }

        func cleanUp() { try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent) }
    }

    static let queries = [
        "accounts | sort id | limit 40",
        #"opportunities | where stage = "negotiation" and amount > 50k | select id, name, amount, account.name, account.owner.region"#,
        "accounts | where count(contacts) >= 5 | select name, count(contacts) as n, sum(opportunities.amount) as pipeline",
        "contacts | top 2 by last_contacted per account_id | select id, name, last_contacted",
        "activities | group by kind, outcome aggregate count() as n, max(date) as last",
        #"accounts | where products has "Analytics" and name like "%a%" | select name, products, customer_since"#,
        #"accounts | where id = "a0000044" | select id, name, arr"#,
        "explain opportunities | where close_date in next 90 days and stage != \"closed_lost\" | count",
    ]

    func answers(_ store: Store) -> [String] {
        let session = Session(store: store, today: store.asOf ?? 0)
        return Self.queries.map { Fixtures.run($0, in: session, format: .csv) }
    }

    @Test func reopenedStoreAnswersAsTheParsedOne() throws {
        let s = try Scratch()
        defer { s.cleanUp() }
        let (parsed, first) = try s.load()
        #expect(first.snapshot?.hasPrefix("wrote ") == true, "\(first.snapshot ?? "nil")")
        let (reopened, second) = try s.load()
        #expect(second.snapshot?.hasPrefix("reopened") == true, "\(second.snapshot ?? "nil")")
        #expect(second.rows.map(\.count) == first.rows.map(\.count))
        #expect(answers(reopened) == answers(parsed))
        #expect(reopened.schema == parsed.schema)
        for (a, b) in zip(reopened.tables, parsed.tables) {
            // Reopened, the arrays are the mapped snapshot's pages, not copies.
            #expect(a.ids.bytes.isBorrowed && a.ids.offsets.isBorrowed && a.idIndex.raw.slots.isBorrowed)
            #expect(a.indexes.sorted.values.allSatisfy { $0.order.isBorrowed })
            #expect(a.links.values.allSatisfy { $0.isBorrowed })
            #expect(!b.ids.bytes.isBorrowed)
            // Foreign keys are derived in both, and read the same.
            #expect(Set(a.columns.keys.keys) == Set(b.columns.keys.keys) && !a.columns.keys.isEmpty == (a.def.fields.contains { $0.reference != nil }))
            for f in a.columns.keys.keys {
                guard case .string(let x) = a.columns[f], case .string(let y) = b.columns[f] else { Issue.record("a key is not text"); continue }
                #expect((0..<x.count).allSatisfy { x.string($0) == y.string($0) })
            }
            #expect(a.indexes.sorted.mapValues(\.order) == b.indexes.sorted.mapValues(\.order))
            #expect(a.indexes.postings.mapValues(\.rows) == b.indexes.postings.mapValues(\.rows))
            #expect(a.links == b.links)
            #expect(a.collections.mapValues(\.offsets) == b.collections.mapValues(\.offsets))
        }
    }

    /// The mapping of a reopened snapshot goes when the last array of its store goes.
    @Test func theMappingGoesWithItsStore() throws {
        let s = try Scratch()
        defer { s.cleanUp() }
        _ = try s.load()
        weak var mapping: AnyObject?
        var column: StoreArray<UInt8>?
        do {
            let (reopened, report) = try s.load()
            #expect(report.snapshot?.hasPrefix("reopened") == true)
            mapping = reopened.tables[0].ids.bytes.keeper
            column = reopened.tables[0].ids.bytes
        }
        #expect(mapping != nil, "an array of the store keeps it")
        let expected = Array(try #require(column))
        column = nil
        #expect(mapping == nil)
        #expect(!expected.isEmpty)
    }

    @Test func aChangedFileInvalidatesIt() throws {
        let s = try Scratch()
        defer { s.cleanUp() }
        _ = try s.load()
        // Same size and contents, new times: the contents are hashed and still match.
        let accounts = s.data + "/accounts.csv"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: accounts)
        #expect(try s.load().1.snapshot?.hasPrefix("reopened") == true)
        // One byte different, same size (the first account's name changes case): not used.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: accounts))
        let lineTwo = try #require(bytes.firstIndex(of: 10)) + 1
        var at = try #require(bytes[lineTwo...].firstIndex(of: UInt8(ascii: ","))) + 1
        if bytes[at] == UInt8(ascii: "\"") { at += 1 }
        bytes[at] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: accounts))
        let (changed, report) = try s.load()
        #expect(report.snapshot?.contains("the data files changed") == true, "\(report.snapshot ?? "nil")")
        #expect(try s.load().1.snapshot?.hasPrefix("reopened") == true, "the new snapshot is used next time")
        let parsed = try Loader.load(.directory(s.data)).0
        #expect(answers(changed) == answers(parsed))
        // A file that appears (an entity's JSONL beside its CSV) is a change too: the load now fails.
        try "{}\n".write(toFile: s.data + "/managers.jsonl", atomically: true, encoding: .utf8)
        #expect(throws: LoadError.self) { try s.load() }
        try FileManager.default.removeItem(atPath: s.data + "/managers.jsonl")
        // folio.json removed: `as_of` is gone.
        try FileManager.default.removeItem(atPath: s.data + "/folio.json")
        let (noConfig, r) = try s.load()
        #expect(r.snapshot?.contains("the data files changed") == true)
        #expect(noConfig.asOf == nil)
    }

    @Test func aDamagedSnapshotIsNeverTrusted() throws {
        let s = try Scratch()
        defer { s.cleanUp() }
        let expected = answers(try s.load().0)
        let good = try Data(contentsOf: URL(fileURLWithPath: s.snapshotPath))
        var rng = RobustnessTests.SplitMix(state: 99)
        var damaged: [Data] = [Data(), good.prefix(40), good.prefix(good.count / 2), good.dropLast(1), Data(repeating: 0, count: good.count)]
        for _ in 0..<40 {
            var d = good
            let at = Int(rng.next() % UInt64(d.count))
            d[at] ^= UInt8(1 << (rng.next() % 8))
            damaged.append(d)
        }
        var refused = 0
        for d in damaged {
            try d.write(to: URL(fileURLWithPath: s.snapshotPath))
            let (store, report) = try s.load()
            if report.snapshot?.hasPrefix("reopened") != true { refused += 1 }
            #expect(answers(store) == expected)
        }
        // A flipped bit in the padding between arrays changes nothing folio reads; everything else is refused.
        #expect(refused >= damaged.count - 8, "\(refused) of \(damaged.count) refused")
    }

    @Test func pruningKeepsTheMostRecentlyUsed() throws {
        let dir = NSTemporaryDirectory() + "folio-prune-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for i in 0..<11 {
            let path = dir + "/\(i).snapshot"
            FileManager.default.createFile(atPath: path, contents: Data([1]))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: Double(-100 * (11 - i)))], ofItemAtPath: path)
        }
        FileManager.default.createFile(atPath: dir + "/old.tmp", contents: Data([1]))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: dir + "/old.tmp")
        FileManager.default.createFile(atPath: dir + "/writing.tmp", contents: Data([1]))
        SnapshotCache.prune(dir, keeping: 8)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(left == Set((3..<11).map { "\($0).snapshot" } + ["writing.tmp"]))
    }

    @Test func checksumSeesEveryByte() {
        var bytes = [UInt8](repeating: 7, count: 1000)
        let h = bytes.withUnsafeBytes { Checksum.hash($0) }
        for i in [0, 31, 32, 500, 998, 999] {
            bytes[i] ^= 1
            #expect(bytes.withUnsafeBytes { Checksum.hash($0) } != h)
            bytes[i] ^= 1
        }
        #expect(bytes.dropLast().withUnsafeBytes { Checksum.hash($0) } != h)
    }
}
