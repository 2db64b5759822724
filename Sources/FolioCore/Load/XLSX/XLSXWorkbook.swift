import Foundation

/// A workbook's index: its sheets in order, where their parts are, and its date system.
///
/// Built from `_rels/.rels` (which part is the workbook), the workbook part and its
/// relationships; the sheets themselves are read only when asked for.
struct XLSXWorkbook {
    /// One entry of `<sheets>`: the name Excel shows and the part holding its cells.
    struct Sheet {
        var name: String
        /// nil when the workbook names a relationship its `.rels` part does not have.
        var part: String?
        /// False for chart sheets and dialog sheets, which have no cells.
        var isWorksheet: Bool
    }

    let package: XLSXPackage
    let sheets: [Sheet]
    let dateSystem: XLSXDateSystem
    let sharedStringsPart: String?
    let stylesPart: String?

    init(_ package: XLSXPackage) throws(XLSXError) {
        self.package = package
        let workbookPart = try Self.workbookPart(package)
        guard let data = try package.part(workbookPart) else {
            throw XLSXError("not an .xlsx workbook: the archive has no \(workbookPart)")
        }
        let workbook = try XMLPart.parse(data, part: workbookPart, with: WorkbookHandler())
        let relationships = try Self.relationships(of: workbookPart, in: package)
        var byID: [String: XLSXRelationship] = [:]
        for r in relationships where byID[r.id] == nil { byID[r.id] = r }
        sheets = workbook.sheets.map { entry in
            let r = entry.relationship.flatMap { byID[$0] }
            // A sheet whose relationship lacks a type is taken for a worksheet: the part decides.
            let isWorksheet = r.map { $0.kind == "worksheet" || $0.kind.isEmpty } ?? true
            return Sheet(name: entry.name, part: r.map(\.target), isWorksheet: isWorksheet)
        }
        dateSystem = workbook.uses1904 ? .from1904 : .from1900
        sharedStringsPart = Self.part(ofKind: "sharedStrings", in: relationships, fallback: "xl/sharedStrings.xml", package)
        stylesPart = Self.part(ofKind: "styles", in: relationships, fallback: "xl/styles.xml", package)
    }

    /// The sheet called `name` (exactly), or the first worksheet when `name` is nil.
    func sheet(named name: String?) throws(XLSXError) -> Sheet {
        guard let name else {
            guard let first = sheets.first(where: \.isWorksheet) else {
                throw XLSXError("the workbook has no worksheets")
            }
            return first
        }
        guard let sheet = sheets.first(where: { $0.name == name }) else {
            let available = sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw XLSXError("the workbook has no sheet named \"\(name)\"; its sheets are \(available.isEmpty ? "none" : available)")
        }
        guard sheet.isWorksheet else {
            throw XLSXError("sheet \"\(name)\" is a chart or dialog sheet, which holds no cells")
        }
        return sheet
    }

    // MARK: - Finding parts

    /// The workbook part, as the package relationships name it (`xl/workbook.xml` by convention).
    private static func workbookPart(_ package: XLSXPackage) throws(XLSXError) -> String {
        let relationships = try relationships(of: "", in: package)
        if let r = relationships.first(where: { $0.kind == "officeDocument" }), package.contains(r.target) {
            return r.target
        }
        return "xl/workbook.xml"
    }

    private static func part(
        ofKind kind: String, in relationships: [XLSXRelationship], fallback: String, _ package: XLSXPackage
    ) -> String? {
        let path = relationships.first { $0.kind == kind }?.target ?? fallback
        return package.contains(path) ? path : nil
    }

    /// The relationships of `part` (the package's own when `part` is empty); none when it has no `.rels`.
    private static func relationships(of part: String, in package: XLSXPackage) throws(XLSXError) -> [XLSXRelationship] {
        let path = XLSXPackage.relationshipsPath(of: part)
        guard let data = try package.part(path) else { return [] }
        return try XMLPart.parse(data, part: path, with: RelationshipsHandler(source: part)).relationships
    }
}

/// A link from one part to another: `rId3` → `xl/worksheets/sheet3.xml`, of kind `worksheet`.
struct XLSXRelationship {
    var id: String
    /// The last segment of the type URI (`worksheet`, `styles`), the same in the
    /// transitional and strict namespaces.
    var kind: String
    /// The part's path in the package, resolved from the relationship's target.
    var target: String
}

/// Reads a `.rels` part.
struct RelationshipsHandler: XMLPartHandler {
    let source: String
    private(set) var relationships: [XLSXRelationship] = []

    init(source: String) { self.source = source }

    mutating func start(_ name: String, _ attributes: [String: String]) throws(XLSXError) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"],
              attributes["TargetMode"] != "External" else { return }
        let kind = attributes["Type"].flatMap { $0.split(separator: "/").last.map(String.init) } ?? ""
        relationships.append(XLSXRelationship(id: id, kind: kind, target: XLSXPackage.resolve(target, from: source)))
    }

    mutating func characters(_ text: String) {}
    mutating func end(_ name: String) throws(XLSXError) {}
}

/// Reads `xl/workbook.xml`: the sheet list and the date system.
struct WorkbookHandler: XMLPartHandler {
    private(set) var sheets: [(name: String, relationship: String?)] = []
    private(set) var uses1904 = false

    mutating func start(_ name: String, _ attributes: [String: String]) throws(XLSXError) {
        switch name {
        case "sheet":
            guard let sheetName = attributes["name"] else {
                throw XLSXError("xl/workbook.xml lists a sheet without a name: the file is damaged")
            }
            // The relationship attribute is `r:id` by convention, but any prefix may be bound
            // to the relationships namespace.
            let relationship = attributes["r:id"] ?? attributes.first { $0.key.hasSuffix(":id") }?.value
            sheets.append((sheetName, relationship))
        case "workbookPr":
            let flag = attributes["date1904"]?.lowercased()
            uses1904 = flag == "1" || flag == "true"
        default:
            break
        }
    }

    mutating func characters(_ text: String) {}
    mutating func end(_ name: String) throws(XLSXError) {}
}
