import Foundation
import Testing
@testable import FolioCore

/// The SQL compiler (SPEC §8), stage by stage: the statement's shape for each dialect, the
/// differences the dialects hold, parameters, and located "cannot be expressed" errors.
/// That the SQL answers as folio does is the differential test's (Tests/Engines).
@Suite struct SQLCompilerTests {
    func sql(_ query: String, _ dialect: SQLDialectName = .postgres, placeholders: Bool = false, parameters: [String: Literal] = [:]) -> (String, [Value]) {
        let session = Fixtures.session()
        session.parameters = parameters
        switch session.sql(query, dialect: dialect, placeholders: placeholders).last {
        case .sql(let out, _)?: return (out.sql, out.parameters)
        case .error(let message, _)?: return (message, [])
        case nil: return ("nothing", [])
        }
    }

    @Test func pathsAreLeftJoinsAndCollectionsPerParentAggregates() {
        let (text, _) = sql(#"accounts | where health < 50 and name like "%bank%" | top 3 by arr | select name, owner.name, count(opportunities[stage = "closed_won"]) as won"#)
        #expect(text == """
            SELECT a.name AS name,
                   owner.name AS "owner.name",
                   COALESCE(opportunities_count.v, 0) AS won
            FROM accounts a
              LEFT JOIN managers owner ON owner.id = a.owner_id
              LEFT JOIN (
                SELECT o.account_id AS pid, count(*) AS v
                FROM opportunities o
                WHERE o.stage = 'closed_won'
                GROUP BY o.account_id
              ) opportunities_count ON opportunities_count.pid = a.id
            WHERE a.health < 50
              AND a.name ILIKE '%bank%'
            ORDER BY a.arr DESC NULLS LAST, a.folio_row
            LIMIT 3
            """)
    }

    @Test func existsIsCorrelatedAndGroupsHaveHaving() {
        let (text, _) = sql(#"accounts | where exists(contacts[role = "champion"]) | group by tier aggregate count() | where count() > 2"#)
        #expect(text == """
            SELECT a.tier AS tier, count(*) AS "count()"
            FROM accounts a
            WHERE EXISTS (
                SELECT 1
                FROM contacts c
                WHERE c.role = 'champion'
                  AND c.account_id = a.id
              )
            GROUP BY a.tier
            HAVING count(*) > 2
            ORDER BY CASE a.tier WHEN 'strategic' THEN 0 WHEN 'key' THEN 1 WHEN 'growth' THEN 2 WHEN 'standard' THEN 3 END ASC NULLS LAST
            """)
    }

    @Test func stringsCompareWithoutCaseAndNullIsAValue() {
        let (text, _) = sql(#"contacts | where name = "ana" and title != null and email != "x@y.z" | count"#)
        #expect(text.contains("lower(c.name) = lower('ana')"))
        #expect(text.contains("c.title IS NOT NULL"))
        #expect(text.contains("NOT (lower(c.email) IS NOT DISTINCT FROM lower('x@y.z'))"))
    }

    @Test func aStageAfterAnotherThatCannotFollowItIsAStep() {
        let (text, _) = sql("accounts | top 10 by arr | sort name | select name, arr")
        #expect(text.hasPrefix("WITH step1 AS (\n"))
        #expect(text.contains("LIMIT 10\n)"))
        #expect(text.contains("ORDER BY lower(s.name) COLLATE \"C\" ASC NULLS LAST, s.folio_ord"))
    }

    @Test func hierarchiesAreRecursiveSteps() {
        let (text, _) = sql("accounts | select name, count(descendants), root.name")
        #expect(text.hasPrefix("WITH RECURSIVE accounts_ancestry AS ("))
        #expect(text.contains("accounts_root AS ("))
        #expect(text.contains("LEFT JOIN accounts root ON root.id = root_link.root_id"))
    }

    @Test func analyticFunctionsAreWindows() {
        let (text, _) = sql("accounts | select name, region, arr, rank(arr desc per region) as r | where r <= 2")
        #expect(text.contains("rank() OVER (PARTITION BY a.region ORDER BY a.arr DESC NULLS LAST)"))
        #expect(text.contains("WHERE s.c4 <= 2"))
    }

    @Test func everyDialectWritesItsOwnForms() {
        let q = #"opportunities | where name like "%renewal%" and close_date in next 90 days | select name, close_date + 1 month, amount / 3"#
        let pg = sql(q, .postgres).0, lite = sql(q, .sqlite).0, duck = sql(q, .duckdb).0, spark = sql(q, .spark).0
        #expect(pg.contains("ILIKE '%renewal%'") && pg.contains("INTERVAL '1 months'") && pg.contains("BETWEEN DATE '2026-06-15' AND DATE '2026-09-13'"))
        #expect(lite.contains("lower(o.name) LIKE lower('%renewal%')") && lite.contains("'start of month'") && lite.contains("BETWEEN '2026-06-15' AND '2026-09-13'"))
        #expect(duck.contains("INTERVAL '1 months'") && duck.contains("NULLIF"))
        #expect(spark.contains("add_months(o.close_date, 1)") && spark.contains("try_divide("))
    }

    @Test func parametersAreQuotedLiteralsOrPlaceholders() {
        let p: [String: Literal] = ["who": Session.parameterLiteral("O'Hare"), "floor": Session.parameterLiteral("50")]
        let (literal, none) = sql("accounts | where name = $who and health > $floor | count", parameters: p)
        #expect(literal.contains("lower('O''Hare')") && literal.contains("a.health > 50"))
        #expect(none.isEmpty)
        let (pg, values) = sql("accounts | where name = $who and health > $floor | count", placeholders: true, parameters: p)
        #expect(pg.contains("lower($1)") && pg.contains("CAST($2 AS BIGINT)") && !pg.contains("Hare"))
        #expect(values == [.string("O'Hare"), .int(50)])
        let (lite, _) = sql("accounts | where name = $who | count", .sqlite, placeholders: true, parameters: p)
        #expect(lite.contains("lower(?1)"))
        let (spark, _) = sql(#"accounts | where name = "back\\slash" | count"#, .spark)
        #expect(spark.contains(#"lower('back\\slash')"#))
    }

    @Test func whatADialectCannotExpressIsALocatedError() {
        let (text, _) = sql("opportunities | group by type aggregate median(amount)", .sqlite)
        #expect(text == """
            error: median() cannot be expressed in sqlite
             --> query:1:48
              |
            1 | opportunities | group by type aggregate median(amount)
              |                                                ^^^^^^
              = help: run it in memory (without --engine), or on another engine

            """)
        let (far, _) = sql("accounts | limit 1 | select today + 3000000 days")
        #expect(far.hasPrefix("error: a date outside the years 1 to 9999 (10240-03-05) cannot be expressed in postgres"))
    }

    @Test func constantDateArithmeticIsFoldedAsFolioComputesIt() {
        let (text, _) = sql("accounts | limit 1 | select today + 1 month, 2026-01-31 + 1 month, today + 9999999999 days")
        #expect(text.contains("DATE '2026-07-15' AS \"today + 1 month\""))
        #expect(text.contains("DATE '2026-02-28'"))
        #expect(text.contains("NULL AS \"today + 9999999999 days\""))
    }

    /// Every query of the golden files compiles in every dialect, or says why it cannot.
    @Test(arguments: SQLDialectName.allCases)
    func everyGoldenQueryCompiles(_ dialect: SQLDialectName) throws {
        for file in GoldenTests.files where file != "errors.golden" {
            let text = try String(contentsOf: GoldenTests.directory.appendingPathComponent(file), encoding: .utf8)
            let session = Fixtures.session()
            for c in GoldenTests.parse(text) where !c.expected.hasPrefix("error") && !c.query.hasPrefix(".") {
                for outcome in session.sql(c.query, dialect: dialect) {
                    if case .error(let message, _) = outcome {
                        #expect(message.contains("cannot be expressed in \(dialect.rawValue)"), "\(file): \(c.title): \(message)")
                    }
                }
            }
        }
    }

    @Test func theRelationalFormFollowsTheStages() throws {
        let session = Fixtures.session()
        let (script, _) = Parser.parse("accounts | where health < 50 | top 3 by arr per region | group by region | count")
        guard case .query(let p) = script.statements[0].kind else { Issue.record("not a query"); return }
        let checked = try Checker(session.checkContext).check(p)
        #expect(Relation(checked).chain.map(\.operatorName) == ["scan", "filter", "top per", "aggregate", "count"])
    }
}
