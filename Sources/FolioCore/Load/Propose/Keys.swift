/// What identifies each file's rows: an id-like column (`Id`, `Record ID`, `deal_id`) whose
/// values are all there and all different, else a name column that is unique without regard
/// to case (`key`), as the loader checks them.
enum Keys {
    /// Chooses every plan's id or key column.
    static func choose(_ plans: inout [TablePlan]) {
        var candidates = plans.map(idCandidates)
        // A file with two unique id columns, one of them another file's id (a deal's lead):
        // the other is its own, so that the shared one can link the two.
        let first = candidates
        for i in plans.indices where first[i].count > 1 {
            candidates[i].removeAll { c in
                let header = plans[i].profiles[c].normalized
                let values = plans[i].profiles[c].distinct
                return plans.indices.contains { j in
                    guard j != i, let other = first[j].first, plans[j].profiles[other].normalized == header else { return false }
                    let theirs = Set(plans[j].profiles[other].distinct)
                    return values.allSatisfy(theirs.contains)
                }
            }
        }
        for i in plans.indices {
            if let c = candidates[i].first {
                plans[i].idColumn = c
                plans[i].columns[c].field = "id"
                plans[i].columns[c].isBuiltIn = true
                let p = plans[i].profiles[c]
                plans[i].notes.insert("  \(p.header) → id (\(count(p.rows)) unique values)", at: 0)
            } else if !plans[i].isNew, MappingProposal.defaultName(plans[i]), let c = plans[i].profiles.indices.first(where: { c in
                let p = plans[i].profiles[c]
                return HeaderVocabulary.isIdLike(p.header) && p.nonEmpty == p.rows && p.rows > 0 && nameKey(plans[i]) == nil
            }) {
                // `accounts.csv` is read as accounts whatever folio.json says: ids that repeat are
                // still its ids, and --lenient keeps each one's first row.
                plans[i].idColumn = c
                plans[i].columns[c].field = "id"
                plans[i].columns[c].isBuiltIn = true
                let p = plans[i].profiles[c]
                plans[i].notes.insert("  \(p.header) → id (\(count(p.rows - p.distinct.count)) of \(count(p.rows)) repeat an id before them; --lenient skips them)", at: 0)
            } else if let c = nameKey(plans[i]) {
                plans[i].keyColumn = c
                let p = plans[i].profiles[c]
                if plans[i].isNew {
                    plans[i].columns[c].field = EntityAssignment.snakeCase(p.header)
                }
                let field = plans[i].columns[c].field
                plans[i].notes.insert("  keyed by \(field) (\(p.header): \(count(p.rows)) unique names)", at: 0)
            }
        }
    }

    /// The id-like columns with a value in every row, all different, best first: `id` itself,
    /// then one named for the file (`deal_id` in deals), then in header order.
    static func idCandidates(_ plan: TablePlan) -> [Int] {
        let words = HeaderVocabulary.words(ofFileName: plan.table.baseName).map(HeaderVocabulary.singular)
        let named = Set(words + [HeaderVocabulary.singular(plan.entity)] + (plan.builtIn == nil ? [] : HeaderVocabulary.entityWords.first { $0.entity == plan.entity }?.strong ?? []))
        let ids = plan.profiles.indices.filter { c in
            let p = plan.profiles[c]
            return HeaderVocabulary.isIdLike(p.header) && p.isUniqueAndFilled && p.nullTexts.isEmpty && !p.dates.isDate
        }
        func rank(_ c: Int) -> Int {
            let p = plan.profiles[c]
            if p.normalized == "id" { return 0 }
            let stem = HeaderVocabulary.stem(p.header)
            if named.contains(stem) || named.contains(HeaderVocabulary.singular(stem)) || stem == "record" { return 1 }
            return 2
        }
        return ids.sorted { (rank($0), $0) < (rank($1), $1) }
    }

    /// A name column to key the rows by: the one that feeds `name`, else one named for the
    /// file (`product` in products) or a name (`…_name`), else any text column; unique
    /// without regard to case and never empty.
    static func nameKey(_ plan: TablePlan) -> Int? {
        let unique = plan.profiles.indices.filter { c in
            let p = plan.profiles[c]
            return p.isUniqueFoldedAndFilled && !p.kinds.isTyped && !p.dates.isDate && p.nullTexts.isEmpty
                && (plan.isNew || !plan.columns[c].isBuiltIn || plan.columns[c].field == "name")
        }
        if let c = unique.first(where: { plan.columns[$0].isBuiltIn && plan.columns[$0].field == "name" }) { return c }
        let words = Set(HeaderVocabulary.words(ofFileName: plan.table.baseName).map(HeaderVocabulary.singular) + [HeaderVocabulary.singular(plan.entity)])
        if let c = unique.first(where: { words.contains(plan.profiles[$0].squashed) || plan.profiles[$0].squashed == "name" }) { return c }
        if let c = unique.first(where: { plan.profiles[$0].normalized.hasSuffix("_name") || plan.profiles[$0].squashed.hasSuffix("name") }) { return c }
        // In a file of folio's, only a name column can key it; a new entity's first text column may.
        return plan.isNew ? unique.first : nil
    }

    /// `8800` → `8,800`, for the report.
    static func count(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}
