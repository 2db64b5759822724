/// Reads `xl/styles.xml` into what the sheet reader needs of it: which cell styles are dates.
///
/// A cell's `s` attribute indexes `<cellXfs>`; each of those `<xf>` names a number format,
/// built in (`numFmtId` below 164, most of them) or declared in `<numFmts>` with its code.
struct StylesHandler: XMLPartHandler {
    private var codes: [Int: String] = [:]
    private var formatIDs: [Int] = []
    private var inCellFormats = false

    /// For each cell style, in `<cellXfs>` order, whether its number format is a date.
    var dateStyles: [Bool] {
        formatIDs.map { XLSXNumberFormat.isDate(id: $0, code: codes[$0]) }
    }

    mutating func start(_ name: String, _ attributes: [String: String]) throws(XLSXError) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                codes[id] = code
            }
        case "cellXfs":
            inCellFormats = true
        case "xf" where inCellFormats:
            formatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default:
            break
        }
    }

    mutating func characters(_ text: String) {}

    mutating func end(_ name: String) throws(XLSXError) {
        if name == "cellXfs" { inCellFormats = false }
    }
}
