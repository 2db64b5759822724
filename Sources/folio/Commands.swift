import ArgumentParser
import Foundation
import FolioCore

/// `folio [-c QUERY]`: the REPL, one query, or a script on standard input.
struct Interactive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The REPL (the default); with -c, run one query or script text and exit; with non-terminal stdin, run it as a script.",
        shouldDisplay: false
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .customShort("c"), help: ArgumentHelp("Run this query (or script text) and exit.", valueName: "query"))
    var command: String?

    func run() throws {
        let workspace = try Workspace(common)
        defer { workspace.finishSnapshot() }
        if let command {
            throw Exit(status: workspace.runBatch(command, origin: "query"))
        }
        if isatty(STDIN_FILENO) == 0 {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            throw Exit(status: workspace.runBatch(String(decoding: data, as: UTF8.self), origin: "stdin"))
        }
        workspace.repl()
    }
}

/// `folio run FILE…`: saved query files.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run saved query files.")

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Query files to run, in order.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("run needs at least one query file") }
    }

    func run() throws {
        var texts: [(String, String)] = []
        for f in files {
            guard let data = FileManager.default.contents(atPath: f) else {
                writeStderr("error: cannot read query file '\(f)'\n")
                throw Exit(status: .usage)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                writeStderr("error: query file '\(f)' is not UTF-8\n")
                throw Exit(status: .usage)
            }
            texts.append((f, text))
        }
        let workspace = try Workspace(common)
        defer { workspace.finishSnapshot() }
        for (f, text) in texts {
            let status = workspace.runBatch(text, origin: f)
            if status != .success { throw Exit(status: status) }
        }
    }
}

/// `folio generate`: a synthetic portfolio of any size.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a synthetic portfolio (CSV files and folio.json).")

    @Option(help: ArgumentHelp("Number of accounts.", valueName: "n"))
    var accounts: Int

    @Option(help: ArgumentHelp("Random seed: the same seed gives the same files.", valueName: "s"))
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Directory to write into (created if missing).", valueName: "dir"))
    var out: String

    func validate() throws {
        if accounts < 1 || accounts > 50_000_000 { throw ValidationError("--accounts expects a number from 1 to 50,000,000") }
    }

    func run() throws {
        do {
            try PortfolioGenerator(accounts: accounts, seed: seed).write(to: out)
        } catch {
            writeStderr("error: cannot write to '\(out)': \(error)\n")
            throw Exit(status: .dataError)
        }
    }
}

/// `folio sql`: the SQL a query compiles to (a later capability).
struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the SQL a query compiles to (not supported yet).")

    @Argument(help: "The query.")
    var query: String

    @Option(help: "postgres or sqlite.")
    var dialect: String = "postgres"

    func run() throws {
        writeStderr("error: folio sql is not supported yet\n")
        throw Exit(status: .queryError)
    }
}
