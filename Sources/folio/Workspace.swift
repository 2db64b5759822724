import Foundation
import FolioCore
import FolioLineEditor

/// A loaded portfolio and a session over it, with the output settings of the command line.
final class Workspace {
    let session: Session
    let options: CommonOptions
    let report: LoadReport
    var format: OutputFormat
    let terminal: Bool

    init(_ options: CommonOptions) throws {
        self.options = options
        terminal = isatty(STDOUT_FILENO) == 1
        format = options.outputFormat(terminal: terminal)
        let source: DataSource
        if let dir = options.data {
            source = .directory(dir)
        } else {
            source = .memory(PortfolioGenerator.demo.generateInMemory())
        }
        let store: Store
        do {
            (store, report) = try Loader.load(source, lenient: options.lenient)
        } catch {
            writeStderr(error.description + "\n")
            throw Exit(status: .dataError)
        }
        if report.skipped.total > 0 { writeStderr("warning: " + report.skipped.summary + "\n") }
        if options.timer {
            writeStderr("load: \(report.totalRows) rows in \(Renderer.formatMilliseconds(report.milliseconds)) ms\n")
        }
        let today = options.today.flatMap(Day.parse) ?? store.asOf ?? Workspace.clockToday()
        session = Session(store: store, today: today, fiscalYearStart: options.fiscalYearStart)
        session.parameters = options.parameters
    }

    static func clockToday() -> Int32 {
        Int32(Date().timeIntervalSince1970 / 86_400)
    }

    /// Runs script text; returns the exit status (the first failure's).
    func runBatch(_ text: String, origin: String) -> ExitStatus {
        var status = ExitStatus.success
        for outcome in session.run(text, origin: origin) {
            switch outcome {
            case .result(let frame, let ms):
                let started = DispatchTime.now().uptimeNanoseconds
                let text = Renderer.render(frame, RenderOptions(format: format, color: options.colorEnabled, milliseconds: nil))
                writeStdout(text)
                if options.timer {
                    let total = ms + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                    writeStderr("time: \(Renderer.formatMilliseconds(total)) ms\n")
                }
            case .defined(_, let ms), .explained(_, let ms):
                if case .explained(let plan, _) = outcome { writeStdout(plan) }
                if options.timer { writeStderr("time: \(Renderer.formatMilliseconds(ms)) ms\n") }
            case .warning(let message):
                writeStderr(message)
            case .error(let message):
                // A failing statement may report several independent mistakes; the run stops after it.
                writeStderr(message)
                status = .queryError
            }
        }
        return status
    }

    // MARK: - REPL

    func repl<R: LineReader>(_ reader: inout R) {
        let paint = options.colorEnabled
        let counts = report.rows.map { "\($0.count) \($0.entity)" }.joined(separator: ", ")
        let asOf = session.store.asOf.map { ", as of \(Day.format($0))" } ?? ""
        writeStdout("folio \(Folio.version) — \(options.data ?? "built-in demo portfolio"): \(counts) (\(Renderer.formatMilliseconds(report.milliseconds)) ms)\(asOf)\n")
        writeStdout("Type a query such as: accounts | where health < 50 | top 5 by arr  ·  .quit to leave\n")
        var pending = ""
        while true {
            let prompt = pending.isEmpty ? (paint ? "\u{1}\u{1B}[1;36m\u{2}folio>\u{1}\u{1B}[0m\u{2} " : "folio> ") : "   ...> "
            guard let line = reader.readLine(prompt: prompt) else {
                writeStdout("\n")
                return
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, trimmed.hasPrefix(".") {
                reader.addHistory(line)
                if !dotCommand(trimmed) { return }
                continue
            }
            pending += pending.isEmpty ? line : "\n" + line
            if !trimmed.isEmpty, Workspace.needsContinuation(pending) { continue }
            let text = pending
            pending = ""
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            reader.addHistory(text)
            for outcome in session.run(text, origin: "query") {
                switch outcome {
                case .result(let frame, let ms):
                    writeStdout(Renderer.render(frame, RenderOptions(format: format, color: paint, maxRows: format == .table ? 40 : nil, milliseconds: ms)))
                case .defined(let name, _):
                    writeStdout("defined \(name)\n")
                case .explained(let plan, _):
                    writeStdout(plan)
                case .error(let message), .warning(let message):
                    writeStderr(message)
                }
            }
        }
    }

    /// True when the text so far ends mid-statement: a trailing `|`, operator or comma, or an open bracket.
    static func needsContinuation(_ text: String) -> Bool {
        let (_, diagnostics) = Parser.parse(text)
        return diagnostics.contains { $0.message.hasPrefix("unexpected end of input") }
    }

    /// Handles a dot-command; false to quit.
    func dotCommand(_ line: String) -> Bool {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch parts.first ?? "" {
        case ".quit", ".exit":
            return false
        case ".help":
            writeStdout("""
            Queries: SOURCE | STAGE | STAGE …   e.g. accounts | where region = "EMEA" | sort arr desc | limit 10
            Stages: where, select, sort, limit, top N by [per], group by … aggregate …, distinct, count, chart
            Collections: count(opportunities), exists(contacts[role = "champion"]), sum(children.arr)
            let NAME = QUERY defines a source; explain QUERY shows the plan
            .tables          entities and row counts
            .schema [NAME]   fields of an entity
            .mode FORMAT     table, csv, tsv, json, jsonl, markdown
            .today DATE      set today
            .quit            leave (or Ctrl-D)

            """)
        case ".tables":
            for t in session.store.tables { writeStdout("\(t.name) (\(t.rowCount) rows)\n") }
        case ".schema":
            let tables = parts.count > 1 ? session.store.tables.filter { $0.name.caseInsensitiveEquals(parts[1]) } : session.store.tables
            if tables.isEmpty { writeStderr("error: no entity '\(parts[1])'\n") }
            for t in tables {
                writeStdout("\(t.name)\n")
                for (i, f) in t.def.fields.enumerated() {
                    var line = "  \(f.name): \(f.type)"
                    if let d = t.enumDomain(i) { line += " (\(d.labels.joined(separator: ", ")))" }
                    if let r = f.reference { line += " → \(r.target) as \(r.name)" }
                    if f.isCustom { line += " [custom]" }
                    writeStdout(line + "\n")
                }
            }
        case ".mode":
            if parts.count > 1, let f = OutputFormat(rawValue: parts[1].lowercased()) { format = f } else {
                writeStderr("error: .mode expects one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))\n")
            }
        case ".today":
            if parts.count > 1, let d = Day.parse(parts[1]) { session.today = d } else {
                writeStderr("error: .today expects a date like 2026-06-15\n")
            }
        default:
            writeStderr("error: unknown command '\(parts.first ?? line)' (.help lists them)\n")
        }
        return true
    }
}
