/// A recursive-descent parser, one function per production of `Grammar/folio.ebnf`.
///
/// Statement ends (SPEC §4): `;` always; a line break when the statement is complete and
/// the next line does not start with `|`. Inside brackets, and after an operator or a comma,
/// line breaks are only white space. On a mistake the parser records one diagnostic and
/// skips to the next statement, so one mistake gives one message.
public struct Parser {
    let text: String
    let source: [UInt8]
    let tokens: [Token]
    var index = 0
    /// Open brackets around the current token.
    var depth = 0
    /// How deep the current expression is nested (brackets, `not`, unary minus, arguments).
    var nesting = 0
    /// The deepest an expression may nest. Every pass over an expression (checking,
    /// compiling, evaluating, printing, SQL) recurses once per level, so this bounds their
    /// stacks: see `docs/reliability.md` for the measurement behind the number.
    public static let maxDepth = 256
    public private(set) var diagnostics: [Diagnostic] = []

    public init(_ text: String) {
        self.text = text
        source = Array(text.utf8)
        tokens = Lexer.tokenize(text)
    }

    /// Parses a whole script; statements with mistakes are left out and their diagnostics kept.
    public static func parse(_ text: String) -> (Script, [Diagnostic]) {
        var p = Parser(text)
        let script = p.parseScript()
        return (script, p.diagnostics)
    }

    struct Failure: Error {}

    // MARK: - Tokens

    var current: Token { tokens[index] }

    func text(_ t: Token) -> String { String(decoding: source[t.start..<t.end], as: UTF8.self) }

    func lowered(_ t: Token) -> String { text(t).lowercased() }

    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func isKeyword(_ word: String, _ t: Token? = nil) -> Bool {
        let t = t ?? current
        return t.kind == .identifier && t.end - t.start == word.utf8.count && lowered(t) == word
    }

    func peekToken(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    /// True where a statement may end: `;`, end of input, or a line break outside brackets
    /// before something other than `|`.
    var atStatementEnd: Bool {
        let t = current
        switch t.kind {
        case .semicolon, .end: return true
        case .pipe: return false
        default: return t.newlineBefore && depth == 0
        }
    }

    mutating func fail(_ span: Range<Int>, _ m: (message: String, help: String?)) -> Failure {
        diagnostics.append(Diagnostic(span, m))
        return Failure()
    }

    /// The diagnostic for an unexpected token, with lexical mistakes explained.
    mutating func unexpected(expected: String) -> Failure {
        let t = current
        if case .error(let e) = t.kind { return fail(t.span, Messages.lexical(e, text(t))) }
        if t.kind == .end { return fail(t.span, Messages.unexpectedEnd(expected: expected)) }
        return fail(t.span, Messages.unexpectedToken(text(t), expected: expected))
    }

    mutating func expect(_ kind: TokenKind, _ what: String) throws(Failure) -> Token {
        guard current.kind == kind else { throw unexpected(expected: what) }
        return advance()
    }

    mutating func expectKeyword(_ word: String) throws(Failure) -> Token {
        guard isKeyword(word) else { throw unexpected(expected: "'\(word)'") }
        return advance()
    }

    // MARK: - Statements

    mutating func parseScript() -> Script {
        var statements: [Statement] = []
        while current.kind != .end {
            if current.kind == .semicolon {
                _ = advance()
                continue
            }
            depth = 0
            nesting = 0
            let startIndex = index
            do throws(Failure) {
                statements.append(try parseStatement())
                if !atStatementEnd { throw unexpected(expected: "'|' or the end of the statement") }
            } catch {
                depth = 0
                nesting = 0
                // Always move on: skip the rest of the statement, or at least the token that failed.
                if !atStatementEnd || index == startIndex { skipToStatementEnd() }
            }
        }
        return Script(statements: statements)
    }

    mutating func skipToStatementEnd() {
        depth = 0
        _ = advance()
        while !(current.kind == .end || current.kind == .semicolon || (current.newlineBefore && current.kind != .pipe)) {
            _ = advance()
        }
    }

    mutating func parseStatement() throws(Failure) -> Statement {
        let start = current.start
        if current.newlineBefore, ["and", "or"].contains(where: { isKeyword($0) }) {
            throw fail(current.span, Messages.operatorStartsLine(lowered(current)))
        }
        if current.kind == .pipe { throw fail(current.span, Messages.pipeStartsStatement) }
        if current.kind == .dot, peekToken(1).kind == .identifier, peekToken(1).start == current.end {
            throw fail(current.start..<peekToken(1).end, Messages.dotCommandInQuery(text(peekToken(1))))
        }
        if isKeyword("let"), peekToken(1).kind == .identifier || peekToken(1).kind == .quotedIdentifier {
            _ = advance()
            let name = try parseName()
            _ = try expect(.equal, "'=' after the name")
            let pipeline = try parsePipeline()
            return Statement(kind: .define(name: name, pipeline), span: start..<pipeline.span.upperBound)
        }
        if isKeyword("explain"), peekToken(1).kind == .identifier || peekToken(1).kind == .quotedIdentifier {
            _ = advance()
            var analyze = false
            if isKeyword("analyze"), peekToken(1).kind == .identifier || peekToken(1).kind == .quotedIdentifier {
                _ = advance()
                analyze = true
            }
            let pipeline = try parsePipeline()
            return Statement(kind: .explain(pipeline, analyze: analyze), span: start..<pipeline.span.upperBound)
        }
        let pipeline = try parsePipeline()
        return Statement(kind: .query(pipeline), span: pipeline.span)
    }

    mutating func parseName() throws(Failure) -> Name {
        let t = current
        switch t.kind {
        case .identifier:
            _ = advance()
            return Name(text: text(t), span: t.span)
        case .quotedIdentifier:
            _ = advance()
            return Name(text: String(decoding: source[(t.start + 1)..<(t.end - 1)], as: UTF8.self), span: t.span)
        default:
            throw unexpected(expected: "a name")
        }
    }

    // MARK: - Pipelines and stages

    mutating func parsePipeline() throws(Failure) -> Pipeline {
        let source: Name
        if current.kind == .identifier || current.kind == .quotedIdentifier {
            source = try parseName()
        } else {
            throw unexpected(expected: "a source (an entity such as accounts, or a named query)")
        }
        var stages: [Stage] = []
        var end = source.span.upperBound
        var failed = false
        while current.kind == .pipe {
            _ = advance()
            do throws(Failure) {
                let stage = try parseStage()
                stages.append(stage)
                end = stage.span.upperBound
            } catch {
                // Resume at the next stage, so that independent mistakes in later stages are reported too.
                failed = true
                skipToNextStage()
            }
        }
        if failed { throw Failure() }
        return Pipeline(source: source, stages: stages, span: source.span.lowerBound..<end)
    }

    /// Skips the rest of a stage with a mistake: to the next `|` outside brackets, or the end of the statement.
    mutating func skipToNextStage() {
        depth = 0
        nesting = 0
        var nesting = 0
        while current.kind != .end, current.kind != .semicolon {
            if nesting == 0, current.kind == .pipe { return }
            if nesting == 0, current.newlineBefore { return }
            switch current.kind {
            case .leftParen, .leftBracket: nesting += 1
            case .rightParen, .rightBracket: nesting = max(0, nesting - 1)
            default: break
            }
            _ = advance()
        }
    }

    static let stageNames = ["where", "select", "sort", "limit", "top", "group by", "distinct", "count", "chart"]

    mutating func parseStage() throws(Failure) -> Stage {
        let keyword = current
        guard keyword.kind == .identifier else { throw unexpected(expected: "a stage (\(Parser.stageNames.joined(separator: ", ")))") }
        let start = keyword.start
        var keywordEnd = keyword.end
        let kind: Stage.Kind
        switch lowered(keyword) {
        case "where":
            _ = advance()
            kind = .where(try parseExpression())
        case "select":
            _ = advance()
            kind = .select(try parseSelectItems(allowStar: true))
        case "sort", "order":
            _ = advance()
            if lowered(keyword) == "order" { keywordEnd = try expectKeyword("by").end } else if isKeyword("by") { keywordEnd = advance().end }
            kind = .sort(try parseSortKeys())
        case "limit":
            _ = advance()
            let n = try parseExpression()
            var offset: Expr?
            if isKeyword("offset"), !atStatementEnd {
                _ = advance()
                offset = try parseExpression()
            }
            kind = .limit(n, offset: offset)
        case "top":
            _ = advance()
            let n = try parseExpression()
            _ = try expectKeyword("by")
            let by = try parseExpression()
            var descending = true
            if !atStatementEnd, isKeyword("asc") || isKeyword("desc") { descending = lowered(advance()) == "desc" }
            var per: Expr?
            if !atStatementEnd, isKeyword("per") {
                _ = advance()
                per = try parseExpression()
            }
            kind = .top(n, by: by, descending: descending, per: per)
        case "group":
            _ = advance()
            keywordEnd = try expectKeyword("by").end
            let keys = try parseSelectItems(allowStar: false)
            var aggregates: [SelectItem]?
            if !atStatementEnd, isKeyword("aggregate") {
                _ = advance()
                aggregates = try parseSelectItems(allowStar: false)
            }
            kind = .groupBy(keys, aggregate: aggregates)
        case "distinct":
            _ = advance()
            kind = .distinct(try parseSelectItems(allowStar: false))
        case "count":
            _ = advance()
            kind = .count
        case "chart":
            _ = advance()
            let value = try parseExpression()
            var by: Expr?
            if !atStatementEnd, isKeyword("by") {
                _ = advance()
                by = try parseExpression()
            }
            kind = .chart(value, by: by)
        default:
            let word = text(keyword)
            let suggestion = Suggest.closest(word, among: Parser.stageNames.map { $0.components(separatedBy: " ")[0] })
            throw fail(keyword.span, Messages.unknownStage(word, suggestion: suggestion))
        }
        let end = index > 0 ? tokens[index - 1].end : keyword.end
        return Stage(kind: kind, keywordSpan: start..<keywordEnd, span: start..<max(end, keywordEnd))
    }

    mutating func parseSelectItems(allowStar: Bool) throws(Failure) -> [SelectItem] {
        var items: [SelectItem] = []
        repeat {
            if !items.isEmpty { _ = advance() }  // the comma
            if current.kind == .star {
                let t = advance()
                guard allowStar else { throw fail(t.span, Messages.starNotAllowed) }
                items.append(.star(t.span))
                continue
            }
            let e = try parseExpression()
            var alias: Name?
            if !atStatementEnd, isKeyword("as") {
                _ = advance()
                alias = try parseName()
            }
            items.append(.expr(e, alias: alias))
        } while current.kind == .comma
        return items
    }

    mutating func parseSortKeys() throws(Failure) -> [SortKey] {
        var keys: [SortKey] = []
        repeat {
            if !keys.isEmpty { _ = advance() }
            let e = try parseExpression()
            var descending = false
            var nullsFirst: Bool?
            if !atStatementEnd, isKeyword("asc") || isKeyword("desc") { descending = lowered(advance()) == "desc" }
            if !atStatementEnd, isKeyword("nulls") {
                _ = advance()
                if isKeyword("first") || isKeyword("last") {
                    nullsFirst = lowered(advance()) == "first"
                } else {
                    throw unexpected(expected: "'first' or 'last' after 'nulls'")
                }
            }
            keys.append(SortKey(expr: e, descending: descending, nullsFirst: nullsFirst))
        } while current.kind == .comma
        return keys
    }
}
