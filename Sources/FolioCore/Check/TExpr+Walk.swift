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
