/// One cell of a sheet, typed as the workbook stores it.
///
/// A number styled `yyyy-mm-dd` reads as `.date(day: 20619, seconds: 0)`; the same number
/// styled `0.00` reads as `.number(45823.0)`.
public enum XLSXCell: Sendable, Equatable {
    case empty
    case string(String)
    case number(Double)
    case bool(Bool)
    /// A number whose cell style is a date or date-time format: the calendar day (days since
    /// 1970-01-01, as folio's `Day` type counts) and the seconds into that day (0 for a date).
    case date(day: Int32, seconds: Int)
    /// An error value cached for a formula (`#N/A`, `#DIV/0!`).
    case error(String)

    /// True for `.empty`: no value (an empty string is a value).
    public var isEmpty: Bool { if case .empty = self { true } else { false } }
}

/// The cells of one worksheet, row by row.
///
/// `rows[0]` is the first row that holds a value; `rows[0].number` is its row number as
/// Excel shows it, for messages such as "row 7".
public struct XLSXSheet: Sendable {
    public var name: String
    /// Rows in order, empty rows left out; `number` is the row's 1-based number in the sheet
    /// (for messages), cells padded with .empty to the widest row.
    public var rows: [(number: Int, cells: [XLSXCell])]

    public init(name: String, rows: [(number: Int, cells: [XLSXCell])]) {
        self.name = name
        self.rows = rows
    }
}
