/// The parts of a checked expression, for passes that look for a kind of node.
extension TExpr {
    /// The expressions directly inside this one that are evaluated on the same row.
    var operands: [TExpr] {
        switch kind {
        case .field, .column, .constant, .range, .duration, .collection: return []
        case .negate(let x), .not(let x), .convert(let x), .toEnum(let x, _), .isNull(let x, _), .inRange(let x, _, _, _): return [x]
        case .and(let terms), .or(let terms): return terms
        case .compare(_, let a, let b), .like(let a, let b, _): return [a, b]
        case .arithmetic(let first, let steps): return [first] + steps.map(\.operand)
        case .inList(let x, let items, _), .has(let x, _, let items, _): return [x] + items
        case .between(let x, let lo, let hi, _): return [x, lo, hi]
        case .call(_, let args): return args
        case .collectionField, .collectionAggregate: return []
        case .analytic(_, let argument, _, let per, _): return [argument, per].compactMap { $0 }
        }
    }

    /// The expressions inside this one evaluated on a collection's rows: its filters, and the
    /// field it maps or aggregates.
    var collectionParts: [TExpr] {
        switch kind {
        case .collection(let ref): return ref.steps.flatMap(\.filters)
        case .collectionField(let ref, let field), .collectionAggregate(_, let ref, let field?): return ref.steps.flatMap(\.filters) + [field]
        case .collectionAggregate(_, let ref, nil): return ref.steps.flatMap(\.filters)
        default: return []
        }
    }

    /// The analytic functions in this expression (not those inside another), outermost first.
    var analytics: [TExpr] {
        var found: [TExpr] = []
        var stack = [self]
        while let e = stack.popLast() {
            if case .analytic = e.kind {
                found.append(e)
                continue
            }
            stack += e.operands.reversed()
        }
        return found
    }
}

extension TExpr {
    /// The expression with each projected column `.column(i)` replaced by `items[i]`: a
    /// condition on a `select`'s columns as a condition on the rows it projects (so that
    /// `select … | where …` can filter before it projects).
    func replacingColumns(with items: [TExpr]) -> TExpr {
        func r(_ e: TExpr) -> TExpr { e.replacingColumns(with: items) }
        var out = self
        switch kind {
        case .column(let i): return items[i]
        case .field, .constant, .range, .duration, .collection, .collectionField, .collectionAggregate: return self
        case .negate(let x): out.kind = .negate(r(x))
        case .not(let x): out.kind = .not(r(x))
        case .convert(let x): out.kind = .convert(r(x))
        case .toEnum(let x, let d): out.kind = .toEnum(r(x), d)
        case .isNull(let x, let n): out.kind = .isNull(r(x), negated: n)
        case .inRange(let x, let lo, let hi, let n): out.kind = .inRange(r(x), lo, hi, negated: n)
        case .and(let terms): out.kind = .and(terms.map(r))
        case .or(let terms): out.kind = .or(terms.map(r))
        case .compare(let op, let a, let b): out.kind = .compare(op, r(a), r(b))
        case .like(let a, let b, let n): out.kind = .like(r(a), r(b), negated: n)
        case .arithmetic(let first, let steps):
            out.kind = .arithmetic(r(first), steps.map { CheckedArithmeticStep(op: $0.op, operand: r($0.operand), type: $0.type) })
        case .inList(let x, let items, let n): out.kind = .inList(r(x), items.map(r), negated: n)
        case .has(let x, let mode, let items, let n): out.kind = .has(r(x), mode, items.map(r), negated: n)
        case .between(let x, let lo, let hi, let n): out.kind = .between(r(x), r(lo), r(hi), negated: n)
        case .call(let f, let args): out.kind = .call(f, args.map(r))
        case .analytic(let f, let a, let d, let per, let id): out.kind = .analytic(f, a.map(r), descending: d, per: per.map(r), id: id)
        }
        return out
    }

    /// Whether the expression reads a projected column.
    var readsColumns: Bool {
        var stack = [self]
        while let e = stack.popLast() {
            if case .column = e.kind { return true }
            stack += e.operands
        }
        return false
    }
}
