import Foundation
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

/// Foreign keys keep no text of their own: it is derived from the links, and must read
/// exactly as the files wrote it.
@Suite struct DerivedKeyTests {
    /// Field `name` of every record of `file`, as written.
    func cells(_ file: String, _ name: String) throws -> [String] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.samplePortfolio + "/" + file)))
        return try bytes.withUnsafeBufferPointer { buf throws(CSVReader.Problem) -> [String] in
            var reader = CSVReader(bytes: buf)
            _ = try reader.next()
            let header = (0..<reader.fieldCount).map { String(decoding: reader.field($0), as: UTF8.self) }
            guard let column = header.firstIndex(of: name) else { return [] }
            var out: [String] = []
            while try reader.next() { out.append(String(decoding: reader.field(column), as: UTF8.self)) }
            return out
        }
    }

    @Test func keysReadAsWritten() throws {
        let store = Fixtures.sampleStore
        var checked = 0
        for t in store.tables {
            for (f, field) in t.def.fields.enumerated() where field.reference != nil {
                let key = try #require(t.columns.keys[f], "\(t.name).\(field.name) is derived")
                // Nothing stored until a column is asked for.
                guard case .string(let placeholder) = t.columns.storedColumn(f) else { Issue.record("not text"); continue }
                #expect(placeholder.bytes.isEmpty)
                let written = try cells(t.name + ".csv", field.name)
                #expect(written.count == t.rowCount)
                guard case .string(let built) = t.columns[f] else { Issue.record("not text"); continue }
                let reader = ExprCompiler(store: store, source: .table(t), fiscalYearStart: 1, today: 0).storedReader(t, f)
                for r in 0..<t.rowCount {
                    #expect(built.string(r) == written[r], "\(t.name).\(field.name) row \(r)")
                    #expect(reader(r) == (written[r].isEmpty ? .null : .string(written[r])))
                    #expect(key.range(r)?.count ?? 0 == written[r].utf8.count)
                }
                checked += 1
            }
        }
        #expect(checked >= 8)
    }
}
