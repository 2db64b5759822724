/// An aggregate over a collection computed for every row of the source table at once, from
/// the child side, as a join would: the child rows that pass the collection's filters (found
/// by the child table's own plan, on its indexes or in vectorised batches), their values,
/// then one pass over their links into an array with a slot per parent row. A collection of
/// collections rolls up one step at a time (each step's filters gating its rows), a
/// hierarchy in one pass over its preorder. `count(contacts[role = "champion"]) >= 2` then
/// reads an array instead of walking every account's contacts.
///
/// Covers `exists`, `count`, `sum`, `avg`, `min` and `max` of numbers and dates, over
/// collections whose steps after the first follow no to-one hops and do not climb a
/// hierarchy (where a row could be reached twice); anything else is walked row by row.
struct PerParent {
    enum Fold { case count, sum, min, max }

    let fold: Fold
    /// Values are decimals (else whole numbers: ints, cents, days).
    let isDouble: Bool
    /// Per row: how many values it aggregated.
    var counts: [Int64]
    var ints: [Int64]
    var doubles: [Double]
    /// Rows whose integer sum overflowed (its sum is then null, as `sum` of rows does).
    var overflowed: Set<Int32> = []

    init(rows: Int, fold: Fold, isDouble: Bool) {
        self.fold = fold
        self.isDouble = isDouble
        counts = [Int64](repeating: 0, count: rows)
        ints = isDouble || fold == .count ? [] : [Int64](repeating: 0, count: rows)
        doubles = isDouble && fold != .count ? [Double](repeating: 0, count: rows) : []
    }

    // MARK: - Folding

    @inline(__always)
    mutating func add(_ r: Int, int v: Int64) {
        let had = counts[r] > 0
        counts[r] += 1
        switch fold {
        case .count: break
        case .sum:
            let (s, o) = ints[r].addingReportingOverflow(v)
            ints[r] = s
            if o { overflowed.insert(Int32(r)) }
        case .min: if !had || v < ints[r] { ints[r] = v }
        case .max: if !had || v > ints[r] { ints[r] = v }
        }
    }

    @inline(__always)
    mutating func add(_ r: Int, double v: Double) {
        let had = counts[r] > 0
        counts[r] += 1
        switch fold {
        case .count: break
        case .sum: doubles[r] += v
        case .min: if !had || v < doubles[r] { doubles[r] = v }
        case .max: if !had || v > doubles[r] { doubles[r] = v }
        }
    }

    /// Folds row `c` of `other` (same fold) into row `p` of this.
    @inline(__always)
    mutating func merge(_ p: Int, _ other: PerParent, _ c: Int) {
        let n = other.counts[c]
        if n == 0 { return }
        let had = counts[p] > 0
        counts[p] += n
        if !other.overflowed.isEmpty, other.overflowed.contains(Int32(c)) { overflowed.insert(Int32(p)) }
        switch (fold, isDouble) {
        case (.count, _): break
        case (.sum, false):
            let (s, o) = ints[p].addingReportingOverflow(other.ints[c])
            ints[p] = s
            if o { overflowed.insert(Int32(p)) }
        case (.sum, true): doubles[p] += other.doubles[c]
        case (.min, false): if !had || other.ints[c] < ints[p] { ints[p] = other.ints[c] }
        case (.max, false): if !had || other.ints[c] > ints[p] { ints[p] = other.ints[c] }
        case (.min, true): if !had || other.doubles[c] < doubles[p] { doubles[p] = other.doubles[c] }
        case (.max, true): if !had || other.doubles[c] > doubles[p] { doubles[p] = other.doubles[c] }
        }
    }

    /// Folds row `c` of this into its row `p` (in place: passing `self` as `other` would copy it).
    @inline(__always)
    mutating func mergeWithin(_ p: Int, _ c: Int) {
        let n = counts[c]
        if n == 0 { return }
        let had = counts[p] > 0
        counts[p] += n
        if !overflowed.isEmpty, overflowed.contains(Int32(c)) { overflowed.insert(Int32(p)) }
        switch (fold, isDouble) {
        case (.count, _): break
        case (.sum, false):
            let (s, o) = ints[p].addingReportingOverflow(ints[c])
            ints[p] = s
            if o { overflowed.insert(Int32(p)) }
        case (.sum, true): doubles[p] += doubles[c]
        case (.min, false): if !had || ints[c] < ints[p] { ints[p] = ints[c] }
        case (.max, false): if !had || ints[c] > ints[p] { ints[p] = ints[c] }
        case (.min, true): if !had || doubles[c] < doubles[p] { doubles[p] = doubles[c] }
        case (.max, true): if !had || doubles[c] > doubles[p] { doubles[p] = doubles[c] }
        }
    }

    mutating func clear(_ r: Int) {
        counts[r] = 0
        if !ints.isEmpty { ints[r] = 0 }
        if !doubles.isEmpty { doubles[r] = 0 }
        if !overflowed.isEmpty { overflowed.remove(Int32(r)) }
    }

    // MARK: - Computing

    /// The aggregate `f` of `field` (nil for rows) over `ref` for every row of the table the
    /// collection starts from (before its first hops); nil when this form is walked instead.
    static func compute(_ f: Aggregate, _ ref: CollectionRef, _ field: TExpr?, compiler: ExprCompiler,
                        cancellation: Cancellation) throws(Interrupted) -> PerParent? {
        guard isCovered(f, ref, field) else { return nil }
        let store = compiler.store
        let fold: Fold
        switch f {
        case .exists, .count: fold = .count
        case .sum, .avg: fold = .sum
        case .min: fold = .min
        case .max: fold = .max
        default: return nil
        }
        let isDouble = field?.type == .decimal
        // The last step's rows, with their values.
        let last = ref.steps[ref.steps.count - 1]
        let childTable = store.tables[last.child]
        let child = compiler.childCompiler(last.child)
        let passing = try rowsPassing(last.filters, table: last.child, child, cancellation)
        var state = PerParent(rows: 0, fold: fold, isDouble: isDouble)
        // `sum` or `count` over descendants: a subtree is a stretch of the preorder, so each
        // row's total is a difference of two prefix sums (whole numbers only: a float's
        // prefix sums would lose the small totals' digits). The rows' list is not needed then.
        var prefixTree: Hierarchy?
        if ref.steps.count == 1, case .descendants(let f) = ref.steps[0].kind, !isDouble, fold == .sum || fold == .count,
           let tree = store.tables[ref.steps[0].parent].hierarchies[f], tree.order.count == childTable.rowCount {
            prefixTree = tree
        }
        if let field, let tree = prefixTree, fold == .sum, passing == nil {
            // The values straight into the prefix sums, in preorder; on an overflow, the walk
            // up the tree below says which rows' sums are null.
            if let rolled = try prefixRollup(tree, fold: .sum, counting: f != .sum, cancellation, value: typedReader(field, child)) {
                return rolled
            }
            prefixTree = nil
        }
        // Folds each child row that passes into `target` at `place(row)` (-1: nowhere), and
        // lists the places it reaches first when `listing`.
        func foldLeaf(_ target: inout PerParent, _ reached: inout [Int32], listing: Bool, _ place: (Int) -> Int) throws(Interrupted) {
            if let field, fold == .count {
                // `count(coll.field)`: the rows whose field is not null, whatever its type.
                let read = child.value(field)
                try eachRow(passing, count: childTable.rowCount, cancellation) { c in
                    let p = place(c)
                    guard p >= 0, !read(c).isNull else { return }
                    if listing, target.counts[p] == 0 { reached.append(Int32(p)) }
                    target.counts[p] += 1
                }
            } else if let field {
                let read = typedReader(field, child)
                try eachRow(passing, count: childTable.rowCount, cancellation) { c in
                    let p = place(c)
                    guard p >= 0 else { return }
                    switch read(c) {
                    case .none: return
                    case .int(let v):
                        if listing, target.counts[p] == 0 { reached.append(Int32(p)) }
                        target.add(p, int: v)
                    case .double(let v):
                        if listing, target.counts[p] == 0 { reached.append(Int32(p)) }
                        target.add(p, double: v)
                    }
                }
            } else {
                try eachRow(passing, count: childTable.rowCount, cancellation) { c in
                    let p = place(c)
                    guard p >= 0 else { return }
                    if listing, target.counts[p] == 0 { reached.append(Int32(p)) }
                    target.counts[p] += 1
                }
            }
        }
        // A last step to a table's children folds its rows straight into their parents: no
        // array with a slot per child row is made.
        var fusedLink: StoreArray<Int32>?
        if prefixTree == nil, case .children(let name) = last.kind { fusedLink = childLink(store, last, name) }
        var active: [Int32] = []
        if fusedLink == nil {
            state = PerParent(rows: childTable.rowCount, fold: fold, isDouble: isDouble)
            try foldLeaf(&state, &active, listing: prefixTree == nil) { $0 }
        }
        if let tree = prefixTree {
            let counts = state.counts, ints = state.ints, summing = fold == .sum
            if state.overflowed.isEmpty, let rolled = try prefixRollup(tree, fold: fold, counting: f != .sum, cancellation, value: { r in
                counts[r] == 0 ? .none : .int(summing ? ints[r] : 0)
            }) {
                return rolled
            }
        }
        // Up the steps, last to first.
        for k in stride(from: ref.steps.count - 1, through: 0, by: -1) {
            try cancellation.check()
            let step = ref.steps[k]
            let parent = store.tables[step.parent]
            var up = PerParent(rows: parent.rowCount, fold: fold, isDouble: isDouble)
            var touched: [Int32] = []
            switch step.kind {
            case .children where k == ref.steps.count - 1 && fusedLink != nil:
                guard let link = fusedLink else { return nil }
                try foldLeaf(&up, &touched, listing: true) { Int(link[$0]) }
            case .children(let name):
                guard let link = childLink(store, step, name) else { return nil }
                for c in active {
                    let p = Int(link[Int(c)])
                    if p < 0 { continue }
                    if up.counts[p] == 0 { touched.append(Int32(p)) }
                    up.merge(p, state, Int(c))
                }
            case .descendants(let f):
                guard let tree = parent.hierarchies[f], let links = parent.links[f] else { return nil }
                // Reverse preorder: a row's subtree is folded before the row is.
                var below = PerParent(rows: parent.rowCount, fold: fold, isDouble: isDouble)
                let order = tree.order
                for i in stride(from: order.count - 1, through: 0, by: -1) {
                    let r = Int(order[i])
                    // `below[r]`: its descendants; `up[r]` then holds the same, and the
                    // parent gets r's own value and its descendants'.
                    up.merge(r, below, r)
                    if up.counts[r] > 0 { touched.append(Int32(r)) }
                    let p = Int(links[r])
                    if p >= 0 {
                        below.merge(p, state, r)
                        below.mergeWithin(p, r)
                    }
                }
            case .ancestors(let f):
                guard let tree = parent.hierarchies[f], let links = parent.links[f] else { return nil }
                // Preorder: a row's parent is folded before the row is.
                for i in 0..<tree.order.count {
                    let r = Int(tree.order[i])
                    let p = Int(links[r])
                    if p < 0 { continue }
                    up.merge(r, state, p)
                    up.mergeWithin(r, p)
                    if up.counts[r] > 0 { touched.append(Int32(r)) }
                }
            }
            if k > 0 {
                // The rows of this level are the previous step's: its filters gate them.
                let gate = ref.steps[k - 1]
                if !gate.filters.isEmpty, let kept = try rowsPassing(gate.filters, table: gate.child, compiler.childCompiler(gate.child), cancellation) {
                    var pass = RowBitmap(count: parent.rowCount)
                    for r in kept { pass.insert(r) }
                    touched = touched.filter { r in
                        if pass.contains(r) { return true }
                        up.clear(Int(r))
                        return false
                    }
                }
            }
            state = up
            active = touched
        }
        return state
    }

    /// Every row's total over its descendants from prefix sums over the preorder, `value`
    /// giving each row's own (`.none`: null, not counted); the counts only when `counting`
    /// (a `sum` needs none: an empty one is 0). Nil when a sum overflows (the walk then says
    /// which rows' sums are null).
    static func prefixRollup(_ tree: Hierarchy, fold: Fold, counting: Bool, _ cancellation: Cancellation,
                             value: (Int) -> Typed) throws(Interrupted) -> PerParent? {
        let n = tree.order.count
        let summing = fold == .sum, counting = counting || !summing
        var out = PerParent(rows: n, fold: fold, isDouble: false)
        var counts = [Int64](repeating: 0, count: counting ? n + 1 : 0)
        var sums = [Int64](repeating: 0, count: summing ? n + 1 : 0)
        try cancellation.check()
        let overflow: Bool = tree.order.withUnsafeBufferPointer { order in
            counts.withUnsafeMutableBufferPointer { cp in
                sums.withUnsafeMutableBufferPointer { sp in
                    for i in 0..<n {
                        var x: Int64 = 0, c: Int64 = 0
                        if case .int(let v) = value(Int(order[i])) { x = v; c = 1 }
                        if counting { cp[i + 1] = cp[i] + c }
                        if summing {
                            let (s, o) = sp[i].addingReportingOverflow(x)
                            if o { return true }
                            sp[i + 1] = s
                        }
                    }
                    return false
                }
            }
        }
        if overflow { return nil }
        try cancellation.check()
        // (A subtree's total may overflow though no prefix does, when rows before it are
        // negative: the walk then says which.)
        let subtreeOverflow: Bool = tree.position.withUnsafeBufferPointer { position in
            tree.end.withUnsafeBufferPointer { end in
                counts.withUnsafeBufferPointer { cp in
                    sums.withUnsafeBufferPointer { sp in
                        out.counts.withUnsafeMutableBufferPointer { oc in
                            out.ints.withUnsafeMutableBufferPointer { oi in
                                for r in 0..<n {
                                    let lo = Int(position[r]) + 1, hi = Int(end[r])
                                    if counting { oc[r] = cp[hi] - cp[lo] }
                                    if summing {
                                        let (d, o) = sp[hi].subtractingReportingOverflow(sp[lo])
                                        if o { return true }
                                        oi[r] = d
                                    }
                                }
                                return false
                            }
                        }
                    }
                }
            }
        }
        return subtreeOverflow ? nil : out
    }

    /// Whether the form is computed here (else it is walked).
    static func isCovered(_ f: Aggregate, _ ref: CollectionRef, _ field: TExpr?) -> Bool {
        guard !ref.mayRepeat, ref.steps.dropFirst().allSatisfy({ $0.hops.isEmpty }) else { return false }
        switch f {
        case .exists, .count: return field == nil || field.map { $0.type != .list } == true
        case .sum, .avg, .min, .max:
            guard let t = field?.type else { return false }
            return t == .int || t == .money || t == .decimal || (t == .date && (f == .min || f == .max))
        default: return false
        }
    }

    /// The key in the child table that a step's collection is the inverse of.
    static func childLink(_ store: Store, _ step: CollectionStep, _ name: String) -> StoreArray<Int32>? {
        let parent = store.tables[step.parent], child = store.tables[step.child]
        for (i, f) in child.def.fields.enumerated() {
            if let r = f.reference, r.target.caseInsensitiveEquals(parent.name), r.inverse.lowercased() == name { return child.links[i] }
        }
        return nil
    }

    /// The rows of a table that pass `filters`, in row order (nil: every row).
    static func rowsPassing(_ filters: [TExpr], table: Int, _ compiler: ExprCompiler, _ cancellation: Cancellation) throws(Interrupted) -> [Int32]? {
        if filters.isEmpty { return nil }
        let condition = filters.count == 1 ? filters[0] : TExpr(kind: .and(filters), type: .bool, span: filters[0].span)
        var planning = compiler
        planning.expectedRows = compiler.store.tables[table].rowCount
        let planner = AccessPlanner(store: compiler.store, compiler: planning)
        return try planner.run(planner.plan(condition, table: table, incoming: nil), table: table, incoming: nil, cancellation: cancellation)
    }

    static func eachRow(_ rows: [Int32]?, count: Int, _ cancellation: Cancellation, _ body: (Int) -> Void) throws(Interrupted) {
        if let rows {
            for (i, r) in rows.enumerated() {
                if i & 0xFFFF == 0 { try cancellation.check() }
                body(Int(r))
            }
        } else {
            for r in 0..<count {
                if r & 0xFFFF == 0 { try cancellation.check() }
                body(r)
            }
        }
    }

    enum Typed { case none, int(Int64), double(Double) }

    /// A field's value on a child row as a whole number or a decimal: a stored column read
    /// in place, anything else evaluated.
    static func typedReader(_ field: TExpr, _ compiler: ExprCompiler) -> (Int) -> Typed {
        if case .field(let hops, let t, let f) = field.kind, hops.isEmpty, f >= 0 {
            switch compiler.store.tables[t].columns[f] {
            case .int(let a), .money(let a): return { r in let v = a[r]; return v == Column.nullInt ? .none : .int(v) }
            case .date(let a): return { r in let v = a[r]; return v == Day.null ? .none : .int(Int64(v)) }
            case .decimal(let a): return { r in let v = a[r]; return v.isNaN ? .none : .double(v) }
            default: break
            }
        }
        let read = compiler.value(field)
        return { r in
            switch read(r) {
            case .int(let v), .money(let v): return .int(v)
            case .date(let d): return .int(Int64(d))
            case .decimal(let d): return .double(d)
            default: return .none
            }
        }
    }

    // MARK: - Reading

    /// Row `r`'s value of the aggregate `f`, typed `type`, as a row-by-row walk would give it.
    func value(_ r: Int, _ f: Aggregate, type: ValueType) -> Value {
        let n = counts[r]
        switch f {
        case .exists: return .bool(n > 0)
        case .count: return .int(n)
        case .sum:
            if overflowed.contains(Int32(r)) { return .null }
            // (A row with no values has a sum of 0: its counts may not even be kept.)
            switch type {
            case .money: return .money(ints[r])
            case .decimal: return .decimal(doubles[r])
            default: return .int(ints[r])
            }
        case .avg:
            guard n > 0, !overflowed.contains(Int32(r)) else { return .null }
            if isDouble { return .decimal(doubles[r] / Double(n)) }
            if type == .money { return .money(Int64((Double(ints[r]) / Double(n)).rounded(.toNearestOrAwayFromZero))) }
            return .decimal(Double(ints[r]) / Double(n))
        case .min, .max:
            guard n > 0 else { return .null }
            if isDouble { return .decimal(doubles[r]) }
            switch type {
            case .money: return .money(ints[r])
            case .date: return .date(Int32(truncatingIfNeeded: ints[r]))
            default: return .int(ints[r])
            }
        default: return .null
        }
    }
}
