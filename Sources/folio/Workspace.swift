import Foundation
import FolioCore
import CTerminal
import FolioLineEditor
import FolioREPL

/// A loaded portfolio and a session over it, with the output settings of the command line.
final class Workspace {
    let session: Session
    let options: Arguments
    let report: LoadReport
    var format: OutputFormat
    let terminal: Bool

    init(_ options: Arguments) throws(Exit) {
        self.options = options
        terminal = isatty(STDOUT_FILENO) == 1
        format = options.outputFormat(terminal: terminal)
        let store: Store
        var engine: PostgresEngine?
        if let url = options.value("engine") {
            do throws(EngineError) {
                let e = try PostgresEngine(url)
                store = try e.store()
                engine = e
            } catch {
                writeStderr("error: \(error.message)\n")
                throw Exit(status: .dataError)
            }
            report = LoadReport()
        } else {
            (store, report) = try Self.load(options)
        }
        for note in report.notes { writeStderr(note + "\n") }
        if report.skipped.total > 0 { writeStderr("warning: " + report.skipped.summary + "\n") }
        // From now on, a query's temporaries (row lists, keys, slots: up to tens of MB) stay in
        // the heap when freed, for the next query, instead of going back to the kernel, which
        // would zero them page by page again. (Not during the load: its peak would grow.)
        folio_keep_freed_memory()
        if options.timer {
            let phases = report.phases.map { "\($0.name) \(Renderer.formatMilliseconds($0.milliseconds))" }.joined(separator: ", ")
            if report.phases.first?.name == "snapshot" {
                writeStderr("load: \(report.totalRows) rows in \(Renderer.formatMilliseconds(report.milliseconds)) ms (snapshot \(report.snapshot ?? ""))\n")
            } else {
                writeStderr("load: \(report.totalRows) rows in \(Renderer.formatMilliseconds(report.milliseconds)) ms (\(phases) ms)\n")
                if let note = report.snapshot { writeStderr("snapshot: \(note)\n") }
            }
        }
        let today = options.today.flatMap(Day.parse) ?? store.asOf ?? Workspace.clockToday()
        session = Session(store: store, today: today, fiscalYearStart: options.fiscalYearStart)
        session.parameters = options.parameters
        session.engine = engine
    }

    /// The data the options name (a folder, or the built-in demo portfolio), loaded.
    static func load(_ options: Arguments) throws(Exit) -> (Store, LoadReport) {
        do {
            if let dir = options.data {
                return try Loader.load(directory: dir, lenient: options.lenient, cache: options.snapshotCache, deferWrite: true)
            }
            return try Loader.load(.memory(PortfolioGenerator.demo.generateInMemory()), lenient: options.lenient)
        } catch {
            writeStderr(error.description + "\n")
            throw Exit(status: .dataError)
        }
    }

    /// Writes the snapshot the load left pending (after a script's output, so that its
    /// results come first), or waits for the REPL's background writer; says what happened
    /// with `--timer`.
    func finishSnapshot() {
        var notes: [String] = []
        if snapshotWriters.isEmpty {
            if let note = report.pendingSnapshot?.write() { notes.append(note) }
        }
        for writer in snapshotWriters {
            writer.wait()
            if let note = writer.note { notes.append(note) }
        }
        if options.timer {
            for note in notes { writeStderr("snapshot: \(note)\n") }
        } else if !saidSnapshotFailed, let failed = notes.first(where: { $0.hasPrefix("not written: cannot") }) {
            // A read-only, full or missing cache: said once, and folio goes on without one.
            writeStderr("snapshot: \(failed); folio runs from the files without one\n")
            saidSnapshotFailed = true
        }
    }

    /// Whether a snapshot that could not be written was reported (once per process).
    var saidSnapshotFailed = false

    /// The REPL writes pending snapshots (of the start-up load and of `.load`) on other
    /// threads while the user types; they are waited for before it exits.
    var snapshotWriters: [BackgroundWrite] = []

    final class BackgroundWrite: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private(set) var note: String?

        init(_ pending: PendingSnapshot) {
            DispatchQueue.global(qos: .utility).async {
                self.note = pending.write()
                self.done.signal()
            }
        }

        func wait() {
            done.wait()
            done.signal()
        }
    }

    static func clockToday() -> Int32 {
        Int32(Date().timeIntervalSince1970 / 86_400)
    }

    /// Runs script text; returns the exit status (the first failure's).
    func runBatch(_ text: String, origin: String) -> ExitStatus {
        var status = ExitStatus.success
        let renderOptions = RenderOptions(format: format, color: options.colorEnabled, milliseconds: nil)
        // CSV, TSV and JSON are written as the rows are built, a chunk at a time, so that a
        // result of millions of rows is never held whole (a table or Markdown must see every
        // row to size and group its columns).
        var stream: Renderer.Stream?
        var shape = Executor.Shape.all
        if format != .table && format != .markdown {
            shape = .chunks(rows: 65_536) { chunk in
                if stream == nil { stream = Renderer.Stream(renderOptions) }
                writeStdout(stream!.chunk(chunk))
            }
        }
        var failed: ExitStatus?
        session.run(text, origin: origin, shape: shape) { outcome in
            guard failed == nil else { return }
            switch outcome {
            case .result(let frame, let ms):
                let started = DispatchTime.now().uptimeNanoseconds
                if frame.streamed {
                    writeStdout(stream?.finish() ?? "")
                    stream = nil
                } else {
                    writeStdout(Renderer.render(frame, renderOptions))
                }
                if options.timer {
                    let total = ms + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                    writeStderr("time: \(Renderer.formatMilliseconds(total)) ms\n")
                }
            case .defined(_, let ms):
                if options.timer { writeStderr("time: \(Renderer.formatMilliseconds(ms)) ms\n") }
            case .warning(let message):
                writeStderr(message)
            case .interrupted:
                writeStderr("interrupted\n")
                status = .queryError
            case .lost(let message):
                writeStderr(message)
                failed = .dataError
            case .error(let message):
                // A failing statement may report several independent mistakes; the run stops after it.
                writeStderr(message)
                status = .queryError
            }
        }
        return failed ?? status
    }

    // MARK: - REPL

    /// The banner: what was loaded, and one line of help.
    var banner: String {
        let counts = report.rows.map { "\(ValueFormat.group(String($0.count))) \($0.entity)" }.joined(separator: ", ")
        let asOf = session.store.asOf.map { ", as of \(Day.format($0))" } ?? ""
        if let engine = session.engine {
            return "folio \(Folio.version) — on \(engine.description)\(asOf): every query runs there\n"
                + "Type a query, e.g. accounts | where health < 50 | top 5 by arr   ·   .help for more, Ctrl-D to leave\n"
        }
        return "folio \(Folio.version) — \(options.data ?? "built-in demo portfolio"): \(counts) (loaded in \(Renderer.formatMilliseconds(report.milliseconds)) ms\(asOf))\n"
            + "Type a query, e.g. accounts | where health < 50 | top 5 by arr   ·   .help for more, Ctrl-D to leave\n"
    }

    func repl() {
        if let pending = report.pendingSnapshot { snapshotWriters.append(BackgroundWrite(pending)) }
        let paint = options.colorEnabled
        writeStdout(paint ? "\u{1B}[2m" + banner + "\u{1B}[0m" : banner)
        var settings = REPLSettings()
        settings.format = format
        settings.color = paint
        settings.timer = options.timer
        let lenient = options.lenient
        let cache = options.snapshotCache
        let repl = REPL(
            session: session, settings: settings,
            output: REPLOutput(results: writeStdout, messages: writeStderr, width: terminalColumns),
            cancellation: Cancellation { Interrupts.pending },
            loader: { dir in
                do {
                    let (store, report) = try Loader.load(directory: dir, lenient: lenient, cache: cache, deferWrite: true)
                    if let pending = report.pendingSnapshot { self.snapshotWriters.append(BackgroundWrite(pending)) }
                    var summary = "loaded \(dir): " + report.rows.map { "\(ValueFormat.group(String($0.count))) \($0.entity)" }.joined(separator: ", ")
                    summary += " (\(Renderer.formatMilliseconds(report.milliseconds)) ms)"
                    for note in report.notes { summary += "\n" + note }
                    if report.skipped.total > 0 { summary += "\nwarning: " + report.skipped.summary }
                    return .success((store, summary))
                } catch {
                    return .failure(REPL.LoadFailure("\(error)"))
                }
            })
        let history = HistoryFile.defaultPath().map { HistoryFile(path: $0) }
        let reader = EditLineReader(historyFile: history)
        reader.completer = { [repl] text in repl.completer.complete(text) }
        repl.run(reader)
    }
}
