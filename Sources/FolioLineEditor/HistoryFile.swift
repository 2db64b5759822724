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
        let file = try Appender(path, mode: mode, carryingOver: false)
        try bytes.withUnsafeBytes { try file.append($0) }
        try file.commit()
    }

    /// A file written a piece at a time that is never seen half-written: the pieces go to a
    /// temporary beside the target (registered, so that a signal removes it), which starts
    /// with the target's content so far when `carryingOver`, and ``commit()`` flushes it and
    /// renames it over the target. After a failed write the temporary is gone and the target
    /// is as it was; ``abandon()`` (or the appender's end) drops an uncommitted temporary.
    public final class Appender {
        public let path: String
        private let mode: mode_t
        private let carryingOver: Bool
        private var fd: Int32 = -1
        private var slot: Int32 = -1
        private var temporary: String { path + ".tmp-\(getpid())" }

        /// Nothing is written until the first ``append(_:)``.
        public init(_ path: String, mode: mode_t = 0o644, carryingOver: Bool = true) {
            self.path = path
            self.mode = mode
            self.carryingOver = carryingOver
        }

        deinit { abandon() }

        public func append(_ text: String) throws {
            var text = text
            try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
        }

        public func append(_ bytes: UnsafeRawBufferPointer) throws {
            if fd < 0 { try begin() }
            guard let base = bytes.baseAddress else { return }
            var written = 0
            while written < bytes.count {
                let n = Foundation.write(fd, base + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(errno)
                }
                written += n
            }
        }

        /// Puts what was appended in place of the target (nothing to do when nothing was);
        /// the next ``append(_:)`` starts a new temporary from it.
        public func commit() throws {
            guard fd >= 0 else { return }
            if fsync(fd) != 0 { throw failure(errno) }
            close(fd)
            fd = -1
            let renamed = rename(temporary, path) == 0
            let code = errno
            if !renamed { unlink(temporary) }
            folio_temporary_done(slot)
            slot = -1
            if !renamed { throw WriteError(description: "cannot write '\(path)': \(String(cString: strerror(code)))") }
        }

        public func abandon() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(temporary)
            folio_temporary_done(slot)
            slot = -1
        }

        /// Opens the temporary, holding the target's content when carrying it over.
        private func begin() throws {
            slot = folio_temporary_begin(temporary)
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
            guard fd >= 0 else {
                let e = errno
                folio_temporary_done(slot)
                slot = -1
                throw WriteError(description: "cannot write '\(path)': \(String(cString: strerror(e)))")
            }
            fchmod(fd, mode)
            guard carryingOver else { return }
            let source = open(path, O_RDONLY)
            guard source >= 0 else { return }  // (gone: nothing to carry over)
            defer { close(source) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n < 0 { throw failure(errno) }
                if n == 0 { return }
                try buffer.withUnsafeBytes { try append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }

        /// The error for `code`, after dropping the temporary.
        private func failure(_ code: Int32) -> WriteError {
            abandon()
            return WriteError(description: "cannot write '\(path)': \(String(cString: strerror(code)))")
        }
    }
}
