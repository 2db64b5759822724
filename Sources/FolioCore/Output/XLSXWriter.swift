import Foundation
import ZIPFoundation

/// Writes a result as an Excel workbook (.xlsx) of one sheet.
///
/// ```swift
/// let bytes = try XLSXWriter.write(frame, sheetName: "Renewals")
/// try Data(bytes).write(to: URL(fileURLWithPath: "renewals.xlsx"))
/// ```
///
/// Cells keep their types: ints, money (`#,##0.00`) and decimals are numbers, dates are date
/// serials styled `yyyy-mm-dd`, booleans are booleans, text (strings, picklist labels, lists
/// `;`-joined) goes through the shared string table, and null is no cell. The header row is
/// bold and frozen; column widths fit the longest text. The same frame gives the same bytes.
public enum XLSXWriter {
    /// A workbook of one sheet holding the frame: a bold, frozen header row; typed cells.
    ///
    /// A sheet name Excel would refuse (`[]:*?/\`, more than 31 characters) is mended; a frame
    /// larger than a sheet (1,048,575 rows below the header, 16,384 columns) throws.
    public static func write(_ frame: Frame, sheetName: String = "Result") throws(XLSXError) -> [UInt8] {
        guard frame.columns.count <= XLSXCellReference.maxColumns else {
            throw XLSXError("the result has \(frame.columns.count) columns; an Excel sheet holds at most \(XLSXCellReference.maxColumns)")
        }
        guard frame.rowCount < XLSXCellReference.maxRows else {
            throw XLSXError("the result has \(frame.rowCount) rows; an Excel sheet holds at most \(XLSXCellReference.maxRows - 1) below its header")
        }
        var strings = SharedStrings()
        let sheet = sheetXML(frame, &strings)
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", packageRelationships),
            ("xl/workbook.xml", workbookXML(sheetName: validSheetName(sheetName))),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/styles.xml", styles),
            ("xl/sharedStrings.xml", strings.xml),
        ]
        return try zip(parts)
    }

    // MARK: - The sheet

    /// Indexes into `<cellXfs>` in ``styles``.
    private enum Style: Int {
        case plain = 0, header, money, date
    }

    private static func sheetXML(_ frame: Frame, _ strings: inout SharedStrings) -> String {
        let letters = frame.columns.indices.map(XLSXCellReference.columnName)
        var widths = frame.columns.map { displayLength($0.name) }
        var rows = ""
        rows += "<row r=\"1\">"
        for (c, column) in frame.columns.enumerated() {
            rows += cell("\(letters[c])1", style: .header, type: "s", value: String(strings.index(column.name)))
        }
        rows += "</row>"
        for r in 0..<frame.rowCount {
            let number = String(r + 2)
            rows += "<row r=\"\(number)\">"
            for c in frame.columns.indices {
                let reference = letters[c] + number
                let value = frame[r, c]
                widths[c] = max(widths[c], displayLength(value))
                switch value {
                case .null:
                    continue
                case .bool(let b):
                    rows += cell(reference, type: "b", value: b ? "1" : "0")
                case .int(let n):
                    rows += cell(reference, value: String(n))
                case .money(let cents):
                    rows += cell(reference, style: .money, value: ValueFormat.money(cents, grouped: false))
                case .decimal(let d):
                    // A sheet has no NaN or infinity; Excel's own word for such a result is #NUM!.
                    rows += d.isFinite
                        ? cell(reference, value: ValueFormat.decimal(d, grouped: false, forTable: false))
                        : cell(reference, type: "e", value: "#NUM!")
                case .date(let day):
                    if day == Day.null { continue }
                    if let serial = XLSXDateSystem.from1900.serial(day: day) {
                        rows += cell(reference, style: .date, value: String(serial))
                    } else {
                        // Before 1900 Excel has no date serials; the date is kept as its text.
                        rows += cell(reference, type: "s", value: String(strings.index(Day.format(day))))
                    }
                case .string, .enumeration, .list:
                    rows += cell(reference, type: "s", value: String(strings.index(ValueFormat.plain(value))))
                }
            }
            rows += "</row>"
        }
        let last = frame.columns.isEmpty ? "A1" : "\(letters[frame.columns.count - 1])\(frame.rowCount + 1)"
        var cols = ""
        if !widths.isEmpty {
            cols = "<cols>"
            for (c, width) in widths.enumerated() {
                // Two characters of margin, as Excel's own autofit leaves; then 8…60.
                let fitted = min(max(width + 2, 8), 60)
                cols += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(fitted)\" customWidth=\"1\"/>"
            }
            cols += "</cols>"
        }
        return xmlDeclaration
            + "<worksheet xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationshipsNamespace)\">"
            + "<dimension ref=\"A1:\(last)\"/>"
            + "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
            + "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            + "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
            + "</sheetView></sheetViews>"
            + "<sheetFormatPr defaultRowHeight=\"15\"/>"
            + cols
            + "<sheetData>" + rows + "</sheetData>"
            + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
            + "</worksheet>"
    }

    private static func cell(_ reference: String, style: Style = .plain, type: String? = nil, value: String) -> String {
        var s = "<c r=\"\(reference)\""
        if style != .plain { s += " s=\"\(style.rawValue)\"" }
        if let type { s += " t=\"\(type)\"" }
        return s + "><v>" + value + "</v></c>"
    }

    /// How many characters the value shows as in Excel with its format, for the column's width.
    private static func displayLength(_ value: Value) -> Int {
        switch value {
        case .null: 0
        case .bool(let b): b ? 4 : 5
        case .int(let n): String(n).count
        case .money(let cents):
            // `#,##0.00` always shows two decimals, and a sign below zero.
            (cents < 0 ? 1 : 0) + ValueFormat.money(Int64(cents.magnitude / 100) * 100, grouped: true).count + 3
        // Excel's General format shows at most 11 characters of a number.
        case .decimal(let d): min(ValueFormat.decimal(d, grouped: false, forTable: false).count, 11)
        case .date: 10
        case .string, .enumeration, .list: displayLength(ValueFormat.plain(value))
        }
    }

    private static func displayLength(_ text: String) -> Int {
        // Past 60 the width is clamped anyway; counting further would only cost time.
        var n = 0
        for _ in text where n <= 60 { n += 1 }
        return n
    }

    /// A name Excel accepts for a sheet: none of `[]:*?/\` or control characters, no
    /// apostrophe at either end, 1 to 31 characters.
    static func validSheetName(_ name: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var mended = String(name.map { forbidden.contains($0) || $0.unicodeScalars.contains(where: { $0.value < 0x20 }) ? "_" : $0 })
        mended = String(mended.drop { $0 == "'" })
        while mended.last == "'" { mended.removeLast() }
        mended = String(mended.prefix(31))
        return mended.trimmingCharacters(in: .whitespaces).isEmpty ? "Result" : mended
    }

    // MARK: - Shared strings

    /// The workbook's table of distinct texts, in order of first use.
    private struct SharedStrings {
        private var indexes: [String: Int] = [:]
        private var items: [String] = []
        private var uses = 0

        /// Excel refuses a cell of more than 32,767 characters; longer text is cut there.
        static let maxLength = 32_767

        mutating func index(_ text: String) -> Int {
            uses += 1
            if let i = indexes[text] { return i }
            let i = items.count
            indexes[text] = i
            items.append(text)
            return i
        }

        var xml: String {
            var s = xmlDeclaration + "<sst xmlns=\"\(mainNamespace)\" count=\"\(uses)\" uniqueCount=\"\(items.count)\">"
            for item in items {
                var text = item
                if text.utf16.count > Self.maxLength { text = Self.truncated(text) }
                let escaped = XLSXWriter.escapeXML(XLSXText.escaped(text))
                // Leading or trailing spaces and line breaks survive only when marked to be kept.
                let keep = text.first.map(\.isWhitespace) == true || text.last.map(\.isWhitespace) == true
                    || text.contains("\n")
                s += keep ? "<si><t xml:space=\"preserve\">\(escaped)</t></si>" : "<si><t>\(escaped)</t></si>"
            }
            return s + "</sst>"
        }

        private static func truncated(_ text: String) -> String {
            var out = ""
            var length = 0
            for ch in text {
                length += ch.utf16.count
                if length > maxLength { break }
                out.append(ch)
            }
            return out
        }
    }

    /// Text with XML's special characters as entities; fit for element text and quoted attributes.
    static func escapeXML(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - The package

    /// 1980-01-01 00:00 UTC, the earliest time a ZIP entry records: a fixed time, so the same
    /// frame always gives the same bytes.
    private static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    private static func zip(_ parts: [(String, String)]) throws(XLSXError) -> [UInt8] {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: entryDate,
                    compressionMethod: .deflate
                ) { position, size in
                    let start = Int(position)
                    return data.subdata(in: start..<min(start + size, data.count))
                }
            }
            guard let data = archive.data else { throw XLSXError("the workbook's ZIP archive was not produced") }
            return [UInt8](data)
        } catch let error as XLSXError {
            throw error
        } catch {
            throw XLSXError("could not write the workbook's ZIP archive: \(error)")
        }
    }

    private static let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    private static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

    private static let contentTypes = xmlDeclaration
        + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        + "</Types>"

    private static let packageRelationships = xmlDeclaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipTypes)officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    private static let workbookRelationships = xmlDeclaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipTypes)worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"\(relationshipTypes)styles\" Target=\"styles.xml\"/>"
        + "<Relationship Id=\"rId3\" Type=\"\(relationshipTypes)sharedStrings\" Target=\"sharedStrings.xml\"/>"
        + "</Relationships>"

    private static func workbookXML(sheetName: String) -> String {
        xmlDeclaration
            + "<workbook xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationshipsNamespace)\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews>"
            + "<sheets><sheet name=\"\(escapeXML(sheetName))\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
            + "</workbook>"
    }

    /// Fonts 0 (regular) and 1 (bold, the header); cell styles in ``Style`` order: plain,
    /// header, money (built-in format 4, `#,##0.00`), date (custom format 164, `yyyy-mm-dd`).
    private static let styles = xmlDeclaration
        + "<styleSheet xmlns=\"\(mainNamespace)\">"
        + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts>"
        + "<fonts count=\"2\">"
        + "<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "</fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"4\">"
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        + "<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "</cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"
}
