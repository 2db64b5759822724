import Foundation

/// One data file of a folder that `folio init` has never seen, read as text: its header and
/// each column's cells, exactly as the loader will see them (a workbook made CSV first).
///
/// A file up to ``SourceTable/wholeFileBytes`` is read whole; of a larger one, the records
/// in its first ``SourceTable/wholeFileBytes`` are a sample (`isSample`): enough to tell
/// types, formats and keys, though a key that is unique in the sample may not be in the file.
struct SourceTable: Sendable {
    var file: String
    var headers: [String]
    /// Column-major cells: `cells[column][row]`, untrimmed as the loader keeps strings.
    var cells: [[String]]
    var rowCount: Int
    var isSample = false
    /// Records whose number of fields differs from the header's (a strict load stops at them).
    var raggedRows = 0
    /// JSONL members given as arrays (lists).
    var arrayColumns: Set<Int> = []

    static let wholeFileBytes = 50 << 20

    /// The file name without its extension.
    var baseName: String {
        guard let dot = file.lastIndex(of: ".") else { return file }
        return String(file[..<dot])
    }

    /// Reads a folder's data files (CSV, JSONL, XLSX), in name order, with their bytes (to load
    /// them with the proposal); other files are not data, and a folio.json there is not read.
    static func readFolder(_ directory: String) throws(LoadError) -> (tables: [SourceTable], bytes: [String: [UInt8]]) {
        let source = DataSource.directory(directory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw LoadError(file: directory, kind: "missing directory", message: "no such data directory")
        }
        var tables: [SourceTable] = []
        var bytes: [String: [UInt8]] = [:]
        for name in source.list() where !name.hasPrefix(".") && name != "folio.json" {
            guard let format = DataFile.format(of: name) else { continue }
            let b = try source.read(name)
            tables.append(try read(name, format: format, bytes: b, path: source.path(name)))
            bytes[name] = b
        }
        return (tables, bytes)
    }

    /// One file's table, whatever its format.
    static func read(_ name: String, format: DataFile.Format, bytes: [UInt8], path: String) throws(LoadError) -> SourceTable {
        switch format {
        case .csv: return try readCSV(name, bytes, path: path)
        case .jsonl: return try readJSONLines(name, bytes, path: path)
        case .xlsx:
            let csv: [UInt8]
            do throws(XLSXError) {
                csv = try WorkbookCSV.make(bytes, sheet: nil).bytes
            } catch {
                throw LoadError(file: path, kind: "bad workbook", message: error.description)
            }
            return try readCSV(name, csv, path: path)
        }
    }

    /// A CSV file (or a workbook made CSV): the header row, then a cell per column of each record.
    static func readCSV(_ name: String, _ bytes: [UInt8], path: String) throws(LoadError) -> SourceTable {
        try bytes.withUnsafeBufferPointer { (buf) throws(LoadError) -> SourceTable in
            var reader = CSVReader(bytes: buf)
            var table = SourceTable(file: name, headers: [], cells: [], rowCount: 0)
            do throws(CSVReader.Problem) {
                guard try reader.next() else { return table }
                table.headers = (0..<reader.fieldCount).map { String(decoding: reader.field($0), as: UTF8.self) }
                table.cells = table.headers.map { _ in [] }
                while reader.position < min(buf.count, wholeFileBytes), try reader.next() {
                    if reader.fieldCount != table.headers.count { table.raggedRows += 1 }
                    for c in table.headers.indices {
                        table.cells[c].append(c < reader.fieldCount ? String(decoding: reader.field(c), as: UTF8.self) : "")
                    }
                    table.rowCount += 1
                }
                table.isSample = reader.position < buf.count && buf.count > wholeFileBytes
            } catch {
                throw Loader.csvProblem(error, path, buf, lineOffset: 0)
            }
            return table
        }
    }

    /// A JSONL file: a column per key, in order of first appearance; arrays joined with `;`.
    static func readJSONLines(_ name: String, _ bytes: [UInt8], path: String) throws(LoadError) -> SourceTable {
        try bytes.withUnsafeBufferPointer { (buf) throws(LoadError) -> SourceTable in
            var reader = JSONLineReader(bytes: buf)
            var table = SourceTable(file: name, headers: [], cells: [], rowCount: 0)
            var index: [String: Int] = [:]
            do throws(JSONLineReader.Problem) {
                while reader.position < min(buf.count, wholeFileBytes), try reader.next() {
                    for (k, key) in reader.keys.enumerated() {
                        let header = String(decoding: key, as: UTF8.self)
                        let c: Int
                        if let known = index[header] {
                            c = known
                        } else {
                            c = table.headers.count
                            index[header] = c
                            table.headers.append(header)
                            table.cells.append([String](repeating: "", count: table.rowCount))
                        }
                        if reader.isArray[k] {
                            table.arrayColumns.insert(c)
                            table.cells[c].append(reader.items[k].map { String(decoding: $0, as: UTF8.self) }.joined(separator: ";"))
                        } else {
                            table.cells[c].append(String(decoding: reader.values[k], as: UTF8.self))
                        }
                    }
                    table.rowCount += 1
                    for c in table.cells.indices where table.cells[c].count < table.rowCount { table.cells[c].append("") }
                }
                table.isSample = reader.position < buf.count && buf.count > wholeFileBytes
            } catch {
                let (line, column) = Loader.lineAndColumn(of: error.offset, in: buf)
                throw LoadError(file: path, line: line, column: column, kind: "bad JSON", message: error.message)
            }
            return table
        }
    }
}
