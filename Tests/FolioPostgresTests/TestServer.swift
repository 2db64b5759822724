import Foundation
import Testing
@testable import FolioPostgres

/// The tests that need a server, run one at a time: the cancel tests time themselves, and a
/// million-row result or a 100,000-row COPY next to them would skew the clock.
///
/// The suites nested in extensions of this one (a file each) skip, with a note, when
/// FOLIO_TEST_POSTGRES is unset; `.ci/postgres.sh start DIR` prints a value for it.
@Suite(.serialized) struct PostgresServerTests {}

/// The test server's connection string, or nil (after saying the test is skipped).
func testServerConninfo() -> String? {
    guard let conninfo = ProcessInfo.processInfo.environment["FOLIO_TEST_POSTGRES"], !conninfo.isEmpty else {
        print("skipped: FOLIO_TEST_POSTGRES is not set")
        return nil
    }
    return conninfo
}

/// A new session with the test server, or nil when there is none to test against.
func connectToTestServer() throws -> PostgresConnection? {
    guard let conninfo = testServerConninfo() else { return nil }
    return try PostgresConnection(conninfo)
}

/// The single value of a one-row, one-column result.
func scalar(_ connection: PostgresConnection, _ sql: String, _ parameters: [String?] = []) throws -> String? {
    let result = try connection.query(sql, parameters: parameters)
    try #require(result.rows.count == 1 && result.rows[0].count == 1, "\(sql) gave \(result.rows)")
    return result.rows[0][0]
}

/// Runs `body`, which must throw a PostgresError, and returns that error's kind.
///
/// `body` throws untyped: closures do not infer typed throws in Swift 6.
func expectPostgresError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> PostgresError.Kind? {
    do {
        try body()
        Issue.record("expected a PostgresError", sourceLocation: sourceLocation)
    } catch let error as PostgresError {
        return error.kind
    } catch {
        Issue.record("expected a PostgresError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
