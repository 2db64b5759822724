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

    /// The bytes of a data file, mapped from disk (no copy, no zeroed pages) or held in memory.
    func map(_ name: String) throws(LoadError) -> FileBytes {
        if files != nil { return FileBytes(array: try read(name)) }
        let (fd, size, p) = try openFile(name)
        defer { close(fd) }
        try Self.checkSize(size, p)
        if size == 0 { return FileBytes(array: []) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), address != MAP_FAILED else {
            return FileBytes(array: try read(name))
        }
        madvise(address, size, MADV_SEQUENTIAL)
        return FileBytes(mapped: UnsafeRawPointer(address), count: size)
    }

    /// The largest data file: a column's text is addressed with 32-bit offsets.
    static let largestFile = Int(UInt32.max)

    static func checkSize(_ size: Int, _ path: String) throws(LoadError) {
        guard size <= largestFile else {
            throw LoadError(file: path, kind: "file too large",
                            message: "folio reads data files of up to 4 GiB (\(largestFile) bytes); this one has \(size) bytes")
        }
    }

    /// Opens a file of the directory: its descriptor (the caller closes it), size and path.
    private func openFile(_ name: String) throws(LoadError) -> (Int32, Int, String) {
        let p = path(name)
        let fd = open(p, O_RDONLY)
        guard fd >= 0 else {
            throw LoadError(file: p, kind: "unreadable file", message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw LoadError(file: p, kind: "unreadable file", message: "cannot read: \(String(cString: strerror(errno)))")
        }
        return (fd, Int(st.st_size), p)
    }

    func read(_ name: String) throws(LoadError) -> [UInt8] {
        if let files {
            guard let b = files[name] else { throw LoadError(file: name, kind: "missing file", message: "no such file") }
            try Self.checkSize(b.count, name)
            return b
        }
        let (fd, size, p) = try openFile(name)
        defer { close(fd) }
        try Self.checkSize(size, p)
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
    /// Where the time went: parsing files into columns and indexing ids (each summed over
    /// the entities, which load side by side), resolving keys, building collections.
    public var phases: [(name: String, milliseconds: Double)] = []
    /// What happened with the snapshot cache (reopened, written, or why not); nil without one.
    public var snapshot: String?
    /// A snapshot the caller is to write (a load with `deferWrite`).
    public var pendingSnapshot: PendingSnapshot?
    public var totalRows: Int { rows.reduce(0) { $0 + $1.count } }
}

/// Reads data files into a ``Store`` (SPEC §3): CSV or JSONL per entity, header matching,
/// typed conversion, custom fields, id indexes and resolved relationships.
public enum Loader {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Loads every entity of `source`. `chunkBytes` is how much of a CSV file one task parses:
    /// by default the file split once per core, 48 MiB at least (tests make it tiny to
    /// exercise the chunk seams).
    public static func load(_ source: DataSource, schema: Schema = .standard, lenient: Bool = false, chunkBytes: Int? = nil) throws(LoadError) -> (Store, LoadReport) {
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
                r = .success(try parseEntity(plan.def, file: plan.file, jsonl: plan.jsonl, source: source, lenient: lenient, chunkBytes: chunkBytes))
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
        report.phases.append(("parse", parsed.reduce(0) { $0 + $1.parseMilliseconds }))
        report.phases.append(("ids", parsed.reduce(0) { $0 + $1.indexMilliseconds }))
        var phaseStart = DispatchTime.now().uptimeNanoseconds
        try resolveReferences(&parsed, schema: schema, source: source, lenient: lenient, skipped: &report.skipped)
        // Line numbers only serve messages about rows; every row has been checked now.
        for i in parsed.indices { parsed[i].lines = [] }
        report.phases.append(("relationships", Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e6))
        phaseStart = DispatchTime.now().uptimeNanoseconds

        // Build the tables with their to-many relationships, one task per relationship.
        var inverses: [(parent: Int, name: String, links: [Int32])] = []
        for (pi, p) in parsed.enumerated() {
            for child in parsed {
                for (i, f) in child.def.fields.enumerated() {
                    if let r = f.reference, r.target == p.def.name, let links = child.links[i] { inverses.append((pi, r.inverse.lowercased(), links)) }
                }
            }
        }
        let csrs = ResultSlots<CSR>(count: inverses.count)
        let inverseList = inverses
        let parentCounts = parsed.map(\.rowCount)
        DispatchQueue.concurrentPerform(iterations: inverseList.count) { k in
            let inv = inverseList[k]
            csrs.set(k, CSR(links: inv.links, parentCount: parentCounts[inv.parent]))
        }
        let built = csrs.takeAll()
        report.phases.append(("collections", Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e6))
        phaseStart = DispatchTime.now().uptimeNanoseconds
        let indexes = TableIndexes.buildAll(parsed.map { ($0.columns, $0.rowCount) })
        report.phases.append(("indexes", Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e6))
        var tables: [EntityTable] = []
        for (pi, p) in parsed.enumerated() {
            var collections: [String: CSR] = [:]
            for (k, inv) in inverseList.enumerated() where inv.parent == pi { collections[inv.name] = built[k] }
            tables.append(EntityTable(def: p.def, rowCount: p.rowCount, columns: p.columns, idIndex: p.idIndex, links: p.links, collections: collections,
                                      indexes: indexes[pi]))
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
        /// Time spent reading the file into columns, and indexing its ids.
        var parseMilliseconds: Double = 0
        var indexMilliseconds: Double = 0
    }

    static func parseEntity(_ declared: EntityDef, file: String?, jsonl: Bool, source: DataSource, lenient: Bool, chunkBytes: Int?) throws(LoadError) -> ParsedEntity {
        guard let file else {
            let builders = declared.fields.map { ColumnBuilder(field: $0, entity: declared.name) }
            return ParsedEntity(def: declared, file: nil, jsonl: false, columns: builders.map { $0.finish() }, rowCount: 0, idIndex: ByteHashIndex(), lines: [], skipped: SkipReport())
        }
        let path = source.path(file)
        let started = DispatchTime.now().uptimeNanoseconds
        var indexed: UInt64 = 0
        let bytes = try source.map(file)
        var rows = try bytes.withUnsafeBufferPointer { (buf) throws(LoadError) -> ParsedRows in
            if let bad = firstInvalidUTF8(buf) {
                let (line, col) = lineAndColumn(of: bad, in: buf)
                throw LoadError(file: path, line: line, column: col, kind: "invalid UTF-8", message: "invalid UTF-8 byte 0x\(String(buf[bad], radix: 16, uppercase: true))")
            }
            var rows = jsonl
                ? try parseJSONLines(declared, buf, path: path, lenient: lenient)
                : try parseCSV(declared, buf, path: path, lenient: lenient, chunkBytes: chunkBytes, mapped: bytes.isMapped)
            indexed = DispatchTime.now().uptimeNanoseconds
            try indexIDs(&rows, buf, path: path, jsonl: jsonl, lenient: lenient)
            return rows
        }
        let finished = DispatchTime.now().uptimeNanoseconds
        // Custom fields: infer their types now that every value is known.
        var columns: [Column] = []
        for (i, b) in rows.builders.enumerated() {
            if b.field.isCustom {
                let (field, column) = inferCustom(b, entity: declared.name)
                rows.def.fields[i] = field
                columns.append(column)
            } else {
                columns.append(b.finish())
            }
        }
        return ParsedEntity(def: rows.def, file: file, jsonl: jsonl, columns: columns, rowCount: rows.lines.count, idIndex: rows.idIndex,
                            lines: rows.lines, skipped: rows.skipped,
                            parseMilliseconds: Double(indexed - started) / 1e6, indexMilliseconds: Double(finished - indexed) / 1e6)
    }

    /// Rows read from one file, before ids are indexed and custom fields typed.
    struct ParsedRows {
        var def: EntityDef
        var builders: [ColumnBuilder]
        var lines: [Int32] = []
        var skipped = SkipReport()
        var idIndex = ByteHashIndex()
    }

    /// Indexes ids; a duplicate is an error, or with `lenient` its later rows are dropped.
    static func indexIDs(_ rows: inout ParsedRows, _ buf: UnsafeBufferPointer<UInt8>, path: String, jsonl: Bool, lenient: Bool) throws(LoadError) {
        let ids = rows.builders[0].strings
        var index = ByteHashIndex(capacity: rows.lines.count)
        var keep: [Bool]?
        for (row, first) in index.insertAll(ids) {
            if keep == nil { keep = [Bool](repeating: true, count: rows.lines.count) }
            keep?[row] = false
            let id = ids.string(row)
            let idField = rows.builders[0].source ?? 0
            rows.skipped.add(LoadError(file: path, line: Int(rows.lines[row]), column: jsonl ? 1 : columnOf(line: Int(rows.lines[row]), field: idField, in: buf),
                                       kind: "duplicate id", message: "duplicate id \"\(id.count > 40 ? String(id.prefix(40)) + "…" : id)\" (first on line \(rows.lines[first]))"))
        }
        guard let keep else {
            rows.idIndex = index
            return
        }
        if !lenient, let first = rows.skipped.examples["duplicate id"] { throw first }
        for b in rows.builders { b.compact(keep) }
        rows.lines = zip(rows.lines, keep).filter(\.1).map(\.0)
        let kept = rows.builders[0].strings
        var rebuilt = ByteHashIndex(capacity: rows.lines.count)
        _ = rebuilt.insertAll(kept)
        rows.idIndex = rebuilt
    }

    // MARK: - JSON lines

    static func parseJSONLines(_ declared: EntityDef, _ buf: UnsafeBufferPointer<UInt8>, path: String, lenient: Bool) throws(LoadError) -> ParsedRows {
        var rows = ParsedRows(def: declared, builders: declared.fields.map { ColumnBuilder(field: $0, entity: declared.name) })
        var reader = JSONLineReader(bytes: buf)
        var byKey: [String: Int] = [:]
        for (i, b) in rows.builders.enumerated() { byKey[normalizeHeader(b.field.name)] = i }
        while true {
            let more: Bool
            do throws(JSONLineReader.Problem) { more = try reader.next() } catch {
                let (line, col) = lineAndColumn(of: error.offset, in: buf)
                let e = LoadError(file: path, line: line, column: col, kind: "bad JSON", message: error.message)
                guard lenient else { throw e }
                rows.skipped.add(e)
                if !reader.skipLine() { break }
                continue
            }
            if !more { break }
            // The line's cell for each column (keys come in any order); then each column
            // takes its cell, or null.
            var cells = [UnsafeBufferPointer<UInt8>?](repeating: nil, count: rows.builders.count)
            var lists = [[UnsafeBufferPointer<UInt8>]?](repeating: nil, count: rows.builders.count)
            var problem: LoadError?
            for k in 0..<reader.keys.count {
                let name = normalizeHeader(String(decoding: reader.keys[k], as: UTF8.self))
                var index = byKey[name]
                if index == nil {
                    // A custom field first seen on this line: earlier rows are null.
                    let custom = ColumnBuilder(field: FieldDef(String(decoding: reader.keys[k], as: UTF8.self), .string, isCustom: true), entity: declared.name)
                    for _ in 0..<rows.lines.count { custom.appendNull() }
                    rows.builders.append(custom)
                    cells.append(nil)
                    lists.append(nil)
                    rows.def.fields.append(custom.field)
                    index = rows.builders.count - 1
                    byKey[name] = index
                }
                guard let bi = index else { continue }
                let b = rows.builders[bi]
                if reader.isArray[k] {
                    if b.field.type == .stringList {
                        lists[bi] = reader.items[k]
                    } else if problem == nil {
                        problem = LoadError(file: path, line: reader.line, column: 1, kind: "wrong type", message: "'\(b.field.name)' is \(b.field.type), not a list")
                    }
                } else {
                    cells[bi] = reader.values[k]
                    lists[bi] = nil
                }
            }
            if problem == nil, cells[0]?.isEmpty ?? true {
                problem = LoadError(file: path, line: reader.line, column: 1, kind: "missing id", message: "the row has no id")
            }
            if problem == nil {
                for (bi, b) in rows.builders.enumerated() {
                    if let items = lists[bi] {
                        b.appendItems(items)
                    } else if let cell = cells[bi] {
                        if let message = b.append(cell) {
                            problem = LoadError(file: path, line: reader.line, column: 1, kind: kindOf(b.field.type), message: message)
                            for b in rows.builders { b.truncate(to: rows.lines.count) }
                            break
                        }
                    } else {
                        b.appendNull()
                    }
                }
            }
            if let problem {
                guard lenient else { throw problem }
                rows.skipped.add(problem)
                continue
            }
            rows.lines.append(Int32(clamping: reader.line))
        }
        return rows
    }

    // MARK: - CSV

    /// Parses a CSV file: the header first, then the records in chunks on all cores.
    static func parseCSV(_ declared: EntityDef, _ buf: UnsafeBufferPointer<UInt8>, path: String, lenient: Bool, chunkBytes: Int?,
                         mapped: Bool = false) throws(LoadError) -> ParsedRows {
        var def = declared
        var reader = CSVReader(bytes: buf)
        let hasHeader: Bool
        do throws(CSVReader.Problem) { hasHeader = try reader.next() } catch { throw csvProblem(error, path, buf, lineOffset: 0) }
        guard hasHeader else {
            throw LoadError(file: path, line: 1, column: 1, kind: "empty file", message: "the file is empty (expected a header row)")
        }
        let headerCount = reader.fieldCount
        var sources = [Int?](repeating: nil, count: declared.fields.count)
        var seen: [String: Int] = [:]
        for h in 0..<headerCount {
            let raw = String(decoding: CellParse.trimmed(reader.field(h)), as: UTF8.self)
            let name = normalizeHeader(raw)
            if name.isEmpty {
                throw LoadError(file: path, line: 1, column: reader.column(ofField: h), kind: "bad header", message: "column \(h + 1) has no name")
            }
            if let first = seen[name] {
                throw LoadError(file: path, line: 1, column: reader.column(ofField: h), kind: "bad header", message: "column '\(raw)' repeats column \(first + 1)")
            }
            seen[name] = h
            if let i = declared.fields.firstIndex(where: { normalizeHeader($0.name) == name }) {
                sources[i] = h
            } else {
                def.fields.append(FieldDef(raw, .string, isCustom: true))
                sources.append(h)
            }
        }
        guard sources[0] != nil else {
            throw LoadError(file: path, line: 1, column: 1, kind: "bad header", message: "no 'id' column (every entity needs one)")
        }
        let layout = CSVLayout(def: def, sources: sources, headerCount: headerCount, path: path, lenient: lenient, releasesParsedPages: mapped)
        let dataStart = reader.position
        let firstLine = reader.line

        // Split the records into chunks at line breaks; a chunk that turns out to start inside
        // a quoted field is parsed again from where the one before it really ended.
        // A chunk per core, of 48 MiB at least: every chunk after the first is copied once
        // more when the chunks join, and on this machine first-touching memory is a quarter
        // of a load, so fewer, larger chunks load faster than many small ones.
        let chunkSize = max(1, chunkBytes ?? max(48 << 20, (buf.count + cores - 1) / cores))
        var starts = [dataStart]
        var p = dataStart + chunkSize
        while p < buf.count {
            while p < buf.count, buf[p - 1] != 10 { p += 1 }
            if p < buf.count { starts.append(p) }
            p += chunkSize
        }
        let ends = Array(starts.dropFirst()) + [buf.count]
        let slots = ResultSlots<CSVChunk>(count: starts.count)
        let shared = SharedBytes(buf)
        let chunkStarts = starts
        let fileRecordBytes = buf.count - dataStart
        DispatchQueue.concurrentPerform(iterations: chunkStarts.count) { i in
            // The first chunk's columns become the file's: they reserve room for all of it
            // (pages never written cost nothing), so later chunks append without moving them.
            slots.set(i, parseCSVChunk(shared.bytes, from: chunkStarts[i], to: ends[i], layout, reserving: i == 0 ? fileRecordBytes : nil))
        }
        var chunks: [CSVChunk] = []
        var expected = dataStart
        for (i, slot) in slots.takeAll().enumerated() {
            guard var chunk = slot else { preconditionFailure("a CSV chunk produced no result") }
            if chunk.start != expected {
                if expected >= ends[i] { continue }  // the previous chunk's last record covered this one
                chunk = parseCSVChunk(buf, from: expected, to: ends[i], layout, reserving: nil)
            }
            expected = chunk.stop
            chunks.append(chunk)
        }
        // Lines are counted per chunk; make them absolute.
        guard let first = chunks.first else { preconditionFailure("a CSV file produced no chunk") }
        var rows = ParsedRows(def: def, builders: first.builders)
        // Errors and line numbers first (in file order), then the columns, each on its own task.
        rows.lines.reserveCapacity(chunks.reduce(0) { $0 + $1.lines.count })
        var lineOffset = firstLine - 1
        for chunk in chunks {
            if var e = chunk.error {
                e.line = e.line.map { $0 + lineOffset }
                throw e
            }
            for var e in chunk.skipped {
                e.line = e.line.map { $0 + lineOffset }
                rows.skipped.add(e)
            }
            let offset = Int32(clamping: lineOffset)
            rows.lines.append(contentsOf: chunk.lines.map { $0 + offset })
            lineOffset += chunk.newlines
        }
        // The later chunks' rows join the first's. Each task appends to one column's builder:
        // builders are never shared between tasks.
        let targets = UncheckedBox(rows.builders)
        let parts = UncheckedBox(chunks.dropFirst().map(\.builders))
        let rowCount = rows.lines.count
        chunks = []
        if !parts.value.isEmpty {
            DispatchQueue.concurrentPerform(iterations: targets.value.count) { i in
                let column = parts.value.map { $0[i] }
                targets.value[i].reserve(rowCount, bytes: targets.value[i].byteCount + column.reduce(0) { $0 + $1.byteCount })
                for part in column {
                    targets.value[i].append(part)
                    part.clear()
                }
            }
        }
        return rows
    }

    /// What every chunk of one CSV file shares.
    struct CSVLayout: @unchecked Sendable {
        var def: EntityDef
        var sources: [Int?]
        var headerCount: Int
        var path: String
        var lenient: Bool
        /// The bytes are a mapped file: parsed stretches are handed back to the kernel as the
        /// parse goes (they are read again from the page cache if an error needs them), so
        /// that a file's pages and its columns are not both resident.
        var releasesParsedPages = false
    }

    /// One chunk's rows, with line numbers counted from the chunk's first line (1).
    struct CSVChunk: @unchecked Sendable {
        var start: Int
        var stop: Int
        var newlines: Int
        var builders: [ColumnBuilder]
        var lines: [Int32]
        var skipped: [LoadError]
        var error: LoadError?
    }

    /// Parses the records that start in `from ..< to`; the last may run past `to`.
    /// `reserving`: bytes of records to make room for (the chunk's own when nil).
    static func parseCSVChunk(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int, _ layout: CSVLayout, reserving: Int?) -> CSVChunk {
        let builders = layout.def.fields.map { ColumnBuilder(field: $0, entity: layout.def.name) }
        // Reserve for the most rows and string bytes the chunk can hold, so that no column grows
        // (and copies) while it fills: untouched reserved pages cost no memory.
        let room = max(reserving ?? 0, to - from)
        for (i, b) in builders.enumerated() {
            b.source = layout.sources[i]
            b.reserve(room / (2 * max(1, layout.headerCount)) + 16, bytes: room + 64)
        }
        // The per-row loops call builders through unmanaged references: `builders` keeps them
        // alive, and a retain/release pair per cell was a tenth of the load.
        let sourced = builders.compactMap { b in b.source.map { (Unmanaged.passUnretained(b), $0) } }
        let unsourced = builders.filter { $0.source == nil }.map { Unmanaged.passUnretained($0) }
        let all = builders.map { Unmanaged.passUnretained($0) }
        let idSource = layout.sources[0] ?? 0
        var chunk = CSVChunk(start: from, stop: from, newlines: 0, builders: builders, lines: [], skipped: [], error: nil)
        var reader = CSVReader(bytes: buf, from: from)
        let path = layout.path
        defer { withExtendedLifetime(builders) {} }
        var released = from
        while true {
            if layout.releasesParsedPages, reader.position - released >= releaseStride {
                releasePages(buf, released..<reader.position)
                released = reader.position
            }
            reader.skipBlankLines()
            if reader.position >= to { break }
            let more: Bool
            do throws(CSVReader.Problem) { more = try reader.next() } catch {
                // An unterminated quote swallows the rest of the file: nothing to resume.
                chunk.error = csvProblem(error, path, buf, lineOffset: 0)
                break
            }
            if !more { break }
            var problem: LoadError?
            if reader.fieldCount != layout.headerCount {
                problem = LoadError(file: path, line: reader.recordLine, column: 1, kind: "ragged row",
                                    message: "expected \(layout.headerCount) fields as in the header, found \(reader.fieldCount)")
            } else if reader.field(idSource).isEmpty {
                problem = LoadError(file: path, line: reader.recordLine, column: reader.column(ofField: idSource), kind: "missing id", message: "the row has no id")
            } else {
                // Cells go straight into their columns; a bad one takes the row back.
                for (b, s) in sourced {
                    if let message = b._withUnsafeGuaranteedRef({ $0.append(reader.field(s)) }) {
                        problem = LoadError(file: path, line: reader.recordLine, column: reader.column(ofField: s),
                                            kind: kindOf(b._withUnsafeGuaranteedRef { $0.type }), message: message)
                        let kept = chunk.lines.count
                        for b in all { b._withUnsafeGuaranteedRef { $0.truncate(to: kept) } }
                        break
                    }
                }
            }
            if let problem {
                guard layout.lenient else {
                    chunk.error = problem
                    break
                }
                chunk.skipped.append(problem)
                continue
            }
            for b in unsourced { b._withUnsafeGuaranteedRef { $0.appendNull() } }
            chunk.lines.append(Int32(clamping: reader.recordLine))
        }
        chunk.stop = reader.position
        chunk.newlines = reader.line - 1
        return chunk
    }

    /// How much of a mapped file is parsed between two releases of its pages (tests lower it).
    nonisolated(unsafe) static var releaseStride = 16 << 20

    /// Drops the whole pages of `range` of a mapped file from this process (MADV_DONTNEED:
    /// read again from the file if touched).
    static func releasePages(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard let base = buf.baseAddress else { return }
        let page = 4096
        let start = (UInt(bitPattern: base + range.lowerBound) + UInt(page) - 1) & ~UInt(page - 1)
        let end = UInt(bitPattern: base + range.upperBound) & ~UInt(page - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), MADV_DONTNEED)
    }

    static func kindOf(_ t: FieldType) -> String {
        switch t {
        case .date: "bad date"
        case .int, .money, .decimal: "bad number"
        case .bool: "bad boolean"
        default: "bad value"
        }
    }

    static func csvProblem(_ p: CSVReader.Problem, _ path: String, _ buf: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> LoadError {
        switch p {
        case .unterminatedQuote(let line, let offset):
            return LoadError(file: path, line: line + lineOffset, column: CSVReader.column(of: offset, in: buf), kind: "unbalanced quote",
                             message: "a quoted field starts here and is never closed")
        case .junkAfterQuote(let line, let offset):
            return LoadError(file: path, line: line + lineOffset, column: CSVReader.column(of: offset, in: buf), kind: "unbalanced quote",
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
                if typed.append(UnsafeBufferPointer(rebasing: bytes[strings.range(row)])) != nil { typed.appendNull() }
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
        // Every foreign key, looked up in its target's id index: one task per key field.
        var found: [(entity: Int, field: Int, target: Int)] = []
        for ei in parsed.indices {
            for (fi, field) in parsed[ei].def.fields.enumerated() {
                if let ref = field.reference, let ti = parsed.firstIndex(where: { $0.def.name == ref.target }) { found.append((ei, fi, ti)) }
            }
        }
        let keyFields = found
        let snapshot = parsed
        let resolved = ResultSlots<(links: [Int32], dangling: [Int])>(count: keyFields.count)
        DispatchQueue.concurrentPerform(iterations: keyFields.count) { k in
            let (ei, fi, ti) = keyFields[k]
            guard case .string(let column) = snapshot[ei].columns[fi], case .string(let targetIDs) = snapshot[ti].columns[0] else {
                resolved.set(k, ([Int32](repeating: -1, count: snapshot[ei].rowCount), []))
                return
            }
            var links = snapshot[ti].idIndex.lookupAll(column, in: targetIDs)
            var dangling: [Int] = []
            for row in links.indices where links[row] == -2 {
                dangling.append(row)
                links[row] = -1
            }
            resolved.set(k, (links, dangling))
        }
        let results = resolved.values
        for (k, (ei, fi, _)) in keyFields.enumerated() {
            let field = parsed[ei].def.fields[fi]
            guard let ref = field.reference, case .string(var keys) = parsed[ei].columns[fi], let (links, dangling) = results[k] else { continue }
            if !dangling.isEmpty {
                let p = parsed[ei]
                let path = p.file.map { source.path($0) } ?? p.def.name
                /// Only the first problem is located to its column: that reads the file again.
                func error(_ row: Int, locate: Bool) -> LoadError {
                    LoadError(file: path, line: Int(p.lines[row]), column: locate ? locateColumn(source, p, row: row, field: field.name) : nil,
                              kind: "dangling key", message: "'\(field.name)' is \"\(keys.string(row))\", but no \(ref.target) row has that id")
                }
                guard lenient else { throw error(dangling[0], locate: true) }
                for (n, row) in dangling.enumerated() { skipped.add(error(row, locate: n == 0)) }
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

    /// The column of a field on a row's line, found by reading the file again (only for messages).
    static func locateColumn(_ source: DataSource, _ p: ParsedEntity, row: Int, field: String) -> Int? {
        guard let file = p.file, !p.jsonl, let bytes = try? source.read(file) else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> Int? in
            var reader = CSVReader(bytes: buf)
            guard (try? reader.next()) == true else { return nil }
            for h in 0..<reader.fieldCount where normalizeHeader(String(decoding: reader.field(h), as: UTF8.self)) == normalizeHeader(field) {
                return columnOf(line: Int(p.lines[row]), field: h, in: buf)
            }
            return nil
        }
    }

    /// The column where field `field` of the record starting on `line` begins (only for messages).
    static func columnOf(line: Int, field: Int, in buf: UnsafeBufferPointer<UInt8>) -> Int {
        var reader = CSVReader(bytes: buf)
        while (try? reader.next()) == true {
            if reader.recordLine == line { return field < reader.fieldCount ? reader.column(ofField: field) : 1 }
            if reader.recordLine > line { break }
        }
        return 1
    }
}

/// A data file's bytes: an `mmap` of the file, unmapped when released, or an array.
final class FileBytes {
    private let mapped: UnsafeRawPointer?
    private let count: Int
    private let array: [UInt8]

    init(mapped: UnsafeRawPointer, count: Int) {
        self.mapped = mapped
        self.count = count
        array = []
    }

    init(array: [UInt8]) {
        mapped = nil
        count = array.count
        self.array = array
    }

    deinit {
        if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped), count) }
    }

    var isMapped: Bool { mapped != nil }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        if let mapped {
            return try withExtendedLifetime(self) { () throws(E) -> R in
                try body(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: count))
            }
        }
        let result: Result<R, E> = array.withUnsafeBufferPointer { buf in
            do throws(E) { return .success(try body(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// A file's bytes, read (never written) by the tasks that parse its chunks while the owner keeps them alive.
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
}

/// A value handed to concurrent tasks that only read it (or touch disjoint parts of it).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
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

    /// The results, leaving the slots empty (so that they are not kept alive twice).
    func takeAll() -> [T?] {
        lock.lock()
        defer { lock.unlock() }
        let all = slots
        slots = Array(repeating: nil, count: all.count)
        return all
    }
}
