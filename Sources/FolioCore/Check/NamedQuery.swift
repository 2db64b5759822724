import Foundation

/// A named query (`let at_risk = accounts | where health < 50`): its own stages on top of an
/// entity or of the named query it was built on.
///
/// Named queries are kept as a chain, not expanded: `let q2 = q1 | where …` stores its one
/// stage and a reference to `q1` as it was then (a later `let q1 = …` does not change `q2`).
/// So a script of thousands of definitions, each built on the last, takes memory and time in
/// proportion to its length, not to its square. Each link remembers its stages checked under
/// the session state they were checked in (``Checker/Context/version``); a definition
/// checks only its own stages, and a change of `today` or a parameter checks the chain again
/// when it is next used.
public final class NamedQuery: @unchecked Sendable {
    public let name: String
    /// The pipeline as written; its source names `base`, or an entity.
    public let pipeline: Pipeline
    /// The named query this one was built on, as it was when this one was defined.
    public let base: NamedQuery?
    /// The statement that defined it (for `.queries`, `.save` and messages about it), and
    /// where that statement began in the text it came from (spans are offsets into that text).
    public let text: String
    let textOffset: Int

    public init(name: String, pipeline: Pipeline, base: NamedQuery?, text: String, textOffset: Int) {
        self.name = name
        self.pipeline = pipeline
        self.base = base
        self.text = text
        self.textOffset = textOffset
    }

    /// The entity at the bottom of the chain, and every stage from there up to this one, as
    /// one pipeline (walked without recursion).
    public var expanded: Pipeline {
        var chunks: [[Stage]] = []
        var node: NamedQuery? = self
        var root = pipeline.source
        while let n = node {
            chunks.append(n.pipeline.stages)
            root = n.pipeline.source
            node = n.base
        }
        return Pipeline(source: root, stages: chunks.reversed().flatMap { $0 }, span: pipeline.span)
    }

    // MARK: - Checked stages

    /// This link's own stages as checked, the table at the bottom of the chain and the row
    /// type after them, for one version of the session's state.
    struct Checked {
        var version: Int
        var table: Int
        var stages: [CheckedStage]
        var scope: Checker.Scope
        var warnings: [Diagnostic]
    }

    private let lock = NSLock()
    private var checkedState: Checked?

    func checked(for version: Int) -> Checked? {
        lock.lock()
        defer { lock.unlock() }
        guard let c = checkedState, c.version == version else { return nil }
        return c
    }

    func remember(_ c: Checked) {
        lock.lock()
        checkedState = c
        lock.unlock()
    }

    /// A mistake in this query's own stages, located in the statement that defined it.
    func locate(_ d: Diagnostic) -> Diagnostic {
        var located = d
        if located.source == nil {
            located.span = (d.span.lowerBound - textOffset)..<(d.span.upperBound - textOffset)
            located.source = DiagnosticSource(origin: "let \(name)", text: text)
        }
        return located
    }
}
