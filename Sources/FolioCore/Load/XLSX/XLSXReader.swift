import Foundation

/// Reads Excel workbooks (.xlsx): the sheet names, and one sheet's cells typed as stored.
///
/// ```swift
/// let bytes = Array(try Data(contentsOf: url))
/// let names = try XLSXReader.sheetNames(bytes)          // ["Accounts", "Notes"]
/// let sheet = try XLSXReader.read(bytes, sheet: "Accounts")
/// for row in sheet.rows { print(row.number, row.cells) }
/// ```
///
/// A workbook is a ZIP archive (``XLSXPackage``: a checked walk of its directory, ZIPFoundation
/// inflating) of XML parts that Foundation's `XMLParser` streams through small value-typed
/// handlers: `_rels/.rels` names the workbook part, which lists the sheets and, through its
/// relationships, their parts, the shared strings and the styles (which say which cells are
/// dates). Anything damaged throws ``XLSXError``; nothing in a file can trap.
public enum XLSXReader {
    /// The names of the workbook's sheets, in the order Excel shows their tabs.
    public static func sheetNames(_ bytes: [UInt8]) throws(XLSXError) -> [String] {
        try XLSXWorkbook(XLSXPackage(bytes)).sheets.map(\.name)
    }

    /// The named sheet, or the first sheet (in workbook order) when `sheet` is nil.
    ///
    /// The name must match exactly; a missing one throws an error listing the names there are.
    /// With no name, chart sheets (which hold no cells) are passed over.
    public static func read(_ bytes: [UInt8], sheet: String?) throws(XLSXError) -> XLSXSheet {
        let workbook = try XLSXWorkbook(XLSXPackage(bytes))
        let chosen = try workbook.sheet(named: sheet)
        let handler = SheetHandler(
            sheetName: chosen.name, strings: try sharedStrings(workbook), dateStyles: try dateStyles(workbook),
            dateSystem: workbook.dateSystem)
        var parsed = try parse(chosen, in: workbook, with: handler)
        return XLSXSheet(name: chosen.name, rows: parsed.paddedRows())
    }

    /// The sheet's part run through `handler`; the part's bytes are gone when this returns,
    /// which matters because the XML of a sheet is several times the size of its cells.
    private static func parse(
        _ sheet: XLSXWorkbook.Sheet, in workbook: XLSXWorkbook, with handler: SheetHandler
    ) throws(XLSXError) -> SheetHandler {
        guard let path = sheet.part, let data = try workbook.package.part(path) else {
            let part = sheet.part.map { " (\($0))" } ?? ""
            throw XLSXError("the workbook lists sheet \"\(sheet.name)\" but its part\(part) is missing: the file is damaged")
        }
        return try XMLPart.parse(data, part: path, with: handler)
    }

    private static func sharedStrings(_ workbook: XLSXWorkbook) throws(XLSXError) -> [String] {
        guard let path = workbook.sharedStringsPart, let data = try workbook.package.part(path) else { return [] }
        return try XMLPart.parse(data, part: path, with: SharedStringsHandler()).strings
    }

    private static func dateStyles(_ workbook: XLSXWorkbook) throws(XLSXError) -> [Bool] {
        guard let path = workbook.stylesPart, let data = try workbook.package.part(path) else { return [] }
        return try XMLPart.parse(data, part: path, with: StylesHandler()).dateStyles
    }
}
