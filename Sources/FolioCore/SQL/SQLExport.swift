import CSafety
import Foundation

/// The loaded portfolio as a database for a dialect (SPEC §8): a CSV file per entity and per
/// list field (``TableCSV``), and `schema.sql`, which, run from the folder, creates the
/// tables with their keys and indexes, loads the files and records folio's schema in the
/// table `folio_schema` (itself loaded from `folio_schema.csv`): every field with its type,
/// picklist values in order and relationship, so that `folio --engine` can check queries
/// there. `folio_meta` holds the data's `as_of` and fiscal year start.
public struct SQLExport {
    public let store: Store
    public let dialect: SQLDialectName

    public init(store: Store, dialect: SQLDialectName) {
        self.store = store
        self.dialect = dialect
    }

    /// Every table to write: entities in schema order, each followed by its list fields'.
    public var tables: [TableCSV] {
        var out: [TableCSV] = []
        for t in store.tables {
            out.append(TableCSV.entity(t, in: store))
            for (i, f) in t.def.fields.enumerated() where f.type == .stringList { out.append(TableCSV.list(t, field: i)) }
        }
        return out
    }

    /// `folio_schema`: a row per field.
    public var schemaTable: (header: [String], rows: [[String?]]) {
        var rows: [[String?]] = []
        for t in store.tables {
            for (i, f) in t.def.fields.enumerated() {
                let picklist = t.enumDomain(i).map { d in "[" + d.labels.map(JSON.quote).joined(separator: ",") + "]" }
                rows.append([t.name, String(i), f.name, f.type.configName, picklist, f.reference?.target, f.reference?.name, f.reference?.inverse, f.isCustom ? "true" : "false"])
            }
        }
        return (["entity", "position", "field", "type", "picklist", "target", "relationship", "inverse", "custom"], rows)
    }

    /// `folio_meta`: the data's settings.
    public var metaTable: (header: [String], rows: [[String?]]) {
        var rows: [[String?]] = [["fiscal_year_start", String(store.fiscalYearStart)], ["folio_layout", "1"],
                                 ["entities", store.tables.map(\.name).joined(separator: ",")]]
        if let asOf = store.asOf { rows.append(["as_of", Day.format(asOf)]) }
        return (["key", "value"], rows)
    }

    public static func fieldType(_ name: String) -> FieldType? {
        switch name {
        case "string": .string
        case "int": .int
        case "money": .money
        case "decimal": .decimal
        case "date": .date
        case "bool": .bool
        case "enum": .enumeration
        case "list": .stringList
        default: nil
        }
    }

    // MARK: - DDL

    /// A table's columns as (name, SQL type).
    func columns(of table: TableCSV) -> [(String, String)] {
        let d = dialect.dialect
        if table.name == "folio_schema" || table.name == "folio_meta" || table.header == ["id", "value", "ord"] {
            return table.header.map { ($0, $0 == "ord" || $0 == "position" ? d.columnType(.int) : d.columnType(.string)) }
        }
        guard let t = store.table(table.name) else { return [] }
        var out = [(SQLNames.row, d.columnType(.int))]
        for f in t.def.fields where f.type != .stringList { out.append((f.name, d.columnType(f.type))) }
        return out
    }

    /// `CREATE TABLE` with its key, for the dialect.
    func createTable(_ name: String, _ columns: [(String, String)], key: String?) -> String {
        let d = dialect.dialect
        var lines = columns.map { "  " + d.identifier($0.0) + " " + $0.1 + ($0.0 == SQLNames.row ? " NOT NULL" : "") }
        if let key, dialect != .spark { lines.append("  PRIMARY KEY (\(d.identifier(key)))") }
        var sql = "CREATE TABLE \(d.identifier(name)) (\n" + lines.joined(separator: ",\n") + "\n)"
        if dialect == .spark {
            // Spark reads the CSV file where it lies: a table over the file.
            sql += " USING csv OPTIONS (path '\(name).csv', header 'true', multiLine 'true', escape '\"', mode 'FAILFAST')"
        }
        return sql + ";"
    }

    /// The indexes: foreign keys, list tables by row, and date and picklist fields (filtered
    /// and sorted on); none in Spark, which has none.
    func indexes() -> [String] {
        guard dialect != .spark else { return [] }
        let d = dialect.dialect
        var out: [String] = []
        for t in store.tables {
            // Text compares without regard to case (`lower(id) = lower('A1')`): ids and
            // names are looked up through their folded form.
            if dialect == .postgres || dialect == .sqlite {
                for f in t.def.fields.prefix(1) + t.def.fields.filter({ $0.name == "name" || $0.name == "email" }) where f.type == .string {
                    out.append("CREATE INDEX \(d.identifier(t.name + "_" + f.name + "_folded")) ON \(d.identifier(t.name)) (lower(\(d.identifier(f.name))));")
                }
            }
            for f in t.def.fields {
                switch f.type {
                case .stringList:
                    let table = SQLNames.listTable(t.name, f.name)
                    out.append("CREATE INDEX \(d.identifier(table + "_id")) ON \(d.identifier(table)) (id, ord);")
                case .date, .enumeration:
                    out.append("CREATE INDEX \(d.identifier(t.name + "_" + f.name)) ON \(d.identifier(t.name)) (\(d.identifier(f.name)));")
                default:
                    if f.reference != nil {
                        out.append("CREATE INDEX \(d.identifier(t.name + "_" + f.name)) ON \(d.identifier(t.name)) (\(d.identifier(f.name)));")
                    }
                }
            }
        }
        return out
    }

    /// The statement that loads `table` from its CSV file beside `schema.sql`.
    func load(_ table: TableCSV, columns: [(String, String)]) -> [String] {
        let d = dialect.dialect
        let name = d.identifier(table.name)
        switch dialect {
        case .postgres:
            return ["\\copy \(name) FROM '\(table.name).csv' WITH (FORMAT csv, HEADER true)"]
        case .duckdb:
            return ["COPY \(name) FROM '\(table.name).csv' (FORMAT csv, HEADER true, QUOTE '\"', ESCAPE '\"');"]
        case .sqlite:
            // .import reads every field as text, empty ones as '': make them null, and
            // booleans 1 and 0.
            var out = [".import --csv --skip 1 '\(table.name).csv' \(name)"]
            var sets: [String] = []
            let t = store.table(table.name)
            for (c, _) in columns where c != SQLNames.row {
                let col = d.identifier(c)
                if let f = t?.def.fields.first(where: { $0.name == c }), f.type == .bool {
                    sets.append("\(col) = CASE \(col) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END")
                } else {
                    sets.append("\(col) = NULLIF(\(col), '')")
                }
            }
            if !sets.isEmpty { out.append("UPDATE \(name) SET " + sets.joined(separator: ", ") + ";") }
            return out
        case .spark:
            return []
        }
    }

    /// Every table with its key: the entities and list tables, then folio_schema and folio_meta.
    var allTables: [(TableCSV, key: String?)] {
        var all: [(TableCSV, key: String?)] = tables.map { t in (t, store.table(t.name).map { $0.def.fields[0].name }) }
        let schema = schemaTable, meta = metaTable
        all.append((TableCSV.rows("folio_schema", header: schema.header, schema.rows), nil))
        all.append((TableCSV.rows("folio_meta", header: meta.header, meta.rows), nil))
        return all
    }

    /// What `folio push` does: each table's CREATE TABLE and its rows, then the indexes.
    public var pushPlan: (tables: [(table: TableCSV, create: String)], indexes: [String]) {
        (allTables.map { t in (t.0, createTable(t.0.name, columns(of: t.0), key: t.key)) }, indexes())
    }

    /// The whole of `schema.sql`.
    public func schemaSQL() -> String {
        let d = dialect.dialect
        var out: [String] = ["-- folio export: the portfolio as a \(dialect.rawValue) database.",
                             "-- Run from this folder: \(Self.howToRun(dialect)).", ""]
        let all = allTables
        if dialect == .postgres || dialect == .duckdb || dialect == .sqlite { out.append("BEGIN;") }
        for (t, _) in all.reversed() {
            out.append("DROP TABLE IF EXISTS \(d.identifier(t.name))\(dialect == .postgres ? " CASCADE" : "");")
        }
        for (t, key) in all {
            let cols = columns(of: t)
            out.append("")
            out.append(createTable(t.name, cols, key: key))
            out.append(contentsOf: load(t, columns: cols))
        }
        let idx = indexes()
        if !idx.isEmpty {
            out.append("")
            out.append(contentsOf: idx)
        }
        if dialect == .postgres || dialect == .duckdb || dialect == .sqlite { out.append("COMMIT;") }
        if dialect == .postgres || dialect == .duckdb { out.append("ANALYZE;") }
        return out.joined(separator: "\n") + "\n"
    }

    public static func howToRun(_ dialect: SQLDialectName) -> String {
        switch dialect {
        case .postgres: "psql -f schema.sql"
        case .sqlite: "sqlite3 portfolio.db < schema.sql"
        case .duckdb: "duckdb portfolio.duckdb < schema.sql (or .read schema.sql)"
        case .spark: "spark-sql -f schema.sql"
        }
    }

    // MARK: - Writing

    public struct Report: Sendable {
        public var tables: [(name: String, rows: Int)]
        public var bytes: Int
        public var milliseconds: Double
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// Writes every file into a new folder beside `directory`, then puts it in its place:
    /// a failure leaves no half-written export. An existing non-empty `directory` is
    /// replaced only with `force`.
    public func write(to directory: String, force: Bool, progress: ((String, Int, Int) -> Void)? = nil) throws(Failure) -> Report {
        let started = DispatchTime.now().uptimeNanoseconds
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw Failure(message: "'\(directory)' is a file, not a folder") }
            let entries = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
            if !entries.isEmpty, !force { throw Failure(message: "'\(directory)' already exists and is not empty (--force replaces it)") }
        }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).folio-export-\(getpid())")
        try? fm.removeItem(at: staging)
        // Known to the signal handlers until in place: SIGTERM leaves no half-written export.
        var slots = [folio_temporary_begin(staging.path)]
        defer { for slot in slots { folio_temporary_done(slot) } }
        func staged(_ name: String) -> URL {
            let url = staging.appendingPathComponent(name)
            slots.append(folio_temporary_begin(url.path))
            return url
        }
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "cannot create '\(staging.path)': \(Self.reason(error))")
        }
        var report = Report(tables: [], bytes: 0, milliseconds: 0)
        do throws(Failure) {
            for table in tables {
                let n = try writeFile(staged(table.name + ".csv"), table, progress: progress)
                report.bytes += n
                report.tables.append((table.name, table.rowCount))
            }
            for (table, _) in allTables.suffix(2) {
                report.bytes += try writeFile(staged(table.name + ".csv"), table, progress: nil)
            }
            report.bytes += try writeBytes(staged("schema.sql"), Array(schemaSQL().utf8))
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        // In place: the old folder moves aside, the new one takes its name, the old one goes.
        let aside = parent.appendingPathComponent(".\(target.lastPathComponent).folio-old-\(getpid())")
        let hadOld = fm.fileExists(atPath: target.path)
        if hadOld {
            guard rename(target.path, aside.path) == 0 else {
                let e = String(cString: strerror(errno))
                try? fm.removeItem(at: staging)
                throw Failure(message: "cannot replace '\(directory)': \(e)")
            }
        }
        guard rename(staging.path, target.path) == 0 else {
            let e = String(cString: strerror(errno))
            if hadOld { _ = rename(aside.path, target.path) }
            try? fm.removeItem(at: staging)
            throw Failure(message: "cannot write '\(directory)': \(e)")
        }
        if hadOld { try? fm.removeItem(at: aside) }
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return report
    }

    func writeFile(_ url: URL, _ table: TableCSV, progress: ((String, Int, Int) -> Void)?) throws(Failure) -> Int {
        guard let file = fopen(url.path, "wb") else { throw Failure(message: "cannot write '\(url.path)': \(String(cString: strerror(errno)))") }
        var total = 0
        func put(_ bytes: [UInt8]) throws(Failure) {
            let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            if n != bytes.count {
                let e = String(cString: strerror(errno))
                fclose(file)
                throw Failure(message: "cannot write '\(url.path)': \(e)")
            }
            total += n
        }
        try put(table.headerLine)
        var done = 0
        for chunk in table.chunks() {
            try put(table.lines(chunk))
            done += chunk.count
            progress?(table.name, done, table.rowCount)
        }
        if fflush(file) != 0 || fclose(file) != 0 {
            throw Failure(message: "cannot write '\(url.path)': \(String(cString: strerror(errno)))")
        }
        return total
    }

    func writeBytes(_ url: URL, _ bytes: [UInt8]) throws(Failure) -> Int {
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw Failure(message: "cannot write '\(url.path)': \(Self.reason(error))")
        }
        return bytes.count
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? CocoaError, let u = e.underlying as? POSIXError { return String(cString: strerror(u.code.rawValue)) }
        return (error as NSError).localizedDescription
    }
}
