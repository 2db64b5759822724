/// How deep a syntax tree nests, measured without recursion (the tree may be as deep as
/// its input is long). A flat chain (`a and b and …`, `a + b - …`) is one level for all its
/// terms; every other node with operands is one level above them, a path one level a step.
enum ExprDepth {
    /// The operands of a node, in order.
    static func children(_ e: Expr) -> [Expr] {
        switch e.kind {
        case .name, .literal, .duration, .today, .range, .parameter: return []
        case .member(let base, _): return [base]
        case .filter(let base, let condition): return [base, condition]
        case .call(_, let args): return args
        case .analytic(_, let argument, _, let per): return [argument, per].compactMap { $0 }
        case .negate(let x), .not(let x), .isNull(let x, _): return [x]
        case .binary(_, let l, let r), .inRange(let l, let r, _), .like(let l, let r, _): return [l, r]
        case .and(let terms), .or(let terms): return terms
        case .arithmetic(let first, let steps): return [first] + steps.map(\.operand)
        case .inList(let x, let items, _), .has(let x, _, let items, _): return [x] + items
        case .between(let x, let lo, let hi, _): return [x, lo, hi]
        }
    }

    /// The first node found deeper than `limit` levels, with its depth; nil when the whole
    /// tree is within it.
    static func exceeding(_ limit: Int, _ root: Expr) -> (Int, Range<Int>)? {
        var stack: [(Expr, Int)] = [(root, 1)]
        while let (e, depth) = stack.popLast() {
            let below = children(e)
            if below.isEmpty { continue }
            if depth > limit { return (depth, marker(e, below)) }
            for c in below { stack.append((c, depth + 1)) }
        }
        return nil
    }

    /// Where to point at a node: a path's step, else the node's text before its first operand.
    static func marker(_ e: Expr, _ children: [Expr]) -> Range<Int> {
        if case .member(_, let name) = e.kind { return name.span }
        let start = e.span.lowerBound
        let firstOperand = children.map(\.span.lowerBound).min() ?? start
        return start..<max(start + 1, min(e.span.upperBound, firstOperand))
    }
}
