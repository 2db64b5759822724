import Foundation
import Testing
@testable import FolioCore

/// Every saved query in `Samples/queries` runs on the sample portfolio as `folio run` runs
/// it — with the parameters its `# folio run … --param k=v` line gives — and answers as
/// `Tests/Golden/queries/NAME.csv` says (`FOLIO_RECORD=1` rewrites them).
@Suite struct SampleQueryTests {
    static let directory = Fixtures.root.appendingPathComponent("Samples/queries")
    static let expected = Fixtures.root.appendingPathComponent("Tests/Golden/queries")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".folio") }.sorted()
    }

    /// The parameters a query file's usage line passes.
    static func parameters(_ text: String) -> [String: Literal] {
        var out: [String: Literal] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# folio run ") {
            let words = line.split(separator: " ").map(String.init)
            for (i, w) in words.enumerated() where w == "--param" && i + 1 < words.count {
                var rest = words[(i + 1)...].joined(separator: " ")
                if let next = rest.range(of: " --") { rest = String(rest[..<next.lowerBound]) }
                guard let eq = rest.firstIndex(of: "=") else { continue }
                let value = String(rest[rest.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                out[String(rest[..<eq])] = Session.parameterLiteral(value)
            }
        }
        return out
    }

    @Test(arguments: files)
    func savedQuery(_ file: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
        let session = Fixtures.session()
        session.parameters = Self.parameters(text)
        let out = Fixtures.run(text, in: session, format: .csv)
        #expect(!out.hasPrefix("error"), "\(file): \(out.prefix(300))")
        let golden = Self.expected.appendingPathComponent(file.replacingOccurrences(of: ".folio", with: ".csv"))
        if ProcessInfo.processInfo.environment["FOLIO_RECORD"] != nil {
            try out.write(to: golden, atomically: true, encoding: .utf8)
        } else {
            #expect(out == (try? String(contentsOf: golden, encoding: .utf8)), "\(file)")
        }
    }
}
