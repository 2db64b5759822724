import Foundation

/// Resolves names against the schema, types every expression, and turns literals, ranges
/// and parameters into constants: syntax tree → ``CheckedPipeline``.
public struct Checker {
    public struct Context: Sendable {
        public var store: Store
        public var today: Int32
        public var fiscalYearStart: Int
        public var parameters: [String: Literal]
        /// Named queries by their name in lower case (the chain each is built on is in the
        /// query itself).
        public var namedQueries: [String: NamedQuery]
        /// Identifies this state of the session (store, today, fiscal year, parameters): named
        /// queries checked under one version are not checked again under it. Unique unless
        /// given: a session passes its own, which changes whenever its state does.
        public var version: Int

        public init(store: Store, today: Int32, fiscalYearStart: Int, parameters: [String: Literal] = [:], namedQueries: [String: NamedQuery] = [:],
                    version: Int? = nil) {
            self.store = store
            self.today = today
            self.fiscalYearStart = fiscalYearStart
            self.parameters = parameters
            self.namedQueries = namedQueries
            self.version = version ?? Checker.newVersion()
        }
    }

    private static let versions = VersionCounter()

    /// A number no state of any session has had before.
    public static func newVersion() -> Int { versions.next() }

    /// What a row is at some point in a pipeline: an entity record, or projected columns.
    enum Scope {
        case entity(Int)
        case frame([OutputColumn])
    }

    let context: Context
    var store: Store { context.store }
    /// The parameters the checked query uses, where (filled while checking).
    let parameterUses = ParameterUses()

    public init(_ context: Context) { self.context = context }

    /// The named query a source names, unless an entity has that name.
    public func namedQuery(_ source: Name) -> NamedQuery? {
        guard store.table(source.text) == nil else { return nil }
        return context.namedQueries[source.text.lowercased()]
    }

    /// A pipeline with a named query as its source written out over the entity beneath it.
    public func expand(_ p: Pipeline) -> Pipeline {
        guard let named = namedQuery(p.source) else { return p }
        let below = named.expanded
        return Pipeline(source: below.source, stages: below.stages + p.stages, span: p.span)
    }

    /// Checks a pipeline; throws its first mistake. ``checkAll(_:)`` reports every one.
    public func check(_ pipeline: Pipeline) throws(Diagnostic) -> CheckedPipeline {
        let (checked, diagnostics) = checkAll(pipeline)
        if let first = diagnostics.first { throw first }
        guard let checked else { preconditionFailure("a pipeline with no mistakes was not checked") }
        return checked
    }

    /// A named query's own pipeline, checked over the chain it was built on.
    public func check(_ named: NamedQuery) throws(Diagnostic) -> CheckedPipeline {
        let (checked, diagnostics) = checkAll(named.pipeline, base: .some(named.base))
        if let first = diagnostics.first { throw named.locate(first) }
        guard let checked else { preconditionFailure("a pipeline with no mistakes was not checked") }
        return checked
    }

    /// Checks a new named query's own stages (only those: the chain below it is checked
    /// already, or is checked once now), so that defining one costs its own length.
    public func checkDefinition(_ named: NamedQuery) throws(Diagnostic) {
        _ = try start(of: named)
    }

    /// Where a pipeline's own stages start: the table at the bottom, the checked stages of
    /// the named queries below (in order) and the row type they leave.
    struct Start {
        var table: Int
        var stages: [CheckedStage]
        var scope: Scope
        var warnings: [Diagnostic]
    }

    /// The start of a pipeline whose source is `source`; `base` (when given) is the named
    /// query it is built on, instead of looking the name up.
    func start(_ source: Name, base: NamedQuery?? = nil) throws(Diagnostic) -> Start {
        let named: NamedQuery? = base ?? namedQuery(source)
        guard let named else {
            guard let table = store.tables.firstIndex(where: { $0.name.caseInsensitiveEquals(source.text) }) else {
                if source.text == Session.lastResultName { throw Diagnostic(source.span, Messages.noLastResult) }
                let names = store.tables.map(\.name) + context.namedQueries.values.map(\.name).filter { $0 != Session.lastResultName }.sorted()
                throw Diagnostic(source.span, Messages.unknownSource(source.text, suggestion: Suggest.closest(source.text, among: names), available: names))
            }
            return Start(table: table, stages: [], scope: .entity(table), warnings: [])
        }
        let top = try start(of: named)
        // Every link's own stages, bottom first. (Their warnings were shown when they were defined.)
        var chunks: [[CheckedStage]] = []
        var node: NamedQuery? = named
        while let n = node, let c = n.checked(for: context.version) {
            chunks.append(c.stages)
            node = n.base
        }
        return Start(table: top.table, stages: chunks.reversed().flatMap { $0 }, scope: top.scope, warnings: [])
    }

    /// Checks the links of a named query's chain that are not checked under this version,
    /// bottom first, without recursion; returns the top link's state (its own stages only).
    func start(of named: NamedQuery) throws(Diagnostic) -> NamedQuery.Checked {
        var unchecked: [NamedQuery] = []
        var node: NamedQuery? = named
        var below: NamedQuery.Checked?
        while let n = node {
            if let c = n.checked(for: context.version) {
                below = c
                break
            }
            unchecked.append(n)
            node = n.base
        }
        for n in unchecked.reversed() {
            let from: Start
            if let b = below {
                if case .chart? = b.stages.last, let first = n.pipeline.stages.first {
                    throw n.locate(Diagnostic(first.keywordSpan, Messages.chartNotLast))
                }
                from = Start(table: b.table, stages: [], scope: b.scope, warnings: [])
            } else {
                do throws(Diagnostic) { from = try start(n.pipeline.source, base: .some(nil)) } catch { throw n.locate(error) }
            }
            let (stages, scope, diagnostics, warnings) = checkStages(n.pipeline.stages, from: from.scope)
            if let first = diagnostics.first { throw n.locate(first) }
            let c = NamedQuery.Checked(version: context.version, table: from.table, stages: stages, scope: scope, warnings: warnings.map(n.locate))
            n.remember(c)
            below = c
        }
        guard let top = below else { preconditionFailure("a named query's chain was not checked") }
        return top
    }

    /// Checks a pipeline and collects independent mistakes: a stage with a mistake is left
    /// out and the next ones are still checked, as long as the row type after it is known
    /// (a mistake in `select` or `group by` ends the checking there). `base`, when given, is
    /// the named query the pipeline is built on (instead of looking its source up by name).
    public func checkAll(_ pipeline: Pipeline, base: NamedQuery?? = nil) -> (CheckedPipeline?, [Diagnostic]) {
        let from: Start
        do throws(Diagnostic) { from = try start(pipeline.source, base: base) } catch { return (nil, [error]) }
        if case .chart? = from.stages.last, let first = pipeline.stages.first {
            return (nil, [Diagnostic(first.keywordSpan, Messages.chartNotLast)])
        }
        let (stages, scope, diagnostics, warnings) = checkStages(pipeline.stages, from: from.scope)
        if !diagnostics.isEmpty { return (nil, diagnostics) }
        var checked = CheckedPipeline(table: from.table, stages: from.stages + stages, columns: columns(scope), warnings: from.warnings + warnings)
        checked.parameters = parameterUses.spans
        return (checked, [])
    }

    /// The columns rows of a scope have.
    func columns(_ scope: Scope) -> [OutputColumn] {
        switch scope {
        case .entity(let t): store.tables[t].def.fields.enumerated().map { OutputColumn(name: $1.name, type: fieldType(t, $0)) }
        case .frame(let cols): cols
        }
    }

    /// Checks stages from a row type: the checked stages, the row type after them, the
    /// mistakes and the warnings.
    func checkStages(_ given: [Stage], from start: Scope) -> ([CheckedStage], Scope, [Diagnostic], [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        func attempt<T>(_ body: () throws(Diagnostic) -> T) -> T? {
            do throws(Diagnostic) { return try body() } catch {
                diagnostics.append(error)
                return nil
            }
        }
        let p = (stages: given, ())
        var scope = start
        var stages: [CheckedStage] = []
        stageLoop: for stage in p.stages {
            let before = diagnostics.count
            // Analytic functions need rows of a result to see (or a select, which makes one).
            var isResult = false
            if case .frame = scope { isResult = true }
            let resultRows = isResult
            func placed(_ t: TExpr, _ allowed: Bool) throws(Diagnostic) -> TExpr {
                try placeAnalytics(t, allowed: allowed)
                return t
            }
            switch stage.kind {
            case .where(let e):
                if let c = attempt({ () throws(Diagnostic) in try placed(try condition(e, scope), resultRows) }) { stages.append(.filter(c)) }
            case .select(let items):
                var columns: [(name: String, expr: TExpr)] = []
                for item in items {
                    switch item {
                    case .star(let span):
                        switch scope {
                        case .entity(let t):
                            for (i, f) in store.tables[t].def.fields.enumerated() {
                                columns.append((f.name, TExpr(kind: .field(hops: [], table: t, field: i), type: fieldType(t, i), span: span)))
                            }
                        case .frame(let cols):
                            for (i, c) in cols.enumerated() { columns.append((c.name, TExpr(kind: .column(i), type: c.type, span: span))) }
                        }
                    case .expr(let e, let alias):
                        if alias == nil, case .binary(.equal, let l, _) = e.kind, case .name(let n) = l.kind {
                            warnings.append(Diagnostic(e.span, Messages.comparisonInSelect(n)))
                        }
                        if let t = attempt({ () throws(Diagnostic) in try placed(try value(e, scope), true) }) { columns.append((alias?.text ?? e.canonicalText, t)) }
                    }
                }
                if diagnostics.count > before { break stageLoop }
                scope = .frame(columns.map { OutputColumn(name: $0.name, type: $0.expr.type) })
                stages.append(.project(columns))
            case .sort(let keys):
                var checked: [CheckedSortKey] = []
                for k in keys {
                    if let t = attempt({ () throws(Diagnostic) in try placed(try sortable(k.expr, scope), resultRows) }) {
                        checked.append(CheckedSortKey(expr: t, descending: k.descending, nullsFirst: k.nullsFirst ?? false))
                    }
                }
                stages.append(.sort(checked))
            case .limit(let n, let offset):
                let count = attempt({ () throws(Diagnostic) in try wholeNumber(n, "limit") })
                let skip = offset.map { e in attempt({ () throws(Diagnostic) in try wholeNumber(e, "offset") }) } ?? 0
                if let count, let skip { stages.append(.limit(count, offset: skip)) }
            case .top(let n, let by, let descending, let per):
                let count = attempt({ () throws(Diagnostic) in try wholeNumber(n, "top") })
                let key = attempt({ () throws(Diagnostic) in try placed(try sortable(by, scope), resultRows) })
                let group: TExpr? = per.flatMap { e in attempt({ () throws(Diagnostic) in try placed(try sortable(e, scope), resultRows) }) }
                if let count, let key, per == nil || group != nil {
                    stages.append(.top(count, CheckedSortKey(expr: key, descending: descending, nullsFirst: false), per: group))
                }
            case .groupBy(let keyItems, let aggregateItems):
                let keys = attempt({ () throws(Diagnostic) in try groupKeys(keyItems, scope) })
                var aggregates: [(name: String, aggregate: CheckedAggregate)] = []
                if let aggregateItems {
                    for item in aggregateItems {
                        guard case .expr(let e, let alias) = item else { continue }
                        if let a = attempt({ () throws(Diagnostic) in try aggregate(e, scope) }) { aggregates.append((alias?.text ?? e.canonicalText, a)) }
                    }
                } else {
                    aggregates.append(("count", CheckedAggregate(function: .count, argument: nil, condition: nil, type: .int)))
                }
                guard let keys, diagnostics.count == before else { break stageLoop }
                stages.append(.group(keys: keys, aggregates: aggregates))
                scope = .frame(keys.map { OutputColumn(name: $0.name, type: $0.expr.type) } + aggregates.map { OutputColumn(name: $0.name, type: $0.aggregate.type) })
            case .distinct(let items):
                guard let keys = attempt({ () throws(Diagnostic) in try groupKeys(items, scope) }) else { break stageLoop }
                stages.append(.group(keys: keys, aggregates: []))
                scope = .frame(keys.map { OutputColumn(name: $0.name, type: $0.expr.type) })
            case .chart(let valueExpr, let labelExpr):
                if stage.span != p.stages.last?.span {
                    diagnostics.append(Diagnostic(stage.keywordSpan, Messages.chartNotLast))
                    break stageLoop
                }
                let v = attempt({ () throws(Diagnostic) in try placed(try value(valueExpr, scope), resultRows) })
                if let v, !v.type.isNumeric {
                    diagnostics.append(Diagnostic(valueExpr.span, Messages.typeMismatch("chart", expected: "a number to draw", found: v.type.description)))
                }
                let l: TExpr? = labelExpr.flatMap { e in attempt({ () throws(Diagnostic) in try placed(try value(e, scope), resultRows) }) }
                if let v, labelExpr == nil || l != nil {
                    stages.append(.chart(value: v, label: l, valueName: valueExpr.canonicalText, labelName: labelExpr?.canonicalText))
                }
            case .count:
                stages.append(.count)
                scope = .frame([OutputColumn(name: "count", type: .int)])
            }
        }
        return (stages, scope, diagnostics, warnings)
    }

    // MARK: - Groups

    func groupKeys(_ items: [SelectItem], _ scope: Scope) throws(Diagnostic) -> [(name: String, expr: TExpr)] {
        var keys: [(name: String, expr: TExpr)] = []
        for item in items {
            guard case .expr(let e, let alias) = item else { continue }
            if case .call(let name, let args) = e.kind, Aggregate(rawValue: name.text.lowercased()) != nil,
               !args.contains(where: { isCollectionPath($0, scope) }), !namesColumn(e, scope) {
                throw Diagnostic(e.span, Messages.aggregateAsGroupKey(name.text.lowercased()))
            }
            let t = try value(e, scope)
            if t.type == .list { throw Diagnostic(e.span, Messages.typeMismatch("a group key", expected: "a single value", found: "a list")) }
            try placeAnalytics(t, allowed: false)
            keys.append((alias?.text ?? e.canonicalText, t))
        }
        return keys
    }

    /// Whether `e`'s text names a column of the rows before it (`count()` after a group).
    func namesColumn(_ e: Expr, _ scope: Scope) -> Bool {
        guard case .frame(let cols) = scope else { return false }
        let text = e.canonicalText
        return cols.contains { $0.name.caseInsensitiveEquals(text) }
    }

    /// An item of `aggregate …`: an aggregate function over the rows of each group.
    func aggregate(_ e: Expr, _ scope: Scope) throws(Diagnostic) -> CheckedAggregate {
        let a = try aggregateItem(e, scope)
        for part in [a.argument, a.condition].compactMap({ $0 }) { try placeAnalytics(part, allowed: false) }
        return a
    }

    func aggregateItem(_ e: Expr, _ scope: Scope) throws(Diagnostic) -> CheckedAggregate {
        guard case .call(let name, let args) = e.kind, let f = Aggregate(rawValue: name.text.lowercased()), f != .exists else {
            if case .call(let name, _) = e.kind, Aggregate(rawValue: name.text.lowercased()) == nil, Function(rawValue: name.text.lowercased()) == nil {
                let all = Aggregate.allCases.map(\.rawValue)
                throw Diagnostic(name.span, Messages.unknownFunction(name.text, suggestion: Suggest.closest(name.text, among: all)))
            }
            throw Diagnostic(e.span, Messages.notAnAggregate(e.canonicalText))
        }
        let fname = f.rawValue
        func arity(_ n: Int, _ text: String) throws(Diagnostic) {
            guard args.count == n else { throw Diagnostic(e.span, Messages.argumentCount(fname, expected: text, found: args.count)) }
        }
        switch f {
        case .count:
            if args.isEmpty { return CheckedAggregate(function: .count, argument: nil, condition: nil, type: .int) }
            try arity(1, "no argument, or one")
            return CheckedAggregate(function: .count, argument: try value(args[0], scope), condition: nil, type: .int)
        case .count_distinct:
            try arity(1, "one argument")
            return CheckedAggregate(function: f, argument: try value(args[0], scope), condition: nil, type: .int)
        case .count_if:
            try arity(1, "one argument: a condition")
            return CheckedAggregate(function: f, argument: nil, condition: try condition(args[0], scope), type: .int)
        case .sum, .avg, .median, .sum_if:
            try arity(f == .sum_if ? 2 : 1, f == .sum_if ? "two arguments: sum_if(value, condition)" : "one argument")
            let t = try value(args[0], scope)
            let numeric = t.type.isNumeric || (f == .median && t.type == .date)
            guard numeric else { throw Diagnostic(args[0].span, Messages.typeMismatch("\(fname)()", expected: "a number", found: t.type.description)) }
            let cond = f == .sum_if ? try condition(args[1], scope) : nil
            let type: ValueType = (f == .avg && t.type == .int) ? .decimal : (t.type == .null ? .int : t.type)
            return CheckedAggregate(function: f, argument: t, condition: cond, type: f == .median && t.type == .int ? .decimal : type)
        case .min, .max:
            try arity(1, "one argument")
            let t = try value(args[0], scope)
            return CheckedAggregate(function: f, argument: t, condition: nil, type: t.type)
        case .exists:
            preconditionFailure("exists is handled above")
        }
    }

    func fieldType(_ table: Int, _ field: Int) -> ValueType {
        let t = store.tables[table]
        return ValueType(t.def.fields[field].type, domain: t.enumDomain(field))
    }

    func wholeNumber(_ e: Expr, _ what: String) throws(Diagnostic) -> Int {
        let t = try resolve(e, .frame([]))
        guard case .constant(let v) = t.kind, case .int(let n) = v, n >= 0, let i = Int(exactly: n) else {
            throw Diagnostic(e.span, Messages.badLimit(what))
        }
        return i
    }

    func condition(_ e: Expr, _ scope: Scope) throws(Diagnostic) -> TExpr {
        let t = try value(e, scope)
        guard t.type == .bool || t.type == .null else { throw Diagnostic(e.span, Messages.conditionNotBool) }
        return t
    }

    func sortable(_ e: Expr, _ scope: Scope) throws(Diagnostic) -> TExpr {
        let t = try value(e, scope)
        if t.type == .list { throw Diagnostic(e.span, Messages.typeMismatch("sort", expected: "a single value", found: "a list")) }
        return t
    }

    /// An expression that must produce a value (not a relationship, collection, range or duration).
    func value(_ e: Expr, _ scope: Scope) throws(Diagnostic) -> TExpr {
        let t = try resolve(e, scope)
        switch t.type {
        case .record(let target): throw Diagnostic(e.span, Messages.relationshipAsValue(e.canonicalText, target: target))
        case .collection: throw Diagnostic(e.span, Messages.collectionAsValue(e.canonicalText))
        case .range: throw Diagnostic(e.span, Messages.rangeOutsideIn)
        case .duration: throw Diagnostic(e.span, Messages.durationAlone)
        default: return t
        }
    }

    // MARK: - Expressions

    func resolve(_ e: Expr, _ scope: Scope) throws(Diagnostic) -> TExpr {
        // After a projection, any expression whose text names a column is that column.
        if case .frame(let cols) = scope {
            let text = e.canonicalText
            if let i = cols.firstIndex(where: { $0.name.caseInsensitiveEquals(text) }) {
                return TExpr(kind: .column(i), type: cols[i].type, span: e.span)
            }
        }
        switch e.kind {
        case .name(let n):
            return try name(n, e.span, scope)
        case .member(let base, let field):
            let b = try resolve(base, scope)
            // `coll.field`, `coll.relationship.field`: a value of each child row, followed along to-one paths.
            var inner: (CollectionRef, Int, [Hop])?
            if case .collection(let ref) = b.kind { inner = (ref, ref.child, []) }
            if case .collectionField(let ref, let previous) = b.kind, case .field(let hops, let table, -1) = previous.kind { inner = (ref, table, hops) }
            if let (ref, table, hops) = inner {
                let f = try member(field, of: table, hops: hops, span: field.span)
                switch f.type {
                case .collection:
                    // A collection of a collection: its steps follow the first's.
                    guard case .collection(let next) = f.kind else { preconditionFailure("a collection type without a collection") }
                    let joined = CollectionRef(steps: ref.steps + next.steps)
                    if joined.steps.count > Parser.maxDepth {
                        throw Diagnostic(field.span, Messages.nestedTooDeeply(Parser.maxDepth))
                    }
                    return TExpr(kind: .collection(joined), type: f.type, span: e.span)
                case .list:
                    // A list field of each row, the lists joined (`accounts.products`).
                    return TExpr(kind: .collectionField(ref, f), type: .list, span: e.span)
                case .record:
                    // Followed further (`contacts.account.name`); on its own it is a relationship, not a value.
                    return TExpr(kind: .collectionField(ref, f), type: f.type, span: e.span)
                default:
                    return TExpr(kind: .collectionField(ref, f), type: .list, span: e.span)
                }
            }
            guard case .record(let target) = b.type, case .field(let hops, let table, _) = b.kind else {
                if case .frame(let cols) = scope {
                    throw Diagnostic(e.span, Messages.nameNotAfterProjection(e.canonicalText, available: cols.map(\.name)))
                }
                throw Diagnostic(field.span, Messages.typeMismatch("'.\(field.text)'", expected: "a relationship before it", found: b.type.description))
            }
            _ = target
            return try member(field, of: table, hops: hops, span: e.span)
        case .filter(let base, let cond):
            let b = try resolve(base, scope)
            guard case .collection(var ref) = b.kind else {
                throw Diagnostic(e.span, Messages.typeMismatch("'[…]'", expected: "a collection before it (opportunities[stage = \"closed_won\"])", found: b.type.description))
            }
            ref.filters.append(try condition(cond, .entity(ref.child)))
            return TExpr(kind: .collection(ref), type: b.type, span: e.span)
        case .literal(let l):
            return constant(l, e.span)
        case .parameter(let p):
            guard let (name, l) = context.parameters.first(where: { $0.key.caseInsensitiveEquals(p) }) else {
                throw Diagnostic(e.span, Messages.missingParameter(p))
            }
            parameterUses.record(e.span, name)
            return constant(l, e.span)
        case .today:
            return TExpr(kind: .constant(.date(context.today)), type: .date, span: e.span)
        case .duration(let d):
            return TExpr(kind: .duration(d), type: .duration, span: e.span)
        case .range(let r):
            let (lo, hi) = resolveRange(r)
            return TExpr(kind: .range(lo, hi), type: .range, span: e.span)
        case .negate(let inner):
            let t = try value(inner, scope)
            guard t.type.isNumeric else { throw Diagnostic(inner.span, Messages.typeMismatch("'-'", expected: "a number", found: t.type.description)) }
            if case .constant(let v) = t.kind {
                switch v {
                case .int(let n) where n != .min: return TExpr(kind: .constant(.int(-n)), type: .int, span: e.span)
                case .decimal(let d): return TExpr(kind: .constant(.decimal(-d)), type: .decimal, span: e.span)
                default: break
                }
            }
            return TExpr(kind: .negate(t), type: t.type, span: e.span)
        case .not(let inner):
            let t = try condition(inner, scope)
            return TExpr(kind: .not(t), type: .bool, span: e.span)
        case .binary(let op, let l, let r):
            return try binary(op, l, r, e.span, scope)
        case .and(let terms), .or(let terms):
            var checked: [TExpr] = []
            checked.reserveCapacity(terms.count)
            for term in terms { checked.append(try condition(term, scope)) }
            if case .and = e.kind { return TExpr(kind: .and(checked), type: .bool, span: e.span) }
            return TExpr(kind: .or(checked), type: .bool, span: e.span)
        case .arithmetic(let first, let steps):
            return try arithmetic(first, steps, e.span, scope)
        case .inList(let x, let items, let negated):
            let t = try value(x, scope)
            if t.type == .list { throw Diagnostic(x.span, Messages.typeMismatch("'in'", expected: "a single value", found: "a list (use has any (…))")) }
            var checked: [TExpr] = []
            for item in items {
                let c = try coerce(try value(item, scope), to: t.type, item.span)
                guard c.type.comparable(with: t.type) else { throw Diagnostic(item.span, Messages.cannotCompare(t.type.description, c.type.description)) }
                checked.append(c)
            }
            return TExpr(kind: .inList(t, checked, negated: negated), type: .bool, span: e.span)
        case .inRange(let x, let rangeExpr, let negated):
            let t = try value(x, scope)
            let r = try resolve(rangeExpr, scope)
            guard case .range(let lo, let hi) = r.kind else {
                throw Diagnostic(rangeExpr.span, Messages.typeMismatch("'in'", expected: "a list in parentheses or a date range (next 90 days)", found: r.type.description))
            }
            guard t.type == .date || t.type == .null else {
                throw Diagnostic(x.span, Messages.typeMismatch("a date range", expected: "a date on the left", found: t.type.description))
            }
            return TExpr(kind: .inRange(t, lo, hi, negated: negated), type: .bool, span: e.span)
        case .like(let x, let pattern, let negated):
            let t = try value(x, scope)
            let p = try value(pattern, scope)
            guard t.type.isTextual else { throw Diagnostic(x.span, Messages.typeMismatch("'like'", expected: "a string", found: t.type.description)) }
            guard p.type.isTextual else { throw Diagnostic(pattern.span, Messages.typeMismatch("'like'", expected: "a string pattern", found: p.type.description)) }
            return TExpr(kind: .like(t, p, negated: negated), type: .bool, span: e.span)
        case .between(let x, let lo, let hi, let negated):
            let t = try value(x, scope)
            if t.type == .list { throw Diagnostic(x.span, Messages.typeMismatch("'between'", expected: "a single value", found: "a list")) }
            let l = try coerce(try value(lo, scope), to: t.type, lo.span)
            let h = try coerce(try value(hi, scope), to: t.type, hi.span)
            for (c, s) in [(l, lo.span), (h, hi.span)] where !c.type.comparable(with: t.type) {
                throw Diagnostic(s, Messages.cannotCompare(t.type.description, c.type.description))
            }
            return TExpr(kind: .between(t, l, h, negated: negated), type: .bool, span: e.span)
        case .isNull(let x, let negated):
            // `parent is null` asks about the relationship's key.
            if case .field(var hops, _, -1) = try resolve(x, scope).kind {
                // `root` is never null where the row before it exists.
                while hops.last?.toRoot == true { hops.removeLast() }
                guard let last = hops.last else { return TExpr(kind: .constant(.bool(negated)), type: .bool, span: e.span) }
                let key = TExpr(kind: .field(hops: Array(hops.dropLast()), table: last.table, field: last.field), type: .string, span: x.span)
                return TExpr(kind: .isNull(key, negated: negated), type: .bool, span: e.span)
            }
            let t = try value(x, scope)
            return TExpr(kind: .isNull(t, negated: negated), type: .bool, span: e.span)
        case .has(let x, let mode, let items, let negated):
            let t = try value(x, scope)
            guard t.type == .list || t.type == .null else {
                throw Diagnostic(x.span, Messages.typeMismatch("'has'", expected: "a list (such as products)", found: t.type.description))
            }
            var checked: [TExpr] = []
            for item in items {
                let c = try value(item, scope)
                guard c.type.isTextual else { throw Diagnostic(item.span, Messages.typeMismatch("'has'", expected: "a string", found: c.type.description)) }
                checked.append(c)
            }
            return TExpr(kind: .has(t, mode, checked, negated: negated), type: .bool, span: e.span)
        case .call(let name, let args):
            return try call(name, args, e.span, scope)
        case .analytic(let name, let argument, let descending, let per):
            return try analytic(name, argument, descending: descending, per: per, e.span, scope)
        }
    }

    func constant(_ l: Literal, _ span: Range<Int>) -> TExpr {
        switch l {
        case .int(let v): TExpr(kind: .constant(.int(v)), type: .int, span: span)
        case .decimal(let d): TExpr(kind: .constant(.decimal(d)), type: .decimal, span: span)
        case .string(let s): TExpr(kind: .constant(.string(s)), type: .string, span: span)
        case .date(let d): TExpr(kind: .constant(.date(d)), type: .date, span: span)
        case .bool(let b): TExpr(kind: .constant(.bool(b)), type: .bool, span: span)
        case .null: TExpr(kind: .constant(.null), type: .null, span: span)
        }
    }

    func name(_ n: String, _ span: Range<Int>, _ scope: Scope) throws(Diagnostic) -> TExpr {
        switch scope {
        case .frame(let cols):
            throw Diagnostic(span, Messages.nameNotAfterProjection(n, available: cols.map(\.name)))
        case .entity(let table):
            return try member(Name(text: n, span: span), of: table, hops: [], span: span)
        }
    }

    /// A field, relationship or collection of `table`, reached through `hops`.
    func member(_ n: Name, of table: Int, hops: [Hop], span: Range<Int>) throws(Diagnostic) -> TExpr {
        let t = store.tables[table]
        if let f = t.def.fieldIndex(n.text) {
            return TExpr(kind: .field(hops: hops, table: table, field: f), type: fieldType(table, f), span: span)
        }
        if let (f, ref) = t.def.relationship(n.text), let target = store.tables.firstIndex(where: { $0.name == ref.target }) {
            return TExpr(kind: .field(hops: hops + [Hop(table: table, field: f)], table: target, field: -1), type: .record(ref.target), span: span)
        }
        if let c = store.schema.collection(n.text, of: t.name), let child = store.tables.firstIndex(where: { $0.name == c.child }) {
            let step = CollectionStep(hops: hops, parent: table, kind: .children(c.name.lowercased()), child: child, filters: [])
            return TExpr(kind: .collection(CollectionRef(steps: [step])), type: .collection(c.child), span: span)
        }
        // The hierarchy of a self-referencing key: its names come after the schema's own.
        if let f = t.def.hierarchyField {
            switch n.text.lowercased() {
            case "root":
                return TExpr(kind: .field(hops: hops + [Hop(table: table, field: f, toRoot: true)], table: table, field: -1), type: .record(t.name), span: span)
            case "descendants", "ancestors":
                let kind: CollectionStep.Kind = n.text.lowercased() == "descendants" ? .descendants(field: f) : .ancestors(field: f)
                let step = CollectionStep(hops: hops, parent: table, kind: kind, child: table, filters: [])
                return TExpr(kind: .collection(CollectionRef(steps: [step])), type: .collection(t.name), span: span)
            default: break
            }
        }
        let hierarchy = t.def.hierarchyField == nil ? [] : ["ancestors", "descendants", "root"]
        let candidates = t.def.fields.map(\.name) + t.def.fields.compactMap { $0.reference?.name } + store.schema.collections(of: t.name).map(\.name) + hierarchy
        if let agg = Aggregate(rawValue: n.text.lowercased()), agg == .count {
            throw Diagnostic(n.span, Messages.aggregateOutsideGroup("count"))
        }
        throw Diagnostic(n.span, Messages.unknownField(n.text, on: t.name, suggestion: Suggest.closest(n.text, among: candidates), available: t.def.fields.map(\.name)))
    }

    /// Makes a literal fit the type it is compared with: an enum value (checked), or a date.
    func coerce(_ t: TExpr, to target: ValueType, _ span: Range<Int>) throws(Diagnostic) -> TExpr {
        if case .enumeration(let domain) = target, t.type == .string {
            if case .constant = t.kind {} else { return TExpr(kind: .toEnum(t, domain), type: target, span: t.span) }
        }
        guard case .constant(.string(let s)) = t.kind else { return t }
        switch target {
        case .enumeration(let domain):
            guard let code = domain.code(of: s) else {
                let field = domain.name
                throw Diagnostic(span, Messages.unknownEnumValue(s, field: field, suggestion: Suggest.closest(s, among: domain.labels), values: domain.labels))
            }
            return TExpr(kind: .constant(.enumeration(code, domain.labels[Int(code)])), type: target, span: t.span)
        case .date:
            guard let d = Day.parse(s) else { throw Diagnostic(span, Messages.notADate(s)) }
            return TExpr(kind: .constant(.date(d)), type: .date, span: t.span)
        default:
            return t
        }
    }

    func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ span: Range<Int>, _ scope: Scope) throws(Diagnostic) -> TExpr {
        var a = try value(l, scope), b = try value(r, scope)
        // `x = null` is the null test for every field, a list too.
        if op == .equal || op == .notEqual, a.type == .list || b.type == .list, a.type == .null || b.type == .null {
            return TExpr(kind: .isNull(a.type == .null ? b : a, negated: op == .notEqual), type: .bool, span: span)
        }
        a = try coerce(a, to: b.type, l.span)
        b = try coerce(b, to: a.type, r.span)
        if a.type == .list || b.type == .list {
            throw Diagnostic(a.type == .list ? l.span : r.span, Messages.typeMismatch("'\(op.rawValue)'", expected: "a single value", found: "a list (use has)"))
        }
        guard a.type.comparable(with: b.type) else { throw Diagnostic(span, Messages.cannotCompare(a.type.description, b.type.description)) }
        return TExpr(kind: .compare(op, a, b), type: .bool, span: span)
    }

    /// `a + b - c …`: checked left to right, without recursion per term.
    func arithmetic(_ first: Expr, _ steps: [ArithmeticStep], _ span: Range<Int>, _ scope: Scope) throws(Diagnostic) -> TExpr {
        let head = try arithmeticOperand(first, steps[0].op, scope)
        var type = head.type
        var checked: [CheckedArithmeticStep] = []
        checked.reserveCapacity(steps.count)
        var left = first.span
        for step in steps {
            let operand = try arithmeticOperand(step.operand, step.op, scope)
            type = try arithmeticType(step.op, type, operand.type, left, step.operand.span)
            checked.append(CheckedArithmeticStep(op: step.op, operand: operand, type: type))
            left = left.lowerBound..<step.operand.span.upperBound
        }
        return TExpr(kind: .arithmetic(head, checked), type: type, span: span)
    }

    /// An operand of `op`: a number, a date or a duration.
    func arithmeticOperand(_ e: Expr, _ op: BinaryOperator, _ scope: Scope) throws(Diagnostic) -> TExpr {
        let t = try resolve(e, scope)
        switch t.type {
        case .record, .collection, .range: _ = try value(e, scope)
        case .list, .bool, .string, .enumeration:
            throw Diagnostic(e.span, Messages.typeMismatch("'\(op.rawValue)'", expected: "numbers or dates", found: t.type.description))
        default: break
        }
        return t
    }

    /// The type of `a op b`; `l` and `r` locate the operands for messages.
    func arithmeticType(_ op: BinaryOperator, _ a: ValueType, _ b: ValueType, _ l: Range<Int>, _ r: Range<Int>) throws(Diagnostic) -> ValueType {
        let what = "'\(op.rawValue)'"
        switch (a, b) {
        case (.date, .duration), (.date, .int):
            guard op == .add || op == .subtract else { throw Diagnostic(r, Messages.typeMismatch(what, expected: "+ or - with a date", found: b.description)) }
            return .date
        case (.duration, .date), (.int, .date):
            guard op == .add else { throw Diagnostic(l, Messages.typeMismatch(what, expected: "a date first", found: a.description)) }
            return .date
        case (.date, .date):
            guard op == .subtract else { throw Diagnostic(r, Messages.typeMismatch(what, expected: "'-' between two dates", found: "date")) }
            return .int
        case (.duration, _), (_, .duration):
            throw Diagnostic(a == .duration ? l : r, Messages.durationAlone)
        case (.date, _), (_, .date):
            throw Diagnostic(a == .date ? r : l, Messages.typeMismatch(what, expected: "a duration or a date", found: (a == .date ? b : a).description))
        default: break
        }
        if op == .divide { return .decimal }
        switch (a, b) {
        case (.null, let t), (let t, .null): return t == .null ? .null : t
        case (.int, .int): return .int
        case (.money, .money): return op == .multiply ? .decimal : .money
        case (.money, .int), (.int, .money), (.money, .decimal), (.decimal, .money): return .money
        default: return .decimal
        }
    }

    // MARK: - Analytic functions

    private static let analyticIDs = VersionCounter()

    /// `rank(arr desc per region)` and the others: typed here; where they may stand is
    /// checked with the stage (``placeAnalytics(_:allowed:)``).
    func analytic(_ name: Name, _ argument: Expr?, descending: Bool, per: Expr?, _ span: Range<Int>, _ scope: Scope) throws(Diagnostic) -> TExpr {
        guard let f = AnalyticFunction(rawValue: name.text.lowercased()) else { preconditionFailure("the parser made an analytic call of another name") }
        let text = f.rawValue
        if descending, f != .rank, f != .row_number {
            throw Diagnostic(span, Messages.analyticForm(text, "only rank and row_number take a direction (desc)"))
        }
        var arg: TExpr?
        if let argument {
            let a = try value(argument, scope)
            if a.type == .list { throw Diagnostic(argument.span, Messages.typeMismatch("\(text)()", expected: "a single value", found: "a list")) }
            if !a.analytics.isEmpty { throw Diagnostic(argument.span, Messages.analyticForm(text, "an analytic function cannot contain another")) }
            arg = a
        } else if f != .row_number {
            throw Diagnostic(span, Messages.argumentCount(text, expected: "one argument: \(text)(EXPR [per KEY])", found: 0))
        }
        if f == .share || f == .running_sum, let a = arg, !a.type.isNumeric {
            throw Diagnostic(argument?.span ?? span, Messages.typeMismatch("\(text)()", expected: "a number", found: a.type.description))
        }
        var key: TExpr?
        if let per {
            let k = try value(per, scope)
            if k.type == .list { throw Diagnostic(per.span, Messages.typeMismatch("per", expected: "a single value", found: "a list")) }
            if !k.analytics.isEmpty { throw Diagnostic(per.span, Messages.analyticForm(text, "an analytic function cannot contain another")) }
            key = k
        }
        let type: ValueType
        switch f {
        case .rank, .row_number: type = .int
        case .share: type = .decimal
        case .running_sum: type = arg?.type == .null ? .int : (arg?.type ?? .int)
        case .previous, .next: type = arg?.type ?? .null
        }
        return TExpr(kind: .analytic(f, arg, descending: descending, per: key, id: Self.analyticIDs.next()), type: type, span: span)
    }

    /// Analytic functions see the rows of a result: allowed in `select`, and in `where`,
    /// `sort`, `top` or `chart` once the rows are a result (after `select`, `group by` or
    /// `distinct`); never inside an aggregate or a collection.
    func placeAnalytics(_ e: TExpr, allowed: Bool) throws(Diagnostic) {
        var stack: [(TExpr, Bool)] = [(e, allowed)]
        while let (x, ok) = stack.popLast() {
            if case .analytic(let f, _, _, _, _) = x.kind, !ok {
                throw Diagnostic(x.span, Messages.analyticPlace(f.rawValue))
            }
            for o in x.operands { stack.append((o, ok)) }
            for c in x.collectionParts { stack.append((c, false)) }
        }
    }

    // MARK: - Functions

    func call(_ name: Name, _ args: [Expr], _ span: Range<Int>, _ scope: Scope) throws(Diagnostic) -> TExpr {
        let lower = name.text.lowercased()
        guard let f = Function(rawValue: lower) else {
            if let agg = Aggregate(rawValue: lower) {
                if agg == .exists || args.contains(where: { isCollectionPath($0, scope) }) {
                    return try collectionAggregate(agg, name, args, span, scope)
                }
                // A mistake in the argument (a misspelt collection) is the one to report,
                // rather than "needs a group".
                for a in args { _ = try resolve(a, scope) }
                throw Diagnostic(name.span, Messages.aggregateOutsideGroup(lower))
            }
            let all = Function.allCases.map(\.rawValue) + Aggregate.allCases.map(\.rawValue)
            throw Diagnostic(name.span, Messages.unknownFunction(name.text, suggestion: Suggest.closest(name.text, among: all)))
        }
        var checked: [TExpr] = []
        for a in args { checked.append(try value(a, scope)) }
        func arity(_ range: ClosedRange<Int>, _ text: String) throws(Diagnostic) {
            guard range.contains(args.count) else { throw Diagnostic(span, Messages.argumentCount(lower, expected: text, found: args.count)) }
        }
        func require(_ i: Int, _ ok: (ValueType) -> Bool, _ expected: String) throws(Diagnostic) {
            let t = checked[i].type
            if t == .null { return }
            guard ok(t) else { throw Diagnostic(args[i].span, Messages.typeMismatch("\(lower)()", expected: expected, found: t.description)) }
        }
        let type: ValueType
        switch f {
        case .lower, .upper:
            try arity(1...1, "one argument")
            try require(0, { $0.isTextual }, "a string")
            type = .string
        case .length:
            try arity(1...1, "one argument")
            try require(0, { $0.isTextual || $0 == .list }, "a string or a list")
            type = .int
        case .contains, .starts_with, .ends_with:
            try arity(2...2, "two arguments")
            try require(0, { $0.isTextual }, "a string")
            try require(1, { $0.isTextual }, "a string")
            type = .bool
        case .coalesce:
            try arity(1...64, "at least one argument")
            var t: ValueType = .null
            for (i, c) in checked.enumerated() {
                if c.type == .null { continue }
                if t == .null {
                    t = c.type
                    continue
                }
                if t.isNumeric && c.type.isNumeric {
                    if c.type == .decimal || t == .decimal { t = .decimal } else if c.type == .money { t = .money }
                } else if t.isTextual && c.type.isTextual {
                    if t != c.type { t = .string }
                } else if t != c.type {
                    throw Diagnostic(args[i].span, Messages.typeMismatch("coalesce()", expected: t.description, found: c.type.description))
                }
            }
            for i in checked.indices { checked[i] = Self.convertNumber(try coerce(checked[i], to: t, args[i].span), to: t) }
            type = t
        case .if:
            try arity(3...3, "three arguments: if(condition, then, else)")
            try require(0, { $0 == .bool }, "a true/false condition")
            let a = checked[1].type, b = checked[2].type
            if a == .null { type = b } else if b == .null { type = a }
            else if a == b { type = a }
            else if a.isNumeric && b.isNumeric { type = (a == .decimal || b == .decimal) ? .decimal : (a == .money || b == .money ? .money : .int) }
            else if a.isTextual && b.isTextual { type = .string }
            else { throw Diagnostic(args[2].span, Messages.typeMismatch("if()", expected: a.description, found: b.description)) }
            checked[1] = Self.convertNumber(checked[1], to: type)
            checked[2] = Self.convertNumber(checked[2], to: type)
        case .round:
            try arity(1...2, "one or two arguments: round(x[, digits])")
            try require(0, { $0.isNumeric }, "a number")
            if args.count == 2 {
                guard case .constant(.int(let d)) = checked[1].kind, (0...10).contains(d) else {
                    throw Diagnostic(args[1].span, Messages.typeMismatch("round()", expected: "a whole number of digits from 0 to 10", found: args[1].canonicalText))
                }
            }
            type = checked[0].type == .null ? .null : checked[0].type
        case .abs:
            try arity(1...1, "one argument")
            try require(0, { $0.isNumeric }, "a number")
            type = checked[0].type
        case .floor, .ceil:
            try arity(1...1, "one argument")
            try require(0, { $0.isNumeric }, "a number")
            type = checked[0].type == .money ? .money : .int
        case .year, .quarter, .month, .day, .fiscal_year, .fiscal_quarter, .days_since, .days_until:
            try arity(1...1, "one argument")
            if case .constant(.string) = checked[0].kind { checked[0] = try coerce(checked[0], to: .date, args[0].span) }
            try require(0, { $0 == .date }, "a date")
            type = .int
        case .start_of:
            try arity(2...2, "two arguments: start_of(date, \"month\")")
            if case .constant(.string) = checked[0].kind { checked[0] = try coerce(checked[0], to: .date, args[0].span) }
            try require(0, { $0 == .date }, "a date")
            guard case .constant(.string(let unitText)) = checked[1].kind,
                  let unit = PeriodUnit(word: unitText), unit != .day else {
                throw Diagnostic(args[1].span, Messages.badStartOfUnit(args[1].canonicalText))
            }
            checked[1] = TExpr(kind: .constant(.string(unit.rawValue)), type: .string, span: checked[1].span)
            type = .date
        }
        return TExpr(kind: .call(f, checked), type: type, span: span)
    }

    /// A number as `type` when its own numeric type differs (a branch of `if` or
    /// `coalesce`): every value of the expression then has the type the checker gave it,
    /// which aggregates and kernels rely on. Constants are converted here.
    static func convertNumber(_ e: TExpr, to type: ValueType) -> TExpr {
        guard e.type != type, e.type.isNumeric, e.type != .null, type.isNumeric, type != .null else { return e }
        if case .constant(let v) = e.kind {
            return TExpr(kind: .constant(Value.converted(v, to: type)), type: type, span: e.span)
        }
        return TExpr(kind: .convert(e), type: type, span: e.span)
    }

    /// `count(coll)`, `exists(coll)`, `count(coll.f)`, `count_distinct(coll.f)`, `sum|avg|min|max|median(coll.f)`.
    func collectionAggregate(_ f: Aggregate, _ name: Name, _ args: [Expr], _ span: Range<Int>, _ scope: Scope) throws(Diagnostic) -> TExpr {
        // count_if(coll, cond) and sum_if(coll.field, cond): the condition is about each child row.
        if f == .count_if || f == .sum_if {
            guard args.count == 2 else {
                throw Diagnostic(span, Messages.argumentCount(f.rawValue, expected: f == .count_if ? "two arguments: count_if(collection, condition)" : "two arguments: sum_if(collection.field, condition)", found: args.count))
            }
            let arg = try resolve(args[0], scope)
            switch (f, arg.kind) {
            case (.count_if, .collection(var ref)):
                ref.filters.append(try condition(args[1], .entity(ref.child)))
                return TExpr(kind: .collectionAggregate(.count, ref, nil), type: .int, span: span)
            case (.sum_if, .collectionField(var ref, let field)) where field.type.isNumeric:
                ref.filters.append(try condition(args[1], .entity(ref.child)))
                return TExpr(kind: .collectionAggregate(.sum, ref, field), type: field.type == .null ? .int : field.type, span: span)
            default:
                throw Diagnostic(args[0].span, Messages.typeMismatch("\(f.rawValue)()", expected: f == .count_if ? "a collection" : "a number field of a collection", found: arg.type.description))
            }
        }
        guard args.count == 1 else {
            throw Diagnostic(span, Messages.argumentCount(f.rawValue, expected: "one argument: a collection (count(opportunities)) or its field (sum(opportunities.amount))", found: args.count))
        }
        let arg = try resolve(args[0], scope)
        if case .collectionField = arg.kind, case .record(let target) = arg.type {
            throw Diagnostic(args[0].span, Messages.relationshipAsValue(args[0].canonicalText, target: target))
        }
        switch (f, arg.kind) {
        case (.count, .collection(let ref)), (.exists, .collection(let ref)):
            return TExpr(kind: .collectionAggregate(f, ref, nil), type: f == .exists ? .bool : .int, span: span)
        case (.count, .collectionField(let ref, let field)), (.count_distinct, .collectionField(let ref, let field)):
            return TExpr(kind: .collectionAggregate(f, ref, field), type: .int, span: span)
        case (.sum, .collectionField(let ref, let field)), (.avg, .collectionField(let ref, let field)),
             (.median, .collectionField(let ref, let field)):
            guard field.type.isNumeric || (f == .median && field.type == .date) else {
                throw Diagnostic(args[0].span, Messages.typeMismatch("\(f.rawValue)()", expected: "a number", found: field.type.description))
            }
            let type: ValueType = (f == .sum || field.type == .money || field.type == .date) ? field.type : .decimal
            return TExpr(kind: .collectionAggregate(f, ref, field), type: type == .null ? .int : type, span: span)
        case (.min, .collectionField(let ref, let field)), (.max, .collectionField(let ref, let field)):
            return TExpr(kind: .collectionAggregate(f, ref, field), type: field.type, span: span)
        case (.exists, _):
            throw Diagnostic(args[0].span, Messages.typeMismatch("exists()", expected: "a collection (exists(contacts[role = \"champion\"]))", found: arg.type.description))
        case (_, .collection):
            throw Diagnostic(args[0].span, Messages.typeMismatch("\(f.rawValue)()", expected: "a field of the collection (\(f.rawValue)(\(args[0].canonicalText).amount))", found: arg.type.description))
        default:
            throw Diagnostic(span, Messages.notSupportedYet("\(f.rawValue)(…) over a collection"))
        }
    }

    /// Whether an expression is a collection of the row (`opportunities`, `account.contacts[…]`) or a field of one.
    func isCollectionPath(_ e: Expr, _ scope: Scope) -> Bool {
        guard let t = try? resolve(e, scope) else { return false }
        switch t.kind {
        case .collection, .collectionField: return true
        default: return false
        }
    }

    // MARK: - Date ranges

    /// The inclusive first and last day of a range relative to `today` (SPEC §4, Dates).
    func resolveRange(_ r: DateRange) -> (Int32, Int32) {
        let today = context.today
        if let count = r.count {
            let d = Duration(count: count, unit: r.unit)
            // A range past the representable dates runs to their end.
            return r.relation == .last ? (d.add(to: today, sign: -1) ?? Day.null + 1, today) : (today, d.add(to: today) ?? .max)
        }
        let shift = r.relation == .this ? 0 : (r.relation == .last ? -1 : 1)
        let first: Int32
        let months: Int
        if r.fiscal {
            if r.unit == .year {
                first = Day.fiscalYear(today, start: context.fiscalYearStart).first
                months = 12
            } else {
                let (_, m, _) = Day.civil(today)
                let intoQuarter = (m - context.fiscalYearStart + 12) % 12 % 3
                first = Day.addMonths(Day.startOf(today, .month), -intoQuarter)
                months = 3
            }
        } else {
            switch r.unit {
            case .week, .day:
                let start = Day.startOf(today, .week) + Int32(7 * shift)
                return (start, start + 6)
            case .month: (first, months) = (Day.startOf(today, .month), 1)
            case .quarter: (first, months) = (Day.startOf(today, .quarter), 3)
            case .year: (first, months) = (Day.startOf(today, .year), 12)
            }
        }
        let start = Day.addMonths(first, months * shift)
        return (start, Day.addMonths(start, months) - 1)
    }
}

/// Numbers handed out once each, from any thread.
final class VersionCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}

/// The spans where parameters stood in a checked query, by name.
final class ParameterUses: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var spans: [Range<Int>: String] = [:]

    func record(_ span: Range<Int>, _ name: String) {
        lock.lock()
        spans[span] = name
        lock.unlock()
    }
}
