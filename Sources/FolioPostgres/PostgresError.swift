/// What went wrong talking to a PostgreSQL server: the data in `kind`, the text in `description`.
///
/// ```swift
/// do { _ = try connection.query("select nope") }
/// catch { print(error) }   // column "nope" does not exist (SQLSTATE 42703, at character 8)
/// ```
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure, each with what a caller needs to react to it.
    public enum Kind: Sendable, Equatable {
        /// The connection could not be made; the text never holds a password.
        case connect(String)
        /// The server rejected the statement. `position` is PG_DIAG_STATEMENT_POSITION:
        /// a 1-based character offset into the SQL text, or nil when the error has none.
        case server(sqlstate: String, message: String, detail: String?, hint: String?, position: Int?)
        /// The statement was cancelled on request and the server has stopped it; the
        /// connection is still usable.
        case cancelled
        /// The connection is gone; `reset()` reconnects.
        case connectionLost(String)
        /// The server or libpq answered something this driver does not expect.
        case protocolError(String)
    }

    public let kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// One line for a user: multi-line server texts are folded onto it.
    public var description: String {
        switch kind {
        case .connect(let message):
            return "could not connect: \(oneLine(message))"
        case .server(let sqlstate, let message, let detail, let hint, let position):
            var text = oneLine(message)
            text += position.map { " (SQLSTATE \(sqlstate), at character \($0))" } ?? " (SQLSTATE \(sqlstate))"
            if let detail { text += "; detail: \(oneLine(detail))" }
            if let hint { text += "; hint: \(oneLine(hint))" }
            return text
        case .cancelled:
            return "the statement was cancelled"
        case .connectionLost(let message):
            return "the connection to the server was lost: \(oneLine(message))"
        case .protocolError(let message):
            return "unexpected reply from the server: \(oneLine(message))"
        }
    }
}

extension PostgresError {
    /// The SQLSTATE of a server error; nil for the other kinds.
    public var sqlstate: String? {
        if case .server(let sqlstate, _, _, _, _) = kind { return sqlstate }
        return nil
    }
}
