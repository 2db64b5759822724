import CLibpq

// COPY … FROM STDIN: the fast way to load many rows, streamed from the caller's chunks.

extension PostgresConnection {
    /// Runs a `COPY … FROM STDIN` statement, sends it `chunks`, and returns the rows copied.
    ///
    /// ```swift
    /// let lines = accounts.lazy.map { Array("\($0.id)\t\($0.name)\n".utf8) }
    /// let copied = try connection.copyIn("copy account (id, name) from stdin", chunks: lines)
    /// ```
    ///
    /// Chunks are bytes in the statement's format (text by default: tab-separated, one row
    /// per line); they need not end on a row boundary. A row the server rejects throws its
    /// `.server` error, and nothing is copied.
    public func copyIn(_ copyStatement: String, chunks: some Sequence<[UInt8]>) throws(PostgresError) -> Int {
        try withConnection { (connection) throws(PostgresError) -> Int in
            guard let start = PQexec(connection, copyStatement) else { throw failureToSend(connection) }
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                var results = PendingResults()
                results.add(start, on: connection)
                while let result = PQgetResult(connection) {
                    results.add(result, on: connection)
                }
                // A server error (a bad table name) throws here; anything else was no COPY.
                _ = try results.finish(on: connection, cancelRequested: false)
                throw PostgresError(.protocolError("copyIn needs a COPY … FROM STDIN statement"))
            }
            PQclear(start)
            // The server checks rows as they come, but reports a bad one only when the COPY
            // ends: the rest is sent regardless, and the server discards it.
            if send(chunks, on: connection) {
                _ = PQputCopyEnd(connection, nil)
            }
            var results = PendingResults()
            while let result = PQgetResult(connection) {
                results.add(result, on: connection)
            }
            let result = try results.finish(on: connection, cancelRequested: cancelWasRequested)
            return result.affectedRows ?? 0
        }
    }

    /// Streams the chunks; false when the COPY was already ended (a cancel, a failure).
    private func send(_ chunks: some Sequence<[UInt8]>, on connection: OpaquePointer) -> Bool {
        // PQputCopyData takes an int count: larger chunks go in pieces.
        let largestPiece = 1 << 30
        for chunk in chunks {
            if cancelWasRequested {
                _ = PQputCopyEnd(connection, "cancelled by the client")
                return false
            }
            let accepted = chunk.withUnsafeBytes { bytes -> Bool in
                var offset = 0
                while offset < bytes.count {
                    let piece = bytes[offset..<min(offset + largestPiece, bytes.count)]
                    let base = UnsafeRawBufferPointer(rebasing: piece).bindMemory(to: CChar.self).baseAddress
                    // 1 is sent; -1 is a broken connection, which PQgetResult reports.
                    guard PQputCopyData(connection, base, Int32(piece.count)) == 1 else { return false }
                    offset += piece.count
                }
                return true
            }
            if !accepted { return false }
        }
        return true
    }
}
