import Testing
@testable import FolioCore

/// The vectorised filter keeps exactly the rows the row-by-row predicate keeps, on random
/// conditions mixing kernels (stored comparisons, arithmetic, nulls, `in`, `and`, `or`,
/// `not`) with parts that fall back to the row closure (strings, paths, collections).
@Suite struct VectorFilterTests {
    static let store = Fixtures.sampleStore
    static let today = store.asOf ?? 0

    static let terms: [String: [String]] = [
        "accounts": [
            "health < 50", "health is null", "health is not null", "arr > 1m", "arr = 0", "seats_used > seats",
            "seats_used * 2 < seats + 10", "seats - seats_used >= 3", "-nps > 10", "arr - 500k < 100k", "arr * 2 > 3m", "5 - seats > -100", "seats * (2 + 3) = 50", "arr = 100k + 1", "2000 > employees",
            "nps * 0 = 0", "today - customer_since > 1000", "renewal_date < today - 30 days", "renewal_date >= today + 2 * 30",
            "arr > 2 * 50k + 1", #"name = "ORION BANK & CO.""#, #"name != "kraków utilities, inc.""#, #"country = "de""#, "renewal_date between today - 90 days and today + 90 days", "-(-5) < seats",
            "arr + 1000 >= 250000", "renewal_date - customer_since > 3000", "renewal_date < today + 90 days",
            "customer_since <= 2020-06-30", "renewal_date = customer_since", "nps != health", "nps = null",
            #"region in ("EMEA", "APAC")"#, #"tier not in ("strategic")"#, #"region = "AMER""#, #"name like "%a%""#, #"name not like "%BANK%""#, #"name like "k%""#, #"name like "%inc.""#, #"name like "o%a%n%""#, #"name like "_r%""#, #"country like "de""#,
            #"owner.region = "EMEA""#, "count(contacts) >= 3", "employees * employees > 1000000", "arr * 9223372036854775 > 0",
            "seats_used * 10 >= seats * 9", "nps + 3 = health - 2", "nps * 2 != seats", "seats - 5 < nps * 3", "nps * 1 = null", "health + 0 != null",
            "seats * 9223372036854775807 <= seats_used", "nps - 9223372036854775807 < 0", "1000 > seats * 40", "arr + 0 > 250000", "nps * -1 >= health - 100",
        ],
        "opportunities": [
            "amount > probability * 1000", "amount * 2 < 50k", "probability between 20 and 60", "close_date - created < 60",
            #"stage in ("proposal", "negotiation")"#, "amount is null", #"account.tier = "strategic""#, "-amount < -100k",
        ],
    ]

    func condition(_ text: String, on entity: String) throws -> (TExpr, Int) {
        let checker = Checker(Checker.Context(store: Self.store, today: Self.today, fiscalYearStart: 1, parameters: [:]))
        let (script, errors) = Parser.parse("\(entity) | where \(text)")
        #expect(errors.isEmpty, "\(text)")
        guard case .query(let p)? = script.statements.first?.kind else { throw Diagnostic(0..<0, "no query") }
        let checked = try checker.check(p)
        guard case .filter(let e)? = checked.stages.first else { throw Diagnostic(0..<0, "no filter") }
        return (e, checked.table)
    }

    @Test func batchesMatchRowByRow() throws {
        var generator = RobustnessTests.SplitMix(state: 29)
        for (entity, terms) in Self.terms.sorted(by: { $0.key < $1.key }) {
            for round in 0..<150 {
                // Singles first, then random and/or/not combinations.
                var text = round < terms.count ? terms[round] : terms[Int(generator.next() % UInt64(terms.count))]
                if round >= terms.count {
                    for _ in 0..<Int(generator.next() % 3) {
                        let other = terms[Int(generator.next() % UInt64(terms.count))]
                        switch generator.next() % 3 {
                        case 0: text = "(\(text)) and (\(other))"
                        case 1: text = "(\(text)) or (\(other))"
                        default: text = "not ((\(text)) or (\(other)))"
                        }
                    }
                }
                let (e, table) = try condition(text, on: entity)
                let compiler = ExprCompiler(store: Self.store, source: .table(Self.store.tables[table]), fiscalYearStart: 1, today: Self.today)
                let rowByRow = compiler.predicate(e)
                let count = Self.store.tables[table].rowCount
                let expected = (0..<count).filter(rowByRow).map { Int32($0) }
                let narrow = VectorFilter(compiler: compiler).narrow(e)
                #expect(try Cancellation.never.filter(nil, count: count, batches: narrow) == expected, "\(entity): \(text)")
                // With row-independent parts computed first, as the planner runs checks.
                let folded = AccessPlanner(store: Self.store, compiler: compiler).foldConstants(e)
                #expect(try Cancellation.never.filter(nil, count: count, batches: VectorFilter(compiler: compiler).narrow(folded)) == expected, "\(entity): \(text), folded")
                // Over a selection that is not every row, in an order of its own.
                let some = (0..<Int32(count)).filter { $0 % 3 != 1 }.reversed().map { $0 }
                #expect(try Cancellation.never.filter(some, count: count, batches: narrow) == some.filter { rowByRow(Int($0)) }, "\(entity): \(text) on a selection")
            }
        }
    }

    /// Comparisons of stored numbers, money and dates, with arithmetic, get kernels (not the row closure).
    @Test func arithmeticGetsKernels() throws {
        for text in ["seats_used * 2 < seats + 10", "arr - 500k < 100k", "renewal_date - customer_since > 3000", "-nps > 10", "arr * 2 > 3m"] {
            let (e, table) = try condition(text, on: "accounts")
            let compiler = ExprCompiler(store: Self.store, source: .table(Self.store.tables[table]), fiscalYearStart: 1, today: Self.today)
            guard case .compare(let op, let a, let b) = e.kind else { Issue.record("\(text) is not a comparison"); continue }
            #expect(VectorFilter(compiler: compiler).comparison(op, a, b) != nil, "\(text)")
        }
        // `like` on a stored string with an ASCII pattern has one too.
        for text in [#"name like "%bank%""#, #"name not like "o%a%n%""#] {
            let (e, table) = try condition(text, on: "accounts")
            let compiler = ExprCompiler(store: Self.store, source: .table(Self.store.tables[table]), fiscalYearStart: 1, today: Self.today)
            guard case .like(let x, let pattern, let negated) = e.kind else { Issue.record("\(text) is not like"); continue }
            #expect(VectorFilter(compiler: compiler).like(x, pattern, negated: negated) != nil, "\(text)")
        }
        // A path through a relationship has none: it runs row by row.
        let (e, table) = try condition("owner.quota > 1m", on: "accounts")
        let compiler = ExprCompiler(store: Self.store, source: .table(Self.store.tables[table]), fiscalYearStart: 1, today: Self.today)
        guard case .compare(let op, let a, let b) = e.kind else { return }
        #expect(VectorFilter(compiler: compiler).comparison(op, a, b) == nil)
    }
}
