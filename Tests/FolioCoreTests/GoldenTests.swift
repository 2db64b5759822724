import Foundation
import Testing
@testable import FolioCore

/// Runs every case of `Tests/Golden/*.golden` against `Samples/portfolio` (today = its as_of).
///
/// A case is a `=== title` line, the query, a `---` line, and the expected output (a table,
/// or the rendered error). A title ending in `{csv}` (or another format) renders that way.
/// Cases in one file share a session, so a `let` defines a name for the cases after it.
/// `FOLIO_RECORD=1 swift test --filter Golden` rewrites the expectations from what folio prints.
@Suite struct GoldenTests {
    struct Case {
        var title: String
        var query: String
        var expected: String
        var format: OutputFormat
    }

    static let directory = Fixtures.root.appendingPathComponent("Tests/Golden")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".golden") }.sorted()
    }

    static func parse(_ text: String) -> [Case] {
        var cases: [Case] = []
        var current: Case?
        var inExpected = false
        var lines: [String] = []
        func flush() {
            guard var c = current else { return }
            while lines.last?.isEmpty == true { lines.removeLast() }
            if inExpected { c.expected = lines.joined(separator: "\n") } else { c.query = lines.joined(separator: "\n") }
            cases.append(c)
        }
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("=== ") {
                flush()
                var title = String(line.dropFirst(4))
                var format = OutputFormat.table
                if title.hasSuffix("}"), let open = title.lastIndex(of: "{"),
                   let f = OutputFormat(rawValue: String(title[title.index(after: open)..<title.index(before: title.endIndex)])) {
                    format = f
                    title = String(title[..<open]).trimmingCharacters(in: .whitespaces)
                }
                current = Case(title: title, query: "", expected: "", format: format)
                inExpected = false
                lines = []
            } else if line == "---", current != nil, !inExpected {
                current?.query = lines.joined(separator: "\n")
                inExpected = true
                lines = []
            } else if current != nil {
                lines.append(line)
            }
        }
        flush()
        return cases
    }

    static func render(_ cases: [Case], actual: [String], original: String) -> String {
        // Keep any text before the first case (the file's introduction).
        let intro = original.components(separatedBy: "\n=== ").first.map { $0.hasPrefix("=== ") ? "" : $0 + "\n" } ?? ""
        return intro + zip(cases, actual).map { c, out in
            let suffix = c.format == .table ? "" : " {\(c.format.rawValue)}"
            return "=== \(c.title)\(suffix)\n\(c.query)\n---\n\(out.trimmingCharacters(in: .newlines))\n"
        }.joined(separator: "\n")
    }

    @Test(arguments: files)
    func golden(_ file: String) throws {
        let url = Self.directory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let cases = Self.parse(text)
        #expect(!cases.isEmpty, "no cases in \(file)")
        let session = Fixtures.session()
        var actual: [String] = []
        for c in cases {
            let out = Fixtures.run(c.query, in: session, format: c.format).trimmingCharacters(in: .newlines)
            actual.append(out)
            if ProcessInfo.processInfo.environment["FOLIO_RECORD"] == nil {
                #expect(out == c.expected, "\(file): \(c.title)")
            }
        }
        if ProcessInfo.processInfo.environment["FOLIO_RECORD"] != nil {
            try Self.render(cases, actual: actual, original: text).write(to: url, atomically: true, encoding: .utf8)
        }
    }
}
