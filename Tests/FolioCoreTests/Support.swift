import Foundation
@testable import FolioCore

/// Paths and shared fixtures for the tests.
enum Fixtures {
    /// The package root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let samplePortfolio = root.appendingPathComponent("Samples/portfolio").path

    /// `Samples/portfolio`, loaded once.
    static let sampleStore: Store = {
        do {
            return try Loader.load(.directory(samplePortfolio)).0
        } catch {
            fatalError("Samples/portfolio does not load: \(error)")
        }
    }()

    /// A fresh session on the sample portfolio with its `as_of` as today.
    static func session() -> Session {
        Session(store: sampleStore, today: sampleStore.asOf ?? 0)
    }

    /// Runs text and renders every outcome as the golden files show it: tables without timings, errors as rendered.
    static func run(_ text: String, in session: Session, format: OutputFormat = .table) -> String {
        session.run(text).map { outcome -> String in
            switch outcome {
            case .result(let frame, _): return Renderer.render(frame, RenderOptions(format: format))
            case .defined(let name, _): return "defined \(name)\n"
            case .interrupted: return "interrupted\n"
            case .lost(let message): return message
            case .error(let message), .warning(let message): return message
            }
        }.joined()
    }
}
