import ArgumentParser
import Foundation
import FolioCore

// MARK: - Entry point


do {
    var command = try Folio.parseAsRoot()
    try command.run()
} catch let exit as Exit {
    Foundation.exit(exit.status.rawValue)
} catch {
    let code = Folio.exitCode(for: error)
    if code == .success {
        // --help and --version.
        writeStdout(Folio.fullMessage(for: error) + "\n")
        Foundation.exit(0)
    }
    writeStderr("error: " + Folio.message(for: error) + "\n")
    if code == .validationFailure { writeStderr("(folio --help shows the options)\n") }
    Foundation.exit(code == .validationFailure ? ExitStatus.usage.rawValue : ExitStatus.queryError.rawValue)
}
