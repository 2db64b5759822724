/// How folio's store is laid out as SQL tables (the export's and the compiler's contract):
/// a table per entity named after it, a column per field (a list field excepted), the
/// column `folio_row` holding the row's place in its file (folio keeps input order, and ties
/// of a sort keep it), and a child table `ENTITY_FIELD(id, value, ord)` per list field.
/// Hierarchies are recursive steps of the statement: `ENTITY_ancestry(id, ancestor_id,
/// depth)` and `ENTITY_root(id, root_id, path)`.
public enum SQLNames {
    public static let row = "folio_row"
    /// A step's row order, after a sort.
    static let order = "folio_ord"

    public static func listTable(_ entity: String, _ field: String) -> String { entity + "_" + field }
    static func ancestry(_ entity: String) -> String { entity + "_ancestry" }
    static func root(_ entity: String) -> String { entity + "_root" }

    /// A short alias for a table's rows: its first letter (`a` for accounts).
    static func alias(for entity: String) -> String {
        String(entity.lowercased().prefix { $0.isLetter }.prefix(1))
    }
}
