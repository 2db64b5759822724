import Foundation

/// A folio session: the loaded store, `today`, parameters and named queries, and the loop
/// that takes script text through parse → check → execute.
///
/// ```
/// let session = Session(store: store, today: Day.parse("2026-06-15") ?? 0)
/// for outcome in session.run("accounts | where health < 50 | count") { … }
/// ```
public final class Session {
    public let store: Store
    public var today: Int32 { didSet { version = Checker.newVersion() } }
    public var fiscalYearStart: Int { didSet { version = Checker.newVersion() } }
    public var parameters: [String: Literal] = [:] { didSet { version = Checker.newVersion() } }
    /// Named queries (`let`), and `_`, the last result, by their name in lower case.
    public private(set) var namedQueries: [String: NamedQuery] = [:]
    /// The SQL engine queries run on (`folio --engine`); nil runs them in memory.
    public var engine: (any QueryEngine)?
    /// Identifies the session's state (today, fiscal year, parameters) for the checker's
    /// memory of named queries.
    public private(set) var version = Checker.newVersion()

    /// Source text of each named query (not `_`), for `.queries` and `.save`.
    public var namedQueryText: [String: String] {
        var texts: [String: String] = [:]
        for (key, q) in namedQueries where key != Session.lastResultName { texts[q.name] = q.text }
        return texts
    }

    public init(store: Store, today: Int32, fiscalYearStart: Int? = nil) {
        self.store = store
        self.today = today
        self.fiscalYearStart = fiscalYearStart ?? store.fiscalYearStart
    }

    /// A session on another store with this one's parameters and named queries (the REPL's
    /// `.load`); `today` becomes the new data's `as_of` when it has one. Named queries are
    /// checked again when they are used.
    public func reopened(on store: Store) -> Session {
        let next = Session(store: store, today: store.asOf ?? today)
        next.parameters = parameters
        next.namedQueries = namedQueries.filter { $0.key != Session.lastResultName }
        return next
    }

    public enum Outcome {
        case result(Frame, milliseconds: Double)
        case defined(String, milliseconds: Double)
        /// A rendered error (diagnostic with source line and caret).
        case error(String)
        /// A rendered warning: the statement ran, but probably not as meant.
        case warning(String)
        /// The statement was stopped by its ``Cancellation`` (Ctrl-C); later ones did not run.
        case interrupted
        /// The engine's connection was lost (a rendered error); later statements did not run.
        case lost(String)

        var isResult: Bool { if case .result = self { true } else { false } }
    }

    /// The pipeline behind the last result, as the source `_` (refining what was just
    /// seen re-runs it with the new stages; the store never changes, so the rows are the
    /// same unless `today` or a parameter changed in between).
    public static let lastResultName = "_"

    /// What the checker knows in this session: the store, `today`, parameters, named queries.
    public var checkContext: Checker.Context {
        Checker.Context(store: store, today: today, fiscalYearStart: fiscalYearStart, parameters: parameters, namedQueries: namedQueries, version: version)
    }

    /// Runs every statement of `text`. Syntax errors anywhere stop the whole text before it
    /// runs (all of them are reported); otherwise statements run in order until one fails.
    /// With `explainQueries`, each query's plan comes before its result (the REPL's `.explain on`).
    public func run(_ text: String, origin: String = "query", cancellation: Cancellation = .never, explainQueries: Bool = false,
                    shape: Executor.Shape = .all) -> [Outcome] {
        var outcomes: [Outcome] = []
        run(text, origin: origin, cancellation: cancellation, explainQueries: explainQueries, shape: shape) { outcomes.append($0) }
        return outcomes
    }

    /// Runs every statement of `text` as ``run(_:origin:cancellation:explainQueries:shape:)``
    /// does, handing each outcome to `deliver` as soon as it is known — so that what one
    /// statement streams (``Executor/Shape/chunks(_:_:)``) comes after what the statements
    /// before it said. `shape` is how much of each in-memory query's rows the caller shows.
    public func run(_ text: String, origin: String = "query", cancellation: Cancellation = .never, explainQueries: Bool = false,
                    shape: Executor.Shape = .all, deliver: (Outcome) -> Void) {
        // Parsing, checking and compiling recurse once per level of a query's nesting.
        DeepStack.run { runHere(text, origin: origin, cancellation: cancellation, explainQueries: explainQueries, shape: shape, deliver: deliver) }
    }

    /// The last result again, every row (the REPL's `.last` after a table that left rows out):
    /// `_` run as it stands, without becoming a new `_`.
    public func rerunLast(cancellation: Cancellation = .never) -> Outcome? {
        guard namedQueries[Session.lastResultName] != nil else { return nil }
        var outcome: Outcome?
        let kept = namedQueries[Session.lastResultName]
        run(Session.lastResultName, cancellation: cancellation) { if outcome == nil || $0.isResult { outcome = $0 } }
        namedQueries[Session.lastResultName] = kept
        return outcome
    }

    private func runHere(_ text: String, origin: String, cancellation given: Cancellation, explainQueries: Bool,
                         shape: Executor.Shape, deliver: (Outcome) -> Void) {
        // Queries stop at --max-memory as they stop at Ctrl-C (MemoryLimit).
        if MemoryLimit.exceeded { MemoryLimit.clear() }  // a flag of a query before, if now under
        let cancellation = MemoryLimit.bytes == 0 ? given : Cancellation { MemoryLimit.exceeded || given.isCancelled }
        let (script, syntaxErrors) = Parser.parse(text)
        if !syntaxErrors.isEmpty {
            for e in syntaxErrors { deliver(.error(DiagnosticRenderer.render(e, source: text, origin: origin))) }
            return
        }
        for statement in script.statements {
            let started = DispatchTime.now().uptimeNanoseconds
            func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 }
            do throws(Diagnostic) {
                switch statement.kind {
                case .query(let pipeline):
                    let (result, mistakes) = Checker(checkContext).checkAll(pipeline)
                    guard let checked = result else {
                        // Every independent mistake of the statement, in order.
                        for d in mistakes.dropLast() { deliver(.error(DiagnosticRenderer.render(d, source: text, origin: origin))) }
                        throw mistakes.last ?? Diagnostic(pipeline.span, "the query could not be checked")
                    }
                    for w in checked.warnings { deliver(.warning(DiagnosticRenderer.render(w, source: text, origin: origin, severity: "warning"))) }
                    let frame: Frame
                    if let engine {
                        if explainQueries {
                            switch try explainOnEngine(engine, checked, pipeline, analyze: false, cancellation: cancellation) {
                            case .success(let plan): deliver(.result(plan, milliseconds: elapsed()))
                            case .failure(let failure): deliver(try engineFailure(failure, engine)); return
                            }
                        }
                        switch try runOnEngine(engine, checked, pipeline, cancellation: cancellation) {
                        case .success(let f): frame = f
                        case .failure(let failure): deliver(try engineFailure(failure, engine)); return
                        }
                    } else {
                        if explainQueries { deliver(.result(plan(pipeline, checked), milliseconds: elapsed())) }
                        do {
                            var executor = Executor(store: store, today: today, fiscalYearStart: fiscalYearStart, cancellation: cancellation)
                            executor.shape = shape
                            frame = try executor.run(checked)
                        } catch {
                            deliver(Self.stopped()); return
                        }
                    }
                    namedQueries[Session.lastResultName] = NamedQuery(name: Session.lastResultName, pipeline: pipeline,
                                                                     base: Checker(checkContext).namedQuery(pipeline.source),
                                                                     text: statementText(statement, in: text), textOffset: statement.span.lowerBound)
                    deliver(.result(frame, milliseconds: elapsed()))
                case .define(let name, let pipeline):
                    try define(name, pipeline, statement, in: text)
                    deliver(.defined(name.text, milliseconds: elapsed()))
                case .explain(let pipeline, let analyze):
                    let checked = try Checker(checkContext).check(pipeline)
                    if let engine {
                        switch try explainOnEngine(engine, checked, pipeline, analyze: analyze, cancellation: cancellation) {
                        case .success(let plan): deliver(.result(plan, milliseconds: elapsed()))
                        case .failure(let failure): deliver(try engineFailure(failure, engine)); return
                        }
                        continue
                    }
                    var trace: [Executor.StageTrace]? = analyze ? [] : nil
                    if analyze {
                        // Runs the query (its result is not shown), timing each stage.
                        do {
                            _ = try Executor(store: store, today: today, fiscalYearStart: fiscalYearStart, cancellation: cancellation).run(checked, trace: &trace)
                        } catch {
                            deliver(Self.stopped()); return
                        }
                    }
                    deliver(.result(plan(pipeline, checked, trace: trace), milliseconds: elapsed()))
                }
            } catch {
                deliver(.error(DiagnosticRenderer.render(error, source: text, origin: origin)))
                return
            }
        }
    }

    /// A query stopped before its end: by Ctrl-C, or by the memory limit (an error; the
    /// memory it held is given back first).
    static func stopped() -> Outcome {
        guard MemoryLimit.exceeded else { return .interrupted }
        MemoryLimit.clear()
        return .error(MemoryLimit.stoppedMessage)
    }

    /// What a statement that failed on the engine comes to: interrupted, a lost connection,
    /// or (thrown) the engine's error at the query.
    private func engineFailure(_ failure: EngineOutcome, _ engine: any QueryEngine) throws(Diagnostic) -> Outcome {
        switch failure.error.kind {
        case .cancelled: return .interrupted
        case .lost: return .lost("error: \(failure.error.message)\n")
        case .server: throw Diagnostic(failure.span, ("\(engine.dialect.displayName) could not run the query: \(failure.error.message)", nil))
        }
    }

    /// `let name = pipeline`: checked, then kept under its name in lower case.
    func define(_ name: Name, _ pipeline: Pipeline, _ statement: Statement, in text: String) throws(Diagnostic) {
        if store.table(name.text) != nil { throw Diagnostic(name.span, Messages.shadowedEntity(name.text)) }
        let named = try checkedDefinition(name, pipeline, statement, in: text)
        // The checker (and its copy of the named queries) is gone: this adds in place,
        // instead of copying every named query (a script of definitions would be quadratic).
        namedQueries[name.text.lowercased()] = named
    }

    private func checkedDefinition(_ name: Name, _ pipeline: Pipeline, _ statement: Statement, in text: String) throws(Diagnostic) -> NamedQuery {
        let checker = Checker(checkContext)
        let named = NamedQuery(name: name.text, pipeline: pipeline, base: checker.namedQuery(pipeline.source),
                               text: statementText(statement, in: text), textOffset: statement.span.lowerBound)
        do throws(Diagnostic) { try checker.checkDefinition(named) } catch {
            // Its own mistakes point into this statement, as any query's do.
            var d = error
            if d.source?.origin == "let \(name.text)" {
                d.source = nil
                d.span = (d.span.lowerBound + named.textOffset)..<(d.span.upperBound + named.textOffset)
            }
            throw d
        }
        return named
    }

    /// The text of one statement of a script.
    func statementText(_ statement: Statement, in text: String) -> String {
        // Only the statement is kept: the script around it may be large.
        let utf8 = text.utf8
        let lo = utf8.index(utf8.startIndex, offsetBy: min(statement.span.lowerBound, utf8.count))
        let hi = utf8.index(utf8.startIndex, offsetBy: min(statement.span.upperBound, utf8.count))
        return String(text[lo..<hi])
    }

    func plan(_ pipeline: Pipeline, _ checked: CheckedPipeline, trace: [Executor.StageTrace]? = nil) -> Frame {
        let expanded = Checker(checkContext).expand(pipeline)
        return LogicalPlan.explain(pipeline, expanded: expanded, checked, store: store, today: today, fiscalYearStart: fiscalYearStart, trace: trace)
    }

    /// Reads a `--param` value as a literal: a number (with k/m/b), a date, true/false, else a string.
    public static func parameterLiteral(_ text: String) -> Literal {
        let tokens = Lexer.tokenize(text)
        if tokens.count == 2 {
            let t = tokens[0]
            var p = Parser(text)
            switch t.kind {
            case .number:
                if let l = try? p.numberLiteral(t) { return l }
            case .date:
                if let d = Day.parse(text.trimmingCharacters(in: .whitespaces)) { return .date(d) }
            case .identifier:
                let w = text.trimmingCharacters(in: .whitespaces).lowercased()
                if w == "true" || w == "false" { return .bool(w == "true") }
            default:
                break
            }
        }
        if tokens.count == 3, tokens[0].kind == .minus, tokens[1].kind == .number {
            var p = Parser(text)
            if let l = try? p.numberLiteral(tokens[1]) {
                switch l {
                case .int(let v): return .int(-v)
                case .decimal(let d): return .decimal(-d)
                default: break
                }
            }
        }
        return .string(text)
    }
}
