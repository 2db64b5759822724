/// Chooses how a `where` on a table finds its rows, in the manner of SQLite's planner: the
/// condition is split into AND-terms; each term that an index can answer (the id index,
/// postings of a picklist or boolean column, a range of a sorted int, money or date column)
/// knows its exact row count before any row is read; the planner prices every way of
/// starting from the most selective index terms and checking the rest on the survivors, and
/// keeps the cheapest. A full scan is one of the candidates.
///
/// Costs are in "row checks" (one stored-column comparison of one row in a sequential scan
/// costs 1): reading a posting costs ½ (a sequential copy), a row of a range 2 (it is sorted
/// back into row order), intersecting with another index term 1 per row of that term (a bit
/// set at random in a bitmap) and ½ per candidate (probing it), and checking a term on a
/// candidate reached by row number twice its weight (a random read). A picklist `in (…)` is
/// one table lookup whatever the length of its list (the vectorised check reads a table by
/// code), so intersecting with a long union of postings loses to checking the candidates.
import Foundation

struct AccessPlanner {
    let store: Store
    let compiler: ExprCompiler

    /// How one AND-term is answered.
    enum Path {
        /// Evaluated on each candidate row.
        case check
        /// Rows from the id index.
        case id([Int32])
        /// Rows of a text field equal to a value, from its case-folded index.
        case folded(field: Int, rows: [Int32])
        /// Rows whose foreign key equals a value: the target's rows with that id (its id
        /// index), and their children (the target's collection), in row order.
        case key(field: Int, rows: [Int32])
        /// The union of postings slots of a picklist or boolean field (slot 0 = null).
        case postings(field: Int, slots: [Int])
        /// Positions `lo..<hi` of a field's sorted index.
        case range(field: Int, Range<Int>)
        /// `exists(coll[…])`: the child rows that pass (found by the child's own plan), taken to
        /// the parents their key `link` points at.
        case semiJoin(child: Int, link: Int, plan: FilterPlan, filters: [TExpr])
        /// `a or b` where an index answers each side: the union of their rows.
        indirect case union([Path])
        /// A term about a collection (`not exists(coll[…])`, `count(coll[…]) >= 2`,
        /// `sum(descendants.arr) > 1m`) answered for every row at once: the aggregate per
        /// parent from the child side (``PerParent``), then one pass over that array.
        case perParent(CollectionTerm)
    }

    /// A condition on an aggregate over a collection: `aggregate OP constant`, or `exists`
    /// (with `negated`, `not exists`).
    struct CollectionTerm {
        var function: Aggregate
        var ref: CollectionRef
        var field: TExpr?
        var type: ValueType
        /// nil for `exists` / `not exists`.
        var comparison: (op: BinaryOperator, constant: Value)?
        var negated: Bool
        /// The child rows the last step's filters keep, as the child's planner estimates them.
        var children: Int
        var childAccess: String
    }

    struct Term {
        let expr: TExpr
        let path: Path
        /// Rows the term keeps: exact for an index path, estimated for a check.
        let rows: Int
        /// Cost of checking the term on one row.
        let weight: Double

        var isIndexed: Bool { if case .check = path { false } else { true } }
        /// Whether `rows` is exact (a semi-join's parents are estimated).
        var isExact: Bool {
            switch path {
            case .semiJoin, .union, .perParent: false
            default: isIndexed
            }
        }

        /// How `explain` names the access path.
        var accessText: String {
            switch path {
            case .check: "check each row"
            case .id: "id index"
            case .folded: "case-folded index"
            case .key: "key: target's id index, then its children"
            case .postings(_, let slots): slots.count == 1 ? "postings" : "postings (\(slots.count) values)"
            case .range: "sorted index range"
            case .semiJoin(_, _, let plan, _):
                "semi-join: the matching children (\(plan.indexed.first?.accessText ?? "scan")) to their parents"
            case .union(let parts): "union of \(parts.count) index lookups"
            case .perParent(let term):
                "per parent at once: the children (\(term.childAccess)) " + AccessPlanner.foldText(term.ref)
            }
        }
    }

    /// How `explain` says a collection's rows reach their parents.
    static func foldText(_ ref: CollectionRef) -> String {
        if ref.steps.contains(where: { if case .children = $0.kind { false } else { true } }) { return "folded along the hierarchy in one pass" }
        if ref.steps.count > 1 { return "folded up \(ref.steps.count) steps, an array per step" }
        return "folded into an array by their key"
    }

    /// The chosen plan for one `where`.
    struct FilterPlan {
        /// Rows of the table (or of the rows coming in).
        let inputRows: Int
        /// Whether the rows coming in are a subset (then every index term intersects).
        let narrowed: Bool
        /// Index terms, most selective first: the first gives the candidates (unless the rows
        /// come in narrowed), the others are intersected with them.
        let indexed: [Term]
        /// Terms evaluated on each candidate.
        let checked: [Term]
        /// Estimated rows after each indexed term, then after the checks.
        let estimates: [Int]

        var estimatedRows: Int { estimates.last ?? inputRows }
        /// The row count is known without reading a row: one index term and nothing else.
        var knownCount: Int? { !narrowed && checked.isEmpty && indexed.count == 1 && indexed[0].isExact ? indexed[0].rows : nil }
        var usesIndex: Bool { !indexed.isEmpty }
    }

    // MARK: - Planning

    func plan(_ condition: TExpr, table: Int, incoming: Int?) -> FilterPlan {
        let t = store.tables[table]
        let n = incoming ?? t.rowCount
        let terms = Self.conjuncts(condition).map { analyse($0, table: table) }
        let indexOrder = terms.indices.filter { terms[$0].isIndexed }.sorted { terms[$0].rows < terms[$1].rows }
        let indexTerms = indexOrder.map { terms[$0] }
        let checks = terms.filter { !$0.isIndexed }
        let allWeight = terms.reduce(0.0) { $0 + $1.weight }

        // Candidates: start from the first k index terms (k = 0 is a full scan).
        var bestK = 0
        var bestCost = Double(n) * allWeight
        var cost = 0.0
        var candidates = Double(n)
        let tableRows = Double(max(1, t.rowCount))
        // The weight of the index terms after each one (a suffix sum: a chain of thousands
        // of terms is planned in linear time).
        var laterWeight = [Double](repeating: 0, count: indexTerms.count + 1)
        for i in indexTerms.indices.reversed() { laterWeight[i] = laterWeight[i + 1] + indexTerms[i].weight }
        let checkWeight = checks.reduce(0.0) { $0 + $1.weight }
        for (i, term) in indexTerms.enumerated() {
            let rows = Double(term.rows)
            if i == 0 && incoming == nil {
                cost += Self.materialiseCost(term, tableRows: tableRows)
                candidates = rows
            } else {
                cost += rows + 0.5 * candidates
                candidates = candidates * rows / tableRows
            }
            let remaining = checkWeight + laterWeight[i + 1]
            let total = cost + candidates * 2 * remaining
            if total < bestCost {
                bestCost = total
                bestK = i + 1
            }
        }
        let indexed = Array(indexTerms.prefix(bestK))
        let used = Set(indexOrder.prefix(bestK))
        // The rest, cheapest first (`and` stops at the first that fails).
        let checked = terms.indices.filter { !used.contains($0) }.map { terms[$0] }.sorted { $0.weight < $1.weight }
        var estimates: [Int] = []
        var rows = Double(n)
        for (i, term) in indexed.enumerated() {
            rows = (i == 0 && incoming == nil) ? Double(term.rows) : rows * Double(term.rows) / tableRows
            estimates.append(Int(rows.rounded(.up)))
        }
        for term in checked { rows *= Double(term.rows) / tableRows }
        if !checked.isEmpty { estimates.append(Int(rows.rounded(.up))) }
        return FilterPlan(inputRows: n, narrowed: incoming != nil, indexed: indexed, checked: checked, estimates: estimates)
    }

    static func materialiseCost(_ term: Term, tableRows: Double) -> Double {
        switch term.path {
        case .range: Double(term.rows) * 2
        case .semiJoin(_, _, let plan, _): Double(plan.estimatedRows) * 2 + Double(term.rows)
        case .union: Double(term.rows) * 1.5 + tableRows / 64
        case .perParent(let c): Double(c.children) * 2 + tableRows / 2
        default: Double(term.rows) * 0.5
        }
    }

    /// The AND-terms of a condition.
    static func conjuncts(_ e: TExpr) -> [TExpr] {
        if case .and(let terms) = e.kind { return terms.flatMap(conjuncts) }
        return [e]
    }

    /// A term's access path, its rows and its weight.
    func analyse(_ e: TExpr, table: Int) -> Term {
        let t = store.tables[table]
        if let path = indexPath(e, table: table) {
            return Term(expr: e, path: path, rows: rows(of: path, in: t), weight: Self.weight(e))
        }
        let selectivity: Double
        switch e.kind {
        case .compare(.equal, _, _), .inList(_, _, negated: false), .has(_, _, _, negated: false), .like(_, _, negated: false): selectivity = 0.1
        default: selectivity = 0.25
        }
        return Term(expr: e, path: .check, rows: Int((Double(t.rowCount) * selectivity).rounded(.up)), weight: Self.weight(e))
    }

    /// The rows whose foreign key `field` (its text derived from the links) equals `text`
    /// ignoring case: the target rows with that id, then their children through the
    /// target's collection. Nil for a field that is not such a key, and for text that is not
    /// ASCII (the id index folds ASCII case only).
    func keyRows(_ t: EntityTable, _ field: Int, _ text: String) -> [Int32]? {
        guard t.columns.keys[field] != nil, let ref = t.def.fields[field].reference, let target = store.table(ref.target),
              let children = target.collections[ref.inverse.lowercased()], text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var key = text
        let parents = key.withUTF8 { target.idIndex.lookupFolded($0, in: target.ids) }
        var rows: [Int32] = []
        for p in parents { rows += children.rows[Int(children.offsets[Int(p)])..<Int(children.offsets[Int(p) + 1])] }
        if parents.count > 1 { rows.sort() }
        return rows
    }

    func rows(of path: Path, in t: EntityTable) -> Int {
        switch path {
        case .check: t.rowCount
        case .id(let rows), .folded(_, let rows), .key(_, let rows): rows.count
        case .postings(let field, let slots):
            t.indexes.postings[field].map { p in slots.reduce(0) { $0 + Int(p.offsets[$1 + 1] - p.offsets[$1]) } } ?? t.rowCount
        case .range(_, let positions): positions.count
        case .semiJoin(_, _, let plan, _):
            // Children thrown at random into the parents: the parents that get at least one.
            Int((Double(t.rowCount) * (1 - exp(-Double(plan.estimatedRows) / Double(max(1, t.rowCount))))).rounded(.up))
        case .union(let parts):
            // At most the sum (the sides may share rows).
            min(t.rowCount, parts.reduce(0) { $0 + rows(of: $1, in: t) })
        case .perParent(let c):
            // As a semi-join's: the parents that get at least one child, or the others.
            perParentRows(c, t)
        }
    }

    /// A collection term's rows, estimated: the parents with a child (children thrown at
    /// random), all of them or none for a comparison that holds for none or any children.
    func perParentRows(_ c: CollectionTerm, _ t: EntityTable) -> Int {
        let n = Double(t.rowCount)
        let some = (n * (1 - exp(-Double(c.children) / max(1, n)))).rounded(.up)
        guard let (op, k) = c.comparison else { return Int(c.negated ? n - some : some) }
        // `count(…) = 0` and the like hold for the parents without one.
        if case .int(0) = k, c.function == .count {
            switch op {
            case .equal, .lessEqual: return Int(n - some)
            case .greater, .notEqual: return Int(some)
            default: break
            }
        }
        return Int((some * 0.5).rounded(.up))
    }

    /// What evaluating an expression once costs, roughly, in stored-column comparisons.
    static func weight(_ e: TExpr) -> Double {
        switch e.kind {
        case .field(let hops, _, _): return 1 + 2 * Double(hops.count)
        case .constant, .range, .duration: return 0  // folded before the rows are read
        case .column: return 0.5
        case .negate(let x), .not(let x), .toEnum(let x, _), .convert(let x): return weight(x) + 0.5
        case .and(let terms), .or(let terms): return terms.reduce(0) { $0 + weight($1) }
        case .arithmetic(let first, let steps): return steps.reduce(weight(first)) { $0 + weight($1.operand) }
        case .compare(_, let a, let b): return weight(a) + weight(b)
        case .inList(let x, let items, _):
            // A picklist's list is one lookup by code; other lists compare item by item.
            if case .enumeration = x.type { return weight(x) + 0.5 }
            return weight(x) + Double(items.count) * 0.5
        case .inRange(let x, _, _, _), .isNull(let x, _): return weight(x)
        case .like(let x, let p, _): return weight(x) + weight(p) + 4
        case .between(let x, let a, let b, _): return weight(x) + weight(a) + weight(b)
        case .has(let x, _, let items, _): return weight(x) + 2 + Double(items.count)
        case .call(_, let args): return args.reduce(3) { $0 + weight($1) }
        case .collection, .collectionField, .collectionAggregate: return 25
        case .analytic: return 1
        }
    }

    // MARK: - Index paths

    /// The index path of one term, when an index answers it exactly.
    func indexPath(_ e: TExpr, table: Int) -> Path? {
        switch e.kind {
        case .compare(let op, let a, let b):
            if let (field, constant) = storedField(a, constant: b, table: table) { return comparisonPath(op, field: field, constant, table: table) }
            if let (field, constant) = storedField(b, constant: a, table: table) { return comparisonPath(op.flipped, field: field, constant, table: table) }
            return collectionPath(e, table: table)
        case .inList(let x, let items, let negated):
            guard case .field(let hops, let tb, let field) = x.kind, hops.isEmpty, tb == table, field > 0 else { return nil }
            if !negated, store.tables[table].def.fields[field].type == .string {
                // Text in a list of values: the union of their lookups.
                var parts: [Path] = []
                for item in items {
                    guard let v = constant(item), let part = comparisonPath(.equal, field: field, v, table: table) else { return nil }
                    parts.append(part)
                }
                return parts.count == 1 ? parts[0] : .union(parts)
            }
            guard let p = store.tables[table].indexes.postings[field] else { return nil }
            var slots: Set<Int> = []
            for item in items {
                guard let v = constant(item), let slot = postingsSlot(v) else { return nil }
                slots.insert(slot)
            }
            let all = Set(1..<(p.offsets.count - 1))
            return .postings(field: field, slots: (negated ? all.subtracting(slots) : slots).sorted())
        case .inRange(let x, let lo, let hi, negated: false):
            guard case .field(let hops, let tb, let field) = x.kind, hops.isEmpty, tb == table else { return nil }
            return rangePath(field: field, lo: Int64(lo), hi: Int64(hi), table: table)
        case .between(let x, let lo, let hi, negated: false):
            guard let (field, low) = storedField(x, constant: lo, table: table), let high = constant(hi),
                  let l = integerKey(low, field: field, table: table), let h = integerKey(high, field: field, table: table) else { return nil }
            return rangePath(field: field, lo: l, hi: h, table: table)
        case .isNull(let x, let negated):
            guard case .field(let hops, let tb, let field) = x.kind, hops.isEmpty, tb == table, field > 0,
                  let p = store.tables[table].indexes.postings[field] else { return nil }
            return .postings(field: field, slots: negated ? Array(1..<(p.offsets.count - 1)) : [0])
        case .field(let hops, let tb, let field) where e.type == .bool && hops.isEmpty && tb == table && field > 0:
            return store.tables[table].indexes.postings[field] == nil ? nil : .postings(field: field, slots: [2])
        case .collectionAggregate(.exists, let ref, nil) where ref.single?.parent == table && !ref.filters.isEmpty:
            return semiJoinPath(ref) ?? collectionPath(e, table: table)
        case .collectionAggregate, .not:
            return collectionPath(e, table: table)
        case .or(let terms):
            var parts: [Path] = []
            for term in terms {
                guard let side = indexPath(term, table: table) else { return nil }
                if case .union(let inner) = side { parts += inner } else { parts.append(side) }
            }
            return .union(parts)
        default:
            // Everything else (paths, or, not, like, has, functions, collections) is checked per row.
            return nil
        }
    }

    /// A condition on an aggregate over a collection of the row itself, when ``PerParent``
    /// covers it: `exists`, `not exists`, or the aggregate compared with a constant.
    func collectionPath(_ e: TExpr, table: Int) -> Path? {
        var negated = false
        var x = e
        if case .not(let inner) = e.kind {
            negated = true
            x = inner
        }
        var comparison: (BinaryOperator, Value)?
        if case .compare(let op, let a, let b) = x.kind, !negated {
            if case .collectionAggregate = a.kind, let k = constant(b) {
                comparison = (op, k)
                x = a
            } else if case .collectionAggregate = b.kind, let k = constant(a) {
                comparison = (op.flipped, k)
                x = b
            } else {
                return nil
            }
        }
        guard case .collectionAggregate(let f, let ref, let field) = x.kind, ref.steps[0].hops.isEmpty, ref.steps[0].parent == table,
              PerParent.isCovered(f, ref, field), comparison != nil || f == .exists else { return nil }
        if comparison?.1.isNull == true { return nil }
        // An unfiltered count of children, descendants or ancestors is a difference of two
        // offsets the parent row already has: checked row by row, nothing to compute.
        if compiler.childCount(x) != nil { return nil }
        // The children's own plan prices the child side.
        let last = ref.steps[ref.steps.count - 1]
        var children = store.tables[last.child].rowCount
        var access = "every row"
        if !last.filters.isEmpty {
            let condition = last.filters.count == 1 ? last.filters[0] : TExpr(kind: .and(last.filters), type: .bool, span: last.filters[0].span)
            let childPlan = AccessPlanner(store: store, compiler: compiler.childCompiler(last.child)).plan(condition, table: last.child, incoming: nil)
            children = childPlan.estimatedRows
            access = childPlan.indexed.first?.accessText ?? "checked in batches"
        }
        return .perParent(CollectionTerm(function: f, ref: ref, field: field, type: x.type, comparison: comparison, negated: negated,
                                         children: children, childAccess: access))
    }

    /// The rows of a table where a collection term holds, in row order.
    func perParentRows(_ c: CollectionTerm, _ t: EntityTable, _ cancellation: Cancellation) throws(Interrupted) -> [Int32] {
        var computing = compiler
        computing.expectedRows = t.rowCount
        guard let all = try PerParent.compute(c.function, c.ref, c.field, compiler: computing, cancellation: cancellation) else {
            preconditionFailure("a collection term the planner chose is not computed at once")
        }
        var out: [Int32] = []
        if c.comparison == nil, c.function == .exists {
            // exists / not exists: the counts alone.
            let counts = all.counts
            for r in 0..<t.rowCount where (counts[r] > 0) != c.negated { out.append(Int32(r)) }
            return out
        }
        guard let (op, k) = c.comparison else { return out }
        for r in 0..<t.rowCount {
            if r & 0xFFFF == 0 { try cancellation.check() }
            if ExprCompiler.compare(op, all.value(r, c.function, type: c.type), k) { out.append(Int32(r)) }
        }
        return out
    }

    /// `exists(coll[…])` from the child side, when an index finds the children.
    func semiJoinPath(_ ref: CollectionRef) -> Path? {
        guard let single = ref.single else { return nil }
        let parent = store.tables[single.parent], child = store.tables[single.child]
        guard let link = child.def.fields.indices.first(where: { f in
            guard let r = child.def.fields[f].reference else { return false }
            return r.target.caseInsensitiveEquals(parent.name) && r.inverse.lowercased() == single.name
        }), child.links[link] != nil else { return nil }
        let condition = ref.filters.count == 1 ? ref.filters[0] : TExpr(kind: .and(ref.filters), type: .bool, span: ref.filters[0].span)
        let childPlan = AccessPlanner(store: store, compiler: compiler.childCompiler(ref)).plan(condition, table: ref.child, incoming: nil)
        guard childPlan.usesIndex else { return nil }
        return .semiJoin(child: ref.child, link: link, plan: childPlan, filters: ref.filters)
    }

    /// `x` as a stored field of the table itself, with `c` as a constant.
    func storedField(_ x: TExpr, constant c: TExpr, table: Int) -> (Int, Value)? {
        guard case .field(let hops, let tb, let field) = x.kind, hops.isEmpty, tb == table, field >= 0, let v = constant(c) else { return nil }
        return (field, v)
    }

    func comparisonPath(_ op: BinaryOperator, field: Int, _ k: Value, table: Int) -> Path? {
        let t = store.tables[table]
        if field == 0 {
            guard op == .equal, case .string(var key) = k, key.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            return .id(key.withUTF8 { t.idIndex.lookupFolded($0, in: t.ids) })
        }
        if op == .equal, case .string(let text) = k, !text.isEmpty, let rows = keyRows(t, field, text) {
            return .key(field: field, rows: rows)
        }
        if op == .equal, case .string(let text) = k, !text.isEmpty, case .string(let column) = t.columns[field] {
            // Checked on each row while a large column's index is still being built.
            guard let index = t.folded.index(field, of: column) else { return nil }
            return .folded(field: field, rows: Array(index.rows(equalTo: text)))
        }
        if let p = t.indexes.postings[field] {
            guard let slot = postingsSlot(k) else { return nil }
            let values = 1..<(p.offsets.count - 1)
            switch op {
            case .equal: return .postings(field: field, slots: [slot])
            // `!=` treats null as a value: null != "x" holds.
            case .notEqual: return .postings(field: field, slots: [0] + values.filter { $0 != slot })
            case .less: return slot == 0 ? nil : .postings(field: field, slots: Array(1..<slot))
            case .lessEqual: return slot == 0 ? nil : .postings(field: field, slots: Array(1...slot))
            case .greater: return slot == 0 ? nil : .postings(field: field, slots: Array((slot + 1)..<values.upperBound))
            case .greaterEqual: return slot == 0 ? nil : .postings(field: field, slots: Array(slot..<values.upperBound))
            default: return nil
            }
        }
        guard let key = integerKey(k, field: field, table: table) else { return nil }
        switch op {
        case .equal: return rangePath(field: field, lo: key, hi: key, table: table)
        case .less: return key == .min ? nil : rangePath(field: field, lo: nil, hi: key - 1, table: table)
        case .lessEqual: return rangePath(field: field, lo: nil, hi: key, table: table)
        case .greater: return key == .max ? nil : rangePath(field: field, lo: key + 1, hi: nil, table: table)
        case .greaterEqual: return rangePath(field: field, lo: key, hi: nil, table: table)
        default: return nil
        }
    }

    /// The postings slot of a picklist or boolean constant (0 for null).
    func postingsSlot(_ v: Value) -> Int? {
        switch v {
        case .null: 0
        case .enumeration(let code, _): Int(code) + 1
        case .bool(let b): b ? 2 : 1
        default: nil
        }
    }

    /// A constant as the integer a sorted column holds (cents for money, days for dates).
    func integerKey(_ v: Value, field: Int, table: Int) -> Int64? {
        switch (store.tables[table].columns[field], v) {
        case (.int, .int(let k)) where k != Column.nullInt: return k
        case (.money, .money(let k)) where k != Column.nullInt: return k
        case (.money, .int(let k)):
            let (cents, overflow) = k.multipliedReportingOverflow(by: 100)
            return overflow || cents == Column.nullInt ? nil : cents
        case (.date, .date(let d)) where d != Day.null: return Int64(d)
        default: return nil
        }
    }

    func rangePath(field: Int, lo: Int64?, hi: Int64?, table: Int) -> Path? {
        let t = store.tables[table]
        guard let index = t.indexes.sorted[field], let value = Self.integerReader(t.columns[field]) else { return nil }
        return .range(field: field, index.positions(lo: lo, hi: hi, value))
    }

    /// What ``integerReader(_:)`` reads for a null of the column.
    static func nullSentinel(_ column: Column) -> Int64 {
        if case .date = column { return Int64(Day.null) }
        return Column.nullInt
    }

    static func integerReader(_ column: Column) -> ((Int) -> Int64)? {
        switch column {
        case .int(let a), .money(let a): return { a[$0] }
        case .date(let a): return { Int64(a[$0]) }
        default: return nil
        }
    }

    /// The value of an expression that reads no row (`today - 60 days`, `100k`), else nil.
    func constant(_ e: TExpr) -> Value? {
        if case .constant(let v) = e.kind { return v }
        guard Self.readsNoRow(e) else { return nil }
        return compiler.value(e)(0)
    }

    static func readsNoRow(_ e: TExpr) -> Bool {
        switch e.kind {
        case .constant, .range, .duration: return true
        case .negate(let x): return readsNoRow(x)
        case .arithmetic(let first, let steps): return readsNoRow(first) && steps.allSatisfy { readsNoRow($0.operand) }
        case .convert(let x): return readsNoRow(x)
        case .call(_, let args): return args.allSatisfy(readsNoRow)
        default: return false
        }
    }

    /// `e` with its row-independent parts (`today - 60 days`, `2 * 50k`) computed once, so
    /// that checks compare columns with constants instead of computing them per row.
    func foldConstants(_ e: TExpr) -> TExpr {
        var folded = e
        switch e.kind {
        case .arithmetic, .negate, .call, .convert:
            if Self.readsNoRow(e) { folded.kind = .constant(compiler.value(e)(0)) }
        case .compare(let op, let a, let b): folded.kind = .compare(op, foldConstants(a), foldConstants(b))
        case .and(let terms): folded.kind = .and(terms.map(foldConstants))
        case .or(let terms): folded.kind = .or(terms.map(foldConstants))
        case .not(let x): folded.kind = .not(foldConstants(x))
        case .between(let x, let lo, let hi, let negated): folded.kind = .between(x, foldConstants(lo), foldConstants(hi), negated: negated)
        default: break
        }
        return folded
    }

    // MARK: - Running a plan

    /// The rows that pass, in the order they came (row order for a whole table).
    func run(_ plan: FilterPlan, table: Int, incoming: [Int32]?, cancellation: Cancellation) throws(Interrupted) -> [Int32] {
        let t = store.tables[table]
        var candidates = incoming
        for term in plan.indexed {
            try cancellation.check()
            if let current = candidates {
                let members = try bitmap(term, t, cancellation)
                candidates = current.filter { members.contains($0) }
            } else {
                candidates = try materialise(term, t, cancellation)
            }
        }
        if plan.checked.isEmpty, let candidates { return candidates }
        // The checks narrow each batch of rows in turn, cheapest first (vectorised).
        var checking = compiler
        checking.expectedRows = candidates?.count ?? t.rowCount
        let vector = VectorFilter(compiler: checking)
        let checks = plan.checked.map { vector.narrow(foldConstants($0.expr)) }
        let all: VectorFilter.Narrow = checks.count == 1 ? checks[0] : { rows, n in
            var kept = n
            for check in checks where kept > 0 { kept = check(rows, kept) }
            return kept
        }
        return try cancellation.filter(candidates, count: t.rowCount, batches: all)
    }

    /// An index term's rows, in row order.
    func materialise(_ term: Term, _ t: EntityTable, _ cancellation: Cancellation) throws(Interrupted) -> [Int32] {
        switch term.path {
        case .check: preconditionFailure("a check is not materialised")
        case .id(let rows): return rows.sorted()
        case .folded(_, let rows), .key(_, let rows): return rows
        case .postings(let field, let slots):
            guard let p = t.indexes.postings[field] else { return [] }
            if slots.count == 1 {
                return Array(p.rows[Int(p.offsets[slots[0]])..<Int(p.offsets[slots[0] + 1])])
            }
            return try bitmap(term, t, cancellation).rows(expected: term.rows)
        case .range(let field, let positions):
            guard let index = t.indexes.sorted[field] else { return [] }
            if positions.count < t.rowCount / 16 { return index.order[positions].sorted() }
            return try bitmap(term, t, cancellation).rows(expected: term.rows)
        case .semiJoin, .union:
            return try bitmap(term, t, cancellation).rows(expected: term.rows)
        case .perParent(let c):
            return try perParentRows(c, t, cancellation)
        }
    }

    /// An index term's rows as a bitmap over the table.
    func bitmap(_ term: Term, _ t: EntityTable, _ cancellation: Cancellation) throws(Interrupted) -> RowBitmap {
        var b = RowBitmap(count: t.rowCount)
        try add(term.path, t, to: &b, cancellation)
        return b
    }

    /// Sets the bits of a path's rows.
    func add(_ path: Path, _ t: EntityTable, to b: inout RowBitmap, _ cancellation: Cancellation) throws(Interrupted) {
        switch path {
        case .union(let parts):
            for part in parts {
                try cancellation.check()
                try add(part, t, to: &b, cancellation)
            }
        case .check: preconditionFailure("a check has no bitmap")
        case .id(let rows), .folded(_, let rows), .key(_, let rows):
            for r in rows { b.insert(r) }
        case .postings(let field, let slots):
            guard let p = t.indexes.postings[field] else { break }
            for s in slots {
                for i in Int(p.offsets[s])..<Int(p.offsets[s + 1]) { b.insert(p.rows[i]) }
            }
        case .range(let field, let positions):
            guard let index = t.indexes.sorted[field] else { break }
            for i in positions { b.insert(index.order[i]) }
        case .perParent(let c):
            for r in try perParentRows(c, t, cancellation) { b.insert(r) }
        case .semiJoin(let child, let link, let plan, _):
            guard let links = store.tables[child].links[link] else { break }
            let children = try AccessPlanner(store: store, compiler: compiler.childCompiler(child)).run(plan, table: child, incoming: nil, cancellation: cancellation)
            for c in children where links[Int(c)] >= 0 { b.insert(links[Int(c)]) }
        }
    }
}

/// A set of row numbers as bits.
struct RowBitmap {
    var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

    @inline(__always)
    mutating func insert(_ r: Int32) { words[Int(r) >> 6] |= 1 << UInt64(r & 63) }

    @inline(__always)
    func contains(_ r: Int32) -> Bool { words[Int(r) >> 6] & (1 << UInt64(r & 63)) != 0 }

    /// The rows in order.
    func rows(expected: Int) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(expected)
        for (i, word) in words.enumerated() {
            var w = word
            while w != 0 {
                out.append(Int32(i << 6 | w.trailingZeroBitCount))
                w &= w - 1
            }
        }
        return out
    }
}
