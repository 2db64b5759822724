import Foundation
import Testing
@testable import FolioCore

/// `folio export`: the CSV each engine reads alike, schema.sql for each dialect, and a write
/// that is all or nothing.
@Suite struct SQLExportTests {
    static let store: Store = {
        let files: [String: [UInt8]] = [
            "managers.csv": Array("id,name,email,role,level,region,lead_id,quota\nM1,\"Ada, Lovelace\",ada@x.io,am,senior,EMEA,,1200000\n".utf8),
            "accounts.csv": Array("""
                id,name,parent_id,owner_id,industry,tier,region,country,status,employees,arr,health,nps,products,seats,seats_used,customer_since,renewal_date
                A1,"Say ""hi"" Ltd",,M1,software,key,EMEA,DE,active,10,1234.5,51,,CRM Cloud;Security,5,,2020-02-29,
                A2,\\back,A1,M1,software,key,emea,DE,active,,0.07,,-3,,,,,2027-01-01

                """.utf8),
        ]
        do { return try Loader.load(.memory(files)).0 } catch { fatalError("the export fixture does not load: \(error)") }
    }()

    func text(_ csv: TableCSV) -> String {
        String(decoding: csv.headerLine + csv.lines(0..<csv.rowCount), as: UTF8.self)
    }

    @Test func entityRowsAreCleanCSV() throws {
        let accounts = try #require(Self.store.table("accounts"))
        let csv = text(TableCSV.entity(accounts, in: Self.store))
        #expect(csv == """
            folio_row,id,name,parent_id,owner_id,industry,tier,region,country,status,employees,arr,health,nps,seats,seats_used,customer_since,renewal_date
            0,A1,"Say ""hi"" Ltd",,M1,software,key,EMEA,DE,active,10,1234.50,51,,5,,2020-02-29,
            1,A2,"\\back",A1,M1,software,key,EMEA,DE,active,,0.07,,-3,,,,2027-01-01

            """)
    }

    @Test func listFieldsAreChildTables() throws {
        let accounts = try #require(Self.store.table("accounts"))
        let field = try #require(accounts.def.fieldIndex("products"))
        #expect(text(TableCSV.list(accounts, field: field)) == "id,value,ord\nA1,CRM Cloud,0\nA1,Security,1\n")
    }

    @Test func theSchemaBuildsTheDatabaseInEachDialect() {
        let pg = SQLExport(store: Self.store, dialect: .postgres).schemaSQL()
        #expect(pg.contains("CREATE TABLE accounts (\n  folio_row BIGINT NOT NULL,\n  id TEXT,"))
        #expect(pg.contains("  PRIMARY KEY (id)\n);"))
        #expect(pg.contains("\\copy accounts FROM 'accounts.csv' WITH (FORMAT csv, HEADER true)"))
        #expect(pg.contains("\\copy folio_schema FROM 'folio_schema.csv'"))
        #expect(pg.contains("CREATE INDEX accounts_owner_id ON accounts (owner_id);"))
        #expect(pg.contains("CREATE INDEX accounts_products_id ON accounts_products (id, ord);"))
        let lite = SQLExport(store: Self.store, dialect: .sqlite).schemaSQL()
        #expect(lite.contains(".import --csv --skip 1 'accounts.csv' accounts"))
        #expect(lite.contains("UPDATE accounts SET id = NULLIF(id, '')"))
        let duck = SQLExport(store: Self.store, dialect: .duckdb).schemaSQL()
        #expect(duck.contains("COPY accounts FROM 'accounts.csv' (FORMAT csv, HEADER true"))
        let spark = SQLExport(store: Self.store, dialect: .spark).schemaSQL()
        #expect(spark.contains("USING csv OPTIONS (path 'accounts.csv', header 'true'"))
        #expect(!spark.contains("PRIMARY KEY") && !spark.contains("CREATE INDEX"))
    }

    @Test func folioSchemaRecordsFieldsTypesPicklistsAndRelationships() {
        let rows = SQLExport(store: Self.store, dialect: .postgres).schemaTable.rows
        let tier = rows.first { $0[0] == "accounts" && $0[2] == "tier" }
        #expect(tier?[3] == "enum")
        #expect(tier?[4] == #"["strategic","key","growth","standard"]"#)
        let owner = rows.first { $0[0] == "accounts" && $0[2] == "owner_id" }
        #expect(owner?[5] == "managers" && owner?[6] == "owner" && owner?[7] == "accounts")
    }

    @Test func aWriteIsAllOrNothingAndRefusesToOverwrite() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("db").path
        let export = SQLExport(store: Self.store, dialect: .duckdb)
        let report = try export.write(to: out, force: false)
        #expect(report.tables.map(\.name) == ["managers", "accounts", "accounts_products", "contacts", "opportunities", "activities"])
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files.contains("schema.sql") && files.contains("folio_schema.csv") && files.contains("accounts.csv"))
        #expect(throws: SQLExport.Failure.self) { try export.write(to: out, force: false) }
        _ = try export.write(to: out, force: true)
        // Nothing is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["db"])
    }
}
