import Foundation

/// Turns checked expressions into closures over row numbers. Comparisons of a stored
/// column with a constant, the bulk of `where` clauses, read the typed column directly;
/// everything else goes through ``Value``.
struct ExprCompiler {
    let store: Store
    let source: RowSource
    let fiscalYearStart: Int
    let today: Int32
    /// Polled before walking a row's collection, so a query nested in collections stops
    /// quickly when cancelled (what it computes after that is thrown away).
    var cancellation: Cancellation = .never
    /// The values of the stage's analytic functions, by id, indexed by row (``Analytics``).
    var analytics: [Int: [Value]] = [:]
    /// How many rows the compiled expressions will be evaluated on, when known: an aggregate
    /// over a collection is computed for every row at once (``PerParent``) when that is a
    /// good part of the table, and walked row by row for a few.
    var expectedRows: Int?
    /// Below this many rows a collection is always walked (tests lower it to compare both ways).
    var atOnceFrom = 64
    /// Aggregates over collections computed for every row, kept for the stage: a sort key read
    /// through a projection and the projection itself compute one once.
    let memo = Memo()

    final class Memo: @unchecked Sendable {
        private var perParent: [String: PerParent] = [:]
        private let lock = NSLock()

        func perParent(_ key: String, _ compute: () -> PerParent?) -> PerParent? {
            lock.lock()
            defer { lock.unlock() }
            if let known = perParent[key] { return known }
            let made = compute()
            if let made { perParent[key] = made }
            return made
        }
    }

    typealias Eval = (Int) -> Value
    typealias Predicate = (Int) -> Bool

    // MARK: - Values

    func value(_ e: TExpr) -> Eval {
        switch e.kind {
        case .field(let hops, let table, let field):
            return fieldReader(hops: hops, table: table, field: field)
        case .column(let i):
            guard case .frame(let f) = source else { preconditionFailure("a column reference outside a projection") }
            let col = f.values[i]
            return { col[$0] }
        case .constant(let v):
            return { _ in v }
        case .range, .duration:
            preconditionFailure("ranges and durations are folded into their operators by the checker")
        case .negate(let inner):
            let f = value(inner)
            return { r in
                switch f(r) {
                case .int(let v): return v == .min ? .null : .int(-v)
                case .money(let v): return .money(-v)
                case .decimal(let d): return .decimal(-d)
                default: return .null
                }
            }
        case .not, .and, .or, .compare, .inList, .inRange, .like, .between, .isNull, .has:
            let p = predicate(e)
            return { .bool(p($0)) }
        case .arithmetic(let first, let steps):
            return arithmetic(first, steps)
        case .convert(let inner):
            let f = value(inner), type = e.type
            return { Value.converted(f($0), to: type) }
        case .call(let f, let args):
            return call(f, args)
        case .collection:
            // The checker lets a collection through only inside an aggregate or with `.field`.
            return { _ in .null }
        case .collectionField(let ref, let field):
            let each = children(ref)
            let read = childCompiler(ref).value(field)
            return { r in
                var items: [String] = []
                each(r) { c in
                    switch read(c) {
                    case .null: break
                    case .list(let l): items += l  // a list field of each row: the lists joined
                    case let v: items.append(ValueFormat.plain(v))
                    }
                }
                return items.isEmpty ? .null : .list(items)
            }
        case .collectionAggregate(let f, let ref, let field):
            if let count = childCount(e) {
                return f == .exists ? { .bool(count($0) > 0) } : { .int(Int64(count($0))) }
            }
            if let all = perParent(f, ref, field, type: e.type) { return all }
            return collectionAggregate(f, ref, field, type: e.type)
        case .analytic(_, _, _, _, let id):
            guard let column = analytics[id] else { preconditionFailure("an analytic function was not computed before its stage") }
            return { column[$0] }
        case .toEnum(let inner, let domain):
            let f = value(inner)
            return { r in
                guard let label = f(r).text, let code = domain.code(of: label) else { return .null }
                return .enumeration(code, domain.labels[Int(code)])
            }
        }
    }

    /// Follows `hops` from a row; -1 when a key on the way is null.
    func rowMap(_ hops: [Hop]) -> ((Int) -> Int)? {
        if hops.isEmpty { return nil }
        let links = hops.map { h -> StoreArray<Int32> in
            if h.toRoot {
                guard let tree = store.tables[h.table].hierarchies[h.field] else { preconditionFailure("no hierarchy for root") }
                return tree.root
            }
            guard let l = store.tables[h.table].links[h.field] else { preconditionFailure("no links for a relationship") }
            return l
        }
        if links.count == 1 {
            let l = links[0]
            return { Int(l[$0]) }
        }
        if links.count == 2 {
            let l0 = links[0], l1 = links[1]
            return { r in
                let a = l0[r]
                return a < 0 ? -1 : Int(l1[Int(a)])
            }
        }
        return { r in
            var row = r
            for l in links {
                let next = l[row]
                if next < 0 { return -1 }
                row = Int(next)
            }
            return row
        }
    }

    func fieldReader(hops: [Hop], table: Int, field: Int) -> Eval {
        let direct = storedReader(store.tables[table], field)
        guard let map = rowMap(hops) else { return direct }
        return { r in
            let t = map(r)
            return t < 0 ? .null : direct(t)
        }
    }

    /// A reader of field `field` of `t`'s rows. A foreign key whose text is derived reads
    /// its target's id through the links, so that reading a few rows builds no column.
    func storedReader(_ t: EntityTable, _ field: Int) -> Eval {
        guard let key = t.columns.keys[field] else { return columnReader(t.columns[field]) }
        let links = key.links, ids = key.ids
        return { r in
            let target = links[r]
            return target < 0 ? .null : .string(ids.string(Int(target)))
        }
    }

    func columnReader(_ column: Column) -> Eval {
        switch column {
        case .int(let a): return { let v = a[$0]; return v == Column.nullInt ? .null : .int(v) }
        case .money(let a): return { let v = a[$0]; return v == Column.nullInt ? .null : .money(v) }
        case .decimal(let a): return { let v = a[$0]; return v.isNaN ? .null : .decimal(v) }
        case .date(let a): return { let v = a[$0]; return v == Day.null ? .null : .date(v) }
        case .bool(let a): return { let v = a[$0]; return v < 0 ? .null : .bool(v == 1) }
        case .enumeration(let e):
            let codes = e.codes, labels = e.domain.labels
            return { let c = codes[$0]; return c < 0 ? .null : .enumeration(c, labels[Int(c)]) }
        case .string(let s):
            return { s.isNull($0) ? .null : .string(s.string($0)) }
        case .list(let l):
            return { r in
                let lo = Int(l.offsets[r]), hi = Int(l.offsets[r + 1])
                return lo == hi ? .null : .list((lo..<hi).map { l.dictionary[Int(l.items[$0])] })
            }
        }
    }

    // MARK: - Collections

    /// A compiler for expressions about a collection's child rows.
    func childCompiler(_ ref: CollectionRef) -> ExprCompiler { childCompiler(ref.child) }

    /// A compiler for expressions about the rows of table `child`.
    func childCompiler(_ child: Int) -> ExprCompiler {
        ExprCompiler(store: store, source: .table(store.tables[child]), fiscalYearStart: fiscalYearStart, today: today, cancellation: cancellation)
    }

    /// Calls `body` with each row of a row's collection that passes its filters, in order. A
    /// collection of collections goes step by step (rows of a step in the order of the rows
    /// they came from), and visits each row once when two paths may reach it.
    func children(_ ref: CollectionRef) -> (Int, (Int) -> Void) -> Void {
        let steps = ref.steps.map(step)
        let poll = cancellation.poll
        if steps.count == 1 {
            let only = steps[0]
            return { r, body in
                if poll() { return }
                only(r, body)
            }
        }
        let distinct = ref.mayRepeat
        return { r, body in
            if poll() { return }
            var current = [r]
            for (k, step) in steps.enumerated() {
                var next: [Int] = []
                for p in current { step(p) { next.append($0) } }
                if distinct, k > 0 {
                    var seen = Set<Int>()
                    next = next.filter { seen.insert($0).inserted }
                }
                if next.isEmpty { return }
                current = next
            }
            for c in current { body(c) }
        }
    }

    /// The rows one step of a collection reaches from a row, filtered.
    func step(_ s: CollectionStep) -> (Int, (Int) -> Void) -> Void {
        let filters = s.filters.map(childCompiler(s.child).predicate)
        let map = rowMap(s.hops)
        let parent = store.tables[s.parent]
        @inline(__always) func passes(_ c: Int) -> Bool {
            for f in filters where !f(c) { return false }
            return true
        }
        switch s.kind {
        case .children(let name):
            guard let csr = parent.collections[name] else { preconditionFailure("no rows for collection \(name)") }
            let offsets = csr.offsets, rows = csr.rows
            return { r, body in
                let p = map.map { $0(r) } ?? r
                if p < 0 { return }
                for i in Int(offsets[p])..<Int(offsets[p + 1]) {
                    let c = Int(rows[i])
                    if passes(c) { body(c) }
                }
            }
        case .descendants(let field):
            guard let tree = parent.hierarchies[field] else { preconditionFailure("no hierarchy for descendants") }
            let order = tree.order
            return { r, body in
                let p = map.map { $0(r) } ?? r
                if p < 0 { return }
                for i in tree.descendants(p) {
                    let c = Int(order[i])
                    if passes(c) { body(c) }
                }
            }
        case .ancestors(let field):
            guard let tree = parent.hierarchies[field], let links = parent.links[field] else { preconditionFailure("no hierarchy for ancestors") }
            let depth = tree.depth
            return { r, body in
                let p = map.map { $0(r) } ?? r
                if p < 0 { return }
                // Nearest first; the depth bounds the walk.
                var a = Int(links[p])
                for _ in 0..<Int(depth[p]) where a >= 0 {
                    if passes(a) { body(a) }
                    a = Int(links[a])
                }
            }
        }
    }

    /// The aggregate for every row at once, when enough rows will ask (an eighth of the
    /// table or more) and the form is covered; nil to walk each row's collection instead.
    func perParent(_ f: Aggregate, _ ref: CollectionRef, _ field: TExpr?, type: ValueType) -> Eval? {
        let start = ref.steps[0]
        guard let all = perParentState(f, ref, field) else { return nil }
        let empty = PerParent(rows: 1, fold: all.fold, isDouble: all.isDouble).value(0, f, type: type)
        guard let map = rowMap(start.hops) else { return { r in all.value(r, f, type: type) } }
        return { r in
            let p = map(r)
            return p < 0 ? empty : all.value(p, f, type: type)
        }
    }

    /// The aggregate's state for every row of the collection's start, when enough rows will
    /// ask and the form is covered (computed once per stage: ``Memo``).
    func perParentState(_ f: Aggregate, _ ref: CollectionRef, _ field: TExpr?) -> PerParent? {
        let parentRows = store.tables[ref.steps[0].parent].rowCount
        guard let n = expectedRows, n >= max(atOnceFrom, parentRows / 8), PerParent.isCovered(f, ref, field) else { return nil }
        let key = String(describing: (f, ref, field.map { String(describing: $0) } ?? ""))
        return memo.perParent(key) { (try? PerParent.compute(f, ref, field, compiler: self, cancellation: cancellation)) ?? nil }
    }

    /// A whole-number expression (an int or money: fields, constants, `+` and `-` of its own
    /// type, `sum` and `count` over collections) read as an `Int64` per row, `Column.nullInt`
    /// for null, with the overflow rules of ``value(_:)``; nil for other forms. A sort key
    /// such as `arr + sum(descendants.arr)` is then compared without a ``Value`` per row.
    func integer(_ e: TExpr) -> ((Int) -> Int64)? {
        let null = Column.nullInt
        guard e.type == .int || e.type == .money else { return nil }
        switch e.kind {
        case .field(let hops, let table, let field) where hops.isEmpty && field >= 0 && store.tables[table].columns.keys[field] == nil:
            switch store.tables[table].columns[field] {
            case .int(let a), .money(let a): return { a[$0] }
            default: return nil
            }
        case .constant(let v):
            switch v {
            case .int(let n), .money(let n): return { _ in n }
            case .null: return { _ in null }
            default: return nil
            }
        case .arithmetic(let first, let steps):
            guard first.type == e.type, let head = integer(first),
                  steps.allSatisfy({ ($0.op == .add || $0.op == .subtract) && $0.type == e.type && $0.operand.type == e.type }) else { return nil }
            var operands: [(subtract: Bool, read: (Int) -> Int64)] = []
            for step in steps {
                guard let read = integer(step.operand) else { return nil }
                operands.append((step.op == .subtract, read))
            }
            if operands.count == 1 {
                // `a + b`: no array of operands walked (and retained) per row.
                let (subtract, read) = operands[0]
                return { r in
                    let v = head(r)
                    if v == null { return null }
                    let x = read(r)
                    if x == null { return null }
                    let (sum, overflow) = subtract ? v.subtractingReportingOverflow(x) : v.addingReportingOverflow(x)
                    return overflow ? null : sum
                }
            }
            return { r in
                var v = head(r)
                if v == null { return null }
                for (subtract, read) in operands {
                    let x = read(r)
                    if x == null { return null }
                    let (sum, overflow) = subtract ? v.subtractingReportingOverflow(x) : v.addingReportingOverflow(x)
                    if overflow || sum == null { return null }
                    v = sum
                }
                return v
            }
        case .collectionAggregate(let f, let ref, let field) where f == .sum || f == .count:
            guard childCount(e) == nil, let all = perParentState(f, ref, field), !all.isDouble,
                  f == .count || !all.ints.contains(null) else { return nil }  // a sum of exactly Int64.min is not null
            let map = rowMap(ref.steps[0].hops)
            let counts = all.counts, ints = all.ints, overflowed = all.overflowed
            let count = f == .count
            return { r in
                let p = map.map { $0(r) } ?? r
                if p < 0 { return 0 }
                if count { return counts[p] }
                if !overflowed.isEmpty, overflowed.contains(Int32(p)) { return null }
                return ints[p]  // 0 where there are no values (their counts may not be kept)
            }
        default:
            return nil
        }
    }

    func collectionAggregate(_ f: Aggregate, _ ref: CollectionRef, _ field: TExpr?, type: ValueType) -> Eval {
        let each = children(ref)
        let read = field.map(childCompiler(ref).value)
        let spec = CheckedAggregate(function: f == .exists ? .count : f, argument: field, condition: nil, type: type)
        return { r in
            if f == .exists {
                var found = false
                each(r) { _ in found = true }
                return .bool(found)
            }
            var acc = Grouper.Accumulator()
            each(r) { c in Grouper.add(read.map { $0(c) }, to: &acc, spec.function) }
            return Grouper.finish(acc, spec)
        }
    }

    // MARK: - Predicates

    func predicate(_ e: TExpr) -> Predicate {
        switch e.kind {
        case .constant(let v):
            let b = (v == .bool(true))
            return { _ in b }
        case .not(let inner):
            let p = predicate(inner)
            return { !p($0) }
        case .and(let terms):
            let ps = terms.map(predicate)
            if ps.count == 2 {
                let p = ps[0], q = ps[1]
                return { p($0) && q($0) }
            }
            return { r in
                for p in ps where !p(r) { return false }
                return true
            }
        case .or(let terms):
            let ps = terms.map(predicate)
            if ps.count == 2 {
                let p = ps[0], q = ps[1]
                return { p($0) || q($0) }
            }
            return { r in
                for p in ps where p(r) { return true }
                return false
            }
        case .compare(let op, let a, let b):
            if let fast = columnComparison(op, a, b) ?? childCountComparison(op, a, b) { return fast }
            let f = value(a), g = value(b)
            return { r in Self.compare(op, f(r), g(r)) }
        case .inList(let x, let items, let negated):
            if let fast = enumMembership(x, items, negated: negated) { return fast }
            let f = value(x)
            let fs = items.map(value)
            if items.allSatisfy({ if case .constant = $0.kind { true } else { false } }) {
                let constants = items.compactMap { if case .constant(let v) = $0.kind { v } else { nil } }
                if constants.count > 8 {
                    // A long list: a hash set of the values as `=` sees them (an `in` list of a
                    // million values costs one lookup a row, not a million comparisons).
                    let keys = Set(constants.filter { !$0.isNull }.map(Grouper.KeyPart.init))
                    return { r in
                        let v = f(r)
                        if v.isNull { return false }
                        return keys.contains(Grouper.KeyPart(v)) != negated
                    }
                }
                return { r in
                    let v = f(r)
                    if v.isNull { return false }
                    let hit = constants.contains { Value.equal(v, $0) }
                    return hit != negated
                }
            }
            return { r in
                let v = f(r)
                if v.isNull { return false }
                let hit = fs.contains { Value.equal(v, $0(r)) }
                return hit != negated
            }
        case .inRange(let x, let lo, let hi, let negated):
            if case .field(let hops, let table, let field) = x.kind, case .date(let days) = store.tables[table].columns[field] {
                let inside: Predicate = { r in let d = days[r]; return d != Day.null && d >= lo && d <= hi }
                let outside: Predicate = { r in let d = days[r]; return d != Day.null && (d < lo || d > hi) }
                return through(hops, negated ? outside : inside)
            }
            let f = value(x)
            return { r in
                guard case .date(let d) = f(r) else { return false }
                return (d >= lo && d <= hi) != negated
            }
        case .between(let x, let lo, let hi, let negated):
            let f = value(x), l = value(lo), h = value(hi)
            return { r in
                let v = f(r), a = l(r), b = h(r)
                guard !v.isNull, !a.isNull, !b.isNull, let c1 = Value.compare(v, a), let c2 = Value.compare(v, b) else { return false }
                return (c1 >= 0 && c2 <= 0) != negated
            }
        case .isNull(let x, let negated):
            if case .field(let hops, let t, let field) = x.kind, hops.isEmpty, field >= 0, let key = store.tables[t].columns.keys[field] {
                // A foreign key whose text is derived: null where its link is, no text made.
                let links = key.links
                return { (links[$0] < 0) != negated }
            }
            let f = value(x)
            return { f($0).isNull != negated }
        case .like(let x, let pattern, let negated):
            if case .constant(let pv) = pattern.kind, let p = pv.text, let bytePattern = ByteLikePattern(p),
               case .field(let hops, let table, let field) = x.kind, field >= 0,
               case .string(let column) = store.tables[table].columns[field] {
                // A stored string against an ASCII pattern: matched in place, no String per row.
                let bytes = column.bytes, offsets = column.offsets
                return through(hops) { r in
                    let lo = Int(offsets[r]), hi = Int(offsets[r + 1])
                    if lo == hi { return false }
                    return bytes.withUnsafeBufferPointer { bytePattern.matches(UnsafeBufferPointer(rebasing: $0[lo..<hi]), readable: $0.count - lo) } != negated
                }
            }
            let f = value(x)
            if case .constant(let pv) = pattern.kind, let p = pv.text {
                let matcher = LikePattern(p)
                return { r in
                    guard let s = f(r).text else { return false }
                    return matcher.matches(s) != negated
                }
            }
            let g = value(pattern)
            return { r in
                guard let s = f(r).text, let p = g(r).text else { return false }
                return LikePattern(p).matches(s) != negated
            }
        case .has(let x, let mode, let items, let negated):
            return hasPredicate(x, mode, items, negated)
        default:
            let f = value(e)
            return { f($0) == .bool(true) }
        }
    }

    /// `picklist [not] in (constants)` by a table indexed by code (null is in nothing).
    func enumMembership(_ x: TExpr, _ items: [TExpr], negated: Bool) -> Predicate? {
        guard case .field(let hops, let table, let field) = x.kind, field >= 0,
              case .enumeration(let column) = store.tables[table].columns[field] else { return nil }
        var member = [Bool](repeating: negated, count: column.domain.labels.count)
        for item in items {
            guard case .constant(.enumeration(let code, _)) = item.kind, Int(code) < member.count, code >= 0 else { return nil }
            member[Int(code)] = !negated
        }
        let codes = column.codes
        return through(hops) { r in
            let c = codes[r]
            return c >= 0 && member[Int(c)]
        }
    }

    /// `count(coll)` and `exists(coll)` of an unfiltered collection: the row's span of the
    /// relationship's offsets, without visiting a child.
    func childCount(_ e: TExpr) -> ((Int) -> Int)? {
        guard case .collectionAggregate(let f, let ref, nil) = e.kind, f == .count || f == .exists, ref.steps.count == 1, ref.filters.isEmpty else { return nil }
        let s = ref.steps[0]
        let parent = store.tables[s.parent]
        let count: (Int) -> Int
        switch s.kind {
        case .children(let name):
            guard let csr = parent.collections[name] else { return nil }
            let offsets = csr.offsets
            count = { r in Int(offsets[r + 1] - offsets[r]) }
        case .descendants(let field):
            guard let tree = parent.hierarchies[field] else { return nil }
            let position = tree.position, end = tree.end
            count = { r in Int(end[r] - position[r]) - 1 }
        case .ancestors(let field):
            guard let tree = parent.hierarchies[field] else { return nil }
            let depth = tree.depth
            count = { r in Int(depth[r]) }
        }
        guard let map = rowMap(s.hops) else { return count }
        return { r in
            let p = map(r)
            return p < 0 ? 0 : count(p)
        }
    }

    /// A value with few possible codes, as an array slot per row: a picklist or boolean
    /// column (its codes), or a foreign key (the row it points at), of the row or along a
    /// path. Slot 0 is null (and a null key on the way). Rows with equal values share a slot.
    struct DenseKey {
        let slots: Int
        let slot: (Int) -> Int
        /// For a picklist or foreign key of the row itself: the codes or target rows, so that
        /// `slot(r) == direct[r] + 1` can be read without a call.
        var direct: StoreArray<Int32>? = nil
    }

    func denseKey(_ e: TExpr) -> DenseKey? {
        guard case .field(let hops, let table, let field) = e.kind, field >= 0 else { return nil }
        let t = store.tables[table]
        var key: DenseKey
        // A key's text is not needed (nor built, when derived): its links are the codes.
        switch t.columns.storedColumn(field) {
        case .enumeration(let e):
            let codes = e.codes
            key = DenseKey(slots: e.domain.labels.count + 1, slot: { (r: Int) -> Int in Int(codes[r]) + 1 }, direct: codes)
        case .bool(let values):
            key = DenseKey(slots: 3, slot: { (r: Int) -> Int in Int(values[r]) + 1 })
        case .string:
            guard let links = t.links[field], let reference = t.def.fields[field].reference, let target = store.table(reference.target) else { return nil }
            key = DenseKey(slots: target.rowCount + 1, slot: { (r: Int) -> Int in Int(links[r]) + 1 }, direct: links)
        default:
            return nil
        }
        guard let map = rowMap(hops) else { return key }
        let code = key.slot
        return DenseKey(slots: key.slots, slot: { (r: Int) -> Int in
            let t = map(r)
            return t < 0 ? 0 : code(t)
        })
    }

    /// Applies a predicate on the row reached through `hops`; false when a key is null.
    func through(_ hops: [Hop], _ p: @escaping Predicate) -> Predicate {
        guard let map = rowMap(hops) else { return p }
        return { r in
            let t = map(r)
            return t >= 0 && p(t)
        }
    }

    /// `column OP constant` on int, money, date, enum and bool columns, read directly.
    func columnComparison(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr) -> Predicate? {
        var op = op, a = a, b = b
        if case .constant = a.kind, case .field = b.kind {
            swap(&a, &b)
            op = op.flipped
        }
        guard case .field(let hops, let table, let field) = a.kind, field >= 0, case .constant(let c) = b.kind else { return nil }
        let column = store.tables[table].columns[field]
        func integers(_ values: StoreArray<Int64>, _ k: Int64) -> Predicate {
            let n = Column.nullInt
            switch op {
            case .equal: return { values[$0] == k }
            case .notEqual: return { values[$0] != k }
            case .less: return { let v = values[$0]; return v != n && v < k }
            case .lessEqual: return { let v = values[$0]; return v != n && v <= k }
            case .greater: return { values[$0] > k }
            case .greaterEqual: return { values[$0] >= k }
            default: preconditionFailure("not a comparison")
            }
        }
        func small(_ values: StoreArray<Int32>, _ k: Int32, null: Int32) -> Predicate {
            switch op {
            case .equal: return { values[$0] == k }
            case .notEqual: return { values[$0] != k }
            case .less: return { let v = values[$0]; return v != null && v < k }
            case .lessEqual: return { let v = values[$0]; return v != null && v <= k }
            case .greater: return { let v = values[$0]; return v != null && v > k }
            case .greaterEqual: return { let v = values[$0]; return v != null && v >= k }
            default: preconditionFailure("not a comparison")
            }
        }
        let p: Predicate
        switch (column, c) {
        case (.int(let values), .int(let k)) where k != Column.nullInt:
            p = integers(values, k)
        case (.money(let values), .money(let k)) where k != Column.nullInt:
            p = integers(values, k)
        case (.money(let values), .int(let k)):
            let (cents, overflow) = k.multipliedReportingOverflow(by: 100)
            guard !overflow, cents != Column.nullInt else { return nil }
            p = integers(values, cents)
        case (.date(let values), .date(let k)):
            p = small(values, k, null: Day.null)
        case (.enumeration(let e), .enumeration(let k, _)):
            // Codes are in declared order, so ordering comparisons work on codes too.
            p = small(e.codes, k, null: -1)
        default:
            return nil
        }
        // Through a relationship, a null key means a null value: only != holds.
        guard let map = rowMap(hops) else { return p }
        let nullResult = op == .notEqual
        return { r in
            let t = map(r)
            return t < 0 ? nullResult : p(t)
        }
    }

    /// `count(coll) OP n` (either way round) on integers.
    func childCountComparison(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr) -> Predicate? {
        var op = op, a = a, b = b
        if case .constant = a.kind { swap(&a, &b); op = op.flipped }
        guard let count = childCount(a), case .constant(.int(let k)) = b.kind, case .collectionAggregate(.count, _, _) = a.kind else { return nil }
        switch op {
        case .equal: return { count($0) == k }
        case .notEqual: return { count($0) != k }
        case .less: return { count($0) < k }
        case .lessEqual: return { count($0) <= k }
        case .greater: return { count($0) > k }
        case .greaterEqual: return { count($0) >= k }
        default: return nil
        }
    }

    static func compare(_ op: BinaryOperator, _ x: Value, _ y: Value) -> Bool {
        switch op {
        case .equal: return Value.equal(x, y)
        case .notEqual: return !Value.equal(x, y)
        default:
            guard !x.isNull, !y.isNull, let c = Value.compare(x, y) else { return false }
            switch op {
            case .less: return c < 0
            case .lessEqual: return c <= 0
            case .greater: return c > 0
            case .greaterEqual: return c >= 0
            default: return false
            }
        }
    }

    func hasPredicate(_ x: TExpr, _ mode: HasMode, _ items: [TExpr], _ negated: Bool) -> Predicate {
        if case .field(let hops, let table, let field) = x.kind, case .list(let list) = store.tables[table].columns[field],
           items.allSatisfy({ if case .constant = $0.kind { true } else { false } }) {
            let wanted: [Int32?] = items.map { item in
                if case .constant(let v) = item.kind, let t = v.text { return list.code(of: t) }
                return nil
            }
            let offsets = list.offsets, codes = list.items
            let p: Predicate = { r in
                let lo = Int(offsets[r]), hi = Int(offsets[r + 1])
                if lo == hi { return false }
                func holds(_ w: Int32?) -> Bool {
                    guard let w else { return false }
                    for i in lo..<hi where codes[i] == w { return true }
                    return false
                }
                let hit = mode == .all ? wanted.allSatisfy(holds) : wanted.contains(where: holds)
                return hit != negated
            }
            return through(hops, p)
        }
        let f = value(x)
        let fs = items.map(value)
        return { r in
            guard case .list(let values) = f(r) else { return false }
            let targets = fs.map { $0(r).text }
            func holds(_ t: String?) -> Bool {
                guard let t else { return false }
                return values.contains { foldedEqual($0, t) }
            }
            let hit = mode == .all ? targets.allSatisfy(holds) : targets.contains(where: holds)
            return hit != negated
        }
    }

    // MARK: - Arithmetic

    /// A chain `a + b - c …`: the first step as a pair, then each later step applied to
    /// the result so far in one loop (no closure nested per term).
    func arithmetic(_ first: TExpr, _ steps: [CheckedArithmeticStep]) -> Eval {
        let head = arithmetic(steps[0].op, first, steps[0].operand, type: steps[0].type)
        if steps.count == 1 { return head }
        enum Step {
            case duration(Duration, sign: Int)
            case value(BinaryOperator, Eval, ValueType)
        }
        let rest: [Step] = steps.dropFirst().map { step in
            if case .duration(let d) = step.operand.kind { return .duration(d, sign: step.op == .subtract ? -1 : 1) }
            return .value(step.op, value(step.operand), step.type)
        }
        return { r in
            var v = head(r)
            for step in rest {
                switch step {
                case .duration(let d, let sign):
                    guard case .date(let x) = v, let moved = d.add(to: x, sign: sign) else { return .null }
                    v = .date(moved)
                case .value(let op, let g, let type):
                    v = Self.arithmetic(op, v, g(r), type: type)
                }
            }
            return v
        }
    }

    func arithmetic(_ op: BinaryOperator, _ a: TExpr, _ b: TExpr, type: ValueType) -> Eval {
        // Dates and durations.
        if case .duration(let d) = b.kind {
            let f = value(a)
            let sign = op == .subtract ? -1 : 1
            return { r in
                guard case .date(let x) = f(r), let moved = d.add(to: x, sign: sign) else { return .null }
                return .date(moved)
            }
        }
        if case .duration(let d) = a.kind {
            let g = value(b)
            return { r in
                guard case .date(let x) = g(r), let moved = d.add(to: x) else { return .null }
                return .date(moved)
            }
        }
        let f = value(a), g = value(b)
        return { r in Self.arithmetic(op, f(r), g(r), type: type) }
    }

    static func arithmetic(_ op: BinaryOperator, _ x: Value, _ y: Value, type: ValueType) -> Value {
        if x.isNull || y.isNull { return .null }
        switch (x, y) {
        case (.date(let d), .int(let n)):
            let moved = Duration(count: Int(n), unit: .day).add(to: d, sign: op == .subtract ? -1 : 1)
            return moved.map { .date($0) } ?? .null
        case (.int(let n), .date(let d)):
            return Duration(count: Int(n), unit: .day).add(to: d).map { .date($0) } ?? .null
        case (.date(let d1), .date(let d2)):
            return .int(Int64(d1) - Int64(d2))
        default: break
        }
        if op == .divide {
            guard let a = x.asDouble, let b = y.asDouble, b != 0 else { return .null }
            return .decimal(a / b)
        }
        switch type {
        case .int:
            guard case .int(let a) = x, case .int(let b) = y else { return .null }
            let (v, o): (Int64, Bool)
            switch op {
            case .add: (v, o) = a.addingReportingOverflow(b)
            case .subtract: (v, o) = a.subtractingReportingOverflow(b)
            default: (v, o) = a.multipliedReportingOverflow(by: b)
            }
            return o || v == Column.nullInt ? .null : .int(v)
        case .money:
            // Money with money adds cents; a plain number next to money counts whole currency units.
            // A decimal next to money counts currency units and rounds to the cent.
            func cents(_ v: Value) -> Int64? {
                switch v {
                case .money(let c): return c
                case .int(let n): return n.multipliedReportingOverflow(by: 100).overflow ? nil : n * 100
                case .decimal(let d):
                    let c = (d * 100).rounded(.toNearestOrAwayFromZero)
                    return Swift.abs(c) < 9.2e18 ? Int64(c) : nil
                default: return nil
                }
            }
            if op == .multiply {
                if case .money(let c) = x, case .int(let n) = y { return checkedMoney(c.multipliedReportingOverflow(by: n)) }
                if case .int(let n) = x, case .money(let c) = y { return checkedMoney(c.multipliedReportingOverflow(by: n)) }
                // Cents times the factor, so that 214498.05 × 1.5 rounds from an exact 32174707.5 cents.
                let product: Double
                switch (x, y) {
                case (.money(let c), .decimal(let d)), (.decimal(let d), .money(let c)): product = Double(c) * d
                default:
                    guard let a = x.asDouble, let b = y.asDouble else { return .null }
                    product = a * b * 100
                }
                let v = product.rounded(.toNearestOrAwayFromZero)
                return Swift.abs(v) < 9.2e18 ? .money(Int64(v)) : .null
            }
            guard let a = cents(x), let b = cents(y) else { return .null }
            return checkedMoney(op == .add ? a.addingReportingOverflow(b) : a.subtractingReportingOverflow(b))
        default:
            guard let a = x.asDouble, let b = y.asDouble else { return .null }
            switch op {
            case .add: return .decimal(a + b)
            case .subtract: return .decimal(a - b)
            default: return .decimal(a * b)
            }
        }
    }

    static func checkedMoney(_ r: (partialValue: Int64, overflow: Bool)) -> Value {
        r.overflow || r.partialValue == Column.nullInt ? .null : .money(r.partialValue)
    }

    // MARK: - Functions

    func call(_ f: Function, _ args: [TExpr]) -> Eval {
        let a = args.map(value)
        let fiscalStart = fiscalYearStart, today = today
        switch f {
        case .lower: return { r in a[0](r).text.map { .string($0.lowercased()) } ?? .null }
        case .upper: return { r in a[0](r).text.map { .string($0.uppercased()) } ?? .null }
        case .length:
            return { r in
                switch a[0](r) {
                case .list(let l): return .int(Int64(l.count))
                case .string(let s), .enumeration(_, let s): return .int(Int64(s.count))
                default: return .null
                }
            }
        case .contains, .starts_with, .ends_with:
            return { r in
                guard let s = a[0](r).text, let sub = a[1](r).text else { return .null }
                let x = s.lowercased(), y = sub.lowercased()
                switch f {
                case .contains: return .bool(y.isEmpty || x.contains(y))
                case .starts_with: return .bool(x.hasPrefix(y))
                default: return .bool(x.hasSuffix(y))
                }
            }
        case .coalesce:
            return { r in
                for g in a {
                    let v = g(r)
                    if !v.isNull { return v }
                }
                return .null
            }
        case .if:
            let cond = predicate(args[0])
            return { r in cond(r) ? a[1](r) : a[2](r) }
        case .round:
            var digits = 0
            if args.count == 2, case .constant(.int(let d)) = args[1].kind { digits = Int(d) }
            return { r in Self.round(a[0](r), digits: digits) }
        case .abs:
            return { r in
                switch a[0](r) {
                case .int(let v): return v == .min ? .null : .int(Swift.abs(v))
                case .money(let v): return .money(Swift.abs(v))
                case .decimal(let d): return .decimal(Swift.abs(d))
                default: return .null
                }
            }
        case .floor, .ceil:
            let up = f == .ceil
            return { r in
                switch a[0](r) {
                case .int(let v): return .int(v)
                case .money(let c):
                    let whole = c / 100 * 100
                    if whole == c { return .money(c) }
                    return .money(up ? (c > 0 ? whole + 100 : whole) : (c < 0 ? whole - 100 : whole))
                case .decimal(let d):
                    let v = up ? d.rounded(.up) : d.rounded(.down)
                    return Swift.abs(v) < 9.2e18 ? .int(Int64(v)) : .null
                default: return .null
                }
            }
        case .year, .quarter, .month, .day, .fiscal_year, .fiscal_quarter, .days_since, .days_until:
            return { r in
                guard case .date(let d) = a[0](r) else { return .null }
                switch f {
                case .year: return .int(Int64(Day.civil(d).year))
                case .month: return .int(Int64(Day.civil(d).month))
                case .day: return .int(Int64(Day.civil(d).day))
                case .quarter: return .int(Int64((Day.civil(d).month - 1) / 3 + 1))
                case .fiscal_year: return .int(Int64(Day.fiscalYear(d, start: fiscalStart).year))
                case .fiscal_quarter: return .int(Int64(Day.fiscalQuarter(d, start: fiscalStart)))
                case .days_since: return .int(Int64(today) - Int64(d))
                default: return .int(Int64(d) - Int64(today))
                }
            }
        case .start_of:
            var unit = PeriodUnit.month
            if case .constant(.string(let u)) = args[1].kind, let p = PeriodUnit(word: u) { unit = p }
            let u = unit
            return { r in
                guard case .date(let d) = a[0](r) else { return .null }
                return .date(Day.startOf(d, u))
            }
        }
    }

    static func round(_ v: Value, digits: Int) -> Value {
        switch v {
        case .int: return v
        case .money(let c):
            if digits >= 2 { return v }
            let unit: Int64 = digits == 1 ? 10 : 100
            let q = (Swift.abs(c) + unit / 2) / unit * unit
            return .money(c < 0 ? -q : q)
        case .decimal(let d):
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            return .decimal((d * scale).rounded(.toNearestOrAwayFromZero) / scale)
        default: return .null
        }
    }
}

extension BinaryOperator {
    /// The operator with its operands swapped: `5 < x` is `x > 5`.
    var flipped: BinaryOperator {
        switch self {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: self
        }
    }
}

/// A `like` pattern: `%` any run, `_` one character, case-insensitive.
struct LikePattern {
    let pattern: [Character]

    init(_ p: String) { pattern = Array(p.lowercased()) }

    func matches(_ s: String) -> Bool {
        let text = Array(s.lowercased())
        return likeMatches(pattern.count, text.count, isAnyRun: { pattern[$0] == "%" },
                           matchesOne: { p, t in pattern[p] == "_" || pattern[p] == text[t] })
    }
}

/// A `like` pattern of ASCII letters, digits, punctuation and `%` (no `_`), matched on
/// UTF-8 bytes with ASCII case folding: exact for any text, since `%` may take any run of
/// bytes and an ASCII byte never occurs inside a multi-byte character. (`_` is one
/// character, not one byte, so patterns with it use ``LikePattern``.) One difference:
/// the few non-ASCII letters whose lower case is ASCII (`İ`, the Kelvin sign) do not match
/// their ASCII look-alikes here.
///
/// With `%` the only wildcard, a pattern is literal pieces between `%`s: the text must start
/// with the first piece (unless the pattern starts with `%`), end with the last (unless it
/// ends with `%`), and hold the others in order between them, each found leftmost (which is
/// never worse for the pieces after it). No backtracking.
struct ByteLikePattern {
    /// The literal pieces, lower-cased, one after another; piece `k` ends at `ends[k]`.
    let pieceBytes: [UInt8]
    let ends: [Int]
    let anchoredStart: Bool
    let anchoredEnd: Bool
    /// No `%` at all: the text must equal the one piece.
    let exact: Bool

    init?(_ p: String) {
        let bytes = Array(p.utf8)
        let percent = UInt8(ascii: "%")
        guard bytes.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "_") }) else { return nil }
        let pieces = bytes.map(asciiLower).split(separator: percent, omittingEmptySubsequences: true)
        pieceBytes = pieces.flatMap { $0 }
        var end = 0
        ends = pieces.map { end += $0.count; return end }
        exact = !bytes.contains(percent)
        anchoredStart = bytes.first != percent
        anchoredEnd = bytes.last != percent
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>, readable: Int? = nil) -> Bool {
        withMatcher { $0.matches(text, readable: readable) }
    }

    /// The pattern as pointers, for matching many texts without reference counting per text.
    func withMatcher<R>(_ body: (Matcher) -> R) -> R {
        pieceBytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                body(Matcher(bytes: bytes, ends: ends, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd, exact: exact))
            }
        }
    }

    struct Matcher {
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<Int>
        let anchoredStart: Bool
        let anchoredEnd: Bool
        let exact: Bool

        @inline(__always)
        func piece(_ k: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[(k == 0 ? 0 : ends[k - 1])..<ends[k]])
        }

        /// Whether `text` matches; `readable` bytes from its start may be loaded (see `find`).
        func matches(_ text: UnsafeBufferPointer<UInt8>, readable: Int? = nil) -> Bool {
            if exact {
                return bytes.count == text.count && ByteLikePattern.equal(bytes, text, at: 0)
            }
            var lo = 0, hi = text.count
            var first = 0, last = ends.count
            if anchoredStart, last > 0 {
                let p = piece(0)
                guard p.count <= hi, ByteLikePattern.equal(p, text, at: 0) else { return false }
                lo = p.count
                first = 1
            }
            if anchoredEnd, first < last {
                let p = piece(last - 1)
                guard p.count <= hi - lo, ByteLikePattern.equal(p, text, at: hi - p.count) else { return false }
                hi -= p.count
                last -= 1
            }
            for k in first..<max(first, last) {
                let p = piece(k)
                guard let at = ByteLikePattern.find(p, text, from: lo, to: hi, readable: readable) else { return false }
                lo = at + p.count
            }
            return true
        }
    }

    @inline(__always)
    static func equal(_ piece: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        for i in 0..<piece.count where asciiLower(text[start + i]) != piece[i] { return false }
        return true
    }

    /// The first position in `from..<to` where `piece` starts and ends before `to`.
    ///
    /// Eight positions at a time: a word of text and the word one byte on, both ORed with
    /// 0x20 (lower case for letters; any other byte pairs with one other byte, which only
    /// adds candidates), are compared with the piece's first two bytes; a position is checked
    /// in full only where both agree. `readable` is how many bytes from the text's start may
    /// be loaded (more than `to` when the text sits inside a larger arena), so short texts
    /// still take whole words; what lies past `to` is never a match.
    static func find(_ piece: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int, readable: Int? = nil) -> Int? {
        let m = piece.count
        if m == 0 { return from }
        if to - from < m { return nil }
        let head = piece[0]
        // The first byte in both cases, if it is a letter (the piece is lower case).
        let other = head >= 97 && head <= 122 ? head - 32 : head
        let last = to - m
        @inline(__always) func startsAt(_ i: Int) -> Bool {
            let b = text[i]
            if b != head && b != other { return false }
            var j = 1
            while j < m && asciiLower(text[i + j]) == piece[j] { j += 1 }
            return j == m
        }
        var i = from
        if let base = text.baseAddress {
            let end = readable ?? text.count
            let ones: UInt64 = 0x0101_0101_0101_0101
            let case20 = ones &* 0x20
            let step = m > 1 ? 1 : 0
            let first = ones &* UInt64(head | 0x20), second = ones &* UInt64((m > 1 ? piece[1] : head) | 0x20)
            while i <= last, i + 8 + step <= end {
                let a = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) | case20
                let b = UnsafeRawPointer(base + i + step).loadUnaligned(as: UInt64.self) | case20
                if hasZeroByte((a ^ first) | (b ^ second)) != 0 {
                    for j in i...min(i + 7, last) where startsAt(j) { return j }
                }
                i += 8
            }
        }
        while i <= last {
            if startsAt(i) { return i }
            i += 1
        }
        return nil
    }

}

/// Wildcard matching with backtracking to the last `%`, shared by both `like` matchers:
/// `isAnyRun(p)` says pattern element `p` is a `%`; `matchesOne(p, t)` whether the other
/// pattern element `p` matches text element `t`.
@inline(__always)
func likeMatches(_ patternCount: Int, _ textCount: Int, isAnyRun: (Int) -> Bool, matchesOne: (Int, Int) -> Bool) -> Bool {
    var t = 0, p = 0
    var starP = -1, starT = 0
    while t < textCount {
        if p < patternCount, isAnyRun(p) {
            starP = p
            starT = t
            p += 1
        } else if p < patternCount, matchesOne(p, t) {
            t += 1
            p += 1
        } else if starP >= 0 {
            p = starP + 1
            starT += 1
            t = starT
        } else {
            return false
        }
    }
    while p < patternCount, isAnyRun(p) { p += 1 }
    return p == patternCount
}
