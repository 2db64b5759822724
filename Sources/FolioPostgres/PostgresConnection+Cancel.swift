import CLibpq

// Cancelling a running statement: a separate connection to the server carries the request
// (PQcancel), so it works from any thread while another blocks in a statement.

/// What `cancel()` reads while a statement runs; guarded by `PostgresConnection.cancelLock`.
struct CancelState {
    /// libpq's copy of the session's cancel key (PGcancel), nil once closed.
    var handle: OpaquePointer?
    /// A statement is running: only then is a cancel request sent, so that one meant for a
    /// statement that has just finished cannot stop the next.
    var isRunning = false
    /// A cancel was sent for the running statement, by `cancel()` or an `isCancelled` check.
    var wasRequested = false
}

extension PostgresConnection {
    /// Asks the server to stop whatever statement runs now; harmless when none does.
    ///
    /// Safe from any thread, but not inside a signal handler (it takes a lock): for Ctrl-C,
    /// let the handler set a flag that the statement's `isCancelled` reads. The statement
    /// then throws `.cancelled` and the session stays usable.
    public func cancel() {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        guard cancelState.isRunning else { return }
        cancelState.wasRequested = true
        sendCancelRequest()
    }

    /// Sends a cancel for the running statement; call with `cancelLock` held.
    ///
    /// A request that fails (the server unreachable) is dropped: the statement then ends,
    /// or fails with the connection, on its own.
    private func sendCancelRequest() {
        guard let handle = cancelState.handle else { return }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(handle, &errorBuffer, Int32(errorBuffer.count))
    }

    /// Sends a cancel on the statement's own behalf, when its `isCancelled` turned true.
    func requestCancel() {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        cancelState.wasRequested = true
        sendCancelRequest()
    }

    /// True when a cancel was sent for the running statement.
    var cancelWasRequested: Bool {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        return cancelState.wasRequested
    }

    func beginOperation() {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        cancelState.isRunning = true
        cancelState.wasRequested = false
    }

    func endOperation() {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        cancelState.isRunning = false
    }

    /// Swaps in the cancel key of a new backend (after a reset) or none (on close).
    func replaceCancelHandle(with handle: OpaquePointer?) {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        PQfreeCancel(cancelState.handle)
        cancelState.handle = handle
    }
}
