/// A table of the store as CSV bytes, written straight from its columns in chunks of rows:
/// the files of `folio export` and the data `folio push` sends with COPY.
///
/// The form every engine reads alike: a header, ISO dates, plain numbers (cents with two
/// decimals), `true`/`false`, picklists by their canonical label, a foreign key as its
/// target's id (or nothing when it has none), and null as an empty unquoted field (text is
/// never empty in folio: an empty cell is null). Text is quoted when it holds a comma, a
/// quote, a line break or begins with a backslash (PostgreSQL's end-of-data marker is `\.`).
public struct TableCSV: Sendable {
    public let name: String
    public let header: [String]
    public let rowCount: Int
    let cells: [@Sendable (inout [UInt8], Int) -> Void]

    /// An entity's table: `folio_row`, then every field but the list fields.
    public static func entity(_ t: EntityTable, in store: Store) -> TableCSV {
        var header = [SQLNames.row]
        var cells: [@Sendable (inout [UInt8], Int) -> Void] = [{ out, r in appendInt(&out, Int64(r)) }]
        for (i, f) in t.def.fields.enumerated() where f.type != .stringList {
            header.append(f.name)
            cells.append(cell(t, i, store))
        }
        return TableCSV(name: t.name, header: header, rowCount: t.rowCount, cells: cells)
    }

    /// A list field's child table: `id, value, ord`, a row per item, in order.
    public static func list(_ t: EntityTable, field: Int) -> TableCSV {
        guard case .list(let l) = t.columns[field] else { preconditionFailure("not a list field") }
        let ids = t.ids
        let labels = l.dictionary.map { Array($0.utf8) }
        // Rows of the child table map to (row, item) through the offsets.
        let total = Int(l.offsets[l.offsets.count - 1])
        var owner = [Int32](repeating: 0, count: total)
        for r in 0..<t.rowCount {
            for k in Int(l.offsets[r])..<Int(l.offsets[r + 1]) { owner[k] = Int32(r) }
        }
        let rows = StoreArray(owner)
        let cells: [@Sendable (inout [UInt8], Int) -> Void] = [
            { out, k in appendText(&out, ids, Int(rows[k])) },
            { out, k in appendQuoted(&out, labels[Int(l.items[k])]) },
            { out, k in appendInt(&out, Int64(k - Int(l.offsets[Int(rows[k])]))) },
        ]
        return TableCSV(name: SQLNames.listTable(t.name, t.def.fields[field].name), header: ["id", "value", "ord"], rowCount: total, cells: cells)
    }

    /// A small table of given text (folio_schema, folio_meta).
    public static func rows(_ name: String, header: [String], _ rows: [[String?]]) -> TableCSV {
        let cells: [@Sendable (inout [UInt8], Int) -> Void] = header.indices.map { c in
            { out, r in if let v = rows[r][c] { appendQuoted(&out, Array(v.utf8)) } }
        }
        return TableCSV(name: name, header: header, rowCount: rows.count, cells: cells)
    }

    /// The header line.
    public var headerLine: [UInt8] {
        var out: [UInt8] = []
        for (i, h) in header.enumerated() {
            if i > 0 { out.append(0x2C) }
            Self.appendQuoted(&out, Array(h.utf8))
        }
        out.append(0x0A)
        return out
    }

    /// Rows `range` as CSV lines.
    public func lines(_ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count * 16 * cells.count)
        for r in range {
            for (i, cell) in cells.enumerated() {
                if i > 0 { out.append(0x2C) }
                cell(&out, r)
            }
            out.append(0x0A)
        }
        return out
    }

    /// The whole table in chunks of about `rows` rows, the header first.
    public func chunks(rows: Int = 20_000) -> [Range<Int>] {
        stride(from: 0, to: rowCount, by: rows).map { $0..<min(rowCount, $0 + rows) }
    }

    // MARK: - Cells

    static func cell(_ t: EntityTable, _ field: Int, _ store: Store) -> @Sendable (inout [UInt8], Int) -> Void {
        if let key = t.columns.keys[field] {
            let ids = key.ids, links = key.links
            return { out, r in
                let target = links[r]
                if target >= 0 { appendText(&out, ids, Int(target)) }
            }
        }
        if let links = t.links[field], let ref = t.def.fields[field].reference, let target = store.table(ref.target) {
            // A key stored as text (matched to its target without regard to case): written
            // as its target's id, so that joins find it.
            let ids = target.ids
            return { out, r in
                let row = links[r]
                if row >= 0 { appendText(&out, ids, Int(row)) }
            }
        }
        switch t.columns[field] {
        case .int(let a):
            return { out, r in let v = a[r]; if v != Column.nullInt { appendInt(&out, v) } }
        case .money(let a):
            return { out, r in let v = a[r]; if v != Column.nullInt { appendCents(&out, v) } }
        case .decimal(let a):
            return { out, r in let v = a[r]; if !v.isNaN { out.append(contentsOf: v.description.utf8) } }
        case .date(let a):
            return { out, r in let v = a[r]; if v != Day.null { appendDate(&out, v) } }
        case .bool(let a):
            return { out, r in
                let v = a[r]
                if v >= 0 { out.append(contentsOf: v == 1 ? Array("true".utf8) : Array("false".utf8)) }
            }
        case .enumeration(let e):
            let labels = e.domain.labels.map { Array($0.utf8) }
            let codes = e.codes
            return { out, r in let c = codes[r]; if c >= 0 { appendQuoted(&out, labels[Int(c)]) } }
        case .string(let s):
            return { out, r in appendText(&out, s, r) }
        case .list(let l):
            // Not a column of the entity's table (a child table instead); kept for completeness.
            return { out, r in appendQuoted(&out, Array(l.values(r).joined(separator: ";").utf8)) }
        }
    }

    static func appendInt(_ out: inout [UInt8], _ v: Int64) {
        if v == 0 { out.append(0x30); return }
        var n = v.magnitude
        if v < 0 { out.append(0x2D) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[count] = UInt8(n % 10) + 0x30
                n /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    static func appendCents(_ out: inout [UInt8], _ cents: Int64) {
        if cents < 0 { out.append(0x2D) }
        let m = cents.magnitude
        appendInt(&out, Int64(m / 100))
        out.append(0x2E)
        out.append(UInt8(m % 100 / 10) + 0x30)
        out.append(UInt8(m % 10) + 0x30)
    }

    static func appendDate(_ out: inout [UInt8], _ day: Int32) {
        let (y, m, d) = Day.civil(day)
        if y < 0 || y > 9999 {
            out.append(contentsOf: Day.format(day).utf8)
            return
        }
        out.append(UInt8(y / 1000) + 0x30)
        out.append(UInt8(y / 100 % 10) + 0x30)
        out.append(UInt8(y / 10 % 10) + 0x30)
        out.append(UInt8(y % 10) + 0x30)
        out.append(0x2D)
        out.append(UInt8(m / 10) + 0x30)
        out.append(UInt8(m % 10) + 0x30)
        out.append(0x2D)
        out.append(UInt8(d / 10) + 0x30)
        out.append(UInt8(d % 10) + 0x30)
    }

    static func appendText(_ out: inout [UInt8], _ s: StringColumn, _ r: Int) {
        let range = s.range(r)
        if range.isEmpty { return }
        s.bytes.withUnsafeBufferPointer { appendQuoted(&out, UnsafeBufferPointer(rebasing: $0[range])) }
    }

    static func appendQuoted(_ out: inout [UInt8], _ bytes: some Collection<UInt8>) {
        var needs = bytes.first == 0x5C
        if !needs {
            for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
                needs = true
                break
            }
        }
        guard needs else { out.append(contentsOf: bytes); return }
        out.append(0x22)
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }
}
