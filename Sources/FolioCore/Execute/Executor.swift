import Dispatch

/// Runs a checked pipeline against the store: stage by stage over a selection of row
/// numbers, materialising a ``Frame`` at `select`, `count` and the end.
public struct Executor {
    public let store: Store
    public let today: Int32
    public let fiscalYearStart: Int
    public let cancellation: Cancellation
    /// How much of the result the caller looks at.
    public var shape: Shape = .all

    /// How much of a result its caller looks at, and so how much of it is built. A result
    /// that is whole before its rows are read out (a count, a group's rows) comes back whole.
    public enum Shape {
        /// Every row, in one frame.
        case all
        /// The first `head` and the last `tail` rows, as a table that elides its middle shows
        /// them: the rows between are counted, not built (``Frame/omitted``).
        case ends(head: Int, tail: Int)
        /// Every row, in frames of at most `rows` rows handed to `sink` as they are built (the
        /// first, empty when there are no rows, carries the columns); the result holds none
        /// (``Frame/streamed``). Batch output writes each as it comes.
        case chunks(rows: Int, sink: (Frame) -> Void)
    }

    public init(store: Store, today: Int32, fiscalYearStart: Int, cancellation: Cancellation = .never) {
        self.store = store
        self.today = today
        self.fiscalYearStart = fiscalYearStart
        self.cancellation = cancellation
    }

    /// What one stage did when it ran (`explain analyze`): the rows it gave and its time.
    public struct StageTrace: Sendable {
        public var rows: Int
        public var milliseconds: Double
    }

    /// The rows of the pipeline; throws ``Interrupted`` when cancelled.
    public func run(_ p: CheckedPipeline) throws(Interrupted) -> Frame {
        var trace: [StageTrace]? = nil
        return try run(p, trace: &trace)
    }

    /// The rows of the pipeline, and with `trace` non-nil what each stage did: the source
    /// first (an id lookup's time, when one narrowed it), then each stage, then turning the
    /// rows into the result.
    public func run(_ p: CheckedPipeline, trace: inout [StageTrace]?) throws(Interrupted) -> Frame {
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap(_ rows: Int) {
            guard trace != nil else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            trace?.append(StageTrace(rows: rows, milliseconds: Double(now - clock) / 1e6))
            clock = now
        }
        let table = store.tables[p.table]
        var source = RowSource.table(table)
        var rows: [Int32]? = nil  // nil: every row of the source, in order
        var stages = p.stages[...]
        var chart: Chart?
        var omission: Frame.Omitted?
        lap(table.rowCount)
        do {
            try runStages(&stages, table: p.table, &source, &rows, &chart, &omission, lap)
        } catch {
            // What the stages built so far (a projected frame of millions of strings) is freed
            // on another thread, so that Ctrl-C gives the prompt back at once.
            Garbage.discard((consume source, consume rows))
            throw error
        }
        var result: Frame
        switch source {
        case .frame(let f):
            if let rows {
                result = try materialize(rows, f.columns, f.values.map { col in { col[$0] } }, omission: omission)
            } else if f.omitted == nil, !f.streamed, case .chunks = shape, f.rowCount > 0 {
                // Built whole (a group's rows): still written a chunk at a time.
                result = try materialize(Array(0..<Int32(f.rowCount)), f.columns, f.values.map { col in { col[$0] } })
            } else {
                result = f
            }
        case .table(let t):
            let compiler = ExprCompiler(store: store, source: source, fiscalYearStart: fiscalYearStart, today: today, cancellation: cancellation)
            let selected = rows ?? Array(0..<Int32(t.rowCount))
            result = try materialize(selected, p.columns, t.columns.indices.map { compiler.storedReader(t, $0) }, omission: omission)
        }
        result.chart = chart
        lap(result.rowCount)
        return result
    }

    /// The stages of a pipeline, in order, over `rows` of `source`.
    private func runStages(_ stages: inout ArraySlice<CheckedStage>, table: Int, _ source: inout RowSource, _ rows: inout [Int32]?,
                           _ chart: inout Chart?, _ omission: inout Frame.Omitted?, _ lap: (Int) -> Void) throws(Interrupted) {
        // A filter's row count when an index knows it and only `count` follows.
        var counted: Int? = nil
        while let stage = stages.popFirst() {
            defer { lap(counted ?? rows?.count ?? rowCount(source)) }
            var compiler = ExprCompiler(store: store, source: source, fiscalYearStart: fiscalYearStart, today: today, cancellation: cancellation)
            let count = rowCount(source)
            compiler.expectedRows = rows?.count ?? count
            // Analytic functions see all the stage's rows, in their order, before it runs.
            let exprs = Self.expressions(of: stage)
            if exprs.contains(where: { !$0.analytics.isEmpty }) {
                var bounds: [Int: Int] = [:]
                if case .project(let items) = stage, case .filter(let e)? = stages.first { bounds = Analytics.rankBounds(e, items.map(\.expr)) }
                compiler.analytics = try Analytics.compute(exprs, rows: rows, count: count, compiler: compiler, cancellation: cancellation, bounds: bounds)
            }
            switch stage {
            case .filter(let e):
                guard case .table = source else {
                    rows = try cancellation.filter(rows, count: count, compiler.predicate(e))
                    break
                }
                let planner = AccessPlanner(store: store, compiler: compiler)
                let plan = planner.plan(e, table: table, incoming: rows?.count)
                if case .count? = stages.first, let known = plan.knownCount {
                    counted = known
                } else {
                    rows = try planner.run(plan, table: table, incoming: rows, cancellation: cancellation)
                }
            case .project(let items):
                // `select … | where …` on a table's rows: the condition is read through the
                // projected expressions and checked first, so only the rows it keeps are
                // projected (and none, when only `count` follows). The select's analytic
                // functions were computed above over all its rows, as they must be.
                if case .table = source, case .filter(let e)? = stages.first {
                    let through = e.replacingColumns(with: items.map(\.expr))
                    func id(_ a: TExpr) -> Int? { if case .analytic(_, _, _, _, let id) = a.kind { id } else { nil } }
                    let computed = Set(exprs.flatMap(\.analytics).compactMap(id))
                    if through.analytics.allSatisfy({ id($0).map(computed.contains) ?? false }) {
                        stages.removeFirst()
                        rows = try cancellation.filter(rows, count: count, compiler.predicate(through))
                        if case .count? = stages.first { break }
                    }
                }
                // `select … | sort … | limit N` on a table's rows: the sort keys are read through
                // the projected expressions, the first N+offset rows found on the table, and
                // only they are projected (the limit then takes them in order).
                if case .table = source, case .sort(let keys)? = stages.first,
                   case .limit(let n, let offset)? = stages.dropFirst().first {
                    let k = n.addingReportingOverflow(offset).overflow ? Int.max : n + offset
                    let through = keys.map { CheckedSortKey(expr: $0.expr.replacingColumns(with: items.map(\.expr)), descending: $0.descending, nullsFirst: $0.nullsFirst) }
                    let available = rows?.count ?? count
                    if k < available {
                        if let walked = try indexedTop(through, k, source: source, rows: rows, compiler) {
                            rows = walked
                        } else {
                            rows = try sorter(through, compiler).top(rows ?? Array(0..<Int32(count)), k)
                        }
                        stages.removeFirst()
                    }
                }
                let evals = items.map { compiler.value($0.expr) }
                // `select … | limit N`: a projection keeps rows one for one and in order, so
                // only the rows the limit keeps are projected (the limit then keeps them all).
                if case .limit(let n, let offset)? = stages.first {
                    rows = Self.limited(rows, count: count, n, offset)
                    stages[stages.startIndex] = .limit(n, offset: 0)
                }
                let selected = rows ?? Array(0..<Int32(count))
                let columns = items.map { OutputColumn(name: $0.name, type: $0.expr.type) }
                // The last stage builds only the rows the caller looks at.
                let frame = stages.isEmpty ? try materialize(selected, columns, evals, omission: omission)
                                           : try materialize(selected, columns, evals, shape: .all)
                source = .frame(frame)
                rows = nil
            case .sort(let keys):
                // `sort … | limit N` (projections between change no order): keep only the
                // first N+offset instead of sorting everything — unless a projection between
                // has an analytic function, which must see every row.
                let between = stages.prefix { if case .project = $0 { true } else { false } }
                let seeAll = between.contains { Self.expressions(of: $0).contains { !$0.analytics.isEmpty } }
                // The last order of a result whose middle will not be shown: only the first
                // and last rows are found (two bounded heaps), the rest counted.
                if !seeAll, chart == nil, between.count == stages.count, case .ends(let head, let tail) = shape,
                   (rows?.count ?? count) > head + tail {
                    let selected = rows ?? Array(0..<Int32(count))
                    rows = try sorter(keys, compiler).ends(selected, head: head, tail: tail)
                    omission = Frame.Omitted(at: head, count: selected.count - head - tail)
                    break
                }
                if !seeAll, case .limit(let n, let offset)? = stages.first(where: { if case .project = $0 { false } else { true } }) {
                    let k = n.addingReportingOverflow(offset).overflow ? Int.max : n + offset
                    if let walked = try indexedTop(keys, k, source: source, rows: rows, compiler) {
                        rows = walked
                    } else {
                        let selected = rows ?? Array(0..<Int32(count))
                        rows = try sorter(keys, compiler).top(selected, min(selected.count, k))
                    }
                } else {
                    let selected = rows ?? Array(0..<Int32(count))
                    rows = try sorter(keys, compiler).sorted(selected)
                }
            case .limit(let n, let offset):
                rows = Self.limited(rows, count: count, n, offset)
            case .top(let n, let key, let per):
                if let per {
                    let ordered = Self.orderIsObserved(stages)
                    if n == 1, let best = try bestPerCode(rows, count: count, key: key, per: per, compiler: compiler, ordered: ordered) {
                        rows = best
                    } else {
                        rows = try topPerGroup(rows ?? Array(0..<Int32(count)), n, key: key, per: per, compiler: compiler, ordered: ordered)
                    }
                } else if let walked = try indexedTop([key], n, source: source, rows: rows, compiler) {
                    rows = walked
                } else {
                    let selected = rows ?? Array(0..<Int32(count))
                    rows = try sorter([key], compiler).top(selected, min(n, selected.count))
                }
            case .count:
                let n = counted ?? rows?.count ?? count
                counted = nil
                source = .frame(Frame(columns: [OutputColumn(name: "count", type: .int)], values: [[.int(Int64(n))]]))
                rows = nil
            case .chart(let valueExpr, let labelExpr, let valueName, let labelName):
                let selected = rows ?? Array(0..<Int32(count))
                let valueOf = compiler.value(valueExpr)
                let labels = try labelExpr.map { e throws(Interrupted) in try cancellation.map(selected, compiler.value(e)).map(ValueFormat.plain) }
                chart = Chart(labelName: labelName ?? "#", valueName: valueName,
                              labels: labels ?? selected.indices.map { String($0 + 1) },
                              values: try cancellation.map(selected, valueOf))
            case .group(let keys, let aggregates):
                let selected = rows ?? Array(0..<Int32(count))
                source = .frame(try Grouper(keys: keys, aggregates: aggregates, compiler: compiler, cancellation: cancellation).run(selected))
                rows = nil
            }
        }
    }

    /// The result's rows `selected`, each column read by its reader, built as `shape` asks.
    /// With `omission`, `selected` is already the first and last rows of a longer result.
    func materialize(_ selected: [Int32], _ columns: [OutputColumn], _ readers: [(Int) -> Value], shape: Shape? = nil,
                     omission: Frame.Omitted? = nil) throws(Interrupted) -> Frame {
        func build(_ rows: [Int32]) throws(Interrupted) -> Frame {
            var values: [[Value]] = []
            values.reserveCapacity(readers.count)
            for f in readers { values.append(try cancellation.map(rows, f)) }
            return Frame(columns: columns, values: values)
        }
        if let omission {
            var frame = try build(selected)
            frame.omitted = omission
            return frame
        }
        switch shape ?? self.shape {
        case .all:
            return try build(selected)
        case .ends(let head, let tail):
            let head = max(0, head), tail = max(0, tail)
            guard selected.count > head + tail else { return try build(selected) }
            var frame = try build(Array(selected[..<head]) + Array(selected[(selected.count - tail)...]))
            frame.omitted = Frame.Omitted(at: head, count: selected.count - head - tail)
            return frame
        case .chunks(let size, let sink):
            let size = max(1, size)
            var start = 0
            repeat {
                let end = min(selected.count, start + size)
                sink(try build(Array(selected[start..<end])))
                start = end
            } while start < selected.count
            var frame = Frame(columns: columns, values: columns.map { _ in [] })
            frame.streamed = true
            return frame
        }
    }

    /// The expressions a stage evaluates on its rows.
    static func expressions(of stage: CheckedStage) -> [TExpr] {
        switch stage {
        case .filter(let e): return [e]
        case .project(let items): return items.map(\.expr)
        case .sort(let keys): return keys.map(\.expr)
        case .top(_, let key, let per): return [key.expr] + (per.map { [$0] } ?? [])
        case .chart(let value, let label, _, _): return [value] + (label.map { [$0] } ?? [])
        case .group(let keys, let aggregates): return keys.map(\.expr) + aggregates.flatMap { [$0.aggregate.argument, $0.aggregate.condition].compactMap { $0 } }
        case .limit, .count: return []
        }
    }

    /// The rows `limit n offset offset` keeps of `rows` (nil: all `count` rows of the source).
    static func limited(_ rows: [Int32]?, count: Int, _ n: Int, _ offset: Int) -> [Int32] {
        let total = rows?.count ?? count
        let lo = min(offset, total), hi = lo + min(total - lo, n)
        guard let rows else { return Array(Int32(lo)..<Int32(hi)) }
        return Array(rows[lo..<hi])
    }

    /// `top N by KEY per GROUP`: groups in key order (nulls last), and in each the first N rows
    /// by KEY. The key is extracted once; rows are bucketed by group (by code in an array for
    /// a picklist, boolean or foreign key, else by hashing the value) with a counting sort, and
    /// only each group's own rows are ranked. When nothing after it observes the order (only
    /// `where` stages, then `count`), the groups are not put in order.
    func topPerGroup(_ rows: [Int32], _ n: Int, key: CheckedSortKey, per: TExpr, compiler: ExprCompiler, ordered: Bool) throws(Interrupted) -> [Int32] {
        if n == 0 || rows.isEmpty { return [] }
        let (groupOf, groupCount, firstRow) = try groupIDs(rows, per, compiler)
        let sorter = sorter([key], compiler)
        let k = try sorter.extract(rows)
        var groupOrder = Array(0..<groupCount)
        if ordered {
            let groupValue = compiler.value(per)
            let values = firstRow.map { groupValue(Int($0)) }
            try cancellation.sort(&groupOrder) { x, y in Self.groupPrecedes(values[x], values[y], x, y) }
        }
        if n == 1 {
            // One pass: each group's best position so far.
            var best = [Int32](repeating: -1, count: groupCount)
            let precedes = sorter.precedes(k)
            for i in 0..<rows.count {
                if i % Cancellation.stride == 0 { try cancellation.check() }
                let g = Int(groupOf[i])
                let b = best[g]
                if b < 0 || precedes(i, Int(b)) { best[g] = Int32(i) }
            }
            return groupOrder.map { rows[Int(best[$0])] }
        }
        let buckets = CSR(links: groupOf, parentCount: groupCount)
        var out: [Int32] = []
        out.reserveCapacity(min(rows.count, groupCount * min(n, 4)))
        for (i, g) in groupOrder.enumerated() {
            if i % Cancellation.stride == 0 { try cancellation.check() }
            let members = buckets.rows[Int(buckets.offsets[g])..<Int(buckets.offsets[g + 1])]
            if members.count == 1 {
                out.append(rows[Int(members[members.startIndex])])
            } else {
                for position in sorter.best(k, members.map(Int.init), n) { out.append(rows[position]) }
            }
        }
        return out
    }

    /// `top 1 by KEY per GROUP` where GROUP has codes (a picklist, boolean or foreign key) and
    /// KEY is a stored int, money or date field of the row: one pass over the rows keeping the
    /// best row and its value per code, with no key extracted and no row list built.
    func bestPerCode(_ rows: [Int32]?, count: Int, key: CheckedSortKey, per: TExpr, compiler: ExprCompiler, ordered: Bool) throws(Interrupted) -> [Int32]? {
        guard case .table(let table) = compiler.source, let dense = compiler.denseKey(per),
              case .field(let hops, let t, let field) = key.expr.kind, hops.isEmpty, field >= 0, store.tables[t] === table,
              let value = AccessPlanner.integerReader(table.columns[field]) else { return nil }
        let null: Int64
        if case .date = table.columns[field] { null = Int64(Day.null) } else { null = Column.nullInt }
        var bestRow = [Int32](repeating: -1, count: dense.slots)
        var bestValue = [Int64](repeating: 0, count: dense.slots)
        var seen: [Int32] = []
        let n = rows?.count ?? count
        switch (rows, dense.direct, table.columns[field]) {
        case (nil, let direct?, .int(let a)), (nil, let direct?, .money(let a)):
            try Self.bestPerCode(direct, a, &bestRow, &bestValue, &seen, descending: key.descending, nullsFirst: key.nullsFirst, cancellation)
        default:
            for i in 0..<n {
                if i % Cancellation.stride == 0 { try cancellation.check() }
                let r = rows.map { Int($0[i]) } ?? i
                let slot = dense.slot(r)
                let v = value(r)
                if bestRow[slot] < 0 {
                    seen.append(Int32(slot))
                } else if !Sorter.integerGoesFirst(v, before: bestValue[slot], null: null, descending: key.descending, nullsFirst: key.nullsFirst) {
                    continue
                }
                bestRow[slot] = Int32(r)
                bestValue[slot] = v
            }
        }
        if ordered {
            let groupValue = compiler.value(per)
            let values = seen.map { groupValue(Int(bestRow[Int($0)])) }
            var order = Array(seen.indices)
            try cancellation.sort(&order) { x, y in Self.groupPrecedes(values[x], values[y], x, y) }
            return order.map { bestRow[Int(seen[$0])] }
        }
        return seen.map { bestRow[Int($0)] }
    }

    /// The loop of ``bestPerCode(_:count:key:per:compiler:ordered:)`` over every row of the
    /// table, for a code array and an int or money column, with nothing called per row.
    static func bestPerCode(_ codes: StoreArray<Int32>, _ values: StoreArray<Int64>, _ bestRow: inout [Int32], _ bestValue: inout [Int64], _ seen: inout [Int32],
                            descending: Bool, nullsFirst: Bool, _ cancellation: Cancellation) throws(Interrupted) {
        let null = Column.nullInt
        var start = 0
        while start < codes.count {
            try cancellation.check()
            let end = min(codes.count, start + 1 << 16)
            codes.withUnsafeBufferPointer { c in
                values.withUnsafeBufferPointer { v in
                    bestRow.withUnsafeMutableBufferPointer { br in
                        bestValue.withUnsafeMutableBufferPointer { bv in
                            for r in start..<end {
                                let slot = Int(c[r]) + 1
                                let x = v[r]
                                if br[slot] >= 0 {
                                    if !Sorter.integerGoesFirst(x, before: bv[slot], null: null, descending: descending, nullsFirst: nullsFirst) { continue }
                                } else {
                                    seen.append(Int32(slot))
                                }
                                br[slot] = Int32(r)
                                bv[slot] = x
                            }
                        }
                    }
                }
            }
            start = end
        }
    }

    /// Whether the stages that follow can tell the order of their rows apart: not when they
    /// are only `where` stages ending in `count`.
    static func orderIsObserved(_ stages: ArraySlice<CheckedStage>) -> Bool {
        for stage in stages {
            switch stage {
            case .filter: continue
            case .count: return false
            default: return true
            }
        }
        return true
    }

    /// Group keys in order: by value, nulls last, ties (equal under `=`) by first appearance.
    static func groupPrecedes(_ a: Value, _ b: Value, _ x: Int, _ y: Int) -> Bool {
        if a.isNull != b.isNull { return b.isNull }
        if a.isNull { return x < y }
        let c = Value.compare(a, b) ?? 0
        return c < 0 || (c == 0 && x < y)
    }

    /// For each position of `rows`, its group (numbered in order of first appearance), the
    /// number of groups, and each group's first row.
    func groupIDs(_ rows: [Int32], _ per: TExpr, _ compiler: ExprCompiler) throws(Interrupted) -> ([Int32], Int, [Int32]) {
        var groupOf = [Int32](repeating: 0, count: rows.count)
        var firstRow: [Int32] = []
        if let dense = compiler.denseKey(per) {
            var groupOfSlot = [Int32](repeating: -1, count: dense.slots)
            for (i, r) in rows.enumerated() {
                if i % Cancellation.stride == 0 { try cancellation.check() }
                let slot = dense.slot(Int(r))
                if groupOfSlot[slot] < 0 {
                    groupOfSlot[slot] = Int32(firstRow.count)
                    firstRow.append(r)
                }
                groupOf[i] = groupOfSlot[slot]
            }
            return (groupOf, firstRow.count, firstRow)
        }
        let value = compiler.value(per)
        var index: [Grouper.KeyPart: Int32] = [:]
        for (i, r) in rows.enumerated() {
            if i % Cancellation.stride == 0 { try cancellation.check() }
            let part = Grouper.KeyPart(value(Int(r)))
            if let g = index[part] {
                groupOf[i] = g
            } else {
                index[part] = Int32(firstRow.count)
                groupOf[i] = Int32(firstRow.count)
                firstRow.append(r)
            }
        }
        return (groupOf, firstRow.count, firstRow)
    }

    /// The first `k` rows by `keys` through the sorted index of the first key (a stored int,
    /// money or date field of the table): the index is walked from the right end, keeping
    /// rows of the input, until `k` are found and the `k`-th's ties are in; only those are
    /// sorted by every key. Nil when no index serves (the caller uses a bounded heap): the
    /// key is not indexed, the input is not in row order, nulls would be needed first, or
    /// the input is so small that a heap over it is cheaper than the walk.
    func indexedTop(_ keys: [CheckedSortKey], _ k: Int, source: RowSource, rows: [Int32]?, _ compiler: ExprCompiler) throws(Interrupted) -> [Int32]? {
        guard case .table(let table) = source, let first = keys.first,
              case .field(let hops, let t, let field) = first.expr.kind, hops.isEmpty, field >= 0, store.tables[t] === table,
              let index = table.indexes.sorted[field], let value = AccessPlanner.integerReader(table.columns[field]) else { return nil }
        if k == 0 { return [] }
        var members: RowBitmap? = nil
        if let rows {
            guard rows.count >= table.rowCount / 16, zip(rows, rows.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
            var b = RowBitmap(count: table.rowCount)
            for r in rows { b.insert(r) }
            members = b
        }
        let available = rows?.count ?? table.rowCount
        if first.nullsFirst && index.order.count < table.rowCount { return nil }
        var candidates: [Int32] = []
        var boundary: Int64? = nil
        let order = index.order
        var step = 0
        for i in 0..<order.count {
            if step & 0xFFFF == 0xFFFF { try cancellation.check() }
            step += 1
            let row = order[first.descending ? order.count - 1 - i : i]
            if let members, !members.contains(row) { continue }
            let v = value(Int(row))
            if let boundary, v != boundary { break }
            candidates.append(row)
            if candidates.count >= min(k, available) && boundary == nil { boundary = v }
        }
        // Fewer than `k` non-null rows: the nulls (last) would be needed too.
        if boundary == nil && candidates.count < min(k, available) { return nil }
        candidates.sort()
        return Array(try sorter(keys, compiler).sorted(candidates).prefix(k))
    }

    func sorter(_ keys: [CheckedSortKey], _ compiler: ExprCompiler) -> Sorter {
        Sorter(keys: keys, compiler: compiler, cancellation: cancellation)
    }

    func rowCount(_ s: RowSource) -> Int {
        switch s {
        case .table(let t): t.rowCount
        case .frame(let f): f.rowCount
        }
    }
}

/// Orders rows by sort keys: nulls last unless asked otherwise, strings case-insensitively,
/// enums in declared order, and stable (ties keep their input order).
struct Sorter {
    let keys: [CheckedSortKey]
    let compiler: ExprCompiler
    var cancellation: Cancellation = .never

    /// A key's values for the rows being sorted, typed for fast comparison.
    enum KeyValues {
        case integers([Int64], null: Int64)
        /// A stored string column, compared in place (no `String` per row).
        case strings(StringColumn, rows: [Int32])
        case values([Value])
    }

    func extract(_ rows: [Int32]) throws(Interrupted) -> [KeyValues] {
        var extracted: [KeyValues] = []
        for key in keys {
            do {
                try cancellation.check()
                extracted.append(try extract(key, rows))
            } catch {
                Garbage.discard(consume extracted)
                throw error
            }
        }
        return extracted
    }

    /// One key's values for the rows: stored columns read directly, anything else evaluated.
    func extract(_ key: CheckedSortKey, _ rows: [Int32]) throws(Interrupted) -> KeyValues {
        if case .field(let hops, let table, let field) = key.expr.kind, hops.isEmpty, field >= 0 {
            switch compiler.store.tables[table].columns[field] {
            case .int(let a), .money(let a): return .integers(rows.map { a[Int($0)] }, null: Column.nullInt)
            case .date(let a): return .integers(rows.map { Int64(a[Int($0)]) }, null: Int64(Day.null))
            case .enumeration(let e): return .integers(rows.map { Int64(e.codes[Int($0)]) }, null: -1)
            case .bool(let a): return .integers(rows.map { Int64(a[Int($0)]) }, null: -1)
            case .string(let column): return .strings(column, rows: rows)
            default: break
            }
        }
        if let read = compiler.integer(key.expr) {
            return .integers(try cancellation.map(rows, read), null: Column.nullInt)
        }
        let values = try cancellation.map(rows, compiler.value(key.expr))
        // Whole numbers (ints, money, dates) compare as integers, not as values.
        switch key.expr.type {
        case .int, .money, .date:
            var ints = [Int64]()
            ints.reserveCapacity(values.count)
            for v in values {
                switch v {
                case .null: ints.append(Column.nullInt)
                case .int(let n) where n != Column.nullInt, .money(let n) where n != Column.nullInt: ints.append(n)
                case .date(let d): ints.append(Int64(d))
                default: return .values(values)
                }
            }
            return .integers(ints, null: Column.nullInt)
        default:
            return .values(values)
        }
    }

    /// Compares positions `i` and `j` of the extracted keys: negative when `i` goes first.
    func compare(_ k: [KeyValues], _ i: Int, _ j: Int) -> Int {
        for (n, key) in keys.enumerated() {
            var c: Int
            var iNull: Bool, jNull: Bool
            switch k[n] {
            case .integers(let a, let null):
                let x = a[i], y = a[j]
                iNull = x == null
                jNull = y == null
                c = x < y ? -1 : (x > y ? 1 : 0)
            case .strings(let column, let rows):
                let x = Int(rows[i]), y = Int(rows[j])
                iNull = column.isNull(x)
                jNull = column.isNull(y)
                c = (iNull || jNull) ? 0 : Sorter.compareStrings(column, x, y)
            case .values(let a):
                iNull = a[i].isNull
                jNull = a[j].isNull
                c = (iNull || jNull) ? 0 : (Value.compare(a[i], a[j]) ?? 0)
            }
            if iNull || jNull {
                if iNull && jNull { continue }
                return (iNull == key.nullsFirst) ? -1 : 1
            }
            if c != 0 { return key.descending ? -c : c }
        }
        return i < j ? -1 : (i > j ? 1 : 0)
    }

    /// Case-insensitive order of two stored strings, ASCII in place, Unicode when needed.
    static func compareStrings(_ column: StringColumn, _ x: Int, _ y: Int) -> Int {
        let fast: Int? = column.bytes.withUnsafeBufferPointer { b in
            compareFoldedBytes(UnsafeBufferPointer(rebasing: b[column.range(x)]), UnsafeBufferPointer(rebasing: b[column.range(y)]))
        }
        return fast ?? compareFolded(column.string(x), column.string(y))
    }

    func sorted(_ rows: [Int32]) throws(Interrupted) -> [Int32] {
        let k = try extract(rows)
        var order = Array(0..<rows.count)
        let goesFirst = precedes(k)
        do {
            try cancellation.sort(&order, by: goesFirst)
        } catch {
            Garbage.discard(consume k)
            throw error
        }
        return order.map { rows[$0] }
    }

    /// Whether position `i` goes before position `j` of the extracted keys: one integer key
    /// compared inline, anything else through ``compare(_:_:_:)``.
    func precedes(_ k: [KeyValues]) -> (Int, Int) -> Bool {
        guard keys.count == 1, case .integers(let a, let null) = k[0] else { return { compare(k, $0, $1) < 0 } }
        let descending = keys[0].descending, nullsFirst = keys[0].nullsFirst
        return { (i: Int, j: Int) -> Bool in
            let x = a[i], y = a[j]
            return x == y ? i < j : Self.integerGoesFirst(x, before: y, null: null, descending: descending, nullsFirst: nullsFirst)
        }
    }

    /// Whether integer key `x` goes strictly before `y` in the order of one sort key (`null`
    /// is the column's null): the one comparison of the sort's integer fast paths.
    @inline(__always)
    static func integerGoesFirst(_ x: Int64, before y: Int64, null: Int64, descending: Bool, nullsFirst: Bool) -> Bool {
        if x == null || y == null { return x != y && (x == null) == nullsFirst }
        return descending ? x > y : x < y
    }

    /// The first `n` of `positions` (into the extracted keys `k`) in sort order; ties keep
    /// the order of `positions`.
    func best(_ k: [KeyValues], _ positions: [Int], _ n: Int) -> [Int] {
        return Array(positions.sorted { compare(k, $0, $1) < 0 }.prefix(n))
    }

    /// The first `n` rows in sort order, by a bounded max-heap (O(rows · log n)).
    func top(_ rows: [Int32], _ n: Int) throws(Interrupted) -> [Int32] {
        if n == 0 { return [] }
        if n >= rows.count / 4 { return Array(try sorted(rows).prefix(n)) }
        let k = try extract(rows)
        do {
            return try heapTop(k, count: rows.count, n).map { rows[$0] }
        } catch {
            Garbage.discard(consume k)
            throw error
        }
    }

    /// The first `head` and the last `tail` rows in sort order (a table that elides its
    /// middle), by two bounded heaps; `rows` must hold more than `head + tail`.
    func ends(_ rows: [Int32], head: Int, tail: Int) throws(Interrupted) -> [Int32] {
        let k = try extract(rows)
        // Ties go in input order, so the order is total and the two ends never overlap.
        let first = head == 0 ? [] : try heapTop(k, count: rows.count, head)
        let last = tail == 0 ? [] : try heapTop(k, count: rows.count, tail) { self.compare(k, $1, $0) }
        return (first + last.reversed()).map { rows[$0] }
    }

    /// Positions of the first `n` of `count` rows by the extracted keys `k` (or by `order`,
    /// negative when its first position goes first), best first.
    private func heapTop(_ k: [KeyValues], count: Int, _ n: Int, by order: ((Int, Int) -> Int)? = nil) throws(Interrupted) -> [Int] {
        let compare: (Int, Int) -> Int = order ?? { self.compare(k, $0, $1) }
        var heap: [Int] = []  // positions; heap[0] is the worst kept row
        heap.reserveCapacity(n + 1)
        func worse(_ a: Int, _ b: Int) -> Bool { compare(a, b) > 0 }
        func siftUp(_ start: Int) {
            var c = start
            while c > 0 {
                let p = (c - 1) / 2
                if worse(heap[c], heap[p]) { heap.swapAt(c, p); c = p } else { break }
            }
        }
        func siftDown() {
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < heap.count, worse(heap[l], heap[m]) { m = l }
                if r < heap.count, worse(heap[r], heap[m]) { m = r }
                if m == p { return }
                heap.swapAt(p, m)
                p = m
            }
        }
        // Most rows differ from the worst kept row on the first key: an integer first key
        // is compared inline, the whole comparison made only on a tie.
        var inline = false, first: [Int64] = [], null: Int64 = 0
        if order == nil, case .integers(let a, let n) = k[0] { inline = true; first = a; null = n }
        let descending = keys.first?.descending ?? false, nullsFirst = keys.first?.nullsFirst ?? false
        for i in 0..<count {
            if i % Cancellation.stride == 0 { try cancellation.check() }
            if heap.count < n {
                heap.append(i)
                siftUp(heap.count - 1)
                continue
            }
            if inline {
                let x = first[i], worst = first[heap[0]]
                if x != worst {
                    if Self.integerGoesFirst(x, before: worst, null: null, descending: descending, nullsFirst: nullsFirst) {
                        heap[0] = i
                        siftDown()
                    }
                    continue
                }
            }
            if compare(i, heap[0]) < 0 {
                heap[0] = i
                siftDown()
            }
        }
        heap.sort { compare($0, $1) < 0 }
        return heap
    }
}
