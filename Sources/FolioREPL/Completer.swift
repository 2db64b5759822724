import Foundation
import FolioCore
import FolioLineEditor

/// Tab completion from the schema and a partial parse of the statement before the cursor.
///
/// - at a source: entities, named queries and `_` (and `let`, `explain`);
/// - after `|`: stage names;
/// - in an expression: the fields and relationships of the row type at that stage (an
///   entity's, or the columns a `select`/`group by` made), functions, `today`;
///   inside `coll[…]` the collection's entity;
/// - after `rel.`: the fields and relationships of the relationship's target;
/// - inside a string after `field = "` or `field in ("`: the field's picklist values
///   (after `has "`: the list's values);
/// - after `$`: parameters;
/// - dot-commands, their arguments, and file paths after `.read`, `.load`, `.output`, `.save`.
public struct Completer {
    let session: Session

    public init(session: Session) { self.session = session }

    var store: Store { session.store }

    public func complete(_ text: String) -> Completion {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? text
        if text == line, line.drop(while: { $0 == " " }).hasPrefix(".") {
            return dotCommand(String(line.drop(while: { $0 == " " })))
        }
        return query(text)
    }

    // MARK: - Queries

    static let stageWords = ["where", "select", "sort", "limit", "top", "group by", "distinct", "count", "chart"]

    func query(_ text: String) -> Completion {
        let bytes = Array(text.utf8)
        var tokens = Lexer.tokenize(text).filter { $0.kind != .end }
        // The statement the cursor is in starts after the last `;`.
        if let semicolon = tokens.lastIndex(where: { $0.kind == .semicolon }) { tokens.removeSubrange(...semicolon) }
        func word(_ t: Token) -> String { String(decoding: bytes[t.start..<min(t.end, bytes.count)], as: UTF8.self) }

        // Inside a string: the picklist values of the field it is compared with.
        if let last = tokens.last, last.kind == .error(.unterminatedString), last.end == bytes.count {
            let typed = String(word(last).dropFirst())
            let quote = String(word(last).prefix(1))
            let before = Array(tokens.dropLast())
            guard let (path, _) = stringContext(before, word), let rows = scope(before, bytes) else { return .none }
            let values = valuesOf(path, in: rows)
            return Completion(word: typed, candidates: matching(values, typed, sorted: false), suffix: quote)
        }

        // The word being completed: the identifier (or `$name`) the text ends with.
        var typed = ""
        if let last = tokens.last, last.end == bytes.count, last.kind == .identifier || last.kind == .parameter {
            typed = word(last)
            tokens.removeLast()
        } else if bytes.last == UInt8(ascii: "$") {
            typed = "$"
            if tokens.last?.kind == .error(.unexpectedCharacter) { tokens.removeLast() }
        }
        if typed.hasPrefix("$") {
            let names = session.parameters.keys.sorted().map { "$" + $0 }
            return Completion(word: typed, candidates: matching(names, typed))
        }
        let words = tokens.map(word).map { $0.lowercased() }

        // At a source.
        if words.isEmpty || words == ["explain"] || words == ["explain", "analyze"]
            || (words.count == 3 && words[0] == "let" && words[2] == "=") {
            var names = store.tables.map(\.name) + session.namedQueries.values.map(\.name).sorted()
            if words.isEmpty { names += ["let", "explain"] }
            if words == ["explain"] { names.append("analyze") }
            return Completion(word: typed, candidates: matching(names, typed), suffix: " ")
        }
        guard let last = tokens.last else { return .none }
        if last.kind == .pipe {
            return Completion(word: typed, candidates: matching(Completer.stageWords, typed), suffix: " ")
        }
        if words.last == "group" { return Completion(word: typed, candidates: matching(["by"], typed), suffix: " ") }
        if words.count >= 2, words[words.count - 2] == "top", tokens.last?.kind == .number {
            return Completion(word: typed, candidates: matching(["by"], typed), suffix: " ")
        }

        guard var rows = scope(tokens, bytes) else { return .none }
        // After `a.b.`: the target of the path.
        if last.kind == .dot {
            var path: [String] = []
            var i = tokens.count - 1
            while i >= 1, tokens[i].kind == .dot, tokens[i - 1].kind == .identifier {
                path.insert(word(tokens[i - 1]), at: 0)
                i -= 2
            }
            guard !path.isEmpty, case .entity(let t) = rows, let target = follow(path, from: t) else { return .none }
            rows = .entity(target)
            return Completion(word: typed, candidates: matching(names(of: rows), typed))
        }
        var names = names(of: rows)
        names += Function.allCases.map(\.rawValue) + Aggregate.allCases.map(\.rawValue) + AnalyticFunction.allCases.map(\.rawValue) + ["today"]
        return Completion(word: typed, candidates: matching(Array(Set(names)), typed))
    }

    /// What the rows are at a point of a query: an entity's records, or the columns a
    /// `select` / `group by` / `count` made.
    enum RowType {
        case entity(Int)
        case columns([String])
    }

    /// The row type where the tokens end: the rows entering the current stage, narrowed to
    /// a collection's entity inside its `[…]`. Nil when the source is unknown.
    func scope(_ tokens: [Token], _ bytes: [UInt8]) -> RowType? {
        func word(_ t: Token) -> String { String(decoding: bytes[t.start..<min(t.end, bytes.count)], as: UTF8.self) }
        // Stages at bracket depth 0.
        var depth = 0
        var pipes: [Int] = []
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth = max(0, depth - 1)
            case .pipe where depth == 0: pipes.append(i)
            default: break
            }
        }
        // The source: after `let NAME =`, `explain`, `explain analyze`.
        var s = 0
        while s < tokens.count, tokens[s].kind == .identifier, ["explain", "analyze"].contains(word(tokens[s]).lowercased()) { s += 1 }
        if s + 2 < tokens.count, word(tokens[s]).lowercased() == "let", tokens[s + 2].kind == .equal { s += 3 }
        guard s < tokens.count else { return nil }
        var rows: RowType
        if let lastPipe = pipes.last {
            // The stages before the current one, checked as a query of their own.
            let prefix = String(decoding: bytes[tokens[s].start..<tokens[lastPipe].start], as: UTF8.self)
            guard case .query(let pipeline)? = DeepStack.run({ Parser.parse(prefix) }).0.statements.first?.kind else { return nil }
            rows = rowType(of: pipeline) ?? .columns([])
        } else if let t = store.tables.firstIndex(where: { $0.name.caseInsensitiveEquals(word(tokens[s])) }) {
            rows = .entity(t)
        } else if let q = session.namedQueries[word(tokens[s]).lowercased()] {
            rows = rowType(of: q) ?? .columns([])
        } else {
            return nil
        }
        // Inside `coll[…]`: the collection's entity, for each bracket still open.
        var open: [Int] = []
        for i in (pipes.last.map { $0 + 1 } ?? s)..<tokens.count {
            switch tokens[i].kind {
            case .leftParen, .leftBracket: open.append(i)
            case .rightParen, .rightBracket: _ = open.popLast()
            default: break
            }
        }
        for i in open where tokens[i].kind == .leftBracket {
            var path: [String] = []
            var j = i - 1
            while j >= 0, tokens[j].kind == .identifier {
                path.insert(word(tokens[j]), at: 0)
                if j >= 1, tokens[j - 1].kind == .dot { j -= 2 } else { break }
            }
            guard case .entity(let t) = rows, !path.isEmpty, let target = follow(path, from: t) else { return nil }
            rows = .entity(target)
        }
        return rows
    }

    /// The row type a pipeline gives: its entity's, unless a stage reshaped the rows.
    func rowType(of pipeline: Pipeline) -> RowType? {
        rowType(checked: DeepStack.run { try? Checker(session.checkContext).check(pipeline) })
    }

    func rowType(of named: NamedQuery) -> RowType? {
        rowType(checked: DeepStack.run { try? Checker(session.checkContext).check(named) })
    }

    func rowType(checked: CheckedPipeline?) -> RowType? {
        guard let checked else { return nil }
        let reshaped = checked.stages.contains {
            switch $0 {
            case .project, .group, .count: true
            default: false
            }
        }
        return reshaped ? .columns(checked.columns.map(\.name)) : .entity(checked.table)
    }

    /// Follows to-one relationships and collections by name from an entity.
    func follow(_ path: [String], from table: Int) -> Int? {
        var t = table
        for name in path {
            let def = store.tables[t].def
            if let (_, ref) = def.relationship(name), let next = store.tables.firstIndex(where: { $0.name == ref.target }) {
                t = next
            } else if let c = store.schema.collection(name, of: def.name), let next = store.tables.firstIndex(where: { $0.name == c.child }) {
                t = next
            } else if def.hierarchyField != nil, ["ancestors", "descendants", "root"].contains(name.lowercased()) {
                continue  // the hierarchy stays in the entity
            } else {
                return nil
            }
        }
        return t
    }

    func names(of rows: RowType) -> [String] {
        switch rows {
        case .entity(let t):
            let def = store.tables[t].def
            return def.fields.map { Completer.quoted($0.name) } + def.fields.compactMap { $0.reference?.name }
                + store.schema.collections(of: def.name).map(\.name) + (def.hierarchyField == nil ? [] : ["ancestors", "descendants", "root"])
        case .columns(let names):
            return names.map(Completer.quoted)
        }
    }

    /// A name as it is written in a query: backquoted unless it is a plain identifier.
    static func quoted(_ name: String) -> String {
        let plain = name.utf8.first.map { isStart($0) } == true && name.utf8.allSatisfy { isStart($0) || ($0 >= 48 && $0 <= 57) }
        return plain ? name : "`" + name + "`"
    }

    private static func isStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }

    /// For a string being typed: the path of the field it is compared with, and whether
    /// it is a list (`has`) rather than a picklist.
    func stringContext(_ tokens: [Token], _ word: (Token) -> String) -> ([String], Bool)? {
        var i = tokens.count - 1
        guard i >= 0 else { return nil }
        var list = false
        switch tokens[i].kind {
        case .equal, .equalEqual, .notEqual:
            i -= 1
        case .leftParen, .comma:
            // `field [not] in ("a", "b", ` or `field has any (`
            while i >= 0, tokens[i].kind == .comma || tokens[i].kind == .string { i -= 1 }
            guard i >= 1, tokens[i].kind == .leftParen else { return nil }
            i -= 1
            let w = word(tokens[i]).lowercased()
            if w == "any" || w == "all" { i -= 1; list = true }
            guard i >= 0 else { return nil }
            if word(tokens[i]).lowercased() == "has" { list = true }
            guard ["in", "has"].contains(word(tokens[i]).lowercased()) else { return nil }
            i -= 1
            if i >= 0, word(tokens[i]).lowercased() == "not" { i -= 1 }
        case .identifier where word(tokens[i]).lowercased() == "has":
            list = true
            i -= 1
        default:
            return nil
        }
        var path: [String] = []
        while i >= 0, tokens[i].kind == .identifier {
            path.insert(word(tokens[i]), at: 0)
            if i >= 1, tokens[i - 1].kind == .dot { i -= 2 } else { break }
        }
        return path.isEmpty ? nil : (path, list)
    }

    /// The values a field holds: its picklist (declared values, then ones found in the
    /// data), or the items of a list field.
    func valuesOf(_ path: [String], in rows: RowType?) -> [String] {
        guard case .entity(let start)? = rows else { return [] }
        guard let t = follow(Array(path.dropLast()), from: start), let name = path.last else { return [] }
        let table = store.tables[t]
        guard let f = table.def.fieldIndex(name) else { return [] }
        switch table.columns[f] {
        case .enumeration(let e): return e.domain.labels
        case .list(let l): return l.dictionary.sorted { $0.lowercased() < $1.lowercased() }
        default: return []
        }
    }

    /// Candidates that start with what was typed (ignoring case), sorted and without repeats.
    func matching(_ names: [String], _ typed: String, sorted: Bool = true) -> [String] {
        let lower = typed.lowercased()
        var seen = Set<String>()
        // A backquoted name matches by what is inside the quotes.
        func key(_ s: String) -> String { (s.hasPrefix("`") && !lower.hasPrefix("`") ? String(s.dropFirst()) : s).lowercased() }
        var out = names.filter { key($0).hasPrefix(lower) && seen.insert($0.lowercased()).inserted }
        if sorted { out.sort { key($0) < key($1) } }
        return out
    }

    // MARK: - Dot-commands

    func dotCommand(_ line: String) -> Completion {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 {
            return Completion(word: line, candidates: matching(DotCommand.all.map { "." + $0.name }, line), suffix: " ")
        }
        let command = parts[0].lowercased()
        let typed = parts.last ?? ""
        let argument = parts.count - 1  // which argument is being typed, from 1
        func offer(_ names: [String]) -> Completion { Completion(word: typed, candidates: matching(names, typed), suffix: " ") }
        switch (command, argument) {
        case (".read", 1), (".load", 1), (".output", 1), (".save", 2):
            return paths(typed, directoriesOnly: command == ".load")
        case (".save", 1):
            return offer(session.namedQueryText.keys.sorted())
        case (".schema", 1):
            return offer(store.tables.map(\.name))
        case (".help", 1):
            return offer(HelpText.topics.map(\.name))
        case (".mode", 1):
            return offer(OutputFormat.allCases.map(\.rawValue))
        case (".editor", 1):
            return offer(EditingMode.allCases.map(\.rawValue))
        case (".timer", 1), (".explain", 1):
            return offer(["on", "off"])
        case (".param", 1):
            return offer(["set", "unset", "list"])
        case (".param", 2) where parts[1].lowercased() == "unset" || parts[1].lowercased() == "set":
            return offer(session.parameters.keys.sorted())
        default:
            return .none
        }
    }

    /// Files and folders that start with what was typed; a folder completes with `/`.
    func paths(_ typed: String, directoriesOnly: Bool) -> Completion {
        var expanded = typed
        if typed.hasPrefix("~"), let home = ProcessInfo.processInfo.environment["HOME"] {
            expanded = home + typed.dropFirst()
        }
        let slash = expanded.lastIndex(of: "/")
        let directory = slash.map { String(expanded[...$0]) } ?? ""
        let prefix = slash.map { String(expanded[expanded.index(after: $0)...]) } ?? expanded
        let shownDirectory = typed.lastIndex(of: "/").map { String(typed[...$0]) } ?? ""
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return .none }
        var candidates: [String] = []
        for name in entries.sorted() where name.hasPrefix(prefix) && (prefix.hasPrefix(".") || !name.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory + name, isDirectory: &isDirectory)
            if directoriesOnly && !isDirectory.boolValue { continue }
            candidates.append(shownDirectory + name + (isDirectory.boolValue ? "/" : ""))
        }
        return Completion(word: typed, candidates: candidates)
    }
}
