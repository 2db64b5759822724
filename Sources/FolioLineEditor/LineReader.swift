import CLibedit
import FolioCore

/// Reads lines from a person at a terminal. The REPL talks to this protocol so that tests
/// can replace the terminal with a script.
public protocol LineReader {
    /// The next line without its newline; nil at end of input (Ctrl-D on an empty line).
    mutating func readLine(prompt: String) -> String?
    /// Remembers an entry for history recall.
    mutating func addHistory(_ entry: String)
}

/// The libedit line reader: emacs-style editing and in-memory history, through libedit's
/// readline-compatible entry points (which, unlike `el_set`, are not variadic).
public struct EditLineReader: LineReader {
    public init() {
        // Without a locale, libedit drops non-ASCII input.
        setlocale(LC_CTYPE, "")
    }

    public mutating func readLine(prompt: String) -> String? {
        guard let line = readline(prompt) else { return nil }
        defer { free(line) }
        return String(cString: line)
    }

    public mutating func addHistory(_ entry: String) {
        _ = add_history(entry)
    }
}

/// Lines from standard input, with no prompt and no editing (input that is not a terminal).
public struct PlainLineReader: LineReader {
    public init() {}
    public mutating func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
    public mutating func addHistory(_ entry: String) {}
}
