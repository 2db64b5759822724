/// Checked expressions as SQL, in one SELECT: where its joins go, what a row of it is (an
/// entity row under an alias, or a result's columns) and its rows' order (for windows).
final class SQLPlace {
    var select: SQLSelect
    /// The entity row: its table and alias; nil for a result's rows.
    let table: Int?
    let alias: String
    let frame: [SQLBuild.Column]
    let order: [String]

    init(select: SQLSelect, table: Int?, alias: String, frame: [SQLBuild.Column], order: [String]) {
        self.select = select
        self.table = table
        self.alias = alias
        self.frame = frame
        self.order = order
    }
}

extension SQLBuild {
    /// A value in the current SELECT.
    func value(_ e: TExpr) throws(Diagnostic) -> SQLText {
        let place = currentPlace()
        let v = try value(e, place)
        current = place.select
        return v
    }

    /// A field of an entity row of the current SELECT under `alias`.
    func value(_ e: TExpr, alias: String) throws(Diagnostic) -> SQLText {
        guard case .entity(let table, _) = scope else { return try value(e) }
        let place = SQLPlace(select: current, table: table, alias: alias, frame: [], order: order)
        let v = try value(e, place)
        current = place.select
        return v
    }

    /// A condition in the current SELECT (see ``predicate(_:_:nullIsFalse:)``).
    func predicate(_ e: TExpr, nullIsFalse: Bool) throws(Diagnostic) -> SQLText {
        let place = currentPlace()
        let p = try predicate(e, place, nullIsFalse: nullIsFalse)
        current = place.select
        return p
    }

    func currentPlace() -> SQLPlace {
        switch scope {
        case .entity(let table, let alias): SQLPlace(select: current, table: table, alias: alias, frame: [], order: order)
        case .frame(let cols): SQLPlace(select: current, table: nil, alias: "", frame: cols, order: order)
        }
    }

    // MARK: - Values

    func value(_ e: TExpr, _ place: SQLPlace) throws(Diagnostic) -> SQLText {
        switch e.kind {
        case .field(let hops, let table, let field):
            return try fieldValue(hops, table, field, place, span: e.span)
        case .column(let i):
            guard i < place.frame.count else { preconditionFailure("a column outside the result") }
            return place.frame[i].sql
        case .constant(let v):
            if case .date(let d) = v { try checkYear(d, span: e.span) }
            return constant(v, type: e.type, span: e.span)
        case .range, .duration:
            throw cannot("a date range or duration on its own", e.span)
        case .negate(let x):
            return SQLText("-" + (try value(x, place)).operand, atomic: false)
        case .not, .and, .or, .compare, .inList, .inRange, .like, .between, .isNull, .has:
            // A condition as a value is true or false, never null (folio's two-valued logic).
            return try predicate(e, place, nullIsFalse: false)
        case .arithmetic(let first, let steps):
            if e.type == .date, isConstant(e) {
                // Date arithmetic on constants (`today + 90 days`) is folded here, as folio
                // computes it: a date literal, or null where folio's is.
                let v = ExprCompiler(store: store, source: .table(store.tables[0]), fiscalYearStart: compiler.fiscalYearStart, today: compiler.today).value(e)(0)
                if case .date(let d) = v { try checkYear(d, span: e.span) }
                return literal(v)
            }
            return try arithmetic(first, steps, place)
        case .convert(let x):
            let v = try value(x, place)
            switch (x.type, e.type) {
            case (_, .decimal): return dialect.castDouble(v)
            case (.int, .money): return dialect.castMoney(v)
            case (.decimal, .money): return dialect.castMoney(dialect.round(v, digits: 2))
            case (.decimal, .int): return dialect.castBigint(v)
            default: return v
            }
        case .call(let f, let args):
            return try call(f, args, e, place)
        case .collection:
            throw cannot("a collection on its own", e.span)
        case .collectionField(let ref, let field):
            return try collectionList(ref, field, place, span: e.span)
        case .collectionAggregate(let f, let ref, let field):
            if f == .exists { return try exists(ref, place, span: e.span) }
            return try collectionAggregate(f, ref, field, type: e.type, place, span: e.span)
        case .analytic(let f, let argument, let descending, let per, let id):
            if let column = analyticColumns[id] { return column }
            return try window(f, argument, descending: descending, per: per, type: e.type, place)
        case .toEnum(let x, let domain):
            let v = try value(x, place)
            let folded = "replace(replace(\(dialect.caseFold(v).text), ' ', '_'), '-', '_')"
            let cases = domain.labels.map { "WHEN \(dialect.string(EnumDomain.normalize($0))) THEN \(dialect.string($0))" }.joined(separator: " ")
            return SQLText("CASE \(folded) \(cases) END", atomic: true)
        }
    }

    /// A literal, or a placeholder where a parameter stood.
    func constant(_ v: Value, type: ValueType, span: Range<Int>) -> SQLText {
        if compiler.placeholders, parameterSpans[span] != nil, !v.isNull {
            boundValues.append(v)
            let p = dialect.placeholder(boundValues.count)
            // A placeholder's type is the value's: cast so the engine reads it so.
            switch v {
            case .date: return SQLText("CAST(\(p) AS DATE)", atomic: true)
            case .int: return dialect.castBigint(SQLText(p, atomic: true))
            case .money: return dialect.castMoney(SQLText(p, atomic: true))
            case .decimal: return dialect.castDouble(SQLText(p, atomic: true))
            default: return SQLText(p, atomic: true)
            }
        }
        return literal(v)
    }

    func literal(_ v: Value) -> SQLText {
        switch v {
        case .null: return SQLText("NULL", atomic: true)
        case .bool(let b): return SQLText(dialect.bool(b), atomic: true)
        case .int(let n): return SQLText(String(n), atomic: n >= 0)
        case .money(let c): return SQLText(ValueFormat.plain(.money(c)), atomic: c >= 0)
        case .decimal(let d):
            let text = d == d.rounded() && Swift.abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
            return SQLText(text.contains("e") ? "CAST('\(text)' AS DOUBLE)" : text, atomic: d >= 0)
        case .date(let d): return SQLText(dialect.date(d), atomic: true)
        case .string(let s), .enumeration(_, let s): return SQLText(dialect.string(s), atomic: true)
        case .list(let items): return SQLText(dialect.string(items.joined(separator: ";")), atomic: true)
        }
    }

    /// A stored field reached through to-one hops (LEFT JOINs named after their
    /// relationships, shared by every use in the SELECT).
    func fieldValue(_ hops: [Hop], _ table: Int, _ field: Int, _ place: SQLPlace, span: Range<Int>) throws(Diagnostic) -> SQLText {
        let alias = try hopAlias(hops, place)
        let def = store.tables[table].def
        guard field >= 0 else { throw cannot("a relationship on its own", span) }
        if def.fields[field].type == .stringList { return listField(alias, table, field, place) }
        return SQLText("\(alias).\(column(def.fields[field].name))", atomic: true)
    }

    /// The alias of the row `hops` reach from the place's row, joining what is needed.
    func hopAlias(_ hops: [Hop], _ place: SQLPlace) throws(Diagnostic) -> String {
        var alias = place.alias
        var path: [String] = []
        for hop in hops {
            let t = store.tables[hop.table]
            if hop.toRoot {
                path.append("root")
                let key = "hop:" + path.joined(separator: ".")
                if let known = place.select.joinAliases[key] {
                    alias = known
                    continue
                }
                let roots = rootStep(hop.table)
                let link = place.select.alias(path.joined(separator: "_") + "_link")
                let target = place.select.alias(path.joined(separator: "_"))
                place.select.joins.append("LEFT JOIN \(roots) \(link) ON \(link).id = \(alias).\(keyColumn(hop.table))")
                place.select.joins.append("LEFT JOIN \(dialect.identifier(t.name)) \(target) ON \(target).\(keyColumn(hop.table)) = \(link).root_id")
                place.select.joinAliases[key] = target
                alias = target
                continue
            }
            guard let ref = t.def.fields[hop.field].reference, let target = store.table(ref.target) else {
                preconditionFailure("a hop along a field that is no relationship")
            }
            path.append(ref.name)
            let key = "hop:" + path.joined(separator: ".")
            if let known = place.select.joinAliases[key] {
                alias = known
                continue
            }
            let next = place.select.alias(path.joined(separator: "_"))
            place.select.joins.append("LEFT JOIN \(dialect.identifier(target.name)) \(next) ON \(next).\(column(target.def.fields[0].name)) = \(alias).\(column(t.def.fields[hop.field].name))")
            place.select.joinAliases[key] = next
            alias = next
        }
        return alias
    }

    /// A list field's items, in order, as the engine's list (null for an empty list).
    func listField(_ alias: String, _ table: Int, _ field: Int, _ place: SQLPlace) -> SQLText {
        let t = store.tables[table]
        let listTable = dialect.identifier(SQLNames.listTable(t.name, t.def.fields[field].name))
        let key = "list:\(alias).\(field)"
        if let known = place.select.joinAliases[key] { return SQLText("\(known).items", atomic: true) }
        let name = place.select.alias(t.def.fields[field].name)
        let per: String
        if dialect.orderedAggregates {
            per = "SELECT id, \(dialect.listAggregate(SQLText("value", atomic: true), order: ["ord"]).text) AS items FROM \(listTable) l GROUP BY id"
        } else {
            let all = "\(dialect.listAggregate(SQLText("value", atomic: true), order: []).text) OVER (PARTITION BY id ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
            per = "SELECT id, max(items) AS items FROM (SELECT id, \(all) AS items FROM \(listTable)) l GROUP BY id"
        }
        place.select.joins.append("LEFT JOIN (\(per)) \(name) ON \(name).id = \(alias).\(keyColumn(table))")
        place.select.joinAliases[key] = name
        return SQLText("\(name).items", atomic: true)
    }

    // MARK: - Arithmetic

    func arithmetic(_ first: TExpr, _ steps: [CheckedArithmeticStep], _ place: SQLPlace) throws(Diagnostic) -> SQLText {
        var acc: SQLText
        var accType: ValueType
        var start = 0
        if case .duration = first.kind {
            // `90 days + d`: the date comes second.
            guard let step = steps.first else { throw cannot("a duration on its own", first.span) }
            acc = try value(step.operand, place)
            accType = .date
            acc = try moveDate(acc, first, sign: 1)
            start = 1
        } else {
            acc = try value(first, place)
            accType = first.type
        }
        for step in steps.dropFirst(start) {
            if case .duration = step.operand.kind {
                acc = try moveDate(acc, step.operand, sign: step.op == .subtract ? -1 : 1)
                accType = .date
                continue
            }
            let b = try value(step.operand, place)
            switch (accType, step.operand.type, step.op) {
            case (.date, .date, _): acc = dialect.daysBetween(acc, b)
            case (.date, .int, .add): acc = dialect.addDays(acc, b)
            case (.date, .int, _): acc = dialect.addDays(acc, SQLText("-" + b.operand))
            case (.int, .date, _): acc = dialect.addDays(b, acc)
            case (_, _, .divide): acc = dialect.divide(acc, b)
            default:
                let symbol = step.op.rawValue
                switch step.type {
                case .decimal where accType != .decimal && step.operand.type != .decimal && step.op == .multiply:
                    // money × money is a decimal.
                    acc = SQLText("\(dialect.castDouble(acc).text) * \(dialect.castDouble(b).text)")
                case .decimal where accType == .int && step.operand.type == .int:
                    acc = SQLText("\(dialect.castDouble(acc).text) \(symbol) \(b.operand)")
                case .decimal where step.op == .multiply:
                    acc = SQLText("\(dialect.castDouble(acc).operand) * \(dialect.castDouble(b).operand)")
                case .decimal:
                    acc = SQLText("\(dialect.castDouble(acc).text) \(symbol) \(dialect.castDouble(b).operand)")
                case .money where step.op == .multiply && (accType == .decimal || step.operand.type == .decimal):
                    // Money times a decimal: cents times the factor, rounded half away from zero.
                    let (m, d) = accType == .money ? (acc, b) : (b, acc)
                    acc = dialect.centsToMoney(SQLText("\(dialect.moneyCents(m).text) * \(dialect.castDouble(d).text)"))
                case .money where accType == .decimal || step.operand.type == .decimal:
                    // Money plus or minus a decimal: the decimal rounded to the cent first.
                    let (m, d) = accType == .money ? (acc, b) : (b, acc)
                    let cents = dialect.centsToMoney(SQLText("\(dialect.castDouble(d).text) * 100"))
                    acc = accType == .money ? SQLText("\(m.text) \(symbol) \(cents.text)") : SQLText("\(cents.text) \(symbol) \(m.operand)")
                    acc = dialect.castMoney(acc)
                case _ where step.op == .multiply:
                    acc = SQLText("\(acc.operand) * \(b.operand)")
                default:
                    acc = SQLText("\(acc.text) \(symbol) \(b.operand)")
                }
                if step.type == .money { acc = dialect.moneyResult(acc) }
            }
            accType = step.type
        }
        return acc
    }

    /// Whether an expression is made of constants only.
    func isConstant(_ e: TExpr) -> Bool {
        switch e.kind {
        case .constant, .duration: return true
        case .negate(let x), .convert(let x): return isConstant(x)
        case .arithmetic(let first, let steps): return isConstant(first) && steps.allSatisfy { isConstant($0.operand) }
        default: return false
        }
    }

    /// Engines keep dates in the years 1 to 9999 (SQLite's date functions, Spark's dates).
    func checkYear(_ d: Int32, span: Range<Int>) throws(Diagnostic) {
        let year = Day.civil(d).year
        if year < 1 || year > 9999 { throw cannot("a date outside the years 1 to 9999 (\(Day.format(d)))", span) }
    }

    func moveDate(_ d: SQLText, _ duration: TExpr, sign: Int) throws(Diagnostic) -> SQLText {
        guard case .duration(let du) = duration.kind else { return d }
        let months = du.unit == .month ? du.count : du.unit == .quarter ? du.count * 3 : du.unit == .year ? du.count * 12 : 0
        let days = du.unit == .day ? du.count : du.unit == .week ? du.count * 7 : 0
        if Swift.abs(days) > 3_652_059 || Swift.abs(months) > 119_988 {
            throw cannot("a duration of more than 9,999 years", duration.span)
        }
        let n = du.count * sign
        switch du.unit {
        case .day: return dialect.addDays(d, SQLText(String(n), atomic: n >= 0))
        case .week: return dialect.addDays(d, SQLText(String(n * 7), atomic: n >= 0))
        case .month: return dialect.addMonths(d, n)
        case .quarter: return dialect.addMonths(d, n * 3)
        case .year: return dialect.addMonths(d, n * 12)
        }
    }
}
