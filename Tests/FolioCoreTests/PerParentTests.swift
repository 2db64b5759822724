import Foundation
import Testing
@testable import FolioCore

/// Aggregates over collections computed for every parent at once (``PerParent``) answer as
/// walking each row's collection does: every form, on portfolios of several sizes, compared
/// row by row between the two strategies.
@Suite struct PerParentTests {
    static let forms: [(entity: String, expr: String)] = [
        ("accounts", "count(opportunities[stage = \"closed_won\"])"),
        ("accounts", "exists(opportunities[stage = \"closed_won\"])"),
        ("accounts", "count(contacts[role = \"champion\"])"),
        ("accounts", "sum(opportunities[stage not in (\"closed_won\", \"closed_lost\")].amount)"),
        ("accounts", "avg(opportunities.amount)"),
        ("accounts", "avg(opportunities.probability)"),
        ("accounts", "min(opportunities.close_date)"),
        ("accounts", "max(opportunities[type = \"upsell\"].amount)"),
        ("accounts", "count(opportunities.close_date)"),
        ("accounts", "count(contacts.phone)"),
        ("accounts", "count(opportunities.stage)"),
        ("accounts", "count(descendants)"),
        ("accounts", "count(descendants[status = \"churned\"])"),
        ("accounts", "sum(descendants.arr)"),
        ("accounts", "avg(descendants.arr)"),
        ("accounts", "sum(descendants[status = \"active\"].arr)"),
        ("accounts", "count(descendants.nps)"),
        ("accounts", "sum(descendants.seats)"),
        ("accounts", "max(descendants.health)"),
        ("accounts", "min(ancestors.health)"),
        ("accounts", "sum(ancestors.arr)"),
        ("accounts", "count(ancestors[tier = \"strategic\"])"),
        ("accounts", "count(descendants.opportunities[stage = \"closed_won\"])"),
        ("accounts", "sum(children.opportunities.amount)"),
        ("accounts", "count(contacts[role = \"champion\"].activities[kind = \"qbr\"])"),
        ("accounts", "exists(contacts[is_primary].activities)"),
        ("accounts", "sum(parent.children.arr)"),
        ("accounts", "count(opportunities[count(account.contacts) > 2])"),
        ("managers", "count(team.opportunities[stage = \"closed_won\"])"),
        ("managers", "sum(team.accounts.arr)"),
        ("managers", "sum(accounts[status = \"active\"].opportunities[stage = \"closed_won\"].amount)"),
        ("managers", "count(descendants)"),
        ("managers", "sum(descendants.accounts.arr)"),
        ("managers", "avg(team[level = \"senior\"].quota)"),
        ("managers", "max(accounts.contacts.last_contacted)"),
        ("contacts", "count(activities[outcome = \"positive\"])"),
        ("contacts", "sum(account.opportunities.amount)"),
    ]

    func store(accounts: Int) throws -> Store {
        try Loader.load(.memory(PortfolioGenerator(accounts: accounts, seed: 7).generateInMemory())).0
    }

    /// Every row's value of an expression, with the compiler told to expect `expected` rows.
    func values(_ expr: String, on entity: String, _ store: Store, expected: Int?) throws -> [Value] {
        let session = Session(store: store, today: store.asOf ?? 0)
        let (script, errors) = Parser.parse("\(entity) | select \(expr)")
        #expect(errors.isEmpty, "\(errors)")
        guard case .query(let pipeline)? = script.statements.first?.kind else { return [] }
        let checked = try Checker(session.checkContext).check(pipeline)
        guard case .project(let items)? = checked.stages.first, let table = store.table(entity) else { return [] }
        var compiler = ExprCompiler(store: store, source: .table(table), fiscalYearStart: 2, today: session.today)
        compiler.expectedRows = expected
        compiler.atOnceFrom = 0
        let f = compiler.value(items[0].expr)
        return (0..<table.rowCount).map(f)
    }

    @Test(arguments: [60, 700, 3000])
    func bothStrategiesAgree(accounts: Int) throws {
        let store = try store(accounts: accounts)
        for form in Self.forms {
            let rows = try #require(store.table(form.entity)).rowCount
            let walked = try values(form.expr, on: form.entity, store, expected: nil)
            let all = try values(form.expr, on: form.entity, store, expected: rows)
            #expect(walked.count == all.count)
            let differing = zip(walked, all).enumerated().filter { !Value.equal($1.0, $1.1) || $1.0.isNull != $1.1.isNull }
            #expect(differing.isEmpty, "\(form.entity) | select \(form.expr): \(differing.prefix(3).map { "row \($0.offset): walked \($0.element.0), at once \($0.element.1)" })")
        }
    }

    @Test func theFormsAreComputedAtOnce() throws {
        let store = try store(accounts: 60)
        // Forms a walk is needed for: a row reachable twice, a median.
        let ref = { (text: String, entity: String) throws -> (Aggregate, CollectionRef, TExpr?)? in
            let session = Session(store: store, today: 0)
            guard case .query(let p)? = Parser.parse("\(entity) | select \(text)").0.statements.first?.kind,
                  case .project(let items)? = try Checker(session.checkContext).check(p).stages.first,
                  case .collectionAggregate(let f, let r, let field) = items[0].expr.kind else { return nil }
            return (f, r, field)
        }
        for form in Self.forms {
            let (f, r, field) = try #require(try ref(form.expr, form.entity))
            #expect(PerParent.isCovered(f, r, field), "\(form.expr)")
            let table = try #require(store.table(form.entity))
            var compiler = ExprCompiler(store: store, source: .table(table), fiscalYearStart: 2, today: 0)
            compiler.expectedRows = table.rowCount
            compiler.atOnceFrom = 0
            #expect(compiler.perParent(f, r, field, type: .int) != nil, "\(form.expr) is walked")
        }
        for text in ["count(accounts.owner.accounts)", "median(accounts.arr)", "count(team.ancestors)"] {
            let (f, r, field) = try #require(try ref(text, "managers"))
            #expect(!PerParent.isCovered(f, r, field), "\(text)")
        }
    }
    /// A sum over a hierarchy that overflows is null for the rows whose subtrees overflow and
    /// exact for the rest, computed at once as walked (the prefix sums give way to the walk).
    @Test func overflowingSumsOverDescendants() throws {
        let managers = "id,name,email,role,level,region,lead_id,quota\nM1,Ann,ann@x.com,key,senior,EMEA,,100000\n"
        let accounts = "id,name,owner_id,arr,parent_id\nA1,a,M1,60000000000000000,\nA2,b,M1,60000000000000000,A1\n"
            + "A3,c,M1,60000000000000000,A2\nA4,d,M1,5,A1\nA5,e,M1,7,\nA6,f,M1,,A5\n"
        let files = ["managers.csv": Array(managers.utf8), "accounts.csv": Array(accounts.utf8)]
        let store = try Loader.load(.memory(files)).0
        for form in ["sum(descendants.arr)", "avg(descendants.arr)", "count(descendants.arr)", "sum(descendants[arr < 10].arr)"] {
            let walked = try values(form, on: "accounts", store, expected: nil)
            let all = try values(form, on: "accounts", store, expected: 6)
            #expect(walked.map { String(describing: $0) } == all.map { String(describing: $0) }, "\(form)")
        }
        // A subtree whose total overflows though no prefix sum over the preorder does (a
        // negative row comes first).
        let seats = "id,name,owner_id,seats,parent_id\nA1,a,M1,-5,\nA2,b,M1,,\nA3,c,M1,9223372036854775806,A2\nA4,d,M1,3,A2\n"
        let negative = try Loader.load(.memory(["managers.csv": Array(managers.utf8), "accounts.csv": Array(seats.utf8)])).0
        let rolled = try values("sum(descendants.seats)", on: "accounts", negative, expected: 4)
        let walkedRolled = try values("sum(descendants.seats)", on: "accounts", negative, expected: nil)
        #expect(rolled.map { String(describing: $0) } == walkedRolled.map { String(describing: $0) })
        #expect(String(describing: rolled[1]) == String(describing: Value.null))
        let sums = try values("sum(descendants.arr)", on: "accounts", store, expected: 6)
        #expect(sums.map { String(describing: $0) } == [Value.null, .money(6_000_000_000_000_000_000), .money(0), .money(0), .money(0), .money(0)].map { String(describing: $0) })
    }
}
