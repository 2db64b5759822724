/// Which file is which entity: each file scored against each of folio's five by its name
/// (`sales_pipeline` → opportunities) and by how many of its headers name the entity's
/// fields; the best pairs are taken first, one file per entity. Every other data file
/// becomes a new entity named after the file, except a description of the other files
/// (a data dictionary), which is left out.
enum EntityAssignment {
    struct Score {
        var name: Double
        var headers: Int
        var total: Double { name * 2 + Double(headers) }
    }

    /// How well a file's name and headers name an entity.
    static func score(_ t: SourceTable, _ entity: String) -> Score {
        let words = HeaderVocabulary.words(ofFileName: t.baseName)
        var name = 0.0
        // Joined neighbours too: `sales_teams` names managers as `salesteams`.
        var candidates = words.enumerated().map { ($0.element, $0.offset == words.count - 1) }
        for i in words.indices.dropLast() { candidates.append((words[i] + words[i + 1], i + 1 == words.count - 1)) }
        for (word, isHead) in candidates {
            guard let hit = HeaderVocabulary.entityNamed(by: word), hit.entity == entity else { continue }
            name = max(name, hit.strong ? (isHead ? 3 : 2) : 0.5)
        }
        // Pipedrive writes the entity before each header (`Deal - Title`).
        let prefixed = t.headers.filter { h in
            HeaderVocabulary.pipedrivePrefix(h).flatMap { HeaderVocabulary.entityNamed(by: ColumnProfile.squash($0.0)) }?.entity == entity
        }
        if prefixed.count * 2 >= t.headers.count, !prefixed.isEmpty { name = max(name, 3) }
        var headers = 0
        for h in t.headers {
            if HeaderVocabulary.field(for: h, in: entity) != nil {
                headers += 1
            } else if HeaderVocabulary.isIdLike(h), let e = HeaderVocabulary.entityNamed(by: HeaderVocabulary.stem(h)), e.entity == entity {
                headers += 1
            }
        }
        return Score(name: name, headers: headers)
    }

    /// Enough to take a file for an entity: its name, its name weakly and two headers, or a third of its headers.
    static func acceptable(_ s: Score, columns: Int) -> Bool {
        s.name >= 2 || (s.name > 0 && s.headers >= 2) || (s.headers >= 3 && s.headers * 3 >= columns)
    }

    /// The plans of the files, in file order: folio's entities where a file is one, new ones otherwise.
    static func assign(_ tables: [SourceTable]) -> [TablePlan] {
        var pairs: [(table: Int, entity: String, score: Score)] = []
        for (i, t) in tables.enumerated() {
            for e in Schema.standard.entities {
                let s = score(t, e.name)
                if acceptable(s, columns: t.headers.count) { pairs.append((i, e.name, s)) }
            }
        }
        pairs.sort { $0.score.total != $1.score.total ? $0.score.total > $1.score.total : $0.table < $1.table }
        var chosen: [Int: (String, Score)] = [:]
        var taken = Set<String>()
        for p in pairs where chosen[p.table] == nil && !taken.contains(p.entity) {
            chosen[p.table] = (p.entity, p.score)
            taken.insert(p.entity)
        }
        var plans: [TablePlan] = []
        var names = Set(Schema.standard.entities.map(\.name))
        for (i, t) in tables.enumerated() {
            if let (entity, s) = chosen[i] {
                var why: [String] = []
                if s.name >= 2 { why.append("file name") } else if s.name > 0 { why.append("file name, weakly") }
                if s.headers > 0 { why.append("\(s.headers) of \(t.headers.count) headers") }
                plans.append(TablePlan(table: t, entity: entity, builtIn: Schema.standard.entity(entity), reason: why.joined(separator: " and ")))
            } else {
                let name = newEntityName(t, taken: names)
                names.insert(name)
                plans.append(TablePlan(table: t, entity: name, builtIn: nil, reason: "a new entity"))
            }
        }
        return plans
    }

    /// A new entity's name: the file's words in snake_case (`olist_sellers_dataset` → sellers).
    static func newEntityName(_ t: SourceTable, taken: Set<String>) -> String {
        var base = HeaderVocabulary.words(ofFileName: t.baseName).joined(separator: "_")
        if base.isEmpty { base = snakeCase(t.baseName) }
        if base.isEmpty || !(base.first?.isLetter ?? false) { base = "table_" + base }
        var name = base
        var n = 2
        while taken.contains(name) {
            name = "\(base)_\(n)"
            n += 1
        }
        return name
    }

    /// `Deal - Title` → `deal_title`; a name a query can write.
    static func snakeCase(_ s: String) -> String {
        var out = ""
        var previousLower = false
        for ch in s {
            if ch.isASCII, ch.isLetter || ch.isNumber {
                if ch.isUppercase, previousLower { out += "_" }
                out += ch.lowercased()
                previousLower = ch.isLowercase || ch.isNumber
            } else {
                if !out.isEmpty, out.last != "_" { out += "_" }
                previousLower = false
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        if let first = out.first, first.isNumber { out = "f_" + out }
        return out
    }

    // MARK: - Documentation

    /// Why a file describes the others rather than holding data (`Table,Field,Description`), or nil.
    static func documentation(_ t: SourceTable, among tables: [SourceTable]) -> String? {
        let words = HeaderVocabulary.words(ofFileName: t.baseName)
        let docWords: Set<String> = ["dictionary", "readme", "metadata", "codebook", "glossary", "documentation", "definitions"]
        if words.contains(where: docWords.contains) { return "a description of the other files (its name)" }
        let headers = Set(t.headers.map(ColumnProfile.squash))
        let describing = ["description", "definition", "meaning", "explanation"].contains(where: headers.contains)
        let naming = ["field", "column", "fieldname", "columnname", "attribute", "variable"].contains(where: headers.contains)
        if describing && naming { return "a description of the other files (\(t.headers.joined(separator: ", ")))" }
        // A column whose values are the other files' headers (a dictionary is a small file).
        guard t.rowCount <= 2_000 else { return nil }
        let otherHeaders = Set(tables.filter { $0.file != t.file }.flatMap { $0.headers.map(Loader.normalizeHeader) })
        for cells in t.cells {
            let values = Set(cells.filter { !$0.isEmpty }.map(Loader.normalizeHeader))
            if values.count >= 5, values.filter(otherHeaders.contains).count * 5 >= values.count * 4 {
                return "a description of the other files (its values are their headers)"
            }
        }
        return nil
    }
}
