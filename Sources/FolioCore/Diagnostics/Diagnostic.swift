/// An error in a query: data, not text. ``DiagnosticRenderer`` is the one place that turns it into text.
public struct Diagnostic: Error, Sendable, Equatable {
    public var span: Range<Int>
    public var message: String
    public var help: String?
    /// The text the span points into, when it is not the statement being run (a stage of a
    /// named query defined earlier).
    public var source: DiagnosticSource?

    public init(_ span: Range<Int>, _ message: String, help: String? = nil) {
        self.span = span
        self.message = message
        self.help = help
    }

    public init(_ span: Range<Int>, _ m: (message: String, help: String?)) {
        self.init(span, m.message, help: m.help)
    }
}

/// Renders diagnostics with the source line and a caret run under the span:
/// ```
/// error: unknown field 'helth' on accounts
///  --> query:1:18
///   |
/// 1 | accounts | where helth < 50
///   |                  ^^^^^
///   = help: did you mean 'health'?
/// ```
/// Where a diagnostic's span points: a name for the text (`let at_risk`) and the text.
public struct DiagnosticSource: Sendable, Equatable {
    public var origin: String
    public var text: String
}

public enum DiagnosticRenderer {
    /// Lines longer than this many columns are shown as a window around the caret.
    static let widestLine = 100

    public static func render(_ d: Diagnostic, source: String, origin: String = "query", severity: String = "error") -> String {
        let source = d.source?.text ?? source
        let origin = d.source?.origin ?? origin
        let bytes = Array(source.utf8)
        var start = min(max(0, d.span.lowerBound), bytes.count)
        // At the end of input, point just after the last thing written, not at a blank line below it.
        if start == bytes.count {
            while start > 0, bytes[start - 1] == 10 || bytes[start - 1] == 13 || bytes[start - 1] == 32 || bytes[start - 1] == 9 { start -= 1 }
        }
        let end = min(max(start, d.span.upperBound), bytes.count)
        var lineStart = start
        while lineStart > 0, bytes[lineStart - 1] != 10 { lineStart -= 1 }
        var lineEnd = start
        while lineEnd < bytes.count, bytes[lineEnd] != 10 { lineEnd += 1 }
        let lineNumber = bytes[0..<lineStart].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        var lineText = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self).replacingTabs()
        let column = displayWidth(bytes[lineStart..<start]) + 1
        let caretEnd = min(end, lineEnd)
        var caretCount = max(1, displayWidth(bytes[start..<max(start, caretEnd)]))
        // A long line (a generated query, a script on one line) is shown as a window of it
        // around the caret, cut with "…".
        var caretColumn = column
        if displayWidth(bytes[lineStart..<lineEnd]) > widestLine {
            let scalars = Array(lineText.unicodeScalars)
            let from = max(0, column - 1 - widestLine / 3)
            let to = min(scalars.count, from + widestLine)
            var window = String(String.UnicodeScalarView(scalars[from..<to]))
            caretColumn = column - from
            if from > 0 {
                window = "…" + window
                caretColumn += 1
            }
            if to < scalars.count { window += "…" }
            lineText = window
            caretCount = min(caretCount, max(1, to - (column - 1)))
        }
        let gutter = String(lineNumber)
        let pad = String(repeating: " ", count: gutter.count)
        var out = "\(severity): \(d.message)\n"
        out += "\(pad)--> \(origin):\(lineNumber):\(column)\n"
        out += "\(pad) |\n"
        out += "\(gutter) | \(lineText)\n"
        out += "\(pad) | \(String(repeating: " ", count: caretColumn - 1))\(String(repeating: "^", count: caretCount))\n"
        if let help = d.help { out += "\(pad) = help: \(help)\n" }
        return out
    }

    /// Terminal columns of UTF-8 bytes, counting each scalar as one column.
    static func displayWidth(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}

extension String {
    func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

/// Closest names by edit distance, for "did you mean …?".
public enum Suggest {
    public static func closest(_ name: String, among candidates: [String]) -> String? {
        let lower = name.lowercased()
        var best: (String, Int)?
        for c in candidates {
            let d = distance(lower, c.lowercased())
            let limit = max(1, min(3, c.count / 3 + 1))
            if d <= limit, best == nil || d < best?.1 ?? .max { best = (c, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
