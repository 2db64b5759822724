import CSafety
import Foundation

/// A binary image of a loaded ``Store`` — columns, id indexes, links, collections, secondary
/// indexes and the schema as loaded (custom fields included) — so that a data directory that
/// has not changed reopens without parsing.
///
/// Layout: a 48-byte header (magic, format version, manifest length and hash, blob count,
/// hash of the blob table), the blob table (kind, element count, file offset and hash of each
/// array), the manifest (everything small: names, labels, counts, which blob holds what, and
/// the fingerprint of the source files), then the arrays themselves, each at a 64-byte
/// boundary. Every part is hashed, and the arrays are read straight into typed arrays, two
/// at a time. Any mismatch (magic, version, lengths, a hash, a count that does not fit the
/// table it belongs to) makes the snapshot unusable; the caller then parses the files.
public enum Snapshot {
    static let magic: UInt64 = 0x314E_5350_4F49_4C46  // "FLIOPSN1", little-endian
    static let version: UInt64 = 7

    /// Why a snapshot could not be used.
    public struct Unusable: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    // MARK: - Arrays

    /// One array of the image.
    enum Blob {
        case u8(StoreArray<UInt8>), i8(StoreArray<Int8>), i32(StoreArray<Int32>), i64(StoreArray<Int64>), u64(StoreArray<UInt64>)
        case f64(StoreArray<Double>), u32(StoreArray<UInt32>)

        var kind: UInt64 {
            switch self {
            case .u8: 1
            case .i8: 2
            case .i32: 3
            case .i64: 4
            case .u64: 5
            case .f64: 7
            case .u32: 8
            }
        }

        var count: Int {
            switch self {
            case .u8(let a): a.count
            case .i8(let a): a.count
            case .i32(let a): a.count
            case .i64(let a): a.count
            case .u64(let a): a.count
            case .f64(let a): a.count
            case .u32(let a): a.count
            }
        }

        static func elementSize(_ kind: UInt64) -> Int? {
            switch kind {
            case 1, 2: 1
            case 3, 8: 4
            case 4, 5, 7: 8
            default: nil
            }
        }

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case .u8(let a): a.withUnsafeBytes(body)
            case .i8(let a): a.withUnsafeBytes(body)
            case .i32(let a): a.withUnsafeBytes(body)
            case .i64(let a): a.withUnsafeBytes(body)
            case .u64(let a): a.withUnsafeBytes(body)
            case .f64(let a): a.withUnsafeBytes(body)
            case .u32(let a): a.withUnsafeBytes(body)
            }
        }

        /// The `count` elements of `kind` at `bytes` (64-byte aligned), which `mapping` keeps alive.
        static func borrowed(kind: UInt64, count: Int, at bytes: UnsafeRawPointer, in mapping: Mapping) -> Blob? {
            func typed<T>(_ t: T.Type) -> StoreArray<T> {
                StoreArray(borrowing: bytes.assumingMemoryBound(to: T.self), count: count, keeper: mapping)
            }
            switch kind {
            case 1: return .u8(typed(UInt8.self))
            case 2: return .i8(typed(Int8.self))
            case 3: return .i32(typed(Int32.self))
            case 4: return .i64(typed(Int64.self))
            case 5: return .u64(typed(UInt64.self))
            case 7: return .f64(typed(Double.self))
            case 8: return .u32(typed(UInt32.self))
            default: return nil
            }
        }
    }

    /// A snapshot file mapped read-only, unmapped when the last array borrowing it goes.
    final class Mapping: @unchecked Sendable {
        let base: UnsafeRawPointer
        let size: Int

        /// Maps all of `fd` (`size` bytes), its page tables filled up front.
        init?(_ fd: Int32, size: Int) {
            #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
            #else
            let flags = MAP_PRIVATE
            #endif
            guard size > 0, let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED else { return nil }
            base = UnsafeRawPointer(p)
            self.size = size
        }

        deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

        func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + offset, count: count) }
    }

    // MARK: - The manifest

    /// Writes the manifest: little-endian integers, length-prefixed strings, blob numbers.
    struct Encoder {
        var bytes: [UInt8] = []
        var blobs: [Blob] = []

        mutating func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func bool(_ v: Bool) { int(v ? 1 : 0) }
        mutating func string(_ s: String) {
            int(s.utf8.count)
            bytes.append(contentsOf: s.utf8)
        }
        mutating func strings(_ list: [String]) {
            int(list.count)
            for s in list { string(s) }
        }
        mutating func blob(_ b: Blob) {
            int(blobs.count)
            blobs.append(b)
        }
    }

    /// Reads the manifest back, checking every length against what is left.
    struct Decoder {
        let bytes: [UInt8]
        var position = 0
        var blobs: [Blob?]
        /// Checks of every element of large arrays (codes in range, offsets in order, rows that
        /// exist), run side by side once everything is decoded.
        var checks: [(String, () -> Bool)] = []

        mutating func check(_ what: String, _ holds: @escaping () -> Bool) { checks.append((what, holds)) }

        func runChecks() throws(Unusable) {
            let failed = ResultSlots<String>(count: 1)
            let all = UncheckedBox(checks)
            DispatchQueue.concurrentPerform(iterations: checks.count) { i in
                let (what, holds) = all.value[i]
                if !holds() { failed.set(0, what) }
            }
            if let what = failed.takeAll()[0] { throw Unusable(what) }
        }

        mutating func int() throws(Unusable) -> Int {
            guard position + 8 <= bytes.count else { throw Unusable("the manifest ends early") }
            var v: Int64 = 0
            for i in 0..<8 { v |= Int64(bytes[position + i]) << (8 * i) }
            position += 8
            return Int(v)
        }
        mutating func count(max: Int = 1 << 40) throws(Unusable) -> Int {
            let n = try int()
            guard n >= 0, n <= max else { throw Unusable("a count out of range") }
            return n
        }
        mutating func bool() throws(Unusable) -> Bool { try int() != 0 }
        mutating func string() throws(Unusable) -> String {
            let n = try count(max: bytes.count - position)
            defer { position += n }
            return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
        }
        mutating func strings() throws(Unusable) -> [String] {
            let n = try count(max: bytes.count)
            var out: [String] = []
            for _ in 0..<n { out.append(try string()) }
            return out
        }
        mutating func blob() throws(Unusable) -> Blob {
            let i = try int()
            guard i >= 0, i < blobs.count, let b = blobs[i] else { throw Unusable("a missing array") }
            blobs[i] = nil  // each array is used once; let it go with its owner
            return b
        }
        mutating func u8(_ n: Int?) throws(Unusable) -> StoreArray<UInt8> {
            guard case .u8(let a) = try blob(), n == nil || a.count == n else { throw Unusable("an array of the wrong kind or size") }
            return a
        }
        mutating func i8(_ n: Int) throws(Unusable) -> StoreArray<Int8> {
            guard case .i8(let a) = try blob(), a.count == n else { throw Unusable("an array of the wrong kind or size") }
            return a
        }
        mutating func i32(_ n: Int?) throws(Unusable) -> StoreArray<Int32> {
            guard case .i32(let a) = try blob(), n == nil || a.count == n else { throw Unusable("an array of the wrong kind or size") }
            return a
        }
        mutating func i64(_ n: Int) throws(Unusable) -> StoreArray<Int64> {
            guard case .i64(let a) = try blob(), a.count == n else { throw Unusable("an array of the wrong kind or size") }
            return a
        }
        mutating func u64() throws(Unusable) -> StoreArray<UInt64> {
            guard case .u64(let a) = try blob() else { throw Unusable("an array of the wrong kind") }
            return a
        }
        mutating func u32(_ n: Int) throws(Unusable) -> StoreArray<UInt32> {
            guard case .u32(let a) = try blob(), a.count == n else { throw Unusable("an array of the wrong kind or size") }
            return a
        }
        mutating func f64(_ n: Int) throws(Unusable) -> StoreArray<Double> {
            guard case .f64(let a) = try blob(), a.count == n else { throw Unusable("an array of the wrong kind or size") }
            return a
        }
    }

    // MARK: - Writing

    /// Writes the image of `store` to `path` atomically (a temporary file renamed into place);
    /// `sources` is the fingerprint of the files it was loaded from.
    public static func write(_ store: Store, sources: SourceFingerprint, to path: String) throws(Unusable) {
        var e = Encoder()
        sources.encode(&e)
        encode(store, &e)
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Unusable("cannot create \(directory): \(error.localizedDescription)")
        }
        // Unique per write: the REPL may write two snapshots of one directory at once.
        let temporary = path + ".\(getpid())-\(UUID().uuidString.prefix(8)).tmp"
        let slot = folio_temporary_begin(temporary)
        defer { folio_temporary_done(slot) }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Unusable("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        // Where each array goes, and its hash.
        var table: [UInt64] = []
        var offset = align(48 + e.blobs.count * 32 + e.bytes.count)
        var offsets: [Int] = []
        let hashes = ResultSlots<UInt64>(count: e.blobs.count)
        let blobs = UncheckedBox(e.blobs)
        DispatchQueue.concurrentPerform(iterations: e.blobs.count) { i in hashes.set(i, blobs.value[i].withBytes { Checksum.hash($0) }) }
        for (i, h) in hashes.takeAll().enumerated() {
            let b = e.blobs[i]
            let size = b.count * (Blob.elementSize(b.kind) ?? 1)
            offsets.append(offset)
            table += [b.kind, UInt64(b.count), UInt64(offset), h ?? 0]
            offset = align(offset + size)
        }
        let tableHash = table.withUnsafeBytes { Checksum.hash($0) }
        let header: [UInt64] = [magic, version, UInt64(e.bytes.count), e.bytes.withUnsafeBytes { Checksum.hash($0) }, UInt64(e.blobs.count), tableHash]
        guard header.withUnsafeBytes({ writeAll(fd, $0, at: 0) }),
              table.withUnsafeBytes({ writeAll(fd, $0, at: 48) }),
              e.bytes.withUnsafeBytes({ writeAll(fd, $0, at: 48 + table.count * 8) }) else {
            throw Unusable("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        // Two writers: pwrite at distinct offsets.
        let failures = ResultSlots<Int32>(count: 1)
        let places = UncheckedBox(offsets)
        let next = WorkCounter()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while let i = next.take(below: blobs.value.count) {
                if !blobs.value[i].withBytes({ writeAll(fd, $0, at: places.value[i]) }) { failures.set(0, errno) }
            }
        }
        if let code = failures.takeAll()[0] { throw Unusable("cannot write \(temporary): \(String(cString: strerror(code)))") }
        guard ftruncate(fd, off_t(offset)) == 0, rename(temporary, path) == 0 else {
            throw Unusable("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
    }

    static func align(_ n: Int) -> Int { (n + 63) & ~63 }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, min(bytes.count - done, 1 << 30), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    static func encode(_ store: Store, _ e: inout Encoder) {
        e.int(store.asOf.map(Int.init) ?? Int(Int32.min))
        e.int(store.fiscalYearStart)
        e.int(store.tables.count)
        for t in store.tables {
            encode(t.def, &e)
            e.int(t.rowCount)
            for f in t.columns.indices {
                // A derived key stores nothing of its own: its links and its target's ids are stored.
                if t.columns.keys[f] != nil { e.int(8) } else { encode(t.columns.storedColumn(f), &e) }
            }
            let raw = t.idIndex.raw
            e.blob(.u64(raw.slots))
            e.int(raw.used)
            e.int(t.links.count)
            for (field, links) in t.links.sorted(by: { $0.key < $1.key }) {
                e.int(field)
                e.blob(.i32(links))
            }
            e.int(t.collections.count)
            for (name, csr) in t.collections.sorted(by: { $0.key < $1.key }) {
                e.string(name)
                encode(csr, &e)
            }
            e.int(t.hierarchies.count)
            for (field, h) in t.hierarchies.sorted(by: { $0.key < $1.key }) {
                e.int(field)
                for a in [h.order, h.position, h.end, h.root, h.depth] { e.blob(.i32(a)) }
            }
            e.int(t.indexes.postings.count)
            for (field, csr) in t.indexes.postings.sorted(by: { $0.key < $1.key }) {
                e.int(field)
                encode(csr, &e)
            }
            e.int(t.indexes.sorted.count)
            for (field, index) in t.indexes.sorted.sorted(by: { $0.key < $1.key }) {
                e.int(field)
                e.blob(.i32(index.order))
                e.int(index.distinct)
            }
            e.int(t.indexes.stats.count)
            for (field, stats) in t.indexes.stats.sorted(by: { $0.key < $1.key }) {
                e.int(field)
                e.int(stats.nulls)
                e.int(stats.distinct)
            }
        }
    }

    static func encode(_ def: EntityDef, _ e: inout Encoder) {
        e.string(def.name)
        e.int(def.fields.count)
        for f in def.fields {
            e.string(f.name)
            e.int(fieldTypes.firstIndex(of: f.type) ?? 0)
            e.strings(f.enumValues)
            e.bool(f.isCustom)
            e.bool(f.reference != nil)
            if let r = f.reference { e.strings([r.target, r.name, r.inverse]) }
            e.strings(f.origin.map { [$0] } ?? [])
        }
    }

    static let fieldTypes: [FieldType] = [.string, .int, .money, .decimal, .date, .bool, .enumeration, .stringList]

    static func encode(_ c: Column, _ e: inout Encoder) {
        switch c {
        case .int(let a): e.int(0); e.blob(.i64(a))
        case .money(let a): e.int(1); e.blob(.i64(a))
        case .decimal(let a): e.int(2); e.blob(.f64(a))
        case .date(let a): e.int(3); e.blob(.i32(a))
        case .bool(let a): e.int(4); e.blob(.i8(a))
        case .enumeration(let col):
            e.int(5)
            e.blob(.i32(col.codes))
            e.string(col.domain.name)
            e.strings(col.domain.labels)
            e.int(col.domain.declaredCount)
        case .string(let s):
            e.int(6)
            e.blob(.u8(s.bytes))
            e.blob(.u32(s.offsets))
        case .list(let l):
            e.int(7)
            e.blob(.i32(l.offsets))
            e.blob(.i32(l.items))
            e.strings(l.dictionary)
        }
    }

    static func encode(_ csr: CSR, _ e: inout Encoder) {
        e.blob(.i32(csr.offsets))
        e.blob(.i32(csr.rows))
    }

    // MARK: - Reading

    /// The store in the snapshot at `path`, if it is whole and `accept` takes the fingerprint
    /// of the files it was made from; else why not.
    public static func read(_ path: String, accept: (SourceFingerprint) -> Bool) throws(Unusable) -> Store {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Unusable("no snapshot") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Unusable("cannot read the snapshot") }
        let fileSize = Int(st.st_size)
        guard fileSize >= 48 else { throw Unusable("not a folio snapshot") }
        guard let mapping = Mapping(fd, size: fileSize) else { throw Unusable("cannot map the snapshot: \(String(cString: strerror(errno)))") }
        let header = (0..<6).map { mapping.base.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        guard header[0] == magic else { throw Unusable("not a folio snapshot") }
        guard header[1] == version else { throw Unusable("a snapshot of another version") }
        let manifestLength = Int(clamping: header[2]), blobCount = Int(clamping: header[4])
        guard blobCount < 1 << 24, manifestLength < fileSize, 48 + blobCount * 32 + manifestLength <= fileSize else { throw Unusable("a damaged header") }
        let tableBytes = mapping.bytes(48, blobCount * 32)
        guard Checksum.hash(tableBytes) == header[5] else { throw Unusable("a damaged table of arrays") }
        let table = (0..<(blobCount * 4)).map { tableBytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        let manifest = mapping.bytes(48 + blobCount * 32, manifestLength)
        guard Checksum.hash(manifest) == header[3] else { throw Unusable("a damaged manifest") }
        var d = Decoder(bytes: Array(manifest), blobs: [])
        let sources = try SourceFingerprint.decode(&d)
        guard accept(sources) else { throw Unusable("the data files changed") }
        d.blobs = try borrowBlobs(mapping, table)
        return try decodeStore(&d)
    }

    /// Every array, borrowed from the mapping once its place is inside the file, it is
    /// aligned, and its bytes hash as the table says: two hashed at a time, largest first.
    static func borrowBlobs(_ mapping: Mapping, _ table: [UInt64]) throws(Unusable) -> [Blob?] {
        let count = table.count / 4
        var order = Array(0..<count)
        order.sort { table[$0 * 4 + 1] > table[$1 * 4 + 1] }
        let slots = ResultSlots<Blob>(count: count)
        let next = WorkCounter()
        let work = UncheckedBox(order)
        let fileSize = mapping.size
        let workers = min(2, max(1, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let k = next.take(below: count) {
                let i = work.value[k]
                let kind = table[i * 4], n = Int(clamping: table[i * 4 + 1]), offset = Int(clamping: table[i * 4 + 2])
                guard let size = Blob.elementSize(kind), n <= fileSize / size, offset >= 0, offset % 64 == 0, offset <= fileSize - n * size,
                      Checksum.hash(mapping.bytes(offset, n * size)) == table[i * 4 + 3],
                      let blob = Blob.borrowed(kind: kind, count: n, at: mapping.base + offset, in: mapping) else { continue }
                slots.set(i, blob)
            }
        }
        let blobs = slots.takeAll()
        if blobs.contains(where: { $0 == nil }) { throw Unusable("a damaged array") }
        return blobs
    }

    static func decodeStore(_ d: inout Decoder) throws(Unusable) -> Store {
        let asOfRaw = try d.int()
        let fiscalYearStart = try d.int()
        guard (1...12).contains(fiscalYearStart) else { throw Unusable("a bad fiscal year start") }
        let tableCount = try d.count(max: 64)
        var defs: [EntityDef] = []
        var rowCounts: [Int] = []
        // Tables are made once all are read: a derived key needs its target's ids.
        var parts: [(columns: [Column], derived: [Int], idIndex: ByteHashIndex, links: [Int: StoreArray<Int32>], collections: [String: CSR], indexes: TableIndexes,
                     hierarchies: [Int: Hierarchy])] = []
        for _ in 0..<tableCount {
            let def = try decodeDef(&d)
            let rows = try d.count(max: Int(Int32.max) - 1)
            defs.append(def)
            rowCounts.append(rows)
            var columns: [Column] = []
            var derived: [Int] = []
            for f in def.fields.indices {
                let kind = try d.int()
                if kind == 8, f > 0, def.fields[f].reference != nil {
                    derived.append(f)
                    columns.append(.string(StringColumn()))
                } else {
                    columns.append(try decodeColumn(&d, kind: kind, rows: rows))
                }
            }
            guard columns.count == def.fields.count, case .string(let ids) = columns.first else { throw Unusable("a table without ids") }
            guard let idIndex = ByteHashIndex(rawSlots: try d.u64(), used: try d.int()) else { throw Unusable("a damaged id index") }
            d.check("a damaged id index") { Snapshot.allSlots(idIndex.raw.slots, below: ids.count) }
            var links: [Int: StoreArray<Int32>] = [:]
            for _ in 0..<(try d.count(max: def.fields.count)) {
                let field = try d.count(max: def.fields.count - 1)
                links[field] = try d.i32(rows)
            }
            var collections: [String: CSR] = [:]
            for _ in 0..<(try d.count(max: 64)) {
                let name = try d.string()
                collections[name] = try decodeCSR(&d, parents: rows)
            }
            var hierarchies: [Int: Hierarchy] = [:]
            for _ in 0..<(try d.count(max: 1)) {
                let field = try d.count(max: def.fields.count - 1)
                guard field == def.hierarchyField else { throw Unusable("a hierarchy of another field") }
                let h = Hierarchy(order: try d.i32(rows), position: try d.i32(rows), end: try d.i32(rows), root: try d.i32(rows), depth: try d.i32(rows))
                d.check("a damaged hierarchy") { Snapshot.wholeTree(h, rows: rows) }
                hierarchies[field] = h
            }
            var indexes = TableIndexes()
            for _ in 0..<(try d.count(max: def.fields.count)) {
                let field = try d.count(max: def.fields.count - 1)
                let csr = try decodeCSR(&d, parents: nil)
                guard csr.rows.count == rows else { throw Unusable("damaged postings") }
                d.check("damaged postings") { Snapshot.allRows(csr.rows, below: rows) }
                indexes.postings[field] = csr
            }
            for _ in 0..<(try d.count(max: def.fields.count)) {
                let field = try d.count(max: def.fields.count - 1)
                let order = try d.i32(nil)
                guard order.count <= rows else { throw Unusable("a damaged sorted index") }
                d.check("a damaged sorted index") { Snapshot.allRows(order, below: rows) }
                indexes.sorted[field] = SortedIndex(order: order, distinct: try d.count())
            }
            for _ in 0..<(try d.count(max: def.fields.count)) {
                let field = try d.count(max: def.fields.count - 1)
                indexes.stats[field] = ColumnStats(nulls: try d.count(), distinct: try d.count())
            }
            parts.append((columns, derived, idIndex, links, collections, indexes, hierarchies))
        }
        var tables: [EntityTable] = []
        for (t, p) in parts.enumerated() {
            var keyTargets: [Int: StringColumn] = [:]
            for f in p.derived {
                guard p.links[f] != nil, let target = defs[t].fields[f].reference?.target,
                      let ti = defs.firstIndex(where: { $0.name.caseInsensitiveEquals(target) }), case .string(let ids) = parts[ti].columns[0] else {
                    throw Unusable("a derived key without its links or target")
                }
                keyTargets[f] = ids
            }
            tables.append(EntityTable(def: defs[t], rowCount: rowCounts[t], columns: p.columns, idIndex: p.idIndex, links: p.links, collections: p.collections,
                                      indexes: p.indexes, keyTargets: keyTargets, hierarchies: p.hierarchies))
        }
        try checkReferences(tables, &d)
        try d.runChecks()
        return Store(schema: Schema(entities: defs), tables: tables, asOf: asOfRaw == Int(Int32.min) ? nil : Int32(clamping: asOfRaw), fiscalYearStart: fiscalYearStart)
    }

    static func decodeDef(_ d: inout Decoder) throws(Unusable) -> EntityDef {
        let name = try d.string()
        var fields: [FieldDef] = []
        for _ in 0..<(try d.count(max: 4096)) {
            let fieldName = try d.string()
            let type = try d.count(max: fieldTypes.count - 1)
            let values = try d.strings()
            let custom = try d.bool()
            var reference: Reference? = nil
            if try d.bool() {
                let r = try d.strings()
                guard r.count == 3 else { throw Unusable("a damaged relationship") }
                reference = Reference(target: r[0], name: r[1], inverse: r[2])
            }
            let origin = try d.strings()
            guard origin.count <= 1 else { throw Unusable("a damaged field") }
            fields.append(FieldDef(fieldName, fieldTypes[type], values: values, reference: reference, isCustom: custom, origin: origin.first))
        }
        guard !fields.isEmpty else { throw Unusable("an entity without fields") }
        return EntityDef(name: name, fields: fields)
    }

    static func decodeColumn(_ d: inout Decoder, kind: Int, rows: Int) throws(Unusable) -> Column {
        switch kind {
        case 0: return .int(try d.i64(rows))
        case 1: return .money(try d.i64(rows))
        case 2: return .decimal(try d.f64(rows))
        case 3: return .date(try d.i32(rows))
        case 4: return .bool(try d.i8(rows))
        case 5:
            let codes = try d.i32(rows)
            let name = try d.string()
            let labels = try d.strings()
            let declared = try d.count(max: labels.count)
            d.check("a damaged picklist column") { Snapshot.allRows(codes, below: labels.count, orNull: true) }
            var column = EnumColumn(domain: EnumDomain(name: name, declared: labels))
            column.domain.declaredCount = declared
            column.codes = codes
            return .enumeration(column)
        case 6:
            var s = StringColumn()
            s.bytes = try d.u8(nil)
            s.offsets = try d.u32(rows + 1)
            guard s.offsets.first == 0, Int(s.offsets.last ?? 1) == s.bytes.count else { throw Unusable("a damaged string column") }
            let offsets = s.offsets
            d.check("a damaged string column") { Snapshot.ascending(offsets) }
            return .string(s)
        case 7:
            var l = ListColumn()
            l.offsets = try d.i32(rows + 1)
            l.items = try d.i32(nil)
            l.dictionary = try d.strings()
            guard l.offsets.first == 0, Int(l.offsets.last ?? -1) == l.items.count else { throw Unusable("a damaged list column") }
            let list = l
            d.check("a damaged list column") { Snapshot.ascending(list.offsets) && Snapshot.allRows(list.items, below: list.dictionary.count) }
            return .list(l)
        default:
            throw Unusable("an unknown column kind")
        }
    }

    static func decodeCSR(_ d: inout Decoder, parents: Int?) throws(Unusable) -> CSR {
        let offsets = try d.i32(parents.map { $0 + 1 })
        let rows = try d.i32(nil)
        guard offsets.first == 0, Int(offsets.last ?? -1) == rows.count else { throw Unusable("a damaged relationship index") }
        d.check("a damaged relationship index") { Snapshot.ascending(offsets) }
        return CSR(offsets: offsets, rows: rows)
    }

    /// Links and collections only name rows that exist.
    static func checkReferences(_ tables: [EntityTable], _ d: inout Decoder) throws(Unusable) {
        for t in tables {
            for (field, links) in t.links {
                guard let target = t.def.fields[field].reference.flatMap({ r in tables.first { $0.name.caseInsensitiveEquals(r.target) } }) else {
                    throw Unusable("links without a target")
                }
                let rows = target.rowCount
                d.check("damaged links") { allRows(links, below: rows, orNull: true) }
            }
            for (name, csr) in t.collections {
                let child = tables.first { c in
                    c.def.fields.contains { f in f.reference.map { $0.inverse.lowercased() == name && $0.target.caseInsensitiveEquals(t.name) } ?? false }
                }
                guard let child else { throw Unusable("a collection without a child entity") }
                let rows = child.rowCount
                d.check("a damaged collection") { allRows(csr.rows, below: rows) }
            }
        }
    }

    /// A hierarchy's arrays describe a tree of `rows` rows that queries can walk without
    /// leaving its arrays: rows in range, each subtree a stretch of the order after its row.
    static func wholeTree(_ h: Hierarchy, rows: Int) -> Bool {
        guard allRows(h.order, below: rows), allRows(h.position, below: rows), allRows(h.root, below: rows),
              allRows(h.depth, below: max(rows, 1)) else { return false }
        for r in 0..<rows {
            let p = h.position[r], e = h.end[r]
            if e <= p || Int(e) > rows || h.order[Int(p)] != Int32(r) { return false }
        }
        return true
    }

    /// Every value is in `0..<limit` (or -1, with `orNull`): a min/max pass.
    static func allRows(_ values: StoreArray<Int32>, below limit: Int, orNull: Bool = false) -> Bool {
        var lo = Int32.max, hi = Int32.min
        values.withUnsafeBufferPointer { v in
            for x in v {
                lo = min(lo, x)
                hi = max(hi, x)
            }
        }
        return values.isEmpty || (lo >= (orNull ? -1 : 0) && Int(hi) < limit)
    }

    /// Never decreasing (branch-free, so that the loop vectorises).
    static func ascending<T: FixedWidthInteger>(_ values: StoreArray<T>) -> Bool {
        values.withUnsafeBufferPointer { v in
            guard let p = v.baseAddress, v.count > 1 else { return true }
            var descents = 0
            for i in 1..<v.count { descents &+= p[i] < p[i &- 1] ? 1 : 0 }
            return descents == 0
        }
    }

    /// Every used slot of an id index (`tag << 32 | row + 1`) names a row below `count`.
    static func allSlots(_ slots: StoreArray<UInt64>, below count: Int) -> Bool {
        slots.withUnsafeBufferPointer { s in
            var highest: UInt64 = 0
            for x in s { highest = max(highest, x & 0xFFFF_FFFF) }
            return highest <= UInt64(count)
        }
    }
}

extension CSR {
    init(offsets: StoreArray<Int32>, rows: StoreArray<Int32>) {
        self.offsets = offsets
        self.rows = rows
    }
}

/// Hands out 0, 1, 2, … to concurrent workers.
final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// A fast non-cryptographic hash of bytes (four independent 64-bit lanes in the manner of
/// xxHash64), for snapshot integrity and source contents.
enum Checksum {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    @inline(__always)
    static func round(_ acc: UInt64, _ w: UInt64) -> UInt64 {
        var a = acc &+ w &* p2
        a = (a << 31) | (a >> 33)
        return a &* p1
    }

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var a = seed &+ p1 &+ p2, b = seed &+ p2, c = seed, d = seed &- p1
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            while i + 32 <= n {
                a = round(a, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                b = round(b, base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                c = round(c, base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
                d = round(d, base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                i += 32
            }
        }
        var h = ((a << 1) | (a >> 63)) &+ ((b << 7) | (b >> 57)) &+ ((c << 12) | (c >> 52)) &+ ((d << 18) | (d >> 46))
        h = h &+ UInt64(n)
        while i < n {
            h = round(h, UInt64(bytes[i]))
            i += 1
        }
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p1
        return h ^ (h >> 32)
    }
}
