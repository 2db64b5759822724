/// What `folio init` decides about one data file: the entity it becomes, each column's field
/// and how its cells read, the key, and the lines of the report about it.
struct TablePlan: Sendable {
    var table: SourceTable
    var profiles: [ColumnProfile]
    /// The entity: one of folio's five, or a new one named after the file.
    var entity: String
    /// Folio's definition of the entity; nil for a new entity.
    var builtIn: EntityDef?
    /// Why the file is this entity, for the report (`file name and 7 of 8 headers`).
    var reason: String
    var columns: [ColumnPlan]
    /// The column that becomes `id`.
    var idColumn: Int?
    /// The column whose field keys the rows (`key`), when there is no id column.
    var keyColumn: Int?
    var addMissing = false
    /// The date format of every date field of the entity (when its columns agree and the folder's do not).
    var dateFormat: String?
    /// Columns whose headers name a foreign key of folio's entity (`Associated Company` →
    /// account_id), for ``ForeignKeys`` to check against the keys they name.
    var linkClaims: [(column: Int, field: String, rank: Int)] = []
    var constants: [(field: String, value: String)] = []
    /// Report lines about the file, after its heading.
    var notes: [String] = []

    var isNew: Bool { builtIn == nil }

    /// A plan for a file taken as `entity`: its columns profiled, each a custom field until mapped.
    init(table: SourceTable, entity: String, builtIn: EntityDef?, reason: String) {
        self.table = table
        self.entity = entity
        self.builtIn = builtIn
        self.reason = reason
        profiles = zip(table.headers, table.cells).map { ColumnProfile(header: $0, cells: $1) }
        for c in table.arrayColumns where c < profiles.count { profiles[c].isArray = true }
        columns = table.headers.map { ColumnPlan(field: $0) }
    }

    /// The column feeding a field of folio's entity, if one does.
    func column(feeding field: String) -> Int? {
        columns.firstIndex { $0.isBuiltIn && $0.field == field && !$0.dropped }
    }

    /// The column whose field keys the rows: the id column, else the key column.
    var identity: Int? { idColumn ?? keyColumn }

    /// The keys of the rows, as foreign keys are matched against them: ids exactly, a key
    /// field without regard to case.
    var keys: Set<String> {
        if let c = idColumn { return Set(profiles[c].distinct) }
        if let c = keyColumn { return Set(profiles[c].distinct.map(foldedKey)) }
        return []
    }

    var keyedByName: Bool { idColumn == nil && keyColumn != nil }
}

/// One column's fate: the field it feeds and what folio.json says about its cells.
struct ColumnPlan: Sendable {
    /// The field: one of folio's (`isBuiltIn`), else a custom field (named by the header in
    /// folio's entities, by a snake_case name in a new one).
    var field: String
    var isBuiltIn = false
    /// Not loaded (`"columns": {"X": null}`).
    var dropped = false
    /// The type of a custom or new entity's field (folio's fields have theirs).
    var type: FieldType = .string
    /// The type must be written (`types`): inference would give another.
    var declareType = false
    var dateFormat: String?
    var nullTexts: [String] = []
    var listSeparator: String?
    /// Label → value (`values`).
    var labels: [(label: String, value: String)] = []
    /// The field is the key of a relationship (a string; never retyped).
    var isLink = false

    init(field: String) { self.field = field }
}

/// A relationship the five do not declare, as folio.json writes it.
struct ProposedRelationship: Sendable {
    var entity: String
    var field: String
    var target: String
    var name: String
    var inverse: String
}
