import Foundation
import Testing
@testable import FolioPostgres

extension PostgresServerTests {
    @Suite struct Query {
        @Test func parametersArriveAsGiven() throws {
            guard let connection = try connectToTestServer() else { return }
            let values: [String?] = [
                "O'Neil", #"C:\temp\new"#, nil, "Zürich 東京 🙂", "'; drop table pg_class; --", "", "$2",
            ]
            let result = try connection.query(
                "select $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text", parameters: values)
            #expect(result.rows.count == 1)
            #expect(result.rows.first == values)
        }

        @Test func parametersTakeTheirPlaceholdersType() throws {
            guard let connection = try connectToTestServer() else { return }
            let result = try connection.query(
                "select $1::int + 1, $2::date + 1, $3::numeric * 2, $4::int is null",
                parameters: ["41", "2026-06-15", "1.25", nil])
            #expect(result.rows == [["42", "2026-06-16", "2.50", "t"]])
        }

        @Test func aParameterWithANulIsRefused() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.query("select $1::text", parameters: ["a\u{0}b"]) }
            #expect(kind == .protocolError("parameter $1 contains a NUL character"))
        }

        @Test func resultsCarryTypesAndNulls() throws {
            guard let connection = try connectToTestServer() else { return }
            let result = try connection.query("""
                select 1::int4 as i, 2::int8 as big, 1.50::numeric as n, true as b, 'x'::text as t,
                       null::int as missing, date '2026-06-15' as d, array[1, 2] as a, '{"a": 1}'::jsonb as j
                """)
            #expect(result.columns.map(\.name) == ["i", "big", "n", "b", "t", "missing", "d", "a", "j"])
            #expect(result.columns.map(\.typeOID) == [23, 20, 1700, 16, 25, 23, 1082, 1007, 3802])
            #expect(result.rows == [["1", "2", "1.50", "t", "x", nil, "2026-06-15", "{1,2}", #"{"a": 1}"#]])
            #expect(result.affectedRows == 1)
        }

        @Test func anEmptyResultStillHasColumns() throws {
            guard let connection = try connectToTestServer() else { return }
            let result = try connection.query("select 1 as one where false")
            #expect(result.columns.map(\.name) == ["one"])
            #expect(result.rows.isEmpty)
            #expect(result.affectedRows == 0)
        }

        @Test func commandsReportTheRowsTheyChanged() throws {
            guard let connection = try connectToTestServer() else { return }
            try connection.execute("create temp table seen (id int primary key, note text); create index on seen (note)")
            let inserted = try connection.query("insert into seen select g, 'n' || g from generate_series(1, 3) g")
            #expect(inserted.affectedRows == 3)
            #expect(inserted.columns.isEmpty)
            let updated = try connection.query("update seen set note = $1 where id > $2", parameters: ["late", "1"])
            #expect(updated.affectedRows == 2)
            #expect(try connection.query("set search_path = public").affectedRows == nil)
        }

        @Test func severalStatementsGiveTheLastResult() throws {
            guard let connection = try connectToTestServer() else { return }
            let result = try connection.query("select 1 as first; select 2 as second, 3 as third")
            #expect(result.columns.map(\.name) == ["second", "third"])
            #expect(result.rows == [["2", "3"]])
        }

        @Test func aMillionRowsReadInSeconds() throws {
            guard let connection = try connectToTestServer() else { return }
            let clock = ContinuousClock()
            let start = clock.now
            let result = try connection.query(
                "select g, 'account ' || g, case when g % 2 = 0 then null else g * 1.5 end from generate_series(1, 1000000) g")
            let elapsed = clock.now - start
            print("1,000,000 rows × 3 columns read in \(elapsed)")
            #expect(result.rows.count == 1_000_000)
            #expect(result.rows[999_998] == ["999999", "account 999999", "1499998.5"])
            #expect(result.rows[999_999] == ["1000000", "account 1000000", nil])
            // A debug build; a release build takes a fraction of this.
            #expect(elapsed < .seconds(10))
        }
    }
}
