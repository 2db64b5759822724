import Foundation
import Testing
@testable import FolioCore

/// SPEC §7: size is no excuse. Long flat chains run (every pass over them is a loop), and
/// nesting at the depth limit runs through every pass — parse, check, plan, compile,
/// evaluate, print — while one level more is a located error.
@Suite struct DepthTests {
    let limit = Parser.maxDepth

    func answer(_ query: String) -> String {
        Fixtures.run(query, in: Fixtures.session(), format: .csv)
    }

    @Test func longChainsRunAndAnswerRight() {
        let n = 100_000
        // health > 0 and … and health > 49 is health > 49.
        let and = "accounts | where " + (0..<n).map { "health > \($0 % 50)" }.joined(separator: " and ") + " | count"
        #expect(answer(and) == answer("accounts | where health > 49 | count"))
        // health = 0 or … or health = 49 is health < 50 (for a non-null health).
        let or = "accounts | where " + (0..<n).map { "health = \($0 % 50)" }.joined(separator: " or ") + " | count"
        #expect(answer(or) == answer("accounts | where health < 50 | count"))
        // 1 + 1 + … is n; mixed with - and a money field it stays money, exactly.
        let plus = "accounts | where id = \"A0000001\" | select " + (0..<n).map { _ in "1" }.joined(separator: " + ") + " as n, arr"
            + (0..<n).map { $0 % 2 == 0 ? " + 1" : " - 1" }.joined() + " as same"
        #expect(answer(plus) == "n,same\n100000,16200\n")
        // A chain of durations and days on a date.
        let dates = "accounts | where id = \"A0000001\" | select 2026-01-31" + (0..<1000).map { _ in " + 1 month - 1 month" }.joined() + " as d"
        #expect(answer(dates) == "d\n2026-01-28\n")
    }

    @Test func longChainsInCollectionsAndNamedQueries() {
        let n = 20_000
        let inner = (0..<n).map { "amount > \($0 % 7)" }.joined(separator: " and ")
        let q = "accounts | where exists(opportunities[\(inner)]) | count"
        #expect(answer(q) == answer("accounts | where exists(opportunities[amount > 6]) | count"))
        // Thousands of definitions, each built on the last, and one query over the last.
        let lets = "let q0 = accounts | where true\n" + (1..<4000).map { "let q\($0) = q\($0 - 1) | where health >= \($0 % 3)" }.joined(separator: "\n")
            + "\nq3999 | count"
        #expect(Fixtures.run(lets, in: Fixtures.session(), format: .csv).hasSuffix(answer("accounts | where health >= 2 | count")))
    }

    /// Every kind of nesting, at exactly the limit, through every pass.
    @Test func nestingAtTheLimitRuns() {
        let n = limit
        let session = Fixtures.session()
        let queries = [
            // `not` n-1 times around a comparison: n levels in all.
            "accounts | where " + String(repeating: "not ", count: n - 1) + "health > 3 | count",
            "accounts | where " + String(repeating: "(health > 1 and ", count: n - 1) + "health > 2" + String(repeating: ")", count: n - 1) + " | count",
            "accounts | where " + String(repeating: "(health > 1 or ", count: n - 1) + "health > 2" + String(repeating: ")", count: n - 1) + " | count",
            "accounts | select " + String(repeating: "- ", count: n) + "health as x | limit 3",
            "accounts | select " + String(repeating: "abs(", count: n - 1) + "health" + String(repeating: ")", count: n - 1) + " | limit 3",
            "accounts | select " + String(repeating: "if(health > 1, 1, ", count: n - 1) + "0" + String(repeating: ")", count: n - 1)
                + " as x | group by x aggregate sum(x)",
            "accounts | where exists(" + String(repeating: "children[exists(", count: n / 2 - 1) + "children"
                + String(repeating: ")]", count: n / 2 - 1) + ") | count",
            "accounts | select name, " + String(repeating: "parent.", count: n - 1) + "name | limit 3",
            "accounts | sort " + String(repeating: "(arr + ", count: n - 1) + "1" + String(repeating: ")", count: n - 1) + " | limit 3",
            "accounts | where " + String(repeating: "(health - ", count: n - 1) + "1" + String(repeating: ")", count: n - 1) + " > 0 | count",
        ]
        for q in queries {
            let out = Fixtures.run(q, in: session, format: .csv)
            #expect(!out.contains("error"), "\(q.prefix(60)): \(out.prefix(200))")
        }
    }

    @Test func oneLevelMoreIsALocatedError() {
        let n = limit + 1
        let message = "expression nested too deeply (more than \(limit) levels)"
        let queries = [
            "accounts | where " + String(repeating: "not ", count: n) + "true | count",
            "accounts | select " + String(repeating: "abs(", count: n) + "health" + String(repeating: ")", count: n),
            "accounts | select name" + String(repeating: ".parent", count: n),
            "accounts | where " + String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000),
        ]
        for q in queries {
            let out = answer(q)
            #expect(out.hasPrefix("error: " + message), "\(q.prefix(60)): \(out.prefix(200))")
            // The caret line is a window of the long line, never the whole of it.
            #expect(out.split(separator: "\n").allSatisfy { $0.count < 200 }, "\(out.prefix(400))")
        }
    }

    @Test func aQueryOnAThreadWithASmallStackStillRuns() async {
        // Swift Testing's threads, Dispatch's and the caller's own are not asked to be deep:
        // the session moves the work to its own stack.
        let q = "accounts | where " + String(repeating: "not ", count: limit - 1) + "health > 3 | count"
        let out = await withCheckedContinuation { continuation in
            let t = Thread {
                continuation.resume(returning: Fixtures.run(q, in: Fixtures.session(), format: .csv))
            }
            t.stackSize = 256 << 10
            t.start()
        }
        #expect(out.hasPrefix("count\n"), "\(out.prefix(200))")
    }
}
