#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a bounded wait for the server's reply ended.
enum SocketWait {
    /// There is input to read, or the socket was closed (reading then reports it).
    case readable
    /// Nothing arrived in the time given, or a signal interrupted the wait (Ctrl-C): either
    /// way the caller checks for a cancel and waits again.
    case timedOut
    /// The socket cannot be waited on.
    case failed(String)
}

/// Waits at most `milliseconds` for input on a socket, with poll(2).
func waitForInput(on socket: Int32, milliseconds: Int32) -> SocketWait {
    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    let ready = poll(&descriptor, 1, milliseconds)
    if ready > 0 { return .readable }
    if ready == 0 || errno == EINTR { return .timedOut }
    return .failed(String(cString: strerror(errno)))
}
