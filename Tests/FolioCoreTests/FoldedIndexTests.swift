import Testing
@testable import FolioCore

/// The case-folded index finds exactly the rows `=` finds equal, accents and all.
@Suite struct FoldedIndexTests {
    @Test func lookupsMatchFoldedEquality() {
        // Pieces that differ in case, composition (é and e + U+0301), and letters that lower
        // to ASCII (the Kelvin sign is "k"), with some that only look alike (ß is not "ss").
        let pieces = ["a", "A", "é", "É", "e\u{301}", "E\u{301}", "k", "K", "\u{212A}", "ß", "ss", "SS", " ", "Ø", "ø", "1"]
        var generator = RobustnessTests.SplitMix(state: 41)
        var column = StringColumn()
        var texts: [String] = []
        for _ in 0..<3000 {
            let length = Int(generator.next() % 4)
            let text = (0..<length).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            texts.append(text)
            column.append(text)
        }
        let index = FoldedIndex(column)
        #expect(index.valueCount < Set(texts).count)
        for probe in Set(texts).sorted() + ["KK", "\u{212A}\u{212A}", "zzz"] where !probe.isEmpty {
            let expected = texts.indices.filter { !texts[$0].isEmpty && foldedEqual(texts[$0], probe) }.map { Int32($0) }
            let got = Array(index.rows(equalTo: probe))
            if got != expected, let odd = Set(got).symmetricDifference(expected).first {
                Issue.record("probe \(probe.unicodeScalars.map { String($0.value, radix: 16) }) row \(texts[Int(odd)].unicodeScalars.map { String($0.value, radix: 16) }) equal: \(foldedEqual(texts[Int(odd)], probe))")
            }
        }
        #expect(index.rows(equalTo: "").isEmpty)
    }

    /// A table builds each column's index once, on first use.
    @Test func builtOnFirstUse() throws {
        let store = try Loader.load(.directory(Fixtures.samplePortfolio)).0
        let accounts = try #require(store.table("accounts"))
        let name = try #require(accounts.def.fields.firstIndex { $0.name == "name" })
        #expect(!accounts.folded.isBuilt(name))
        let session = Session(store: store, today: store.asOf ?? 0)
        #expect(Fixtures.run(#"accounts | where name = "ORION BANK & CO." | select id"#, in: session, format: .csv) == "id\nA0000002\n")
        #expect(accounts.folded.isBuilt(name))
    }

    /// A large column's first lookup scans; the second builds the index, with the same rows.
    @Test func largeColumnsAreIndexedOnTheSecondLookup() {
        var column = StringColumn()
        let n = FoldedIndexes.buildAtOnce + 10
        for i in 0..<n { column.append("Name \(i % 1000)") }
        let indexes = FoldedIndexes()
        #expect(indexes.index(3, of: column) == nil)
        #expect(!indexes.isBuilt(3))
        let index = indexes.index(3, of: column)
        #expect(index.map { Array($0.rows(equalTo: "NAME 7")) } == (0..<n).filter { $0 % 1000 == 7 }.map { Int32($0) })
        #expect(indexes.isBuilt(3))
    }
}
