import Foundation
import FolioPostgres
import CSafety

// MARK: - Entry point

// Signals never leave a half-written file, and a data file truncated under folio is an
// error, not a crash (Sources/CSafety).
folio_file_safety_install()
let arguments = Array(CommandLine.arguments.dropFirst())
hidePasswords()
exit(Folio.main(arguments).rawValue)

/// A connection string's password is blanked in the process's own argument list, so that
/// `ps` does not show it (folio has its copy). PGPASSWORD or ~/.pgpass keep it off the
/// command line altogether.
func hidePasswords() {
    for i in 1..<Int(CommandLine.argc) {
        guard let arg = CommandLine.unsafeArgv[i] else { continue }
        let text = String(cString: arg)
        guard text.contains("://") || text.contains("password"), let secret = password(in: text) else { continue }
        let bytes = Array(text.utf8)
        for form in [secret, secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret] {
            let needle = Array(form.utf8)
            guard !needle.isEmpty, needle.count <= bytes.count else { continue }
            for start in 0...(bytes.count - needle.count) where Array(bytes[start..<(start + needle.count)]) == needle {
                for k in start..<(start + needle.count) { arg[k] = CChar(UInt8(ascii: "*")) }
            }
        }
    }
}
