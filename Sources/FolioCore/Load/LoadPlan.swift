import Foundation

/// A data file and how it is read.
struct DataFile: Sendable {
    enum Format: Sendable { case csv, jsonl, xlsx }
    var name: String
    var format: Format

    static func format(of name: String) -> Format? {
        let lower = name.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".xlsx") { return .xlsx }
        return nil
    }
}

/// One entity's part of a load: its declared fields, its files and what the mapping says.
struct EntityPlan: Sendable {
    var def: EntityDef
    var files: [DataFile]
    var mapping: Mapping.Entity?
    /// folio.json's own date format and null texts, for every entity.
    var dateFormat: DateFormat?
    var nullValues: [String]
    /// Relationships declared on fields the files bring (custom fields), set when a header is read.
    var relationships: [Mapping.Relationship]
    /// folio.json's path, for messages about the mapping.
    var configPath: String

    var isMapped: Bool { mapping != nil || dateFormat != nil || !nullValues.isEmpty }
}

/// What a load reads: folio.json, and for each entity (folio's five and any a mapping adds)
/// its files; plus the data files no entity reads, which are skipped with a note.
struct LoadPlan: Sendable {
    var config = DataConfig()
    var entities: [EntityPlan] = []
    var skipped: [String] = []

    /// Every file whose change must send a load back to the files: folio.json, each entity's
    /// files, and the default names an entity would read if they appeared.
    var watchedFiles: [String] {
        var names = ["folio.json"]
        for e in entities {
            names += e.files.map(\.name)
            if e.mapping?.files.isEmpty ?? true { names += [".csv", ".jsonl", ".xlsx"].map { e.def.name + $0 } }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    static func make(_ source: DataSource, schema: Schema) throws(LoadError) -> LoadPlan {
        var plan = LoadPlan()
        let configPath = source.path("folio.json")
        if source.exists("folio.json") {
            plan.config = try DataConfig.parse(try source.read("folio.json"), file: configPath, schema: schema)
        }
        let mapping = plan.config.mapping ?? Mapping()
        let present = source.list()
        func mistake(_ path: String, _ message: String) -> LoadError {
            LoadError(file: configPath, kind: "bad config", message: "\(path): \(message)")
        }
        // Folio's entities, then the new ones in the order folio.json gives them.
        var defs: [(EntityDef, Mapping.Entity?)] = schema.entities.map { ($0, mapping.entity($0.name)) }
        for m in mapping.entities where m.isNew {
            var fields = [FieldDef("id", .string)]
            for (name, type) in m.fields ?? [] {
                if Loader.normalizeHeader(name) == "id" {
                    guard type == .string else { throw mistake("entities.\(m.name).fields.\(name)", "an id is a string") }
                    continue
                }
                fields.append(FieldDef(name, type, origin: "declared in folio.json"))
            }
            defs.append((EntityDef(name: m.name, fields: fields), m))
        }
        // Relationships on fields the schema declares are set now; on others, at the header.
        var pending: [String: [Mapping.Relationship]] = [:]
        for r in mapping.relationships {
            guard let ei = defs.firstIndex(where: { $0.0.name.caseInsensitiveEquals(r.entity) }),
                  let target = defs.first(where: { $0.0.name.caseInsensitiveEquals(r.target) })?.0 else { continue }
            var def = defs[ei].0
            try checkNames(r, def, target, defs.map(\.0), mistake)
            if let fi = def.fields.firstIndex(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(r.field) }) {
                try attach(r, to: &def.fields[fi], mistake)
                defs[ei].0 = def
            } else {
                pending[def.name.lowercased(), default: []].append(r)
            }
        }
        var used = Set<String>(["folio.json"])
        for (def, m) in defs {
            var files: [DataFile] = []
            if let m, !m.files.isEmpty {
                for name in m.files {
                    guard let hit = present.first(where: { $0 == name }) ?? present.first(where: { $0.caseInsensitiveEquals(name) }) else {
                        let near = Suggest.closest(name, among: present).map { "; did you mean '\($0)'?" } ?? ""
                        throw mistake("entities.\(m.name).file", "no file '\(name)' in \(source.directory ?? "the data")\(near)")
                    }
                    guard let format = DataFile.format(of: hit) else {
                        throw mistake("entities.\(m.name).file", "'\(hit)' is not a .csv, .jsonl or .xlsx file")
                    }
                    files.append(DataFile(name: hit, format: format))
                }
            } else {
                let candidates = [".csv", ".jsonl", ".xlsx"].map { def.name + $0 }.filter { source.exists($0) }
                if candidates.count > 1 {
                    throw LoadError(file: source.path(candidates[0]), kind: "ambiguous file",
                                    message: "both \(candidates.joined(separator: " and ")) exist; keep one (or name one in folio.json's \"file\")")
                }
                if let c = candidates.first, let format = DataFile.format(of: c) { files = [DataFile(name: c, format: format)] }
                if files.isEmpty, let m, m.isNew {
                    throw mistake("entities.\(m.name)", "no file \(def.name).csv (say which file holds \(m.name) with \"file\": \"…\")")
                }
            }
            for f in files { used.insert(f.name) }
            plan.entities.append(EntityPlan(def: def, files: files, mapping: m, dateFormat: mapping.dateFormat, nullValues: mapping.nullValues,
                                            relationships: pending[def.name.lowercased()] ?? [], configPath: configPath))
        }
        plan.skipped = present.filter { !used.contains($0) && !$0.hasPrefix(".") }.sorted()
        return plan
    }

    /// A relationship's path and collection names must be new where they go.
    static func checkNames(_ r: Mapping.Relationship, _ from: EntityDef, _ target: EntityDef, _ all: [EntityDef],
                           _ mistake: (String, String) -> LoadError) throws(LoadError) {
        if from.fields.contains(where: { $0.name.caseInsensitiveEquals(r.name) || $0.reference?.name.caseInsensitiveEquals(r.name) == true }) {
            throw mistake(r.path + ".as", "\(from.name) already has a field or relationship named '\(r.name)'")
        }
        let schema = Schema(entities: all)
        if schema.collections(of: target.name).contains(where: { $0.name.caseInsensitiveEquals(r.inverse) })
            || target.fields.contains(where: { $0.name.caseInsensitiveEquals(r.inverse) }) {
            throw mistake(r.path + ".inverse", "\(target.name) already has a field or collection named '\(r.inverse)'")
        }
    }

    /// Makes a field the key of a relationship.
    static func attach(_ r: Mapping.Relationship, to field: inout FieldDef, _ mistake: (String, String) -> LoadError) throws(LoadError) {
        if let existing = field.reference {
            throw mistake(r.path + ".field", "'\(r.entity).\(field.name)' is already the relationship '\(existing.name)' to \(existing.target)")
        }
        guard field.type == .string else {
            throw mistake(r.path + ".field", "'\(r.entity).\(field.name)' is \(field.type); a relationship's field holds the keys of the rows it names (a string)")
        }
        field.reference = Reference(target: r.target, name: r.name, inverse: r.inverse)
    }
}
