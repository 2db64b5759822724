/// How a folder's exports map onto folio's model (SPEC §3, "Mapping other exports"): the
/// `entities` and `relationships` of `folio.json`, read and checked.
///
/// Checked here: the JSON's shape, every key's name, entity names, types, date formats,
/// relationships to entities that exist, picklist targets of `values` on built-in picklists.
/// Checked when a file's header is read (``Mapping/Entity/resolve(header:…)``): that the
/// columns and fields the mapping names exist. Every mistake is a data error naming
/// `folio.json`, the JSON path and the problem, with the name meant where one is close.
public struct Mapping: Sendable {
    public var dateFormat: DateFormat?
    public var nullValues: [String] = []
    public var entities: [Entity] = []
    public var relationships: [Relationship] = []

    public struct Entity: Sendable {
        public var name: String
        /// The entity's files, appended in order; empty for the default `NAME.csv` / `.jsonl` / `.xlsx`.
        public var files: [String] = []
        public var sheet: String?
        /// Source header (normalized) → field; nil drops the column.
        public var columns: [(header: String, written: String, field: String?)] = []
        public var key: String?
        /// Field → [(label as written, value)].
        public var values: [String: [(label: String, value: String)]] = [:]
        public var types: [(field: String, type: FieldType)] = []
        public var constants: [(field: String, text: String)] = []
        public var dateFormat: DateFormat?
        public var fieldDateFormats: [String: DateFormat] = [:]
        public var nullValues: [String]?
        public var fieldNullValues: [String: [String]] = [:]
        public var listSeparators: [String: String] = [:]
        public var addMissing = false
        /// A new entity's fields (not one of the five), in order.
        public var fields: [(name: String, type: FieldType)]?

        public var isNew: Bool { fields != nil }
    }

    public struct Relationship: Sendable {
        public var entity: String
        public var field: String
        public var target: String
        public var name: String
        public var inverse: String
        /// `relationships[2]`, for messages.
        public var path: String
    }

    public func entity(_ name: String) -> Entity? { entities.first { $0.name.caseInsensitiveEquals(name) } }

    // MARK: - Reading

    static let topKeys = ["as_of", "fiscal_year_start", "date_format", "null_values", "entities", "relationships"]
    static let entityKeys = ["file", "sheet", "columns", "key", "values", "types", "constants", "date_format", "null_values",
                             "list_separator", "add_missing", "fields"]
    static let typeNames: [(String, FieldType)] = [("string", .string), ("int", .int), ("money", .money), ("decimal", .decimal),
                                                   ("date", .date), ("bool", .bool), ("enum", .enumeration), ("list", .stringList)]

    /// A mistake in folio.json: where (a JSON path) and what.
    public struct Mistake: Error, Sendable {
        public var path: String
        public var message: String
    }

    static func unknownKey(_ key: String, at path: String, among keys: [String]) -> Mistake {
        let near = Suggest.closest(key, among: keys).map { "; did you mean '\($0)'?" } ?? " (the keys are \(keys.joined(separator: ", ")))"
        return Mistake(path: path.isEmpty ? key : path + "." + key, message: "unknown key '\(key)'\(near)")
    }

    /// The mapping part of a parsed folio.json (its object's members), checked against `schema`.
    static func read(_ members: [(String, JSON)], schema: Schema) throws(Mistake) -> Mapping {
        var m = Mapping()
        if let f = members.first(where: { $0.0 == "date_format" })?.1 { m.dateFormat = try dateFormat(f, at: "date_format") }
        if let n = members.first(where: { $0.0 == "null_values" })?.1 { m.nullValues = try strings(n, at: "null_values") }
        if let e = members.first(where: { $0.0 == "entities" })?.1 {
            guard case .object(let entities) = e else { throw Mistake(path: "entities", message: "expected an object of entities, found \(e.kindName)") }
            for (name, value) in entities {
                m.entities.append(try entity(name, value, schema: schema))
            }
        }
        if let r = members.first(where: { $0.0 == "relationships" })?.1 {
            guard case .array(let items) = r else { throw Mistake(path: "relationships", message: "expected a list of relationships, found \(r.kindName)") }
            for (i, item) in items.enumerated() {
                m.relationships.append(try relationship(item, at: "relationships[\(i)]", mapping: m, schema: schema))
            }
        }
        try m.checkAddMissing(schema)
        return m
    }

    static func entity(_ name: String, _ value: JSON, schema: Schema) throws(Mistake) -> Entity {
        let path = "entities.\(name)"
        guard case .object(let members) = value else { throw Mistake(path: path, message: "expected an object, found \(value.kindName)") }
        var e = Entity(name: name)
        for (key, _) in members where !entityKeys.contains(key) { throw unknownKey(key, at: path, among: entityKeys) }
        let builtIn = schema.entity(name)
        if let f = members.first(where: { $0.0 == "fields" })?.1 {
            if let builtIn {
                throw Mistake(path: path + ".fields", message: "\(builtIn.name) is one of folio's entities, whose fields are fixed; declare a new field's type in types")
            }
            guard case .object(let fields) = f else { throw Mistake(path: path + ".fields", message: "expected an object of field → type, found \(f.kindName)") }
            var declared: [(String, FieldType)] = []
            for (field, t) in fields { declared.append((field, try type(t, at: path + ".fields." + field))) }
            e.fields = declared
            guard name.utf8.first.map(isIdentifierStart) == true, name.utf8.allSatisfy(isIdentifierPart) else {
                throw Mistake(path: path, message: "a new entity's name is a word of letters, digits and _ ('\(name)' is not)")
            }
        } else if builtIn == nil {
            let names = schema.entities.map(\.name)
            let near = Suggest.closest(name, among: names).map { "did you mean '\($0)'? " } ?? ""
            throw Mistake(path: path, message: "unknown entity '\(name)'; \(near)folio's entities are \(names.joined(separator: ", ")), and a new one declares its fields (\"fields\": {\"name\": \"string\"})")
        }
        if let builtIn { e.name = builtIn.name }
        for (key, v) in members {
            let at = path + "." + key
            switch key {
            case "file":
                switch v {
                case .string(let s): e.files = [s]
                case .array(let items):
                    for (i, item) in items.enumerated() {
                        guard case .string(let s) = item else { throw Mistake(path: at + "[\(i)]", message: "expected a file name, found \(item.kindName)") }
                        e.files.append(s)
                    }
                    if e.files.isEmpty { throw Mistake(path: at, message: "expected a file name or a list of them, found an empty list") }
                default: throw Mistake(path: at, message: "expected a file name or a list of them, found \(v.kindName)")
                }
                for f in e.files where f.contains("/") || f == ".." || f.isEmpty {
                    throw Mistake(path: at, message: "'\(f)' is not a file of this folder (write its name alone)")
                }
            case "sheet":
                guard case .string(let s) = v else { throw Mistake(path: at, message: "expected a sheet name, found \(v.kindName)") }
                e.sheet = s
            case "columns":
                guard case .object(let cols) = v else { throw Mistake(path: at, message: "expected an object of column → field, found \(v.kindName)") }
                for (header, target) in cols {
                    switch target {
                    case .string(let field): e.columns.append((Loader.normalizeHeader(header), header, field))
                    case .null: e.columns.append((Loader.normalizeHeader(header), header, nil))
                    default: throw Mistake(path: at + "." + header, message: "expected a field name (or null to drop the column), found \(target.kindName)")
                    }
                }
            case "key":
                guard case .string(let s) = v else { throw Mistake(path: at, message: "expected a field name, found \(v.kindName)") }
                e.key = s
            case "values":
                guard case .object(let fields) = v else { throw Mistake(path: at, message: "expected an object of field → {label: value}, found \(v.kindName)") }
                for (field, labels) in fields {
                    guard case .object(let pairs) = labels else { throw Mistake(path: at + "." + field, message: "expected an object of label → value, found \(labels.kindName)") }
                    var list: [(String, String)] = []
                    for (label, target) in pairs {
                        guard case .string(let t) = target else { throw Mistake(path: at + "." + field + "." + label, message: "expected the value as a string, found \(target.kindName)") }
                        list.append((label, t))
                    }
                    e.values[field] = list
                }
            case "types":
                guard case .object(let fields) = v else { throw Mistake(path: at, message: "expected an object of field → type, found \(v.kindName)") }
                for (field, t) in fields {
                    if let builtIn, let f = builtIn.fields.first(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(field) }) {
                        throw Mistake(path: at + "." + field, message: "'\(f.name)' is a field of \(builtIn.name) typed \(f.type); types is for custom fields")
                    }
                    e.types.append((field, try type(t, at: at + "." + field)))
                }
            case "constants":
                guard case .object(let fields) = v else { throw Mistake(path: at, message: "expected an object of field → value, found \(v.kindName)") }
                for (field, c) in fields {
                    switch c {
                    case .string(let s): e.constants.append((field, s))
                    case .number(_, let text): e.constants.append((field, text))
                    case .bool(let b): e.constants.append((field, b ? "true" : "false"))
                    default: throw Mistake(path: at + "." + field, message: "expected a value (text, a number or true/false), found \(c.kindName)")
                    }
                }
            case "date_format":
                switch v {
                case .string: e.dateFormat = try dateFormat(v, at: at)
                case .object(let fields):
                    for (field, f) in fields { e.fieldDateFormats[field] = try dateFormat(f, at: at + "." + field) }
                default: throw Mistake(path: at, message: "expected a format (\"M/D/YYYY\") or an object of field → format, found \(v.kindName)")
                }
            case "null_values":
                switch v {
                case .array: e.nullValues = try strings(v, at: at)
                case .object(let fields):
                    for (field, list) in fields { e.fieldNullValues[field] = try strings(list, at: at + "." + field) }
                default: throw Mistake(path: at, message: "expected a list of texts, or an object of field → list, found \(v.kindName)")
                }
            case "list_separator":
                guard case .object(let fields) = v else { throw Mistake(path: at, message: "expected an object of field → separator (\"list_separator\": {\"products\": \", \"}), found \(v.kindName)") }
                for (field, sep) in fields {
                    guard case .string(let s) = sep, !s.isEmpty, !s.allSatisfy({ $0 == " " }) else {
                        throw Mistake(path: at + "." + field, message: "expected a separator such as \";\" or \", \", found \(sep.kindName)")
                    }
                    e.listSeparators[field] = s
                }
            case "add_missing":
                guard case .bool(let b) = v else { throw Mistake(path: at, message: "expected true or false, found \(v.kindName)") }
                e.addMissing = b
            default: break
            }
        }
        // Targets of values on a built-in picklist must be its declared values.
        if let builtIn {
            for (field, labels) in e.values {
                guard let f = builtIn.fields.first(where: { Loader.normalizeHeader($0.name) == Loader.normalizeHeader(field) }), f.type == .enumeration else { continue }
                let domain = EnumDomain(name: "\(builtIn.name).\(f.name)", declared: f.enumValues)
                for (label, value) in labels where domain.code(of: value) == nil {
                    let near = Suggest.closest(value, among: f.enumValues).map { "did you mean '\($0)'? " } ?? ""
                    throw Mistake(path: "\(path).values.\(field).\(label)",
                                  message: "'\(value)' is not a value of \(builtIn.name).\(f.name); \(near)its values are \(f.enumValues.joined(separator: ", ")). A picklist of folio's maps only onto its own values (a label left unmapped is kept as a value of its own); string fields and custom fields take any value")
                }
            }
        }
        return e
    }

    static func relationship(_ item: JSON, at path: String, mapping: Mapping, schema: Schema) throws(Mistake) -> Relationship {
        guard case .object(let members) = item else { throw Mistake(path: path, message: "expected an object {\"field\": \"ENTITY.FIELD\", \"to\": …, \"as\": …, \"inverse\": …}, found \(item.kindName)") }
        let keys = ["field", "to", "as", "inverse"]
        for (key, _) in members where !keys.contains(key) { throw unknownKey(key, at: path, among: keys) }
        func text(_ key: String) throws(Mistake) -> String {
            guard let v = item[key] else { throw Mistake(path: path, message: "a relationship needs '\(key)'") }
            guard case .string(let s) = v, !s.isEmpty else { throw Mistake(path: path + "." + key, message: "expected a name, found \(v.kindName)") }
            return s
        }
        let field = try text("field"), to = try text("to"), name = try text("as"), inverse = try text("inverse")
        let parts = field.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw Mistake(path: path + ".field", message: "expected ENTITY.FIELD (opportunities.product), found '\(field)'") }
        let entities = schema.entities.map(\.name) + mapping.entities.filter(\.isNew).map(\.name)
        func known(_ e: String, _ at: String) throws(Mistake) -> String {
            if let hit = entities.first(where: { $0.caseInsensitiveEquals(e) }) { return hit }
            let near = Suggest.closest(e, among: entities).map { "; did you mean '\($0)'?" } ?? " (the entities are \(entities.joined(separator: ", ")))"
            throw Mistake(path: at, message: "a relationship to nowhere: no entity '\(e)'\(near)")
        }
        let from = try known(parts[0], path + ".field"), target = try known(to, path + ".to")
        for n in [name, inverse] where !(n.utf8.first.map(isIdentifierStart) == true && n.utf8.allSatisfy(isIdentifierPart)) {
            throw Mistake(path: path, message: "'\(n)' is not a name a query can write (letters, digits and _)")
        }
        return Relationship(entity: from, field: parts[1], target: target, name: name, inverse: inverse, path: path)
    }

    /// `add_missing` makes rows of an entity from the keys other entities reference; when two
    /// entities make each other's rows (through their relationships), which comes first is
    /// undefined, so that is a mistake.
    func checkAddMissing(_ schema: Schema) throws(Mistake) {
        let adding = Set(entities.filter(\.addMissing).map { $0.name.lowercased() })
        if adding.isEmpty { return }
        // Edges: from an entity that references, to the add_missing entity referenced.
        var edges: [String: Set<String>] = [:]
        for e in schema.entities {
            for f in e.fields {
                if let r = f.reference, adding.contains(r.target.lowercased()), !r.target.caseInsensitiveEquals(e.name) {
                    edges[e.name.lowercased(), default: []].insert(r.target.lowercased())
                }
            }
        }
        for r in relationships where adding.contains(r.target.lowercased()) && !r.target.caseInsensitiveEquals(r.entity) {
            edges[r.entity.lowercased(), default: []].insert(r.target.lowercased())
        }
        // In the order folio.json names them, so that the message is always the same.
        for a in entities.filter(\.addMissing).map({ $0.name.lowercased() }) {
            for b in (edges[a] ?? []).sorted() where adding.contains(b) && (edges[b]?.contains(a) ?? false) {
                throw Mistake(path: "entities.\(a).add_missing",
                              message: "add_missing makes a cycle: \(a) makes rows for the keys \(b) references, and \(b) for the keys \(a) references; keep add_missing on one of them")
            }
        }
    }

    static func type(_ v: JSON, at path: String) throws(Mistake) -> FieldType {
        let names = typeNames.map(\.0)
        guard case .string(let s) = v else { throw Mistake(path: path, message: "expected a type (\(names.joined(separator: ", "))), found \(v.kindName)") }
        if let t = typeNames.first(where: { $0.0 == s.lowercased() }) { return t.1 }
        let near = Suggest.closest(s, among: names).map { "; did you mean '\($0)'?" } ?? " (the types are \(names.joined(separator: ", ")))"
        throw Mistake(path: path, message: "unknown type '\(s)'\(near)")
    }

    static func dateFormat(_ v: JSON, at path: String) throws(Mistake) -> DateFormat {
        guard case .string(let s) = v else { throw Mistake(path: path, message: "expected a date format such as \"M/D/YYYY\", found \(v.kindName)") }
        switch DateFormat.parse(s) {
        case .success(let f): return f
        case .failure(let e): throw Mistake(path: path, message: "a bad date format: \(e.message)")
        }
    }

    static func strings(_ v: JSON, at path: String) throws(Mistake) -> [String] {
        guard case .array(let items) = v else { throw Mistake(path: path, message: "expected a list of texts (\"null_values\": [\"N/A\", \"-\"]), found \(v.kindName)") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            switch item {
            case .string(let s): out.append(s)
            case .number(_, let text): out.append(text)
            default: throw Mistake(path: path + "[\(i)]", message: "expected a text, found \(item.kindName)")
            }
        }
        return out
    }
}
