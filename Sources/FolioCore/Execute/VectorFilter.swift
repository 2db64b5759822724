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
        case .and(let terms):
            let parts = terms.map(narrow)
            return { rows, n in
                var m = n
                for p in parts {
                    m = p(rows, m)
                    if m == 0 { return 0 }
                }
                return m
            }
        case .or(let terms):
            let parts = terms.map(narrow)
            return { rows, n in
                withScratch(n, vectors: 3) { vectors in
                    // `accepted` holds the rows some term passed so far, in the vector's order;
                    // each term sees only the rows none before it passed.
                    var accepted = vectors[0], merged = vectors[2]
                    let candidates = vectors[1]
                    var a = 0
                    for p in parts {
                        let c = Self.subtract(rows, n, accepted, a, into: candidates)
                        if c == 0 { break }
                        let m = p(candidates, c)
                        if m == 0 { continue }
                        a = Self.merge(rows, n, accepted, a, candidates, m, into: merged)
                        swap(&accepted, &merged)
                    }
                    rows.update(from: accepted, count: a)
                    return a
                }
            }
        case .not(let inner):
            let p = narrow(inner)
            return { rows, n in
                withScratch(n, vectors: 1) { vectors in
                    let passed = vectors[0]
                    passed.update(from: rows, count: n)
                    let m = p(passed, n)
                    return Self.subtract(rows, n, passed, m, into: rows)
                }
            }
        case .compare(let op, let a, let b):
            if let kernel = textEquality(op, a, b) ?? comparison(op, a, b) { return kernel }
        case .inList(let x, let items, let negated):
            if let kernel = membership(x, items, negated: negated) { return kernel }
        case .like(let x, let pattern, let negated):
            if let kernel = like(x, pattern, negated: negated) { return kernel }
        case .isNull(let x, let negated):
            // `parent is null`: the relationship's link of each row; `name is null`: the
            // text's offsets.
            if case .field(let hops, _, let field) = x.kind, field == -1, hops.count == 1, !hops[0].toRoot,
               let links = compiler.store.tables[hops[0].table].links[hops[0].field] {
                return { rows, n in links.withUnsafeBufferPointer { l in Self.keep(rows, n) { bit((l[Int(rows[$0])] < 0) != negated) } } }
            }
            // `parent_id is null`, a foreign key whose text is derived from its links: null
            // where the link is.
            if case .field(let hops, let t, let field) = x.kind, hops.isEmpty, field >= 0,
               let key = compiler.store.tables[t].columns.keys[field] {
                let links = key.links
                return { rows, n in links.withUnsafeBufferPointer { l in Self.keep(rows, n) { bit((l[Int(rows[$0])] < 0) != negated) } } }
            }
            // (A foreign key's text stored beside its links may name a row that is missing:
            // it takes the general way.)
            if case .field(let hops, let t, let field) = x.kind, hops.isEmpty, field >= 0, compiler.store.tables[t].links[field] == nil,
               case .string(let column) = compiler.store.tables[t].columns[field] {
                return { rows, n in Self.keep(rows, n) { bit(column.isNull(Int(rows[$0])) != negated) } }
            }
            if let fill = operand(x)?.vector {
                return { rows, n in
                    withValues(n) { values in
                        fill(rows, n, values)
                        return Self.keep(rows, n) { bit((values[$0] == Column.nullInt) != negated) }
                    }
                }
            }
        default:
            break
        }
        return Self.rowByRow(compiler.predicate(e))
    }

    /// A row closure applied over the vector: the way for parts without a kernel.
    static func rowByRow(_ p: @escaping ExprCompiler.Predicate) -> Narrow {
        { rows, n in Self.keep(rows, n) { bit(p(Int(rows[$0]))) } }
    }

    // MARK: - Kernels

    /// An operand of a comparison or of arithmetic: a vector of 64-bit values per batch
    /// (`Column.nullInt` for null), or one value for every row.
    enum Operand {
        case vector(Fill)
        case constant(Int64)
        /// A stored int or money column, read where it is used (fused into the loop that uses it).
        case column(StoreArray<Int64>)
        /// `column * multiply + add` (`seats * 9`, `arr - 50k`), read where it is used; an
        /// overflow at either step is null, as the two operations one after the other give.
        case affine(StoreArray<Int64>, multiply: Int64, add: Int64)

        /// The operand as a vector (nil for a constant).
        var vector: Fill? {
            switch self {
            case .vector(let f): f
            case .constant: nil
            case .column(let values):
                { rows, n, out in values.withUnsafeBufferPointer { v in for i in 0..<n { out[i] = v[Int(rows[i])] } } }
            case .affine(let values, let m, let a):
                { rows, n, out in values.withUnsafeBufferPointer { v in for i in 0..<n { out[i] = VectorFilter.affine(v[Int(rows[i])], m, a) } } }
            }
        }

        /// A column as a vector; vectors and constants as they are.
        var general: Operand {
            switch self {
            case .column, .affine: .vector(vector!)
            case .vector, .constant: self
            }
        }

        /// The operand read in place: a column, `column * m + a`, or nil.
        var inPlace: (values: StoreArray<Int64>, multiply: Int64, add: Int64)? {
            switch self {
            case .column(let values): (values, 1, 0)
            case .affine(let values, let m, let a): (values, m, a)
            case .vector, .constant: nil
            }
        }
    }

    /// `x * m + a`, null for a null `x` or an overflow.
    @inline(__always)
    static func affine(_ x: Int64, _ m: Int64, _ a: Int64) -> Int64 {
        let null = Column.nullInt
        let (p, o1) = x.multipliedReportingOverflow(by: m)
        let (v, o2) = p.addingReportingOverflow(a)
        return x == null || o1 || o2 ? null : v
    }

    /// `a OP b` where both sides are whole numbers, money in cents, or days (a whole-number
    /// constant next to money counts currency units). Null on either side: `=` holds only
    /// for two nulls, `!=` otherwise, and orderings never (as `ExprCompiler.compare`).
    func comparison(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr) -> Narrow? {
        guard [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op),
              Self.sameKind(a.type, b.type) || Self.moneyAndCount(a, b),
              let left = operand(a), let right = Self.moneyAndCount(a, b) ? countAsCents(b) : operand(b) else { return nil }
        switch (left, right) {
        case (.column(let values), .constant(let k)):
            return compareColumn(values, op, k)
        case (.constant(let k), .column(let values)):
            return compareColumn(values, op.flipped, k)
        default:
            break
        }
        // Columns and `column * m + a` on both sides, or one side and a constant: read,
        // combined and compared in one loop, no vector of values written.
        if let x = left.inPlace {
            if let y = right.inPlace { return Self.compareInPlace(x, op, y) }
            if case .constant(let k) = right { return Self.compareInPlace(x, op, (StoreArray([0]), 0, k)) }
        } else if case .constant(let k) = left, let y = right.inPlace {
            return Self.compareInPlace(y, op.flipped, (StoreArray([0]), 0, k))
        }
        switch (left.general, right.general) {
        case (.vector(let f), .vector(let g)):
            let null = Column.nullInt
            return { rows, n in
                withValues(2 * n) { values in
                    let x = values, y = values + n
                    f(rows, n, x)
                    g(rows, n, y)
                    // One loop per operator, each with its comparison inlined.
                    // Null is one value (Int64.min) on both sides, so `=` and `!=` need no null
                    // test: two nulls are equal, a null and a number are not.
                    switch op {
                    case .equal: return Self.keep(rows, n) { bit(x[$0] == y[$0]) }
                    case .notEqual: return Self.keep(rows, n) { bit(x[$0] != y[$0]) }
                    case .less: return Self.keep(rows, n) { bit(x[$0] != null) & bit(y[$0] != null) & bit(x[$0] < y[$0]) }
                    case .lessEqual: return Self.keep(rows, n) { bit(x[$0] != null) & bit(y[$0] != null) & bit(x[$0] <= y[$0]) }
                    case .greater: return Self.keep(rows, n) { bit(x[$0] != null) & bit(y[$0] != null) & bit(x[$0] > y[$0]) }
                    default: return Self.keep(rows, n) { bit(x[$0] != null) & bit(y[$0] != null) & bit(x[$0] >= y[$0]) }
                    }
                }
            }
        case (.vector(let f), .constant(let k)):
            return compareWithConstant(f, op, k)
        case (.constant(let k), .vector(let g)):
            return compareWithConstant(g, op.flipped, k)
        case (.column, _), (_, .column), (.affine, _), (_, .affine):
            preconditionFailure("columns are made vectors first")
        case (.constant(let x), .constant(let y)):
            let null = Column.nullInt
            let holds: Bool
            if x == null || y == null {
                holds = op == .equal ? x == y : (op == .notEqual ? x != y : false)
            } else {
                holds = ExprCompiler.compare(op, .int(x), .int(y))
            }
            return { _, n in holds ? n : 0 }
        }
    }

    /// `x OP y`, each side `column * m + a` read in place; a constant is a side with `m` 0
    /// (its column, one row, is read as row 0 and multiplied away).
    static func compareInPlace(_ x: (values: StoreArray<Int64>, multiply: Int64, add: Int64), _ op: BinaryOperator,
                               _ y: (values: StoreArray<Int64>, multiply: Int64, add: Int64)) -> Narrow {
        let null = Column.nullInt
        let yConstant = y.multiply == 0
        let (xm, xa, ym, ya) = (x.multiply, x.add, y.multiply, y.add)
        return { rows, n in
            x.values.withUnsafeBufferPointer { xv in
                y.values.withUnsafeBufferPointer { yv in
                    @inline(__always) func left(_ i: Int) -> Int64 { affine(xv[Int(rows[i])], xm, xa) }
                    @inline(__always) func right(_ i: Int) -> Int64 { affine(yv[Int(rows[i])], ym, ya) }
                    if yConstant {
                        // Against a constant (null: `=` keeps the nulls, orderings nothing).
                        let k = ya
                        switch op {
                        case .equal: return keep(rows, n) { bit(left($0) == k) }
                        case .notEqual: return keep(rows, n) { bit(left($0) != k) }
                        case _ where k == null: return 0
                        case .less: return keep(rows, n) { let a = left($0); return bit(a != null) & bit(a < k) }
                        case .lessEqual: return keep(rows, n) { let a = left($0); return bit(a != null) & bit(a <= k) }
                        // Null is the least value: never greater than a number.
                        case .greater: return keep(rows, n) { bit(left($0) > k) }
                        default: return keep(rows, n) { bit(left($0) >= k) }
                        }
                    }
                    // Null is one value (Int64.min) on both sides: `=` and `!=` need no test.
                    switch op {
                    case .equal: return keep(rows, n) { bit(left($0) == right($0)) }
                    case .notEqual: return keep(rows, n) { bit(left($0) != right($0)) }
                    case .less: return keep(rows, n) { let a = left($0), b = right($0); return bit(a != null) & bit(b != null) & bit(a < b) }
                    case .lessEqual: return keep(rows, n) { let a = left($0), b = right($0); return bit(a != null) & bit(b != null) & bit(a <= b) }
                    case .greater: return keep(rows, n) { let a = left($0), b = right($0); return bit(a != null) & bit(b != null) & bit(a > b) }
                    default: return keep(rows, n) { let a = left($0), b = right($0); return bit(a != null) & bit(b != null) & bit(a >= b) }
                    }
                }
            }
        }
    }

    /// `vector OP k`, one pass.
    func compareWithConstant(_ f: @escaping Fill, _ op: BinaryOperator, _ k: Int64) -> Narrow {
        let null = Column.nullInt
        // Against a null constant: `=` keeps the nulls, `!=` the rest, orderings nothing.
        let nullK = k == null
        return { rows, n in
            withValues(n) { x in
                f(rows, n, x)
                switch op {
                case .equal: return Self.keep(rows, n) { bit(x[$0] == k) }
                case .notEqual: return Self.keep(rows, n) { bit(x[$0] != k) }
                case .less: return nullK ? 0 : Self.keep(rows, n) { bit(x[$0] != null) & bit(x[$0] < k) }
                case .lessEqual: return nullK ? 0 : Self.keep(rows, n) { bit(x[$0] != null) & bit(x[$0] <= k) }
                // Null is the least value: it is never greater than a number.
                case .greater: return nullK ? 0 : Self.keep(rows, n) { bit(x[$0] > k) }
                default: return nullK ? 0 : Self.keep(rows, n) { bit(x[$0] >= k) }
                }
            }
        }
    }

    /// Money compared with a whole-number constant, which counts currency units (filled as cents by ``countAsCents(_:)``).
    static func moneyAndCount(_ a: TExpr, _ b: TExpr) -> Bool {
        guard a.type == .money, b.type == .int, case .constant(.int(let k)) = b.kind else { return false }
        return !k.multipliedReportingOverflow(by: 100).overflow && k != Column.nullInt
    }

    /// A whole-number constant as cents.
    func countAsCents(_ e: TExpr) -> Operand? {
        guard case .constant(.int(let k)) = e.kind, k != Column.nullInt else { return nil }
        let (cents, overflow) = k.multipliedReportingOverflow(by: 100)
        return overflow ? nil : .constant(cents)
    }

    static func sameKind(_ a: ValueType, _ b: ValueType) -> Bool {
        switch (a, b) {
        case (.int, .int), (.money, .money), (.date, .date): true
        default: false
        }
    }

    /// `text = "…"` and `!=` on a stored text field of the row: the bytes compared with
    /// ASCII case folded in place, and only text whose first difference is not ASCII made
    /// into Strings (as `compareFolded` does). An empty cell is null: never `=`, always `!=`.
    func textEquality(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr) -> Narrow? {
        guard op == .equal || op == .notEqual, case .field(let hops, let table, let field) = a.kind, hops.isEmpty, field >= 0,
              case .string(let column) = compiler.store.tables[table].columns[field],
              case .constant(.string(let text)) = b.kind, !text.isEmpty else { return nil }
        let key = Array(text.utf8)
        let wanted = op == .equal
        return { rows, n in
            key.withUnsafeBufferPointer { key in
                Self.keepCells(column, rows, n) { bytes, lo, hi in
                    if lo == hi { return bit(!wanted) }
                    let cell = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
                    let order = compareFoldedBytes(cell, key) ?? compareFolded(String(decoding: cell, as: UTF8.self), text)
                    return bit((order == 0) == wanted)
                }
            }
        }
    }

    /// A stored string of the row `like` an ASCII pattern: matched in place, the pattern's
    /// pointers taken once per batch. Null (an empty cell) matches neither way.
    func like(_ x: TExpr, _ pattern: TExpr, negated: Bool) -> Narrow? {
        guard case .field(let hops, let table, let field) = x.kind, hops.isEmpty, field >= 0,
              case .string(let column) = compiler.store.tables[table].columns[field],
              case .constant(let value) = pattern.kind, let text = value.text, let matcher = ByteLikePattern(text) else { return nil }
        return { rows, n in
            matcher.withMatcher { m in
                Self.keepCells(column, rows, n) { bytes, lo, hi in
                    bit(lo != hi && m.matches(UnsafeBufferPointer(rebasing: bytes[lo..<hi]), readable: bytes.count - lo) != negated)
                }
            }
        }
    }

    /// ``keep(_:_:_:)`` for a test of each row's cell of a text column: `holds(bytes, lo,
    /// hi)` sees the column's bytes and the cell's bounds in them (lo == hi: null).
    @inline(__always)
    static func keepCells(_ column: StringColumn, _ rows: UnsafeMutablePointer<Int32>, _ n: Int,
                          _ holds: (UnsafeBufferPointer<UInt8>, Int, Int) -> Int) -> Int {
        column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                keep(rows, n) { i in
                    let r = Int(rows[i])
                    return holds(bytes, Int(offsets[r]), Int(offsets[r + 1]))
                }
            }
        }
    }

    /// `picklist in (…)` on a stored picklist of the row: a table by code.
    func membership(_ x: TExpr, _ items: [TExpr], negated: Bool) -> Narrow? {
        guard case .field(let hops, let table, let field) = x.kind, hops.isEmpty, field >= 0,
              case .enumeration(let column) = compiler.store.tables[table].columns[field] else { return nil }
        // By code + 1: slot 0 is null, which is in no list (and not in a `not in` either).
        var member = [Int](repeating: negated ? 1 : 0, count: column.domain.labels.count + 1)
        member[0] = 0
        for item in items {
            guard case .constant(.enumeration(let code, _)) = item.kind, code >= 0, Int(code) + 1 < member.count else { return nil }
            member[Int(code) + 1] = negated ? 0 : 1
        }
        let codes = column.codes
        return { rows, n in
            codes.withUnsafeBufferPointer { codes in
                member.withUnsafeBufferPointer { member in
                    Self.keep(rows, n) { i in member[Int(codes[Int(rows[i])]) &+ 1] }
                }
            }
        }
    }

    /// An operand: a stored int, money or date field of the row, a constant, or `-`, `+`,
    /// `-`, `*` of such (overflow gives null, as row by row); nil for anything else.
    func operand(_ e: TExpr) -> Operand? {
        let null = Column.nullInt
        switch e.kind {
        case .field(let hops, let table, let field):
            guard hops.isEmpty, field >= 0 else { return nil }
            switch (compiler.store.tables[table].columns[field], e.type) {
            case (.int(let values), .int), (.money(let values), .money):
                return .column(values)
            case (.date(let days), .date):
                return .vector { rows, n, out in
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
            switch (v, e.type) {
            case (.int(let x), .int), (.money(let x), .money): return .constant(x)
            case (.date(let d), .date): return .constant(Int64(d))
            default: return nil
            }
        case .negate(let inner):
            guard e.type == .int || e.type == .money, let x = operand(inner)?.general else { return nil }
            switch x {
            case .column, .affine: preconditionFailure("columns are made vectors first")
            case .constant(let k): return .constant(k == null ? null : -k)
            case .vector(let f):
                return .vector { rows, n, out in
                    f(rows, n, out)
                    for i in 0..<n where out[i] != null { out[i] = -out[i] }
                }
            }
        case .arithmetic(let first, let steps):
            // A chain is a pair, then the result so far with each later operand.
            guard var result = arithmetic(steps[0].op, first, steps[0].operand, type: steps[0].type) else { return nil }
            var left = TExpr(kind: .constant(.null), type: steps[0].type, span: e.span)
            for step in steps.dropFirst() {
                guard let next = arithmetic(step.op, left, step.operand, type: step.type, leftOperand: result) else { return nil }
                result = next
                left.type = step.type
            }
            return result
        default:
            return nil
        }
    }

    /// Whole-number and money arithmetic, and the days between two dates.
    /// `leftOperand`: the left side already made an operand (a chain's result so far; `a`
    /// then only gives its type).
    func arithmetic(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr, type: ValueType, leftOperand: Operand? = nil) -> Operand? {
        guard op == .add || op == .subtract || op == .multiply, let x = leftOperand ?? operand(a), let y = operand(b) else { return nil }
        // How each side is scaled first: money counts cents, a whole number next to money counts currency units.
        let scale: (Int64, Int64)
        switch (type, a.type, b.type) {
        case (.int, .int, .int): scale = (1, 1)
        case (.int, .date, .date) where op == .subtract: scale = (1, 1)
        case (.money, .money, .money) where op != .multiply: scale = (1, 1)
        case (.money, .money, .int) where op != .multiply: scale = (1, 100)
        case (.money, .int, .money) where op != .multiply: scale = (100, 1)
        case (.money, .money, .int), (.money, .int, .money): scale = (1, 1)  // cents times a count
        default: return nil
        }
        let null = Column.nullInt
        func scaled(_ k: Int64, _ factor: Int64) -> Int64 {
            let (v, o) = k.multipliedReportingOverflow(by: factor)
            return k == null || o ? null : v
        }
        // A column and a constant: `column * m + a`, read where it is used.
        if case .column(let values) = x, case .constant(let q) = y, scale.0 == 1 {
            let k = scaled(q, scale.1)
            switch op {
            case .add where k != null: return .affine(values, multiply: 1, add: k)
            case .subtract where k != null: return .affine(values, multiply: 1, add: -k)  // (null is Int64.min: -k fits)
            case .multiply where k != null: return .affine(values, multiply: k, add: 0)
            default: break
            }
            return .vector { rows, n, out in
                values.withUnsafeBufferPointer { v in
                    switch op {
                    case .add: Self.combine(out, v, rows, k, n) { $0.addingReportingOverflow($1) }
                    case .subtract: Self.combine(out, v, rows, k, n) { $0.subtractingReportingOverflow($1) }
                    default: Self.combine(out, v, rows, k, n) { $0.multipliedReportingOverflow(by: $1) }
                    }
                }
            }
        }
        switch (x.general, y.general) {
        case (.column, _), (_, .column), (.affine, _), (_, .affine):
            preconditionFailure("columns are made vectors first")
        case (.constant(let p), .constant(let q)):
            return .constant(Self.apply(op, scaled(p, scale.0), scaled(q, scale.1)))
        case (.vector(let f), .constant(let q)):
            return .vector(Self.withConstant(f, scale: scale.0, op, scaled(q, scale.1), constantFirst: false))
        case (.constant(let p), .vector(let g)):
            return .vector(Self.withConstant(g, scale: scale.1, op, scaled(p, scale.0), constantFirst: true))
        case (.vector(let f), .vector(let g)):
            return .vector { rows, n, out in
                withValues(n) { right in
                    f(rows, n, out)
                    g(rows, n, right)
                    if scale.0 != 1 { Self.scale(out, n, by: scale.0) }
                    if scale.1 != 1 { Self.scale(right, n, by: scale.1) }
                    // One loop per operator, each with its operation inlined.
                    switch op {
                    case .add: Self.combine(out, right, n) { $0.addingReportingOverflow($1) }
                    case .subtract: Self.combine(out, right, n) { $0.subtractingReportingOverflow($1) }
                    default: Self.combine(out, right, n) { $0.multipliedReportingOverflow(by: $1) }
                    }
                }
            }
        }
    }

    /// `vector OP k` (or `k OP vector`), the vector scaled first.
    static func withConstant(_ f: @escaping Fill, scale factor: Int64, _ op: BinaryOperator, _ k: Int64, constantFirst: Bool) -> Fill {
        { rows, n, out in
            f(rows, n, out)
            if factor != 1 { Self.scale(out, n, by: factor) }
            switch (op, constantFirst) {
            case (.add, _): Self.combine(out, k, n) { $0.addingReportingOverflow($1) }
            case (.subtract, false): Self.combine(out, k, n) { $0.subtractingReportingOverflow($1) }
            case (.subtract, true): Self.combine(out, k, n) { $1.subtractingReportingOverflow($0) }
            default: Self.combine(out, k, n) { $0.multipliedReportingOverflow(by: $1) }
            }
        }
    }

    /// `x OP y` for one pair, null on null or overflow.
    static func apply(_ op: BinaryOperator, _ x: Int64, _ y: Int64) -> Int64 {
        let null = Column.nullInt
        if x == null || y == null { return null }
        let (v, o): (Int64, Bool)
        switch op {
        case .add: (v, o) = x.addingReportingOverflow(y)
        case .subtract: (v, o) = x.subtractingReportingOverflow(y)
        default: (v, o) = x.multipliedReportingOverflow(by: y)
        }
        return o ? null : v
    }

    /// `values[i] * factor`, null on null or overflow.
    static func scale(_ values: UnsafeMutablePointer<Int64>, _ n: Int, by factor: Int64) {
        let null = Column.nullInt
        for i in 0..<n {
            let (v, o) = values[i].multipliedReportingOverflow(by: factor)
            values[i] = values[i] == null || o ? null : v
        }
    }

    /// `out[i] = op(out[i], right[i])`, null when either is null or the result overflows.
    @inline(__always)
    static func combine(_ out: UnsafeMutablePointer<Int64>, _ right: UnsafeMutablePointer<Int64>, _ n: Int,
                        _ op: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) {
        let null = Column.nullInt
        for i in 0..<n {
            let x = out[i], y = right[i]
            let (v, o) = op(x, y)
            out[i] = x == null || y == null || o ? null : v
        }
    }

    /// `out[i] = op(column[rows[i]], k)`, null when either is null or the result overflows.
    @inline(__always)
    static func combine(_ out: UnsafeMutablePointer<Int64>, _ column: UnsafeBufferPointer<Int64>, _ rows: UnsafePointer<Int32>, _ k: Int64, _ n: Int,
                        _ op: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) {
        combine(out, k, n, reading: { column[Int(rows[$0])] }, op)
    }

    /// `out[i] = op(out[i], k)`, null when either is null or the result overflows.
    @inline(__always)
    static func combine(_ out: UnsafeMutablePointer<Int64>, _ k: Int64, _ n: Int,
                        _ op: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) {
        combine(out, k, n, reading: { out[$0] }, op)
    }

    /// `out[i] = op(value(i), k)`, null when either is null or the result overflows.
    @inline(__always)
    static func combine(_ out: UnsafeMutablePointer<Int64>, _ k: Int64, _ n: Int, reading value: (Int) -> Int64,
                        _ op: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) {
        let null = Column.nullInt
        if k == null {
            out.update(repeating: null, count: n)
            return
        }
        for i in 0..<n {
            let x = value(i)
            let (v, o) = op(x, k)
            out[i] = x == null || o ? null : v
        }
    }

    // MARK: - Vectors

    /// `column OP k`, reading the column in the loop that compares.
    func compareColumn(_ values: StoreArray<Int64>, _ op: BinaryOperator, _ k: Int64) -> Narrow {
        let null = Column.nullInt
        let nullK = k == null
        return { rows, n in
            values.withUnsafeBufferPointer { v in
                switch op {
                case .equal: return Self.keep(rows, n) { bit(v[Int(rows[$0])] == k) }
                case .notEqual: return Self.keep(rows, n) { bit(v[Int(rows[$0])] != k) }
                case .less: return nullK ? 0 : Self.keep(rows, n) { let x = v[Int(rows[$0])]; return bit(x != null) & bit(x < k) }
                case .lessEqual: return nullK ? 0 : Self.keep(rows, n) { let x = v[Int(rows[$0])]; return bit(x != null) & bit(x <= k) }
                case .greater: return nullK ? 0 : Self.keep(rows, n) { bit(v[Int(rows[$0])] > k) }
                default: return nullK ? 0 : Self.keep(rows, n) { bit(v[Int(rows[$0])] >= k) }
                }
            }
        }
    }

    /// Keeps the rows `i` of `rows[0..<n]` for which `holds(i)` is 1 (not 0), in order;
    /// returns how many. Without a branch per row: half the rows passing at random would
    /// mispredict half the time.
    @inline(__always)
    static func keep(_ rows: UnsafeMutablePointer<Int32>, _ n: Int, _ holds: (Int) -> Int) -> Int {
        var kept = 0
        for i in 0..<n {
            rows[kept] = rows[i]
            kept &+= holds(i)
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
    /// common), in their order, written to `out` (neither `a` nor `b`).
    static func merge(_ rows: UnsafeMutablePointer<Int32>, _ n: Int, _ a: UnsafeMutablePointer<Int32>, _ l: Int,
                      _ b: UnsafeMutablePointer<Int32>, _ m: Int, into out: UnsafeMutablePointer<Int32>) -> Int {
        var i = 0, j = 0, k = 0
        for x in 0..<n where i < l || j < m {
            let r = rows[x]
            if i < l, a[i] == r {
                i += 1
            } else if j < m, b[j] == r {
                j += 1
            } else {
                continue
            }
            out[k] = r
            k += 1
        }
        return k
    }
}

/// `vectors` scratch vectors of `n` rows each for the duration of `body`.
@inline(__always)
private func withScratch<R>(_ n: Int, vectors: Int, _ body: ([UnsafeMutablePointer<Int32>]) -> R) -> R {
    let size = max(1, n)
    return withUnsafeTemporaryAllocation(of: Int32.self, capacity: vectors * size) { buffer in
        let base = buffer.baseAddress.unsafelyUnwrapped
        return body((0..<vectors).map { base + $0 * size })
    }
}

/// A scratch vector of `n` values for the duration of `body`.
@inline(__always)
private func withValues<R>(_ n: Int, _ body: (UnsafeMutablePointer<Int64>) -> R) -> R {
    withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, n)) { body($0.baseAddress.unsafelyUnwrapped) }
}

/// 1 for true, 0 for false, without a branch.
@inline(__always)
func bit(_ b: Bool) -> Int { Int(unsafeBitCast(b, to: UInt8.self)) }
