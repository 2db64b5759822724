import Testing
@testable import FolioCore

@Suite struct StoreTests {
    func strings(_ values: [String]) -> StringColumn {
        var s = StringColumn()
        for v in values { if v.isEmpty { s.appendNull() } else { s.append(v) } }
        return s
    }

    @Test func hashIndexFindsExactAndFolded() {
        let ids = strings(["A1", "a1", "B2", "", "C3"])
        var index = ByteHashIndex(capacity: 4)
        #expect(index.insertAll(ids).isEmpty)
        #expect(index.lookup("A1", in: ids) == 0)
        #expect(index.lookup("a1", in: ids) == 1)
        #expect(index.lookup("b2", in: ids) == nil)
        #expect(index.lookup("", in: ids) == nil)
        var key = "B2"
        #expect(key.withUTF8 { index.lookupFolded($0, in: ids) } == [2])
        key = "A1"
        #expect(key.withUTF8 { index.lookupFolded($0, in: ids) } == [0, 1])
    }

    @Test func hashIndexReportsDuplicatesAndGrows() {
        let ids = strings((0..<5000).map { "ID\($0 % 4000)" })
        var index = ByteHashIndex()
        let duplicates = index.insertAll(ids)
        #expect(duplicates.count == 1000)
        #expect(duplicates.first.map { [$0.row, $0.first] } == [4000, 0])
        let keys = strings(["ID3999", "nope", "", "ID0"])
        #expect(index.lookupAll(keys, in: ids) == [3999, -2, -1, 0])
    }

    @Test func csrGroupsChildrenInOrder() {
        let csr = CSR(links: [2, 0, -1, 2, 0], parentCount: 3)
        #expect(csr.offsets == [0, 2, 2, 4])
        #expect(csr.rows == [1, 4, 0, 3])
    }

    @Test func enumDomainsMatchAnySpelling() {
        let d = EnumDomain(name: "x.stage", declared: ["closed_won", "closed_lost"])
        #expect(d.code(of: "Closed Won") == 0)
        #expect(d.code(of: "closed-lost") == 1)
        #expect(d.code(of: "won") == nil)
    }

    @Test func sampleStoreIsResolved() throws {
        let store = Fixtures.sampleStore
        let accounts = try #require(store.table("accounts"))
        let owner = try #require(accounts.def.fieldIndex("owner_id"))
        let links = try #require(accounts.links[owner])
        #expect(links.allSatisfy { $0 >= 0 })
        let managers = try #require(store.table("managers"))
        let csr = try #require(managers.collections["accounts"])
        #expect(csr.rows.count == accounts.rowCount)
        // Every account's owner lists the account among its accounts.
        for (row, m) in links.enumerated() {
            let children = csr.rows[Int(csr.offsets[Int(m)])..<Int(csr.offsets[Int(m) + 1])]
            #expect(children.contains(Int32(row)))
        }
    }

    @Test func valueFormats() {
        #expect(ValueFormat.plain(.money(125_000_050)) == "1250000.50")
        #expect(ValueFormat.plain(.money(-5)) == "-0.05")
        #expect(ValueFormat.human(.money(125_000_000)) == "1,250,000")
        #expect(ValueFormat.human(.decimal(1234.56789)) == "1,234.5679")
        #expect(ValueFormat.human(.decimal(0.5), grouped: false) == "0.5")
        #expect(ValueFormat.plain(.decimal(2)) == "2")
        #expect(ValueFormat.plain(.decimal(0.1 + 0.2)) == "0.30000000000000004")
        #expect(ValueFormat.human(.int(-1_234_567)) == "-1,234,567")
        #expect(ValueFormat.wantsGrouping([.int(2026), .int(9999)]) == false)
        #expect(ValueFormat.wantsGrouping([.int(2026), .int(10_000)]) == true)
        #expect(ValueFormat.width("Công ty") == 7)
        #expect(ValueFormat.width("東京") == 4)
    }

    @Test func likePatterns() {
        #expect(LikePattern("%bank%").matches("Orion BANK & Co."))
        #expect(LikePattern("a_c").matches("ABC"))
        #expect(!LikePattern("a_c").matches("abbc"))
        #expect(LikePattern("%").matches(""))
        #expect(LikePattern("%a%b%").matches("xxaxxbxx"))
        #expect(!LikePattern("%a%b%").matches("xxbxxaxx"))
        #expect(LikePattern("müller%").matches("MÜLLER & Söhne"))
    }
}
