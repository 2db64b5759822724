import Testing
@testable import FolioCore

/// The checker on its own: names to columns and hops, types, literals made to fit, ranges.
@Suite struct CheckerTests {
    let store = Fixtures.sampleStore

    func checker(today: String = "2026-06-15", fiscalStart: Int = 2) -> Checker {
        Checker(Checker.Context(store: store, today: Day.parse(today) ?? 0, fiscalYearStart: fiscalStart, parameters: ["n": .int(3), "r": .string("emea")]))
    }

    /// The filter of `SOURCE | where EXPR`, checked.
    func condition(_ text: String, on source: String = "accounts", today: String = "2026-06-15") throws -> TExpr {
        let (script, errors) = Parser.parse("\(source) | where \(text)")
        #expect(errors.isEmpty)
        guard case .query(let p)? = script.statements.first?.kind else { throw Diagnostic(0..<0, "no query") }
        let checked = try checker(today: today).check(p)
        guard case .filter(let e)? = checked.stages.first else { throw Diagnostic(0..<0, "no filter") }
        return e
    }

    func error(_ query: String) -> Diagnostic? {
        let (script, _) = Parser.parse(query)
        guard case .query(let p)? = script.statements.first?.kind else { return nil }
        do {
            _ = try checker().check(p)
            return nil
        } catch {
            return error
        }
    }

    func table(_ name: String) -> Int { store.tables.firstIndex { $0.name == name } ?? -1 }

    @Test func pathsBecomeHops() throws {
        let e = try condition("account.owner.region = \"APAC\"", on: "opportunities")
        guard case .compare(.equal, let l, let r) = e.kind, case .field(let hops, let t, let f) = l.kind else {
            Issue.record("\(e.kind)")
            return
        }
        #expect(hops.count == 2)
        #expect(hops[0].table == table("opportunities"))
        #expect(hops[1].table == table("accounts"))
        #expect(t == table("managers"))
        #expect(store.tables[t].def.fields[f].name == "region")
        // The enum literal became the enum value, by code.
        guard case .constant(.enumeration(let code, let label)) = r.kind else { Issue.record("not coerced"); return }
        #expect(code == 2 && label == "APAC")
    }

    @Test func enumLiteralsMatchAnySpelling() throws {
        let e = try condition("stage = \"Closed Won\"", on: "opportunities")
        guard case .compare(_, _, let r) = e.kind, case .constant(.enumeration(4, "closed_won")) = r.kind else {
            Issue.record("\(e.kind)")
            return
        }
    }

    @Test func parametersAreLiteralsInPlace() throws {
        let e = try condition("region = $r and health > $n")
        guard case .and(let terms) = e.kind, terms.count == 2, case .compare(_, _, let r1) = terms[0].kind, case .compare(_, _, let r2) = terms[1].kind,
              case .constant(.enumeration(1, "EMEA")) = r1.kind, case .constant(.int(3)) = r2.kind else {
            Issue.record("\(e.kind)")
            return
        }
    }

    @Test func stringsComparedWithDatesAreDates() throws {
        let e = try condition("renewal_date > \"2026-07-01\"")
        guard case .compare(_, _, let r) = e.kind, case .constant(.date(let d)) = r.kind else { Issue.record("\(e.kind)"); return }
        #expect(Day.format(d) == "2026-07-01")
    }

    @Test func rangesResolveAgainstToday() throws {
        func range(_ text: String, today: String = "2026-06-15") throws -> String {
            let e = try condition("renewal_date in \(text)", today: today)
            guard case .inRange(_, let lo, let hi, _) = e.kind else { return "?" }
            return Day.format(lo) + " … " + Day.format(hi)
        }
        #expect(try range("next 90 days") == "2026-06-15 … 2026-09-13")
        #expect(try range("last 30 days") == "2026-05-16 … 2026-06-15")
        #expect(try range("this week") == "2026-06-15 … 2026-06-21")
        #expect(try range("last week") == "2026-06-08 … 2026-06-14")
        #expect(try range("this month") == "2026-06-01 … 2026-06-30")
        #expect(try range("next month") == "2026-07-01 … 2026-07-31")
        #expect(try range("last quarter") == "2026-01-01 … 2026-03-31")
        #expect(try range("this year") == "2026-01-01 … 2026-12-31")
        #expect(try range("this fiscal year") == "2026-02-01 … 2027-01-31")
        #expect(try range("next fiscal year") == "2027-02-01 … 2028-01-31")
        #expect(try range("this fiscal quarter") == "2026-05-01 … 2026-07-31")
        #expect(try range("last fiscal quarter") == "2026-02-01 … 2026-04-30")
        #expect(try range("this fiscal quarter", today: "2026-01-10") == "2025-11-01 … 2026-01-31")
        #expect(try range("next 2 quarters") == "2026-06-15 … 2026-12-15")
        #expect(try range("last 1 month", today: "2026-03-31") == "2026-02-28 … 2026-03-31")
    }

    @Test func arithmeticTypes() throws {
        func type(_ expr: String) throws -> ValueType {
            let (script, _) = Parser.parse("accounts | select \(expr)")
            guard case .query(let p)? = script.statements.first?.kind else { return .null }
            return try checker().check(p).columns[0].type
        }
        #expect(try type("health + 1") == .int)
        #expect(try type("health / 2") == .decimal)
        #expect(try type("arr + arr") == .money)
        #expect(try type("arr * 2") == .money)
        #expect(try type("arr * 1.5") == .money)
        #expect(try type("arr / 2") == .decimal)
        #expect(try type("renewal_date + 30 days") == .date)
        #expect(try type("renewal_date - customer_since") == .int)
        #expect(try type("renewal_date - 3") == .date)
        #expect(try type("coalesce(nps, 1.5)") == .decimal)
        #expect(try type("if(health > 5, \"a\", name)") == .string)
        #expect(try type("floor(1.5)") == .int)
    }

    @Test func mistakesPointAtTheirSpan() {
        let cases: [(String, String, String)] = [
            ("accounts | where helth < 5", "helth", "unknown field 'helth' on accounts"),
            ("accounts | where owner.nmae = \"x\"", "nmae", "unknown field 'nmae' on managers"),
            ("accounts | where region = \"Mars\"", "\"Mars\"", "'Mars' is not a value of accounts.region"),
            ("accounts | select lowr(name)", "lowr", "unknown function 'lowr'"),
            ("accounts | where health", "health", "'where' needs a true/false condition"),
            ("accounts | select owner", "owner", "'owner' is a relationship to managers, not a value"),
        ]
        for (query, spanText, message) in cases {
            guard let d = error(query) else {
                Issue.record("no error for \(query)")
                continue
            }
            let bytes = Array(query.utf8)
            #expect(String(decoding: bytes[d.span], as: UTF8.self) == spanText, "\(query)")
            #expect(d.message == message)
        }
    }

    @Test func projectionChangesWhatNamesMean() throws {
        let (script, _) = Parser.parse("accounts | select id, health * 2 as h | where h > 5 | sort id")
        guard case .query(let p)? = script.statements.first?.kind else { return }
        let checked = try checker().check(p)
        #expect(checked.columns.map(\.name) == ["id", "h"])
        guard case .filter(let e) = checked.stages[1], case .compare(_, let l, _) = e.kind, case .column(1) = l.kind else {
            Issue.record("h is not column 1")
            return
        }
    }
}

extension CheckerTests {
    @Test func groupsNameTheirColumnsAndTypeTheirAggregates() throws {
        let (script, _) = Parser.parse("opportunities | group by owner.name, stage aggregate count(), sum(amount), avg(probability), median(amount), sum_if(amount, stage = \"closed_won\") as won")
        guard case .query(let p)? = script.statements.first?.kind else { return }
        let checked = try checker().check(p)
        #expect(checked.columns.map(\.name) == ["owner.name", "stage", "count()", "sum(amount)", "avg(probability)", "median(amount)", "won"])
        #expect(checked.columns.map(\.type.description) == ["string", "enum opportunities.stage", "int", "money", "decimal", "money", "money"])
    }
}
