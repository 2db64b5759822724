import CSafety
import Foundation

/// The REPL's history on disk: one entry per line, a multi-line statement kept as one entry
/// (newlines written as `\n`, backslashes as `\\`), consecutive duplicates dropped, the
/// newest `capacity` entries kept. Saved whole after every statement, atomically (a
/// temporary file in the same folder, then rename) and readable by its owner only (0600),
/// so a crash or a second folio never leaves half a file.
public final class HistoryFile {
    public let path: String
    public let capacity: Int
    public private(set) var entries: [String] = []

    public init(path: String, capacity: Int = 2000) {
        self.path = path
        self.capacity = max(1, capacity)
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                remember(HistoryFile.decode(String(line)))
            }
        }
    }

    /// `$XDG_STATE_HOME/folio/history`, else `~/.folio_history`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/folio/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.folio_history"
    }

    /// Adds an entry (unless it repeats the last one); true when it was added.
    @discardableResult
    public func remember(_ entry: String) -> Bool {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, entries.last != trimmed else { return false }
        entries.append(trimmed)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        return true
    }

    /// Writes every entry; throws with a readable message when the file cannot be written.
    public func save() throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let text = entries.map { HistoryFile.encode($0) + "\n" }.joined()
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
    }

    static func encode(_ entry: String) -> String {
        var out = ""
        for c in entry.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for c in line.unicodeScalars {
            if escaped {
                switch c {
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.unicodeScalars.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// Whole-file writes that never leave a partial file: a temporary file beside the target,
/// written and flushed, then renamed over it.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())"
        let slot = folio_temporary_begin(temporary)
        defer { folio_temporary_done(slot) }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw WriteError(description: "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            while written < raw.count {
                let n = Foundation.write(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        let error = errno
        if !ok || fsync(fd) != 0 {
            close(fd)
            unlink(temporary)
            throw WriteError(description: "cannot write '\(path)': \(String(cString: strerror(ok ? errno : error)))")
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw WriteError(description: "cannot write '\(path)': \(String(cString: strerror(e)))")
        }
    }
}
