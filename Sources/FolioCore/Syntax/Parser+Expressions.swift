/// Expressions, loosest first: `or`; `and`; `not`; comparisons; `+ -`; `* /`; unary `-`;
/// postfix `.field`, `[filter]`, calls.
extension Parser {
    mutating func parseExpression() throws(Failure) -> Expr {
        let e = try parseOr()
        // The outermost expression: its tree may be deeper than the brackets around its
        // parts (a path of many steps), so its depth is measured once, without recursion.
        if nesting == 0, let (depth, span) = ExprDepth.exceeding(Parser.maxDepth, e) {
            _ = depth
            throw fail(span, Messages.nestedTooDeeply(Parser.maxDepth))
        }
        return e
    }

    mutating func parseOr() throws(Failure) -> Expr {
        let first = try parseAnd()
        var terms = [first]
        while !atStatementEnd, isKeyword("or") {
            _ = advance()
            terms.append(try parseAnd())
        }
        if terms.count == 1 { return first }
        return Expr(kind: .or(terms), span: first.span.lowerBound..<terms[terms.count - 1].span.upperBound)
    }

    mutating func parseAnd() throws(Failure) -> Expr {
        let first = try parseNot()
        var terms = [first]
        while !atStatementEnd, isKeyword("and") {
            _ = advance()
            terms.append(try parseNot())
        }
        if terms.count == 1 { return first }
        return Expr(kind: .and(terms), span: first.span.lowerBound..<terms[terms.count - 1].span.upperBound)
    }

    mutating func parseNot() throws(Failure) -> Expr {
        if isKeyword("not") {
            let t = advance()
            try enter(t)
            let operand = try parseNot()
            nesting -= 1
            return Expr(kind: .not(operand), span: t.start..<operand.span.upperBound)
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(Failure) -> Expr {
        let left = try parseAdditive()
        if atStatementEnd { return left }
        let start = left.span.lowerBound
        if let op = comparisonOperator(current.kind) {
            _ = advance()
            let right = try parseAdditive()
            return Expr(kind: .binary(op, left, right), span: start..<right.span.upperBound)
        }
        var negated = false
        if isKeyword("not"), ["in", "like", "between", "has"].contains(where: { isKeyword($0, peekToken(1)) }) {
            _ = advance()
            negated = true
        }
        if isKeyword("in") {
            _ = advance()
            if current.kind == .leftParen {
                let (items, end) = try parseParenthesizedList()
                return Expr(kind: .inList(left, items, negated: negated), span: start..<end)
            }
            let range = try parseAdditive()
            return Expr(kind: .inRange(left, range, negated: negated), span: start..<range.span.upperBound)
        }
        if isKeyword("like") {
            _ = advance()
            let pattern = try parseAdditive()
            return Expr(kind: .like(left, pattern, negated: negated), span: start..<pattern.span.upperBound)
        }
        if isKeyword("between") {
            _ = advance()
            let low = try parseAdditive()
            _ = try expectKeyword("and")
            let high = try parseAdditive()
            return Expr(kind: .between(left, low, high, negated: negated), span: start..<high.span.upperBound)
        }
        if isKeyword("has") {
            _ = advance()
            var mode = HasMode.one
            if (isKeyword("any") || isKeyword("all")), peekToken(1).kind == .leftParen {
                mode = lowered(advance()) == "any" ? .any : .all
                let (items, end) = try parseParenthesizedList()
                return Expr(kind: .has(left, mode, items, negated: negated), span: start..<end)
            }
            let item = try parseAdditive()
            return Expr(kind: .has(left, mode, [item], negated: negated), span: start..<item.span.upperBound)
        }
        if !negated, isKeyword("is") {
            _ = advance()
            var isNot = false
            if isKeyword("not") {
                _ = advance()
                isNot = true
            }
            let null = try expectKeyword("null")
            return Expr(kind: .isNull(left, negated: isNot), span: start..<null.end)
        }
        if negated { throw unexpected(expected: "'in', 'like', 'between' or 'has' after 'not'") }
        return left
    }

    func comparisonOperator(_ k: TokenKind) -> BinaryOperator? {
        switch k {
        case .equal, .equalEqual: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    mutating func parseParenthesizedList() throws(Failure) -> ([Expr], Int) {
        try enter(try expect(.leftParen, "'('"))
        depth += 1
        var items: [Expr] = []
        if current.kind != .rightParen {
            repeat {
                if !items.isEmpty { _ = advance() }
                items.append(try parseExpression())
            } while current.kind == .comma
        }
        let close = try expect(.rightParen, "',' or ')'")
        depth -= 1
        nesting -= 1
        return (items, close.end)
    }

    mutating func parseAdditive() throws(Failure) -> Expr {
        let first = try parseMultiplicative()
        var steps: [ArithmeticStep] = []
        while !atStatementEnd, current.kind == .plus || current.kind == .minus {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            steps.append(ArithmeticStep(op: op, operand: try parseMultiplicative()))
        }
        return Self.chain(first, steps)
    }

    mutating func parseMultiplicative() throws(Failure) -> Expr {
        let first = try parseUnary()
        var steps: [ArithmeticStep] = []
        while !atStatementEnd, current.kind == .star || current.kind == .slash {
            let op: BinaryOperator = advance().kind == .star ? .multiply : .divide
            steps.append(ArithmeticStep(op: op, operand: try parseUnary()))
        }
        return Self.chain(first, steps)
    }

    static func chain(_ first: Expr, _ steps: [ArithmeticStep]) -> Expr {
        guard let last = steps.last else { return first }
        return Expr(kind: .arithmetic(first, steps), span: first.span.lowerBound..<last.operand.span.upperBound)
    }

    mutating func parseUnary() throws(Failure) -> Expr {
        if current.kind == .minus {
            let t = advance()
            try enter(t)
            let operand = try parseUnary()
            nesting -= 1
            return Expr(kind: .negate(operand), span: t.start..<operand.span.upperBound)
        }
        return try parsePostfix()
    }

    /// One level deeper into an expression (brackets, `not`, unary minus, arguments):
    /// refused past ``Parser/maxDepth``, before the parser's own recursion is at risk.
    mutating func enter(_ t: Token) throws(Failure) {
        nesting += 1
        if nesting > Parser.maxDepth { throw fail(t.span, Messages.nestedTooDeeply(Parser.maxDepth)) }
    }

    mutating func parsePostfix() throws(Failure) -> Expr {
        var e = try parsePrimary()
        while true {
            // A postfix operator continues the expression even on the next line only inside brackets.
            if current.kind == .dot, !(current.newlineBefore && depth == 0) {
                _ = advance()
                let name = try parseName()
                e = Expr(kind: .member(e, name), span: e.span.lowerBound..<name.span.upperBound)
            } else if current.kind == .leftBracket, !(current.newlineBefore && depth == 0) {
                try enter(advance())
                depth += 1
                let condition = try parseExpression()
                let close = try expect(.rightBracket, "']' to close the filter")
                depth -= 1
                nesting -= 1
                e = Expr(kind: .filter(e, condition), span: e.span.lowerBound..<close.end)
            } else {
                return e
            }
        }
    }

    mutating func parsePrimary() throws(Failure) -> Expr {
        let t = current
        switch t.kind {
        case .number:
            _ = advance()
            let literal = try numberLiteral(t)
            // A duration: a whole number and a unit (`90 days`).
            if !atStatementEnd, current.kind == .identifier, let unit = PeriodUnit(word: lowered(current)) {
                guard case .int(let n) = literal, let count = Int(exactly: n) else {
                    throw fail(t.span, Messages.fractionalDuration)
                }
                let u = advance()
                return Expr(kind: .duration(Duration(count: count, unit: unit)), span: t.start..<u.end)
            }
            return Expr(kind: .literal(literal), span: t.span)
        case .string:
            _ = advance()
            return Expr(kind: .literal(.string(unescape(t))), span: t.span)
        case .date:
            _ = advance()
            guard let day = Day.parse(text(t)) else { throw fail(t.span, Messages.invalidDate(text(t))) }
            return Expr(kind: .literal(.date(day)), span: t.span)
        case .parameter:
            _ = advance()
            return Expr(kind: .parameter(String(text(t).dropFirst())), span: t.span)
        case .leftParen:
            try enter(advance())
            depth += 1
            let inner = try parseExpression()
            let close = try expect(.rightParen, "')'")
            depth -= 1
            nesting -= 1
            return Expr(kind: inner.kind, span: t.start..<close.end)
        case .quotedIdentifier:
            let name = try parseName()
            return Expr(kind: .name(name.text), span: name.span)
        case .identifier:
            let word = lowered(t)
            switch word {
            case "true", "false":
                _ = advance()
                return Expr(kind: .literal(.bool(word == "true")), span: t.span)
            case "null":
                _ = advance()
                return Expr(kind: .literal(.null), span: t.span)
            case "today":
                _ = advance()
                return Expr(kind: .today, span: t.span)
            case "this", "last", "next":
                if let range = try parseDateRange() { return range }
            default:
                break
            }
            if peekToken(1).kind == .leftParen, !peekToken(1).newlineBefore || depth > 0 {
                let name = try parseName()
                if AnalyticFunction(rawValue: name.text.lowercased()) != nil { return try parseAnalytic(name) }
                let (args, end) = try parseParenthesizedList()
                return Expr(kind: .call(name, args), span: t.start..<end)
            }
            let name = try parseName()
            return Expr(kind: .name(name.text), span: name.span)
        default:
            throw unexpected(expected: "an expression")
        }
    }

    /// `rank(EXPR [asc|desc] [per EXPR])` and the other analytic functions: an optional
    /// argument, its direction and the key that restarts the function.
    mutating func parseAnalytic(_ name: Name) throws(Failure) -> Expr {
        try enter(try expect(.leftParen, "'('"))
        depth += 1
        var argument: Expr?
        var descending = false
        var per: Expr?
        if current.kind != .rightParen, !isKeyword("per") { argument = try parseExpression() }
        if isKeyword("asc") || isKeyword("desc") { descending = lowered(advance()) == "desc" }
        if isKeyword("per") {
            _ = advance()
            per = try parseExpression()
        }
        let close = try expect(.rightParen, "')' (or 'desc', 'per KEY')")
        depth -= 1
        nesting -= 1
        return Expr(kind: .analytic(name, argument, descending: descending, per: per), span: name.span.lowerBound..<close.end)
    }

    /// `this|last|next week|month|quarter|year|fiscal quarter|fiscal year`, `last|next N units`.
    /// Returns nil (consuming nothing) when the words do not form a range, so that a field
    /// named `last` still works.
    mutating func parseDateRange() throws(Failure) -> Expr? {
        let t = current
        guard let relation = DateRange.Relation(rawValue: lowered(t)) else { return nil }
        let next = peekToken(1)
        if next.kind == .identifier, !next.newlineBefore || depth > 0 {
            var fiscal = false
            var unitToken = next
            if lowered(next) == "fiscal" {
                fiscal = true
                unitToken = peekToken(2)
            }
            if unitToken.kind == .identifier, let unit = PeriodUnit(word: lowered(unitToken)), unit != .day,
               unit.rawValue == lowered(unitToken) {
                if fiscal, unit != .quarter, unit != .year { throw fail(unitToken.span, Messages.fiscalUnit) }
                _ = advance()
                if fiscal { _ = advance() }
                let u = advance()
                return Expr(kind: .range(DateRange(relation: relation, count: nil, unit: unit, fiscal: fiscal)), span: t.start..<u.end)
            }
            return nil
        }
        if next.kind == .number, relation != .this {
            _ = advance()
            let n = advance()
            guard case .int(let count) = try numberLiteral(n), count >= 0, let c = Int(exactly: count) else {
                throw fail(n.span, Messages.rangeCount)
            }
            guard current.kind == .identifier, let unit = PeriodUnit(word: lowered(current)) else {
                throw unexpected(expected: "a unit (days, weeks, months, quarters or years)")
            }
            let u = advance()
            return Expr(kind: .range(DateRange(relation: relation, count: c, unit: unit, fiscal: false)), span: t.start..<u.end)
        }
        return nil
    }

    /// `42`, `3.5`, `1_000_000`, `250k`, `1.2M`.
    mutating func numberLiteral(_ t: Token) throws(Failure) -> Literal {
        guard let literal = Self.numberValue(text(t)) else { throw fail(t.span, Messages.numberTooLarge) }
        return literal
    }

    /// The value of a number's text, exactly: the digits are read as a decimal and the scale
    /// suffix moves its point (`8.2m` is 8,200,000 and `1.005k` is 1,005, never
    /// 8199999.999…). A whole result is an int; anything else a decimal, rounded once.
    /// Nil when it is too large.
    public static func numberValue(_ text: String) -> Literal? {
        var s = Substring(text.replacingOccurrences(of: "_", with: ""))
        var exponent = 0
        switch s.last {
        case "k", "K": exponent = 3
        case "m", "M": exponent = 6
        case "b", "B": exponent = 9
        default: break
        }
        if exponent > 0 { s.removeLast() }
        var whole = s, fraction: Substring = ""
        if let dot = s.firstIndex(of: ".") {
            whole = s[..<dot]
            fraction = s[s.index(after: dot)...]
        }
        guard !whole.isEmpty || !fraction.isEmpty, (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // A fraction with no scale stays a decimal (`2.0` is a decimal, as written).
        if !fraction.isEmpty, exponent == 0 {
            guard let d = Double(s), d.isFinite else { return nil }
            return .decimal(d)
        }
        var digits = String(whole + fraction)
        let shift = exponent - fraction.count
        if shift >= 0 {
            digits += String(repeating: "0", count: shift)
            if let v = Int64(digits) { return .int(v) }
            guard let d = Double(digits), d.isFinite else { return nil }
            return .decimal(d)
        }
        // The point falls inside the digits: `1.2345k` is 1234.5.
        let point = digits.index(digits.endIndex, offsetBy: shift)
        digits.insert(".", at: point)
        guard let d = Double(digits), d.isFinite else { return nil }
        if d == d.rounded(), Swift.abs(d) < 9.0e18 { return .int(Int64(d)) }
        return .decimal(d)
    }

    func unescape(_ t: Token) -> String {
        var out: [UInt8] = []
        var i = t.start + 1
        while i < t.end - 1 {
            let c = source[i]
            if c == UInt8(ascii: "\\"), i + 1 < t.end - 1 {
                i += 1
                switch source[i] {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                default: out.append(source[i])
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
