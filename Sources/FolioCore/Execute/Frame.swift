/// A result: named, typed columns of values, stored column by column.
public struct Frame: Sendable {
    public var columns: [OutputColumn]
    public var values: [[Value]]
    /// Set by a final `chart` stage: how table output draws the rows as bars.
    public var chart: Chart?

    public init(columns: [OutputColumn], values: [[Value]]) {
        self.columns = columns
        self.values = values
    }

    public var rowCount: Int { values.first?.count ?? 0 }

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
