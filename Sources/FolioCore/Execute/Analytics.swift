/// Analytic functions (`rank`, `row_number`, `share`, `running_sum`, `previous`, `next`):
/// each sees every row of the stage it is in, in the rows' current order, so it is computed
/// over them before the stage's expressions run; an expression then reads its value for a
/// row from the column computed here.
///
/// Semantics, as SQL's window functions (the SQL backend compiles them to those):
/// - `rank(x [desc] [per k])`: 1 + the rows of the group ordered before it by x (nulls
///   last, either direction), ties sharing a rank with gaps after (SQL `RANK`);
/// - `row_number(x …)`: the position in that order, ties in the current order (without an
///   argument, the current order itself);
/// - `share(x [per k])`: x over the sum of x in the group, a decimal; null when x is null or
///   the sum is 0;
/// - `running_sum(x [per k])`: the sum of x over the group's rows so far, in the current
///   order (null until a value is met, as SQL's `SUM … ROWS UNBOUNDED PRECEDING`);
/// - `previous(x [per k])`, `next(x [per k])`: x of the row before or after in the group,
///   in the current order (null at the ends).
enum Analytics {
    /// The values of every analytic function in `exprs`, by id, for the rows `rows` (nil:
    /// all `count` rows) of the compiler's source, indexed by row number.
    /// `select …, rank(…) as r | where r <= K and …`: the ranks the condition keeps are at
    /// most K, so a rank above K need not be exact (the row goes, and nothing before the
    /// condition reads it). By analytic id, the K of each `rank` or `row_number` column the
    /// next condition bounds so in a top-level AND-term.
    static func rankBounds(_ condition: TExpr, _ items: [TExpr]) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for term in AccessPlanner.conjuncts(condition) {
            guard case .compare(let op, let l, let r) = term.kind, op == .lessEqual || op == .less,
                  case .column(let i) = l.kind, i < items.count,
                  case .analytic(let f, _, _, _, let id) = items[i].kind, f == .rank || f == .row_number,
                  case .constant(.int(let k)) = r.kind else { continue }
            let bound = op == .less ? k - 1 : k
            if bound >= 0, bound < Int64(Int32.max) { out[id] = min(out[id] ?? .max, Int(bound)) }
        }
        return out
    }

    static func compute(_ exprs: [TExpr], rows: [Int32]?, count: Int, compiler: ExprCompiler, cancellation: Cancellation,
                        bounds: [Int: Int] = [:]) throws(Interrupted) -> [Int: [Value]] {
        var out: [Int: [Value]] = [:]
        let nodes = exprs.flatMap(\.analytics)
        if nodes.isEmpty { return out }
        let selected = rows ?? Array(0..<Int32(count))
        for node in nodes {
            try cancellation.check()
            guard case .analytic(let f, let argument, let descending, let per, let id) = node.kind else { continue }
            out[id] = try values(f, argument, descending: descending, per: per, type: node.type, rows: selected, count: count, compiler: compiler, cancellation,
                                 bound: bounds[id])
        }
        return out
    }

    static func values(_ f: AnalyticFunction, _ argument: TExpr?, descending: Bool, per: TExpr?, type: ValueType, rows: [Int32], count: Int,
                       compiler: ExprCompiler, _ cancellation: Cancellation, bound: Int? = nil) throws(Interrupted) -> [Value] {
        if f == .rank || f == .row_number, let ranks = try indexedRanks(f, argument, descending: descending, per: per, rows: rows, count: count,
                                                                         compiler: compiler, cancellation, bound: bound) {
            return ranks
        }
        var result = [Value](repeating: .null, count: count)
        let args: [Value]? = try argument.map { a throws(Interrupted) in try cancellation.map(rows, compiler.value(a)) }
        // Positions of `rows` grouped by key, groups and members in the rows' order.
        var groups: [[Int]] = []
        if let per, let dense = compiler.denseKey(per) {
            // A picklist, boolean or foreign key: its slots, bucketed in one pass.
            var slotGroup = [Int32](repeating: -1, count: dense.slots)
            for (i, r) in rows.enumerated() {
                let slot = dense.slot(Int(r))
                if slotGroup[slot] < 0 {
                    slotGroup[slot] = Int32(groups.count)
                    groups.append([])
                }
                groups[Int(slotGroup[slot])].append(i)
            }
        } else if let per {
            let keys = try cancellation.map(rows, compiler.value(per))
            var index: [Grouper.KeyPart: Int] = [:]
            for (i, k) in keys.enumerated() {
                let part = Grouper.KeyPart(k)
                if let g = index[part] {
                    groups[g].append(i)
                } else {
                    index[part] = groups.count
                    groups.append([i])
                }
            }
        } else {
            groups = [Array(rows.indices)]
        }
        for (n, members) in groups.enumerated() {
            if n % 1024 == 0 { try cancellation.check() }
            switch f {
            case .rank, .row_number:
                if let args, let keys = integerKeys(args) {
                    // Numbers and dates as whole numbers: sorted as (null last, key, position).
                    var order = members.map { (keys[$0], Int32($0)) }
                    let nullKey = Int64.min
                    if descending {
                        order.sort { a, b in
                            if a.0 != b.0 { return a.0 == nullKey ? false : (b.0 == nullKey ? true : a.0 > b.0) }
                            return a.1 < b.1
                        }
                    } else {
                        order.sort { a, b in
                            if a.0 != b.0 { return a.0 == nullKey ? false : (b.0 == nullKey ? true : a.0 < b.0) }
                            return a.1 < b.1
                        }
                    }
                    var rank = 1
                    for (k, entry) in order.enumerated() {
                        if f == .row_number || k == 0 || entry.0 != order[k - 1].0 { rank = k + 1 }
                        result[Int(rows[Int(entry.1)])] = .int(Int64(rank))
                    }
                    continue
                }
                var order = members
                if let args {
                    // Stable: ties keep the current order. Nulls last in either direction.
                    order.sort { i, j in
                        let a = args[i], b = args[j]
                        if a.isNull || b.isNull { return !a.isNull && b.isNull }
                        let c = Value.compare(a, b) ?? 0
                        return c == 0 ? i < j : (descending ? c > 0 : c < 0)
                    }
                }
                var rank = 1
                for (k, i) in order.enumerated() {
                    if f == .rank, k > 0, let args {
                        let a = args[i], b = args[order[k - 1]]
                        let tied = (a.isNull && b.isNull) || (!a.isNull && !b.isNull && Value.compare(a, b) == 0)
                        if !tied { rank = k + 1 }
                    } else {
                        rank = k + 1
                    }
                    result[Int(rows[i])] = .int(Int64(rank))
                }
            case .share:
                guard let args else { break }
                let total = members.reduce(0.0) { $0 + (args[$1].asDouble ?? 0) }
                for i in members {
                    guard let v = args[i].asDouble, total != 0 else { continue }
                    result[Int(rows[i])] = .decimal(v / total)
                }
            case .running_sum:
                guard let args else { break }
                var acc = Grouper.Accumulator()
                let spec = CheckedAggregate(function: .sum, argument: argument, condition: nil, type: type)
                for i in members {
                    Grouper.add(args[i], to: &acc, .sum)
                    result[Int(rows[i])] = acc.count == 0 ? .null : Grouper.finish(acc, spec)
                }
            case .previous, .next:
                guard let args else { break }
                let step = f == .previous ? -1 : 1
                for (k, i) in members.enumerated() {
                    let other = k + step
                    if other >= 0, other < members.count { result[Int(rows[i])] = args[members[other]] }
                }
            }
        }
        return result
    }

    /// `rank` or `row_number` of a stored int, money or date field of the table by its sorted
    /// index: the index is walked in the asked direction, keeping the rows of the input, each
    /// numbered within its group (a picklist, boolean or key of the row, bucketed by slot),
    /// then the nulls last; no sort at all. `row_number` breaks ties by the rows' order, so
    /// it needs the input in row order (as a table's rows are until sorted). Nil when no
    /// index serves.
    ///
    /// With a `bound` K (``rankBounds(_:_:)``), the walk stops once every group among the
    /// rows has numbered K rows and the ties of its K-th: the others get K + 1.
    static func indexedRanks(_ f: AnalyticFunction, _ argument: TExpr?, descending: Bool, per: TExpr?, rows: [Int32], count: Int,
                             compiler: ExprCompiler, _ cancellation: Cancellation, bound: Int? = nil) throws(Interrupted) -> [Value]? {
        guard let argument, case .field(let hops, let t, let field) = argument.kind, hops.isEmpty, field >= 0,
              case .table(let table) = compiler.source, compiler.store.tables[t] === table, count == table.rowCount,
              let index = table.indexes.sorted[field], let value = AccessPlanner.integerReader(table.columns[field]) else { return nil }
        let dense: ExprCompiler.DenseKey?
        if let per {
            guard let d = compiler.denseKey(per) else { return nil }
            dense = d
        } else {
            dense = nil
        }
        if f == .row_number, !zip(rows, rows.dropFirst()).allSatisfy({ $0 < $1 }) { return nil }
        var members = RowBitmap(count: count)
        for r in rows { members.insert(r) }
        let slots = dense?.slots ?? 1
        var seen = [Int](repeating: 0, count: slots)
        var last = [Int64](repeating: 0, count: slots)
        var lastRank = [Int](repeating: 0, count: slots)
        // Groups among the rows, and how many have numbered all they must (with a bound).
        var open = 0
        var closed = [Bool](repeating: false, count: bound == nil ? 0 : slots)
        if bound != nil {
            var present = [Bool](repeating: false, count: slots)
            for r in rows {
                let g = dense?.slot(Int(r)) ?? 0
                if !present[g] {
                    present[g] = true
                    open += 1
                }
            }
        }
        var result = [Value](repeating: bound.map { .int(Int64($0) + 1) } ?? .null, count: count)
        let order = index.order
        let n = order.count
        func number(_ i: Int) {
            let row = order[i]
            guard members.contains(row) else { return }
            let r = Int(row)
            let g = dense?.slot(r) ?? 0
            let v = value(r)
            if let bound {
                if closed[g] { return }
                // Past the K-th and its ties, a group's ranks are all above K.
                if seen[g] >= bound, f == .row_number || v != last[g] {
                    closed[g] = true
                    open -= 1
                    return
                }
            }
            seen[g] += 1
            if f == .row_number || seen[g] == 1 || v != last[g] { lastRank[g] = seen[g] }
            last[g] = v
            result[r] = .int(Int64(lastRank[g]))
        }
        if !descending {
            for i in 0..<n {
                if i & 0xFFFF == 0xFFFF { try cancellation.check() }
                number(i)
                if bound != nil, open == 0 { return result }
            }
        } else {
            // From the top value down, each run of equal values in row order (the index
            // keeps ties so), as the rows' order breaks ties.
            var end = n
            var step = 0
            while end > 0 {
                step += 1
                if step & 0xFFFF == 0xFFFF { try cancellation.check() }
                let v = value(Int(order[end - 1]))
                var start = end - 1
                while start > 0, value(Int(order[start - 1])) == v { start -= 1 }
                for i in start..<end { number(i) }
                if bound != nil, open == 0 { return result }
                end = start
            }
        }
        // A group the walk did not close (fewer than K non-null rows) numbers its nulls below;
        // the rows of closed groups keep K + 1.
        // Nulls (not in the index) last in either direction, tied with each other.
        if n < count {
            var firstNull = [Int](repeating: 0, count: slots)
            let nullValue = AccessPlanner.nullSentinel(table.columns[field])
            for row in rows where value(Int(row)) == nullValue {
                let r = Int(row)
                let g = dense?.slot(r) ?? 0
                if bound != nil, closed[g] { continue }
                seen[g] += 1
                if firstNull[g] == 0 { firstNull[g] = seen[g] }
                result[r] = .int(Int64(f == .row_number ? seen[g] : firstNull[g]))
            }
        }
        return result
    }

    /// Whole-number sort keys for ints, money and dates (Int64.min for null); nil when the
    /// values are of another kind.
    static func integerKeys(_ values: [Value]) -> [Int64]? {
        var keys = [Int64](repeating: .min, count: values.count)
        for (i, v) in values.enumerated() {
            switch v {
            case .null: continue
            case .int(let n), .money(let n):
                if n == .min { return nil }
                keys[i] = n
            case .date(let d): keys[i] = Int64(d)
            default: return nil
            }
        }
        return keys
    }
}
