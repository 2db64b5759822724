/// The canonical text of an expression: the default name of a result column (SPEC §4,
/// "Column names"). Identifiers lower-cased, single spaces around binary operators.
extension Expr {
    public var canonicalText: String {
        switch kind {
        case .name(let n): return Expr.nameText(n)
        case .member(let base, let name): return base.canonicalText + "." + Expr.nameText(name.text)
        case .filter(let base, let cond): return base.canonicalText + "[" + cond.canonicalText + "]"
        case .call(let name, let args): return name.text.lowercased() + "(" + args.map(\.canonicalText).joined(separator: ", ") + ")"
        case .literal(let l):
            switch l {
            case .int(let v): return String(v)
            case .decimal(let d): return String(d)
            case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .date(let d): return Day.format(d)
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            }
        case .duration(let d): return "\(d.count) \(d.unit.rawValue)\(d.count == 1 ? "" : "s")"
        case .today: return "today"
        case .range(let r):
            if let c = r.count { return "\(r.relation.rawValue) \(c) \(r.unit.rawValue)s" }
            return "\(r.relation.rawValue) \(r.fiscal ? "fiscal " : "")\(r.unit.rawValue)"
        case .parameter(let p): return "$" + p
        case .negate(let e): return "-" + e.canonicalText
        case .not(let e): return "not " + e.canonicalText
        case .binary(let op, let l, let r): return l.canonicalText + " " + op.rawValue + " " + r.canonicalText
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

    static func nameText(_ n: String) -> String {
        let simple = n.utf8.first.map(isIdentifierStart) == true && n.utf8.allSatisfy(isIdentifierPart)
        return simple ? n.lowercased() : "`" + n + "`"
    }
}
