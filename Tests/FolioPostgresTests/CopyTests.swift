import Testing
@testable import FolioPostgres

extension PostgresServerTests {
    @Suite struct Copy {
        /// Rows in COPY's text format, cut into chunks that end mid-row.
        static func chunks(of rows: Range<Int>, size: Int = 65_536) -> [[UInt8]] {
            var bytes: [UInt8] = []
            for id in rows { bytes += Array("\(id)\taccount \(id)\t\\N\n".utf8) }
            return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        }

        @Test func aHundredThousandRowsAreCopied() throws {
            guard let connection = try connectToTestServer() else { return }
            try connection.execute("create temp table loaded (id int, name text, note text)")
            let copied = try connection.copyIn("copy loaded (id, name, note) from stdin", chunks: Self.chunks(of: 1..<100_001))
            #expect(copied == 100_000)
            let result = try connection.query("select count(*), sum(id), count(note), max(name) from loaded")
            #expect(result.rows == [["100000", "5000050000", "0", "account 99999"]])
        }

        @Test func aBadRowFailsTheCopyAndLeavesTheSessionUsable() throws {
            guard let connection = try connectToTestServer() else { return }
            try connection.execute("create temp table strict (id int, name text)")
            let rows: [[UInt8]] = [Array("1\tfirst\n".utf8), Array("not-a-number\tsecond\n3\tthird\n".utf8)]
            let kind = expectPostgresError { _ = try connection.copyIn("copy strict from stdin", chunks: rows) }
            guard case .server(let sqlstate, let message, _, _, _) = kind else {
                Issue.record("expected .server, got \(String(describing: kind))")
                return
            }
            #expect(sqlstate == "22P02")
            #expect(message.contains("not-a-number"))
            #expect(try scalar(connection, "select count(*) from strict") == "0")
        }

        @Test func aBadStatementIsTheServersError() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.copyIn("copy no_such_table from stdin", chunks: [[UInt8]]()) }
            #expect(PostgresError(try #require(kind)).sqlstate == "42P01")
        }

        @Test func onlyCopyFromStdinIsAccepted() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.copyIn("select 1", chunks: [[UInt8]]()) }
            #expect(kind == .protocolError("copyIn needs a COPY … FROM STDIN statement"))
            #expect(try scalar(connection, "select 1") == "1")
        }

        @Test func queryRefusesCopyAndRecovers() throws {
            guard let connection = try connectToTestServer() else { return }
            try connection.execute("create temp table target (id int)")
            for sql in ["copy target from stdin", "copy (select 1) to stdout"] {
                let kind = expectPostgresError { _ = try connection.query(sql) }
                guard case .protocolError = kind else {
                    Issue.record("\(sql): expected .protocolError, got \(String(describing: kind))")
                    continue
                }
                #expect(try scalar(connection, "select 1") == "1")
            }
            let inExecute = expectPostgresError { try connection.execute("copy target from stdin") }
            guard case .protocolError = inExecute else {
                Issue.record("expected .protocolError, got \(String(describing: inExecute))")
                return
            }
            #expect(try scalar(connection, "select 1") == "1")
        }
    }
}
