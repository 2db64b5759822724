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

    /// The names of the plain files of the data (not folders), sorted.
    func list() -> [String] {
        if let files { return files.keys.sorted() }
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { exists($0) }.sorted()
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
        // Not MAP_POPULATE: that maps (and, if the file is not cached, reads) every page on
        // this thread before any parsing starts, 0.3 s for 2 GB even from the page cache.
        // The parse tasks fault their own pieces in side by side, with read-ahead.
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            return FileBytes(array: try read(name))
        }
        madvise(address, size, MADV_SEQUENTIAL)
        madvise(address, size, MADV_WILLNEED)
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
    /// Where the time went, in wall-clock phases: parsing files into columns, indexing ids,
    /// resolving keys, building collections, building secondary indexes.
    public var phases: [(name: String, milliseconds: Double)] = []
    /// What happened with the snapshot cache (reopened, written, or why not); nil without one.
    public var snapshot: String?
    /// A snapshot the caller is to write (a load with `deferWrite`).
    public var pendingSnapshot: PendingSnapshot?
    /// Lines for the user about what the load did not read (files no entity maps).
    public var notes: [String] = []

    public init() {}
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
        if let dir = source.directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw LoadError(file: dir, kind: "missing directory", message: "no such data directory")
            }
        }
        let plan = try LoadPlan.make(source, schema: schema)
        let config = plan.config
        if let dir = source.directory, plan.entities.allSatisfy({ $0.files.isEmpty }) {
            let others = plan.skipped.filter { DataFile.format(of: $0) != nil }
            if others.isEmpty {
                throw LoadError(file: dir, kind: "missing data", message: "no data files here (expected accounts.csv, contacts.csv, … or .jsonl)")
            }
            throw LoadError(file: dir, kind: "missing data",
                            message: "no file here is named for one of folio's entities (found \(others.prefix(4).joined(separator: ", "))\(others.count > 4 ? ", …" : "")); folio init \(dir) proposes a folio.json that maps them")
        }

        // Read every file's header, then parse the records of all files on all cores at once.
        var report = LoadReport()
        if !plan.skipped.isEmpty { report.notes.append(skippedNote(plan.skipped)) }
        var parsed = try parseAll(plan.entities, source: source, lenient: lenient, chunkBytes: chunkBytes, phases: &report.phases)
        for p in parsed { report.skipped.merge(p.skipped) }
        // Rows for the keys other entities reference but the files lack (add_missing).
        if plan.entities.contains(where: { $0.mapping?.addMissing == true }) { try addMissing(&parsed, plan.entities, source: source) }
        // Secondary indexes first: their sorts' temporaries (up to 16 bytes a row) then come
        // and go before the links and collections exist, so they do not raise the peak.
        var phaseStart = DispatchTime.now().uptimeNanoseconds
        let indexes = TableIndexes.buildAll(parsed.map { ($0.columns, $0.rowCount) })
        report.phases.append(("indexes", Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e6))
        phaseStart = DispatchTime.now().uptimeNanoseconds
        try resolveReferences(&parsed, source: source, lenient: lenient, skipped: &report.skipped)
        try breakCycles(&parsed, source: source, lenient: lenient, skipped: &report.skipped)
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
        let largestFirst = inverseList.indices.sorted { inverseList[$0].links.count > inverseList[$1].links.count }
        DispatchQueue.concurrentPerform(iterations: inverseList.count) { i in
            let k = largestFirst[i]
            let inv = inverseList[k]
            csrs.set(k, CSR(links: inv.links, parentCount: parentCounts[inv.parent]))
        }
        let built = csrs.takeAll()
        report.phases.append(("collections", Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e6))
        var tables: [EntityTable] = []
        for (pi, p) in parsed.enumerated() {
            var collections: [String: CSR] = [:]
            for (k, inv) in inverseList.enumerated() where inv.parent == pi { collections[inv.name] = built[k] }
            let links = p.links.mapValues(StoreArray.init)
            // The tree of a self-referencing key, now that its children are grouped.
            var hierarchies: [Int: Hierarchy] = [:]
            if let f = p.def.hierarchyField, let l = links[f], let ref = p.def.fields[f].reference, let children = collections[ref.inverse.lowercased()] {
                hierarchies[f] = Hierarchy(links: l, children: children)
            }
            tables.append(EntityTable(def: p.def, rowCount: p.rowCount, columns: p.columns, idIndex: p.idIndex, links: links, collections: collections,
                                      indexes: indexes[pi], keyTargets: p.keyTargets.compactMapValues { t in
                                          if case .string(let ids) = parsed[t].columns[0] { ids } else { nil }
                                      }, hierarchies: hierarchies))
            report.rows.append((p.def.name, p.rowCount))
        }
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return (Store(schema: Schema(entities: tables.map(\.def)), tables: tables, asOf: config.asOf, fiscalYearStart: config.fiscalYearStart), report)
    }

    // MARK: - One entity

    /// One of an entity's files, and the first of its rows (files are appended in order).
    struct FileSpan: Sendable {
        var name: String
        var path: String
        var format: DataFile.Format
        var firstRow: Int
    }

    struct ParsedEntity: Sendable {
        var def: EntityDef
        var files: [FileSpan]
        /// The field rows are keyed by (`key` in folio.json), when it is not `id`.
        var key: Int?
        var columns: [Column]
        var rowCount: Int
        var idIndex: ByteHashIndex
        /// The line each row came from, for messages about it after parsing.
        var lines: [Int32]
        var links: [Int: [Int32]] = [:]
        /// Foreign keys whose text is now derived from the links: field → target entity.
        var keyTargets: [Int: Int] = [:]
        var skipped: SkipReport

        /// The file a row came from.
        func file(ofRow row: Int) -> FileSpan? { files.last { $0.firstRow <= row } ?? files.first }

        /// `accounts.csv` or `accounts.csv, line 7`-style place of a row for messages.
        func path(ofRow row: Int) -> String { file(ofRow: row)?.path ?? def.name }
    }

    /// An entity's file, mapped, with its header read: what the tasks that parse it share.
    struct PreparedFile: @unchecked Sendable {
        var entity: Int
        var plan: EntityPlan
        var def: EntityDef
        var file: String
        var path: String
        var jsonl: Bool
        var format: DataFile.Format
        var bytes: FileBytes
        /// A workbook's rows are made CSV: the sheet's row number of each CSV line (line 1,
        /// the header, first), for messages.
        var sheetRows: [Int]?
        /// The CSV layout, and where the records start (after the header).
        var layout: CSVLayout?
        var dataStart = 0
        var firstLine = 1
        /// The records split at line starts, one parse task each (the whole file for JSONL).
        var ranges: [Range<Int>] = []

        var recordBytes: Int { bytes.buffer.count - dataStart }
    }

    /// What one parse task produced.
    enum ParsedPiece: @unchecked Sendable {
        case chunk(CSVChunk)
        case jsonl(Result<ParsedRows, LoadError>)
        /// The piece holds a byte that is not UTF-8, at this offset of the file.
        case invalidUTF8(Int)
    }

    /// Parses every entity's file. Headers are read first, in entity order; then the records
    /// of all files are parsed as one pool of tasks, split so that both cores stay busy
    /// while as few files as possible are split (every piece after a file's first is copied
    /// once more when the pieces join); then each file's pieces join and ids are indexed,
    /// the entities side by side. Errors are reported in entity order, and within a file
    /// a byte that is not UTF-8 before any other problem (as if the file were checked first).
    static func parseAll(_ plans: [EntityPlan], source: DataSource, lenient: Bool, chunkBytes: Int?,
                         phases: inout [(name: String, milliseconds: Double)]) throws(LoadError) -> [ParsedEntity] {
        let started = DispatchTime.now().uptimeNanoseconds
        var files: [PreparedFile] = []
        for (i, plan) in plans.enumerated() {
            for file in plan.files { files.append(try prepareFile(i, plan, file, source: source, lenient: lenient)) }
        }
        let pieces = chunkBytes.map { size in files.map { $0.jsonl ? 1 : max(1, ($0.recordBytes + size - 1) / max(1, size)) } }
            ?? piecesPerFile(files.map { ($0.recordBytes, !$0.jsonl) }, cores: cores)
        for i in files.indices { files[i].ranges = splitAtLines(files[i], pieces: pieces[i]) }

        // One task per piece, the largest first, so that the last to finish are small.
        var tasks: [(file: Int, piece: Int)] = []
        for (f, file) in files.enumerated() { for k in file.ranges.indices { tasks.append((f, k)) } }
        tasks.sort { files[$0.file].ranges[$0.piece].count > files[$1.file].ranges[$1.piece].count }
        let slots = ResultSlots<ParsedPiece>(count: tasks.count)
        let work = UncheckedBox((files, tasks))
        DispatchQueue.concurrentPerform(iterations: tasks.count) { t in
            slots.set(t, parsePiece(work.value.0[work.value.1[t].file], piece: work.value.1[t].piece, lenient: lenient))
        }
        var byFile = files.map { [ParsedPiece?](repeating: nil, count: $0.ranges.count) }
        for (t, piece) in slots.takeAll().enumerated() { byFile[tasks[t].file][tasks[t].piece] = piece }

        // Each entity's rows: its files' pieces joined, a later file's rows after the first's.
        var entityRows: [Int: (rows: ParsedRows, spans: [FileSpan], first: PreparedFile)] = [:]
        var entityOrder: [Int] = []
        for (f, file) in files.enumerated() {
            var joined: ParsedRows
            do throws(LoadError) { joined = try joinPieces(file, byFile[f].compactMap { $0 }) } catch {
                // A workbook's lines are its sheet's rows.
                var e = error
                if let map = file.sheetRows, let l = e.line, l < map.count { e.line = map[l] }
                throw e
            }
            byFile[f] = []
            if file.sheetRows != nil { translateSheetLines(&joined, file) }
            if var existing = entityRows[file.entity] {
                guard existing.rows.def.fields.map({ "\($0.name):\($0.type)" }) == joined.def.fields.map({ "\($0.name):\($0.type)" }) else {
                    throw LoadError(file: file.path, line: 1, kind: "bad header",
                                    message: "its columns differ from \(existing.first.file)'s (\(existing.rows.def.fields.map(\.name).joined(separator: ", "))); the files of one entity need the same columns, or a mapping that makes them alike")
                }
                existing.spans.append(FileSpan(name: file.file, path: file.path, format: file.format, firstRow: existing.rows.lines.count))
                existing.rows.append(joined)
                entityRows[file.entity] = existing
            } else {
                entityRows[file.entity] = (joined, [FileSpan(name: file.file, path: file.path, format: file.format, firstRow: 0)], file)
                entityOrder.append(file.entity)
            }
        }
        phases.append(("parse", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6))

        // Ids, the entities side by side.
        let idsStarted = DispatchTime.now().uptimeNanoseconds
        let indexed = ResultSlots<Result<ParsedRows, LoadError>>(count: entityOrder.count)
        // Largest first, so that the largest entity does not start last and run alone.
        let order = entityOrder.indices.sorted { (entityRows[entityOrder[$0]]?.rows.lines.count ?? 0) > (entityRows[entityOrder[$1]]?.rows.lines.count ?? 0) }
        let joined = UncheckedBox((entityOrder.map { entityRows[$0] }, order, plans))
        entityRows = entityRows.mapValues { ($0.rows.emptied(), $0.spans, $0.first) }
        DispatchQueue.concurrentPerform(iterations: entityOrder.count) { k in
            let e = joined.value.1[k]
            guard var (r, spans, first) = joined.value.0[e] else { return }
            let plan = joined.value.2[first.entity]
            do throws(LoadError) {
                // A duplicate is located to its column by reading its file again: only in a
                // file of its own, CSV (a workbook's columns are its fields).
                let locate = spans.count == 1 && first.format == .csv
                try first.bytes.withUnsafeBufferPointer { (buf) throws(LoadError) in
                    try indexIDs(&r, locate ? buf : nil, spans: spans, jsonl: first.jsonl, keyName: keyName(plan, r.def), lenient: lenient)
                }
                indexed.set(e, .success(r))
            } catch {
                indexed.set(e, .failure(error))
            }
        }
        var done: [Int: Result<ParsedRows, LoadError>] = [:]
        for (k, outcome) in indexed.takeAll().enumerated() { if let outcome { done[entityOrder[k]] = outcome } }
        var result: [ParsedEntity] = []
        for (i, plan) in plans.enumerated() {
            guard let outcome = done[i], let spans = entityRows[i]?.spans else {
                let builders = plan.def.fields.map { ColumnBuilder(field: $0, entity: plan.def.name) }
                result.append(ParsedEntity(def: plan.def, files: [], columns: builders.map { $0.finish() }, rowCount: 0,
                                           idIndex: ByteHashIndex(), lines: [], skipped: SkipReport()))
                continue
            }
            var r = try outcome.get()
            // Custom fields: infer their types now that every value is known.
            var columns: [Column] = []
            for (k, b) in r.builders.enumerated() {
                if b.field.isCustom && b.field.inferType {
                    let (field, column) = inferCustom(b, entity: plan.def.name)
                    r.def.fields[k] = field
                    columns.append(column)
                } else {
                    r.def.fields[k].inferType = false
                    columns.append(b.finish())
                }
            }
            let key = plan.mapping?.key.flatMap { k in r.def.fields.firstIndex { normalizeHeader($0.name) == normalizeHeader(k) } }
            result.append(ParsedEntity(def: r.def, files: spans, key: key == 0 ? nil : key, columns: columns, rowCount: r.lines.count,
                                       idIndex: r.idIndex, lines: r.lines, skipped: r.skipped))
        }
        phases.append(("ids", Double(DispatchTime.now().uptimeNanoseconds - idsStarted) / 1e6))
        return result
    }

    /// The name a duplicate of an entity's identity is reported by: `id`, or the key field.
    static func keyName(_ plan: EntityPlan, _ def: EntityDef) -> String? {
        plan.mapping?.key.flatMap { k in def.fields.first { normalizeHeader($0.name) == normalizeHeader(k) }?.name }
    }

    /// A workbook's CSV lines as the sheet's row numbers.
    static func translateSheetLines(_ rows: inout ParsedRows, _ file: PreparedFile) {
        guard let map = file.sheetRows else { return }
        rows.lines = rows.lines.map { l in Int(l) < map.count ? Int32(clamping: map[Int(l)]) : l }
        for k in rows.skipped.order {
            guard var e = rows.skipped.examples[k] else { continue }
            e.line = e.line.map { $0 < map.count ? map[$0] : $0 }
            rows.skipped.examples[k] = e
        }
    }

    /// Maps an entity's file and reads its header (a workbook's first sheet, or the one the
    /// mapping names, is made CSV first).
    static func prepareFile(_ entity: Int, _ plan: EntityPlan, _ file: DataFile, source: DataSource, lenient: Bool) throws(LoadError) -> PreparedFile {
        let path = source.path(file.name)
        var bytes = try source.map(file.name)
        var sheetRows: [Int]?
        if file.format == .xlsx {
            let csv: (bytes: [UInt8], rows: [Int])
            let workbook = try source.read(file.name)
            do throws(XLSXError) {
                csv = try WorkbookCSV.make(workbook, sheet: plan.mapping?.sheet)
            } catch {
                throw LoadError(file: path, kind: "bad workbook", message: error.description)
            }
            bytes = FileBytes(array: csv.bytes)
            sheetRows = csv.rows
        }
        var prepared = PreparedFile(entity: entity, plan: plan, def: plan.def, file: file.name, path: path, jsonl: file.format == .jsonl, format: file.format,
                                    bytes: bytes, sheetRows: sheetRows)
        let buf = bytes.buffer
        func checkUTF8(_ range: Range<Int>) throws(LoadError) {
            if let bad = firstInvalidUTF8(UnsafeBufferPointer(rebasing: buf[range])) { throw invalidUTF8(range.lowerBound + bad, buf, path) }
        }
        if file.format == .jsonl { return prepared }
        do throws(LoadError) {
            let header = try readCSVHeader(plan, file.name, buf, path: path)
            try checkUTF8(0..<header.dataStart)
            prepared.def = header.plan.def
            prepared.layout = CSVLayout(def: header.plan.def, sources: header.plan.sources, rules: header.plan.rules, headerCount: header.count,
                                        path: path, lenient: lenient, releasesParsedPages: bytes.isMapped, columnsAreFields: file.format == .xlsx)
            prepared.dataStart = header.dataStart
            prepared.firstLine = header.firstLine
            return prepared
        } catch {
            // A header that does not read may be so because of its encoding: that is the first problem.
            try checkUTF8(0..<buf.count)
            throw error
        }
    }

    static func invalidUTF8(_ offset: Int, _ buf: UnsafeBufferPointer<UInt8>, _ path: String) -> LoadError {
        let (line, col) = lineAndColumn(of: offset, in: buf)
        return LoadError(file: path, line: line, column: col, kind: "invalid UTF-8", message: "invalid UTF-8 byte 0x\(String(buf[offset], radix: 16, uppercase: true))")
    }

    /// How many pieces to cut each file into (`files`: record bytes, and whether it can be cut)
    /// so that `cores` workers, each taking the largest piece left, finish close together.
    /// Files are cut one more piece at a time, the one with the largest pieces first, until the
    /// busiest worker has at most a twentieth more than an even share, or pieces would be
    /// smaller than 8 MiB.
    static func piecesPerFile(_ files: [(bytes: Int, splittable: Bool)], cores: Int) -> [Int] {
        var pieces = [Int](repeating: 1, count: files.count)
        let total = files.reduce(0) { $0 + $1.bytes }
        let even = Double(total) / Double(max(1, cores))
        for _ in 0..<256 {
            var sizes: [Int] = []
            for (i, f) in files.enumerated() { sizes += [Int](repeating: f.bytes / pieces[i], count: pieces[i]) }
            var load = [Int](repeating: 0, count: max(1, cores))
            for size in sizes.sorted(by: >) {
                let least = load.indices.min { load[$0] < load[$1] }!
                load[least] += size
            }
            guard Double(load.max()!) > even * 1.05,
                  let cut = files.indices.filter({ files[$0].splittable && files[$0].bytes / (pieces[$0] + 1) >= 8 << 20 })
                      .max(by: { files[$0].bytes / pieces[$0] < files[$1].bytes / pieces[$1] }) else { break }
            pieces[cut] += 1
        }
        return pieces
    }

    /// A file's records cut into `pieces` ranges of about equal size, each starting a line.
    /// (A cut may fall inside a quoted field; ``joinPieces(_:_:)`` parses that stretch again.)
    static func splitAtLines(_ file: PreparedFile, pieces: Int) -> [Range<Int>] {
        let buf = file.bytes.buffer
        if file.jsonl { return [0..<buf.count] }
        let size = max(1, (file.recordBytes + pieces - 1) / pieces)
        var starts = [file.dataStart]
        var p = file.dataStart + size
        while p < buf.count {
            while p < buf.count, buf[p - 1] != 10 { p += 1 }
            if p < buf.count { starts.append(p) }
            p += size
        }
        return zip(starts, starts.dropFirst() + [buf.count]).map { $0..<$1 }
    }

    /// One parse task: a piece of a file, checked to be UTF-8, then parsed.
    static func parsePiece(_ file: PreparedFile, piece: Int, lenient: Bool) -> ParsedPiece {
        let buf = file.bytes.buffer
        let range = file.ranges[piece]
        if let bad = firstInvalidUTF8(UnsafeBufferPointer(rebasing: buf[range])) { return .invalidUTF8(range.lowerBound + bad) }
        guard let layout = file.layout else {
            do throws(LoadError) { return .jsonl(.success(try parseJSONLines(file.plan, file.file, buf, path: file.path, lenient: lenient))) } catch { return .jsonl(.failure(error)) }
        }
        // The first piece's columns become the file's: they reserve room for all of it
        // (pages never written cost nothing), so later pieces append without moving them.
        return .chunk(parseCSVChunk(buf, from: range.lowerBound, to: range.upperBound, layout, reserving: piece == 0 ? file.recordBytes : nil))
    }

    /// Rows read from one file, before ids are indexed and custom fields typed.
    struct ParsedRows {
        var def: EntityDef
        var builders: [ColumnBuilder]
        var lines: [Int32] = []
        var skipped = SkipReport()
        var idIndex = ByteHashIndex()

        /// Another file's rows of the same fields, after these.
        mutating func append(_ other: ParsedRows) {
            for (b, o) in zip(builders, other.builders) {
                b.append(o)
                o.clear()
            }
            lines += other.lines
            skipped.merge(other.skipped)
        }

        /// The same rows' description without their data (what is left where they were moved from).
        func emptied() -> ParsedRows { ParsedRows(def: def, builders: []) }
    }

    /// Indexes ids; a duplicate is an error, or with `lenient` its later rows are dropped.
    /// `buf`: the file, to locate a duplicate's column (nil: not located). `keyName`: the
    /// field rows are keyed by, whose values must also differ when compared as `=` does
    /// (without regard to case).
    static func indexIDs(_ rows: inout ParsedRows, _ buf: UnsafeBufferPointer<UInt8>?, spans: [FileSpan], jsonl: Bool, keyName: String?,
                         lenient: Bool) throws(LoadError) {
        let ids = rows.builders[0].strings
        var index = ByteHashIndex(capacity: rows.lines.count)
        var keep: [Bool]?
        let kind = keyName == nil ? "duplicate id" : "duplicate key"
        func file(_ row: Int) -> FileSpan? { spans.last { $0.firstRow <= row } ?? spans.first }
        func place(_ row: Int) -> String {
            let line = rows.lines[row]
            guard spans.count > 1, let f = file(row) else { return "line \(line)" }
            return "line \(line) of \(f.name)"
        }
        var duplicates = index.insertAll(ids)
        if keyName != nil {
            // Keys match as `=` compares: "Acme" and "ACME" name one row.
            var firstOf: [String: Int] = [:]
            var exact = Set(duplicates.map(\.row))
            for row in 0..<ids.count where !exact.contains(row) {
                let k = foldedKey(ids.string(row))
                if let first = firstOf[k] {
                    duplicates.append((row, first))
                    exact.insert(row)
                } else {
                    firstOf[k] = row
                }
            }
            duplicates.sort { $0.row < $1.row }
        }
        for (row, first) in duplicates {
            if keep == nil { keep = [Bool](repeating: true, count: rows.lines.count) }
            keep?[row] = false
            let id = ids.string(row)
            let shown = "\"" + (id.count > 40 ? String(id.prefix(40)) + "…" : id) + "\""
            let idField = rows.builders[0].source ?? 0
            // Only the first duplicate, the one reported, is located to its column: that reads
            // the file again from the start (a file of many duplicates must not read it once each).
            let located = rows.skipped.counts[kind] == nil
            let column: Int? = jsonl ? 1 : (located ? buf.map { columnOf(line: Int(rows.lines[row]), field: idField, in: $0) } : nil)
            let message = keyName.map { "duplicate \($0) \(shown) (first on \(place(first))): rows keyed by \($0) need a different \($0) each" }
                ?? "duplicate id \(shown) (first on \(place(first)))"
            rows.skipped.add(LoadError(file: file(row)?.path ?? "", line: Int(rows.lines[row]), column: column, kind: kind, message: message))
            if !lenient { break }
        }
        guard let keep else {
            rows.idIndex = index
            return
        }
        if !lenient, let first = rows.skipped.examples[kind] { throw first }
        for b in rows.builders { b.compact(keep) }
        rows.lines = zip(rows.lines, keep).filter(\.1).map(\.0)
        let kept = rows.builders[0].strings
        var rebuilt = ByteHashIndex(capacity: rows.lines.count)
        _ = rebuilt.insertAll(kept)
        rows.idIndex = rebuilt
    }

    // MARK: - JSON lines

    static func parseJSONLines(_ plan: EntityPlan, _ file: String, _ buf: UnsafeBufferPointer<UInt8>, path: String, lenient: Bool) throws(LoadError) -> ParsedRows {
        let declared = plan.def
        var rows = ParsedRows(def: declared, builders: declared.fields.map { ColumnBuilder(field: $0, entity: declared.name, rules: plan.rules(for: $0)) })
        var reader = JSONLineReader(bytes: buf)
        // Normalized member name → builder (-1: a member the mapping drops).
        var byKey: [String: Int] = [:]
        for (i, b) in rows.builders.enumerated() { byKey[normalizeHeader(b.field.name)] = i }
        for c in plan.mapping?.columns ?? [] {
            if let field = c.field {
                if let i = byKey[normalizeHeader(field)] { byKey[c.header] = i }
            } else {
                byKey[c.header] = -1
            }
        }
        let keyIndex = plan.mapping?.key.flatMap { byKey[normalizeHeader($0)] }
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
                    let written = String(decoding: reader.keys[k], as: UTF8.self)
                    let declaredType = plan.mapping?.types.first { normalizeHeader($0.field) == name }
                    var field = FieldDef(declaredType?.field ?? written, declaredType?.type ?? .string, isCustom: true,
                                         origin: plan.isMapped ? "\(file): \(written)" : nil)
                    field.inferType = declaredType == nil
                    if let r = plan.relationships.first(where: { normalizeHeader($0.field) == name }) {
                        field.inferType = false
                        try LoadPlan.attach(r, to: &field, plan.mistake)
                    }
                    let custom = ColumnBuilder(field: field, entity: declared.name, rules: plan.rules(for: field))
                    for _ in 0..<rows.lines.count { custom.appendNull() }
                    rows.builders.append(custom)
                    cells.append(nil)
                    lists.append(nil)
                    rows.def.fields.append(custom.field)
                    index = rows.builders.count - 1
                    byKey[name] = index
                }
                guard let bi = index, bi >= 0 else { continue }
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
            // Rows keyed by a field take their id from it.
            if let keyIndex, keyIndex > 0, cells[0] == nil { cells[0] = cells[keyIndex] }
            for (bi, b) in rows.builders.enumerated() where cells[bi] == nil && lists[bi] == nil {
                if let c = b.constant { cells[bi] = c }
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
        for b in rows.builders { b.seal() }
        return rows
    }

    // MARK: - CSV

    /// A CSV file's header: the entity with the file's custom columns added, which cell feeds
    /// each field, and where the records start.
    static func readCSVHeader(_ plan: EntityPlan, _ file: String, _ buf: UnsafeBufferPointer<UInt8>, path: String) throws(LoadError)
        -> (plan: HeaderPlan, count: Int, dataStart: Int, firstLine: Int) {
        var reader = CSVReader(bytes: buf)
        let hasHeader: Bool
        do throws(CSVReader.Problem) { hasHeader = try reader.next() } catch { throw csvProblem(error, path, buf, lineOffset: 0) }
        guard hasHeader else {
            throw LoadError(file: path, line: 1, column: 1, kind: "empty file", message: "the file is empty (expected a header row)")
        }
        let headerCount = reader.fieldCount
        var names: [String] = []
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
            names.append(raw)
        }
        let header = try plan.resolve(header: names, file: file, path: path)
        return (header, headerCount, reader.position, reader.line)
    }

    /// A file's parsed pieces as one set of rows: errors first (UTF-8, then the first in the
    /// file), the line numbers made absolute, then the later pieces' columns appended to the
    /// first's, a task per column.
    static func joinPieces(_ file: PreparedFile, _ pieces: [ParsedPiece]) throws(LoadError) -> ParsedRows {
        let buf = file.bytes.buffer
        for case .invalidUTF8(let offset) in pieces { throw invalidUTF8(offset, buf, file.path) }
        guard let layout = file.layout else {
            guard case .jsonl(let rows) = pieces.first else { preconditionFailure("a JSON lines file produced no rows") }
            return try rows.get()
        }
        var chunks: [CSVChunk] = []
        var expected = file.dataStart
        for (i, piece) in pieces.enumerated() {
            guard case .chunk(var chunk) = piece else { preconditionFailure("a CSV piece produced no chunk") }
            if chunk.start != expected {
                // The piece began inside a quoted field: parse again from where the one before really ended.
                if expected >= file.ranges[i].upperBound { continue }  // the previous piece's last record covered this one
                chunk = parseCSVChunk(buf, from: expected, to: file.ranges[i].upperBound, layout, reserving: nil)
            }
            expected = chunk.stop
            chunks.append(chunk)
        }
        guard let first = chunks.first else { preconditionFailure("a CSV file produced no chunk") }
        var rows = ParsedRows(def: file.def, builders: first.builders)
        // Errors and line numbers first (in file order), then the columns.
        rows.lines.reserveCapacity(chunks.reduce(0) { $0 + $1.lines.count })
        var lineOffset = file.firstLine - 1
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
        // Each task appends to one column's builder: builders are never shared between tasks.
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
        /// Each field's cell rules (a mapping's), nil for folio's own formats.
        var rules: [CellRules?]
        var headerCount: Int
        var path: String
        var lenient: Bool
        /// The bytes are a mapped file: parsed stretches are handed back to the kernel as the
        /// parse goes (they are read again from the page cache if an error needs them), so
        /// that a file's pages and its columns are not both resident.
        var releasesParsedPages = false
        /// A workbook made CSV: a message's column is the cell's column (A = 1), not a
        /// character of the CSV line.
        var columnsAreFields = false

        func column(_ reader: CSVReader, _ field: Int) -> Int { columnsAreFields ? field + 1 : reader.column(ofField: field) }
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
        let builders = layout.def.fields.enumerated().map { i, f in ColumnBuilder(field: f, entity: layout.def.name, rules: layout.rules[i]) }
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
                problem = LoadError(file: path, line: reader.recordLine, column: layout.column(reader, idSource), kind: "missing id", message: "the row has no id")
            } else {
                // Cells go straight into their columns; a bad one takes the row back.
                for (b, s) in sourced {
                    if let message = b._withUnsafeGuaranteedRef({ $0.append(reader.field(s)) }) {
                        problem = LoadError(file: path, line: reader.recordLine, column: layout.column(reader, s),
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
            for b in unsourced {
                b._withUnsafeGuaranteedRef { b in
                    if let c = b.constant { _ = b.append(c) } else { b.appendNull() }
                }
            }
            chunk.lines.append(Int32(clamping: reader.recordLine))
        }
        chunk.stop = reader.position
        chunk.newlines = reader.line - 1
        for b in builders { b.seal() }
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

    /// The one line that says which files of the folder no entity reads, and how to read one.
    static func skippedNote(_ files: [String]) -> String {
        let shown = files.prefix(6).joined(separator: ", ") + (files.count > 6 ? ", …" : "")
        return "note: skipped \(shown): no entity reads \(files.count == 1 ? "it" : "them") (to load a file, map it in folio.json: \"entities\": {\"NAME\": {\"file\": \"\(files[0])\", \"fields\": {…}}}; folio init proposes one)"
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
        // The mapping's null texts and labels were applied as the strings were kept; its date
        // format decides whether they are dates.
        let format = b.rules?.rules.dateFormat ?? .iso
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
                    case .date: return (format.day(cell) ?? CellParse.date(cell)) == nil
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
        field.inferType = false
        if type == .string { return (field, b.finish()) }
        let typed = ColumnBuilder(field: field, entity: entity,
                                  rules: format.isISO ? nil : CellRules(nulls: [], labels: [], dateFormat: format, listSeparator: nil, constant: nil))
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

    static func resolveReferences(_ parsed: inout [ParsedEntity], source: DataSource, lenient: Bool, skipped: inout SkipReport) throws(LoadError) {
        // Every foreign key, looked up in its target's id index: one task per key field.
        var found: [(entity: Int, field: Int, target: Int)] = []
        for ei in parsed.indices {
            for (fi, field) in parsed[ei].def.fields.enumerated() {
                if let ref = field.reference, let ti = parsed.firstIndex(where: { $0.def.name == ref.target }) { found.append((ei, fi, ti)) }
            }
        }
        // One task per stretch of a million keys, so that a long key column does not keep one
        // core busy alone. Each task writes its stretch of the key's links in place.
        let stretch = 1 << 20
        var tasks: [KeyStretch] = []
        var links: [[Int32]] = []
        var resolved: [Bool] = []
        for (ei, fi, ti) in found {
            let n = parsed[ei].rowCount
            var into = [Int32](unsafeUninitializedCapacity: n) { _, count in count = n }
            let pointer = into.withUnsafeMutableBufferPointer { $0 }
            links.append(into)
            into = []
            guard case .string(let keys) = parsed[ei].columns[fi], case .string(let ids) = parsed[ti].columns[0] else {
                pointer.update(repeating: -1)
                resolved.append(false)
                continue
            }
            resolved.append(true)
            for lo in stride(from: 0, to: n, by: stretch) {
                tasks.append(KeyStretch(keys: keys, rows: lo..<min(n, lo + stretch), ids: ids, index: parsed[ti].idIndex, into: pointer))
            }
        }
        let work = UncheckedBox(tasks)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { t in work.value[t].resolve() }
        tasks = []
        var results: [(links: [Int32], dangling: [Int])?] = []
        for k in links.indices {
            var dangling: [Int] = []
            let (ei, fi, ti) = found[k]
            // Rows keyed by a field (folio.json's key) are named as `=` compares: a key that
            // is no exact match may still be one without regard to case.
            let keyed = parsed[ti].key != nil
            let target = parsed[ti]
            let keys: StringColumn? = if case .string(let c) = parsed[ei].columns[fi] { c } else { nil }
            links[k].withUnsafeMutableBufferPointer { links in
                for row in links.indices where links[row] == -2 {
                    if keyed, let keys, case .string(let ids) = target.columns[0] {
                        let hits = keys.bytes.withUnsafeBufferPointer { target.idIndex.lookupFolded(UnsafeBufferPointer(rebasing: $0[keys.range(row)]), in: ids) }
                        if hits.count == 1 {
                            links[row] = hits[0]
                            continue
                        }
                    }
                    dangling.append(row)
                    links[row] = -1
                }
            }
            results.append((links[k], dangling))
        }
        links = []
        let keyFields = found
        for (k, (ei, fi, ti)) in keyFields.enumerated() {
            let field = parsed[ei].def.fields[fi]
            guard let ref = field.reference, case .string(var keys) = parsed[ei].columns[fi], let (links, dangling) = results[k] else { continue }
            if !dangling.isEmpty {
                let p = parsed[ei]
                let by = parsed[ti].key.map { parsed[ti].def.fields[$0].name } ?? "id"
                /// Only the first problem is located to its column: that reads the file again.
                func error(_ row: Int, locate: Bool) -> LoadError {
                    LoadError(file: p.path(ofRow: row), line: Int(p.lines[row]), column: locate ? locateColumn(source, p, row: row, field: field.name) : nil,
                              kind: "dangling key", message: "'\(field.name)' is \"\(keys.string(row))\", but no \(ref.target) row has that \(by)")
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
            if resolved[k] {
                // Every key left names its target's row exactly: its text is that row's id.
                parsed[ei].columns[fi] = .string(StringColumn())
                parsed[ei].keyTargets[fi] = ti
            }
        }
    }

    /// A self-referencing key must make a tree: a cycle (A's parent is B, B's is A) is a load
    /// error naming its rows, or with `lenient` broken at the row read last (its key becomes
    /// null, reported like a dangling key).
    static func breakCycles(_ parsed: inout [ParsedEntity], source: DataSource, lenient: Bool, skipped: inout SkipReport) throws(LoadError) {
        for ei in parsed.indices {
            guard let f = parsed[ei].def.hierarchyField, var links = parsed[ei].links[f] else { continue }
            let cycles = Hierarchy.cycles(links)
            if cycles.isEmpty { continue }
            let p = parsed[ei]
            guard case .string(let ids) = p.columns[0] else { continue }
            let field = p.def.fields[f].name
            for cycle in cycles {
                let last = cycle.max() ?? cycle[0]
                // Named from the row read last, round the cycle back to it.
                let from = cycle.firstIndex(of: last) ?? 0
                let rows = Array(cycle[from...] + cycle[..<from]) + [last]
                let names = rows.map { "\"\(ids.string($0))\" (line \(p.lines[$0]))" }.joined(separator: " → ")
                let error = LoadError(file: p.path(ofRow: last), line: Int(p.lines[last]), kind: "cycle",
                                      message: "'\(field)' makes a cycle: \(names); a row cannot be above itself")
                guard lenient else { throw error }
                skipped.add(error)
                links[last] = -1
            }
            parsed[ei].links[f] = links
        }
    }

    /// One task of key resolution: a stretch of a key column looked up in its target's ids.
    struct KeyStretch: @unchecked Sendable {
        var keys: StringColumn
        var rows: Range<Int>
        var ids: StringColumn
        var index: ByteHashIndex
        /// The key column's links, which this task writes for `rows` only.
        var into: UnsafeMutableBufferPointer<Int32>

        func resolve() { index.lookupAll(keys, rows: rows, in: ids, into: into) }
    }

    /// The column of a field on a row's line, found by reading the file again (only for messages).
    static func locateColumn(_ source: DataSource, _ p: ParsedEntity, row: Int, field: String) -> Int? {
        guard let file = p.file(ofRow: row), file.format == .csv, let bytes = try? source.read(file.name) else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> Int? in
            var reader = CSVReader(bytes: buf)
            guard (try? reader.next()) == true else { return nil }
            // The column the field came from: its own name, or the header its origin names.
            var wanted = [normalizeHeader(field)]
            if let origin = p.def.fields.first(where: { $0.name == field })?.origin, let colon = origin.range(of: ": ") {
                wanted.append(normalizeHeader(String(origin[colon.upperBound...]).replacingOccurrences(of: " (mapped)", with: "")))
            }
            for h in 0..<reader.fieldCount where wanted.contains(normalizeHeader(String(decoding: reader.field(h), as: UTF8.self))) {
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
/// `buffer` is valid while this object lives (the array is never mutated, so its storage stays put).
final class FileBytes: @unchecked Sendable {
    private let mapped: UnsafeRawPointer?
    private let array: [UInt8]
    let buffer: UnsafeBufferPointer<UInt8>

    init(mapped: UnsafeRawPointer, count: Int) {
        self.mapped = mapped
        array = []
        buffer = UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: count)
    }

    init(array: [UInt8]) {
        mapped = nil
        self.array = array
        buffer = array.withUnsafeBufferPointer { $0 }
    }

    deinit {
        if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped), buffer.count) }
    }

    var isMapped: Bool { mapped != nil }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(buffer) }
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
