import Foundation
import FolioCore
import FolioLineEditor

/// The commands of the command line, each from its parsed arguments to an exit status.
enum Commands {
    /// `folio [-c QUERY]`: the REPL, one query, or a script on standard input.
    static func interactive(_ arguments: Arguments) throws(Exit) -> ExitStatus {
        let workspace = try Workspace(arguments)
        defer { workspace.finishSnapshot() }
        if let command = arguments.query {
            return workspace.runBatch(command, origin: "query")
        }
        if isatty(STDIN_FILENO) == 0 {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return workspace.runBatch(String(decoding: data, as: UTF8.self), origin: "stdin")
        }
        workspace.repl()
        return .success
    }

    /// `folio run FILE…`: saved query files, in order; the first failure stops them.
    static func run(_ arguments: Arguments) throws(Exit) -> ExitStatus {
        var texts: [(String, String)] = []
        for f in arguments.positionals {
            guard let data = FileManager.default.contents(atPath: f) else {
                writeStderr("error: cannot read query file '\(f)'\n")
                return .usage
            }
            guard let text = String(data: data, encoding: .utf8) else {
                writeStderr("error: query file '\(f)' is not UTF-8\n")
                return .usage
            }
            texts.append((f, text))
        }
        let workspace = try Workspace(arguments)
        defer { workspace.finishSnapshot() }
        for (f, text) in texts {
            let status = workspace.runBatch(text, origin: f)
            if status != .success { return status }
        }
        return .success
    }

    /// `folio generate`: a synthetic portfolio of any size.
    static func generate(_ arguments: Arguments) -> ExitStatus {
        let accounts = Int((arguments.value("accounts") ?? "").replacingOccurrences(of: "_", with: "")) ?? 0
        let seed = arguments.value("seed").flatMap { UInt64($0) } ?? 42
        let out = arguments.value("out") ?? ""
        do {
            try PortfolioGenerator(accounts: accounts, seed: seed).write(to: out)
            return .success
        } catch {
            writeStderr("error: cannot write to '\(out)': \(error)\n")
            return .dataError
        }
    }

    /// `folio sql QUERY`: the SQL each query compiles to, for the data's schema and picklists.
    static func sql(_ arguments: Arguments) throws(Exit) -> ExitStatus {
        let workspace = try Workspace(arguments)
        defer { workspace.finishSnapshot() }
        var status = ExitStatus.success
        let json = arguments.value("format")?.lowercased() == "json"
        let dialect = arguments.dialect.dialect
        for outcome in workspace.session.sql(arguments.positionals[0], dialect: arguments.dialect, placeholders: arguments.flag("placeholders")) {
            switch outcome {
            case .sql(let output, let query) where json:
                // One object a line: the SQL, the placeholders' values and the result's columns.
                let parameters = output.parameters.map { JSON.quote(ValueFormat.plain($0)) }.joined(separator: ",")
                let columns = output.columns.map { "{\"name\":\(JSON.quote($0.name)),\"type\":\(JSON.quote($0.type.description))}" }.joined(separator: ",")
                writeStdout("{\"query\":\(JSON.quote(query)),\"sql\":\(JSON.quote(output.sql)),\"parameters\":[\(parameters)],\"columns\":[\(columns)]}\n")
            case .sql(let output, _):
                var text = output.sql + ";\n"
                for (i, v) in output.parameters.enumerated() {
                    let p = dialect.placeholder(i + 1)
                    text += "-- \(p == "?" ? "? (\(i + 1))" : p) = \(ValueFormat.plain(v))\n"
                }
                writeStdout(text)
            case .error(let message, let query) where json:
                writeStdout("{\"query\":\(JSON.quote(query)),\"error\":\(JSON.quote(message))}\n")
                status = .queryError
            case .error(let message, _):
                writeStderr(message)
                status = .queryError
            }
        }
        return status
    }

    /// `folio export --out DIR`: the portfolio as CSV files and the schema.sql that loads them.
    static func export(_ arguments: Arguments) throws(Exit) -> ExitStatus {
        let workspace = try Workspace(arguments)
        defer { workspace.finishSnapshot() }
        let out = arguments.value("out") ?? ""
        let export = SQLExport(store: workspace.session.store, dialect: arguments.dialect)
        let terminal = isatty(STDERR_FILENO) == 1
        do {
            let report = try export.write(to: out, force: arguments.flag("force"), progress: terminal ? { name, done, total in
                writeStderr("\r\u{1B}[2Kexporting \(name): \(ValueFormat.group(String(done))) of \(ValueFormat.group(String(total))) rows")
            } : nil)
            if terminal { writeStderr("\r\u{1B}[2K") }
            let rows = report.tables.reduce(0) { $0 + $1.rows }
            writeStderr("exported \(ValueFormat.group(String(rows))) rows in \(report.tables.count) tables to \(out) (\(ValueFormat.group(String(report.bytes / 1024))) KiB, \(Renderer.formatMilliseconds(report.milliseconds)) ms); run there: \(SQLExport.howToRun(arguments.dialect))\n")
            return .success
        } catch {
            if terminal { writeStderr("\r\u{1B}[2K") }
            writeStderr("error: \(error.message)\n")
            return .dataError
        }
    }

    /// `folio push URL`: the portfolio into PostgreSQL, replacing folio's tables there.
    static func push(_ arguments: Arguments) throws(Exit) -> ExitStatus {
        let workspace = try Workspace(arguments)
        defer { workspace.finishSnapshot() }
        let terminal = isatty(STDERR_FILENO) == 1
        do throws(EngineError) {
            let report = try Push.run(workspace.session.store, to: arguments.positionals[0], progress: terminal ? { name, done, total in
                writeStderr("\r\u{1B}[2Kpushing \(name): \(ValueFormat.group(String(done))) of \(ValueFormat.group(String(total))) rows")
            } : nil)
            if terminal { writeStderr("\r\u{1B}[2K") }
            for t in report.tables { writeStderr("\(t.name): \(ValueFormat.group(String(t.rows))) rows\n") }
            let rows = report.tables.reduce(0) { $0 + $1.rows }
            writeStderr("pushed \(ValueFormat.group(String(rows))) rows in \(report.tables.count) tables in \(Renderer.formatMilliseconds(report.milliseconds)) ms\n")
            return .success
        } catch {
            if terminal { writeStderr("\r\u{1B}[2K") }
            writeStderr("error: \(error.message)\n")
            return .dataError
        }
    }

    /// `folio init DIR`: a proposed folio.json for the exports in DIR, and what was guessed.
    static func initialize(_ arguments: Arguments) -> ExitStatus {
        let dir = arguments.positionals[0]
        let target = URL(fileURLWithPath: dir).appendingPathComponent("folio.json").path
        if FileManager.default.fileExists(atPath: target), !arguments.flag("force") {
            writeStderr("error: \(target) already exists (--force replaces it; folio --data \(dir) loads it as it is)\n")
            return .usage
        }
        let proposal: MappingProposal.Result
        do {
            proposal = try MappingProposal.propose(directory: dir)
        } catch {
            writeStderr(error.description + "\n")
            return .dataError
        }
        do {
            try AtomicFile.write(Array(proposal.json.utf8), to: target)
        } catch {
            writeStderr("error: cannot write \(target): \(error)\n")
            return .dataError
        }
        for line in proposal.report { writeStderr(line + "\n") }
        writeStderr("wrote \(target)\n")
        return .success
    }
}
