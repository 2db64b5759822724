import CSafety
import Foundation

/// `--max-memory`: a limit on the process's resident memory. A thread samples it every 5 ms;
/// a running query polls the flag it raises as it polls Ctrl-C, and stops with an error
/// instead of the kernel's out-of-memory killer ending folio. The session goes on.
public enum MemoryLimit {
    /// Sets the limit in bytes (0: none).
    public static func set(_ bytes: UInt64) {
        folio_memory_limit(bytes)
    }

    /// The limit in bytes, 0 when none.
    public static var bytes: UInt64 { folio_memory_current_limit() }

    /// Whether the limit was passed since the last ``clear()``.
    public static var exceeded: Bool { folio_memory_exceeded() != 0 }

    /// Gives memory freed by a stopped query back to the system and lowers the flag (unless
    /// the process is still past the limit).
    public static func clear() { folio_memory_clear() }

    /// The default: most of the machine (or its cgroup's limit), leaving room for the rest.
    public static var defaultBytes: UInt64 {
        let available = folio_memory_available()
        return available / 10 * 9
    }

    /// A size as `--max-memory` takes it: bytes, or a number with K, M, G or T (powers of
    /// 1024, an optional `B` or `iB` after it), or a percentage of the machine's memory;
    /// `0`, `none` or `off` for no limit. Nil when it is none of these.
    public static func parse(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "none" || t == "off" { return 0 }
        if t.hasSuffix("%") {
            guard let p = Double(t.dropLast()), p > 0, p <= 100 else { return nil }
            return UInt64(Double(folio_memory_available()) * p / 100)
        }
        var digits = Substring(t)
        for suffix in ["ib", "b"] where digits.hasSuffix(suffix) {
            digits = digits.dropLast(suffix.count)
            break
        }
        var scale = 1.0
        if let last = digits.last, let power = ["k": 1.0, "m": 2.0, "g": 3.0, "t": 4.0][String(last)] {
            scale = pow(1024, power)
            digits = digits.dropLast()
        }
        guard let n = Double(digits), n >= 0, n.isFinite, n * scale < 1.8e19 else { return nil }
        return UInt64(n * scale)
    }

    /// A size for messages: `20.3 GiB`.
    public static func describe(_ bytes: UInt64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var u = 0
        while v >= 1024, u < units.count - 1 {
            v /= 1024
            u += 1
        }
        return u == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", v, units[u])
    }

    /// What a query stopped by the limit says.
    static var stoppedMessage: String {
        "error: the query was stopped: folio's memory passed \(describe(bytes)) (--max-memory); "
            + "narrow it (where, limit, fewer columns) or give folio more with --max-memory SIZE\n"
    }
}
