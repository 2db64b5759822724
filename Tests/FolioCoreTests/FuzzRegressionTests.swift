import Foundation
import Testing
@testable import FolioCore

/// Every input the fuzzers once crashed folio with, run again through the same entry point.
///
/// `Tests/FuzzRegressions/<kind>/` holds one file per finding (kinds: query, sql, csv, jsonl,
/// config, snapshot, xlsx; see Fuzz/README.md); each is fed to the matching
/// ``UntrustedInput`` function. Passing means finishing: a reported error is a correct answer
/// there, and only a crash, a trap or a hang fails (the process dies, or the time limit hits).
@Suite struct FuzzRegressionTests {
    static let directory = Fixtures.root.appendingPathComponent("Tests/FuzzRegressions")

    static let entryPoints: [String: @Sendable ([UInt8]) -> Void] = [
        "query": UntrustedInput.query,
        "sql": UntrustedInput.sql,
        "csv": UntrustedInput.csv,
        "jsonl": UntrustedInput.jsonl,
        "config": UntrustedInput.config,
        "snapshot": UntrustedInput.snapshot,
        "xlsx": UntrustedInput.xlsx,
    ]

    /// `kind/file` for every saved input, in a stable order.
    static var inputs: [String] {
        entryPoints.keys.sorted().flatMap { kind in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(kind).path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(kind)/\($0)" }
        }
    }

    @Test func everyKindHasAnInput() {
        let kinds = Set(Self.inputs.map { String($0.prefix { $0 != "/" }) })
        #expect(kinds == Set(Self.entryPoints.keys))
    }

    @Test(.timeLimit(.minutes(1)), arguments: inputs)
    func savedInputFinishes(_ input: String) throws {
        let kind = String(input.prefix { $0 != "/" })
        let run = try #require(Self.entryPoints[kind])
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(input)))
        run(bytes)
    }
}
