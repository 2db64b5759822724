/// Foreign keys: a column whose values are (mostly) the keys of another file's rows, or
/// whose header names a foreign key of folio's (`AccountId`, `Sales Agent`, `manager`).
///
/// Between two of folio's entities the built-in key field carries it (opportunities →
/// accounts is `account_id`); anything else is a `relationships` entry. Keys another file
/// names but the target lacks become rows (`add_missing`) when the target is keyed by name,
/// has no file, or lists fewer than half of them; a few dangling ids are left to `--lenient`.
struct ForeignKeys {
    var plans: [TablePlan]
    var relationships: [ProposedRelationship] = []
    /// Folio's entities with no file whose rows are made from the keys others name, in order.
    var made: [(entity: String, keys: [String], sources: [String])] = []
    var needsLenient = false
    /// Report lines about entities with no file, and about dangling keys.
    var notes: [String] = []
    /// Lines about rows made for a target, said after the target's own links.
    var pendingNotes: [(plan: Int, line: String)] = []
    /// Each target's keys, as ``evaluate(_:against:limit:)`` matches them (made once per target).
    var keyCache: [Int: TargetKeys] = [:]

    struct TargetKeys {
        var keys: Set<String>
        var folded: Bool
        /// Squashed key → the key as written, for spellings that differ only in spaces and punctuation.
        var squashed: [String: String]
        /// Folded values of a name column that could key the target instead of its ids.
        var names: Set<String>
    }

    enum Target: Equatable {
        case plan(Int)
        case made(String)
    }

    /// How a column's values meet a target's keys.
    struct Match {
        var distinct = 0
        var byKey = 0
        var byName = 0
        /// Spellings of keys that differ only in spaces and punctuation (`GTXPro` → `GTX Pro`).
        var fixes: [(label: String, value: String)] = []
        var missing: [String] = []
        var useName: Bool { byName > byKey }
        var found: Int { max(byKey, byName) + fixes.count }
    }

    struct Link {
        var plan: Int
        var column: Int
        var target: Target
        var match: Match
        /// The field of folio's that carries it, or nil for a relationship.
        var builtInField: String?
    }

    init(plans: [TablePlan]) { self.plans = plans }

    // MARK: - Targets

    /// The entity a target is.
    func entityName(_ t: Target) -> String {
        switch t {
        case .plan(let j): plans[j].entity
        case .made(let e): e
        }
    }

    /// The target a key field of folio's points at: the file of its entity, else (folio's
    /// entity has no file) the rows to make from the keys; nil when the file has no keys.
    func target(forEntity entity: String) -> Target? {
        if let j = plans.firstIndex(where: { $0.entity == entity }) { return plans[j].identity == nil ? nil : .plan(j) }
        return Schema.standard.entity(entity) == nil ? nil : .made(entity)
    }

    /// The column of a target that could key it by name when it has ids.
    func nameColumn(_ j: Int) -> Int? {
        let plan = plans[j]
        guard plan.idColumn != nil else { return nil }
        if let c = plan.column(feeding: "name"), plan.profiles[c].isUniqueFoldedAndFilled { return c }
        return plan.isNew ? Keys.nameKey(plan) : nil
    }

    /// A plan's keys as links are matched against them.
    func targetKeys(_ j: Int) -> TargetKeys {
        let asWritten = plans[j].identity.map { plans[j].profiles[$0].distinct } ?? []
        let names = nameColumn(j).map { Set(plans[j].profiles[$0].distinct.map(foldedKey)) } ?? []
        let squashed = Dictionary(asWritten.map { (ColumnProfile.squash($0), $0) }, uniquingKeysWith: { a, _ in a })
        return TargetKeys(keys: plans[j].keys, folded: plans[j].keyedByName, squashed: squashed, names: names)
    }

    /// Makes every plan's keys once (again after plans are keyed by name).
    mutating func cacheKeys() {
        keyCache = [:]
        for j in plans.indices where plans[j].identity != nil { keyCache[j] = targetKeys(j) }
    }

    /// How (the first `limit` of) a column's distinct values meet a target's keys.
    func evaluate(_ values: [String], against target: Target, limit: Int = .max) -> Match {
        var m = Match()
        let t: TargetKeys
        switch target {
        case .plan(let j): t = keyCache[j] ?? targetKeys(j)
        case .made(let e): t = TargetKeys(keys: Set(made.first { $0.entity == e }?.keys ?? []), folded: false, squashed: [:], names: [])
        }
        let (keys, folded, names) = (t.keys, t.folded, t.names)
        var unresolved: [String] = []
        for v in values.prefix(limit) {
            m.distinct += 1
            let byKey = keys.contains(folded ? foldedKey(v) : v)
            let byName = !names.isEmpty && names.contains(foldedKey(v))
            if byKey { m.byKey += 1 }
            if byName { m.byName += 1 }
            if !byKey && !byName { unresolved.append(v) }
        }
        for v in unresolved {
            if let k = t.squashed[ColumnProfile.squash(v)], !ColumnProfile.squash(v).isEmpty { m.fixes.append((v, k)) } else { m.missing.append(v) }
        }
        return m
    }

    /// Whether a header names a target: `seller_id` for sellers, `lead_id` for the file
    /// whose id column is `lead_id`, `Deal - Organization` for organizations.
    func headerNames(_ header: String, _ target: Target) -> Bool {
        let stem = HeaderVocabulary.stem(header)
        guard !stem.isEmpty else { return false }
        var names: Set<String> = []
        let entity = entityName(target)
        names.insert(ColumnProfile.squash(entity))
        names.insert(ColumnProfile.squash(HeaderVocabulary.singular(entity)))
        if let last = entity.split(separator: "_").last { names.insert(HeaderVocabulary.singular(String(last))) }
        if let words = HeaderVocabulary.entityWords.first(where: { $0.entity == entity }) { names.formUnion(words.strong) }
        if case .plan(let j) = target {
            for w in HeaderVocabulary.words(ofFileName: plans[j].table.baseName) { names.insert(HeaderVocabulary.singular(w)) }
            if let c = plans[j].identity, plans[j].profiles[c].normalized == Loader.normalizeHeader(header) { return true }
        }
        return names.contains(stem) || names.contains(HeaderVocabulary.singular(stem))
    }

    // MARK: - Finding links

    /// Finds every link, decides keys by name and rows to add, and applies them to the plans.
    mutating func link() {
        cacheKeys()
        var links: [Link] = []
        // Headers that name a key field of folio's: checked against the keys they name.
        for i in plans.indices {
            guard let def = plans[i].builtIn else { continue }
            let byField = Dictionary(grouping: plans[i].linkClaims, by: \.field)
            for f in def.fields where f.reference != nil {
                guard let claims = byField[f.name]?.sorted(by: { $0.rank < $1.rank }), let ref = f.reference else { continue }
                var accepted = false
                for claim in claims {
                    let p = plans[i].profiles[claim.column]
                    if accepted {
                        plans[i].notes.append("  \(p.header): not \(f.name) (\(plans[i].profiles[links.last?.column ?? 0].header) is); kept as a custom field")
                        continue
                    }
                    guard let t = target(forEntity: ref.target), t != .plan(i) || f.name == "parent_id" || f.name == "lead_id" else { continue }
                    let m = evaluate(p.values, against: t)
                    if case .plan(let j) = t, m.found == 0, !plans[j].keyedByName {
                        plans[i].notes.append("  \(p.header): not \(f.name) (none of its values is an id of \(plans[j].table.file)); kept as a custom field")
                        continue
                    }
                    if case .made(let e) = t { addMade(e, keys: p.values, source: "\(plans[i].entity).\(f.name) (\(p.header))") }
                    links.append(Link(plan: i, column: claim.column, target: t, match: m, builtInField: f.name))
                    plans[i].columns[claim.column].isLink = true
                    accepted = true
                }
            }
        }
        // Other columns whose values are another file's keys, or whose header names it.
        for i in plans.indices {
            for c in plans[i].columns.indices where linkable(i, c) {
                let p = plans[i].profiles[c]
                if p.kinds.isTyped && !p.kinds.plainInt || p.dates.isDate || p.distinct.isEmpty { continue }
                var best: (Link, Bool, Double)?
                for t in candidateTargets(excluding: i, header: p.header) {
                    let named = headerNames(p.header, t)
                    if !named && p.kinds.plainInt { continue }
                    // Most columns meet no target: a few values tell.
                    if !named, evaluate(p.values, against: t, limit: 40).found == 0 { continue }
                    let m = evaluate(p.values, against: t)
                    let share = Double(m.found) / Double(max(1, m.distinct))
                    let keyedByName: Bool = if case .plan(let j) = t { plans[j].keyedByName } else { true }
                    guard named ? (m.found > 0 || keyedByName) : (share >= 0.9 && m.found >= 3) else { continue }
                    if let b = best, b.1 && !named || (b.1 == named && b.2 >= share) { continue }
                    best = (Link(plan: i, column: c, target: t, match: m, builtInField: nil), named, share)
                }
                guard var link = best?.0 else { continue }
                link.builtInField = freeBuiltInField(i, to: entityName(link.target), links: links)
                if case .made(let e) = link.target { addMade(e, keys: p.values, source: "\(plans[i].entity).\(p.header)") }
                plans[i].columns[c].isLink = true
                links.append(link)
            }
        }
        links = rekeyByName(links)
        cacheKeys()
        for link in links { apply(link) }
        for (j, note) in pendingNotes { plans[j].notes.append(note) }
    }

    /// Whether a column may be a link found by its values: a custom field, or a text field of
    /// folio's that names things other rows list (`product`), not the row's own name or contact details.
    func linkable(_ i: Int, _ c: Int) -> Bool {
        let col = plans[i].columns[c]
        if col.isLink || c == plans[i].identity || col.dropped { return false }
        guard col.isBuiltIn else { return true }
        guard let f = plans[i].builtIn?.fields.first(where: { $0.name == col.field }) else { return false }
        return f.type == .string && f.reference == nil && !["id", "name", "email", "phone", "title", "subject", "next_step", "country"].contains(f.name)
    }

    /// Plans with keys (a plan itself only when the header names it) and entities made from keys.
    func candidateTargets(excluding i: Int, header: String) -> [Target] {
        var out: [Target] = []
        for j in plans.indices where plans[j].identity != nil {
            if j == i && !headerNames(header, .plan(j)) { continue }
            out.append(.plan(j))
        }
        for m in made { out.append(.made(m.entity)) }
        return out
    }

    /// The key field of folio's from plan `i`'s entity to `target`, when both are folio's and no column feeds it yet.
    func freeBuiltInField(_ i: Int, to target: String, links: [Link]) -> String? {
        guard let def = plans[i].builtIn, Schema.standard.entity(target) != nil else { return nil }
        for f in def.fields where f.reference?.target == target {
            let taken = plans[i].column(feeding: f.name) != nil || links.contains { $0.plan == i && $0.builtInField == f.name }
            if !taken { return f.name }
        }
        return nil
    }

    /// Keys for rows of an entity with no file (`add_missing`), and the column that names them.
    mutating func addMade(_ entity: String, keys: [String], source: String) {
        if let k = made.firstIndex(where: { $0.entity == entity }) {
            let known = Set(made[k].keys)
            made[k].keys += keys.filter { !known.contains($0) }
            made[k].sources.append(source)
        } else {
            made.append((entity, keys, [source]))
        }
    }

    /// A target whose links all name its rows by name (`Associated Company`: company names)
    /// is keyed by name instead of its ids; links by name to a target others link by id are dropped.
    mutating func rekeyByName(_ links: [Link]) -> [Link] {
        var kept: [Link] = []
        for link in links {
            guard case .plan(let j) = link.target, link.match.useName else {
                kept.append(link)
                continue
            }
            let byId = links.contains { $0.target == link.target && !$0.match.useName }
            guard !byId, let name = nameColumn(j) else {
                let p = plans[link.plan].profiles[link.column]
                plans[link.plan].notes.append("  \(p.header): names \(plans[j].entity) by name, which other files link by id; kept as a custom field")
                plans[link.plan].columns[link.column].isLink = false
                continue
            }
            if let id = plans[j].idColumn {
                let header = plans[j].profiles[id].header
                plans[j].idColumn = nil
                plans[j].keyColumn = name
                plans[j].columns[id].isBuiltIn = false
                let snake = EntityAssignment.snakeCase(header)
                plans[j].columns[id].field = plans[j].isNew ? (snake == "id" ? "source_id" : snake) : header
                plans[j].notes.removeAll { $0.hasPrefix("  \(header) → id") }
                let field = plans[j].columns[name].field
                plans[j].notes.insert("  keyed by \(field) (\(plans[j].profiles[name].header): \(Keys.count(plans[j].table.rowCount)) unique names, as other files name them; \(header) kept as a custom field)", at: 0)
            }
            kept.append(link)
        }
        return kept
    }
}
