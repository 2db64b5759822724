import Foundation
import Testing
@testable import FolioCore

@Suite struct ParserTests {
    func parse(_ text: String) -> (Script, [Diagnostic]) { Parser.parse(text) }

    func statements(_ text: String) -> [Statement] {
        let (s, d) = parse(text)
        #expect(d.isEmpty, "\(d)")
        return s.statements
    }

    func pipeline(_ text: String) -> Pipeline? {
        guard let s = statements(text).first, case .query(let p) = s.kind else { return nil }
        return p
    }

    @Test func newlineEndsACompleteStatement() {
        #expect(statements("accounts | count\ncontacts | count").count == 2)
        #expect(statements("accounts | count; contacts | count").count == 2)
    }

    @Test func aLineStartingWithAnOperatorIsANewStatement() {
        // SPEC §4: only a leading `|` continues a complete statement.
        let (_, d) = parse("accounts | where health < 50\n and region = \"EMEA\"")
        #expect(d.first?.message == "a statement cannot start with 'and'")
        #expect(d.count == 1)
    }

    @Test func leadingPipeContinuesTheStatement() {
        let p = pipeline("accounts\n  | where health < 50\n  | count")
        #expect(p?.stages.count == 2)
    }

    @Test func incompleteLinesContinue() {
        #expect(statements("accounts | where health <\n 50 and\n region = \"EMEA\"").count == 1)
        #expect(statements("accounts | select id,\n name").count == 1)
        #expect(statements("accounts | where region in (\n\"EMEA\",\n\"APAC\")").count == 1)
    }

    @Test func precedence() throws {
        let p = try #require(pipeline("accounts | where not a = 1 or b < 2 and c + 1 * 2 > 3"))
        guard case .where(let e) = p.stages[0].kind else { Issue.record("not a where"); return }
        #expect(e.canonicalText == "not a = 1 or b < 2 and c + 1 * 2 > 3")
        guard case .or(let terms) = e.kind, terms.count == 2 else { Issue.record("or is loosest"); return }
        guard case .not = terms[0].kind else { Issue.record("not binds tighter than or"); return }
        guard case .and(let ands) = terms[1].kind, ands.count == 2, case .binary(.greater, let sum, _) = ands[1].kind,
              case .arithmetic(_, let steps) = sum.kind, steps.count == 1, steps[0].op == .add,
              case .arithmetic(_, let product) = steps[0].operand.kind, product[0].op == .multiply else {
            Issue.record("wrong shape: \(terms[1].canonicalText)")
            return
        }
    }

    @Test func chainsAreFlat() throws {
        let n = 100_000
        let text = "accounts | where " + (0..<n).map { "health > \($0 % 50)" }.joined(separator: " and ")
            + " or " + (0..<n).map { _ in "seats" }.joined(separator: " + ") + " - 1 > 0"
        let p = try #require(pipeline(text))
        guard case .where(let e) = p.stages[0].kind, case .or(let terms) = e.kind, case .and(let ands) = terms[0].kind,
              case .binary(.greater, let sum, _) = terms[1].kind, case .arithmetic(_, let steps) = sum.kind else {
            Issue.record("not flat")
            return
        }
        #expect(ands.count == n)
        #expect(steps.count == n)
        #expect(steps.last?.op == .subtract)
        #expect(ExprDepth.exceeding(3, e) == nil)
    }

    @Test func parenthesesKeepTheirMeaningInText() throws {
        for text in ["a - (b - c)", "(a + b) * c", "a and (b or c)", "not (a and b)", "a / (b * c)", "a - b + c"] {
            let p = try #require(pipeline("accounts | where " + text))
            guard case .where(let e) = p.stages[0].kind else { continue }
            #expect(e.canonicalText == text)
        }
    }

    @Test func nestingHasALimit() {
        let limit = Parser.maxDepth
        func error(_ body: String) -> Diagnostic? { Parser.parse("accounts | where " + body).1.first }
        // At the limit everything parses; one level more is a located error, whatever nests.
        #expect(error(String(repeating: "not ", count: limit) + "true") == nil)
        let cases = [
            String(repeating: "not ", count: limit + 1) + "true",
            String(repeating: "(", count: limit + 1) + "true" + String(repeating: ")", count: limit + 1),
            String(repeating: "- ", count: limit + 1) + "1 > 0",
            String(repeating: "abs(", count: limit + 1) + "1" + String(repeating: ")", count: limit + 1) + " > 0",
            "exists(" + String(repeating: "children[exists(", count: limit) + "children" + String(repeating: ")]", count: limit) + ")",
            "name" + String(repeating: ".parent", count: limit + 1) + " = 1",
            String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000),
            String(repeating: "not ", count: 10_000) + "true",
        ]
        for c in cases {
            let d = error(c)
            #expect(d?.message == "expression nested too deeply (more than \(limit) levels)", "\(c.prefix(40))")
        }
    }

    @Test func numbersWithScalesAreExact() {
        func value(_ s: String) -> Literal? { Parser.numberValue(s) }
        #expect(value("8.2m") == .int(8_200_000))
        #expect(value("1.005k") == .int(1005))
        #expect(value("1.2345k") == .decimal(1234.5))
        #expect(value("0.5k") == .int(500))
        #expect(value("1.50K") == .int(1500))
        #expect(value("7b") == .int(7_000_000_000))
        #expect(value("2.0") == .decimal(2.0))
        #expect(value("3.5") == .decimal(3.5))
        #expect(value("1_000_000") == .int(1_000_000))
        #expect(value("0.000001m") == .int(1))
        #expect(value("0.0000001m") == .decimal(0.1))
        #expect(value("99999999999b") == .decimal(99_999_999_999e9))
        for (digits, suffix, scale) in [("1.23", "k", 1e3), ("4.567", "m", 1e6), ("8.9", "b", 1e9), ("0.07", "k", 1e3)] {
            // Every suffix with every fraction: the decimal digits, scaled exactly.
            let exact = (Decimal(string: digits) ?? 0) * Decimal(scale)
            let v = value(digits + suffix)
            switch v {
            case .int(let n): #expect(Decimal(n) == exact)
            case .decimal(let d): #expect(Decimal(d) == exact)
            default: Issue.record("\(digits)\(suffix): \(String(describing: v))")
            }
        }
    }

    @Test func everyStageParses() {
        let text = """
        accounts | where health < 50 | select *, name as n | sort arr desc nulls first, name
          | limit 10 offset 5 | top 3 by arr asc per region | group by region aggregate sum(arr)
          | distinct region | count | chart arr by region
        """
        #expect(pipeline(text)?.stages.map(\.name) == ["where", "select", "sort", "limit", "top", "group by", "distinct", "count", "chart"])
    }

    @Test func everyExpressionFormParses() {
        let text = """
        accounts | where a in ("x", 'y') and b not in (1) and c like "a%" and d not like "_b" and e between 1 and 2 and
          f not between 1k and 2.5m and g is null and h is not null and products has "A" and products has any ("A", "B") and
          products not has all ("A") and renewal_date in next 90 days and created in this fiscal quarter and
          x in last 2 weeks and y = today - 30 days and z = $param and `Annual Revenue` > 1 and
          exists(opportunities[stage = "closed_won"]) and count(contacts) > 2 and owner.lead.name != null and
          -health < -5 and w = 2026-06-15 and v = true and u = false
        """
        #expect(pipeline(text) != nil)
    }

    @Test func statementsOfEveryKind() {
        let s = statements("let big = accounts | where arr > 1m\nexplain big | count\nexplain analyze accounts | count")
        guard s.count == 3 else { Issue.record("expected 3 statements"); return }
        guard case .define(let name, _) = s[0].kind else { Issue.record("let"); return }
        #expect(name.text == "big")
        guard case .explain(_, analyze: false) = s[1].kind, case .explain(_, analyze: true) = s[2].kind else { Issue.record("explain"); return }
    }

    @Test func fieldsNamedLikeKeywords() {
        // `date`, `type`, `last` and `next` are names where no keyword fits.
        #expect(pipeline("activities | where date > 2026-01-01 | select date, kind") != nil)
        #expect(pipeline("opportunities | where type = \"upsell\"") != nil)
    }

    @Test func durationsAndRanges() throws {
        let p = try #require(pipeline("contacts | where last_contacted < today - 60 days and last_contacted in last 2 quarters"))
        guard case .where(let e) = p.stages[0].kind else { return }
        #expect(e.canonicalText == "last_contacted < today - 60 days and last_contacted in last 2 quarters")
    }

    @Test func oneMistakeOneMessage() {
        let (s, d) = parse("accounts | where health < | count\ncontacts | count")
        #expect(d.count == 1)
        #expect(d.first?.message == "unexpected '|', expected an expression")
        #expect(s.statements.count == 1)
    }

    @Test func independentStatementsReportTheirOwnMistakes() {
        let (_, d) = parse("accounts | wher x\ncontacts | select 1 +; accounts | count")
        #expect(d.map(\.message) == ["unknown stage 'wher'", "unexpected ';', expected an expression"])
    }

    @Test func unknownStageSuggests() {
        let (_, d) = parse("accounts | sortt arr")
        #expect(d.first?.help == "did you mean 'sort'?")
        #expect(d.first?.span == 11..<16)
    }

    @Test func trailingPipeIsUnexpectedEnd() {
        let (_, d) = parse("accounts |")
        #expect(d.first?.message.hasPrefix("unexpected end of input") == true)
    }

    @Test func junkAfterAStatement() {
        let (_, d) = parse("accounts | count contacts")
        #expect(d.first?.message == "unexpected 'contacts', expected '|' or the end of the statement")
    }

    @Test func numberSuffixes() throws {
        let p = try #require(pipeline("accounts | where arr > 1.2M and arr < 250k and x = 1_000 and y = 0.5k"))
        guard case .where(let e) = p.stages[0].kind else { return }
        #expect(e.canonicalText == "arr > 1200000 and arr < 250000 and x = 1000 and y = 500")
    }
}
