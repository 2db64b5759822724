/// One SELECT being built: its source and joins, conditions, grouping, columns, order and
/// limit, each in the clause it goes to. ``render(indent:)`` writes it as a person would:
/// a clause a line, joins and conditions indented under it.
struct SQLSelect {
    /// `accounts a`, or a named step `step1 s`.
    var from: String
    var joins: [String] = []
    var wheres: [String] = []
    var groupBy: [String] = []
    var havings: [String] = []
    /// The columns; nil: every column of the source (an entity's rows).
    var items: [(expr: String, alias: String)]?
    var orderBy: [String] = []
    var limit: Int?
    var offset: Int = 0
    /// Joins by the key of what they join (a path, a per-parent aggregate), to reuse one.
    var joinAliases: [String: String] = [:]
    /// Aliases taken in this SELECT.
    var usedAliases: Set<String> = []

    var isGrouped: Bool { !groupBy.isEmpty }

    /// An alias from `base`, unused in this SELECT.
    mutating func alias(_ base: String) -> String {
        var name = base.isEmpty ? "t" : base
        var n = 2
        while usedAliases.contains(name) || SQLReserved.words.contains(name) {
            name = base + "_" + String(n)
            n += 1
        }
        usedAliases.insert(name)
        return name
    }

    func render(indent: String = "") -> String {
        var lines: [String] = []
        if let items {
            let cols = items.map { $0.alias.isEmpty ? $0.expr : $0.expr + " AS " + $0.alias }
            if cols.count == 1 || cols.joined(separator: ", ").count < 70 {
                lines.append("SELECT " + cols.joined(separator: ", "))
            } else {
                lines.append("SELECT " + cols[0] + ",")
                for (i, c) in cols.dropFirst().enumerated() { lines.append("       " + c + (i < cols.count - 2 ? "," : "")) }
            }
        } else {
            lines.append("SELECT *")
        }
        lines.append("FROM " + from)
        // A term over several lines (a subquery) is indented under its clause.
        func under(_ t: String) -> String { t.replacingOccurrences(of: "\n", with: "\n  ") }
        for j in joins { lines.append("  " + under(j)) }
        if !wheres.isEmpty { lines.append("WHERE " + wheres.map(under).joined(separator: "\n  AND ")) }
        if !groupBy.isEmpty { lines.append("GROUP BY " + groupBy.joined(separator: ", ")) }
        if !havings.isEmpty { lines.append("HAVING " + havings.map(under).joined(separator: "\n  AND ")) }
        if !orderBy.isEmpty { lines.append("ORDER BY " + orderBy.joined(separator: ", ")) }
        if let limit { lines.append("LIMIT \(limit)" + (offset > 0 ? " OFFSET \(offset)" : "")) } else if offset > 0 { lines.append("OFFSET \(offset)") }
        return lines.map { indent + $0.replacingOccurrences(of: "\n", with: "\n" + indent) }.joined(separator: "\n")
    }
}

/// A whole statement: named steps (CTEs), recursive ones for hierarchies first, and the
/// final SELECT.
struct SQLStatement {
    var recursive: [(name: String, body: String)] = []
    var steps: [(name: String, select: SQLSelect)] = []
    var main: SQLSelect

    func render() -> String {
        var parts: [String] = []
        for r in recursive { parts.append(r.name + " AS (\n" + r.body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n)") }
        for s in steps { parts.append(s.name + " AS (\n" + s.select.render(indent: "  ") + "\n)") }
        if parts.isEmpty { return main.render() }
        return (recursive.isEmpty ? "WITH " : "WITH RECURSIVE ") + parts.joined(separator: ",\n") + "\n" + main.render()
    }
}
