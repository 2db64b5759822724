/// The plan `explain` prints: a row per stage with how it finds or orders its rows (the
/// access path), the rows it takes and the rows it gives: exact where folio knows them (a
/// source's size, `count`, an index term), an upper bound, or the planner's estimate. A
/// `where` of several AND-terms on a table has a row per term under it, in the order the
/// planner takes them.
public enum LogicalPlan {
    struct Row {
        var stage: String
        var access: String
        var rowsIn: Int?
        var rowsOut: Int
        var bound: String
        /// A term under a `where`: `explain analyze` has no time of its own for it.
        var isTerm = false
    }

    /// `pipeline` as written; `expanded`, with a named query's stages in front of its own.
    /// With `trace` (`explain analyze`), two more columns: the rows each stage really gave
    /// and its time, and a last row for turning the rows into the result.
    public static func explain(_ pipeline: Pipeline, expanded: Pipeline, _ checked: CheckedPipeline, store: Store, today: Int32, fiscalYearStart: Int,
                               trace: [Executor.StageTrace]? = nil) -> Frame {
        let table = store.tables[checked.table]
        let sourceName = pipeline.source.text.lowercased() == table.name ? "scan \(table.name)" : "scan \(table.name) (via \(pipeline.source.text))"
        var plan = [Row(stage: sourceName, access: "table", rowsIn: nil, rowsOut: table.rowCount, bound: "exact")]
        let compiler = ExprCompiler(store: store, source: .table(table), fiscalYearStart: fiscalYearStart, today: today)
        let planner = AccessPlanner(store: store, compiler: compiler)
        let stageTexts = expanded.stages.map(Self.text)
        var rows = table.rowCount
        var bound = "exact"
        var onTable = true, narrowed = false
        for (i, stage) in checked.stages.enumerated() {
            let input = rows
            var access = ""
            var terms: [Row] = []
            switch stage {
            case .filter(let e):
                guard onTable else {
                    bound = bound == "exact" ? "at most" : bound
                    access = "check each row"
                    break
                }
                let filter = planner.plan(e, table: checked.table, incoming: narrowed ? rows : nil)
                var texts: [Range<Int>: String] = [:]
                if case .where(let written) = expanded.stages[i].kind {
                    for term in conjuncts(written) { texts[term.span] = term.canonicalText }
                }
                (access, terms) = describe(filter, input: rows, texts: texts)
                rows = filter.estimatedRows
                bound = filter.knownCount != nil ? "exact" : "estimate"
                if i + 1 < checked.stages.count, case .count = checked.stages[i + 1], filter.knownCount != nil {
                    access += "; count from the index"
                }
                narrowed = true
            case .sort(let keys):
                // `sort … | limit N` keeps only the first N (+ offset) rows, with a bounded heap.
                if i + 1 < checked.stages.count, case .limit(let n, let skip) = checked.stages[i + 1] {
                    let (kept, overflow) = n.addingReportingOverflow(skip)
                    rows = min(rows, overflow ? rows : kept)
                    access = "keeps the first \(overflow ? "all" : String(kept)): " + orderAccess(keys, table: checked.table, store: store, onTable: onTable, narrowed: narrowed)
                } else {
                    access = "sort"
                }
                narrowed = true
            case .project:
                onTable = false
            case .chart:
                break
            case .limit(let n, let skip):
                rows = max(0, min(n, rows - skip))
                narrowed = true
            case .top(let n, let key, let per):
                if per == nil {
                    rows = min(n, rows)
                    access = orderAccess([key], table: checked.table, store: store, onTable: onTable, narrowed: narrowed)
                } else {
                    bound = bound == "exact" ? "at most" : bound
                    access = "best \(n) of each group, found by " + (per.flatMap { compiler.denseKey($0) } != nil ? "code (array)" : "hash")
                        + (Executor.orderIsObserved(checked.stages[(i + 1)...]) ? "" : "; groups not ordered, only count follows")
                }
                narrowed = true
            case .count:
                rows = 1
                bound = "exact"
                onTable = false
            case .group(let keys, _):
                bound = bound == "exact" ? "at most" : bound
                // One stored key: no more groups than its distinct values (and null).
                if keys.count == 1, case .field(let hops, let t, let field) = keys[0].expr.kind, hops.isEmpty,
                   let stats = store.tables[t].indexes.stats[field] {
                    rows = min(rows, stats.distinct + (stats.nulls > 0 ? 1 : 0))
                }
                access = keys.count == 1 && compiler.denseKey(keys[0].expr) != nil ? "groups by code (array)" : "groups by hash"
                onTable = false
            }
            plan.append(Row(stage: stageTexts[i], access: access, rowsIn: input, rowsOut: rows, bound: bound))
            plan += terms
        }
        return frame(plan, trace: trace)
    }

    /// How `sort … | limit` or `top` finds its first rows: a walk of the first key's sorted
    /// index when it has one (on rows a `where` narrowed, only when many are left), else a
    /// bounded heap.
    static func orderAccess(_ keys: [CheckedSortKey], table: Int, store: Store, onTable: Bool, narrowed: Bool) -> String {
        guard onTable, let first = keys.first, case .field(let hops, let t, let field) = first.expr.kind, hops.isEmpty, t == table,
              field >= 0, store.tables[t].indexes.sorted[field] != nil else { return "bounded heap" }
        let name = store.tables[t].def.fields[field].name
        return narrowed ? "sorted index on \(name) if many rows are left, else bounded heap" : "sorted index on \(name), walked from the \(first.descending ? "top" : "bottom")"
    }

    /// A planned `where`: its access in a word, and a row per term when there are several.
    static func describe(_ filter: AccessPlanner.FilterPlan, input: Int, texts: [Range<Int>: String]) -> (String, [Row]) {
        let access: String
        if filter.indexed.isEmpty {
            access = filter.narrowed ? "check each row" : "full scan"
        } else {
            let kinds = filter.indexed.map(\.accessText)
            access = (kinds.count == 1 ? kinds[0] : "index (\(kinds.count) terms)") + (filter.checked.isEmpty ? "" : ", then check each row")
        }
        let terms = filter.indexed + filter.checked
        guard terms.count > 1 else { return (access, []) }
        var rows: [Row] = []
        var rowsIn = input
        for (k, term) in terms.enumerated() {
            let isIndexed = k < filter.indexed.count
            let out = isIndexed ? filter.estimates[k] : (filter.estimates.last ?? input)
            let intersect = isIndexed && (k > 0 || filter.narrowed)
            let known = isIndexed && !intersect && term.isExact
            rows.append(Row(stage: "  " + (texts[term.expr.span] ?? "(a condition)"), access: isIndexed ? term.accessText + (intersect ? ", intersected" : "") : "check each row",
                            rowsIn: rowsIn, rowsOut: isIndexed && !known ? out : (known ? term.rows : out),
                            bound: known ? "exact" : "estimate", isTerm: true))
            if isIndexed { rowsIn = out }
        }
        // The checks are one pass: each shows the rows after all of them.
        return (access, rows)
    }

    /// The AND-terms of a condition as written.
    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .and(let terms) = e.kind { return terms.flatMap(conjuncts) }
        return [e]
    }

    static func frame(_ plan: [Row], trace: [Executor.StageTrace]?) -> Frame {
        var columns = [OutputColumn(name: "stage", type: .string), OutputColumn(name: "access", type: .string), OutputColumn(name: "rows_in", type: .int),
                       OutputColumn(name: "rows_out", type: .int), OutputColumn(name: "rows_out_is", type: .string)]
        var values: [[Value]] = [plan.map { .string($0.stage) }, plan.map { .string($0.access) },
                                 plan.map { $0.rowsIn.map { .int(Int64($0)) } ?? .null },
                                 plan.map { .int(Int64($0.rowsOut)) }, plan.map { .string($0.bound) }]
        let stageCount = plan.filter { !$0.isTerm }.count
        if let trace, trace.count == stageCount + 1 {
            var actual: [Value] = [], ms: [Value] = []
            var next = 0
            for row in plan {
                if row.isTerm {
                    actual.append(.null)
                    ms.append(.null)
                } else {
                    actual.append(.int(Int64(trace[next].rows)))
                    ms.append(.decimal((trace[next].milliseconds * 1000).rounded() / 1000))
                    next += 1
                }
            }
            let last = trace[trace.count - 1]
            values[0].append(.string("result"))
            values[1].append(.string(""))
            values[2].append(.int(Int64(plan.last { !$0.isTerm }?.rowsOut ?? 0)))
            values[3].append(.int(Int64(last.rows)))
            values[4].append(.string("exact"))
            actual.append(.int(Int64(last.rows)))
            ms.append(.decimal((last.milliseconds * 1000).rounded() / 1000))
            columns += [OutputColumn(name: "actual_rows", type: .int), OutputColumn(name: "ms", type: .decimal)]
            values += [actual, ms]
        }
        return Frame(columns: columns, values: values)
    }

    /// A stage as it reads in the query, in canonical form.
    static func text(_ stage: Stage) -> String {
        func items(_ list: [SelectItem]) -> String {
            list.map { item in
                switch item {
                case .star: return "*"
                case .expr(let e, let alias): return e.canonicalText + (alias.map { " as " + $0.text } ?? "")
                }
            }.joined(separator: ", ")
        }
        switch stage.kind {
        case .where(let e): return "where " + e.canonicalText
        case .select(let list): return "select " + items(list)
        case .sort(let keys):
            return "sort " + keys.map { k in
                k.expr.canonicalText + (k.descending ? " desc" : "") + (k.nullsFirst.map { $0 ? " nulls first" : " nulls last" } ?? "")
            }.joined(separator: ", ")
        case .limit(let n, let offset): return "limit " + n.canonicalText + (offset.map { " offset " + $0.canonicalText } ?? "")
        case .top(let n, let by, let descending, let per):
            return "top \(n.canonicalText) by \(by.canonicalText)\(descending ? "" : " asc")" + (per.map { " per " + $0.canonicalText } ?? "")
        case .groupBy(let keys, let aggregates): return "group by " + items(keys) + (aggregates.map { " aggregate " + items($0) } ?? "")
        case .distinct(let keys): return "distinct " + items(keys)
        case .count: return "count"
        case .chart(let e, let by): return "chart " + e.canonicalText + (by.map { " by " + $0.canonicalText } ?? "")
        }
    }
}
