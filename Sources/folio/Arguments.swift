import Foundation
import FolioCore

/// The command line (SPEC §5), read by hand: a table of options, each known to the commands
/// it serves, accepted before or after the command word alike (`folio --data DIR run FILE`
/// and `folio run FILE --data DIR`), as `--name value` or `--name=value`. One pass over the
/// arguments, so thousands of `--param` flags cost no more than their length.
struct Arguments {
    /// What to do.
    enum Command: String, CaseIterable {
        case repl, run, generate, sql, export, push, initialize = "init"
        /// The word that names it (the REPL has none: it is what `folio` does).
        var word: String? { self == .repl ? nil : rawValue }

        var summary: String {
            switch self {
            case .repl: "The REPL (the default); with -c, run one query or script text and exit; with non-terminal stdin, run it as a script."
            case .run: "Run saved query files."
            case .generate: "Write a synthetic portfolio (CSV files and folio.json)."
            case .sql: "Print the SQL a query compiles to."
            case .export: "Write the portfolio as CSV files and the schema.sql that builds a database of them."
            case .push: "Load the portfolio into a PostgreSQL database (one transaction), for folio --engine."
            case .initialize: "Propose a folio.json for a folder of CRM exports folio has never seen (what it guessed goes to stderr)."
            }
        }

        var usage: String {
            switch self {
            case .repl: "folio [-c QUERY] [options]"
            case .run: "folio run FILE… [options]"
            case .generate: "folio generate --accounts N [--seed S] --out DIR"
            case .sql: "folio sql QUERY [--dialect D] [--placeholders] [options]"
            case .export: "folio export --out DIR [--dialect D] [--force] [options]"
            case .push: "folio push postgresql://USER@HOST/DB [options]"
            case .initialize: "folio init DIR [--force]"
            }
        }
    }

    /// One option: its name, whether it takes a value, its help and the commands it serves.
    struct Option {
        var name: String
        var value: String?
        var help: String
        var commands: Set<Command>
    }

    static let querying: Set<Command> = [.repl, .run, .sql]
    /// Commands that load data.
    static let loading: Set<Command> = [.repl, .run, .sql, .export, .push]

    static let options: [Option] = [
        Option(name: "data", value: "DIR", help: "Data directory (CSV or JSONL files). Without it, the built-in demo portfolio.", commands: loading),
        Option(name: "today", value: "DATE", help: "The date 'today' means (YYYY-MM-DD). Default: the data's as_of, else the clock.", commands: querying),
        Option(name: "fiscal-year-start", value: "MONTH", help: "Month (1-12) fiscal years begin.", commands: querying),
        Option(name: "format", value: "FORMAT", help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: table on a terminal, else csv. (folio sql: text or json.)",
               commands: [.repl, .run, .sql]),
        Option(name: "param", value: "NAME=VALUE", help: "A query parameter (repeatable), typed like a literal: number, date, true/false, else string.", commands: querying),
        Option(name: "lenient", value: nil, help: "Skip bad rows in data files and report them, instead of stopping.", commands: loading),
        Option(name: "no-color", value: nil, help: "No colour in the output (also NO_COLOR).", commands: [.repl, .run]),
        Option(name: "timer", value: nil, help: "Print load and statement times to stderr.", commands: [.repl, .run]),
        Option(name: "no-snapshot", value: nil, help: "Parse the data files even if a snapshot of them is cached, and write none.", commands: loading),
        Option(name: "max-memory", value: "SIZE", help: "Stop a query that would take folio past this much memory (e.g. 8G, 500M, 75%; none). Default: 90% of the machine's.", commands: querying),
        Option(name: "engine", value: "URL", help: "Run queries on this PostgreSQL database (filled by folio push) instead of in memory.", commands: querying),
        Option(name: "dialect", value: "D", help: "SQL dialect: postgres (the default), sqlite, duckdb, spark.", commands: [.sql, .export]),
        Option(name: "placeholders", value: nil, help: "Parameters as the dialect's placeholders ($1, ?), their values listed after the SQL.", commands: [.sql]),
        Option(name: "force", value: nil, help: "Replace what is there (export: the folder; init: its folio.json).", commands: [.export, .initialize]),
        Option(name: "accounts", value: "N", help: "Number of accounts (1 to 50,000,000).", commands: [.generate]),
        Option(name: "seed", value: "S", help: "Random seed: the same seed gives the same files (default 42).", commands: [.generate]),
        Option(name: "out", value: "DIR", help: "Directory to write into (created if missing).", commands: [.generate, .export]),
    ]

    struct UsageError: Error {
        var message: String
    }

    var command = Command.repl
    /// `-c QUERY`.
    var query: String?
    var positionals: [String] = []
    /// Option values by name, in the order given (flags have an empty value).
    var values: [String: [String]] = [:]
    var wantsHelp = false
    var wantsVersion = false

    func value(_ name: String) -> String? { values[name]?.last }
    func flag(_ name: String) -> Bool { values[name] != nil }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Reads the arguments (without the program's name).
    static func parse(_ args: [String]) throws(UsageError) -> Arguments {
        var a = Arguments()
        var commandGiven = false
        var byName: [String: Option] = [:]
        for o in options { byName[o.name] = o }
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                if !commandGiven, a.positionals.isEmpty, let c = Command.allCases.first(where: { $0.word == arg }) {
                    a.command = c
                    commandGiven = true
                } else if !commandGiven, a.positionals.isEmpty, arg == "help" {
                    a.wantsHelp = true
                    if i < args.count, let c = Command.allCases.first(where: { $0.word == args[i] }) {
                        a.command = c
                        i += 1
                    }
                } else {
                    a.positionals.append(arg)
                }
                continue
            }
            switch arg {
            case "--": onlyPositionals = true; continue
            case "-h", "--help": a.wantsHelp = true; continue
            case "--version": a.wantsVersion = true; continue
            case "-c":
                guard i < args.count else { throw UsageError(message: "-c expects a query") }
                a.query = args[i]
                i += 1
                continue
            default: break
            }
            guard arg.hasPrefix("--") else { throw UsageError(message: "unknown option '\(arg)'") }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = byName[name] else {
                let suggestion = Suggest.closest(name, among: options.map(\.name)).map { " (did you mean '--\($0)'?)" } ?? ""
                throw UsageError(message: "unknown option '--\(name)'\(suggestion)")
            }
            if option.value != nil {
                if let inline {
                    a.values[name, default: []].append(inline)
                } else {
                    guard i < args.count else { throw UsageError(message: "--\(name) expects \(option.value ?? "a value")") }
                    a.values[name, default: []].append(args[i])
                    i += 1
                }
            } else {
                if inline != nil { throw UsageError(message: "--\(name) takes no value") }
                a.values[name, default: []].append("")
            }
        }
        if a.wantsHelp || a.wantsVersion { return a }
        try a.validate()
        return a
    }

    /// Every option given serves the command; values have their form.
    func validate() throws(UsageError) {
        for name in values.keys.sorted() {
            guard let option = Self.options.first(where: { $0.name == name }), option.commands.contains(command) else {
                throw UsageError(message: "--\(name) is not an option of \(command.word.map { "folio \($0)" } ?? "the REPL or -c")")
            }
        }
        if query != nil, command != .repl { throw UsageError(message: "-c runs a query in place of \(command.word ?? "")") }
        if let today = value("today"), Day.parse(today) == nil {
            throw UsageError(message: "--today expects a date like 2026-06-15, got '\(today)'")
        }
        if let m = value("fiscal-year-start"), Int(m).map({ (1...12).contains($0) }) != true {
            throw UsageError(message: "--fiscal-year-start expects a month from 1 to 12, got \(m)")
        }
        if command == .sql, let f = value("format"), !["text", "json"].contains(f.lowercased()) {
            throw UsageError(message: "--format of folio sql expects text or json, got '\(f)'")
        }
        if command != .sql, let f = value("format"), OutputFormat(rawValue: f.lowercased()) == nil {
            throw UsageError(message: "--format expects one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(f)'")
        }
        for p in all("param") {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw UsageError(message: "--param expects NAME=VALUE, got '\(p)'") }
            let name = p[..<eq]
            guard name.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
                  let first = name.utf8.first, !(first >= 48 && first <= 57) else {
                throw UsageError(message: "--param name '\(name)' is not a valid name (letters, digits, _)")
            }
        }
        switch command {
        case .repl:
            if let extra = positionals.first { throw UsageError(message: "unexpected argument '\(extra)' (queries go after -c, files after 'run')") }
        case .run:
            if positionals.isEmpty { throw UsageError(message: "run needs at least one query file") }
        case .generate:
            if let extra = positionals.first { throw UsageError(message: "unexpected argument '\(extra)'") }
            guard let n = value("accounts") else { throw UsageError(message: "generate needs --accounts N") }
            guard let count = Int(n.replacingOccurrences(of: "_", with: "")), (1...50_000_000).contains(count) else {
                throw UsageError(message: "--accounts expects a number from 1 to 50,000,000, got '\(n)'")
            }
            if let s = value("seed"), UInt64(s) == nil { throw UsageError(message: "--seed expects a whole number, got '\(s)'") }
            if value("out") == nil { throw UsageError(message: "generate needs --out DIR") }
        case .sql:
            if positionals.count != 1 { throw UsageError(message: "sql needs one query (in quotes)") }
        case .initialize:
            if positionals.count != 1 { throw UsageError(message: "init needs one folder of exports (folio init DIR)") }
        case .push:
            if positionals.count != 1 { throw UsageError(message: "push needs one PostgreSQL connection string (postgresql://USER@HOST/DB)") }
        case .export:
            if let extra = positionals.first { throw UsageError(message: "unexpected argument '\(extra)'") }
            if value("out") == nil { throw UsageError(message: "export needs --out DIR") }
        }
        if value("engine") != nil, value("data") != nil {
            throw UsageError(message: "--engine and --data: the data is the engine's (folio push put it there), give one or the other")
        }
        if value("engine") != nil, flag("lenient") || flag("no-snapshot") {
            throw UsageError(message: "--\(flag("lenient") ? "lenient" : "no-snapshot") is about loading files, and --engine loads none")
        }
        if let m = value("max-memory"), MemoryLimit.parse(m) == nil {
            throw UsageError(message: "--max-memory expects a size (8G, 500M, 75%, or none), got '\(m)'")
        }
        if let d = value("dialect"), SQLDialectName(rawValue: d.lowercased()) == nil {
            throw UsageError(message: "--dialect expects one of \(SQLDialectName.allCases.map(\.rawValue).joined(separator: ", ")), got '\(d)'")
        }
    }

    /// `--max-memory` in bytes (0: no limit), nil when not given.
    var maxMemory: UInt64? { value("max-memory").flatMap(MemoryLimit.parse) }

    /// `--dialect`, postgres when not given.
    var dialect: SQLDialectName { value("dialect").flatMap { SQLDialectName(rawValue: $0.lowercased()) } ?? .postgres }

    /// `--param` values as literals.
    var parameters: [String: Literal] {
        var out: [String: Literal] = [:]
        for p in all("param") {
            guard let eq = p.firstIndex(of: "=") else { continue }
            out[String(p[..<eq])] = Session.parameterLiteral(String(p[p.index(after: eq)...]))
        }
        return out
    }

    // MARK: - Help

    static func help(for command: Command?) -> String {
        guard let command, command != .repl || false else {
            var out = "folio: query account-management data: accounts, contacts, opportunities, managers, activities.\n\n"
            out += "USAGE:\n"
            for c in Command.allCases { out += "  " + c.usage + "\n" }
            out += "\nCOMMANDS:\n"
            for c in Command.allCases { out += "  " + pad(c.word ?? "(none)", 10) + c.summary + "\n" }
            out += "\nOPTIONS (before or after the command):\n"
            out += "  " + pad("-c QUERY", 28) + "Run this query (or script text) and exit.\n"
            for o in options { out += line(o) }
            out += "  " + pad("--version", 28) + "Show the version.\n"
            out += "  " + pad("-h, --help", 28) + "Show this help; folio help COMMAND for one command's.\n"
            return out
        }
        var out = "folio \(command.word ?? ""): \(command.summary)\n\nUSAGE: \(command.usage)\n\nOPTIONS:\n"
        for o in options where o.commands.contains(command) { out += line(o) }
        return out
    }

    private static func line(_ o: Option) -> String {
        "  " + pad("--\(o.name)" + (o.value.map { " " + $0 } ?? ""), 28) + o.help + "\n"
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + "  " : s + String(repeating: " ", count: n - s.count)
    }
}
