/// Links applied to the plans: the column becomes folio's key field or a relationship with
/// names that do not clash, and keys the target lacks are made rows or left to `--lenient`.
extension ForeignKeys {
    /// Makes a link part of the plans and says so in the report.
    mutating func apply(_ link: Link) {
        let i = link.plan, c = link.column
        let p = plans[i].profiles[c]
        let targetName = entityName(link.target)
        plans[i].columns[c].isLink = true
        plans[i].columns[c].labels += link.match.fixes
        var what: String
        if let f = link.builtInField {
            plans[i].columns[c].field = f
            plans[i].columns[c].isBuiltIn = true
            what = Loader.normalizeHeader(p.header) == f ? "  \(p.header)" : "  \(p.header) → \(f)"
        } else {
            let r = relationship(from: i, column: c, to: targetName)
            relationships.append(r)
            what = "  \(p.header) → \(targetName): a relationship (\(r.entity).\(r.name), and \(targetName).\(r.inverse) back)"
        }
        let m = link.match
        switch link.target {
        case .made:
            what += ": keys of \(targetName), which has no file"
        case .plan(let j):
            let kind = plans[j].keyedByName ? "names" : "ids"
            what += ": \(kind) of \(targetName) (\(Keys.count(m.found)) of \(Keys.count(m.distinct)) found in \(plans[j].table.file))"
            if !m.fixes.isEmpty { what += "; " + m.fixes.map { "\($0.label) → \($0.value)" }.joined(separator: ", ") + " (spelled so in \(plans[j].table.file))" }
            if !m.missing.isEmpty { handleMissing(link, j) }
        }
        plans[i].notes.append(what)
    }

    /// Keys another file names that the target lacks: rows made for them, or `--lenient`.
    mutating func handleMissing(_ link: Link, _ j: Int) {
        let m = link.match
        let p = plans[link.plan].profiles[link.column]
        let shown = m.missing.prefix(3).joined(separator: ", ") + (m.missing.count > 3 ? ", …" : "")
        if plans[j].keyedByName || m.missing.count * 2 > m.distinct {
            if !plans[j].addMissing { plans[j].addMissing = true }
            let why = plans[j].keyedByName ? "named only in" : "more than half of them are only in"
            pendingNotes.append((j, "  add_missing: \(m.missing.count) \(plans[j].entity) \(why) \(plans[link.plan].table.file) \(p.header) (\(shown)) become rows with only their key"))
            return
        }
        needsLenient = true
        let missing = Set(m.missing)
        let rows = plans[link.plan].table.cells[link.column].filter(missing.contains).count
        notes.append("\(plans[link.plan].table.file): \(rows) rows name \(m.missing.count) \(plans[j].entity) in \(p.header) that \(plans[j].table.file) lacks (\(shown)); --lenient sets them to null")
    }

    /// A relationship's path and collection names: the header's stem (`seller_id` → seller)
    /// or the target's singular, and the source entity; changed where either is taken.
    func relationship(from i: Int, column c: Int, to target: String) -> ProposedRelationship {
        let p = plans[i].profiles[c]
        let field = ProposalDraft.fieldName(plans[i], c)
        var base = HeaderVocabulary.isIdLike(p.header) ? EntityAssignment.snakeCase(HeaderVocabulary.stem(p.header)) : ""
        if base.isEmpty || base == Loader.normalizeHeader(field) { base = HeaderVocabulary.singular(String(target.split(separator: "_").last ?? "")) }
        let sourceNames = names(on: plans[i].entity)
        var name = base
        for suffix in ["", "_record", "_row", "_ref"] {
            name = base + suffix
            if !sourceNames.contains(name) && name != Loader.normalizeHeader(field) { break }
        }
        let targetNames = names(on: target)
        var inverse = plans[i].entity
        if targetNames.contains(inverse) { inverse = "\(plans[i].entity)_by_\(name)" }
        return ProposedRelationship(entity: plans[i].entity, field: field, target: target, name: name, inverse: inverse)
    }

    /// Every name a query can write on an entity: fields, relationships, collections.
    func names(on entity: String) -> Set<String> {
        var out = Set<String>()
        if let def = Schema.standard.entity(entity) {
            for f in def.fields {
                out.insert(f.name)
                if let r = f.reference { out.insert(r.name) }
            }
            for c in Schema.standard.collections(of: entity) { out.insert(c.name) }
        }
        for plan in plans where plan.entity == entity {
            for (c, col) in plan.columns.enumerated() where !col.dropped { out.insert(Loader.normalizeHeader(plan.isNew ? col.field : (col.isBuiltIn ? col.field : plan.profiles[c].header))) }
        }
        for r in relationships {
            if r.entity == entity { out.insert(r.name) }
            if r.target == entity { out.insert(r.inverse) }
        }
        return out
    }
}
