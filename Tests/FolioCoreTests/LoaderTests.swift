import Foundation
import Testing
@testable import FolioCore

/// Loads small in-memory portfolios, good and bad.
@Suite struct LoaderTests {
    static let managers = "id,name,email,role,level,region,lead_id,quota\nM1,Ann,ann@x.com,key,senior,EMEA,,100000\nM2,Bo,bo@x.com,sales,junior,AMER,M1,50000\n"

    func load(_ files: [String: String], lenient: Bool = false) throws(LoadError) -> (Store, LoadReport) {
        var bytes: [String: [UInt8]] = [:]
        for (k, v) in files { bytes[k] = Array(v.utf8) }
        return try Loader.load(.memory(bytes), lenient: lenient)
    }

    func loadError(_ files: [String: String]) -> String? {
        do {
            _ = try load(files)
            return nil
        } catch {
            return error.description
        }
    }

    func accounts(_ body: String, header: String = "id,name,owner_id,arr,renewal_date,region") -> [String: String] {
        ["managers.csv": Self.managers, "accounts.csv": header + "\n" + body]
    }

    // MARK: - Good input

    @Test func messyCRMExport() throws {
        let csv = "\u{FEFF}Id,Name,Owner-ID,ARR,Renewal Date,Region,Status,Products,Seats,Is Key,Custom Score,Signed\r\n"
            + "A1,\"Müller & Söhne, GmbH\",M1,\"$1,250,000.00\",2026-09-01,emea,Active,Analytics;CRM Cloud,10,yes,3.5,2026-01-01\r\n"
            + "A2,\"Multi\nLine \"\"Quoted\"\"\",M2,€99.5,,Latin-America,churned,,,no,4,\r\n"
        let (store, report) = try load(["managers.csv": Self.managers, "accounts.csv": csv])
        #expect(report.rows.first { $0.entity == "accounts" }?.count == 2)
        let t = try #require(store.table("accounts"))
        guard case .string(let names) = try #require(t.column("name")) else { Issue.record("name"); return }
        #expect(names.string(0) == "Müller & Söhne, GmbH")
        #expect(names.string(1) == "Multi\nLine \"Quoted\"")
        guard case .money(let arr) = try #require(t.column("arr")) else { Issue.record("arr"); return }
        #expect(arr == [125_000_000, 9_950])
        guard case .enumeration(let region) = try #require(t.column("region")) else { Issue.record("region"); return }
        #expect(region.codes[0] == 1)  // EMEA
        #expect(region.domain.labels.last == "Latin-America")  // a custom picklist value, kept
        guard case .list(let products) = try #require(t.column("products")) else { Issue.record("products"); return }
        #expect(products.values(0) == ["Analytics", "CRM Cloud"])
        #expect(products.values(1) == [])
        // Custom fields, typed by inference.
        #expect(t.def.fields.first { $0.name == "Is Key" }?.type == .bool)
        #expect(t.def.fields.first { $0.name == "Custom Score" }?.type == .decimal)
        #expect(t.def.fields.first { $0.name == "Signed" }?.type == .date)
        #expect(t.def.fields.first { $0.name == "Signed" }?.isCustom == true)
        // Relationships resolved both ways.
        let owner = try #require(t.def.fieldIndex("owner_id"))
        #expect(t.links[owner] == [0, 1])
        let m = try #require(store.table("managers"))
        #expect(m.collections["accounts"]?.offsets == [0, 1, 2])
        #expect(m.collections["team"]?.offsets == [0, 1, 1])
        #expect(m.collections["team"]?.rows == [1])
    }

    /// Chunks of a few bytes split records everywhere, also inside quoted fields with line breaks;
    /// the result must be the same as parsing the file in one piece.
    @Test func chunkSeamsDoNotChangeTheResult() throws {
        var csv = "id,name,region,products,arr\n"
        for i in 0..<200 {
            let name = i % 7 == 0 ? "\"Line\nbreak, \"\"quoted\"\" \(i)\"" : "Plain \(i)"
            let region = ["EMEA", "Custom Region", "apac", "Other"][i % 4]
            csv += "A\(i),\(name),\(region),\(i % 3 == 0 ? "X;Y" : "Z"),\(i * 10)\n"
            if i % 50 == 0 { csv += "\n" }
        }
        func snapshot(_ chunkBytes: Int) throws -> [String] {
            let (store, _) = try Loader.load(.memory(["accounts.csv": Array(csv.utf8)]), chunkBytes: chunkBytes)
            let session = Session(store: store, today: 0)
            return session.run("accounts | select id, name, region, products, arr").compactMap {
                if case .result(let f, _) = $0 { return Renderer.render(f, RenderOptions(format: .csv)) }
                return nil
            }
        }
        let whole = try snapshot(1 << 30)
        for size in [1, 7, 33, 100] {
            #expect(try snapshot(size) == whole, "chunks of \(size) bytes")
        }
        // Line numbers in messages stay right across chunks.
        do {
            _ = try Loader.load(.memory(["accounts.csv": Array((csv + "A999,x,EMEA,,oops\n").utf8)]), chunkBytes: 50)
            Issue.record("expected an error")
        } catch {
            let lines = csv.filter { $0 == "\n" }.count
            #expect(error.description.hasPrefix("accounts.csv:\(lines + 1):"))
        }
    }

    /// A mapped file's parsed pages are handed back every few bytes (as every 16 MiB on big
    /// files), in chunks of any size: the columns are what the whole file in memory gives, and
    /// an error found after the pages were dropped still points at its line and column.
    @Test func releasingParsedPagesChangesNothing() throws {
        let saved = Loader.releaseStride
        Loader.releaseStride = 4096
        defer { Loader.releaseStride = saved }
        let names = ["accounts.csv", "contacts.csv", "opportunities.csv", "activities.csv", "managers.csv", "folio.json"]
        var files: [String: [UInt8]] = [:]
        for n in names { files[n] = Array(try Data(contentsOf: Fixtures.root.appendingPathComponent("Samples/portfolio/" + n))) }
        let query = "activities | sort id | select id, subject, account_id, kind, date, outcome"
        func answer(_ store: Store) -> String { Fixtures.run(query, in: Session(store: store, today: 0), format: .csv) }
        let fromMemory = answer(try Loader.load(.memory(files)).0)
        for chunk in [nil, 5000, 100_000] {
            #expect(answer(try Loader.load(.directory(Fixtures.samplePortfolio), chunkBytes: chunk).0) == fromMemory)
        }
        let dir = NSTemporaryDirectory() + "folio-release-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Fixtures.samplePortfolio, toPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let activities = dir + "/activities.csv"
        var text = try String(contentsOfFile: activities, encoding: .utf8)
        text += "X9999999,subject,A0000001,,M00001,call,2026-13-01,positive\n"
        try text.write(toFile: activities, atomically: true, encoding: .utf8)
        let lines = text.filter { $0 == "\n" }.count
        #expect { try Loader.load(.directory(dir), chunkBytes: 5000) } throws: { error in
            "\(error)".contains("activities.csv:\(lines):") && "\(error)".contains("date")
        }
    }

    /// Text columns are addressed with 32-bit offsets: a file over 4 GiB is refused up front
    /// (a sparse file here, so nothing is read).
    @Test func aFileOver4GiBIsRefused() throws {
        let dir = NSTemporaryDirectory() + "folio-huge-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/accounts.csv"
        FileManager.default.createFile(atPath: path, contents: Data("id\n".utf8))
        #expect(truncate(path, off_t(UInt32.max) + 1) == 0)
        #expect { try Loader.load(.directory(dir)) } throws: { error in
            "\(error)".contains("accounts.csv") && "\(error)".contains("up to 4 GiB") && "\(error)".contains("4294967296 bytes")
        }
    }

    @Test func closedWonSpellings() throws {
        let opp = "id,name,account_id,stage,amount\nO1,x,A1,Closed Won,10\nO2,y,A1,closed-won,20\nO3,z,A1,Needs Analysis,30\n"
        let (store, _) = try load(["accounts.csv": "id,name\nA1,Acme\n", "opportunities.csv": opp])
        let t = try #require(store.table("opportunities"))
        guard case .enumeration(let stage) = try #require(t.column("stage")) else { return }
        #expect(stage.codes == [4, 4, 6])
        #expect(stage.domain.labels[6] == "Needs Analysis")
    }

    @Test func jsonLines() throws {
        let jsonl = """
        {"id": "A1", "name": "Caf\\u00e9 \\"One\\"", "products": ["Analytics", "Mobile"], "arr": 1200.5, "health": 70, "region": "APAC"}

        {"id": "A2", "name": "Two", "products": [], "arr": null, "extra": true}
        """
        let (store, _) = try load(["accounts.jsonl": jsonl])
        let t = try #require(store.table("accounts"))
        #expect(t.rowCount == 2)
        guard case .string(let names) = try #require(t.column("name")) else { return }
        #expect(names.string(0) == "Café \"One\"")
        guard case .money(let arr) = try #require(t.column("arr")) else { return }
        #expect(arr == [120_050, Column.nullInt])
        #expect(t.def.fields.last?.name == "extra")
        #expect(t.def.fields.last?.type == .bool)
    }

    @Test func headerOnlyAndMissingFiles() throws {
        let (store, _) = try load(["accounts.csv": "id,name\n"])
        #expect(store.table("accounts")?.rowCount == 0)
        #expect(store.table("contacts")?.rowCount == 0)
    }

    @Test func tenMegabyteField() throws {
        let big = String(repeating: "x", count: 10_000_000)
        let (store, _) = try load(["accounts.csv": "id,name\nA1,\"\(big)\"\n"])
        guard case .string(let names) = try #require(store.table("accounts")?.column("name")) else { return }
        #expect(names.string(0).utf8.count == 10_000_000)
    }

    @Test func folioJSON() throws {
        let (store, _) = try load(["accounts.csv": "id\nA1\n", "folio.json": #"{"as_of": "2026-06-15", "fiscal_year_start": 2}"#])
        #expect(store.asOf == Day.parse("2026-06-15"))
        #expect(store.fiscalYearStart == 2)
    }

    // MARK: - Bad input: file:line:column and the problem

    @Test func unterminatedQuoteAtEndOfFile() {
        #expect(loadError(accounts("A1,\"Acme,M1,10,,EMEA\n")) == "accounts.csv:2:4: error: a quoted field starts here and is never closed")
    }

    @Test func raggedRow() {
        #expect(loadError(accounts("A1,Acme,M1\n")) == "accounts.csv:2:1: error: expected 6 fields as in the header, found 3")
    }

    @Test func badDate() {
        #expect(loadError(accounts("A1,Acme,M1,10,2026-13-01,EMEA\n"))
            == "accounts.csv:2:15: error: expected a date (YYYY-MM-DD) for 'renewal_date', found \"2026-13-01\"")
    }

    @Test func textInANumericColumn() {
        #expect(loadError(accounts("A1,Acme,M1,lots,,EMEA\n"))
            == "accounts.csv:2:12: error: expected an amount of money for 'arr', found \"lots\"")
        #expect(loadError(["accounts.csv": "id,health\nA1,high\n"])
            == "accounts.csv:2:4: error: expected a whole number for 'health', found \"high\"")
        #expect(loadError(["accounts.csv": "id,health\nA1,99999999999999999999\n"])?.contains("expected a whole number") == true)
    }

    @Test func duplicateID() {
        #expect(loadError(accounts("A1,Acme,M1,10,,EMEA\nA1,Again,M1,10,,EMEA\n"))
            == "accounts.csv:3:1: error: duplicate id \"A1\" (first on line 2)")
    }

    /// A file of many duplicates reports the first, located, and a lenient load keeps the
    /// first row of each id (each duplicate was once located by reading the file again).
    @Test func manyDuplicateIDs() throws {
        let rows = (0..<20).flatMap { _ in (1...500).map { "A\($0),Acme \($0),M1,10,,EMEA" } }.joined(separator: "\n") + "\n"
        #expect(loadError(accounts(rows)) == "accounts.csv:502:1: error: duplicate id \"A1\" (first on line 2)")
        let (store, report) = try load(accounts(rows), lenient: true)
        #expect(store.table("accounts")?.rowCount == 500)
        #expect(report.skipped.counts["duplicate id"] == 9_500)
        #expect(report.skipped.examples["duplicate id"]?.description == "accounts.csv:502:1: error: duplicate id \"A1\" (first on line 2)")
    }

    @Test func danglingKey() {
        #expect(loadError(accounts("A1,Acme,M9,10,,EMEA\n"))
            == "accounts.csv:2:9: error: 'owner_id' is \"M9\", but no managers row has that id")
    }

    @Test func invalidUTF8() {
        var bytes = Array("id,name\nA1,Caf".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\n".utf8)
        do {
            _ = try Loader.load(.memory(["accounts.csv": bytes]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "accounts.csv:2:7: error: invalid UTF-8 byte 0xC3")
        }
    }

    @Test func emptyFile() {
        #expect(loadError(["accounts.csv": ""]) == "accounts.csv:1:1: error: the file is empty (expected a header row)")
    }

    @Test func missingIDColumn() {
        #expect(loadError(["accounts.csv": "name\nAcme\n"])
            == "accounts.csv:1:1: error: no 'id' column (every entity needs one); map one in folio.json (\"columns\": {\"Opportunity ID\": \"id\"}) or key the rows by a field (\"key\": \"name\")")
    }

    @Test func missingID() {
        #expect(loadError(["accounts.csv": "id,name\n,Acme\n"]) == "accounts.csv:2:1: error: the row has no id")
    }

    @Test func junkAfterClosingQuote() {
        #expect(loadError(["accounts.csv": "id,name\nA1,\"Acme\"x\n"])?.hasPrefix("accounts.csv:2:") == true)
    }

    @Test func badJSONLine() {
        #expect(loadError(["accounts.jsonl": "{\"id\": \"A1\"}\n{\"id\": }\n"]) == "accounts.jsonl:2:8: error: expected a value")
    }

    @Test func badConfig() {
        #expect(loadError(["accounts.csv": "id\nA1\n", "folio.json": #"{"as_of": "June"}"#])
            == "folio.json: error: as_of: expected a date string like \"2026-06-15\", found a string")
    }


    @Test func lenientSkipsAndCounts() throws {
        let (store, report) = try load(accounts("A1,Acme,M1,10,,EMEA\nA2,Bad,M1,x,,EMEA\nA3,Dangling,M9,10,,EMEA\nA1,Dup,M1,1,,EMEA\nA4,Short\n"), lenient: true)
        let t = try #require(store.table("accounts"))
        #expect(t.rowCount == 2)  // A1, and A3 with its dangling key nulled
        #expect(report.skipped.counts == ["bad number": 1, "dangling key": 1, "duplicate id": 1, "ragged row": 1])
        guard case .string(let owners) = try #require(t.column("owner_id")) else { return }
        #expect(owners.isNull(1))
        #expect(report.skipped.summary.hasPrefix("skipped 3 bad rows: 1 bad number (first: accounts.csv:3:"))
        #expect(report.skipped.summary.contains("; set 1 dangling key to null (first: accounts.csv:4:"))
    }

    @Test func aSkippedRowLeavesNothingBehind() throws {
        // Row A2 brings a new picklist value and a list, then fails on a later column: the
        // row is taken back whole, its custom region and list items with it.
        let header = "id,name,region,products,owner_id,arr"
        let csv = "A1,Acme,EMEA,Analytics,M1,10\nA2,Bad,Mars,Analytics;Mobile,M1,x\nA3,Ok,emea,,M1,20\n"
        let (store, report) = try load(accounts(csv, header: header), lenient: true)
        let t = try #require(store.table("accounts"))
        #expect(t.rowCount == 2)
        #expect(report.skipped.counts == ["bad number": 1])
        guard case .enumeration(let region) = try #require(t.column("region")) else { return }
        #expect(!region.domain.labels.contains("Mars"))
        #expect(region.codes == [1, 1])
        guard case .list(let products) = try #require(t.column("products")) else { return }
        #expect(products.offsets == [0, 1, 1])
        guard case .money(let arr) = try #require(t.column("arr")) else { return }
        #expect(arr == [1000, 2000])
        // The same in JSON lines.
        let jsonl = """
        {"id": "A1", "region": "EMEA", "arr": 10}
        {"region": "Mars", "id": "A2", "products": ["Mobile"], "arr": "x"}
        {"id": "A3", "products": ["Analytics"], "region": "emea", "arr": 20}
        """
        let (store2, report2) = try load(["accounts.jsonl": jsonl], lenient: true)
        let t2 = try #require(store2.table("accounts"))
        #expect(t2.rowCount == 2)
        #expect(report2.skipped.counts == ["bad number": 1])
        guard case .enumeration(let region2) = try #require(t2.column("region")) else { return }
        #expect(!region2.domain.labels.contains("Mars"))
        guard case .list(let products2) = try #require(t2.column("products")) else { return }
        #expect(products2.offsets == [0, 0, 1])
    }

    @Test func directoryErrors() {
        do {
            _ = try Loader.load(.directory("/nonexistent/folio"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/folio: error: no such data directory")
        }
    }

    // MARK: - Load machinery

    /// Files are cut only as much as keeping both cores busy needs.
    @Test func piecesBalanceTheCores() {
        let mb = 1 << 20
        // Four files that two workers can share whole but for the largest.
        let pieces = Loader.piecesPerFile([(700 * mb, true), (661 * mb, true), (519 * mb, true), (146 * mb, true), (2 * mb, true)], cores: 2)
        #expect(pieces == [2, 1, 1, 1, 1])
        // One file is cut once per core; a JSON lines file never.
        #expect(Loader.piecesPerFile([(100 * mb, true)], cores: 2) == [2])
        #expect(Loader.piecesPerFile([(100 * mb, false)], cores: 2) == [1])
        // Small files stay whole, and one core needs no cuts.
        #expect(Loader.piecesPerFile([(12 * mb, true)], cores: 2) == [1])
        #expect(Loader.piecesPerFile([(500 * mb, true), (10 * mb, true)], cores: 1) == [1, 1])
    }

    /// Foreign keys in any order resolve as single lookups do: the guesses for keys in
    /// parent order (the key before, the row after) only ever save probes.
    @Test func keyLookupsInAnyOrder() {
        var ids = StringColumn()
        for i in 0..<5000 { ids.append("K\(i)") }
        var index = ByteHashIndex(capacity: ids.count)
        #expect(index.insertAll(ids).isEmpty)
        var generator = SystemRandomNumberGenerator()
        for order in ["sorted", "runs", "shuffled"] {
            var keys = StringColumn()
            var expected: [Int32] = []
            for i in 0..<20000 {
                let target: Int
                switch order {
                case "sorted": target = i / 4
                case "runs": target = (i / 3) % 7 == 0 ? Int.random(in: 0..<5000, using: &generator) : (i / 3) % 5000
                default: target = Int.random(in: 0..<6000, using: &generator)
                }
                if i % 97 == 0 {
                    keys.appendNull()
                    expected.append(-1)
                } else {
                    keys.append("K\(target)")
                    expected.append(target < 5000 ? Int32(target) : -2)
                }
            }
            #expect(index.lookupAll(keys, in: ids) == expected, "\(order)")
            // In stretches, as the loader's tasks do.
            var stretched = [Int32](repeating: 0, count: keys.count)
            stretched.withUnsafeMutableBufferPointer { out in
                for lo in stride(from: 0, to: keys.count, by: 777) { index.lookupAll(keys, rows: lo..<min(keys.count, lo + 777), in: ids, into: out) }
            }
            #expect(stretched == expected, "\(order) in stretches")
        }
    }

    /// Keys start their probes all over a table of any size (not a power of two), so probes stay short.
    @Test func hashHomesSpreadOverTheTable() {
        for count in [16, 1000, 13_337, 1 << 20] {
            var homes = Set<Int>()
            for i in 0..<20_000 {
                var key = "A\(i)"
                let home = key.withUTF8 { ByteHashIndex.home(ByteHashIndex.hash($0), count) }
                #expect(home >= 0 && home < count)
                homes.insert(home)
            }
            // 20,000 keys over `count` slots at random fill about count × (1 − e^(−20000/count)).
            let expected = Double(count) * (1 - exp(-20_000 / Double(count)))
            #expect(Double(homes.count) > expected * 0.9, "\(count) slots: \(homes.count) homes")
        }
    }

    /// The UTF-8 check finds the first bad byte wherever it falls among the 32- and 8-byte steps.
    @Test func utf8CheckAtEveryOffset() {
        for length in [0, 1, 7, 8, 9, 31, 32, 33, 40, 64, 65, 100] {
            let good = Array(String(repeating: "a", count: length).utf8)
            #expect(good.withUnsafeBufferPointer { firstInvalidUTF8($0) } == nil)
            for bad in 0..<length {
                var bytes = good
                bytes[bad] = 0xFF
                #expect(bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) } == bad, "length \(length), bad at \(bad)")
                // A valid two-byte character just before it does not hide it.
                if bad >= 2 {
                    bytes[bad - 2] = 0xC3
                    bytes[bad - 1] = 0xA9
                    #expect(bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) } == bad)
                }
            }
        }
    }

    /// Fill buffers grow, drop their last elements and hand over what they hold.
    @Test func fillBuffers() {
        var buffer = FillBuffer<Int64>()
        for i in 0..<100 { buffer.append(Int64(i)) }
        buffer.reserve(1000)
        [Int64](500..<600).withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
        #expect(buffer.count == 200)
        buffer.count = 150
        buffer.append(-1)
        let taken = buffer.take()
        #expect(taken == Array(0..<100) + Array(500..<550) + [-1])
        #expect(buffer.count == 0)
        // A lenient load takes a bad row's cells back from string columns too.
        let b = ColumnBuilder(field: FieldDef("name", .string), entity: "accounts")
        for s in ["one", "", "three"] { _ = s.utf8.withContiguousStorageIfAvailable { b.append($0) } }
        b.truncate(to: 2)
        _ = "four".utf8.withContiguousStorageIfAvailable { b.append($0) }
        guard case .string(let column) = b.finish() else { Issue.record("not a string column"); return }
        #expect((0..<column.count).map { column.string($0) } == ["one", "", "four"])
    }
}
