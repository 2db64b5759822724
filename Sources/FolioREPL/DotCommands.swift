import Foundation
import FolioCore
import FolioLineEditor

/// A dot-command: its name, how it is written and what it does (`.help` lists them from here).
public struct DotCommand: Sendable {
    public let name: String
    public let usage: String
    public let summary: String

    public static let all: [DotCommand] = [
        DotCommand(name: "help", usage: ".help [TOPIC]", summary: "this list, or a topic: " + HelpText.topics.map(\.name).joined(separator: ", ")),
        DotCommand(name: "tables", usage: ".tables", summary: "entities and their row counts"),
        DotCommand(name: "schema", usage: ".schema [ENTITY]", summary: "fields, types, picklist values and relationships"),
        DotCommand(name: "mode", usage: ".mode FORMAT", summary: "table, csv, tsv, json, jsonl or markdown"),
        DotCommand(name: "output", usage: ".output FILE|stdout", summary: "send results to a file (written atomically), or back to the terminal"),
        DotCommand(name: "timer", usage: ".timer on|off", summary: "show the time each statement takes"),
        DotCommand(name: "maxrows", usage: ".maxrows N", summary: "tables longer than N rows show the first and last (0: all rows)"),
        DotCommand(name: "last", usage: ".last", summary: "the last result again, every row and column"),
        DotCommand(name: "read", usage: ".read FILE", summary: "run the statements in a file"),
        DotCommand(name: "load", usage: ".load DIR", summary: "load another data directory"),
        DotCommand(name: "param", usage: ".param set NAME VALUE | unset NAME | list", summary: "query parameters ($NAME)"),
        DotCommand(name: "queries", usage: ".queries", summary: "the named queries (let NAME = …)"),
        DotCommand(name: "save", usage: ".save NAME FILE", summary: "write a named query to a file (.read runs it again)"),
        DotCommand(name: "today", usage: ".today [DATE]", summary: "show or set the date today means"),
        DotCommand(name: "explain", usage: ".explain on|off", summary: "show each query's plan before its result"),
        DotCommand(name: "sql", usage: ".sql [postgres|sqlite|duckdb|spark] QUERY", summary: "the SQL a query compiles to (for the engine's dialect, else PostgreSQL)"),
        DotCommand(name: "editor", usage: ".editor emacs|vi", summary: "line editing keys"),
        DotCommand(name: "quit", usage: ".quit", summary: "leave (or Ctrl-D; .exit works too)"),
    ]
}

extension REPL {
    /// Runs one dot-command line. Mistakes get a message; the session is unchanged by them.
    func dotCommand(_ line: String) {
        let words = REPL.splitArguments(line)
        guard let first = words.first else { return }
        let name = String(first.dropFirst()).lowercased()
        let args = Array(words.dropFirst())
        func expect(_ count: ClosedRange<Int>, _ command: DotCommand) -> Bool {
            if count.contains(args.count) { return true }
            fail("usage: \(command.usage)")
            return false
        }
        guard let command = DotCommand.all.first(where: { $0.name == name }) ?? (name == "exit" ? DotCommand.all.last : nil) else {
            let suggestion = Suggest.closest(name, among: DotCommand.all.map(\.name))
            fail("unknown command '\(first)'" + (suggestion.map { "; did you mean '.\($0)'?" } ?? "; .help lists them"))
            return
        }
        switch command.name {
        case "quit":
            quitting = true
        case "help":
            guard expect(0...1, command) else { return }
            if let topicName = args.first {
                guard let topic = HelpText.topic(topicName) else {
                    let names = HelpText.topics.map(\.name)
                    fail("no help topic '\(topicName)'" + (Suggest.closest(topicName, among: names).map { "; did you mean '\($0)'?" } ?? "; topics: " + names.joined(separator: ", ")))
                    return
                }
                output.results(HelpText.render(topic))
            } else {
                output.results(helpText())
            }
        case "tables":
            guard expect(0...0, command) else { return }
            let width = session.store.tables.map(\.name.count).max() ?? 0
            for t in session.store.tables {
                output.results(t.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + ValueFormat.group(String(t.rowCount)) + " rows\n")
            }
        case "schema":
            guard expect(0...1, command) else { return }
            var tables = session.store.tables
            if let entity = args.first {
                tables = tables.filter { $0.name.caseInsensitiveEquals(entity) }
                if tables.isEmpty {
                    let names = session.store.tables.map(\.name)
                    fail("no entity '\(entity)'" + (Suggest.closest(entity, among: names).map { "; did you mean '\($0)'?" } ?? "; entities: " + names.joined(separator: ", ")))
                    return
                }
            }
            output.results(tables.map(schemaText).joined(separator: "\n"))
        case "mode":
            guard expect(1...1, command) else { return }
            guard let format = OutputFormat(rawValue: args[0].lowercased()) else {
                fail(".mode expects one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(args[0])'")
                return
            }
            settings.format = format
        case "output":
            guard expect(1...1, command) else { return }
            if args[0] == "stdout" || args[0] == "-" {
                outputFile = nil
                return
            }
            let path = REPL.expandHome(args[0])
            do {
                try AtomicFile.write([], to: path)
                outputFile = AtomicFile.Appender(path)
            } catch {
                fail("\(error)")
            }
        case "timer", "explain":
            guard expect(1...1, command), let on = onOff(args[0], command) else { return }
            if command.name == "timer" { settings.timer = on } else { settings.explain = on }
        case "maxrows":
            guard expect(1...1, command) else { return }
            guard let n = Int(args[0]), n >= 0 else {
                fail(".maxrows expects a number of rows (0 shows all), got '\(args[0])'")
                return
            }
            settings.maxRows = n
        case "last":
            guard expect(0...0, command) else { return }
            guard let last else {
                fail("no result yet")
                return
            }
            guard last.omitted != nil || last.streamed else {
                show(last, milliseconds: nil, full: true)
                return
            }
            // The rows the table left out were never built: the query runs again for them.
            switch session.rerunLast(cancellation: cancellation) {
            case .result(let frame, _)?:
                self.last = frame
                show(frame, milliseconds: nil, full: true)
            case .error(let message)?: output.messages(message)
            case .interrupted?: output.messages("interrupted\n")
            default: fail("the last result cannot be run again")
            }
        case "read":
            guard expect(1...1, command) else { return }
            let path = REPL.expandHome(args[0])
            guard let data = FileManager.default.contents(atPath: path) else {
                fail("cannot read '\(args[0])'")
                return
            }
            guard let text = String(data: data, encoding: .utf8) else {
                fail("'\(args[0])' is not UTF-8 text")
                return
            }
            execute(text, origin: args[0])
        case "sql":
            // The rest of the line is the query, as typed.
            var rest = line.drop { !$0.isWhitespace }.drop { $0.isWhitespace }
            var dialect = session.engine?.dialect ?? .postgres
            let word = rest.prefix { !$0.isWhitespace }
            if let named = SQLDialectName(rawValue: word.lowercased()) {
                dialect = named
                rest = rest.dropFirst(word.count).drop { $0.isWhitespace }
            }
            guard !rest.isEmpty else {
                fail("usage: \(command.usage)")
                return
            }
            for outcome in session.sql(String(rest), dialect: dialect) {
                switch outcome {
                case .sql(let out, _): output.results(out.sql + ";\n")
                case .error(let message, _): output.messages(message)
                }
            }
        case "load":
            guard expect(1...1, command) else { return }
            if let engine = session.engine {
                fail(".load reads files into memory; this session runs on \(engine.description) (start folio with --data DIR for files)")
                return
            }
            switch loader(REPL.expandHome(args[0])) {
            case .success(let (store, summary)):
                session = session.reopened(on: store)
                last = nil
                output.messages(summary + "\n")
            case .failure(let failure):
                output.messages(failure.message.hasSuffix("\n") ? failure.message : failure.message + "\n")
            }
        case "param":
            param(args, command)
        case "queries":
            guard expect(0...0, command) else { return }
            let names = session.namedQueryText.keys.sorted { $0.lowercased() < $1.lowercased() }
            if names.isEmpty { output.messages("no named queries yet (let NAME = QUERY defines one)\n") }
            for n in names { output.results((session.namedQueryText[n] ?? n) + "\n") }
        case "save":
            guard expect(2...2, command) else { return }
            guard let key = session.namedQueryText.keys.first(where: { $0.caseInsensitiveEquals(args[0]) }), let text = session.namedQueryText[key] else {
                let names = Array(session.namedQueryText.keys)
                fail("no named query '\(args[0])'" + (Suggest.closest(args[0], among: names).map { "; did you mean '\($0)'?" } ?? ""))
                return
            }
            do {
                try AtomicFile.write(Array((text + "\n").utf8), to: REPL.expandHome(args[1]))
                output.messages("saved \(key) to \(args[1])\n")
            } catch {
                fail("\(error)")
            }
        case "today":
            guard expect(0...1, command) else { return }
            guard let text = args.first else {
                output.results(Day.format(session.today) + "\n")
                return
            }
            guard let day = Day.parse(text) else {
                fail(".today expects a date like 2026-06-15, got '\(text)'")
                return
            }
            session.today = day
        case "editor":
            guard expect(1...1, command) else { return }
            guard let mode = EditingMode(rawValue: args[0].lowercased()) else {
                fail(".editor expects emacs or vi, got '\(args[0])'")
                return
            }
            settings.editor = mode
        default:
            fail("'.\(command.name)' is not handled")
        }
    }

    func onOff(_ word: String, _ command: DotCommand) -> Bool? {
        switch word.lowercased() {
        case "on": return true
        case "off": return false
        default:
            fail("usage: \(command.usage)")
            return nil
        }
    }

    func param(_ args: [String], _ command: DotCommand) {
        switch (args.first?.lowercased(), args.count) {
        case ("list", 1):
            if session.parameters.isEmpty { output.messages("no parameters (.param set NAME VALUE sets one)\n") }
            for (k, v) in session.parameters.sorted(by: { $0.key < $1.key }) { output.results("$\(k) = \(v.text)\n") }
        case ("set", 3...):
            var name = args[1]
            if name.hasPrefix("$") { name.removeFirst() }
            guard let first = name.utf8.first, !(48...57).contains(first),
                  name.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
                fail("a parameter name is letters, digits and _, got '\(args[1])'")
                return
            }
            session.parameters[name] = Session.parameterLiteral(args[2...].joined(separator: " "))
        case ("unset", 2):
            let name = args[1].hasPrefix("$") ? String(args[1].dropFirst()) : args[1]
            if session.parameters.removeValue(forKey: name) == nil { fail("no parameter '\(name)'") }
        default:
            fail("usage: \(command.usage)")
        }
    }

    func helpText() -> String {
        let width = DotCommand.all.map(\.usage.count).max() ?? 0
        var out = """
        Queries: SOURCE | STAGE | STAGE …   e.g. accounts | where region = "EMEA" | top 10 by arr
        Tab completes names; Ctrl-R searches history; Ctrl-C stops a query; Ctrl-D leaves.

        """
        for c in DotCommand.all { out += c.usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + c.summary + "\n" }
        out += "\nTopics (.help TOPIC):\n"
        let topicWidth = HelpText.topics.map(\.name.count).max() ?? 0
        for t in HelpText.topics { out += "  " + t.name.padding(toLength: topicWidth + 2, withPad: " ", startingAt: 0) + t.summary + "\n" }
        return out
    }

    func schemaText(_ t: EntityTable) -> String {
        var out = "\(t.name) (\(ValueFormat.group(String(t.rowCount))) rows)\n"
        let width = t.def.fields.map(\.name.count).max() ?? 0
        for (i, f) in t.def.fields.enumerated() {
            var line = "  " + f.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + f.type.description
            if let d = t.enumDomain(i) { line += ": " + d.labels.joined(separator: ", ") }
            if let r = f.reference { line += " → \(r.target) (as \(r.name))" }
            if f.isCustom { line += " [custom]" }
            // Where the values come from, for a mapped export.
            if let origin = f.origin { line += "   ← \(origin)" }
            out += line + "\n"
        }
        let collections = session.store.schema.collections(of: t.name)
        if !collections.isEmpty {
            out += "  collections: " + collections.map { "\($0.name) (\($0.child))" }.joined(separator: ", ") + "\n"
        }
        if t.def.hierarchyField != nil {
            out += "  hierarchy: ancestors, descendants, root (along \(t.def.fields[t.def.hierarchyField ?? 0].name))\n"
        }
        return out
    }

    /// Words of a dot-command line; `"…"` keeps spaces in one word (a file name).
    static func splitArguments(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var inWord = false
        for c in line {
            if c == "\"" {
                quoted.toggle()
                inWord = true
            } else if c == " " && !quoted {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
