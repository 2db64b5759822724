import CLibpq

/// The results of one statement string as libpq hands them over, and what they add up to.
///
/// A string of several statements gives one result each; the caller gets the last, or the
/// error that stopped the string. Noncopyable so that the PGresult it holds is cleared
/// exactly once, however the statement ends.
struct PendingResults: ~Copyable {
    /// The latest successful result, owned here.
    private var last: OpaquePointer?
    /// The first error the server reported.
    private var serverError: PostgresError?
    /// The message of an error that ended the session (FATAL), such as a terminated backend.
    private var fatalMessage: String?
    /// An error libpq reported without the server (an out-of-memory, a broken socket).
    private var clientFailure: String?
    /// The statement started a COPY to or from the client, which `query` cannot serve.
    private var startedCopy = false
    /// A result status this driver does not know.
    private var unexpectedStatus: String?

    init() {}

    deinit {
        PQclear(last)
    }

    /// Takes one result from PQgetResult or PQexec, and owns it from now on.
    mutating func add(_ result: OpaquePointer, on connection: OpaquePointer) {
        let status = PQresultStatus(result)
        switch status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            PQclear(last)
            last = result
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            if let error = PostgresError.server(from: result) {
                if PostgresError.isFatal(result), case .server(_, let message, _, _, _) = error.kind {
                    fatalMessage = fatalMessage ?? message
                }
                serverError = serverError ?? error
            } else {
                let message = PQresultErrorMessage(result).map { String(cString: $0).trimmingWhitespace() }
                clientFailure = clientFailure ?? message ?? "unknown error"
            }
        case PGRES_COPY_IN:
            // The server waits for data that will not come: end the COPY so the session
            // returns to idle; the server answers with an error, collected next.
            startedCopy = true
            _ = PQputCopyEnd(connection, "COPY FROM STDIN needs copyIn(_:chunks:)")
        case PGRES_COPY_OUT:
            startedCopy = true
            discardCopyOutput(connection)
        default:
            unexpectedStatus = unexpectedStatus ?? String(cString: PQresStatus(status))
        }
        PQclear(result)
    }

    /// What the statement gave, or the error that explains why it gave nothing.
    ///
    /// A lost connection outranks everything; then a cancel the caller asked for (even when
    /// the statement beat it to the finish: the caller has stopped waiting for its rows);
    /// then the server's error.
    consuming func finish(on connection: OpaquePointer, cancelRequested: Bool) throws(PostgresError) -> PostgresResult {
        if PQstatus(connection) != CONNECTION_OK || fatalMessage != nil {
            let reason = fatalMessage ?? clientFailure
                ?? connectionErrorMessage(connection, fallback: "the server closed the connection")
            throw PostgresError(.connectionLost(reason))
        }
        if startedCopy {
            throw PostgresError(.protocolError(
                "query() and execute() cannot run COPY … FROM STDIN or TO STDOUT; use copyIn(_:chunks:)"))
        }
        if cancelRequested {
            if serverError == nil || serverError?.sqlstate == queryCanceledState {
                throw PostgresError(.cancelled)
            }
        }
        if let serverError { throw serverError }
        if let clientFailure { throw PostgresError(.protocolError(clientFailure)) }
        if let unexpectedStatus { throw PostgresError(.protocolError("result status \(unexpectedStatus)")) }
        return last.map { PostgresResult(reading: $0) } ?? .empty
    }
}

/// SQLSTATE query_canceled: what the server reports for a statement a cancel request stopped.
let queryCanceledState = "57014"

/// Reads and drops a COPY's output, which has nowhere to go, until the server ends it.
private func discardCopyOutput(_ connection: OpaquePointer) {
    var buffer: UnsafeMutablePointer<CChar>?
    while PQgetCopyData(connection, &buffer, 0) > 0 {
        PQfreemem(buffer)
        buffer = nil
    }
}
