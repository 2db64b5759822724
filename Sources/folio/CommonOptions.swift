import ArgumentParser
import Foundation
import FolioCore

/// Options every way of running queries shares (SPEC §5).
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data directory (CSV or JSONL files). Without it, the built-in demo portfolio.", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The date 'today' means (YYYY-MM-DD). Default: the data's as_of, else the clock.", valueName: "date"))
    var today: String?

    @Option(name: .customLong("fiscal-year-start"), help: ArgumentHelp("Month (1-12) fiscal years begin.", valueName: "month"))
    var fiscalYearStart: Int?

    @Option(name: .long, help: ArgumentHelp("Output format: table, csv, tsv, json, jsonl, markdown. Default: table on a terminal, else csv.", valueName: "format"))
    var format: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("A query parameter, NAME=VALUE (repeatable).", valueName: "name=value"))
    var params: [String] = []

    @Flag(name: .long, help: "Skip bad rows in data files and report them, instead of stopping.")
    var lenient = false

    @Flag(name: .customLong("no-color"), help: "No colour in the output.")
    var noColor = false

    @Flag(name: .long, help: "Print load and statement times to stderr.")
    var timer = false

    @Flag(name: .customLong("no-snapshot"), help: "Parse the data files even if a snapshot of them is cached, and write none.")
    var noSnapshot = false

    /// Where snapshots of data directories are cached, unless turned off.
    var snapshotCache: SnapshotCache? { noSnapshot ? nil : SnapshotCache.standard() }

    func validate() throws {
        if let today, Day.parse(today) == nil {
            throw ValidationError("--today expects a date like 2026-06-15, got '\(today)'")
        }
        if let m = fiscalYearStart, !(1...12).contains(m) {
            throw ValidationError("--fiscal-year-start expects a month from 1 to 12, got \(m)")
        }
        if let format, OutputFormat(rawValue: format.lowercased()) == nil {
            throw ValidationError("--format expects one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
        }
        for p in params {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw ValidationError("--param expects NAME=VALUE, got '\(p)'")
            }
            let name = p[..<eq]
            guard name.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
                  let first = name.utf8.first, !(first >= 48 && first <= 57) else {
                throw ValidationError("--param name '\(name)' is not a valid name (letters, digits, _)")
            }
        }
    }

    var parameters: [String: Literal] {
        var out: [String: Literal] = [:]
        for p in params {
            guard let eq = p.firstIndex(of: "=") else { continue }
            out[String(p[..<eq])] = Session.parameterLiteral(String(p[p.index(after: eq)...]))
        }
        return out
    }

    func outputFormat(terminal: Bool) -> OutputFormat {
        format.flatMap { OutputFormat(rawValue: $0.lowercased()) } ?? (terminal ? .table : .csv)
    }

    var colorEnabled: Bool {
        !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }
}
