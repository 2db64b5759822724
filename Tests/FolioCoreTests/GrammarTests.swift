import Foundation
import Testing
@testable import FolioCore

/// Every example query in `Grammar/folio.ebnf` and README.md parses, checks and runs on
/// `Samples/portfolio` (or says plainly that its form is not supported yet).
@Suite struct GrammarTests {
    /// `(*> QUERY *)` blocks of the grammar, possibly spanning lines.
    static func grammarExamples() throws -> [String] {
        let text = try String(contentsOf: Fixtures.root.appendingPathComponent("Grammar/folio.ebnf"), encoding: .utf8)
        var examples: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "(*>") {
            guard let close = rest.range(of: "*)", range: open.upperBound..<rest.endIndex) else { break }
            examples.append(String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[close.upperBound...]
        }
        return examples
    }

    /// Fenced ```folio blocks of README.md; lines starting with `folio>` or `   ...>` are the query.
    static func readmeExamples() throws -> [String] {
        let text = try String(contentsOf: Fixtures.root.appendingPathComponent("README.md"), encoding: .utf8)
        var examples: [String] = []
        var inBlock = false
        var current: [String] = []
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```folio") {
                inBlock = true
                current = []
            } else if inBlock, line.hasPrefix("```") {
                inBlock = false
                if !current.isEmpty { examples.append(current.joined(separator: "\n")) }
            } else if inBlock {
                if line.hasPrefix("folio> ") {
                    if !current.isEmpty { examples.append(current.joined(separator: "\n")) }
                    current = [String(line.dropFirst(7))]
                } else if line.hasPrefix("   ...> ") {
                    current.append(String(line.dropFirst(8)))
                }
            }
        }
        return examples
    }

    func check(_ query: String, in session: Session = Fixtures.session()) {
        for outcome in session.run(query) {
            if case .error(let message) = outcome {
                #expect(message.contains("is not supported yet"), "\(query)\n\(message)")
            }
        }
    }

    @Test func grammarHasExamples() throws {
        #expect(try Self.grammarExamples().count >= 20)
    }

    @Test func grammarExamplesRun() throws {
        for example in try Self.grammarExamples() { check(example) }
    }

    @Test func readmeExamplesRun() throws {
        let examples = try Self.readmeExamples()
        #expect(examples.count >= 8)
        // One session for the whole README, as a reader types it: a `let` serves the examples after it.
        let session = Fixtures.session()
        for example in examples { check(example, in: session) }
    }
}
