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
}
