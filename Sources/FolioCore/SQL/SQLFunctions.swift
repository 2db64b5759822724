/// Scalar functions, aggregates of groups and analytic functions as SQL.
extension SQLBuild {
    func call(_ f: Function, _ args: [TExpr], _ e: TExpr, _ place: SQLPlace) throws(Diagnostic) -> SQLText {
        var a: [SQLText] = []
        for arg in args where f != .if {
            a.append(try value(arg, place))
        }
        switch f {
        case .lower: return dialect.caseFold(a[0])
        case .upper: return SQLText("upper(\(a[0].text))", atomic: true)
        case .length:
            if args[0].type == .list, case .field(let hops, let table, let field) = args[0].kind {
                // An empty list is null, and so is its length.
                let alias = try hopAlias(hops, place)
                return SQLText("NULLIF((SELECT count(*) FROM \(listRows(table, field, alias))), 0)", atomic: true)
            }
            if args[0].type == .list { throw cannot("length() of a computed list", args[0].span) }
            return dialect.length(a[0])
        case .contains: return dialect.contains(a[0], a[1])
        case .starts_with: return dialect.startsWith(a[0], a[1])
        case .ends_with: return dialect.endsWith(a[0], a[1])
        case .coalesce: return SQLText("COALESCE(\(a.map(\.text).joined(separator: ", ")))", atomic: true)
        case .if:
            let c = try predicate(args[0], place, nullIsFalse: true)
            let t = try value(args[1], place), f = try value(args[2], place)
            return SQLText("CASE WHEN \(c.text) THEN \(t.text) ELSE \(f.text) END", atomic: true)
        case .round:
            var digits = 0
            if args.count == 2, case .constant(.int(let d)) = args[1].kind { digits = Int(d) }
            switch args[0].type {
            case .int: return a[0]
            case .money: return dialect.castMoney(dialect.round(a[0], digits: min(digits, 2)))
            default: return dialect.castDouble(dialect.round(a[0], digits: digits))
            }
        case .abs: return SQLText("abs(\(a[0].text))", atomic: true)
        case .floor, .ceil:
            let up = f == .ceil
            switch args[0].type {
            case .int: return a[0]
            case .money: return dialect.castMoney(up ? dialect.ceil(a[0]) : dialect.floor(a[0]))
            default: return dialect.castBigint(up ? dialect.ceil(a[0]) : dialect.floor(a[0]))
            }
        case .year: return dialect.year(a[0])
        case .month: return dialect.month(a[0])
        case .day: return dialect.day(a[0])
        case .quarter: return SQLText(dialect.intDivide(SQLText("\(dialect.month(a[0]).text) - 1"), SQLText("3", atomic: true)).operand + " + 1")
        case .fiscal_year:
            let start = compiler.fiscalYearStart
            if start == 1 { return dialect.year(a[0]) }
            // Named for the calendar year it ends in.
            return SQLText("CASE WHEN \(dialect.month(a[0]).text) >= \(start) THEN \(dialect.year(a[0]).text) + 1 ELSE \(dialect.year(a[0]).text) END", atomic: true)
        case .fiscal_quarter:
            let start = compiler.fiscalYearStart
            let shifted = SQLText("(\(dialect.month(a[0]).text) - \(start) + 12) % 12")
            return SQLText(dialect.intDivide(shifted, SQLText("3", atomic: true)).operand + " + 1")
        case .start_of:
            var unit = PeriodUnit.month
            if case .constant(.string(let u)) = args[1].kind, let p = PeriodUnit(word: u) { unit = p }
            return dialect.startOf(a[0], unit)
        case .days_since: return dialect.daysBetween(SQLText(dialect.date(compiler.today), atomic: true), a[0])
        case .days_until: return dialect.daysBetween(a[0], SQLText(dialect.date(compiler.today), atomic: true))
        }
    }

    // MARK: - Aggregates of groups

    /// An aggregate over a group's rows (the current SELECT's), folio's way: nulls ignored,
    /// `sum` and `count` of nothing 0, strings compared without regard to case.
    func aggregateSQL(_ a: CheckedAggregate) throws(Diagnostic) -> SQLText {
        let place = currentPlace()
        defer { current = place.select }
        var x: SQLText?
        if let arg = a.argument { x = try value(arg, place) }
        var condition: SQLText?
        if let c = a.condition { condition = try predicate(c, place, nullIsFalse: true) }
        return try aggregate(a.function, x, argumentType: a.argument?.type, type: a.type, condition: condition, order: order, span: a.argument?.span ?? 0..<0)
    }

    /// `function(x)` over rows, `condition` keeping some (count_if, sum_if); `order` is the
    /// rows' order (for a min or max of text, the first of equal values).
    func aggregate(_ f: Aggregate, _ x: SQLText?, argumentType: ValueType?, type: ValueType, condition: SQLText?, order: [String], span: Range<Int>) throws(Diagnostic) -> SQLText {
        func kept(_ v: SQLText) -> SQLText {
            guard let condition else { return v }
            return SQLText("CASE WHEN \(condition.text) THEN \(v.text) END", atomic: true)
        }
        switch f {
        case .count, .count_if:
            if let x { return SQLText("count(\(kept(x).text))", atomic: true) }
            if let condition { return SQLText("count(CASE WHEN \(condition.text) THEN 1 END)", atomic: true) }
            return SQLText("count(*)", atomic: true)
        case .count_distinct:
            guard let x else { return SQLText("count(*)", atomic: true) }
            let v = argumentType == .string ? dialect.caseFold(x) : x
            return SQLText("count(DISTINCT \(kept(v).text))", atomic: true)
        case .sum, .sum_if:
            guard let x else { return SQLText("0", atomic: true) }
            let zero = type == .money ? "0.00" : (type == .decimal ? "0.0" : "0")
            let sum = SQLText("COALESCE(sum(\(kept(x).text)), \(zero))", atomic: true)
            return type == .money ? dialect.castMoney(sum) : sum
        case .avg:
            guard let x else { return SQLText("NULL", atomic: true) }
            // Money: the cents' mean, rounded half away from zero.
            if type == .money { return dialect.centsToMoney(SQLText("sum(\(dialect.moneyCents(kept(x)).text)) / count(\(kept(x).text))")) }
            return SQLText("avg(\(dialect.castDouble(kept(x)).text))", atomic: true)
        case .min, .max:
            guard let x else { return SQLText("NULL", atomic: true) }
            switch argumentType {
            case .string?, .enumeration?:
                // By folio's order (folded text, declared picklist order), the first of equals.
                let key: SQLText
                if case .enumeration(let d)? = argumentType { key = position(x, d) } else { key = dialect.sortText(x) }
                let direction = f == .min ? "ASC" : "DESC"
                let v = kept(x)
                return dialect.firstValue(v, order: ["CASE WHEN \(v.text) IS NULL THEN 1 ELSE 0 END", "\(key.text) \(direction)"] + order)
            default:
                return SQLText("\(f.rawValue)(\(kept(x).text))", atomic: true)
            }
        case .median:
            guard let x else { return SQLText("NULL", atomic: true) }
            guard let m = dialect.median(kept(x), type: argumentType ?? type) else { throw cannot("median()", span) }
            return m
        case .exists:
            return SQLText("count(*) > 0", atomic: false)
        }
    }

    // MARK: - Analytic functions

    /// An analytic function as a window over the rows' current order.
    func window(_ f: AnalyticFunction, _ argument: TExpr?, descending: Bool, per: TExpr?, type: ValueType, _ place: SQLPlace) throws(Diagnostic) -> SQLText {
        var partition = ""
        if let per {
            let p = try value(per, place)
            partition = "PARTITION BY " + (per.type == .string ? dialect.caseFold(p).text : p.text) + " "
        }
        let arg = try argument.map { a throws(Diagnostic) in try value(a, place) }
        let rowOrder = place.order.joined(separator: ", ")
        switch f {
        case .rank, .row_number:
            var terms: [String] = []
            if let argument, let arg {
                var key = arg
                if case .string = argument.type { key = dialect.sortText(arg) }
                if case .enumeration(let d) = argument.type { key = position(arg, d) }
                terms.append("\(key.text) \(descending ? "DESC" : "ASC") NULLS LAST")
            }
            if f == .row_number || terms.isEmpty { terms += place.order }
            return SQLText("\(f == .rank ? "rank()" : "row_number()") OVER (\(partition)ORDER BY \(terms.joined(separator: ", ")))", atomic: true)
        case .share:
            guard let arg else { return SQLText("NULL", atomic: true) }
            return dialect.divide(arg, SQLText("sum(\(arg.text)) OVER (\(partition.trimmingCharacters(in: .whitespaces)))", atomic: true))
        case .running_sum:
            guard let arg else { return SQLText("NULL", atomic: true) }
            let sum = SQLText("sum(\(arg.text)) OVER (\(partition)ORDER BY \(rowOrder) ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)", atomic: true)
            return type == .money ? dialect.castMoney(sum) : sum
        case .previous, .next:
            guard let arg else { return SQLText("NULL", atomic: true) }
            return SQLText("\(f == .previous ? "lag" : "lead")(\(arg.text)) OVER (\(partition)ORDER BY \(rowOrder))", atomic: true)
        }
    }
}

import Foundation
