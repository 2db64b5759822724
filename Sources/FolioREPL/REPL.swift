import Foundation
import FolioCore
import FolioLineEditor

/// Where the REPL writes: results (to the terminal, or the `.output` file) and messages.
public struct REPLOutput {
    public var results: (String) -> Void
    public var messages: (String) -> Void
    /// The terminal's width, asked before each table (nil when not a terminal).
    public var width: () -> Int?

    public init(results: @escaping (String) -> Void, messages: @escaping (String) -> Void, width: @escaping () -> Int?) {
        self.results = results
        self.messages = messages
        self.width = width
    }
}

/// The settings dot-commands change.
public struct REPLSettings {
    public var format: OutputFormat = .table
    public var color = false
    public var timer = false
    /// Longer table results show their first and last rows; 0 shows every row.
    public var maxRows = 40
    public var explain = false
    public var editor: EditingMode = .emacs
    public init() {}
}

/// The interactive shell (SPEC §6): reads statements and dot-commands from a line reader,
/// runs them in a session, and shows the results fitted to the terminal.
public final class REPL {
    public internal(set) var session: Session
    public var settings: REPLSettings
    let output: REPLOutput
    let cancellation: Cancellation
    /// Loads another data directory (`.load`): the store, a load summary, or an error message.
    let loader: (String) -> Result<(Store, String), LoadFailure>
    /// The last result, for `.last`.
    public internal(set) var last: Frame?
    /// Results go here instead of the terminal after `.output FILE`: written as they come to
    /// a temporary beside the file, put in its place after each statement.
    var outputFile: AtomicFile.Appender?
    /// The `.output` file could not be written during this statement (it said so).
    var outputFailed = false
    /// Told when a write to the `.output` file fails mid-statement.
    var onOutputFailure: (() -> Void)?

    /// Set from the REPL's thread, read by the query's.
    final class WriteFailure: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var happened: Bool {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
    var quitting = false

    public struct LoadFailure: Error {
        public let message: String
        public init(_ message: String) { self.message = message }
    }

    public init(session: Session, settings: REPLSettings, output: REPLOutput, cancellation: Cancellation = .never,
                loader: @escaping (String) -> Result<(Store, String), LoadFailure> = { _ in .failure(LoadFailure("cannot load data here")) }) {
        self.session = session
        self.settings = settings
        self.output = output
        self.cancellation = cancellation
        self.loader = loader
    }

    public var completer: Completer { Completer(session: session) }

    var primaryPrompt: String { settings.color ? "\u{1}\u{1B}[1;36m\u{1}folio>\u{1}\u{1B}[0m\u{1} " : "folio> " }
    let continuationPrompt = "   ...> "

    /// Reads and runs until `.quit` or the end of input.
    public func run(_ reader: LineReader) {
        reader.setEditingMode(settings.editor)
        var pending = ""
        while !quitting {
            reader.pendingText = pending
            switch reader.readLine(prompt: pending.isEmpty ? primaryPrompt : continuationPrompt) {
            case .end:
                output.messages("\n")
                return
            case .interrupted:
                // Ctrl-C at the prompt drops the line (and a statement being continued).
                pending = ""
                output.messages("^C\n")
            case .line(let line):
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if pending.isEmpty, trimmed.hasPrefix(".") {
                    reader.addHistory(trimmed)
                    let editor = settings.editor
                    dotCommand(trimmed)
                    flushOutputFile()  // (`.last` writes results too)
                    if settings.editor != editor { reader.setEditingMode(settings.editor) }
                    continue
                }
                if pending.isEmpty && trimmed.isEmpty { continue }
                pending += pending.isEmpty ? line : "\n" + line
                // A blank continuation line runs what there is (and shows its error).
                if !trimmed.isEmpty, REPL.needsContinuation(pending) { continue }
                let text = pending
                pending = ""
                reader.addHistory(text)
                execute(text, origin: "query")
            }
        }
    }

    /// True when the text ends mid-statement: the parser's own "unexpected end of input"
    /// (a trailing `|`, operator or comma, or an open bracket).
    public static func needsContinuation(_ text: String) -> Bool {
        let (_, diagnostics) = DeepStack.run { Parser.parse(text) }
        return diagnostics.contains { $0.message.hasPrefix("unexpected end of input") }
    }

    /// Runs statements and shows their results; false when one failed.
    @discardableResult
    public func execute(_ text: String, origin: String) -> Bool {
        let started = DispatchTime.now().uptimeNanoseconds
        outputFailed = false
        var ok = true
        let explainFirst = settings.explain
        // A table on the terminal shows the first and last rows of a long result: only they are built.
        var shape = Executor.Shape.all
        if settings.format == .table, outputFile == nil, settings.maxRows >= 2 {
            shape = .ends(head: (settings.maxRows + 1) / 2, tail: settings.maxRows / 2)
        }
        // CSV, TSV and JSON are written as the rows are built, a chunk at a time.
        var stream: Renderer.Stream?
        var cut = false  // a chunk was cut short by Ctrl-C (and said so)
        if [.csv, .tsv, .json, .jsonl].contains(settings.format) {
            var options = RenderOptions(format: settings.format)
            options.cancellation = cancellation
            shape = .chunks(rows: 65_536) { [unowned self] chunk in
                if stream == nil { stream = Renderer.Stream(options) }
                guard !cut, !cancellation.isCancelled else { return }
                cut = !emit(stream!.chunk(chunk))
            }
        }
        // A failed write to the `.output` file stops the query too (it said why).
        let base = cancellation, failed = WriteFailure()
        let statement = Cancellation { failed.happened || base.isCancelled }
        onOutputFailure = { failed.happened = true }
        defer { onOutputFailure = nil }
        session.run(text, origin: origin, cancellation: statement, explainQueries: explainFirst, shape: shape) { outcome in
            switch outcome {
            case .result(let frame, let ms):
                last = frame
                if frame.streamed {
                    if let end = stream?.finish(), !cut { emit(end) }
                    stream = nil
                } else {
                    show(frame, milliseconds: ms)
                }
            case .interrupted where cut:
                ok = false
            case .defined(let name, let ms):
                output.messages("defined \(name)" + (settings.timer ? " (\(Renderer.formatMilliseconds(ms)) ms)" : "") + "\n")
            case .warning(let message):
                output.messages(message)
            case .error(let message):
                output.messages(message)
                ok = false
            case .interrupted:
                output.messages("interrupted\n")
                ok = false
            case .lost(let message):
                // The session keeps its state; the next statement connects again.
                output.messages(message + "(the next statement reconnects)\n")
                ok = false
            }
        }
        if settings.timer, settings.format != .table || outputFile != nil {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            output.messages("time: \(Renderer.formatMilliseconds(ms)) ms\n")
        }
        flushOutputFile()
        return ok && !outputFailed
    }

    func show(_ frame: Frame, milliseconds: Double?, full: Bool = false) {
        let toTerminal = outputFile == nil
        var options = RenderOptions(format: settings.format, color: settings.color && toTerminal)
        options.cancellation = cancellation
        if settings.format == .table && toTerminal && !full {
            options.maxRows = settings.maxRows > 0 ? settings.maxRows : nil
            options.width = output.width()
        }
        if settings.timer { options.milliseconds = milliseconds }
        let text = Renderer.render(frame, options)
        if cancellation.isCancelled {
            output.messages("interrupted\n")
            return
        }
        emit(text)
    }

    /// Writes results, in pieces so that Ctrl-C stops a long listing; false when it did.
    @discardableResult
    func emit(_ text: String) -> Bool {
        if let file = outputFile {
            do {
                try file.append(text)
                return true
            } catch {
                outputFile = nil
                outputFailed = true
                onOutputFailure?()
                output.messages("error: \(error); results go to the terminal again\n")
                return false
            }
        }
        var rest = Substring(text)
        while !rest.isEmpty {
            if cancellation.isCancelled {
                output.messages("\ninterrupted\n")
                return false
            }
            var end = rest.utf8.index(rest.startIndex, offsetBy: min(65_536, rest.utf8.count))
            while end < rest.endIndex, rest.utf8[end] & 0xC0 == 0x80 { end = rest.utf8.index(after: end) }
            output.results(String(rest[..<end]))
            rest = rest[end...]
        }
        return true
    }

    /// `.output FILE`: the file holds everything written since, put in place after each
    /// statement so it is never half-written (the text is never held in memory whole).
    func flushOutputFile() {
        guard let file = outputFile else { return }
        do {
            try file.commit()
        } catch {
            output.messages("error: \(error); results go to the terminal again\n")
            outputFile = nil
            outputFailed = true
        }
    }

    func fail(_ message: String) {
        output.messages("error: " + message + "\n")
    }
}
