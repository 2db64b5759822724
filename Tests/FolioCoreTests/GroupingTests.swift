import Testing
@testable import FolioCore

/// Grouping by one picklist, boolean or foreign-key column (found by code in an array) gives what the
/// general path (hashing key values) gives.
@Suite struct GroupingTests {
    func frame(_ query: String) throws -> Frame {
        let outcomes = Fixtures.session().run(query)
        guard case .result(let f, _)? = outcomes.last else {
            Issue.record("\(query): \(outcomes)")
            return Frame(columns: [], values: [])
        }
        return f
    }

    @Test(arguments: [
        ("opportunities", "stage", "sum(amount), count(), avg(probability)"),
        ("opportunities", "account.region", "count(), max(amount)"),
        ("activities", "contact.role", "count()"),
        ("contacts", "is_primary", "count(), min(last_contacted)"),
        ("accounts", "parent.tier", "count(), sum(arr)"),
        ("accounts", "owner.lead.region", "count()"),
        ("opportunities", "account_id", "count(), sum(amount)"),
        ("activities", "contact_id", "count()"),
        ("accounts", "parent_id", "count()"),
        ("contacts", "account.owner_id", "count()"),
    ])
    func denseMatchesGeneral(entity: String, key: String, aggregates: String) throws {
        let dense = try frame("\(entity) | group by \(key) aggregate \(aggregates)")
        // A second, constant key sends the same grouping down the general path.
        let general = try frame("\(entity) | group by \(key), 1 as one aggregate \(aggregates)")
        #expect(dense.rowCount > 1)
        #expect(dense.values[0].map(ValueFormat.plain) == general.values[0].map(ValueFormat.plain))
        for c in 1..<dense.values.count {
            #expect(dense.values[c].map(ValueFormat.plain) == general.values[c + 1].map(ValueFormat.plain), "column \(dense.columns[c].name)")
        }
    }

    /// Mostly distinct keys (past the first 4,096 rows, room is made for every row's group):
    /// one key hashed as itself gives what two keys hashed as an array give.
    @Test(arguments: ["id", "subject", "date", "account.name", "contact.email"])
    func distinctKeysMatchGeneral(_ key: String) throws {
        let (store, _) = try Loader.load(.memory(PortfolioGenerator(accounts: 1500, seed: 4).generateInMemory()))
        let session = Session(store: store, today: store.asOf ?? 0)
        func frame(_ q: String) -> Frame? {
            if case .result(let f, _)? = session.run(q).last { return f }
            return nil
        }
        let one = try #require(frame("activities | group by \(key) aggregate count() as n, min(date) as d"))
        let two = try #require(frame("activities | group by \(key), 1 as one aggregate count() as n, min(date) as d"))
        #expect(store.table("activities")!.rowCount > 8192 && one.rowCount > 1)
        #expect(one.values[0].map(ValueFormat.plain) == two.values[0].map(ValueFormat.plain))
        #expect(one.values[1].map(ValueFormat.plain) == two.values[2].map(ValueFormat.plain))
        #expect(one.values[2].map(ValueFormat.plain) == two.values[3].map(ValueFormat.plain))
    }

    /// The typed loops split long inputs into a part per core; merged, they give what one pass
    /// gives (ties of min and max keep the earliest row).
    @Test func typedLoopsMergePartsInRowOrder() {
        var rng = RobustnessTests.SplitMix(state: 5)
        let n = Cancellation.parallelThreshold * 2 + 11
        let values: [Int64] = (0..<n).map { _ in rng.next() % 10 == 0 ? Column.nullInt : Int64(rng.next() % 1000) - 500 }
        let slots: [Int32] = (0..<n).map { _ in Int32(rng.next() % 6) }
        let rows = Array(0..<Int32(n))
        let argument = Grouper.TypedArgument.integers(StoreArray(values), null: Column.nullInt, reader: { .int(Int64($0)) })
        for function in [Aggregate.count, .sum, .min, .max] {
            let got = Grouper.typedLoop(rows, slots, slotCount: 6, argument, function)
            for s in 0..<6 {
                let mine = (0..<n).filter { slots[$0] == s && values[$0] != Column.nullInt }
                #expect(got[s].count == Int64(mine.count))
                switch function {
                case .sum: #expect(got[s].integerSum == mine.reduce(0) { $0 + values[$1] })
                case .min: #expect(got[s].best == .int(Int64(mine.min { values[$0] < values[$1] }!)), "the first row with the least value")
                case .max: #expect(got[s].best == .int(Int64(mine.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }!)))
                default: break
                }
            }
        }
    }
}
