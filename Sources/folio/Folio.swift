import Foundation
import FolioCore

/// folio: a REPL and query language for account-management data.
enum Folio {
    static let version = "0.1.0"

    /// Runs the command the arguments name; returns the exit status.
    static func main(_ args: [String]) -> ExitStatus {
        let arguments: Arguments
        do throws(Arguments.UsageError) {
            arguments = try Arguments.parse(args)
        } catch {
            writeStderr("error: \(error.message)\n(folio --help shows the options)\n")
            return .usage
        }
        if arguments.wantsVersion {
            writeStdout(version + "\n")
            return .success
        }
        if arguments.wantsHelp {
            writeStdout(Arguments.help(for: arguments.command == .repl ? nil : arguments.command))
            return .success
        }
        MemoryLimit.set(arguments.maxMemory ?? MemoryLimit.defaultBytes)
        do {
            switch arguments.command {
            case .repl: return try Commands.interactive(arguments)
            case .run: return try Commands.run(arguments)
            case .generate: return Commands.generate(arguments)
            case .sql: return try Commands.sql(arguments)
            case .export: return try Commands.export(arguments)
            case .push: return try Commands.push(arguments)
            case .initialize: return Commands.initialize(arguments)
            }
        } catch {
            return error.status
        }
    }
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
