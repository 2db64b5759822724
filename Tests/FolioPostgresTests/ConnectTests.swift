import Testing
@testable import FolioPostgres

extension PostgresServerTests {
    @Suite struct Connect {
        @Test func aSessionOpensAndCloses() throws {
            guard let connection = try connectToTestServer() else { return }
            #expect(connection.isConnected)
            #expect(connection.serverVersion >= 100_000)
            #expect(try scalar(connection, "select current_setting('client_encoding')") == "UTF8")
            connection.close()
            #expect(!connection.isConnected)
            #expect(connection.serverVersion == 0)
            let kind = expectPostgresError { _ = try connection.query("select 1") }
            guard case .connectionLost = kind else {
                Issue.record("expected .connectionLost, got \(String(describing: kind))")
                return
            }
            connection.close()
        }

        @Test func aWrongPortFailsToConnect() throws {
            guard let conninfo = testServerConninfo() else { return }
            // A later keyword overrides an earlier one; on a socket directory, the port
            // names a socket file that does not exist.
            let kind = expectPostgresError { _ = try PostgresConnection(conninfo + " port=1") }
            guard case .connect(let message) = kind else {
                Issue.record("expected .connect, got \(String(describing: kind))")
                return
            }
            #expect(message.contains("port=1"))
            #expect(message.contains(".s.PGSQL.1") || message.contains("port 1"))
        }

        @Test func aWrongDatabaseFailsToConnect() throws {
            guard let conninfo = testServerConninfo() else { return }
            let kind = expectPostgresError { _ = try PostgresConnection(conninfo + " dbname=no_such_database") }
            guard case .connect(let message) = kind else {
                Issue.record("expected .connect, got \(String(describing: kind))")
                return
            }
            #expect(message.contains("no_such_database"))
        }
    }
}
