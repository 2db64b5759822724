/// The logical plan `explain` prints: one line per stage with the rows it takes and the rows
/// it gives, exact where folio knows them (a source's size, `count`, an id looked up in the
/// index) and otherwise an upper bound. Access paths and costs come with the planner.
public enum LogicalPlan {
    /// `pipeline` as written; `expanded`, with a named query's stages in front of its own.
    /// With `trace` (`explain analyze`), two more columns: the rows each stage really gave
    /// and its time, and a last row for turning the rows into the result.
    public static func explain(_ pipeline: Pipeline, expanded: Pipeline, _ checked: CheckedPipeline, store: Store, today: Int32, fiscalYearStart: Int,
                               trace: [Executor.StageTrace]? = nil) -> Frame {
        let table = store.tables[checked.table]
        var names: [String] = [pipeline.source.text.lowercased() == table.name ? "scan \(table.name)" : "scan \(table.name) (via \(pipeline.source.text))"]
        var inputs: [Value] = [.null]
        var outputs: [Value] = [.int(Int64(table.rowCount))]
        var bounds: [Value] = [.string("exact")]
        var rows = table.rowCount
        var exact = true
        let stageTexts = expanded.stages.map(Self.text)
        let executor = Executor(store: store, today: today, fiscalYearStart: fiscalYearStart)
        for (i, stage) in checked.stages.enumerated() {
            let input = rows
            switch stage {
            case .filter(let e):
                if i == 0, let hits = executor.idLookup(e, table: checked.table) {
                    rows = hits.count
                    // Exact when the filter is the id comparison alone; an upper bound when more terms follow.
                    if case .compare = e.kind {} else { exact = false }
                    names.append("where (id index: \(hits.count) row\(hits.count == 1 ? "" : "s"))")
                } else {
                    exact = false
                    names.append("")
                }
            case .sort:
                // `sort … | limit N` keeps only the first N (+ offset) rows, with a bounded heap.
                if i + 1 < checked.stages.count, case .limit(let n, let skip) = checked.stages[i + 1] {
                    let (kept, overflow) = n.addingReportingOverflow(skip)
                    rows = min(rows, overflow ? rows : kept)
                    names.append("where (keeps the first \(overflow ? "all" : String(kept)): bounded heap)")
                } else {
                    names.append("")
                }
            case .project, .chart:
                names.append("")
            case .limit(let n, let skip):
                rows = max(0, min(n, rows - skip))
                names.append("")
            case .top(let n, _, let per):
                if per == nil { rows = min(n, rows) } else { exact = false }
                names.append("")
            case .count:
                rows = 1
                exact = true
                names.append("")
            case .group:
                exact = false
                names.append("")
            }
            if names[names.count - 1].isEmpty {
                names[names.count - 1] = stageTexts[i]
            } else {
                names[names.count - 1] = stageTexts[i] + " " + names[names.count - 1].dropFirst("where ".count)
            }
            inputs.append(.int(Int64(input)))
            outputs.append(.int(Int64(rows)))
            bounds.append(.string(exact ? "exact" : "at most"))
        }
        var columns = [OutputColumn(name: "stage", type: .string), OutputColumn(name: "rows_in", type: .int),
                       OutputColumn(name: "rows_out", type: .int), OutputColumn(name: "rows_out_is", type: .string)]
        var values: [[Value]] = [names.map { .string($0) }, inputs, outputs, bounds]
        if let trace, trace.count == names.count + 1 {
            values[0].append(.string("result"))
            values[1].append(outputs.last ?? .null)
            values[2].append(trace.last.map { .int(Int64($0.rows)) } ?? .null)
            values[3].append(.string("exact"))
            columns += [OutputColumn(name: "actual_rows", type: .int), OutputColumn(name: "ms", type: .decimal)]
            values.append(trace.map { .int(Int64($0.rows)) })
            values.append(trace.map { .decimal(($0.milliseconds * 1000).rounded() / 1000) })
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
