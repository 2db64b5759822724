import Foundation
import FolioCore

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

    /// `folio sql`: the SQL a query compiles to (a later capability).
    static func sql(_ arguments: Arguments) -> ExitStatus {
        writeStderr("error: folio sql is not supported yet\n")
        return .queryError
    }
}
