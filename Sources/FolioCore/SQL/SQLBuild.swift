/// One compilation in progress: the SELECT being built, what its rows are, their order, and
/// the named steps made so far. See ``SQLCompiler`` for the rules it follows.
final class SQLBuild {
    let compiler: SQLCompiler
    var dialect: any SQLDialect { compiler.dialect }
    var store: Store { compiler.store }
    let parameterSpans: [Range<Int>: String]

    var statement = SQLStatement(main: SQLSelect(from: ""))
    /// Values of the placeholders written so far, in order.
    var boundValues: [Value] = []
    var stepCount = 0

    /// What the current SELECT's rows are.
    enum Scope {
        /// An entity's rows under `alias` (its table, or a step that kept all its columns).
        case entity(table: Int, alias: String)
        /// Columns of a result: each an expression valid in the current SELECT.
        case frame([Column])
    }

    struct Column {
        var name: String
        var type: ValueType
        var sql: SQLText
    }

    var current = SQLSelect(from: "")
    var scope = Scope.frame([])
    /// The rows' order as ORDER BY terms valid in the current SELECT.
    var order: [String] = []
    /// Analytic functions already computed as columns of a step, by id.
    var analyticColumns: [Int: SQLText] = [:]
    /// Whether the current SELECT's columns hold window functions (a later condition or
    /// sort on them needs a step).
    var itemsHaveWindows = false

    init(compiler: SQLCompiler, parameterSpans: [Range<Int>: String]) {
        self.compiler = compiler
        self.parameterSpans = parameterSpans
    }

    func cannot(_ what: String, _ span: Range<Int>) -> Diagnostic {
        Diagnostic(span, Messages.cannotExpress(what, dialect.name))
    }

    func column(_ name: String) -> String { dialect.identifier(name) }

    // MARK: - Operators

    func run(_ relation: Relation, columns: [OutputColumn], extras: [TExpr] = []) throws(Diagnostic) {
        var counted = false
        for op in relation.chain {
            switch op {
            case .scan(let table):
                let name = store.tables[table].name
                let alias = SQLNames.alias(for: name)
                current = SQLSelect(from: dialect.identifier(name) + " " + alias)
                current.usedAliases.insert(alias)
                scope = .entity(table: table, alias: alias)
                order = ["\(alias).\(SQLNames.row)"]
            case .filter(_, let e):
                try filter(e)
            case .project(_, let items):
                try project(items)
            case .sort(_, let keys):
                try sort(keys)
            case .take(_, let limit, let offset):
                if current.limit != nil || current.offset > 0 { try seal() }
                if !dialect.ordersGroupsInPlace, current.isGrouped { sealGroups() }
                current.orderBy = order
                current.limit = limit
                current.offset = offset
            case .topPer(_, let limit, let key, let per):
                try topPer(limit, key, per)
            case .aggregate(_, let keys, let aggregates):
                try aggregate(keys, aggregates)
            case .count:
                // A count reads no order: the step carries none.
                if current.items != nil || current.limit != nil || current.offset > 0 || current.isGrouped { try seal(keepingOrder: false) }
                current.items = [("count(*)", column("count"))]
                current.orderBy = []
                scope = .frame([Column(name: "count", type: .int, sql: SQLText("count(*)", atomic: true))])
                counted = true
            }
        }
        try finish(columns, counted: counted, extras: extras)
    }

    /// The final SELECT: the result's columns under folio's names, in folio's order.
    func finish(_ columns: [OutputColumn], counted: Bool, extras: [TExpr]) throws(Diagnostic) {
        var more: [(String, String)] = []
        for (i, e) in extras.enumerated() {
            if !e.analytics.isEmpty { throw cannot("an analytic function in a chart", e.span) }
            more.append((try value(e).text, "folio_chart_\(i + 1)"))
        }
        if !counted {
            switch scope {
            case .entity(let table, let alias):
                var items: [(String, String)] = []
                for (i, f) in store.tables[table].def.fields.enumerated() {
                    let e = TExpr(kind: .field(hops: [], table: table, field: i), type: ValueType(f.type, domain: store.tables[table].enumDomain(i)), span: 0..<0)
                    items.append((try value(e, alias: alias).text, dialect.identifier(f.name)))
                }
                current.items = items
            case .frame:
                if !dialect.ordersGroupsInPlace, current.isGrouped, current.limit == nil, current.offset == 0 { sealGroups() }
                guard case .frame(let cols) = scope else { break }
                current.items = cols.map { ($0.sql.text, dialect.identifier($0.name)) }
            }
            current.orderBy = order
        }
        current.items = (current.items ?? []) + more
        statement.main = current
    }

    func filter(_ e: TExpr) throws(Diagnostic) {
        switch scope {
        case .entity:
            if current.items != nil || current.limit != nil || current.offset > 0 || current.isGrouped { try seal() }
            for term in conjuncts(e) { current.wheres.append(whereTerm(try predicate(term, nullIsFalse: true), term)) }
        case .frame:
            let hasAnalytics = !e.analytics.isEmpty
            if current.isGrouped, current.limit == nil, current.offset == 0, !itemsHaveWindows, !hasAnalytics {
                // A condition on groups: HAVING, over the grouped expressions.
                for term in conjuncts(e) { current.havings.append(whereTerm(try predicate(term, nullIsFalse: true), term)) }
                return
            }
            try seal()
            if hasAnalytics { try materializeAnalytics(in: [e]) }
            for term in conjuncts(e) { current.wheres.append(whereTerm(try predicate(term, nullIsFalse: true), term)) }
        }
    }

    func project(_ items: [(name: String, expr: TExpr)]) throws(Diagnostic) {
        let hasAnalytics = items.contains { !$0.expr.analytics.isEmpty }
        if current.items != nil || ((current.limit != nil || current.offset > 0) && hasAnalytics) { try seal() }
        var cols: [Column] = []
        for item in items { cols.append(Column(name: item.name, type: item.expr.type, sql: try value(item.expr))) }
        current.items = cols.enumerated().map { ($0.element.sql.text, "c\($0.offset + 1)") }
        scope = .frame(cols)
        itemsHaveWindows = hasAnalytics
    }

    func sort(_ keys: [CheckedSortKey]) throws(Diagnostic) {
        if current.limit != nil || current.offset > 0 { try seal() }
        if keys.contains(where: { !$0.expr.analytics.isEmpty }) || (itemsHaveWindows && current.items != nil) {
            try seal()
            try materializeAnalytics(in: keys.map(\.expr))
        }
        var terms: [String] = []
        for k in keys { terms.append(try sortTerm(k.expr, descending: k.descending, nullsFirst: k.nullsFirst)) }
        order = terms + order
    }

    /// `top N by KEY per GROUP`: each row numbered within its group in a step, then the
    /// first N of each group, groups in key order.
    func topPer(_ limit: Int, _ key: CheckedSortKey, _ per: TExpr) throws(Diagnostic) {
        if current.limit != nil || current.offset > 0 || current.isGrouped || itemsHaveWindows { try seal() }
        let partition = try partitionTerm(per)
        let keyTerm = try sortTerm(key.expr, descending: key.descending, nullsFirst: key.nullsFirst)
        let rank = "row_number() OVER (PARTITION BY \(partition) ORDER BY \(([keyTerm] + order).joined(separator: ", ")))"
        try seal(extra: [(rank, "folio_rank")])
        current.wheres.append("s.folio_rank <= \(limit)")
        // Groups in the order of their key (nulls last), then each group's rows by rank.
        order = [try sortTerm(per, descending: false, nullsFirst: false), "s.folio_rank"]
    }

    func aggregate(_ keys: [(name: String, expr: TExpr)], _ aggregates: [(name: String, aggregate: CheckedAggregate)]) throws(Diagnostic) {
        if current.items != nil || current.limit != nil || current.offset > 0 || current.isGrouped { try seal() }
        // Without ordered aggregates, the first of a group in an order (a key's first
        // spelling, a min or max of text) is a window's, computed in a step before grouping.
        var firsts: [Int: String] = [:]
        let textKeys = keys.indices.filter { if case .string = keys[$0].expr.type { true } else { false } }
        let textExtremes = aggregates.indices.filter { i in
            let a = aggregates[i].aggregate
            return (a.function == .min || a.function == .max) && a.argument?.type.isTextual == true
        }
        if !dialect.orderedAggregates, !textKeys.isEmpty || !textExtremes.isEmpty {
            var partition: [String] = []
            for k in keys { partition.append(try partitionTerm(k.expr)) }
            var extra: [(String, String)] = []
            for i in textKeys {
                extra.append((windowFirst(try value(keys[i].expr), partition: partition, order: order), "g\(i)"))
                firsts[i] = "max(s.g\(i))"
            }
            for i in textExtremes {
                let a = aggregates[i].aggregate
                guard let arg = a.argument else { continue }
                let x = try value(arg)
                let key: SQLText
                if case .enumeration(let d) = arg.type { key = position(x, d) } else { key = dialect.sortText(x) }
                let terms = ["CASE WHEN \(x.text) IS NULL THEN 1 ELSE 0 END", "\(key.text) \(a.function == .min ? "ASC" : "DESC")"] + order
                extra.append((windowFirst(x, partition: partition, order: terms), "m\(i)"))
                firsts[keys.count + i] = "max(s.m\(i))"
            }
            try seal(extra: extra)
        }
        var cols: [Column] = []
        var groupTerms: [String] = []
        var newOrder: [String] = []
        for (i, k) in keys.enumerated() {
            let x = try value(k.expr)
            if case .string = k.expr.type {
                // Keys group as = compares; a group shows the first spelling it met.
                let folded = dialect.caseFold(x)
                groupTerms.append(folded.text)
                cols.append(Column(name: k.name, type: k.expr.type, sql: firsts[i].map { SQLText($0, atomic: true) } ?? dialect.firstValue(x, order: order)))
                newOrder.append(sortFolded(folded) + " ASC NULLS LAST")
            } else {
                groupTerms.append(x.text)
                cols.append(Column(name: k.name, type: k.expr.type, sql: x))
                newOrder.append(try sortTerm(k.expr, descending: false, nullsFirst: false, sql: x))
            }
        }
        for (i, a) in aggregates.enumerated() {
            let sql: SQLText
            if let first = firsts[keys.count + i] { sql = SQLText(first, atomic: true) } else { sql = try aggregateSQL(a.aggregate) }
            cols.append(Column(name: a.name, type: a.aggregate.type, sql: sql))
        }
        // No keys (folio always has some) would group every row into one.
        current.groupBy = groupTerms.isEmpty ? ["1"] : groupTerms
        current.items = cols.enumerated().map { ($0.element.sql.text, "c\($0.offset + 1)") }
        scope = .frame(cols)
        order = newOrder
        itemsHaveWindows = false
    }

    /// The folded text of a group key in code-point order (the dialect's sort of folded text).
    func sortFolded(_ folded: SQLText) -> String {
        // sortText folds again; folding twice changes nothing, but reads badly: sort the
        // folded key as the dialect sorts text, without a second lower().
        let sorted = dialect.sortText(SQLText("x", atomic: true)).text
        return sorted.replacingOccurrences(of: "lower(x)", with: folded.text)
    }

    // MARK: - Steps

    /// Makes the SELECT so far a named step and starts a SELECT that reads it: an entity's
    /// rows keep every column (so paths and collections still work on them), a result its
    /// columns; the rows' order is carried as a column. `extra`: more columns for the step.
    func seal(extra: [(expr: String, alias: String)] = [], keepingOrder: Bool = true) throws(Diagnostic) {
        if !dialect.ordersGroupsInPlace, extra.isEmpty, current.isGrouped, current.limit == nil, current.offset == 0, keepingOrder { sealGroups() }
        stepCount += 1
        let name = "step\(stepCount)"
        var step = current
        let carriesOrder = keepingOrder && !(order.count == 1 && order[0].hasSuffix(".\(SQLNames.row)"))
        let orderColumn = carriesOrder ? "row_number() OVER (ORDER BY \(order.joined(separator: ", ")))" : nil
        switch scope {
        case .entity(let table, let alias):
            var items: [(String, String)] = []
            if step.items == nil {
                if alias == "s" {
                    // From a step: its entity columns by name (the step's own extra
                    // columns, a rank or an order, stay behind).
                    items.append(("s.\(SQLNames.row)", SQLNames.row))
                    for f in store.tables[table].def.fields where f.type != .stringList {
                        items.append(("s.\(column(f.name))", column(f.name)))
                    }
                } else {
                    items.append(("\(alias).*", ""))
                }
            }
            if let orderColumn { items.append((orderColumn, SQLNames.order)) }
            step.items = items + extra
            if step.limit != nil || step.offset > 0 { step.orderBy = order }
            statement.steps.append((name, step))
            current = SQLSelect(from: "\(name) s")
            current.usedAliases = ["s"]
            scope = .entity(table: table, alias: "s")
        case .frame(let cols):
            var items = cols.enumerated().map { ($0.element.sql.text, "c\($0.offset + 1)") }
            // The rows' order goes with them: a row number, or the rows' own place.
            if keepingOrder { items.append(orderColumn.map { ($0, SQLNames.order) } ?? (order[0], SQLNames.row)) }
            step.items = items + extra
            if step.limit != nil || step.offset > 0 { step.orderBy = order }
            statement.steps.append((name, step))
            current = SQLSelect(from: "\(name) s")
            current.usedAliases = ["s"]
            scope = .frame(cols.enumerated().map { Column(name: $0.element.name, type: $0.element.type, sql: SQLText("s.c\($0.offset + 1)", atomic: true)) })
        }
        order = carriesOrder ? ["s.\(SQLNames.order)"] : ["s.\(SQLNames.row)"]
        analyticColumns = [:]
        itemsHaveWindows = false
    }

    /// Makes grouped rows a step with their order's terms as columns (`o1`, …), and starts
    /// a SELECT that reads it in that order: for a dialect that cannot order groups in place.
    func sealGroups() {
        guard case .frame(let cols) = scope else { return }
        stepCount += 1
        let name = "step\(stepCount)"
        var step = current
        var items = cols.enumerated().map { ($0.element.sql.text, "c\($0.offset + 1)") }
        var outer: [String] = []
        for (i, term) in order.enumerated() {
            var expr = term
            var suffix = ""
            for s in [" NULLS LAST", " NULLS FIRST", " DESC", " ASC"] where expr.hasSuffix(s) {
                expr.removeLast(s.count)
                suffix = s + suffix
            }
            for s in [" DESC", " ASC"] where expr.hasSuffix(s) {
                expr.removeLast(s.count)
                suffix = s + suffix
            }
            items.append((expr, "o\(i + 1)"))
            outer.append("s.o\(i + 1)\(suffix)")
        }
        step.items = items
        statement.steps.append((name, step))
        current = SQLSelect(from: "\(name) s")
        current.usedAliases = ["s"]
        scope = .frame(cols.enumerated().map { Column(name: $0.element.name, type: $0.element.type, sql: SQLText("s.c\($0.offset + 1)", atomic: true)) })
        order = outer
    }

    /// Computes the analytic functions of `exprs` as columns of a step, so that a condition
    /// or sort can use them (SQL evaluates windows after WHERE).
    func materializeAnalytics(in exprs: [TExpr]) throws(Diagnostic) {
        var extra: [(String, String)] = []
        var ids: [Int] = []
        for e in exprs {
            for a in e.analytics {
                guard case .analytic(_, _, _, _, let id) = a.kind, !ids.contains(id) else { continue }
                extra.append((try value(a).text, "a\(id)"))
                ids.append(id)
            }
        }
        try seal(extra: extra)
        for id in ids { analyticColumns[id] = SQLText("s.a\(id)", atomic: true) }
    }

    // MARK: - Sorting

    /// An ORDER BY term with folio's order: text folded in code-point order, picklists in
    /// their declared order, nulls where folio puts them.
    func sortTerm(_ e: TExpr, descending: Bool, nullsFirst: Bool, sql given: SQLText? = nil) throws(Diagnostic) -> String {
        let x: SQLText
        if let given { x = given } else { x = try value(e) }
        let key: String
        switch e.type {
        case .string: key = dialect.sortText(x).text
        case .enumeration(let domain): key = position(x, domain).text
        default: key = x.text
        }
        return key + (descending ? " DESC" : " ASC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST")
    }

    /// A PARTITION BY term: text folded (keys group as = compares).
    func partitionTerm(_ e: TExpr) throws(Diagnostic) -> String {
        let x = try value(e)
        if case .string = e.type { return dialect.caseFold(x).text }
        return x.text
    }

    /// A picklist value's place in the declared order (custom values after, in order of appearance).
    func position(_ x: SQLText, _ domain: EnumDomain) -> SQLText {
        let cases = domain.labels.enumerated().map { "WHEN \(dialect.string($0.element)) THEN \($0.offset)" }.joined(separator: " ")
        return SQLText("CASE \(x.text) \(cases) END", atomic: true)
    }

    // MARK: - Expressions

    /// A condition as one of the terms a WHERE joins with AND: an OR in parentheses.
    func whereTerm(_ p: SQLText, _ e: TExpr) -> String {
        if case .or = e.kind { return "(" + p.text + ")" }
        return p.text
    }

    /// AND-terms, flattened.
    func conjuncts(_ e: TExpr) -> [TExpr] {
        if case .and(let terms) = e.kind { return terms.flatMap(conjuncts) }
        return [e]
    }
}
