/// Columns onto fields: a header that names a field of the file's entity (its own name or a
/// synonym) feeds it when the values fit the field's type, the strongest name winning where
/// two columns name one field; foreign keys are left to ``ForeignKeys``, which checks their
/// values against the keys they name. Every other column is a custom field, typed from its
/// values.
enum ColumnMapping {
    /// Maps the columns of a file that is one of folio's entities onto its fields.
    static func mapFields(_ plan: inout TablePlan) {
        guard let def = plan.builtIn else { return }
        var claims: [String: (column: Int, rank: Int)] = [:]
        for (c, p) in plan.profiles.enumerated() where c != plan.idColumn {
            guard let (field, rank) = HeaderVocabulary.field(for: p.header, in: plan.entity),
                  let f = def.fields.first(where: { $0.name == field }) else { continue }
            if f.reference != nil {
                plan.linkClaims.append((c, field, rank))
                continue
            }
            if let problem = misfit(p, f) {
                plan.notes.append("  \(p.header): not \(field) (\(problem)); kept as a custom field")
                continue
            }
            if let other = claims[field], other.rank <= rank {
                plan.notes.append("  \(p.header): not \(field) (\(plan.profiles[other.column].header) is); kept as a custom field")
                continue
            }
            if let other = claims[field] {
                plan.notes.append("  \(plan.profiles[other.column].header): not \(field) (\(p.header) is); kept as a custom field")
            }
            claims[field] = (c, rank)
        }
        for (field, claim) in claims {
            plan.columns[claim.column].field = field
            plan.columns[claim.column].isBuiltIn = true
            plan.columns[claim.column].nullTexts = plan.profiles[claim.column].nullTexts
            if def.fields.first(where: { $0.name == field })?.type == .stringList, let sep = plan.profiles[claim.column].listSeparator, sep != ";",
               !plan.table.arrayColumns.contains(claim.column) {
                plan.columns[claim.column].listSeparator = sep
                plan.notes.append("  \(plan.profiles[claim.column].header): items separated by \"\(sep)\"")
            }
            if !plan.columns[claim.column].nullTexts.isEmpty {
                plan.notes.append("  \(plan.profiles[claim.column].header): \(plan.columns[claim.column].nullTexts.joined(separator: ", ")) read as null")
            }
        }
    }

    /// Why a column's values do not fit a field of folio's, or nil when they do.
    static func misfit(_ p: ColumnProfile, _ f: FieldDef) -> String? {
        let example = p.values.first { v in !fits(v, f.type) }.map { "\"\($0)\"" } ?? ""
        switch f.type {
        case .string, .stringList: return nil
        case .int: return p.kinds.int ? nil : "values like \(example) are not whole numbers"
        case .money: return p.kinds.money ? nil : "values like \(example) are not amounts"
        case .decimal: return p.kinds.decimal ? nil : "values like \(example) are not numbers"
        case .bool: return p.kinds.bool ? nil : "values like \(example) are not true/false"
        case .date:
            switch p.dates {
            case .iso, .format: return nil
            case .ambiguous: return nil  // said where dates are decided
            case .none: return "values like \(example.isEmpty ? "these" : example) are not dates"
            }
        case .enumeration:
            // A free text is not a picklist: too many different values.
            return p.distinct.count <= 60 || p.distinct.count * 10 <= p.nonEmpty ? nil : "\(p.distinct.count) different values, not a picklist"
        }
    }

    /// Whether the loader reads one value as the type.
    static func fits(_ value: String, _ type: FieldType) -> Bool {
        var v = value
        return v.withUTF8 { raw in
            let t = CellParse.trimmed(raw)
            switch type {
            case .int: return CellParse.int(t) != nil
            case .money: return CellParse.money(t) != nil
            case .decimal: return CellParse.decimal(t) != nil
            case .bool: return CellParse.bool(t) != nil
            default: return true
            }
        }
    }

    // MARK: - Custom fields

    /// Types every column that feeds no field of folio's: from its values, written in
    /// `types` where the loader's inference would give another type (money, lists, 0/1
    /// flags, numbers with leading zeros); a new entity's fields get snake_case names.
    static func typeCustomFields(_ plan: inout TablePlan) {
        for c in plan.columns.indices where !plan.columns[c].isBuiltIn && !plan.columns[c].dropped {
            let p = plan.profiles[c]
            if plan.columns[c].isLink {
                plan.columns[c].type = .string
                continue
            }
            let type = proposedType(p)
            plan.columns[c].type = type
            plan.columns[c].declareType = type != inferredType(p)
            if type == .stringList, !p.isArray, let sep = p.listSeparator, sep != ";" { plan.columns[c].listSeparator = sep }
            if type != .string { plan.columns[c].nullTexts = p.nullTexts }
            if plan.columns[c].declareType, type != .string {
                var line = "  \(p.header): a custom field of \(type == .stringList ? "lists" : type.configName)"
                if type == .stringList { line += p.isArray ? " (JSON arrays)" : " (items separated by \"\(p.listSeparator ?? ";")\")" }
                if type == .bool, p.kinds.zeroOne { line += " (0 and 1)" }
                if type == .string, p.kinds.leadingZero { line += " (numbers with leading zeros)" }
                plan.notes.append(line)
            }
            if !plan.columns[c].nullTexts.isEmpty { plan.notes.append("  \(p.header): \(plan.columns[c].nullTexts.joined(separator: ", ")) read as null") }
        }
    }

    /// Names of fields that are not folio's: a new entity's are snake_case names of its headers
    /// (`Deal - Title` → deal_title), each once; in folio's entities a custom field keeps its
    /// header, but without a Pipedrive prefix naming the entity (`Deal - Currency` → currency).
    static func nameFields(_ plan: inout TablePlan) {
        guard plan.isNew else {
            var used = Set(plan.columns.map { Loader.normalizeHeader($0.field) })
            used.formUnion(plan.builtIn?.fields.map(\.name) ?? [])
            for c in plan.columns.indices where !plan.columns[c].isBuiltIn && c != plan.identity {
                guard let (prefix, rest) = HeaderVocabulary.pipedrivePrefix(plan.profiles[c].header),
                      HeaderVocabulary.entityNamed(by: ColumnProfile.squash(prefix))?.entity == plan.entity else { continue }
                let name = EntityAssignment.snakeCase(rest)
                guard !name.isEmpty, !used.contains(name) else { continue }
                used.insert(name)
                plan.columns[c].field = name
                plan.columns[c].declareType = true
            }
            return
        }
        var used: Set<String> = ["id"]
        for c in plan.columns.indices where c != plan.idColumn {
            let header = plan.profiles[c].header
            var name = EntityAssignment.snakeCase(header)
            if name.isEmpty { name = "column_\(c + 1)" }
            if name == "id" { name = "source_id" }
            var unique = name
            var n = 2
            while used.contains(unique) {
                unique = "\(name)_\(n)"
                n += 1
            }
            used.insert(unique)
            plan.columns[c].field = unique
        }
    }

    /// An export of won deals only (`closed_deals`, a `won_date`) has no stage column: every row is closed_won.
    static func constants(_ plan: inout TablePlan) {
        guard plan.entity == "opportunities", plan.column(feeding: "stage") == nil else { return }
        let words = Set(HeaderVocabulary.words(ofFileName: plan.table.baseName))
        let wonColumn = plan.column(feeding: "close_date").map { plan.profiles[$0].squashed.contains("won") } ?? false
        guard !words.isDisjoint(with: ["won", "wins", "closed"]) || wonColumn else { return }
        plan.constants.append(("stage", "closed_won"))
        let why = wonColumn ? "\(plan.profiles[plan.column(feeding: "close_date") ?? 0].header) is when each was won" : "the file name says so"
        plan.notes.append("  no stage column: every row is a won deal (\(why)); constants stage closed_won")
    }

    /// What the mapping cannot express, said where it is met.
    static func limits(_ plan: inout TablePlan) {
        let squashed = plan.profiles.map(\.squashed)
        if plan.builtIn?.fields.contains(where: { $0.name == "name" }) == true, plan.column(feeding: "name") == nil,
           let first = squashed.firstIndex(where: { ["firstname", "first", "givenname"].contains($0) }),
           let last = squashed.firstIndex(where: { ["lastname", "last", "surname", "familyname"].contains($0) }) {
            plan.notes.append("  \(plan.profiles[first].header) and \(plan.profiles[last].header) stay custom fields: a mapping cannot join two columns into name")
        }
        if plan.entity == "opportunities", let stage = plan.column(feeding: "stage") {
            for (c, p) in plan.profiles.enumerated() where c != stage && !plan.columns[c].isBuiltIn {
                let labels = Set(p.values.map { $0.lowercased() })
                if labels.contains("won") || labels.contains("lost"), labels.count <= 5, p.squashed.contains("status") {
                    plan.notes.removeAll { $0.hasPrefix("  \(p.header): not stage") }
                    plan.notes.append("  \(p.header) (\(p.values.joined(separator: ", "))) stays a custom field: stage comes from one column (\(plan.profiles[stage].header)); count won deals with \(p.header) = \"won\"")
                }
            }
        }
    }

    /// The type a column's values call for.
    static func proposedType(_ p: ColumnProfile) -> FieldType {
        if p.isArray { return .stringList }
        let k = p.kinds
        if p.dates.isDate { return .date }
        if case .ambiguous = p.dates { return .string }
        if k.any {
            if k.boolWord { return .bool }
            let words = p.normalized.split(separator: "_").map(String.init)
            if k.zeroOne, let first = words.first, ["is", "has", "was", "can", "opted", "enabled", "active", "flag"].contains(first) || p.normalized.hasSuffix("_flag") || p.normalized.hasSuffix("opted_in") {
                return .bool
            }
            let textual = ["zip", "postal", "postcode", "phone", "code", "fax"].contains { p.squashed.contains($0) }
            if (k.int || k.decimal), k.leadingZero || textual { return .string }
            if k.money, (k.currencySymbol || isMoneyName(p)), k.maxDecimals <= 2 { return .money }
            if k.int { return .int }
            if k.decimal { return .decimal }
        }
        if p.listSeparator != nil { return .stringList }
        return .string
    }

    /// A header that names an amount of money (`sales_price`, `AnnualRevenue`, `close_value`).
    static func isMoneyName(_ p: ColumnProfile) -> Bool {
        let words = Set(p.normalized.split(separator: "_").map(String.init))
        if !words.isDisjoint(with: ["price", "amount", "revenue", "value", "cost", "arr", "mrr", "quota", "budget", "spend", "salary", "fee", "income", "usd", "eur"]) { return true }
        return ["revenue", "amount", "price", "value", "cost", "budget", "salary", "income"].contains { p.squashed.hasSuffix($0) }
    }

    /// The type the loader infers for a custom field with no declared type (int, decimal,
    /// date, bool, else string), given that the column's own date format applies.
    static func inferredType(_ p: ColumnProfile) -> FieldType {
        if !p.kinds.any && !p.dates.isDate { return .string }
        if p.kinds.plainInt { return .int }
        if p.kinds.plainDecimal { return .decimal }
        if p.dates.isDate { return .date }
        if p.kinds.boolWord { return .bool }
        return .string
    }
}
