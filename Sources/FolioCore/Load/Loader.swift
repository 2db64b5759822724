import Foundation

/// Where data comes from: a directory of files, or files held in memory (the built-in demo).
public struct DataSource: Sendable {
    /// Display prefix for file names in messages (the directory, or empty).
    public var directory: String?
    public var files: [String: [UInt8]]?

    public static func directory(_ path: String) -> DataSource { DataSource(directory: path, files: nil) }
    public static func memory(_ files: [String: [UInt8]]) -> DataSource { DataSource(directory: nil, files: files) }

    func path(_ name: String) -> String {
        guard let directory else { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    func exists(_ name: String) -> Bool {
        if let files { return files[name] != nil }
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path(name), isDirectory: &isDir) && !isDir.boolValue
    }

    func read(_ name: String) throws(LoadError) -> [UInt8] {
        if let files {
            guard let b = files[name] else { throw LoadError(file: name, kind: "missing file", message: "no such file") }
            return b
        }
        let p = path(name)
        let fd = open(p, O_RDONLY)
        guard fd >= 0 else {
            throw LoadError(file: p, kind: "unreadable file", message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw LoadError(file: p, kind: "unreadable file", message: "cannot read: \(String(cString: strerror(errno)))")
        }
        let size = Int(st.st_size)
        var failed: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            var done = 0
            while done < size {
                guard let base = buf.baseAddress else { break }
                let r = Glibc.read(fd, base + done, size - done)
                if r < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    break
                }
                if r == 0 { break }
                done += r
            }
            count = done
        }
        if failed != 0 {
            throw LoadError(file: p, kind: "unreadable file", message: "cannot read: \(String(cString: strerror(failed)))")
        }
        return bytes
    }
}

/// What a load did: rows per entity, how long, what `--lenient` skipped.
public struct LoadReport: Sendable {
    public var rows: [(entity: String, count: Int)] = []
    public var milliseconds: Double = 0
    public var skipped = SkipReport()
    public var totalRows: Int { rows.reduce(0) { $0 + $1.count } }
}

/// Reads data files into a ``Store`` (SPEC §3): CSV or JSONL per entity, header matching,
/// typed conversion, custom fields, id indexes and resolved relationships.
public enum Loader {
    public static func load(_ source: DataSource, schema: Schema = .standard, lenient: Bool = false) throws(LoadError) -> (Store, LoadReport) {
        let started = DispatchTime.now().uptimeNanoseconds
        var config = DataConfig()
        if source.exists("folio.json") {
            config = try DataConfig.parse(try source.read("folio.json"), file: source.path("folio.json"))
        }
        // Which file holds each entity.
        var plans: [(def: EntityDef, file: String?, jsonl: Bool)] = []
        for def in schema.entities {
            let csv = def.name + ".csv", jsonl = def.name + ".jsonl"
            let hasCSV = source.exists(csv), hasJSONL = source.exists(jsonl)
            if hasCSV && hasJSONL {
                throw LoadError(file: source.path(csv), kind: "ambiguous file", message: "both \(csv) and \(jsonl) exist; keep one")
            }
            plans.append((def, hasCSV ? csv : (hasJSONL ? jsonl : nil), hasJSONL && !hasCSV))
        }
        if let dir = source.directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw LoadError(file: dir, kind: "missing directory", message: "no such data directory")
            }
            if plans.allSatisfy({ $0.file == nil }) {
                throw LoadError(file: dir, kind: "missing data", message: "no data files here (expected accounts.csv, contacts.csv, … or .jsonl)")
            }
        }

        // Parse every entity file, two at a time.
        let entityPlans = plans
        let results = ResultSlots<Result<ParsedEntity, LoadError>>(count: entityPlans.count)
        DispatchQueue.concurrentPerform(iterations: entityPlans.count) { i in
            let plan = entityPlans[i]
            let r: Result<ParsedEntity, LoadError>
            do throws(LoadError) {
                r = .success(try parseEntity(plan.def, file: plan.file, jsonl: plan.jsonl, source: source, lenient: lenient))
            } catch {
                r = .failure(error)
            }
            results.set(i, r)
        }
        var parsed: [ParsedEntity] = []
        for r in results.values {
            switch r {
            case .success(let p): parsed.append(p)
            case .failure(let e): throw e
            case .none: preconditionFailure("an entity load produced no result")
            }
        }

        var report = LoadReport()
        for p in parsed { report.skipped.merge(p.skipped) }
        try resolveReferences(&parsed, schema: schema, source: source, lenient: lenient, skipped: &report.skipped)

        // Build the tables with their to-many relationships.
        var tables: [EntityTable] = []
        for p in parsed {
            var collections: [String: CSR] = [:]
            for child in parsed {
                for (i, f) in child.def.fields.enumerated() {
                    if let r = f.reference, r.target == p.def.name, let links = child.links[i] {
                        collections[r.inverse.lowercased()] = CSR(links: links, parentCount: p.rowCount)
                    }
                }
            }
            tables.append(EntityTable(def: p.def, rowCount: p.rowCount, columns: p.columns, idIndex: p.idIndex, links: p.links, collections: collections))
            report.rows.append((p.def.name, p.rowCount))
        }
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return (Store(schema: Schema(entities: tables.map(\.def)), tables: tables, asOf: config.asOf, fiscalYearStart: config.fiscalYearStart), report)
    }

    // MARK: - One entity

    struct ParsedEntity: Sendable {
        var def: EntityDef
        var file: String?
        var jsonl: Bool
        var columns: [Column]
        var rowCount: Int
        var idIndex: ByteHashIndex
        /// The line each row came from, for messages about it after parsing.
        var lines: [Int32]
        var links: [Int: [Int32]] = [:]
        var skipped: SkipReport
    }

    static func parseEntity(_ declared: EntityDef, file: String?, jsonl: Bool, source: DataSource, lenient: Bool) throws(LoadError) -> ParsedEntity {
        var def = declared
        var builders = declared.fields.map { ColumnBuilder(field: $0, entity: declared.name) }
        var lines: [Int32] = []
        var idIndex = ByteHashIndex()
        var skipped = SkipReport()
        guard let file else {
            return ParsedEntity(def: def, file: nil, jsonl: false, columns: builders.map { $0.finish() }, rowCount: 0, idIndex: idIndex, lines: [], skipped: skipped)
        }
        let path = source.path(file)
        let bytes = try source.read(file)
        try bytes.withUnsafeBufferPointer { (buf) throws(LoadError) in
            if let bad = firstInvalidUTF8(buf) {
                let (line, col) = lineAndColumn(of: bad, in: buf)
                throw LoadError(file: path, line: line, column: col, kind: "invalid UTF-8", message: "invalid UTF-8 byte 0x\(String(buf[bad], radix: 16, uppercase: true))")
            }
            let estimate = max(16, buf.count / 120)
            idIndex = ByteHashIndex(capacity: estimate)

            /// Stages the row's cells, checks its id, and commits it or reports the problem.
            func finishRow(problem: LoadError?, line: Int, idColumn: () -> Int) throws(LoadError) {
                var problem = problem
                if problem == nil {
                    let idBuilder = builders[0]
                    let id = idBuilder.stagedID
                    if id.isEmpty {
                        problem = LoadError(file: path, line: line, column: idColumn(), kind: "missing id", message: "the row has no id")
                    } else if let first = idIndex.lookup(id, in: idBuilder.strings) {
                        problem = LoadError(file: path, line: line, column: idColumn(), kind: "duplicate id",
                                            message: "duplicate id \(CellParse.quote(id)) (first on line \(lines[Int(first)]))")
                    }
                }
                if let problem {
                    if lenient {
                        skipped.add(problem)
                        return
                    }
                    throw problem
                }
                for b in builders { b.commit() }
                idIndex.insert(row: lines.count, in: builders[0].strings)
                lines.append(Int32(clamping: line))
            }

            if jsonl {
                var reader = JSONLineReader(bytes: buf)
                var byKey: [String: Int] = [:]
                for (i, b) in builders.enumerated() { byKey[normalizeHeader(b.field.name)] = i }
                while true {
                    let more: Bool
                    do throws(JSONLineReader.Problem) { more = try reader.next() } catch {
                        let (line, col) = lineAndColumn(of: error.offset, in: buf)
                        let e = LoadError(file: path, line: line, column: col, kind: "bad JSON", message: error.message)
                        if lenient {
                            skipped.add(e)
                            // Resume at the next line.
                            if !reader.skipLine() { break }
                            continue
                        }
                        throw e
                    }
                    if !more { break }
                    for b in builders { b.stageNull() }
                    var problem: LoadError?
                    for k in 0..<reader.keys.count {
                        let name = normalizeHeader(String(decoding: reader.keys[k], as: UTF8.self))
                        var index = byKey[name]
                        if index == nil {
                            // A custom field first seen on this line: earlier rows are null.
                            let custom = ColumnBuilder(field: FieldDef(String(decoding: reader.keys[k], as: UTF8.self), .string, isCustom: true), entity: def.name)
                            for _ in 0..<lines.count {
                                custom.stageNull()
                                custom.commit()
                            }
                            builders.append(custom)
                            def.fields.append(custom.field)
                            index = builders.count - 1
                            byKey[name] = index
                        }
                        guard let bi = index else { continue }
                        let b = builders[bi]
                        if reader.isArray[k] {
                            if b.field.type == .stringList {
                                b.stageItems(reader.items[k])
                            } else if problem == nil {
                                problem = LoadError(file: path, line: reader.line, column: 1, kind: "wrong type",
                                                    message: "'\(b.field.name)' is \(b.field.type), not a list")
                            }
                        } else if let message = b.stage(reader.values[k]), problem == nil {
                            problem = LoadError(file: path, line: reader.line, column: 1, kind: kindOf(b.field.type), message: message)
                        }
                    }
                    try finishRow(problem: problem, line: reader.line, idColumn: { 1 })
                }
            } else {
                var reader = CSVReader(bytes: buf)
                let hasHeader: Bool
                do throws(CSVReader.Problem) { hasHeader = try reader.next() } catch { throw csvProblem(error, path, buf) }
                guard hasHeader else {
                    throw LoadError(file: path, line: 1, column: 1, kind: "empty file", message: "the file is empty (expected a header row)")
                }
                let headerCount = reader.fieldCount
                var seen: [String: Int] = [:]
                for h in 0..<headerCount {
                    let raw = String(decoding: CellParse.trimmed(reader.field(h)), as: UTF8.self)
                    let name = normalizeHeader(raw)
                    if let first = seen[name] {
                        throw LoadError(file: path, line: 1, column: reader.column(ofField: h), kind: "bad header",
                                        message: "column '\(raw)' repeats column \(first + 1)")
                    }
                    seen[name] = h
                    if name.isEmpty {
                        throw LoadError(file: path, line: 1, column: reader.column(ofField: h), kind: "bad header", message: "column \(h + 1) has no name")
                    }
                    if let b = builders.first(where: { normalizeHeader($0.field.name) == name }) {
                        b.source = h
                    } else {
                        let custom = ColumnBuilder(field: FieldDef(raw, .string, isCustom: true), entity: def.name)
                        custom.source = h
                        builders.append(custom)
                        def.fields.append(custom.field)
                    }
                }
                guard builders[0].source != nil else {
                    throw LoadError(file: path, line: 1, column: 1, kind: "bad header", message: "no 'id' column (every entity needs one)")
                }
                for b in builders { b.reserve(estimate) }
                let sourced = builders.filter { $0.source != nil }
                let unsourced = builders.filter { $0.source == nil }
                while true {
                    let more: Bool
                    do throws(CSVReader.Problem) { more = try reader.next() } catch {
                        let e = csvProblem(error, path, buf)
                        // An unterminated quote swallows the rest of the file: nothing to resume.
                        throw e
                    }
                    if !more { break }
                    var problem: LoadError?
                    if reader.fieldCount != headerCount {
                        problem = LoadError(file: path, line: reader.recordLine, column: 1, kind: "ragged row",
                                            message: "expected \(headerCount) fields as in the header, found \(reader.fieldCount)")
                    } else {
                        for b in sourced {
                            guard let s = b.source else { continue }
                            if let message = b.stage(reader.field(s)) {
                                problem = LoadError(file: path, line: reader.recordLine, column: reader.column(ofField: s), kind: kindOf(b.field.type), message: message)
                                break
                            }
                        }
                        for b in unsourced { b.stageNull() }
                    }
                    let idSource = builders[0].source ?? 0
                    try finishRow(problem: problem, line: reader.recordLine, idColumn: { reader.column(ofField: idSource) })
                }
            }
        }
        // Custom fields: infer their types now that every value is known.
        var columns: [Column] = []
        for (i, b) in builders.enumerated() {
            if b.field.isCustom {
                let (field, column) = inferCustom(b, entity: def.name)
                def.fields[i] = field
                columns.append(column)
            } else {
                columns.append(b.finish())
            }
        }
        return ParsedEntity(def: def, file: file, jsonl: jsonl, columns: columns, rowCount: lines.count, idIndex: idIndex, lines: lines, skipped: skipped)
    }

    static func kindOf(_ t: FieldType) -> String {
        switch t {
        case .date: "bad date"
        case .int, .money, .decimal: "bad number"
        case .bool: "bad boolean"
        default: "bad value"
        }
    }

    static func csvProblem(_ p: CSVReader.Problem, _ path: String, _ buf: UnsafeBufferPointer<UInt8>) -> LoadError {
        switch p {
        case .unterminatedQuote(let line, let offset):
            return LoadError(file: path, line: line, column: CSVReader.column(of: offset, in: buf) , kind: "unbalanced quote",
                             message: "a quoted field starts here and is never closed")
        case .junkAfterQuote(let line, let offset):
            return LoadError(file: path, line: line, column: CSVReader.column(of: offset, in: buf), kind: "unbalanced quote",
                             message: "unexpected character after a closing quote (a quote inside a quoted field is written \"\")")
        }
    }

    /// Header and key matching: case-insensitive, with spaces, dashes and underscores alike.
    public static func normalizeHeader(_ s: String) -> String {
        EnumDomain.normalize(s.trimmingCharacters(in: .whitespaces))
    }

    static func lineAndColumn(of offset: Int, in buf: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1
        for i in 0..<min(offset, buf.count) where buf[i] == 10 { line += 1 }
        return (line, CSVReader.column(of: offset, in: buf))
    }

    // MARK: - Custom fields

    /// Types a custom column by its values: int, decimal, date, bool, else string.
    static func inferCustom(_ b: ColumnBuilder, entity: String) -> (FieldDef, Column) {
        let strings = b.strings
        var candidates: [FieldType] = [.int, .decimal, .date, .bool]
        var anyValue = false
        strings.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<strings.count where !candidates.isEmpty {
                let cell = CellParse.trimmed(UnsafeBufferPointer(rebasing: bytes[strings.range(row)]))
                if cell.isEmpty { continue }
                anyValue = true
                candidates.removeAll { t in
                    switch t {
                    case .int: return !isPlainInt(cell)
                    case .decimal: return !isPlainDecimal(cell)
                    case .date: return CellParse.date(cell) == nil
                    case .bool: return !(CellParse.equalsFolded(cell, "true") || CellParse.equalsFolded(cell, "false")
                        || CellParse.equalsFolded(cell, "yes") || CellParse.equalsFolded(cell, "no"))
                    default: return true
                    }
                }
            }
        }
        let type = anyValue ? (candidates.first ?? .string) : .string
        var field = b.field
        field.type = type
        if type == .string { return (field, b.finish()) }
        let typed = ColumnBuilder(field: field, entity: entity)
        typed.reserve(strings.count)
        strings.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<strings.count {
                if typed.stage(UnsafeBufferPointer(rebasing: bytes[strings.range(row)])) != nil { typed.stageNull() }
                typed.commit()
            }
        }
        return (field, typed.finish())
    }

    static func isPlainInt(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = b.first == 45 ? 1 : 0
        guard i < b.count, b.count - i <= 18 else { return false }
        while i < b.count {
            guard b[i] &- 48 < 10 else { return false }
            i += 1
        }
        return true
    }

    static func isPlainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = b.first == 45 ? 1 : 0
        var digits = 0, dots = 0
        while i < b.count {
            if b[i] == 46 { dots += 1 } else if b[i] &- 48 < 10 { digits += 1 } else { return false }
            i += 1
        }
        return digits > 0 && dots <= 1
    }

    // MARK: - Relationships

    static func resolveReferences(_ parsed: inout [ParsedEntity], schema: Schema, source: DataSource, lenient: Bool, skipped: inout SkipReport) throws(LoadError) {
        for ei in parsed.indices {
            for (fi, field) in parsed[ei].def.fields.enumerated() {
                guard let ref = field.reference,
                      let ti = parsed.firstIndex(where: { $0.def.name == ref.target }),
                      case .string(var keys) = parsed[ei].columns[fi],
                      case .string(let targetIDs) = parsed[ti].columns[0] else { continue }
                let targetIndex = parsed[ti].idIndex
                var links = [Int32](repeating: -1, count: parsed[ei].rowCount)
                var dangling: [Int] = []
                keys.bytes.withUnsafeBufferPointer { bytes in
                    for row in 0..<parsed[ei].rowCount {
                        let r = keys.range(row)
                        if r.isEmpty { continue }
                        if let t = targetIndex.lookup(UnsafeBufferPointer(rebasing: bytes[r]), in: targetIDs) {
                            links[row] = t
                        } else {
                            dangling.append(row)
                        }
                    }
                }
                if !dangling.isEmpty {
                    let p = parsed[ei]
                    let path = p.file.map { source.path($0) } ?? p.def.name
                    func error(_ row: Int) -> LoadError {
                        let key = keys.string(row)
                        return LoadError(file: path, line: Int(p.lines[row]), column: locateColumn(source, p, row: row, field: field.name),
                                         kind: "dangling key", message: "'\(field.name)' is \"\(key)\", but no \(ref.target) row has that id")
                    }
                    guard lenient else { throw error(dangling[0]) }
                    for row in dangling { skipped.add(error(row)) }
                    // Dangling keys become null.
                    var cleaned = StringColumn()
                    var d = 0
                    for row in 0..<p.rowCount {
                        if d < dangling.count, dangling[d] == row {
                            cleaned.appendNull()
                            d += 1
                        } else {
                            keys.bytes.withUnsafeBufferPointer { cleaned.append(UnsafeBufferPointer(rebasing: $0[keys.range(row)])) }
                        }
                    }
                    keys = cleaned
                    parsed[ei].columns[fi] = .string(keys)
                }
                parsed[ei].links[fi] = links
            }
        }
    }

    /// The column of a field on a row's line, found by reading the file again (only for messages).
    static func locateColumn(_ source: DataSource, _ p: ParsedEntity, row: Int, field: String) -> Int? {
        guard let file = p.file, !p.jsonl, let bytes = try? source.read(file) else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> Int? in
            var reader = CSVReader(bytes: buf)
            guard (try? reader.next()) == true else { return nil }
            var fieldIndex: Int?
            for h in 0..<reader.fieldCount where normalizeHeader(String(decoding: reader.field(h), as: UTF8.self)) == normalizeHeader(field) {
                fieldIndex = h
            }
            guard let fieldIndex else { return nil }
            while (try? reader.next()) == true {
                if reader.recordLine == Int(p.lines[row]) {
                    return fieldIndex < reader.fieldCount ? reader.column(ofField: fieldIndex) : nil
                }
            }
            return nil
        }
    }
}

/// Results written by concurrent tasks, one slot each.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ v: T) {
        lock.lock()
        slots[i] = v
        lock.unlock()
    }

    var values: [T?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
