import Testing
@testable import FolioPostgres

extension PostgresServerTests {
    @Suite struct ServerErrors {
        @Test func anUnknownColumnIsLocated() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.query("select nope from generate_series(1, 3) as g") }
            #expect(kind == .server(
                sqlstate: "42703", message: #"column "nope" does not exist"#, detail: nil, hint: nil, position: 8))
            #expect(PostgresError(try #require(kind)).description
                == #"column "nope" does not exist (SQLSTATE 42703, at character 8)"#)
            // The session survives its error.
            #expect(try scalar(connection, "select 1") == "1")
        }

        @Test func positionsCountCharactersNotBytes() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.query("select 'Zürich', '東京', nope") }
            guard case .server(_, _, _, _, let position) = kind else {
                Issue.record("expected .server, got \(String(describing: kind))")
                return
            }
            #expect(position == 24)
        }

        @Test func hintsAndDetailsComeAlong() throws {
            guard let connection = try connectToTestServer() else { return }
            let missing = expectPostgresError { _ = try connection.query("select no_such_function(1)") }
            guard case .server(let sqlstate, _, _, let hint, let position) = missing else {
                Issue.record("expected .server, got \(String(describing: missing))")
                return
            }
            #expect(sqlstate == "42883")
            #expect(hint?.contains("No function matches") == true)
            #expect(position == 8)

            try connection.execute("create temp table once (id int primary key)")
            _ = try connection.query("insert into once values ($1)", parameters: ["1"])
            let duplicate = expectPostgresError {
                _ = try connection.query("insert into once values ($1)", parameters: ["1"])
            }
            guard case .server(let state, _, let detail, _, _) = duplicate else {
                Issue.record("expected .server, got \(String(describing: duplicate))")
                return
            }
            #expect(state == "23505")
            #expect(detail == "Key (id)=(1) already exists.")
            #expect(PostgresError(try #require(duplicate)).description.hasSuffix("; detail: Key (id)=(1) already exists."))
        }

        @Test func anErrorStopsAStringOfStatements() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.query("select 1; select 1 / 0; select 3") }
            #expect(PostgresError(try #require(kind)).sqlstate == "22012")
            let inExecute = expectPostgresError { try connection.execute("select 1; select 1 / 0") }
            #expect(PostgresError(try #require(inExecute)).sqlstate == "22012")
        }

        @Test func aMissingParameterIsTheServersError() throws {
            guard let connection = try connectToTestServer() else { return }
            let kind = expectPostgresError { _ = try connection.query("select $1::int, $2::int", parameters: ["1"]) }
            #expect(PostgresError(try #require(kind)).sqlstate == "08P01")
            #expect(try scalar(connection, "select 1") == "1")
        }
    }
}
