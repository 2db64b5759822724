/// The canonical text of an expression: the default name of a result column (SPEC §4,
/// "Column names"). Identifiers lower-cased, single spaces around binary operators.
extension Expr {
    public var canonicalText: String {
        switch kind {
        case .name(let n): return Expr.nameText(n)
        case .member(let base, let name): return base.canonicalText + "." + Expr.nameText(name.text)
        case .filter(let base, let cond): return base.canonicalText + "[" + cond.canonicalText + "]"
        case .call(let name, let args): return name.text.lowercased() + "(" + args.map(\.canonicalText).joined(separator: ", ") + ")"
        case .analytic(let name, let argument, let descending, let per):
            var inside = argument?.canonicalText ?? ""
            if descending { inside += " desc" }
            if let per { inside += (inside.isEmpty ? "per " : " per ") + per.canonicalText }
            return name.text.lowercased() + "(" + inside + ")"
        case .literal(let l): return l.text
        case .duration(let d): return "\(d.count) \(d.unit.rawValue)\(d.count == 1 ? "" : "s")"
        case .today: return "today"
        case .range(let r):
            if let c = r.count { return "\(r.relation.rawValue) \(c) \(r.unit.rawValue)s" }
            return "\(r.relation.rawValue) \(r.fiscal ? "fiscal " : "")\(r.unit.rawValue)"
        case .parameter(let p): return "$" + p
        case .negate(let e):
            // `-(-nps)`, never `--nps`, which would read as a comment.
            if case .negate = e.kind { return "-(" + e.canonicalText + ")" }
            return "-" + e.operandText(above: 7, right: false)
        case .not(let e): return "not " + e.operandText(above: 3, right: false)
        case .binary(let op, let l, let r):
            let p = op.precedence
            return l.operandText(above: p, right: false) + " " + op.rawValue + " " + r.operandText(above: p, right: true)
        case .and(let terms), .or(let terms):
            let p = precedence, word = p == 2 ? " and " : " or "
            return terms.enumerated().map { i, t in t.operandText(above: p, right: i > 0) }.joined(separator: word)
        case .arithmetic(let first, let steps):
            let p = precedence
            var text = first.operandText(above: p, right: false)
            for step in steps { text += " " + step.op.rawValue + " " + step.operand.operandText(above: p, right: true) }
            return text
        case .inList(let e, let items, let negated):
            return e.canonicalText + (negated ? " not in (" : " in (") + items.map(\.canonicalText).joined(separator: ", ") + ")"
        case .inRange(let e, let r, let negated): return e.canonicalText + (negated ? " not in " : " in ") + r.canonicalText
        case .like(let e, let p, let negated): return e.canonicalText + (negated ? " not like " : " like ") + p.canonicalText
        case .between(let e, let lo, let hi, let negated):
            return e.canonicalText + (negated ? " not between " : " between ") + lo.canonicalText + " and " + hi.canonicalText
        case .isNull(let e, let negated): return e.canonicalText + (negated ? " is not null" : " is null")
        case .has(let e, let mode, let items, let negated):
            let word = negated ? " not has" : " has"
            switch mode {
            case .one: return e.canonicalText + word + " " + (items.first?.canonicalText ?? "")
            case .any: return e.canonicalText + word + " any (" + items.map(\.canonicalText).joined(separator: ", ") + ")"
            case .all: return e.canonicalText + word + " all (" + items.map(\.canonicalText).joined(separator: ", ") + ")"
            }
        }
    }

    /// Binding strength, loosest first: or 1, and 2, not 3, comparisons 4, + - 5, * / 6, unary - 7, the rest 8.
    var precedence: Int {
        switch kind {
        case .binary(let op, _, _): op.precedence
        case .or: 1
        case .and: 2
        case .arithmetic(_, let steps): steps.first?.op.precedence ?? 8
        case .not: 3
        case .inList, .inRange, .like, .between, .isNull, .has: 4
        case .negate: 7
        default: 8
        }
    }

    /// This expression's text as an operand of an operator of precedence `parent`, in
    /// parentheses when it would otherwise read differently: `(2 + 3) * 4`, `10 - (2 - 1)`.
    func operandText(above parent: Int, right: Bool) -> String {
        let p = precedence
        let needs = p < parent || (right && p == parent && p != 8) || (p == 4 && parent == 4)
        return needs ? "(" + canonicalText + ")" : canonicalText
    }

    static func nameText(_ n: String) -> String {
        let simple = n.utf8.first.map(isIdentifierStart) == true && n.utf8.allSatisfy(isIdentifierPart)
        return simple ? n.lowercased() : "`" + n + "`"
    }
}

extension Literal {
    /// The literal as it is written in a query.
    public var text: String {
        switch self {
        case .int(let v): return String(v)
        case .decimal(let d): return String(d)
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .date(let d): return Day.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}
