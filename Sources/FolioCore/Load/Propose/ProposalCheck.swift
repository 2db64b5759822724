/// The proposal must load as it stands: the folder's files are loaded with it (in memory,
/// with `--lenient` where the proposal says so), and a mapping the load stops at is dropped
/// and the load tried again — the report says what was dropped and why.
enum ProposalCheck {
    static let attempts = 12

    /// Loads the folder's files with the draft, fixing it until it loads (or saying it does not).
    static func verify(_ draft: inout ProposalDraft, files: [String: [UInt8]]) {
        for _ in 0..<attempts {
            var all = files
            all["folio.json"] = Array((draft.json().pretty() + "\n").utf8)
            do throws(LoadError) {
                _ = try Loader.load(.memory(all), lenient: draft.needsLenient)
                return
            } catch {
                guard fix(&draft, error) else {
                    draft.closing.append("the proposal does not load: \(error.description); edit folio.json where it says")
                    return
                }
            }
        }
        draft.closing.append("the proposal still does not load after \(attempts) corrections; load it to see where")
    }

    /// Drops what the load stopped at; false when nothing can be dropped.
    static func fix(_ draft: inout ProposalDraft, _ error: LoadError) -> Bool {
        if error.kind == "bad config" { return fixConfig(&draft, error) }
        if !draft.needsLenient, ["dangling key", "duplicate id", "duplicate key", "missing id", "ragged row", "unbalanced quote", "cycle"].contains(error.kind) {
            draft.needsLenient = true
            draft.closing.append("checked: \(error.description); --lenient is needed")
            return true
        }
        // A file whose header folio cannot read (a column without a name, one named twice) is left out.
        if ["bad header", "empty file", "bad workbook", "invalid UTF-8"].contains(error.kind),
           let i = draft.plans.firstIndex(where: { $0.table.file == error.file }), dropEntity(&draft, i, because: error.description) {
            return true
        }
        // A cell that does not read as its field's type: the field's mapping goes.
        guard let i = draft.plans.firstIndex(where: { $0.table.file == error.file }), let field = quotedName(error.message) else { return false }
        guard let c = draft.plans[i].columns.indices.first(where: { ProposalDraft.fieldName(draft.plans[i], $0).caseInsensitiveEquals(field) }) else { return false }
        return dropColumn(&draft, i, c, because: error.description)
    }

    /// The first name in single quotes of a message (`expected a date … for 'close_date', …`).
    static func quotedName(_ message: String) -> String? {
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// A column of folio's field becomes a text field of its own; a custom one loses its type and rules.
    static func dropColumn(_ draft: inout ProposalDraft, _ i: Int, _ c: Int, because why: String) -> Bool {
        var plan = draft.plans[i]
        let before = ProposalDraft.fieldName(plan, c)
        if c == plan.identity {
            return dropEntity(&draft, i, because: why)
        }
        let col = plan.columns[c]
        guard col.isBuiltIn || col.type != .string || !col.labels.isEmpty || col.dateFormat != nil || !col.nullTexts.isEmpty || col.isLink else { return false }
        if col.isLink { draft.relationships.removeAll { $0.entity == plan.entity && Loader.normalizeHeader($0.field) == Loader.normalizeHeader(before) } }
        var plain = ColumnPlan(field: plan.isNew ? col.field : plan.profiles[c].header)
        plain.declareType = true
        plan.columns[c] = plain
        draft.plans[i] = plan
        draft.closing.append("checked: dropped the mapping of \(plan.table.file) \(plan.profiles[c].header) (\(before)), which does not load: \(why)")
        return true
    }

    /// Leaves a file out (unless the loader reads it anyway, by its name).
    static func dropEntity(_ draft: inout ProposalDraft, _ i: Int, because why: String) -> Bool {
        let plan = draft.plans[i]
        guard plan.isNew || !MappingProposal.defaultName(plan) else { return false }
        draft.plans.remove(at: i)
        draft.relationships.removeAll { $0.entity == plan.entity || $0.target == plan.entity }
        if let h = draft.headings.firstIndex(where: { $0.file == plan.table.file }) {
            draft.headings[h].line = "\(plan.table.file) skipped: it does not load as \(plan.entity) (\(why))"
        }
        return true
    }

    /// A mistake folio.json's reader names by its path (`entities.products.columns.X`).
    static func fixConfig(_ draft: inout ProposalDraft, _ error: LoadError) -> Bool {
        let path = error.message.prefix { $0 != ":" }
        if path.hasPrefix("relationships[") {
            let digits = path.dropFirst("relationships[".count).prefix { $0.isNumber }
            guard let n = Int(digits), n < draft.relationships.count else { return false }
            let r = draft.relationships.remove(at: n)
            unlink(&draft, r)
            draft.closing.append("checked: dropped the relationship \(r.entity).\(r.field) → \(r.target): \(error.message)")
            return true
        }
        let parts = path.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count >= 2, parts[0] == "entities" else { return false }
        let entity = parts[1]
        guard let i = draft.plans.firstIndex(where: { $0.entity == entity }) else {
            if let m = draft.made.firstIndex(where: { $0.entity == entity }) {
                draft.made.remove(at: m)
                draft.needsLenient = true
                draft.closing.append("checked: \(entity) is not made from keys (\(error.message)); --lenient sets the keys to null")
                return true
            }
            return false
        }
        guard parts.count >= 3 else { return dropEntity(&draft, i, because: error.message) }
        switch parts[2] {
        case "add_missing":
            draft.plans[i].addMissing = false
            draft.needsLenient = true
            draft.closing.append("checked: no add_missing on \(entity) (\(error.message)); --lenient sets the keys to null")
            return true
        case "key", "fields", "file":
            return dropEntity(&draft, i, because: error.message)
        default:
            guard parts.count >= 4 else { return dropEntity(&draft, i, because: error.message) }
            let name = parts[3]
            let plan = draft.plans[i]
            let c = plan.columns.indices.first { plan.profiles[$0].header == name }
                ?? plan.columns.indices.first { ProposalDraft.fieldName(plan, $0).caseInsensitiveEquals(name) }
            guard let c else { return dropEntity(&draft, i, because: error.message) }
            return dropColumn(&draft, i, c, because: error.message)
        }
    }

    /// The column a dropped relationship rode on is a plain text field again.
    static func unlink(_ draft: inout ProposalDraft, _ r: ProposedRelationship) {
        guard let i = draft.plans.firstIndex(where: { $0.entity == r.entity }) else { return }
        for c in draft.plans[i].columns.indices where ProposalDraft.fieldName(draft.plans[i], c) == r.field {
            draft.plans[i].columns[c].isLink = false
        }
    }
}
