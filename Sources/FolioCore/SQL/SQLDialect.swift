/// A piece of SQL text and whether it needs no parentheses as an operand (a name, a
/// literal, a call).
public struct SQLText: Sendable, CustomStringConvertible {
    public var text: String
    public var atomic: Bool

    public init(_ text: String, atomic: Bool = false) {
        self.text = text
        self.atomic = atomic
    }

    public var description: String { text }

    /// The text as an operand of an operator: in parentheses unless atomic.
    public var operand: String { atomic ? text : "(" + text + ")" }
}

/// The SQL engines folio compiles to.
public enum SQLDialectName: String, Sendable, CaseIterable {
    case postgres, sqlite, duckdb, spark

    /// The engine's name as people write it.
    public var displayName: String {
        switch self {
        case .postgres: "PostgreSQL"
        case .sqlite: "SQLite"
        case .duckdb: "DuckDB"
        case .spark: "Spark SQL"
        }
    }

    public var dialect: any SQLDialect {
        switch self {
        case .postgres: PostgresDialect()
        case .sqlite: SQLiteDialect()
        case .duckdb: DuckDBDialect()
        case .spark: SparkDialect()
        }
    }
}

/// Every difference between the SQL engines, in one place: the compiler asks a dialect how
/// to write each construct and never which engine it is writing for.
///
/// Shared conventions: text compares through `caseFold` (folio compares strings without
/// regard to case), dates are `DATE` literals, money is `DECIMAL(18,2)`, booleans are the
/// engine's own, and every `ORDER BY` term says where its nulls go.
public protocol SQLDialect: Sendable {
    var name: SQLDialectName { get }

    func identifier(_ name: String) -> String
    func string(_ s: String) -> String
    func date(_ day: Int32) -> String
    func bool(_ b: Bool) -> String

    /// The text folded for comparing without regard to case.
    func caseFold(_ x: SQLText) -> SQLText
    /// The text folded and in code-point order, for sorting.
    func sortText(_ x: SQLText) -> SQLText
    /// `a = b` where null equals null (folio's `=`).
    func notDistinct(_ a: SQLText, _ b: SQLText) -> SQLText
    /// `a / b` as a double, null when `b` is 0.
    func divide(_ a: SQLText, _ b: SQLText) -> SQLText
    func castDouble(_ x: SQLText) -> SQLText
    func castMoney(_ x: SQLText) -> SQLText
    func castBigint(_ x: SQLText) -> SQLText
    /// `x` rounded half away from zero to `digits` decimals (`x` a decimal or money).
    func round(_ x: SQLText, digits: Int) -> SQLText
    /// A double rounded to a whole number half away from zero, as a double (folio's
    /// rounding of cents computed in floating point).
    func roundHalfAway(_ x: SQLText) -> SQLText
    func floor(_ x: SQLText) -> SQLText
    func ceil(_ x: SQLText) -> SQLText

    func addDays(_ d: SQLText, _ n: SQLText) -> SQLText
    /// Months added, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28).
    func addMonths(_ d: SQLText, _ n: Int) -> SQLText
    /// `a - b` in days.
    func daysBetween(_ a: SQLText, _ b: SQLText) -> SQLText
    func year(_ d: SQLText) -> SQLText
    func month(_ d: SQLText) -> SQLText
    func day(_ d: SQLText) -> SQLText
    /// The first day of `d`'s week (Monday), month, quarter or year.
    func startOf(_ d: SQLText, _ unit: PeriodUnit) -> SQLText

    /// `x [NOT] LIKE p`, without regard to case, `%` and `_` the only wildcards.
    func like(_ x: SQLText, _ pattern: SQLText, negated: Bool) -> SQLText
    /// A pattern literal for `like` (escapes this engine's escape character).
    func likePattern(_ p: String) -> String
    func contains(_ s: SQLText, _ sub: SQLText) -> SQLText
    func startsWith(_ s: SQLText, _ prefix: SQLText) -> SQLText
    func endsWith(_ s: SQLText, _ suffix: SQLText) -> SQLText
    func length(_ s: SQLText) -> SQLText

    /// An aggregate collecting values into a list, in `order`.
    func listAggregate(_ x: SQLText, order: [String]) -> SQLText
    /// The value of `x` on the first row of a group in `order` (a group key's first
    /// spelling, a min or max by folio's order).
    func firstValue(_ x: SQLText, order: [String]) -> SQLText
    /// The median of a group, or nil when the engine has none.
    func median(_ x: SQLText, type: ValueType) -> SQLText?
    /// A parameter placeholder (1-based).
    func placeholder(_ n: Int) -> String

    /// Column types for the DDL of an export.
    func columnType(_ t: FieldType) -> String
    /// `a / b` between whole numbers, rounded toward zero (both non-negative where used).
    func intDivide(_ a: SQLText, _ b: SQLText) -> SQLText
    /// A row number as twelve digits, zero-padded: paths that sort as text in tree order.
    func paddedRow(_ x: SQLText) -> SQLText
    /// A value as text (a list's items).
    func castText(_ x: SQLText) -> SQLText
    /// The result of arithmetic on money, exact to the cent (engines whose money is a
    /// float round it; exact decimals need nothing).
    func moneyResult(_ x: SQLText) -> SQLText
    /// Money as a whole number of cents, a double.
    func moneyCents(_ x: SQLText) -> SQLText
    /// Whether aggregates take an order (`array_agg(x ORDER BY …)`); without, the first
    /// of a group in an order is a window function's.
    var orderedAggregates: Bool { get }
    /// Whether a grouped SELECT may order (and number) its groups by their grouping and
    /// aggregate expressions; Spark resolves only simple ones in a window's or ORDER BY's
    /// terms, so there the groups and their order terms are a step, ordered in the next.
    var ordersGroupsInPlace: Bool { get }
}

extension SQLDialect {
    public func identifier(_ name: String) -> String {
        let simple = name.utf8.first.map(isIdentifierStart) == true && name.utf8.allSatisfy(isIdentifierPart) && !SQLReserved.words.contains(name.lowercased())
        return simple ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public func string(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
    public func date(_ day: Int32) -> String { "DATE '\(Day.format(day))'" }
    public func bool(_ b: Bool) -> String { b ? "TRUE" : "FALSE" }
    public func caseFold(_ x: SQLText) -> SQLText { SQLText("lower(\(x.text))", atomic: true) }
    public func sortText(_ x: SQLText) -> SQLText { caseFold(x) }
    public func notDistinct(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("\(a.operand) IS NOT DISTINCT FROM \(b.operand)") }
    public func castDouble(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS DOUBLE)", atomic: true) }
    public func castMoney(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS DECIMAL(18, 2))", atomic: true) }
    public func castBigint(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS BIGINT)", atomic: true) }
    public func divide(_ a: SQLText, _ b: SQLText) -> SQLText {
        SQLText("\(castDouble(a).text) / NULLIF(\(castDouble(b).text), 0)")
    }
    public func round(_ x: SQLText, digits: Int) -> SQLText { SQLText("round(\(x.text), \(digits))", atomic: true) }
    public func roundHalfAway(_ x: SQLText) -> SQLText { SQLText("round(\(x.text))", atomic: true) }
    public func floor(_ x: SQLText) -> SQLText { SQLText("floor(\(x.text))", atomic: true) }
    public func ceil(_ x: SQLText) -> SQLText { SQLText("ceil(\(x.text))", atomic: true) }
    public func year(_ d: SQLText) -> SQLText { SQLText("CAST(EXTRACT(YEAR FROM \(d.text)) AS BIGINT)", atomic: true) }
    public func month(_ d: SQLText) -> SQLText { SQLText("CAST(EXTRACT(MONTH FROM \(d.text)) AS BIGINT)", atomic: true) }
    public func day(_ d: SQLText) -> SQLText { SQLText("CAST(EXTRACT(DAY FROM \(d.text)) AS BIGINT)", atomic: true) }
    public func startOf(_ d: SQLText, _ unit: PeriodUnit) -> SQLText {
        SQLText("CAST(date_trunc('\(unit.rawValue)', \(d.text)) AS DATE)", atomic: true)
    }
    public func like(_ x: SQLText, _ pattern: SQLText, negated: Bool) -> SQLText {
        SQLText("\(x.operand) \(negated ? "NOT ILIKE" : "ILIKE") \(pattern.operand)")
    }
    public func likePattern(_ p: String) -> String { string(p) }
    public func contains(_ s: SQLText, _ sub: SQLText) -> SQLText {
        SQLText("strpos(\(caseFold(s).text), \(caseFold(sub).text)) > 0")
    }
    public func startsWith(_ s: SQLText, _ prefix: SQLText) -> SQLText {
        SQLText("starts_with(\(caseFold(s).text), \(caseFold(prefix).text))", atomic: true)
    }
    public func endsWith(_ s: SQLText, _ suffix: SQLText) -> SQLText {
        SQLText("\(caseFold(s).text) LIKE '%' || \(caseFold(suffix).text)")
    }
    public func length(_ s: SQLText) -> SQLText { SQLText("length(\(s.text))", atomic: true) }
    public func placeholder(_ n: Int) -> String { "$\(n)" }
    public func intDivide(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("\(a.operand) / \(b.operand)") }
    public func paddedRow(_ x: SQLText) -> SQLText { SQLText("lpad(CAST(\(x.text) AS TEXT), 12, '0')", atomic: true) }
    public func castText(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS TEXT)", atomic: true) }
    public var orderedAggregates: Bool { true }
    public var ordersGroupsInPlace: Bool { true }
    public func moneyResult(_ x: SQLText) -> SQLText { x }
    public func columnType(_ t: FieldType) -> String {
        switch t {
        case .string, .enumeration, .stringList: "TEXT"
        case .int: "BIGINT"
        case .money: "DECIMAL(18, 2)"
        case .decimal: "DOUBLE"
        case .date: "DATE"
        case .bool: "BOOLEAN"
        }
    }
}

/// Words that are quoted when they name a column (`date`, `type` and `count` are fields).
enum SQLReserved {
    static let words: Set<String> = [
        "all", "and", "any", "as", "asc", "between", "by", "case", "cast", "check", "collate", "column", "constraint", "create",
        "cross", "current_date", "current_time", "current_timestamp", "current_user", "date", "default", "desc", "distinct", "else", "end", "except", "exists", "false", "for",
        "foreign", "from", "full", "group", "having", "in", "inner", "intersect", "into", "is", "join", "left",
        "like", "limit", "natural", "not", "null", "offset", "on", "or", "order", "outer", "primary", "references", "right",
        "select", "table", "then", "to", "true", "union", "unique", "user", "using", "values", "when", "where", "window",
        "with", "time", "timestamp",
    ]
}

// MARK: - The dialects

/// PostgreSQL (and what speaks its dialect): `ILIKE`, `date + integer`, intervals that
/// clamp to the month's end, `array_agg`, ordered-set medians. Text sorts in code-point
/// order through `COLLATE "C"` on the folded text.
public struct PostgresDialect: SQLDialect {
    public var name: SQLDialectName { .postgres }
    public init() {}

    public func sortText(_ x: SQLText) -> SQLText { SQLText("lower(\(x.text)) COLLATE \"C\"", atomic: true) }
    public func castDouble(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS DOUBLE PRECISION)", atomic: true) }
    public func castMoney(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS NUMERIC(18, 2))", atomic: true) }
    // round(numeric) is half away from zero; round(double precision) is half to even.
    public func round(_ x: SQLText, digits: Int) -> SQLText { SQLText("round(CAST(\(x.text) AS NUMERIC), \(digits))", atomic: true) }
    // round(double precision) rounds half to even: half away from zero written out.
    public func roundHalfAway(_ x: SQLText) -> SQLText { SQLText("(sign(\(x.text)) * floor(abs(\(x.text)) + 0.5))", atomic: true) }
    public func addDays(_ d: SQLText, _ n: SQLText) -> SQLText { SQLText("\(d.operand) + CAST(\(n.text) AS INTEGER)") }
    public func addMonths(_ d: SQLText, _ n: Int) -> SQLText {
        SQLText("CAST(\(d.operand) + INTERVAL '\(n) months' AS DATE)", atomic: true)
    }
    public func daysBetween(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("CAST(\(a.operand) - \(b.operand) AS BIGINT)", atomic: true) }
    public func likePattern(_ p: String) -> String {
        // Backslash is LIKE's default escape: written twice, it stands for itself.
        string(p.replacingOccurrences(of: "\\", with: "\\\\"))
    }
    public func startsWith(_ s: SQLText, _ prefix: SQLText) -> SQLText {
        SQLText("left(\(caseFold(s).text), length(\(prefix.text))) = \(caseFold(prefix).text)")
    }
    public func endsWith(_ s: SQLText, _ suffix: SQLText) -> SQLText {
        SQLText("right(\(caseFold(s).text), length(\(suffix.text))) = \(caseFold(suffix).text)")
    }
    public func listAggregate(_ x: SQLText, order: [String]) -> SQLText {
        SQLText("array_agg(\(x.text) ORDER BY \(order.joined(separator: ", ")))", atomic: true)
    }
    public func firstValue(_ x: SQLText, order: [String]) -> SQLText {
        SQLText("(array_agg(\(x.text) ORDER BY \(order.joined(separator: ", "))))[1]", atomic: true)
    }
    public func median(_ x: SQLText, type: ValueType) -> SQLText? {
        // A date's median is the lower middle value, as folio takes it.
        if type == .date { return SQLText("percentile_disc(0.5) WITHIN GROUP (ORDER BY \(x.text))", atomic: true) }
        if type == .money { return centsToMoney(SQLText("percentile_cont(0.5) WITHIN GROUP (ORDER BY \(moneyCents(x).text))", atomic: true)) }
        return SQLText("percentile_cont(0.5) WITHIN GROUP (ORDER BY \(x.text))", atomic: true)
    }
    public func columnType(_ t: FieldType) -> String {
        switch t {
        case .decimal: "DOUBLE PRECISION"
        case .money: "NUMERIC(18, 2)"
        default: (self as any SQLDialect).defaultColumnType(t)
        }
    }
}

/// SQLite: no `ILIKE` (its `LIKE` ignores ASCII case), `IS` for null-safe equality, dates as
/// ISO text through its date functions, months added with the clamp written out, lists as
/// JSON arrays. Its `lower` folds ASCII only: for other letters register a Unicode `lower`
/// (the differential test does).
public struct SQLiteDialect: SQLDialect {
    public var name: SQLDialectName { .sqlite }
    public init() {}

    public func date(_ day: Int32) -> String { "'\(Day.format(day))'" }
    public func bool(_ b: Bool) -> String { b ? "1" : "0" }
    public func notDistinct(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("\(a.operand) IS \(b.operand)") }
    public func castDouble(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS REAL)", atomic: true) }
    public func castMoney(_ x: SQLText) -> SQLText { SQLText("round(CAST(\(x.text) AS REAL), 2)", atomic: true) }
    public func castBigint(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS INTEGER)", atomic: true) }
    public func round(_ x: SQLText, digits: Int) -> SQLText { SQLText("round(\(x.text), \(digits))", atomic: true) }
    public func floor(_ x: SQLText) -> SQLText {
        SQLText("CAST(CASE WHEN \(x.operand) < CAST(\(x.text) AS INTEGER) THEN CAST(\(x.text) AS INTEGER) - 1 ELSE CAST(\(x.text) AS INTEGER) END AS INTEGER)", atomic: true)
    }
    public func ceil(_ x: SQLText) -> SQLText {
        SQLText("CAST(CASE WHEN \(x.operand) > CAST(\(x.text) AS INTEGER) THEN CAST(\(x.text) AS INTEGER) + 1 ELSE CAST(\(x.text) AS INTEGER) END AS INTEGER)", atomic: true)
    }
    public func addDays(_ d: SQLText, _ n: SQLText) -> SQLText { SQLText("date(\(d.text), (\(n.text)) || ' days')", atomic: true) }
    public func addMonths(_ d: SQLText, _ n: Int) -> SQLText {
        // The target month's first day plus the day of the month, at most its last day.
        let first = "date(\(d.text), 'start of month', '\(n >= 0 ? "+" : "")\(n) months')"
        let last = "CAST(strftime('%d', date(\(first), '+1 month', '-1 day')) AS INTEGER)"
        return SQLText("date(\(first), (min(CAST(strftime('%d', \(d.text)) AS INTEGER), \(last)) - 1) || ' days')", atomic: true)
    }
    public func daysBetween(_ a: SQLText, _ b: SQLText) -> SQLText {
        SQLText("CAST(julianday(\(a.text)) - julianday(\(b.text)) AS INTEGER)", atomic: true)
    }
    public func year(_ d: SQLText) -> SQLText { SQLText("CAST(strftime('%Y', \(d.text)) AS INTEGER)", atomic: true) }
    public func month(_ d: SQLText) -> SQLText { SQLText("CAST(strftime('%m', \(d.text)) AS INTEGER)", atomic: true) }
    public func day(_ d: SQLText) -> SQLText { SQLText("CAST(strftime('%d', \(d.text)) AS INTEGER)", atomic: true) }
    public func startOf(_ d: SQLText, _ unit: PeriodUnit) -> SQLText {
        switch unit {
        case .week, .day: return SQLText("date(\(d.text), '-' || ((CAST(strftime('%w', \(d.text)) AS INTEGER) + 6) % 7) || ' days')", atomic: true)
        case .month: return SQLText("date(\(d.text), 'start of month')", atomic: true)
        case .year: return SQLText("date(\(d.text), 'start of year')", atomic: true)
        case .quarter:
            return SQLText("date(\(d.text), 'start of month', '-' || ((CAST(strftime('%m', \(d.text)) AS INTEGER) - 1) % 3) || ' months')", atomic: true)
        }
    }
    public func like(_ x: SQLText, _ pattern: SQLText, negated: Bool) -> SQLText {
        SQLText("\(caseFold(x).text) \(negated ? "NOT LIKE" : "LIKE") \(caseFold(pattern).text)")
    }
    public func contains(_ s: SQLText, _ sub: SQLText) -> SQLText { SQLText("instr(\(caseFold(s).text), \(caseFold(sub).text)) > 0") }
    public func startsWith(_ s: SQLText, _ prefix: SQLText) -> SQLText {
        SQLText("substr(\(caseFold(s).text), 1, length(\(prefix.text))) = \(caseFold(prefix).text)")
    }
    public func endsWith(_ s: SQLText, _ suffix: SQLText) -> SQLText {
        SQLText("substr(\(caseFold(s).text), -length(\(suffix.text))) = \(caseFold(suffix).text)")
    }
    public func listAggregate(_ x: SQLText, order: [String]) -> SQLText {
        // json_group_array takes its rows in the order they come: the subquery orders them.
        SQLText("json_group_array(\(x.text))", atomic: true)
    }
    public func firstValue(_ x: SQLText, order: [String]) -> SQLText {
        SQLText("json_extract(json_group_array(\(x.text)), '$[0]')", atomic: true)
    }
    public func median(_ x: SQLText, type: ValueType) -> SQLText? { nil }
    public var orderedAggregates: Bool { false }
    public func moneyResult(_ x: SQLText) -> SQLText { castMoney(x) }
    // Money is a float here: its cents are rounded back to the whole number they are.
    public func moneyCents(_ x: SQLText) -> SQLText { SQLText("round(\(x.operand) * 100)", atomic: true) }
    public func placeholder(_ n: Int) -> String { "?\(n)" }
    public func paddedRow(_ x: SQLText) -> SQLText { SQLText("printf('%012d', \(x.text))", atomic: true) }
    public func columnType(_ t: FieldType) -> String {
        switch t {
        case .money, .decimal: "REAL"
        case .int, .bool: "INTEGER"
        default: "TEXT"
        }
    }
}

/// DuckDB: close to PostgreSQL; `list` for lists, `median`, `arg_min`-style first values
/// through ordered aggregates.
public struct DuckDBDialect: SQLDialect {
    public var name: SQLDialectName { .duckdb }
    public init() {}

    public func addDays(_ d: SQLText, _ n: SQLText) -> SQLText { SQLText("CAST(\(d.operand) + CAST(\(n.text) AS INTEGER) AS DATE)", atomic: true) }
    public func addMonths(_ d: SQLText, _ n: Int) -> SQLText { SQLText("CAST(\(d.operand) + INTERVAL '\(n) months' AS DATE)", atomic: true) }
    public func daysBetween(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("datediff('day', \(b.text), \(a.text))", atomic: true) }
    public func intDivide(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("\(a.operand) // \(b.operand)") }
    public func paddedRow(_ x: SQLText) -> SQLText { SQLText("lpad(CAST(\(x.text) AS VARCHAR), 12, '0')", atomic: true) }
    public func castText(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS VARCHAR)", atomic: true) }
    public func listAggregate(_ x: SQLText, order: [String]) -> SQLText {
        SQLText("list(\(x.text) ORDER BY \(order.joined(separator: ", ")))", atomic: true)
    }
    public func firstValue(_ x: SQLText, order: [String]) -> SQLText {
        SQLText("first(\(x.text) ORDER BY \(order.joined(separator: ", ")))", atomic: true)
    }
    public func median(_ x: SQLText, type: ValueType) -> SQLText? {
        if type == .date { return SQLText("quantile_disc(\(x.text), 0.5)", atomic: true) }
        if type == .money { return centsToMoney(SQLText("median(\(moneyCents(x).text))", atomic: true)) }
        return SQLText("median(\(x.text))", atomic: true)
    }
}

/// Spark SQL (ANSI mode): `<=>` for null-safe equality, `try_divide`, `add_months` (which
/// clamps), `collect_list` sorted by position for lists, `min_by` for first values. String
/// literals treat backslash as an escape, so it is doubled.
public struct SparkDialect: SQLDialect {
    public var name: SQLDialectName { .spark }
    public var ordersGroupsInPlace: Bool { false }
    public init() {}

    public func identifier(_ name: String) -> String {
        let simple = name.utf8.first.map(isIdentifierStart) == true && name.utf8.allSatisfy(isIdentifierPart) && !SQLReserved.words.contains(name.lowercased())
        return simple ? name : "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }
    public func string(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
    public func notDistinct(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("\(a.operand) <=> \(b.operand)") }
    public func divide(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("try_divide(\(castDouble(a).text), \(castDouble(b).text))", atomic: true) }
    public func addDays(_ d: SQLText, _ n: SQLText) -> SQLText { SQLText("date_add(\(d.text), CAST(\(n.text) AS INT))", atomic: true) }
    public func addMonths(_ d: SQLText, _ n: Int) -> SQLText { SQLText("add_months(\(d.text), \(n))", atomic: true) }
    public func daysBetween(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("CAST(datediff(\(a.text), \(b.text)) AS BIGINT)", atomic: true) }
    public func year(_ d: SQLText) -> SQLText { SQLText("CAST(year(\(d.text)) AS BIGINT)", atomic: true) }
    public func month(_ d: SQLText) -> SQLText { SQLText("CAST(month(\(d.text)) AS BIGINT)", atomic: true) }
    public func day(_ d: SQLText) -> SQLText { SQLText("CAST(dayofmonth(\(d.text)) AS BIGINT)", atomic: true) }
    public func floor(_ x: SQLText) -> SQLText { SQLText("CAST(floor(\(x.text)) AS BIGINT)", atomic: true) }
    public func ceil(_ x: SQLText) -> SQLText { SQLText("CAST(ceil(\(x.text)) AS BIGINT)", atomic: true) }
    public func startOf(_ d: SQLText, _ unit: PeriodUnit) -> SQLText {
        SQLText("CAST(date_trunc('\(unit.rawValue.uppercased())', \(d.text)) AS DATE)", atomic: true)
    }
    public func like(_ x: SQLText, _ pattern: SQLText, negated: Bool) -> SQLText {
        SQLText("\(negated ? "NOT " : "")\(caseFold(x).text) LIKE \(caseFold(pattern).text)")
    }
    public func likePattern(_ p: String) -> String { string(p.replacingOccurrences(of: "\\", with: "\\\\")) }
    public func contains(_ s: SQLText, _ sub: SQLText) -> SQLText { SQLText("instr(\(caseFold(s).text), \(caseFold(sub).text)) > 0") }
    public func startsWith(_ s: SQLText, _ prefix: SQLText) -> SQLText {
        SQLText("startswith(\(caseFold(s).text), \(caseFold(prefix).text))", atomic: true)
    }
    public func endsWith(_ s: SQLText, _ suffix: SQLText) -> SQLText {
        SQLText("endswith(\(caseFold(s).text), \(caseFold(suffix).text))", atomic: true)
    }
    public func length(_ s: SQLText) -> SQLText { SQLText("CAST(char_length(\(s.text)) AS BIGINT)", atomic: true) }
    public func listAggregate(_ x: SQLText, order: [String]) -> SQLText {
        // collect_list keeps no order: the pairs are sorted by their position first.
        SQLText("transform(array_sort(collect_list(struct(\(order.map { $0.replacingOccurrences(of: " NULLS LAST", with: "").replacingOccurrences(of: " NULLS FIRST", with: "") }.joined(separator: ", ")), \(x.text) AS v))), e -> e.v)", atomic: true)
    }
    public func firstValue(_ x: SQLText, order: [String]) -> SQLText {
        // The group's values with their order's terms, sorted by a comparator that reads
        // each term's direction and place of nulls (a struct's own order is ascending with
        // nulls first in every field, and text or dates cannot be negated), then the first.
        var terms: [(expr: String, descending: Bool, nullsFirst: Bool)] = []
        for t in order {
            var t = t
            var descending = false
            var nullsFirst: Bool?
            for _ in 0..<2 {
                if t.hasSuffix(" NULLS LAST") { t.removeLast(11); nullsFirst = false }
                if t.hasSuffix(" NULLS FIRST") { t.removeLast(12); nullsFirst = true }
                if t.hasSuffix(" DESC") { t.removeLast(5); descending = true }
                if t.hasSuffix(" ASC") { t.removeLast(4) }
            }
            terms.append((t, descending, nullsFirst ?? !descending))
        }
        let fields = terms.enumerated().map { "\($0.element.expr) AS k\($0.offset)" } + ["\(x.text) AS v"]
        var cases: [String] = []
        for (i, t) in terms.enumerated() {
            let (l, r) = ("l.k\(i)", "r.k\(i)")
            cases.append("WHEN \(l) IS NULL AND \(r) IS NOT NULL THEN \(t.nullsFirst ? -1 : 1)")
            cases.append("WHEN \(l) IS NOT NULL AND \(r) IS NULL THEN \(t.nullsFirst ? 1 : -1)")
            cases.append("WHEN \(l) < \(r) THEN \(t.descending ? 1 : -1)")
            cases.append("WHEN \(l) > \(r) THEN \(t.descending ? -1 : 1)")
        }
        let comparator = "(l, r) -> CASE \(cases.joined(separator: " ")) ELSE 0 END"
        return SQLText("element_at(array_sort(collect_list(struct(\(fields.joined(separator: ", ")))), \(comparator)), 1).v", atomic: true)
    }
    public func median(_ x: SQLText, type: ValueType) -> SQLText? {
        if type == .date { return SQLText("percentile_disc(0.5) WITHIN GROUP (ORDER BY \(x.text))", atomic: true) }
        if type == .money { return centsToMoney(SQLText("percentile(\(moneyCents(x).text), 0.5)", atomic: true)) }
        return SQLText("percentile(\(x.text), 0.5)", atomic: true)
    }
    public func placeholder(_ n: Int) -> String { "?" }
    public func intDivide(_ a: SQLText, _ b: SQLText) -> SQLText { SQLText("\(a.operand) DIV \(b.operand)") }
    public func paddedRow(_ x: SQLText) -> SQLText { SQLText("lpad(CAST(\(x.text) AS STRING), 12, '0')", atomic: true) }
    public func castText(_ x: SQLText) -> SQLText { SQLText("CAST(\(x.text) AS STRING)", atomic: true) }
    public func columnType(_ t: FieldType) -> String {
        switch t {
        case .string, .enumeration, .stringList: "STRING"
        default: (self as any SQLDialect).defaultColumnType(t)
        }
    }
}

extension SQLDialect {
    /// Money as a whole number of cents, a double.
    public func moneyCents(_ x: SQLText) -> SQLText { castDouble(SQLText("\(x.operand) * 100")) }
    /// Cents computed as a double, rounded half away from zero, as money.
    public func centsToMoney(_ cents: SQLText) -> SQLText { castMoney(SQLText("\(roundHalfAway(cents).text) / 100")) }

    /// The column types most engines share.
    func defaultColumnType(_ t: FieldType) -> String {
        switch t {
        case .string, .enumeration, .stringList: "TEXT"
        case .int: "BIGINT"
        case .money: "DECIMAL(18, 2)"
        case .decimal: "DOUBLE"
        case .date: "DATE"
        case .bool: "BOOLEAN"
        }
    }
}

