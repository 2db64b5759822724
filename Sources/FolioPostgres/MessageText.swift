// Texts from libpq and the server arrive on several lines; errors show them on one.

/// Folds libpq's multi-line texts (a message, then tab-indented hints) into one line.
func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline)
        .map { $0.trimmingWhitespace() }
        .filter { !$0.isEmpty }
        .joined(separator: "; ")
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}

/// A server message without the `FATAL:  ` libpq puts before a session-ending error.
func withoutSeverity(_ line: String) -> String {
    for severity in ["FATAL:", "PANIC:", "ERROR:"] where line.hasPrefix(severity) {
        return line.dropFirst(severity.count).trimmingWhitespace()
    }
    return line
}
