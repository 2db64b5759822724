/// A result: named, typed columns of values, stored column by column.
public struct Frame: Sendable {
    public var columns: [OutputColumn]
    public var values: [[Value]]

    public init(columns: [OutputColumn], values: [[Value]]) {
        self.columns = columns
        self.values = values
    }

    public var rowCount: Int { values.first?.count ?? 0 }

    public subscript(row: Int, column: Int) -> Value { values[column][row] }
}

/// What the rows of a pipeline are at some stage: records of a table, or a frame.
enum RowSource {
    case table(EntityTable)
    case frame(Frame)
}
