/// Compiles a checked query to one SQL statement for a dialect (SPEC §8).
///
/// The checked pipeline becomes a ``Relation`` (a chain of operators), and one pass cuts
/// that chain into SELECTs: an operator joins the SELECT being built when SQL's clause
/// order allows it (a `where` before grouping is `WHERE`, after it `HAVING`; a sort is
/// `ORDER BY`; a limit `LIMIT`), and otherwise the SELECT so far becomes a named step
/// (`WITH step1 AS (…)`) that the next one reads. Paths are LEFT JOINs named after their
/// relationships; `exists` is `EXISTS`; an aggregate over a collection is a per-parent
/// aggregate joined back, `COALESCE`d for `count` and `sum`; hierarchies are recursive
/// steps; analytic functions are window functions over the rows' current order.
///
/// folio's meaning is kept exactly: strings compare without regard to case (`lower` on
/// both sides, code-point order for sorting), `=` and `!=` treat null as a value,
/// comparisons with a null are false and `not` is two-valued (conditions that may be null
/// are `COALESCE`d where a `NOT` or a value needs them), `/` is decimal division with
/// null for 0, picklists sort in their declared order, every sort puts nulls where folio
/// does and breaks ties by the rows' order, which is also the order of the result.
public struct SQLCompiler {
    public let store: Store
    public let dialect: any SQLDialect
    public let today: Int32
    public let fiscalYearStart: Int
    /// Parameters as the dialect's placeholders (else as quoted literals).
    public var placeholders = false

    public init(store: Store, dialect: any SQLDialect, today: Int32, fiscalYearStart: Int) {
        self.store = store
        self.dialect = dialect
        self.today = today
        self.fiscalYearStart = fiscalYearStart
    }

    /// The statement, its parameters' values in placeholder order, and the result columns.
    public struct Output: Sendable {
        public var sql: String
        public var parameters: [Value]
        public var columns: [OutputColumn]
        /// Where a final `chart`'s values and labels are (columns after the result's).
        public var chart: ChartColumns?
    }

    /// A chart's value and label, as the last columns of the statement.
    public struct ChartColumns: Sendable {
        public var value: Int
        public var valueType: ValueType
        public var valueName: String
        public var label: Int?
        public var labelType: ValueType?
        public var labelName: String?
    }

    /// Compiles a checked pipeline; a construct the dialect cannot express is a located error.
    /// With `chartColumns`, a final `chart` stage's value and label become the last columns
    /// (for an engine session to draw it); otherwise `chart` only draws and is left out.
    public func compile(_ p: CheckedPipeline, chartColumns: Bool = false) throws(Diagnostic) -> Output {
        let build = SQLBuild(compiler: self, parameterSpans: p.parameters)
        var extras: [TExpr] = []
        var chart: ChartColumns?
        if chartColumns, case .chart(let value, let label, let valueName, let labelName)? = p.stages.last {
            extras = [value] + (label.map { [$0] } ?? [])
            chart = ChartColumns(value: p.columns.count, valueType: value.type, valueName: valueName,
                                 label: label.map { _ in p.columns.count + 1 }, labelType: label?.type, labelName: labelName)
        }
        try build.run(Relation(p), columns: p.columns, extras: extras)
        return Output(sql: build.statement.render(), parameters: build.boundValues, columns: p.columns, chart: chart)
    }
}

/// A mistake of the form "this dialect cannot express …", pointing at the construct.
extension Messages {
    static func cannotExpress(_ what: String, _ dialect: SQLDialectName) -> Text {
        ("\(what) cannot be expressed in \(dialect.rawValue)", "run it in memory (without --engine), or on another engine")
    }
}
