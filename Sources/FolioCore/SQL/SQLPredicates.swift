/// Conditions as SQL with folio's two-valued logic. `nullIsFalse`: the condition stands
/// where SQL's unknown acts as false (a top-level WHERE term, a CASE WHEN, an EXISTS) and
/// may be NULL; otherwise (under a NOT, or as a value) it must be TRUE or FALSE, so the
/// comparisons that can be NULL are `COALESCE`d.
extension SQLBuild {
    func predicate(_ e: TExpr, _ place: SQLPlace, nullIsFalse: Bool) throws(Diagnostic) -> SQLText {
        func exact(_ t: SQLText) -> SQLText { nullIsFalse ? t : SQLText("COALESCE(\(t.text), \(dialect.bool(false)))", atomic: true) }
        switch e.kind {
        case .constant(let v):
            return SQLText(dialect.bool(v == .bool(true)), atomic: true)
        case .not(let x):
            return SQLText("NOT " + (try predicate(x, place, nullIsFalse: false)).operand)
        case .and(let terms), .or(let terms):
            var parts: [String] = []
            for t in terms { parts.append(try predicate(t, place, nullIsFalse: nullIsFalse).operand) }
            if case .and = e.kind { return SQLText(parts.joined(separator: " AND ")) }
            return SQLText(parts.joined(separator: " OR "))
        case .compare(let op, let a, let b):
            return try compare(op, a, b, place, nullIsFalse: nullIsFalse)
        case .inList(let x, let items, let negated):
            // A null in the list matches nothing (as folio's = with a value never matches null).
            let kept = items.filter { if case .constant(.null) = $0.kind { false } else { true } }
            let v = try value(x, place)
            if kept.isEmpty { return SQLText(negated ? "\(v.operand) IS NOT NULL" : dialect.bool(false), atomic: !negated) }
            let textual = x.type == .string
            var list: [String] = []
            for item in kept {
                let iv = try value(item, place)
                list.append(textual ? dialect.caseFold(iv).text : iv.text)
            }
            let lhs = textual ? dialect.caseFold(v) : v
            return exact(SQLText("\(lhs.operand) \(negated ? "NOT IN" : "IN") (\(list.joined(separator: ", ")))"))
        case .inRange(let x, let lo, let hi, let negated):
            let v = try value(x, place)
            return exact(SQLText("\(v.operand) \(negated ? "NOT BETWEEN" : "BETWEEN") \(dialect.date(lo)) AND \(dialect.date(hi))"))
        case .between(let x, let lo, let hi, let negated):
            let v = try ordered(x, try value(x, place)), l = try ordered(x, try value(lo, place)), h = try ordered(x, try value(hi, place))
            return exact(SQLText("\(v.operand) \(negated ? "NOT BETWEEN" : "BETWEEN") \(l.operand) AND \(h.operand)"))
        case .isNull(let x, let negated):
            if x.type == .list, case .field(let hops, let table, let field) = x.kind {
                let alias = try hopAlias(hops, place)
                let rows = listRows(table, field, alias)
                return SQLText("\(negated ? "" : "NOT ")EXISTS (SELECT 1 FROM \(rows))")
            }
            let v = try value(x, place)
            return SQLText("\(v.operand) IS \(negated ? "NOT " : "")NULL")
        case .like(let x, let pattern, let negated):
            let v = try value(x, place)
            let p: SQLText
            if case .constant(let pv) = pattern.kind, let text = pv.text { p = SQLText(dialect.likePattern(text), atomic: true) } else { p = try value(pattern, place) }
            return exact(dialect.like(v, p, negated: negated))
        case .has(let x, let mode, let items, let negated):
            return try has(x, mode, items, negated: negated, place)
        default:
            // A boolean value: a bool field, a call, a collection's exists.
            let v = try value(e, place)
            if case .collectionAggregate(.exists, _, _) = e.kind { return v }
            return nullIsFalse ? v : SQLText("COALESCE(\(v.text), \(dialect.bool(false)))", atomic: true)
        }
    }

    /// `a op b`: null is a value for `=` and `!=`; orderings with a null are false.
    func compare(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr, _ place: SQLPlace, nullIsFalse: Bool) throws(Diagnostic) -> SQLText {
        let x = try value(a, place), y = try value(b, place)
        let aNull = { if case .constant(.null) = a.kind { true } else { false } }()
        let bNull = { if case .constant(.null) = b.kind { true } else { false } }()
        if op == .equal || op == .notEqual {
            if aNull || bNull {
                let other = aNull ? y : x
                return SQLText("\(other.operand) IS \(op == .notEqual ? "NOT " : "")NULL")
            }
            let textual = a.type == .string || b.type == .string
            let l = textual ? dialect.caseFold(x) : x, r = textual ? dialect.caseFold(y) : y
            // A constant on one side cannot be null: plain = is exact up to the other side's null.
            let constantSide = { (e: TExpr) -> Bool in if case .constant = e.kind { true } else { false } }
            if op == .equal {
                if constantSide(a) || constantSide(b) {
                    let t = SQLText("\(l.operand) = \(r.operand)")
                    return nullIsFalse ? t : SQLText("COALESCE(\(t.text), \(dialect.bool(false)))", atomic: true)
                }
                return dialect.notDistinct(l, r)
            }
            return SQLText("NOT " + dialect.notDistinct(l, r).operand)
        }
        if aNull || bNull { return SQLText(dialect.bool(false), atomic: true) }
        if nullIsFalse, let bare = try bareCount(op, a, b, place) { return bare }
        let l = try ordered(a, x), r = try ordered(b, y)
        let t = SQLText("\(l.operand) \(op.rawValue) \(r.operand)")
        return nullIsFalse ? t : SQLText("COALESCE(\(t.text), \(dialect.bool(false)))", atomic: true)
    }

    /// `count(coll) > 2` where a count of 0 fails the comparison: the per-parent count as it
    /// is, null (so false) for a row with none, without COALESCE, so that the engine may
    /// join the counts as an inner join, as a person would write it.
    func bareCount(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr, _ place: SQLPlace) throws(Diagnostic) -> SQLText? {
        func count(_ e: TExpr) -> (CollectionRef, TExpr?, ValueType, Range<Int>)? {
            if case .collectionAggregate(.count, let ref, let field) = e.kind { return (ref, field, e.type, e.span) }
            return nil
        }
        func constant(_ e: TExpr) -> Int64? {
            if case .constant(.int(let n)) = e.kind { return n }
            return nil
        }
        let (c, k, flipped): ((CollectionRef, TExpr?, ValueType, Range<Int>), Int64, Bool)
        if let x = count(a), let n = constant(b) { (c, k, flipped) = (x, n, false) } else if let x = count(b), let n = constant(a) { (c, k, flipped) = (x, n, true) } else { return nil }
        let zeroHolds: Bool
        switch (op, flipped) {
        case (.less, false), (.greater, true): zeroHolds = 0 < k
        case (.lessEqual, false), (.greaterEqual, true): zeroHolds = 0 <= k
        case (.greater, false), (.less, true): zeroHolds = 0 > k
        case (.greaterEqual, false), (.lessEqual, true): zeroHolds = 0 >= k
        default: return nil
        }
        if zeroHolds { return nil }
        let v = try collectionAggregate(.count, c.0, c.1, type: c.2, place, span: c.3, bare: true)
        return SQLText(flipped ? "\(k) \(op.rawValue) \(v.text)" : "\(v.text) \(op.rawValue) \(k)")
    }

    /// A value as it orders: text folded in code-point order, a picklist by position.
    func ordered(_ e: TExpr, _ v: SQLText) throws(Diagnostic) -> SQLText {
        switch e.type {
        case .string: return dialect.sortText(v)
        case .enumeration(let domain): return position(v, domain)
        default: return v
        }
    }

    /// The child table of a list field for one row: `accounts_products l WHERE l.id = a.id`.
    func listRows(_ table: Int, _ field: Int, _ alias: String, name: String = "li") -> String {
        let t = store.tables[table]
        return "\(dialect.identifier(SQLNames.listTable(t.name, t.def.fields[field].name))) \(name) WHERE \(name).id = \(alias).\(keyColumn(table))"
    }

    /// `products has "x"`, `has any (…)`, `has all (…)`: EXISTS over the list's child table;
    /// negated forms are false for a null (empty) list, as folio's are.
    func has(_ x: TExpr, _ mode: HasMode, _ items: [TExpr], negated: Bool, _ place: SQLPlace) throws(Diagnostic) -> SQLText {
        guard case .field(let hops, let table, let field) = x.kind else { throw cannot("'has' on a computed list", x.span) }
        let alias = try hopAlias(hops, place)
        var values: [String] = []
        for item in items { values.append(dialect.caseFold(try value(item, place)).text) }
        func holds(_ v: String) -> String { "EXISTS (SELECT 1 FROM \(listRows(table, field, alias)) AND \(dialect.caseFold(SQLText("li.value", atomic: true)).text) = \(v))" }
        let hit: String
        switch mode {
        case .one: hit = holds(values.first ?? "NULL")
        case .any: hit = "EXISTS (SELECT 1 FROM \(listRows(table, field, alias)) AND \(dialect.caseFold(SQLText("li.value", atomic: true)).text) IN (\(values.joined(separator: ", "))))"
        case .all: hit = values.map(holds).joined(separator: " AND ")
        }
        if !negated { return SQLText(hit) }
        // The negated forms hold for a list that exists.
        return SQLText("EXISTS (SELECT 1 FROM \(listRows(table, field, alias))) AND NOT (\(hit))")
    }
}
