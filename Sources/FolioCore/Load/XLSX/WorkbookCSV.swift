/// A workbook's sheet as CSV text, so that it loads through the CSV reader and every
/// conversion of SPEC §3 applies to it as to an export: numbers as their plain text, dates
/// as ISO dates (a time after them, which the loader drops), booleans as `true`/`false`, an
/// error value (`#N/A`) as an empty cell, text as it is.
enum WorkbookCSV {
    /// The CSV bytes and, for each CSV line (1-based; index 0 unused), the sheet's row.
    static func make(_ workbook: [UInt8], sheet: String?) throws(XLSXError) -> (bytes: [UInt8], rows: [Int]) {
        let s = try XLSXReader.read(workbook, sheet: sheet)
        var out: [UInt8] = []
        out.reserveCapacity(s.rows.count * 64)
        for row in s.rows {
            for (i, cell) in row.cells.enumerated() {
                if i > 0 { out.append(44) }
                append(text(cell), to: &out)
            }
            out.append(10)
        }
        // Every CSV line to its sheet row: a text with line breaks spans several lines.
        let recordRows = s.rows.map(\.number)
        var lineRows = [0, recordRows.first ?? 1]
        var record = 0
        var inQuotes = false
        for b in out {
            if b == 34 { inQuotes.toggle() }
            if b == 10 {
                if !inQuotes { record += 1 }
                lineRows.append(record < recordRows.count ? recordRows[record] : (recordRows.last ?? 0))
            }
        }
        return (out, lineRows)
    }

    static func text(_ cell: XLSXCell) -> String {
        switch cell {
        case .empty, .error: return ""
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let d):
            if d == d.rounded(), Swift.abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        case .date(let day, let seconds):
            let date = Day.format(day)
            if seconds == 0 { return date }
            let h = seconds / 3600, m = seconds / 60 % 60, sec = seconds % 60
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
            return "\(date) \(two(h)):\(two(m)):\(two(sec))"
        }
    }

    static func append(_ s: String, to out: inout [UInt8]) {
        let bytes = Array(s.utf8)
        if bytes.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            out.append(34)
            for b in bytes {
                if b == 34 { out.append(34) }
                out.append(b)
            }
            out.append(34)
        } else {
            out += bytes
        }
    }
}
