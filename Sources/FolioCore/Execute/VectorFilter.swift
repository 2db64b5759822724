/// Conditions evaluated a batch of rows at a time (vectorised evaluation).
///
/// Rows travel as a selection vector: the ids of the rows of a batch still in, in the order
/// they came (row order for a whole table; any order after a `sort`).
/// Each part of a condition narrows the vector in one tight loop over a typed column —
/// `and` narrows by one side, then the other; `or` and `not` merge and subtract vectors —
/// and arithmetic on whole numbers, money and dates fills a vector of 64-bit values per
/// operand before one comparison loop. So `arr > 100k and health < 40 and
/// seats_used * 2 < seats` over n rows is three loops over arrays, not 3n closure calls on
/// boxed values. A part with no kernel (strings, functions, collections, paths through
/// relationships) runs its compiled row closure over the vector, so every condition works.
///
/// Kernels mirror ``ExprCompiler``'s semantics exactly (nulls, overflow to null, money in
/// cents); `VectorFilterTests` checks both on random conditions.
struct VectorFilter {
    let compiler: ExprCompiler

    /// Narrows `rows[0..<count]` in place to the rows that pass; returns how many.
    typealias Narrow = (UnsafeMutablePointer<Int32>, Int) -> Int
    /// Fills `out[i]` with an operand's value on `rows[i]` (`Column.nullInt` for null).
    typealias Fill = (UnsafePointer<Int32>, Int, UnsafeMutablePointer<Int64>) -> Void

    /// Rows per batch: vectors of a batch stay in the L1 cache.
    static let batch = 1024

    func narrow(_ e: TExpr) -> Narrow {
        switch e.kind {
        case .constant(let v):
            let keep = v == .bool(true)
            return { _, n in keep ? n : 0 }
        case .and(let a, let b):
            let p = narrow(a), q = narrow(b)
            return { rows, n in
                let m = p(rows, n)
                return m == 0 ? 0 : q(rows, m)
            }
        case .or(let a, let b):
            let p = narrow(a), q = narrow(b)
            return { rows, n in
                withScratch(n) { left, right in
                    left.update(from: rows, count: n)
                    let l = p(left, n)
                    // The rows `a` dropped get their chance with `b`.
                    var r = Self.subtract(rows, n, left, l, into: right)
                    r = q(right, r)
                    return Self.union(rows, n, left, l, right, r)
                }
            }
        case .not(let inner):
            let p = narrow(inner)
            return { rows, n in
                withScratch(n) { passed, _ in
                    passed.update(from: rows, count: n)
                    let m = p(passed, n)
                    return Self.subtract(rows, n, passed, m, into: rows)
                }
            }
        case .compare(let op, let a, let b):
            if let kernel = comparison(op, a, b) { return kernel }
        case .inList(let x, let items, let negated):
            if let kernel = membership(x, items, negated: negated) { return kernel }
        case .isNull(let x, let negated):
            if let fill = fill(x) {
                return { rows, n in
                    withValues(n) { values in
                        fill(rows, n, values)
                        return Self.keep(rows, n) { (values[$0] == Column.nullInt) != negated }
                    }
                }
            }
        default:
            break
        }
        return rowByRow(compiler.predicate(e))
    }

    /// A row closure applied over the vector: the way for parts without a kernel.
    func rowByRow(_ p: @escaping ExprCompiler.Predicate) -> Narrow {
        { rows, n in Self.keep(rows, n) { p(Int(rows[$0])) } }
    }

    // MARK: - Kernels

    /// `a OP b` where both sides fill vectors of the same kind (whole numbers, money in
    /// cents, or days). Null on either side: `=` holds only for two nulls, `!=` otherwise,
    /// and orderings never (as `ExprCompiler.compare`).
    func comparison(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr) -> Narrow? {
        guard let f = fill(a), let g = fill(b, as: a.type) ?? fill(b), Self.sameKind(a.type, b.type) || Self.moneyAndCount(a, b) else { return nil }
        let null = Column.nullInt
        func kernel(_ holds: @escaping (Int64, Int64) -> Bool, nulls: @escaping (Bool, Bool) -> Bool) -> Narrow {
            { rows, n in
                withValues(2 * n) { values in
                    let left = values, right = values + n
                    f(rows, n, left)
                    g(rows, n, right)
                    return Self.keep(rows, n) { i in
                        let x = left[i], y = right[i]
                        return x == null || y == null ? nulls(x == null, y == null) : holds(x, y)
                    }
                }
            }
        }
        switch op {
        case .equal: return kernel(==) { $0 && $1 }
        case .notEqual: return kernel(!=) { !($0 && $1) }
        case .less: return kernel(<) { _, _ in false }
        case .lessEqual: return kernel(<=) { _, _ in false }
        case .greater: return kernel(>) { _, _ in false }
        case .greaterEqual: return kernel(>=) { _, _ in false }
        default: return nil
        }
    }

    /// Money compared with a whole-number constant, which counts currency units (filled as cents by ``fill(_:as:)``).
    static func moneyAndCount(_ a: TExpr, _ b: TExpr) -> Bool {
        guard a.type == .money, b.type == .int, case .constant(.int(let k)) = b.kind else { return false }
        return !k.multipliedReportingOverflow(by: 100).overflow && k != Column.nullInt
    }

    /// A whole-number constant filled as cents next to money; nil for anything else.
    func fill(_ e: TExpr, as other: ValueType) -> Fill? {
        guard other == .money, e.type == .int, case .constant(.int(let k)) = e.kind, k != Column.nullInt else { return nil }
        let (cents, overflow) = k.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        return { _, n, out in out.update(repeating: cents, count: n) }
    }

    static func sameKind(_ a: ValueType, _ b: ValueType) -> Bool {
        switch (a, b) {
        case (.int, .int), (.money, .money), (.date, .date): true
        default: false
        }
    }

    /// `picklist in (…)` on a stored picklist of the row: a table by code.
    func membership(_ x: TExpr, _ items: [TExpr], negated: Bool) -> Narrow? {
        guard case .field(let hops, let table, let field) = x.kind, hops.isEmpty, field >= 0,
              case .enumeration(let column) = compiler.store.tables[table].columns[field] else { return nil }
        var member = [Bool](repeating: negated, count: column.domain.labels.count)
        for item in items {
            guard case .constant(.enumeration(let code, _)) = item.kind, code >= 0, Int(code) < member.count else { return nil }
            member[Int(code)] = !negated
        }
        let codes = column.codes
        return { rows, n in
            codes.withUnsafeBufferPointer { codes in
                member.withUnsafeBufferPointer { member in
                    Self.keep(rows, n) { i in
                        let c = codes[Int(rows[i])]
                        return c >= 0 && member[Int(c)]
                    }
                }
            }
        }
    }

    /// An operand as a vector of 64-bit values: a stored int, money or date field of the row,
    /// a constant, or `-`, `+`, `-`, `*` of such (overflow gives null, as row by row).
    func fill(_ e: TExpr) -> Fill? {
        let null = Column.nullInt
        switch e.kind {
        case .field(let hops, let table, let field):
            guard hops.isEmpty, field >= 0 else { return nil }
            switch (compiler.store.tables[table].columns[field], e.type) {
            case (.int(let values), .int), (.money(let values), .money):
                return { rows, n, out in values.withUnsafeBufferPointer { v in for i in 0..<n { out[i] = v[Int(rows[i])] } } }
            case (.date(let days), .date):
                return { rows, n, out in
                    days.withUnsafeBufferPointer { d in
                        for i in 0..<n {
                            let day = d[Int(rows[i])]
                            out[i] = day == Day.null ? null : Int64(day)
                        }
                    }
                }
            default:
                return nil
            }
        case .constant(let v):
            let k: Int64
            switch (v, e.type) {
            case (.int(let x), .int), (.money(let x), .money): k = x
            case (.date(let d), .date): k = Int64(d)
            default: return nil
            }
            return { _, n, out in out.update(repeating: k, count: n) }
        case .negate(let inner):
            guard e.type == .int || e.type == .money, let f = fill(inner) else { return nil }
            return { rows, n, out in
                f(rows, n, out)
                for i in 0..<n where out[i] != null { out[i] = -out[i] }
            }
        case .arithmetic(let op, let a, let b):
            return arithmetic(op, a, b, type: e.type)
        default:
            return nil
        }
    }

    /// Whole-number and money arithmetic, and the days between two dates, on vectors.
    func arithmetic(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr, type: ValueType) -> Fill? {
        let null = Column.nullInt
        guard op == .add || op == .subtract || op == .multiply, let f = fill(a), let g = fill(b) else { return nil }
        // How each side is scaled first: money counts cents, a whole number next to money counts currency units.
        let scale: (Int64, Int64)
        switch (type, a.type, b.type) {
        case (.int, .int, .int), (.int, .date, .date) where op == .subtract || a.type == .int:
            scale = (1, 1)
        case (.money, .money, .money) where op != .multiply: scale = (1, 1)
        case (.money, .money, .int) where op != .multiply: scale = (1, 100)
        case (.money, .int, .money) where op != .multiply: scale = (100, 1)
        case (.money, .money, .int), (.money, .int, .money): scale = (1, 1)  // cents times a count
        default: return nil
        }
        return { rows, n, out in
            withValues(n) { right in
                f(rows, n, out)
                g(rows, n, right)
                for i in 0..<n {
                    var x = out[i], y = right[i]
                    if x == null || y == null {
                        out[i] = null
                        continue
                    }
                    var overflow = false
                    if scale.0 != 1 { (x, overflow) = x.multipliedReportingOverflow(by: scale.0) }
                    if scale.1 != 1, !overflow { (y, overflow) = y.multipliedReportingOverflow(by: scale.1) }
                    let (v, o): (Int64, Bool)
                    switch op {
                    case .add: (v, o) = x.addingReportingOverflow(y)
                    case .subtract: (v, o) = x.subtractingReportingOverflow(y)
                    default: (v, o) = x.multipliedReportingOverflow(by: y)
                    }
                    out[i] = overflow || o ? null : v
                }
            }
        }
    }

    // MARK: - Vectors

    /// Keeps the rows `i` of `rows[0..<n]` for which `holds(i)`, in order; returns how many.
    @inline(__always)
    static func keep(_ rows: UnsafeMutablePointer<Int32>, _ n: Int, _ holds: (Int) -> Bool) -> Int {
        var kept = 0
        for i in 0..<n {
            rows[kept] = rows[i]
            kept &+= holds(i) ? 1 : 0
        }
        return kept
    }

    /// The rows of `all` that are not in `some` (a subsequence of it), in order, written to
    /// `out` (which may be `all`).
    static func subtract(_ all: UnsafeMutablePointer<Int32>, _ n: Int, _ some: UnsafeMutablePointer<Int32>, _ m: Int,
                         into out: UnsafeMutablePointer<Int32>) -> Int {
        var j = 0, k = 0
        for i in 0..<n {
            let r = all[i]
            if j < m, some[j] == r {
                j += 1
            } else {
                out[k] = r
                k += 1
            }
        }
        return k
    }

    /// The rows of `rows[0..<n]` that are in `a` or in `b` (subsequences of it with no row in
    /// common), kept in place and in their order, which need not be ascending.
    static func union(_ rows: UnsafeMutablePointer<Int32>, _ n: Int, _ a: UnsafeMutablePointer<Int32>, _ l: Int,
                      _ b: UnsafeMutablePointer<Int32>, _ m: Int) -> Int {
        var i = 0, j = 0, k = 0
        for x in 0..<n {
            let r = rows[x]
            if i < l, a[i] == r {
                i += 1
            } else if j < m, b[j] == r {
                j += 1
            } else {
                continue
            }
            rows[k] = r
            k += 1
        }
        return k
    }
}

/// Two scratch vectors of `n` rows for the duration of `body`.
@inline(__always)
private func withScratch<R>(_ n: Int, _ body: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> R) -> R {
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * max(1, n)) { buffer in
        let base = buffer.baseAddress.unsafelyUnwrapped
        return body(base, base + max(1, n))
    }
}

/// A scratch vector of `n` values for the duration of `body`.
@inline(__always)
private func withValues<R>(_ n: Int, _ body: (UnsafeMutablePointer<Int64>) -> R) -> R {
    withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, n)) { body($0.baseAddress.unsafelyUnwrapped) }
}
