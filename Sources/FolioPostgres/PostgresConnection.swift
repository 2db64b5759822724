import CLibpq
import Foundation

/// One session with a PostgreSQL server, over libpq.
///
/// ```swift
/// let connection = try PostgresConnection("postgresql://analyst@db.internal:5432/crm")
/// let result = try connection.query("select name from account where region = $1", parameters: ["EMEA"])
/// ```
///
/// A class because a session has identity: the server holds its state (transactions, temp
/// tables, settings) and `cancel()` must reach the one statement running on it. libpq's
/// connection object is not thread-safe, so statements take `operationLock` and run one at a
/// time; `cancel()` takes only `cancelLock` and so can interrupt them from any thread.
public final class PostgresConnection: @unchecked Sendable {
    /// The PGconn, nil once closed. Guarded by `operationLock`.
    var connection: OpaquePointer?
    let operationLock = NSLock()
    /// What `cancel()` needs. Guarded by `cancelLock`.
    var cancelState = CancelState()
    let cancelLock = NSLock()

    /// Connects, with a libpq connection string or URL.
    ///
    /// `conninfo` is `postgresql://user@host:5432/db` or `host=/tmp/x dbname=y`; what it
    /// leaves out comes from the PG* environment variables and ~/.pgpass, as in psql. The
    /// error's text names the target with any password taken out.
    public init(_ conninfo: String) throws(PostgresError) {
        // Given as a `dbname` that libpq expands (expand_dbname), so that keywords before it
        // are defaults the string may override and keywords after it override the string,
        // whatever form it has. Values are decoded as UTF-8, so the client encoding is
        // always UTF8; and the server's activity view names the program.
        var parameters: [(String, String)] = []
        if getenv("PGCONNECT_TIMEOUT") == nil {
            // libpq waits for an unreachable host as long as TCP does (minutes) and the
            // connect cannot be interrupted: a REPL user would be stuck.
            parameters.append(("connect_timeout", "10"))
        }
        parameters += [
            ("dbname", conninfo),
            ("client_encoding", "UTF8"),
            ("fallback_application_name", "folio"),
        ]
        let keywords = CStringArray(parameters.map(\.0) + [nil])
        let values = CStringArray(parameters.map(\.1) + [nil])
        let connection = keywords.withPointers { keywords in
            values.withPointers { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let reason = connectionErrorMessage(connection, fallback: "out of memory")
            PQfinish(connection)
            throw PostgresError(.connect(connectFailureMessage(conninfo: conninfo, reason: reason)))
        }
        Self.silenceNotices(connection)
        self.connection = connection
        cancelState.handle = PQgetCancel(connection)
    }

    deinit {
        PQfreeCancel(cancelState.handle)
        PQfinish(connection)
    }

    /// True while the session is open and libpq has seen nothing break it.
    ///
    /// libpq notices a lost connection only when it next talks to the server, so this can
    /// still be true for a session that a statement would find gone.
    public var isConnected: Bool {
        operationLock.lock()
        defer { operationLock.unlock() }
        return connection.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    /// The server's version as one number: 150020 for 15.20, 0 when not connected.
    public var serverVersion: Int {
        operationLock.lock()
        defer { operationLock.unlock() }
        return connection.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// Reconnects with the same parameters, after the connection was lost.
    public func reset() throws(PostgresError) {
        operationLock.lock()
        defer { operationLock.unlock() }
        guard let connection else { throw PostgresError(.connectionLost("the connection is closed")) }
        PQreset(connection)
        // The new backend has a new cancel key.
        replaceCancelHandle(with: PQgetCancel(connection))
        guard PQstatus(connection) == CONNECTION_OK else {
            throw PostgresError(.connect(connectionErrorMessage(connection, fallback: "reconnecting failed")))
        }
    }

    /// Ends the session; later statements throw `.connectionLost`. Closing twice is harmless.
    public func close() {
        operationLock.lock()
        defer { operationLock.unlock() }
        replaceCancelHandle(with: nil)
        PQfinish(connection)
        connection = nil
    }

    /// Runs `body` with the open PGconn, one statement at a time.
    func withConnection<Result>(
        _ body: (OpaquePointer) throws(PostgresError) -> Result
    ) throws(PostgresError) -> Result {
        operationLock.lock()
        defer { operationLock.unlock() }
        guard let connection else { throw PostgresError(.connectionLost("the connection is closed")) }
        guard PQstatus(connection) == CONNECTION_OK else {
            // libpq's message has piled up every failure since; its first line is the cause.
            let cause = connectionErrorMessage(connection, fallback: "the connection is broken")
                .split(whereSeparator: \.isNewline).first.map { withoutSeverity(String($0)) } ?? ""
            throw PostgresError(.connectionLost("\(cause) (reset() reconnects)"))
        }
        beginOperation()
        defer { endOperation() }
        return try body(connection)
    }

    /// libpq prints NOTICEs (`table "x" does not exist, skipping`) to stderr by default,
    /// which would land in the middle of the REPL's output.
    private static func silenceNotices(_ connection: OpaquePointer) {
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }
}

/// The message for a failed connect: the target, without its password, and libpq's reason.
private func connectFailureMessage(conninfo: String, reason: String) -> String {
    let target = redactingPassword(in: conninfo)
    // Belt and braces: should the redaction ever miss a form of the string, name no target
    // rather than echo a password.
    if let password = password(in: conninfo), target.contains(password) { return reason }
    if target.trimmingWhitespace().isEmpty { return reason }
    return "\(target): \(reason)"
}
