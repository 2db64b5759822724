/// Collections as SQL: a row's children, descendants and ancestors, and collections of
/// collections (SPEC §4).
///
/// A collection is a set of (start row, child row) pairs with the collection's order: for
/// one relationship of the row itself simply the child table (`opportunities o`, the start
/// row's key `o.account_id`); otherwise a derived table `(pid, cid, ord)` built step by step
/// (hierarchies through the recursive steps `ENTITY_ancestry` and `ENTITY_root`), made
/// distinct when two paths may reach a row. `exists` is a correlated `EXISTS`; an aggregate
/// is grouped by start row in a derived table LEFT JOINed to the row (`count` and `sum` of
/// no rows are 0); a field of a collection is the list of its values in the collection's
/// order.
extension SQLBuild {
    /// The rows of a collection as the skeleton of a SELECT: its FROM, joins and conditions
    /// give one row per (start row, child row); the child row is under `child`, the start
    /// row's key is `pid`, the collection's order `ord`.
    struct CollectionRows {
        var select: SQLSelect
        var pid: String
        var child: String
        var ord: String
    }

    /// The key column of an entity (its first field, `id`).
    func keyColumn(_ table: Int) -> String { column(store.tables[table].def.fields[0].name) }

    /// The rows of `ref`; the SELECT takes no alias of `outer` (a correlated subquery must
    /// not hide the row it refers to). `ordered`: the collection's order is needed (a list,
    /// the first of equal values); else `ord` is left empty and nothing is joined for it.
    func collectionRows(_ ref: CollectionRef, outer: SQLSelect, ordered: Bool) throws(Diagnostic) -> CollectionRows {
        let childName = store.tables[ref.child].name
        if ref.steps.count > 1 || !isChildren(ref.steps[0]), !ref.mayRepeat, ref.steps.dropFirst().allSatisfy({ $0.hops.isEmpty }) {
            return try joinedRows(ref, outer: outer, ordered: ordered)
        }
        if ref.steps.count == 1, case .children(let name) = ref.steps[0].kind {
            let step = ref.steps[0]
            var s = SQLSelect(from: "")
            s.usedAliases = outer.usedAliases
            let c = s.alias(SQLNames.alias(for: childName))
            s.from = dialect.identifier(childName) + " " + c
            let fk = "\(c).\(column(try foreignKey(of: step.parent, collection: name, child: step.child)))"
            let place = SQLPlace(select: s, table: step.child, alias: c, frame: [], order: ["\(c).\(SQLNames.row)"])
            for f in step.filters {
                for term in conjuncts(f) { place.select.wheres.append(whereTerm(try predicate(term, place, nullIsFalse: true), term)) }
            }
            return CollectionRows(select: place.select, pid: fk, child: c, ord: "\(c).\(SQLNames.row)")
        }
        // Step by step: (pid, cid, ord) of the first step, then each next step's pairs
        // joined to the rows reached so far, their orders one after the other.
        var pairs = try stepPairs(ref.steps[0], previous: nil, ordered: ordered)
        for (i, step) in ref.steps.enumerated().dropFirst() {
            let next = try stepPairs(step, previous: ref.steps[i - 1].child, ordered: ordered)
            pairs = """
                SELECT l.pid, r.cid, l.ord || ' ' || r.ord AS ord
                FROM (
                \(indented(pairs))
                ) l
                JOIN (
                \(indented(next))
                ) r ON r.pid = l.cid
                """
        }
        if ref.mayRepeat {
            // Each row once, where the collection first reaches it.
            pairs = "SELECT pid, cid, min(ord) AS ord\nFROM (\n\(indented(pairs))\n) d\nGROUP BY pid, cid"
        }
        var s = SQLSelect(from: "")
        s.usedAliases = outer.usedAliases
        let r = s.alias("r")
        let c = s.alias(SQLNames.alias(for: childName))
        s.from = "(\n\(indented(pairs))\n) \(r)"
        s.joins.append("JOIN \(dialect.identifier(childName)) \(c) ON \(c).\(keyColumn(ref.child)) = \(r).cid")
        return CollectionRows(select: s, pid: "\(r).pid", child: c, ord: "\(r).ord")
    }

    func isChildren(_ step: CollectionStep) -> Bool {
        if case .children = step.kind { return true }
        return false
    }

    /// A collection whose steps each start from the rows of the one before (no hops after
    /// the first, no row reached twice) as one chain of joins, as a person writes it:
    /// `FROM accounts a JOIN opportunities o ON o.account_id = a.id`, each step's
    /// conditions in the WHERE, the order the steps' orders one after the other.
    func joinedRows(_ ref: CollectionRef, outer: SQLSelect, ordered: Bool) throws(Diagnostic) -> CollectionRows {
        var s = SQLSelect(from: "")
        s.usedAliases = outer.usedAliases
        var pid = ""
        var previous = ""
        var order: [String] = []
        var conditions: [(TExpr, Int, String)] = []
        for (k, step) in ref.steps.enumerated() {
            let childName = store.tables[step.child].name
            let entity = dialect.identifier(childName)
            let c = s.alias(SQLNames.alias(for: childName))
            let childKey = keyColumn(step.child)
            switch step.kind {
            case .children(let name):
                let fk = "\(c).\(column(try foreignKey(of: step.parent, collection: name, child: step.child)))"
                if k == 0 {
                    s.from = "\(entity) \(c)"
                    pid = fk
                } else {
                    s.joins.append("JOIN \(entity) \(c) ON \(fk) = \(previous).\(keyColumn(step.parent))")
                }
                order.append("\(c).\(SQLNames.row)")
            case .descendants, .ancestors:
                let down: Bool = { if case .descendants = step.kind { true } else { false } }()
                let x = s.alias("x")
                let from = "\(ancestryStep(step.parent)) \(x)"
                // Down: the rows whose ancestor is the start row; up: the start row's ancestors.
                let (startColumn, childColumn) = down ? ("ancestor_id", "id") : ("id", "ancestor_id")
                if k == 0 {
                    s.from = from
                    pid = "\(x).\(startColumn)"
                } else {
                    s.joins.append("JOIN \(from) ON \(x).\(startColumn) = \(previous).\(keyColumn(step.parent))")
                }
                s.joins.append("JOIN \(entity) \(c) ON \(c).\(childKey) = \(x).\(childColumn)")
                s.wheres.append("\(x).depth > 0")
                if ordered {
                    if down {
                        let t = s.alias("tree")
                        s.joins.append("JOIN \(rootStep(step.parent)) \(t) ON \(t).id = \(x).id")
                        order.append("\(t).path")
                    } else {
                        order.append("\(x).depth")
                    }
                }
            }
            for f in step.filters { conditions.append((f, step.child, c)) }
            previous = c
        }
        for (f, table, alias) in conditions {
            let place = SQLPlace(select: s, table: table, alias: alias, frame: [], order: ["\(alias).\(SQLNames.row)"])
            for term in conjuncts(f) { place.select.wheres.append(whereTerm(try predicate(term, place, nullIsFalse: true), term)) }
            s = place.select
        }
        return CollectionRows(select: s, pid: pid, child: previous, ord: ordered ? order.joined(separator: ", ") : "")
    }

    /// One step's pairs `(pid, cid, ord)`, filtered; `ord` is text that sorts in the step's
    /// order (row numbers padded, a hierarchy's paths; empty text when not `ordered`). After
    /// the first step, `previous` is the entity the step starts from, and its hops are
    /// followed from there.
    func stepPairs(_ step: CollectionStep, previous: Int?, ordered: Bool) throws(Diagnostic) -> String {
        let childName = store.tables[step.child].name
        let childKey = keyColumn(step.child)
        var s = SQLSelect(from: "")
        let c = s.alias(SQLNames.alias(for: childName))
        let pid: String, cid: String, ord: String
        switch step.kind {
        case .children(let name):
            let fk = "\(c).\(column(try foreignKey(of: step.parent, collection: name, child: step.child)))"
            s.from = "\(dialect.identifier(childName)) \(c)"
            s.wheres.append("\(fk) IS NOT NULL")
            (pid, cid, ord) = (fk, "\(c).\(childKey)", dialect.paddedRow(SQLText("\(c).\(SQLNames.row)", atomic: true)).text)
        case .descendants:
            let x = s.alias("x")
            s.from = "\(ancestryStep(step.parent)) \(x)"
            var path = "''"
            if ordered {
                let t = s.alias("tree")
                s.joins.append("JOIN \(rootStep(step.parent)) \(t) ON \(t).id = \(x).id")
                path = "\(t).path"
            }
            s.joins.append("JOIN \(dialect.identifier(childName)) \(c) ON \(c).\(childKey) = \(x).id")
            s.wheres.append("\(x).depth > 0")
            (pid, cid, ord) = ("\(x).ancestor_id", "\(x).id", path)
        case .ancestors:
            let x = s.alias("x")
            s.from = "\(ancestryStep(step.parent)) \(x)"
            s.joins.append("JOIN \(dialect.identifier(childName)) \(c) ON \(c).\(childKey) = \(x).ancestor_id")
            s.wheres.append("\(x).depth > 0")
            (pid, cid, ord) = ("\(x).id", "\(x).ancestor_id", dialect.paddedRow(SQLText("\(x).depth", atomic: true)).text)
        }
        let place = SQLPlace(select: s, table: step.child, alias: c, frame: [], order: ["\(c).\(SQLNames.row)"])
        for f in step.filters {
            for term in conjuncts(f) { place.select.wheres.append(whereTerm(try predicate(term, place, nullIsFalse: true), term)) }
        }
        place.select.items = [(pid, "pid"), (cid, "cid"), (ord, "ord")]
        let pairs = place.select.render()
        guard let previous, !step.hops.isEmpty else { return pairs }
        // The step starts where hops from the previous rows lead: pairs keyed by those rows.
        var h = SQLSelect(from: "")
        let p = h.alias(SQLNames.alias(for: store.tables[previous].name))
        h.from = "\(dialect.identifier(store.tables[previous].name)) \(p)"
        let hopPlace = SQLPlace(select: h, table: previous, alias: p, frame: [], order: [])
        let reached = try hopAlias(step.hops, hopPlace)
        let q = hopPlace.select.alias("q")
        hopPlace.select.joins.append("JOIN (\n\(indented(pairs))\n) \(q) ON \(q).pid = \(reached).\(keyColumn(step.parent))")
        hopPlace.select.items = [("\(p).\(keyColumn(previous))", "pid"), ("\(q).cid", "cid"), ("\(q).ord", "ord")]
        return hopPlace.select.render()
    }

    /// The key field of `child` whose inverse is the collection `name` of `parent`.
    func foreignKey(of parent: Int, collection name: String, child: Int) throws(Diagnostic) -> String {
        let parentName = store.tables[parent].name
        for f in store.tables[child].def.fields {
            if let r = f.reference, r.target.caseInsensitiveEquals(parentName), r.inverse.caseInsensitiveEquals(name) { return f.name }
        }
        preconditionFailure("no key of \(store.tables[child].name) makes the collection \(name)")
    }

    // MARK: - Hierarchies

    /// The recursive step of every row's ancestors, itself included at depth 0:
    /// `ENTITY_ancestry(id, ancestor_id, depth)`.
    func ancestryStep(_ table: Int) -> String {
        let t = store.tables[table]
        let name = SQLNames.ancestry(t.name)
        if statement.recursive.contains(where: { $0.name == name }) { return name }
        guard let f = t.def.hierarchyField else { preconditionFailure("ancestors of an entity without a hierarchy") }
        let id = keyColumn(table), parent = column(t.def.fields[f].name), entity = dialect.identifier(t.name)
        statement.recursive.append((name, """
            SELECT \(id) AS id, \(id) AS ancestor_id, 0 AS depth FROM \(entity)
            UNION ALL
            SELECT x.id, p.\(parent) AS ancestor_id, x.depth + 1 AS depth
            FROM \(name) x
            JOIN \(entity) p ON p.\(id) = x.ancestor_id
            WHERE p.\(parent) IS NOT NULL
            """))
        return name
    }

    /// The recursive step of every row's root and path from it (row numbers, padded, joined
    /// by '.', which sort in preorder): `ENTITY_root(id, root_id, path)`.
    func rootStep(_ table: Int) -> String {
        let t = store.tables[table]
        let name = SQLNames.root(t.name)
        if statement.recursive.contains(where: { $0.name == name }) { return name }
        guard let f = t.def.hierarchyField else { preconditionFailure("the root of an entity without a hierarchy") }
        let id = keyColumn(table), parent = column(t.def.fields[f].name), entity = dialect.identifier(t.name)
        let top = dialect.paddedRow(SQLText(SQLNames.row, atomic: true)).text
        let below = dialect.paddedRow(SQLText("c.\(SQLNames.row)", atomic: true)).text
        statement.recursive.append((name, """
            SELECT \(id) AS id, \(id) AS root_id, \(top) AS path FROM \(entity) WHERE \(parent) IS NULL
            UNION ALL
            SELECT c.\(id) AS id, r.root_id, r.path || '.' || \(below) AS path
            FROM \(name) r
            JOIN \(entity) c ON c.\(parent) = r.id
            """))
        return name
    }

    // MARK: - Values of collections

    /// `exists(coll)`: a correlated EXISTS.
    func exists(_ ref: CollectionRef, _ place: SQLPlace, span: Range<Int>) throws(Diagnostic) -> SQLText {
        let start = try hopAlias(ref.steps[0].hops, place)
        var rows = try collectionRows(ref, outer: place.select, ordered: false)
        rows.select.items = [("1", "")]
        rows.select.wheres.append("\(rows.pid) = \(start).\(keyColumn(ref.steps[0].parent))")
        place.select.usedAliases.formUnion(rows.select.usedAliases)
        return SQLText("EXISTS (\n\(indented(rows.select.render()))\n)", atomic: true)
    }

    /// An aggregate of a collection: grouped by start row in a derived table joined to the row.
    /// `bare`: the per-parent value as it is, null for a parent with no rows (a condition
    /// that is false for 0 reads it so, and lets the engine join as it would an inner join).
    func collectionAggregate(_ f: Aggregate, _ ref: CollectionRef, _ field: TExpr?, type: ValueType, _ place: SQLPlace, span: Range<Int>, bare: Bool = false) throws(Diagnostic) -> SQLText {
        let ordered = (f == .min || f == .max) && field?.type.isTextual == true
        let rows = try collectionRows(ref, outer: SQLSelect(from: ""), ordered: ordered)
        let childPlace = SQLPlace(select: rows.select, table: ref.child, alias: rows.child, frame: [], order: [rows.ord])
        let x = try field.map { e throws(Diagnostic) in try value(e, childPlace) }
        let per: String
        if !dialect.orderedAggregates, f == .min || f == .max, let field, field.type.isTextual, let x {
            // The first of equal values by a window, each group's rows then all alike.
            let key: SQLText
            if case .enumeration(let d) = field.type { key = position(x, d) } else { key = dialect.sortText(x) }
            let terms = ["CASE WHEN \(x.text) IS NULL THEN 1 ELSE 0 END", "\(key.text) \(f == .min ? "ASC" : "DESC")", rows.ord]
            childPlace.select.items = [(rows.pid, "pid"), (windowFirst(x, partition: [rows.pid], order: terms), "v")]
            per = "SELECT pid, max(v) AS v\nFROM (\n\(indented(childPlace.select.render()))\n) w\nGROUP BY pid"
        } else {
            let agg = try aggregate(f, x, argumentType: field?.type, type: type, condition: nil, order: [rows.ord], span: span)
            childPlace.select.items = [(rows.pid, "pid"), (agg.text, "v")]
            childPlace.select.groupBy = [rows.pid]
            per = childPlace.select.render()
        }
        let v = joinPerParent(per, ref, name: f.rawValue, place)
        if bare { return SQLText(v, atomic: true) }
        switch f {
        case .count, .count_if, .count_distinct:
            return SQLText("COALESCE(\(v), 0)", atomic: true)
        case .sum, .sum_if:
            let zero = type == .money ? "0.00" : (type == .decimal ? "0.0" : "0")
            let sum = SQLText("COALESCE(\(v), \(zero))", atomic: true)
            return type == .money ? dialect.castMoney(sum) : sum
        default:
            return SQLText(v, atomic: true)
        }
    }

    /// A field of a collection's rows: the list of its values in the collection's order,
    /// null when there are none.
    func collectionList(_ ref: CollectionRef, _ field: TExpr, _ place: SQLPlace, span: Range<Int>) throws(Diagnostic) -> SQLText {
        switch field.type {
        case .string, .enumeration, .int, .date: break
        default: throw cannot("a list of a collection's \(field.type) values", span)
        }
        let rows = try collectionRows(ref, outer: SQLSelect(from: ""), ordered: true)
        let childPlace = SQLPlace(select: rows.select, table: ref.child, alias: rows.child, frame: [], order: [rows.ord])
        let x = try value(field, childPlace)
        let text = dialect.castText(x)
        childPlace.select.wheres.append("\(x.operand) IS NOT NULL")
        let per: String
        if dialect.orderedAggregates {
            childPlace.select.items = [(rows.pid, "pid"), (dialect.listAggregate(text, order: [rows.ord]).text, "v")]
            childPlace.select.groupBy = [rows.pid]
            per = childPlace.select.render()
        } else {
            let all = "\(dialect.listAggregate(text, order: []).text) OVER (PARTITION BY \(rows.pid) ORDER BY \(rows.ord) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
            childPlace.select.items = [(rows.pid, "pid"), (all, "v")]
            per = "SELECT pid, max(v) AS v\nFROM (\n\(indented(childPlace.select.render()))\n) w\nGROUP BY pid"
        }
        return SQLText(joinPerParent(per, ref, name: "list", place), atomic: true)
    }

    /// Joins a per-start-row derived table `(pid, v)` to the place's row (once per SELECT);
    /// the joined value.
    func joinPerParent(_ per: String, _ ref: CollectionRef, name: String, _ place: SQLPlace) -> String {
        // hopAlias cannot fail here: the same hops were followed to build the rows.
        let start = (try? hopAlias(ref.steps[0].hops, place)) ?? place.alias
        let key = "per:\(start):" + per
        if let known = place.select.joinAliases[key] { return "\(known).v" }
        let k = place.select.alias(ref.steps.map(\.name).joined(separator: "_") + "_" + name)
        place.select.joins.append("LEFT JOIN (\n\(indented(per))\n) \(k) ON \(k).pid = \(start).\(keyColumn(ref.steps[0].parent))")
        place.select.joinAliases[key] = k
        return "\(k).v"
    }

    /// `first_value(x)` over a whole partition in `order` (for engines without ordered aggregates).
    func windowFirst(_ x: SQLText, partition: [String], order: [String]) -> String {
        let by = partition.isEmpty ? "" : "PARTITION BY \(partition.joined(separator: ", ")) "
        return "first_value(\(x.text)) OVER (\(by)ORDER BY \(order.joined(separator: ", ")) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    }

    func indented(_ sql: String, by prefix: String = "  ") -> String {
        sql.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
    }
}
