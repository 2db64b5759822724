import CLibpq

// Statements: sent without blocking, then waited on in short slices so that a cancel is
// noticed within one slice.

extension PostgresConnection {
    /// Runs one statement and returns its rows; `$1`, `$2` … in `sql` are `parameters`.
    ///
    /// ```swift
    /// let result = try connection.query(
    ///     "select name from account where region = $1 and arr > $2", parameters: ["EMEA", "100000"])
    /// ```
    ///
    /// Parameters travel apart from the SQL text (never spliced into it), as text the server
    /// converts to each placeholder's type; nil is NULL. Without parameters the text may hold
    /// several statements separated by `;`, and the last one's result is returned.
    ///
    /// `isCancelled` is asked every 10 ms while the server works; once it returns true the
    /// server is asked to stop, and the call throws `.cancelled` when it has. The session
    /// stays usable.
    public func query(
        _ sql: String,
        parameters: [String?] = [],
        isCancelled: () -> Bool = { false }
    ) throws(PostgresError) -> PostgresResult {
        if let number = parameters.firstIndex(where: { $0?.utf8.contains(0) ?? false }) {
            // libpq reads parameters up to their first NUL: the server would see less text
            // than was given, silently. PostgreSQL text cannot hold a NUL anyway.
            throw PostgresError(.protocolError("parameter $\(number + 1) contains a NUL character"))
        }
        return try withConnection { (connection) throws(PostgresError) -> PostgresResult in
            if isCancelled() { throw PostgresError(.cancelled) }
            try send(sql, parameters: parameters, on: connection)
            var results = PendingResults()
            var lastCancel: ContinuousClock.Instant?
            while true {
                waitUntilReady(connection, isCancelled: isCancelled, lastCancel: &lastCancel)
                guard let result = PQgetResult(connection) else { break }
                results.add(result, on: connection)
            }
            return try results.finish(on: connection, cancelRequested: cancelWasRequested)
        }
    }

    /// Runs statements that return no rows (DDL, SET, several separated by `;`).
    ///
    /// ```swift
    /// try connection.execute("create temp table seen (id int); create index on seen (id)")
    /// ```
    ///
    /// It blocks in libpq until the server is done; `cancel()` from another thread stops it.
    public func execute(_ sql: String) throws(PostgresError) {
        try withConnection { (connection) throws(PostgresError) in
            guard let first = PQexec(connection, sql) else { throw failureToSend(connection) }
            var results = PendingResults()
            results.add(first, on: connection)
            // PQexec collects everything, unless a COPY interrupted it: finish that here.
            while let result = PQgetResult(connection) {
                results.add(result, on: connection)
            }
            _ = try results.finish(on: connection, cancelRequested: cancelWasRequested)
        }
    }

    /// Sends a statement without waiting for its result.
    ///
    /// Without parameters it goes as a simple query (PQsendQuery), which may hold several
    /// statements; with them, as an extended query (PQsendQueryParams), which binds them
    /// and allows only one. Results come back in text format either way.
    private func send(_ sql: String, parameters: [String?], on connection: OpaquePointer) throws(PostgresError) {
        let sent: Int32
        if parameters.isEmpty {
            sent = PQsendQuery(connection, sql)
        } else {
            let values = CStringArray(parameters)
            sent = values.withPointers { values in
                PQsendQueryParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
            }
        }
        guard sent == 1 else { throw failureToSend(connection) }
    }

    /// Waits until libpq holds a whole result (or the connection failed), in slices of at
    /// most 10 ms, sending a cancel when one is wanted.
    ///
    /// A cancel that reaches the server before it has started the statement is ignored
    /// there, so while one is wanted it is sent again every half second.
    private func waitUntilReady(
        _ connection: OpaquePointer,
        isCancelled: () -> Bool,
        lastCancel: inout ContinuousClock.Instant?
    ) {
        let resendInterval = Duration.milliseconds(500)
        while PQisBusy(connection) != 0 {
            if isCancelled() || cancelWasRequested {
                let now = ContinuousClock.now
                if lastCancel.map({ now - $0 >= resendInterval }) ?? true {
                    requestCancel()
                    lastCancel = now
                }
            }
            let socket = PQsocket(connection)
            // A closed socket: PQgetResult reports why.
            guard socket >= 0 else { return }
            switch waitForInput(on: socket, milliseconds: 10) {
            case .readable:
                // A failed read marks the connection bad; PQgetResult then reports it.
                if PQconsumeInput(connection) == 0 { return }
            case .timedOut:
                continue
            case .failed:
                // Nothing can be waited on; PQgetResult blocks in libpq's own wait instead,
                // which reports the same failure.
                return
            }
        }
    }

    /// The error for a statement libpq refused to send: the connection, or a misuse.
    func failureToSend(_ connection: OpaquePointer) -> PostgresError {
        let message = connectionErrorMessage(connection, fallback: "the statement could not be sent")
        if PQstatus(connection) != CONNECTION_OK { return PostgresError(.connectionLost(message)) }
        return PostgresError(.protocolError(message))
    }
}
