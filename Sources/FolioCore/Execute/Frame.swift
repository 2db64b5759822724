/// A result: named, typed columns of values, stored column by column.
public struct Frame: Sendable {
    public var columns: [OutputColumn]
    public var values: [[Value]]
    /// Set by a final `chart` stage: how table output draws the rows as bars.
    public var chart: Chart?
    /// Rows of the result that were never built, because the one who asked shows only the
    /// first and last (``Executor/Shape/ends(head:tail:)``): `count` rows would come before
    /// row `at` of `values`.
    public var omitted: Omitted?
    /// The rows went, a chunk at a time, to the sink of ``Executor/Shape/chunks(_:_:)``;
    /// `values` holds none of them.
    public var streamed = false

    public struct Omitted: Sendable, Equatable {
        public var at: Int
        public var count: Int
    }

    public init(columns: [OutputColumn], values: [[Value]]) {
        self.columns = columns
        self.values = values
    }

    /// The rows held in `values`.
    public var rowCount: Int { values.first?.count ?? 0 }

    /// The rows of the result, held or not.
    public var totalRows: Int { rowCount + (omitted?.count ?? 0) }

    public subscript(row: Int, column: Int) -> Value { values[column][row] }
}

/// A horizontal bar chart of a result: a label and a value per row (the data itself is unchanged).
public struct Chart: Sendable {
    public var labelName: String
    public var valueName: String
    public var labels: [String]
    public var values: [Value]
}

/// What the rows of a pipeline are at some stage: records of a table, or a frame.
enum RowSource {
    case table(EntityTable)
    case frame(Frame)
}
