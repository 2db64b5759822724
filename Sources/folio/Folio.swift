import ArgumentParser
import Foundation
import FolioCore

/// folio: a REPL and query language for account-management data.
struct Folio: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Query account-management data: accounts, contacts, opportunities, managers, activities.",
        version: version,
        subcommands: [Interactive.self, Run.self, Generate.self, SQL.self],
        defaultSubcommand: Interactive.self
    )
}

/// Exit codes of SPEC §5.
enum ExitStatus: Int32 {
    case success = 0, queryError = 1, usage = 2, dataError = 3
}

/// Thrown to end the process with an exit status after its message was printed.
struct Exit: Error {
    var status: ExitStatus
}

func writeStdout(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}

func writeStderr(_ s: String) {
    FileHandle.standardError.write(Data(s.utf8))
}

