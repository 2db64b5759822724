import XCTest
import FolioCore
import FolioLineEditor
@testable import FolioREPL

/// Tab completion, table-driven: the text before the cursor → the word replaced and the candidates.
final class CompletionTests: XCTestCase {
    nonisolated(unsafe) static let session: Session = {
        let (store, _) = try! Loader.load(.memory(PortfolioGenerator.demo.generateInMemory()), lenient: false)
        let s = Session(store: store, today: Day.parse("2026-06-15")!)
        _ = s.run("let big = accounts | where arr > 1m")
        s.parameters["region"] = .string("EMEA")
        return s
    }()

    func complete(_ text: String) -> Completion { Completer(session: Self.session).complete(text) }

    func testTable() {
        let cases: [(String, String, [String])] = [
            // At a source.
            ("", "", ["accounts", "activities", "big", "contacts", "explain", "let", "managers", "opportunities"]),
            ("acc", "acc", ["accounts"]),
            ("ACT", "ACT", ["activities"]),
            ("opportunities | where stage = 1; con", "con", ["contacts"]),
            ("let x = opp", "opp", ["opportunities"]),
            ("explain ma", "ma", ["managers"]),
            ("b", "b", ["big"]),
            // Stage names after |.
            ("accounts | ", "", ["chart", "count", "distinct", "group by", "limit", "select", "sort", "top", "where"]),
            ("accounts | s", "s", ["select", "sort"]),
            ("accounts\n| wh", "wh", ["where"]),
            ("accounts | group ", "", ["by"]),
            ("accounts | top 5 ", "", ["by"]),
            // Fields of the row type.
            ("accounts | where hea", "hea", ["health"]),
            ("accounts | where health < 50 and ti", "ti", ["tier"]),
            ("accounts | sort ren", "ren", ["renewal_date"]),
            ("big | where ow", "ow", ["owner", "owner_id"]),
            ("opportunities | where acc", "acc", ["account", "account_id"]),
            ("accounts | where count(opp", "opp", ["opportunities"]),
            // After select / group by: the new columns.
            ("accounts | select name, arr as revenue | where rev", "rev", ["revenue"]),
            ("opportunities | group by stage aggregate sum(amount) | sort su", "su", ["sum", "`sum(amount)`", "sum_if"]),
            // Inside a collection filter: the collection's entity.
            ("accounts | where exists(contacts[ro", "ro", ["role", "round", "row_number"]),
            // A hierarchy's names, and through them the same entity.
            ("accounts | where count(desc", "desc", ["descendants"]),
            ("accounts | where root.reg", "reg", ["region"]),
            ("managers | where count(descendants[lev", "lev", ["level"]),
            // Analytic functions.
            ("accounts | select name, ran", "ran", ["rank"]),
            ("managers | where count(accounts[opportunities[am", "am", ["amount"]),
            // After rel.: the target's fields.
            ("accounts | where owner.reg", "reg", ["region"]),
            ("opportunities | where account.owner.", "", ["accounts", "activities", "email", "id", "lead", "lead_id", "level", "name", "opportunities", "quota", "region", "role", "team", "ancestors", "descendants", "root"]),
            ("contacts | select account.na", "na", ["name"]),
            // Enum values inside a string.
            ("opportunities | where stage = \"clo", "clo", ["closed_won", "closed_lost"]),
            ("opportunities | where stage in (\"prospecting\", \"ne", "ne", ["negotiation"]),
            ("accounts | where owner.region = \"", "", ["AMER", "EMEA", "APAC", "LATAM"]),
            ("contacts | where exists(activities[kind = \"me", "me", ["meeting"]),
            // Functions.
            ("accounts | select days_", "days_", ["days_since", "days_until"]),
            // Parameters.
            ("accounts | where region = $r", "$r", ["$region"]),
            // Dot-commands and their arguments.
            (".sc", ".sc", [".schema"]),
            (".m", ".m", [".maxrows", ".mode"]),
            (".mode js", "js", ["json", "jsonl"]),
            (".schema opp", "opp", ["opportunities"]),
            (".help da", "da", ["data", "dates"]),
            (".help en", "en", ["engines"]),
            (".timer o", "o", ["off", "on"]),
            (".editor ", "", ["emacs", "vi"]),
            (".save b", "b", ["big"]),
        ]
        for (text, word, expected) in cases {
            let c = complete(text)
            XCTAssertEqual(c.word, word, "word for \(text.debugDescription)")
            if text.hasSuffix("account.owner.") || text.hasSuffix("region = \"") || text.hasSuffix("= \"clo") {
                XCTAssertEqual(Set(c.candidates), Set(expected), "candidates for \(text.debugDescription)")
            } else {
                XCTAssertEqual(c.candidates, expected, "candidates for \(text.debugDescription)")
            }
        }
    }

    func testLastResultIsASourceOnceThereIsOne() {
        let (store, _) = try! Loader.load(.memory(PortfolioGenerator.demo.generateInMemory()), lenient: false)
        let session = Session(store: store, today: 0)
        XCTAssertFalse(Completer(session: session).complete("").candidates.contains("_"))
        _ = session.run("managers | select name, region")
        XCTAssertTrue(Completer(session: session).complete("").candidates.contains("_"))
        XCTAssertEqual(Completer(session: session).complete("_ | where re").candidates, ["region"])
    }

    func testStringCompletionClosesTheQuote() {
        let c = complete("opportunities | where type = 'ups")
        XCTAssertEqual(c.candidates, ["upsell"])
        XCTAssertEqual(c.suffix, "'")
    }

    func testNothingToOfferAfterAnUnknownSource() {
        XCTAssertEqual(complete("acounts | where he").candidates, [])
        XCTAssertEqual(complete("accounts | where bogus.").candidates, [])
    }

    func testFilePaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("folio-complete-\(getpid())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("queries"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("quarter.folio").path, contents: Data())
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = complete(".read \(dir.path)/qu")
        XCTAssertEqual(c.candidates, ["\(dir.path)/quarter.folio", "\(dir.path)/queries/"])
        XCTAssertEqual(complete(".load \(dir.path)/qu").candidates, ["\(dir.path)/queries/"])
        XCTAssertEqual(complete(".output \(dir.path)/quar").candidates, ["\(dir.path)/quarter.folio"])
    }

    func testCommonPrefix() {
        XCTAssertEqual(Completion(word: "c", candidates: ["closed_won", "closed_lost"]).commonPrefix, "closed_")
        XCTAssertEqual(Completion(word: "", candidates: ["Abc", "abd"]).commonPrefix, "Ab")
    }

    func testColumnise() {
        XCTAssertEqual(EditLineReader.columnise(["a", "bb", "c"], width: 8), "a   c\nbb\n")
    }
}
