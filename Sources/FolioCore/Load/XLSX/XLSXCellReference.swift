/// A1-style cell references: column letters and a row number.
///
/// `XLSXCellReference.parse("C5")` is `(column: 2, row: 5)` (columns from 0, rows from 1);
/// `XLSXCellReference.columnName(27)` is `"AB"`.
enum XLSXCellReference {
    /// Excel's last column, XFD.
    static let maxColumns = 16_384
    /// Excel's last row.
    static let maxRows = 1_048_576

    /// The 0-based column and the row of a reference such as `C5` (`$` anchors allowed);
    /// nil when it is not one or is past Excel's last column.
    static func parse(_ reference: String) -> (column: Int, row: Int?)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in reference.utf8 where byte != UInt8(ascii: "$") {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int((byte | 0x20) - UInt8(ascii: "a")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 8 else { return nil }
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard letters > 0, column <= maxColumns else { return nil }
        return (column - 1, digits > 0 ? row : nil)
    }

    /// The letters of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
    static func columnName(_ column: Int) -> String {
        var n = column + 1
        var letters: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(UInt8(ascii: "A") + UInt8(r))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    static func name(column: Int, row: Int) -> String { columnName(column) + String(row) }
}
