/// Everything `folio init` has decided, and folio.json written from it in a stable order:
/// `as_of`, `date_format`, `null_values`, `entities` (folio's five in their order, then the
/// new ones in file order), `relationships`; inside an entity `file`, `sheet`, `key`,
/// `columns`, `values`, `types`, `constants`, `date_format`, `null_values`,
/// `list_separator`, `add_missing`, `fields`.
struct ProposalDraft: Sendable {
    var directory: String
    /// The files that load, in file order.
    var plans: [TablePlan]
    /// Every data file's heading line and reason, in file order (loaded or left out).
    var headings: [(file: String, line: String)]
    /// Folio's entities with no file, made from the keys others name.
    var made: [(entity: String, keys: [String], sources: [String])]
    var relationships: [ProposedRelationship]
    var topFormat: String?
    var asOf: Int32?
    var needsLenient: Bool
    /// Report lines after the files' (entities made from keys, dangling keys, dates, checks).
    var closing: [String] = []

    /// Null texts every column of the folder reads as null; the others stay with their fields.
    var topNullValues: [String] {
        var seen = Set<String>(), out: [String] = []
        for plan in plans {
            for col in plan.columns where !col.dropped {
                for t in col.nullTexts where ColumnProfile.folderNullMarkers.contains(t.lowercased()) && seen.insert(t.lowercased()).inserted {
                    out.append(t)
                }
            }
        }
        return out
    }

    /// The name a custom column of one of folio's entities loads as: its header, unless the
    /// header would feed a field of folio's that it does not (`close_date` of dates folio
    /// could not read) — then a name of its own.
    static func customName(_ plan: TablePlan, _ c: Int) -> String {
        let header = plan.profiles[c].header
        guard let def = plan.builtIn else { return plan.columns[c].field }
        let n = Loader.normalizeHeader(plan.columns[c].field)
        guard def.fields.contains(where: { $0.name == n }) else { return plan.columns[c].field }
        if n == "id" { return "source_id" }
        return n == Loader.normalizeHeader(header) ? n + "_text" : plan.columns[c].field
    }

    /// The field name a column loads as (folio's field, a custom field, a new entity's field).
    static func fieldName(_ plan: TablePlan, _ c: Int) -> String {
        plan.columns[c].isBuiltIn || plan.isNew ? plan.columns[c].field : customName(plan, c)
    }

    /// folio.json, in its stable order.
    func json() -> JSON {
        var top: [(String, JSON)] = []
        if let asOf { top.append(("as_of", .string(Day.format(asOf)))) }
        if let topFormat { top.append(("date_format", .string(topFormat))) }
        let nulls = topNullValues
        if !nulls.isEmpty { top.append(("null_values", .array(nulls.map(JSON.string)))) }
        var entities: [(String, JSON)] = []
        for e in Schema.standard.entities {
            if let plan = plans.first(where: { $0.entity == e.name }) {
                entities.append((e.name, entity(plan, topNulls: nulls)))
            } else if made.contains(where: { $0.entity == e.name }) {
                entities.append((e.name, .object([("add_missing", .bool(true))])))
            }
        }
        for plan in plans where plan.isNew { entities.append((plan.entity, entity(plan, topNulls: nulls))) }
        top.append(("entities", .object(entities)))
        if !relationships.isEmpty {
            top.append(("relationships", .array(relationships.map { r in
                .object([("field", .string("\(r.entity).\(r.field)")), ("to", .string(r.target)), ("as", .string(r.name)), ("inverse", .string(r.inverse))])
            })))
        }
        return .object(top)
    }

    /// One entity's object; null texts folio.json's top level has are not repeated.
    func entity(_ plan: TablePlan, topNulls: [String]) -> JSON {
        var m: [(String, JSON)] = [("file", .string(plan.table.file))]
        let live = plan.columns.indices.filter { !plan.columns[$0].dropped }
        if let k = plan.keyColumn { m.append(("key", .string(Self.fieldName(plan, k)))) }
        var columns: [(String, JSON)] = []
        for c in plan.columns.indices {
            let header = plan.profiles[c].header
            if plan.columns[c].dropped {
                columns.append((header, .null))
                continue
            }
            let field = Self.fieldName(plan, c)
            if Loader.normalizeHeader(header) != Loader.normalizeHeader(field) { columns.append((header, .string(field))) }
        }
        if !columns.isEmpty { m.append(("columns", .object(columns))) }
        var values: [(String, JSON)] = []
        for c in live where !plan.columns[c].labels.isEmpty {
            var seen = Set<String>()
            let pairs = plan.columns[c].labels.filter { seen.insert($0.label).inserted }
            values.append((Self.fieldName(plan, c), .object(pairs.map { ($0.label, .string($0.value)) })))
        }
        if !values.isEmpty { m.append(("values", .object(values))) }
        if !plan.isNew {
            // Every custom field's type is written, not only those inference would get wrong: a
            // later export with one odd cell then fails to load where it is, instead of quietly
            // turning the column into text. (It also keeps loads off `inferCustom`'s text path,
            // where `releaseUnusedCapacity` can advise away pages past a column's copy.)
            let types = live.filter { !plan.columns[$0].isBuiltIn }
            if !types.isEmpty { m.append(("types", .object(types.map { (Self.fieldName(plan, $0), .string(plan.columns[$0].type.configName)) }))) }
        }
        if !plan.constants.isEmpty { m.append(("constants", .object(plan.constants.map { ($0.field, .string($0.value)) }))) }
        if let f = plan.dateFormat {
            m.append(("date_format", .string(f)))
        } else {
            let formats = live.compactMap { c in plan.columns[c].dateFormat.map { (Self.fieldName(plan, c), JSON.string($0)) } }
            if !formats.isEmpty { m.append(("date_format", .object(formats))) }
        }
        let folded = Set(topNulls.map { $0.lowercased() })
        let nulls = live.compactMap { c -> (String, JSON)? in
            let own = plan.columns[c].nullTexts.filter { !folded.contains($0.lowercased()) }
            return own.isEmpty ? nil : (Self.fieldName(plan, c), .array(own.map(JSON.string)))
        }
        if !nulls.isEmpty { m.append(("null_values", .object(nulls))) }
        let separators = live.compactMap { c in plan.columns[c].listSeparator.map { (Self.fieldName(plan, c), JSON.string($0)) } }
        if !separators.isEmpty { m.append(("list_separator", .object(separators))) }
        if plan.addMissing { m.append(("add_missing", .bool(true))) }
        if plan.isNew {
            let fields = live.filter { $0 != plan.idColumn }.map { c -> (String, JSON) in
                (plan.columns[c].field, .string(plan.columns[c].type.configName))
            }
            m.append(("fields", .object(fields)))
        }
        return .object(m)
    }
}
