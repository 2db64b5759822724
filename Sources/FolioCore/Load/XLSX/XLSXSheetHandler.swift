/// Reads a worksheet part's `<sheetData>` into typed rows, one cell at a time.
///
/// `<row r="3"><c r="B3" t="s"><v>0</v></c></row>` becomes row 3 with cells
/// `[.empty, .string(strings[0])]`. Only the current row is open; finished rows are kept
/// trimmed of trailing empty cells and padded once, at the end.
struct SheetHandler: XMLPartHandler {
    let sheetName: String
    let strings: [String]
    let dateStyles: [Bool]
    let dateSystem: XLSXDateSystem

    private(set) var rows: [(number: Int, cells: [XLSXCell])] = []
    private var width = 0

    private var inSheetData = false
    private var rowNumber = 0
    private var cells: [XLSXCell] = []
    /// The 0-based column of the next cell when it has no `r`.
    private var nextColumn = 0

    private var inCell = false
    private var cellColumn = 0
    private var cellType = "n"
    private var cellStyle = 0
    private var value = ""
    private var hasValue = false
    private var inValue = false
    private var inline: StringItem?

    init(sheetName: String, strings: [String], dateStyles: [Bool], dateSystem: XLSXDateSystem) {
        self.sheetName = sheetName
        self.strings = strings
        self.dateStyles = dateStyles
        self.dateSystem = dateSystem
    }

    /// The rows, each padded with `.empty` to the widest (in place: no second copy of a big sheet).
    mutating func paddedRows() -> [(number: Int, cells: [XLSXCell])] {
        for i in rows.indices where rows[i].cells.count < width {
            rows[i].cells.append(contentsOf: repeatElement(.empty, count: width - rows[i].cells.count))
        }
        return rows
    }

    mutating func start(_ name: String, _ attributes: [String: String]) throws(XLSXError) {
        if inCell {
            switch name {
            case "v": inValue = true; hasValue = true
            case "is": inline = StringItem()
            default: inline?.start(name)
            }
            return
        }
        switch name {
        case "sheetData":
            inSheetData = true
        case "row" where inSheetData:
            try startRow(attributes)
        case "c" where inSheetData:
            try startCell(attributes)
        default:
            break
        }
    }

    mutating func characters(_ text: String) {
        if inValue {
            value += text
        } else {
            inline?.characters(text)
        }
    }

    mutating func end(_ name: String) throws(XLSXError) {
        if inCell {
            switch name {
            case "v": inValue = false
            case "c": try endCell()
            default: inline?.end(name)
            }
            return
        }
        switch name {
        case "row" where inSheetData: endRow()
        case "sheetData": inSheetData = false
        default: break
        }
    }

    // MARK: - Rows

    private mutating func startRow(_ attributes: [String: String]) throws(XLSXError) {
        if let r = attributes["r"] {
            guard let n = Int(r), n >= 1, n <= XLSXCellReference.maxRows else {
                throw XLSXError("a row numbered \"\(r)\", which is not a row number", sheet: sheetName)
            }
            rowNumber = n
        } else {
            rowNumber += 1
        }
        cells = []
        nextColumn = 0
    }

    private mutating func endRow() {
        while let last = cells.last, last.isEmpty { cells.removeLast() }
        guard !cells.isEmpty else { return }
        width = max(width, cells.count)
        rows.append((rowNumber, cells))
        cells = []
    }

    // MARK: - Cells

    private mutating func startCell(_ attributes: [String: String]) throws(XLSXError) {
        if let r = attributes["r"] {
            guard let reference = XLSXCellReference.parse(r) else {
                throw XLSXError("a cell reference \"\(r)\" that is not a column and row", sheet: sheetName)
            }
            cellColumn = reference.column
        } else {
            cellColumn = nextColumn
        }
        guard cellColumn < XLSXCellReference.maxColumns else {
            throw XLSXError("more cells in row \(rowNumber) than Excel's \(XLSXCellReference.maxColumns) columns", sheet: sheetName)
        }
        cellType = attributes["t"] ?? "n"
        cellStyle = attributes["s"].flatMap { Int($0) } ?? 0
        value = ""
        hasValue = false
        inValue = false
        inline = nil
        inCell = true
    }

    private mutating func endCell() throws(XLSXError) {
        inCell = false
        let cell = try typedCell()
        if cellColumn < cells.count {
            cells[cellColumn] = cell
        } else {
            if cellColumn > cells.count { cells.append(contentsOf: repeatElement(.empty, count: cellColumn - cells.count)) }
            cells.append(cell)
        }
        nextColumn = cellColumn + 1
    }

    /// The cell just closed, typed by its `t` attribute and, for numbers, its style.
    private func typedCell() throws(XLSXError) -> XLSXCell {
        if cellType == "inlineStr" {
            if let inline { return .string(inline.text) }
            return hasValue ? .string(XLSXText.unescaped(value)) : .empty
        }
        // A formula cell without a cached `<v>` was never calculated: it has no value to read.
        guard hasValue else { return .empty }
        switch cellType {
        case "s":
            guard let index = Int(trimmed(value)), strings.indices.contains(index) else {
                throw failure("shared string \(value) does not exist (the workbook has \(strings.count))")
            }
            return .string(strings[index])
        case "str":
            return .string(XLSXText.unescaped(value))
        case "b":
            switch trimmed(value) {
            case "1", "true": return .bool(true)
            case "0", "false": return .bool(false)
            default: throw failure("a true/false cell holding \"\(value)\"")
            }
        case "e":
            return .error(String(trimmed(value)))
        case "d":
            guard let date = Self.isoDate(trimmed(value)) else {
                throw failure("a date cell holding \"\(value)\", which is not an ISO 8601 date")
            }
            return date
        case "n":
            let text = trimmed(value)
            if text.isEmpty { return .empty }
            guard let number = Double(text), number.isFinite else {
                throw failure("a number cell holding \"\(value)\"")
            }
            if cellStyle >= 0, cellStyle < dateStyles.count, dateStyles[cellStyle],
               let date = dateSystem.date(serial: number) {
                return .date(day: date.day, seconds: date.seconds)
            }
            return .number(number)
        default:
            throw failure("a cell of unknown type t=\"\(cellType)\"")
        }
    }

    private func failure(_ message: String) -> XLSXError {
        XLSXError(message, sheet: sheetName, cell: XLSXCellReference.name(column: cellColumn, row: rowNumber))
    }

    /// The value without surrounding whitespace, which some writers leave around numbers.
    private func trimmed(_ s: String) -> Substring {
        guard let first = s.firstIndex(where: { !$0.isWhitespace }),
              let last = s.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return s[first...last]
    }

    /// A `t="d"` cell's text: `2024-03-01`, `2024-03-01T13:30:00` (seconds and a zone suffix optional).
    static func isoDate(_ text: Substring) -> XLSXCell? {
        guard let day = Day.parse(String(text.prefix(10))) else { return nil }
        var rest = text.dropFirst(10)
        guard rest.first == "T" || rest.first == " " else { return rest.isEmpty ? .date(day: day, seconds: 0) : nil }
        rest = rest.dropFirst()
        let fields = rest.prefix { $0.isNumber || $0 == ":" || $0 == "." }.split(separator: ":")
        guard fields.count >= 2, fields.count <= 3,
              let h = Int(fields[0]), let m = Int(fields[1]), h < 24, m < 60 else { return nil }
        let s = fields.count == 3 ? (Double(fields[2]) ?? 60) : 0
        guard s < 60 else { return nil }
        return .date(day: day, seconds: h * 3600 + m * 60 + Int(s))
    }
}
