/// The SQL of a session's queries (SPEC §8): `folio sql`, the REPL's `.sql`, and what an
/// engine runs.
extension Session {
    /// One query as SQL, or the rendered reasons it is not.
    public enum SQLOutcome {
        /// The SQL of a query, and the query's text.
        case sql(SQLCompiler.Output, query: String)
        case error(String, query: String)
    }

    /// Every query of `text` compiled for `dialect`, each to its SQL or its error (a query's
    /// mistake does not stop the ones after it; a failing `let` does, as later queries may
    /// use it); `let` statements define named queries as they do when run. With `placeholders`, parameters are the dialect's placeholders
    /// (their values in the output) instead of literals.
    public func sql(_ text: String, dialect: SQLDialectName, placeholders: Bool = false, origin: String = "query") -> [SQLOutcome] {
        DeepStack.run { sqlHere(text, dialect: dialect, placeholders: placeholders, origin: origin) }
    }

    private func sqlHere(_ text: String, dialect: SQLDialectName, placeholders: Bool, origin: String) -> [SQLOutcome] {
        let (script, syntaxErrors) = Parser.parse(text)
        if !syntaxErrors.isEmpty {
            return syntaxErrors.map { .error(DiagnosticRenderer.render($0, source: text, origin: origin), query: text) }
        }
        var outcomes: [SQLOutcome] = []
        for statement in script.statements {
            do throws(Diagnostic) {
                switch statement.kind {
                case .query(let pipeline), .explain(let pipeline, _):
                    let query = statementText(statement, in: text)
                    do throws(Diagnostic) {
                        outcomes.append(.sql(try compileSQL(pipeline, dialect: dialect, placeholders: placeholders), query: query))
                    } catch {
                        outcomes.append(.error(DiagnosticRenderer.render(error, source: text, origin: origin), query: query))
                    }
                case .define(let name, let pipeline):
                    try define(name, pipeline, statement, in: text)
                }
            } catch {
                outcomes.append(.error(DiagnosticRenderer.render(error, source: text, origin: origin), query: statementText(statement, in: text)))
                return outcomes
            }
        }
        return outcomes
    }

    /// A parsed query checked and compiled for `dialect`.
    public func compileSQL(_ pipeline: Pipeline, dialect: SQLDialectName, placeholders: Bool) throws(Diagnostic) -> SQLCompiler.Output {
        let checked = try Checker(checkContext).check(pipeline)
        var compiler = SQLCompiler(store: store, dialect: dialect.dialect, today: today, fiscalYearStart: fiscalYearStart)
        compiler.placeholders = placeholders
        return try compiler.compile(checked)
    }
}
