/// A file's header read against an entity's plan: which column feeds each field, the custom
/// fields the file brings, and the cell rules of each field.
struct HeaderPlan: Sendable {
    var def: EntityDef
    /// For each field, the column that feeds it (nil: none; then its constant, or null).
    var sources: [Int?]
    var rules: [CellRules?]
}

extension EntityPlan {
    /// A mistake in the mapping found at a header (a column or field it names that is not there).
    func mistake(_ path: String, _ message: String) -> LoadError {
        LoadError(file: configPath, kind: "bad config", message: "\(path): \(message)")
    }

    var mappingPath: String { "entities.\(mapping?.name ?? def.name)" }

    /// Reads a header (`names`, as written) of `file`: SPEC §3's matching (case, spaces,
    /// dashes and underscores alike) after the mapping's `columns`, custom fields for the
    /// rest, then `key`, `constants`, the relationships of custom fields and each field's rules.
    func resolve(header names: [String], file: String, path: String) throws(LoadError) -> HeaderPlan {
        var def = def
        var sources = [Int?](repeating: nil, count: def.fields.count)
        var fedBy = [String?](repeating: nil, count: def.fields.count)
        let normalized = names.map(Loader.normalizeHeader)
        var seen: [String: Int] = [:]
        for (h, name) in normalized.enumerated() {
            if name.isEmpty { throw LoadError(file: path, line: 1, column: nil, kind: "bad header", message: "column \(h + 1) has no name") }
            if let first = seen[name] {
                throw LoadError(file: path, line: 1, column: nil, kind: "bad header", message: "column '\(names[h])' repeats column \(first + 1)")
            }
            seen[name] = h
        }
        // A column named in `columns` must be in the file.
        for c in mapping?.columns ?? [] where seen[c.header] == nil {
            let near = Suggest.closest(c.written, among: names).map { "; did you mean '\($0)'?" } ?? ""
            throw mistake("\(mappingPath).columns.\(c.written)", "\(file) has no column '\(c.written)'\(near) (its columns: \(names.joined(separator: ", ")))")
        }
        let declaredTypes = mapping?.types ?? []
        for (h, name) in normalized.enumerated() {
            var target = name
            var origin = "\(file): \(names[h])"
            if let c = mapping?.columns.first(where: { $0.header == name }) {
                guard let field = c.field else { continue }  // dropped
                target = Loader.normalizeHeader(field)
                if def.fields.firstIndex(where: { Loader.normalizeHeader($0.name) == target }) == nil,
                   !declaredTypes.contains(where: { Loader.normalizeHeader($0.field) == target }) {
                    let candidates = def.fields.map(\.name)
                    let near = Suggest.closest(field, among: candidates).map { "did you mean '\($0)'? " } ?? ""
                    throw mistake("\(mappingPath).columns.\(c.written)",
                                  "\(def.name) has no field '\(field)'; \(near)a column maps onto a field of \(def.name) (\(candidates.joined(separator: ", "))), or onto a custom field whose type types declares")
                }
                origin = "\(file): \(names[h]) (mapped)"
            }
            if let i = def.fields.firstIndex(where: { Loader.normalizeHeader($0.name) == target }) {
                if let other = fedBy[i] {
                    throw mistake("\(mappingPath).columns", "both '\(other)' and '\(names[h])' of \(file) give '\(def.fields[i].name)'; drop one (\"\(names[h])\": null)")
                }
                fedBy[i] = names[h]
                sources[i] = h
                if isMapped || def.fields[i].isCustom { def.fields[i].origin = origin }
                continue
            }
            // A custom field: typed by the mapping, else by its values.
            let declared = declaredTypes.first { Loader.normalizeHeader($0.field) == target }
            let fieldName = declared?.field ?? names[h]
            var f = FieldDef(fieldName, declared?.type ?? .string, isCustom: true, origin: isMapped ? origin : nil)
            f.inferType = declared == nil
            def.fields.append(f)
            sources.append(h)
            fedBy.append(names[h])
        }
        try applyKey(&def, &sources, names: names, file: file)
        try applyConstants(&def, &sources, file: file)
        if isMapped {
            for i in def.fields.indices where sources[i] == nil && def.fields[i].origin == nil { def.fields[i].origin = "no column in \(file): null" }
        }
        try checkFieldNames(def, file: file)
        for r in relationships {
            guard let fi = def.fields.firstIndex(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(r.field) }) else {
                let near = Suggest.closest(r.field, among: def.fields.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
                throw mistake(r.path + ".field", "\(def.name) has no field '\(r.field)'\(near) (its fields: \(def.fields.map(\.name).joined(separator: ", ")))")
            }
            if def.fields[fi].type == .string { def.fields[fi].inferType = false }
            try LoadPlan.attach(r, to: &def.fields[fi], mistake)
        }
        guard sources[0] != nil else {
            throw LoadError(file: path, line: 1, column: 1, kind: "bad header",
                            message: "no 'id' column (every entity needs one)" + (isMapped || mapping == nil ? "; map one in folio.json (\"columns\": {\"Opportunity ID\": \"id\"}) or key the rows by a field (\"key\": \"name\")" : ""))
        }
        return HeaderPlan(def: def, sources: sources, rules: def.fields.map(rules(for:)))
    }

    /// `key`: the id is made from a field's column (rows keyed by name).
    func applyKey(_ def: inout EntityDef, _ sources: inout [Int?], names: [String], file: String) throws(LoadError) {
        guard let key = mapping?.key else { return }
        guard let ki = def.fields.firstIndex(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(key) }) else {
            let near = Suggest.closest(key, among: def.fields.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
            throw mistake("\(mappingPath).key", "\(def.name) has no field '\(key)'; \(near)its fields: \(def.fields.map(\.name).joined(separator: ", "))")
        }
        if ki == 0 { return }
        if let idColumn = sources[0] {
            throw mistake("\(mappingPath).key", "\(file) has an id column ('\(names[idColumn])'); key is for a file without one (drop it with \"columns\": {\"\(names[idColumn])\": null} to key the rows by \(def.fields[ki].name))")
        }
        guard let column = sources[ki], def.fields[ki].type == .string || def.fields[ki].inferType else {
            throw mistake("\(mappingPath).key", "'\(def.fields[ki].name)' has no column in \(file) to key the rows by")
        }
        def.fields[ki].inferType = false
        def.fields[ki].type = .string
        sources[0] = column
        def.fields[0].origin = "key: \(def.fields[ki].name)"
    }

    /// `constants`: a value for every row of a field that has no column.
    func applyConstants(_ def: inout EntityDef, _ sources: inout [Int?], file: String) throws(LoadError) {
        for (field, _) in mapping?.constants ?? [] {
            guard let i = def.fields.firstIndex(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(field) }) else {
                let near = Suggest.closest(field, among: def.fields.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
                throw mistake("\(mappingPath).constants.\(field)", "\(def.name) has no field '\(field)'\(near)")
            }
            if sources[i] != nil {
                throw mistake("\(mappingPath).constants.\(field)", "\(file) has a column for '\(def.fields[i].name)' too; drop the column or the constant")
            }
            def.fields[i].origin = "constant"
            // The constant must be a value of the field: tried once here, not on every row.
            let probe = ColumnBuilder(field: def.fields[i], entity: def.name, rules: rules(for: def.fields[i]))
            if let c = probe.constant, let problem = probe.append(c) {
                throw mistake("\(mappingPath).constants.\(field)", problem)
            }
        }
    }

    /// Every field the mapping names (values, types, date formats, null texts, separators) is
    /// a field of the entity.
    func checkFieldNames(_ def: EntityDef, file: String) throws(LoadError) {
        guard let m = mapping else { return }
        var named: [(path: String, field: String)] = []
        for f in m.values.keys { named.append(("values.\(f)", f)) }
        for (f, _) in m.types { named.append(("types.\(f)", f)) }
        for f in m.fieldDateFormats.keys { named.append(("date_format.\(f)", f)) }
        for f in m.fieldNullValues.keys { named.append(("null_values.\(f)", f)) }
        for f in m.listSeparators.keys { named.append(("list_separator.\(f)", f)) }
        for (path, field) in named where !def.fields.contains(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(field) }) {
            let near = Suggest.closest(field, among: def.fields.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            throw mistake("\(mappingPath).\(path)", "\(def.name) has no field '\(field)' (\(file) has no such column)\(near)")
        }
        for (field, separator) in m.listSeparators {
            if let f = def.fields.first(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(field) }), f.type != .stringList {
                throw mistake("\(mappingPath).list_separator.\(field)", "'\(f.name)' is \(f.type), not a list (declare it \"list\" in types to split it at \"\(separator)\")")
            }
        }
        for (field, _) in m.fieldDateFormats {
            if let f = def.fields.first(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(field) }), f.type != .date, !f.inferType {
                throw mistake("\(mappingPath).date_format.\(field)", "'\(f.name)' is \(f.type), not a date")
            }
        }
    }

    /// What the mapping says about a field's cells; nil when nothing.
    func rules(for field: FieldDef) -> CellRules? {
        let key = Loader.normalizeHeader(field.name)
        func lookup<T>(_ d: [String: T]?) -> T? { d?.first { Loader.normalizeHeader($0.key) == key }?.value }
        let nulls = nullValues + (mapping?.nullValues ?? []) + (lookup(mapping?.fieldNullValues) ?? [])
        let labels = lookup(mapping?.values) ?? []
        let format = lookup(mapping?.fieldDateFormats) ?? mapping?.dateFormat ?? dateFormat
        let separator = lookup(mapping?.listSeparators)
        let constant = mapping?.constants.first { Loader.normalizeHeader($0.field) == key }?.text
        let rules = CellRules(nulls: nulls, labels: labels, dateFormat: format, listSeparator: separator, constant: constant)
        return rules.isEmpty ? nil : rules
    }
}
