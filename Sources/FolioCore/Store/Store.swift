/// One entity's rows: a typed column per field, the id index, and resolved relationships.
public final class EntityTable: Sendable {
    public let def: EntityDef
    public let rowCount: Int
    public let columns: [Column]
    public let idIndex: ByteHashIndex
    /// For each foreign-key field (by field index), the target row per row, -1 for none.
    public let links: [Int: StoreArray<Int32>]
    /// For each collection name (lowercased), the child rows per row of this entity.
    public let collections: [String: CSR]
    /// Postings and sorted indexes by field, with the statistics the planner uses.
    public let indexes: TableIndexes
    /// Case-folded indexes of text columns, built the first time a query needs one.
    let folded = FoldedIndexes()

    public init(def: EntityDef, rowCount: Int, columns: [Column], idIndex: ByteHashIndex, links: [Int: StoreArray<Int32>], collections: [String: CSR],
                indexes: TableIndexes) {
        self.def = def
        self.rowCount = rowCount
        self.columns = columns
        self.idIndex = idIndex
        self.links = links
        self.collections = collections
        self.indexes = indexes
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
        if case .enumeration(let e) = columns[field] { return e.domain }
        return nil
    }
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
