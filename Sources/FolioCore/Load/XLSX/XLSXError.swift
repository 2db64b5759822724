/// A workbook that cannot be read: damaged, not a workbook, or without the sheet asked for.
///
/// `XLSXError("not a number: \"abc\"", sheet: "Data", cell: "B7").description` is
/// `sheet "Data", cell B7: not a number: "abc"`.
public struct XLSXError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The sheet the problem is in, when it is in one.
    public var sheet: String?
    /// The cell's reference (`"B7"`), when the problem is in one cell.
    public var cell: String?

    public init(_ message: String, sheet: String? = nil, cell: String? = nil) {
        self.message = message
        self.sheet = sheet
        self.cell = cell
    }

    public var description: String {
        var place: [String] = []
        if let sheet { place.append("sheet \"\(sheet)\"") }
        if let cell { place.append("cell \(cell)") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }
}
