import CLibpq

// The fields of a server's ErrorResponse, read from the PGresult libpq made of it.

extension PostgresError {
    /// The server error a failed PGresult carries, or nil when it carries none (libpq made
    /// the result itself, for a failure on the client's side).
    static func server(from result: OpaquePointer) -> PostgresError? {
        guard let sqlstate = errorField(result, .sqlstate) else { return nil }
        let message = errorField(result, .messagePrimary)
            ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingWhitespace() }
            ?? "unknown error"
        return PostgresError(.server(
            sqlstate: sqlstate,
            message: message,
            detail: errorField(result, .messageDetail),
            hint: errorField(result, .messageHint),
            position: errorField(result, .statementPosition).flatMap { Int($0) }
        ))
    }

    /// True when the error ends the session (FATAL, PANIC): the connection is gone after it.
    static func isFatal(_ result: OpaquePointer) -> Bool {
        // The non-localized severity (PostgreSQL 9.6+) reads the same in every language.
        let severity = errorField(result, .severityNonLocalized) ?? errorField(result, .severity)
        return severity == "FATAL" || severity == "PANIC"
    }

    /// The text a result's error gives for one PG_DIAG_* field, or nil when it has none.
    private static func errorField(_ result: OpaquePointer, _ field: ErrorField) -> String? {
        PQresultErrorField(result, Int32(field.rawValue)).map { String(cString: $0) }
    }
}

/// The PG_DIAG_* codes of postgres_ext.h, which are character literals there and so do not
/// reach Swift through the C module.
private enum ErrorField: UInt8 {
    case severity = 0x53              // 'S'
    case severityNonLocalized = 0x56  // 'V'
    case sqlstate = 0x43              // 'C'
    case messagePrimary = 0x4D        // 'M'
    case messageDetail = 0x44         // 'D'
    case messageHint = 0x48           // 'H'
    case statementPosition = 0x50     // 'P'
}

/// The message of a connection's last failure, trimmed, or `fallback` when libpq has none.
func connectionErrorMessage(_ connection: OpaquePointer?, fallback: String) -> String {
    guard let connection, let text = PQerrorMessage(connection) else { return fallback }
    let message = String(cString: text).trimmingWhitespace()
    return message.isEmpty ? fallback : message
}
