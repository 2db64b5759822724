/// What a line reader got: a line, Ctrl-C at the prompt, or the end of input (Ctrl-D on an
/// empty line, or the end of a script).
public enum LineInput: Equatable, Sendable {
    case line(String)
    case interrupted
    case end
}

/// Line editing modes of `.editor`.
public enum EditingMode: String, Sendable, CaseIterable {
    case emacs, vi
}

/// What Tab offers for the text before the cursor: the word being completed (the last
/// characters before the cursor, replaced by a candidate) and the candidates.
public struct Completion: Equatable, Sendable {
    /// The characters before the cursor that a candidate replaces.
    public var word: String
    /// Full replacements for `word`, in the order to list them.
    public var candidates: [String]
    /// Added after a candidate when it is the only one (a closing quote, a space).
    public var suffix: String

    public init(word: String, candidates: [String], suffix: String = "") {
        self.word = word
        self.candidates = candidates
        self.suffix = suffix
    }

    public static let none = Completion(word: "", candidates: [])

    /// The longest prefix every candidate shares (compared without regard to case, taken
    /// from the first candidate).
    public var commonPrefix: String {
        guard var prefix = candidates.first.map(Array.init) else { return "" }
        for c in candidates.dropFirst() {
            let chars = Array(c)
            var n = 0
            while n < prefix.count, n < chars.count, prefix[n].lowercased() == chars[n].lowercased() { n += 1 }
            prefix.removeSubrange(n...)
        }
        return String(prefix)
    }
}

/// Reads lines from a person at a terminal, or from a script. The REPL talks to this
/// protocol so that tests can replace the terminal with a list of lines.
public protocol LineReader: AnyObject {
    /// The next line without its newline.
    func readLine(prompt: String) -> LineInput
    /// Remembers a statement (possibly several lines) as one history entry.
    func addHistory(_ entry: String)
    /// emacs or vi key bindings.
    func setEditingMode(_ mode: EditingMode)
    /// Text already entered for the statement being continued: completion reads it as
    /// context for the line being edited.
    var pendingText: String { get set }
}

/// Lines from standard input, with no prompt, no editing and no history (input that is
/// not a terminal is a script).
public final class PlainLineReader: LineReader {
    public var pendingText = ""
    public init() {}
    public func readLine(prompt: String) -> LineInput {
        Swift.readLine(strippingNewline: true).map(LineInput.line) ?? .end
    }
    public func addHistory(_ entry: String) {}
    public func setEditingMode(_ mode: EditingMode) {}
}

/// A fixed list of inputs, for tests of the REPL loop.
public final class ScriptedLineReader: LineReader {
    public var pendingText = ""
    public private(set) var inputs: [LineInput]
    public private(set) var history: [String] = []
    public private(set) var prompts: [String] = []
    public private(set) var mode: EditingMode = .emacs

    public init(_ inputs: [LineInput]) { self.inputs = inputs.reversed() }
    public convenience init(lines: [String]) { self.init(lines.map(LineInput.line)) }

    public func readLine(prompt: String) -> LineInput {
        prompts.append(prompt)
        return inputs.popLast() ?? .end
    }
    public func addHistory(_ entry: String) { history.append(entry) }
    public func setEditingMode(_ mode: EditingMode) { self.mode = mode }
}
