import Foundation

/// One entity's rows: a typed column per field, the id index, and resolved relationships.
public final class EntityTable: Sendable {
    public let def: EntityDef
    public let rowCount: Int
    /// A typed column per field. A foreign key's text is not stored: it is its target's id,
    /// derived from the links when something needs it as a column (see ``TableColumns``).
    public let columns: TableColumns
    public let idIndex: ByteHashIndex
    /// For each foreign-key field (by field index), the target row per row, -1 for none.
    public let links: [Int: StoreArray<Int32>]
    /// For each collection name (lowercased), the child rows per row of this entity.
    public let collections: [String: CSR]
    /// Postings and sorted indexes by field, with the statistics the planner uses.
    public let indexes: TableIndexes
    /// The tree of each self-referencing key (by field index): `ancestors`, `descendants`, `root`.
    public let hierarchies: [Int: Hierarchy]
    /// Case-folded indexes of text columns, built the first time a query needs one.
    let folded = FoldedIndexes()

    /// `keyTargets`: for each foreign key whose text is derived, not stored, its target's id
    /// column (its entry in `columns` is then a placeholder, never read).
    public init(def: EntityDef, rowCount: Int, columns: [Column], idIndex: ByteHashIndex, links: [Int: StoreArray<Int32>], collections: [String: CSR],
                indexes: TableIndexes, keyTargets: [Int: StringColumn] = [:], hierarchies: [Int: Hierarchy] = [:]) {
        self.def = def
        self.rowCount = rowCount
        var derived: [Int: TableColumns.Key] = [:]
        for (field, ids) in keyTargets {
            if let l = links[field] { derived[field] = TableColumns.Key(links: l, ids: ids) }
        }
        self.columns = TableColumns(stored: columns, keys: derived)
        self.idIndex = idIndex
        self.links = links
        self.collections = collections
        self.indexes = indexes
        self.hierarchies = hierarchies
    }

    public var name: String { def.name }

    public func column(_ name: String) -> Column? {
        def.fieldIndex(name).map { columns[$0] }
    }

    /// The string column of `id`.
    public var ids: StringColumn {
        if case .string(let s) = columns[0] { return s }
        preconditionFailure("the id column of \(name) is not a string column")
    }

    /// The enum domain of a field, with the values found in the data.
    public func enumDomain(_ field: Int) -> EnumDomain? {
        // As stored: asking a derived key's column would build it, and it has no domain.
        if case .enumeration(let e) = columns.storedColumn(field) { return e.domain }
        return nil
    }
}

/// The columns of a table. A foreign key's text is its target row's id, so it is not kept
/// twice: at 1M accounts the key columns' text was 466 MB of a 2.9 GB store (and of its
/// snapshot). Reading a key field row by row goes through the links (`keys`, as
/// `ExprCompiler.storedReader` does); a query that needs it as a whole column (a kernel, a
/// sort, an index) gets it built once, on first use, and kept. (A key's text is at most
/// its file's size, so its offsets fit 32 bits as a stored column's do.)
public final class TableColumns: RandomAccessCollection, @unchecked Sendable {
    /// A foreign key's links and its target's ids.
    public struct Key: Sendable {
        public let links: StoreArray<Int32>
        public let ids: StringColumn

        /// Where row `r`'s key text lies in `ids.bytes`; nil when the row has no key.
        @inlinable
        public func range(_ r: Int) -> Range<Int>? {
            let target = links[r]
            return target < 0 ? nil : ids.range(Int(target))
        }

        /// The key column as stored text.
        func column() -> StringColumn {
            var total = 0
            for t in links where t >= 0 { total += ids.range(Int(t)).count }
            let n = links.count
            var offsets = [UInt32](repeating: 0, count: n + 1)
            let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, filled in
                ids.bytes.withUnsafeBufferPointer { source in
                    var end = 0
                    for r in 0..<n {
                        if let range = self.range(r) {
                            UnsafeMutableBufferPointer(rebasing: out[end..<(end + range.count)]).update(fromContentsOf: source[range])
                            end += range.count
                        }
                        offsets[r + 1] = UInt32(truncatingIfNeeded: end)
                    }
                }
                filled = total
            }
            var s = StringColumn()
            s.bytes = StoreArray(bytes)
            s.offsets = StoreArray(offsets)
            return s
        }
    }

    private let stored: [Column]
    /// The foreign keys whose text is derived, by field.
    public let keys: [Int: Key]
    private let lock = NSLock()
    private var built: [Int: Column] = [:]

    init(stored: [Column], keys: [Int: Key]) {
        self.stored = stored
        self.keys = keys
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { stored.count }

    public subscript(field: Int) -> Column {
        guard let key = keys[field] else { return stored[field] }
        lock.lock()
        defer { lock.unlock() }
        if let c = built[field] { return c }
        let c = Column.string(key.column())
        built[field] = c
        return c
    }

    /// The column as stored, without building anything: a derived key is a placeholder
    /// (empty text). For the snapshot, which stores links, not key text, and for anything
    /// that only asks a column's kind.
    func storedColumn(_ field: Int) -> Column { stored[field] }
}

/// The whole loaded portfolio, immutable once built.
public final class Store: Sendable {
    public let schema: Schema
    public let tables: [EntityTable]
    /// The data's own date for `today` (`folio.json` `as_of`), if any.
    public let asOf: Int32?
    public let fiscalYearStart: Int

    public init(schema: Schema, tables: [EntityTable], asOf: Int32?, fiscalYearStart: Int) {
        self.schema = schema
        self.tables = tables
        self.asOf = asOf
        self.fiscalYearStart = fiscalYearStart
    }

    public func table(_ name: String) -> EntityTable? {
        tables.first { $0.name.caseInsensitiveEquals(name) }
    }

    public var totalRows: Int { tables.reduce(0) { $0 + $1.rowCount } }
}
