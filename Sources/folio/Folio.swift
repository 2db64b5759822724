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

func writeStdout(_ s: String) { writeAll(STDOUT_FILENO, s) }

func writeStderr(_ s: String) { writeAll(STDERR_FILENO, s) }

/// Writes every byte, resuming after a signal (Ctrl-C has no SA_RESTART, so a write to the
/// terminal may stop early); gives up quietly when the reader has gone (a closed pipe).
func writeAll(_ fd: Int32, _ s: String) {
    var s = s
    s.withUTF8 { bytes in
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            base += n
            left -= n
        }
    }
}

