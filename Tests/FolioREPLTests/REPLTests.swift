import XCTest
import FolioCore
import FolioLineEditor
@testable import FolioREPL

/// The REPL loop driven by a scripted line reader: statements, continuation lines,
/// dot-commands, `_`, `.last`, `.output`, parameters, interruption.
final class REPLTests: XCTestCase {
    nonisolated(unsafe) static let store: Store = {
        try! Loader.load(.memory(PortfolioGenerator.demo.generateInMemory()), lenient: false).0
    }()

    final class Captured {
        var results = ""
        var messages = ""
    }

    func makeREPL(width: Int? = nil, cancel: Cancellation = .never, _ captured: Captured) -> REPL {
        let session = Session(store: Self.store, today: Day.parse("2026-06-15")!)
        return REPL(session: session, settings: REPLSettings(),
                    output: REPLOutput(results: { captured.results += $0 }, messages: { captured.messages += $0 }, width: { width }),
                    cancellation: cancel,
                    loader: { dir in .failure(REPL.LoadFailure("error: no data directory '\(dir)'")) })
    }

    func run(_ lines: [String], width: Int? = nil) -> (Captured, ScriptedLineReader, REPL) {
        let captured = Captured()
        let repl = makeREPL(width: width, captured)
        let reader = ScriptedLineReader(lines: lines)
        repl.run(reader)
        return (captured, reader, repl)
    }

    func testAQueryAndItsTable() {
        let (out, reader, _) = run(["accounts | where tier = \"strategic\" | count"])
        XCTAssertTrue(out.results.contains("│ count │"), out.results)
        XCTAssertEqual(reader.history, ["accounts | where tier = \"strategic\" | count"])
    }

    func testContinuationLinesMakeOneStatementAndOneHistoryEntry() {
        let (out, reader, _) = run(["accounts |", "where health < 50 |", "count"])
        XCTAssertEqual(reader.prompts, ["folio> ", "   ...> ", "   ...> ", "folio> "])
        XCTAssertEqual(reader.history, ["accounts |\nwhere health < 50 |\ncount"])
        XCTAssertTrue(out.results.contains("count"), out.results)
    }

    func testABlankContinuationLineRunsWhatThereIs() {
        let (out, _, _) = run(["accounts | where", ""])
        XCTAssertTrue(out.messages.contains("error"), out.messages)
    }

    func testCtrlCAtThePromptDropsTheStatementBeingContinued() {
        let captured = Captured()
        let repl = makeREPL(captured)
        let reader = ScriptedLineReader([.line("accounts |"), .interrupted, .line("managers | count")])
        repl.run(reader)
        XCTAssertEqual(reader.prompts, ["folio> ", "   ...> ", "folio> ", "folio> "])
        XCTAssertTrue(captured.results.contains("12"), captured.results)
    }

    func testInterruptedQueryKeepsTheSession() {
        let captured = Captured()
        let repl = makeREPL(cancel: Cancellation { true }, captured)
        repl.run(ScriptedLineReader(lines: ["let big = accounts | where arr > 1m", "big | count"]))
        XCTAssertTrue(captured.messages.contains("defined big"), captured.messages)
        XCTAssertTrue(captured.messages.contains("interrupted"), captured.messages)
        XCTAssertNotNil(repl.session.namedQueries["big"])
    }

    func testLastResultAsASource() {
        let (out, _, _) = run(["accounts | where tier = \"strategic\" | select name, arr", "_ | where arr > 1m | count"])
        XCTAssertFalse(out.messages.contains("error"), out.messages)
        let expected = try! Session(store: Self.store, today: 0).run("accounts | where tier = \"strategic\" and arr > 1m | count").map { o -> String in
            if case .result(let f, _) = o { return Renderer.render(f, RenderOptions(format: .table)) }
            return ""
        }.joined()
        XCTAssertTrue(out.results.hasSuffix(expected), out.results + "\nexpected:\n" + expected)
    }

    func testUnderscoreBeforeAnyResult() {
        let (out, _, _) = run(["_ | count"])
        XCTAssertTrue(out.messages.contains("'_' is the last result, and there is none yet"), out.messages)
    }

    func testLastShowsEveryRow() {
        let (out, _, _) = run([".maxrows 4", "accounts | limit 10", ".last"])
        XCTAssertTrue(out.results.contains("… 6 more rows …"), out.results)
        let last = out.results.components(separatedBy: "10 rows").dropFirst().joined()
        XCTAssertFalse(last.contains("more rows"))
        XCTAssertEqual(last.components(separatedBy: "\n│ A0").count - 1, 10)
    }

    func testModeAndMaxRows() {
        let (out, _, _) = run([".mode csv", "managers | select id | limit 2", ".mode yaml"])
        XCTAssertEqual(out.results, "id\nM00001\nM00002\n")
        XCTAssertTrue(out.messages.contains(".mode expects one of table, csv, tsv, json, jsonl, markdown, got 'yaml'"))
    }

    func testTablesFitTheTerminal() {
        let (out, _, _) = run(["accounts | limit 3"], width: 80)
        for line in out.results.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 80, String(line))
        }
        XCTAssertTrue(out.results.contains("columns not shown"), out.results)
    }

    func testUnknownDotCommandSuggests() {
        let (out, _, _) = run([".shema accounts", ".frobnicate"])
        XCTAssertTrue(out.messages.contains("unknown command '.shema'; did you mean '.schema'?"), out.messages)
        XCTAssertTrue(out.messages.contains("unknown command '.frobnicate'; .help lists them"), out.messages)
    }

    func testHelpListsEveryCommandAndTopics() {
        let (out, _, _) = run([".help", ".help dates", ".help bogus"])
        for c in DotCommand.all { XCTAssertTrue(out.results.contains(c.usage), c.usage) }
        XCTAssertTrue(out.results.contains("next 90 days"))
        XCTAssertTrue(out.messages.contains("no help topic 'bogus'"), out.messages)
    }

    func testEveryHelpExampleRuns() {
        let session = Session(store: Self.store, today: Day.parse("2026-06-15")!)
        for topic in HelpText.topics {
            for example in topic.examples {
                for outcome in session.run(example) {
                    if case .error(let message) = outcome { XCTFail("\(topic.name): \(example)\n\(message)") }
                }
            }
        }
    }

    func testSchemaShowsFieldsEnumsAndRelationships() {
        let (out, _, _) = run([".schema opportunities", ".schema nope"])
        XCTAssertTrue(out.results.contains("stage"))
        XCTAssertTrue(out.results.contains("prospecting"))
        XCTAssertTrue(out.results.contains("→ accounts (as account)"), out.results)
        XCTAssertTrue(out.messages.contains("no entity 'nope'"))
    }

    func testParameters() {
        let (out, _, _) = run([".param set region EMEA", ".param list", "accounts | where region = $region | count", ".param unset region", ".param unset region", ".param"])
        XCTAssertTrue(out.results.contains("$region = \"EMEA\""), out.results)
        XCTAssertFalse(out.messages.contains("missing"), out.messages)
        XCTAssertTrue(out.messages.contains("no parameter 'region'"))
        XCTAssertTrue(out.messages.contains("usage: .param"))
    }

    func testTodayTimerExplainEditor() {
        let (out, reader, repl) = run([".today", ".today 2027-01-01", ".today", ".today soon", ".timer on", ".explain on", "managers | count", ".editor vi", ".editor nano"])
        XCTAssertTrue(out.results.hasPrefix("2026-06-15\n2027-01-01\n"), out.results)
        XCTAssertTrue(out.messages.contains(".today expects a date like 2026-06-15, got 'soon'"))
        XCTAssertTrue(out.results.contains("stage"), "plan first: \(out.results)")
        XCTAssertTrue(out.results.contains(" ms)"), "timer in the footer: \(out.results)")
        XCTAssertEqual(reader.mode, .vi)
        XCTAssertEqual(repl.settings.editor, .vi)
        XCTAssertTrue(out.messages.contains(".editor expects emacs or vi, got 'nano'"))
    }

    func testOutputSaveReadAndQueries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-repl-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (out, _, _) = run([
            "let champions = contacts | where role = \"champion\"",
            ".queries",
            ".save champions \(dir)/champions.folio",
            ".save nobody \(dir)/x.folio",
            ".mode csv",
            ".output \(dir)/out.csv",
            "managers | select id | limit 2",
            ".output stdout",
            ".read \(dir)/champions.folio",
            ".read \(dir)/missing.folio",
            ".output /nonexistent/dir/file.csv",
        ])
        XCTAssertTrue(out.results.contains("let champions = contacts | where role = \"champion\""), out.results)
        XCTAssertEqual(try String(contentsOfFile: dir + "/champions.folio", encoding: .utf8), "let champions = contacts | where role = \"champion\"\n")
        XCTAssertEqual(try String(contentsOfFile: dir + "/out.csv", encoding: .utf8), "id\nM00001\nM00002\n")
        XCTAssertFalse(out.results.contains("M00001"), "results went to the file")
        XCTAssertTrue(out.messages.contains("no named query 'nobody'"))
        XCTAssertTrue(out.messages.contains("cannot read '\(dir)/missing.folio'"))
        XCTAssertTrue(out.messages.contains("cannot write '/nonexistent/dir/file.csv'"), out.messages)
        XCTAssertEqual(out.messages.components(separatedBy: "defined champions").count - 1, 2)
    }

    /// `.output FILE` gathers every statement's results since, each put in place whole when
    /// its statement ends, streamed (CSV) or rendered (a table); a file removed meanwhile
    /// starts again from that statement; no temporary is left beside it.
    func testOutputFileGathersStatements() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-output-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/out.txt"
        let (out, _, repl) = run([
            ".output \(file)", ".mode csv", "managers | select id | limit 2", "let x = managers",
            ".mode table", "managers | count", ".mode csv", "managers | sort id desc | select id | limit 1",
        ])
        XCTAssertFalse(out.messages.contains("error"), out.messages)
        let table = "┌───────┐\n│ count │\n├───────┤\n│    12 │\n└───────┘\n1 row\n"
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "id\nM00001\nM00002\n" + table + "id\nM00012\n")
        try FileManager.default.removeItem(atPath: file)
        repl.execute("managers | select id | limit 1", origin: "test")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "id\nM00001\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.txt"], "no temporary left")
    }

    func testLoadFailureKeepsTheSession() {
        let (out, _, repl) = run([".load /no/such/dir", "managers | count"])
        XCTAssertTrue(out.messages.contains("no data directory"))
        XCTAssertTrue(out.results.contains("12"))
        XCTAssertEqual(repl.session.store.tables.count, 5)
    }

    func testLoadKeepsNamedQueriesAndParameters() {
        let captured = Captured()
        let session = Session(store: Self.store, today: Day.parse("2026-01-01")!)
        let repl = REPL(session: session, settings: REPLSettings(),
                        output: REPLOutput(results: { captured.results += $0 }, messages: { captured.messages += $0 }, width: { nil }),
                        loader: { _ in .success((Self.store, "loaded")) })
        repl.run(ScriptedLineReader(lines: ["let big = accounts | where arr > 1m", ".param set n 3", ".load somewhere", "big | limit $n | count", ".today"]))
        XCTAssertTrue(captured.messages.contains("loaded"), captured.messages)
        XCTAssertFalse(captured.messages.contains("error"), captured.messages)
        XCTAssertTrue(captured.results.contains("│     3 │"), captured.results)
        XCTAssertTrue(captured.results.hasSuffix("2026-06-15\n"), "today is the new data's as_of")
    }

    func testQuitStopsReading() {
        let (_, reader, _) = run([".quit", "managers | count"])
        XCTAssertEqual(reader.prompts.count, 1)
    }
}

/// The history file: one entry per statement, encoded lines, capped, 0600, atomic.
final class HistoryFileTests: XCTestCase {
    func testRoundTripAndPermissions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-history-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state/folio/history"
        let h = HistoryFile(path: path, capacity: 3)
        XCTAssertTrue(h.remember("accounts |\nwhere name = \"a\\\\b\" |\ncount"))
        XCTAssertFalse(h.remember("accounts |\nwhere name = \"a\\\\b\" |\ncount"), "consecutive duplicate")
        h.remember("managers | count")
        h.remember("contacts | count")
        h.remember("Müller")
        try h.save()
        let again = HistoryFile(path: path, capacity: 3)
        XCTAssertEqual(again.entries, ["managers | count", "contacts | count", "Müller"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/state/folio"), ["history"], "no temporary file left")

        let multi = HistoryFile(path: dir + "/multi", capacity: 10)
        multi.remember("accounts |\nwhere name = \"a\\\\b\" |\ncount")
        try multi.save()
        XCTAssertEqual(HistoryFile(path: dir + "/multi").entries, ["accounts |\nwhere name = \"a\\\\b\" |\ncount"])
        XCTAssertEqual(try String(contentsOfFile: dir + "/multi", encoding: .utf8).split(separator: "\n").count, 1)
    }

    func testDefaultPath() {
        XCTAssertEqual(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]), "/s/folio/history")
        XCTAssertEqual(HistoryFile.defaultPath(environment: ["HOME": "/h"]), "/h/.folio_history")
        XCTAssertEqual(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]), "/h/.folio_history")
        XCTAssertNil(HistoryFile.defaultPath(environment: [:]))
    }
}
