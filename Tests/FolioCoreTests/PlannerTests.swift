import Testing
@testable import FolioCore

/// Whatever access path the planner picks (postings, a sorted-index range, an id lookup,
/// intersections, a count read from the index), a `where` keeps exactly the rows a full scan
/// keeps. `(…) or false` is one term no index answers, so it is the full scan to compare with.
@Suite struct PlannerTests {
    static let terms: [String: [String]] = [
        "opportunities": [
            #"stage = "negotiation""#, #"stage != "closed_won""#, #"stage in ("proposal", "negotiation")"#,
            #"stage not in ("closed_won", "closed_lost")"#, #"stage < "proposal""#, #"stage >= "negotiation""#,
            "stage is null", "stage is not null", #"type = "renewal""#, "amount > 100k", "amount <= 5000", "amount = 12000",
            "amount between 10k and 50k", "probability < 30", "probability >= 70", "probability = 50",
            "close_date in next 90 days", "close_date < today - 30 days", "close_date >= 2026-01-01", "created in last quarter",
            #"account.region = "EMEA""#, "amount > probability * 1000", "close_date not in this year", "stage = null",
            #"(stage = "negotiation" or amount > 500k)"#, #"(stage = "closed_won" or stage = "closed_lost" or probability = 50)"#,
            "(probability < 10 or close_date in next 30 days)", #"(type = "renewal" or account.region = "EMEA")"#,
            #"account_id = "A0000002""#, #"account_id = "a0000044""#, #"account_id = "nobody""#, #"account_id in ("A0000002", "a0000061")"#,
            #"(account_id = "A0000044" or amount > 500k)"#, #"owner_id != "M00001""#,
        ],
        "accounts": [
            #"region = "EMEA""#, #"tier != "strategic""#, "health < 50", "health is null", "arr > 1m", "arr < 0",
            "renewal_date in next 180 days", #"id = "A0000044""#, #"id = "a0000045""#, "employees between 100 and 1000",
            #"industry in ("financial_services", "retail")"#, "nps >= 50", "seats_used > seats", "customer_since <= 2020-06-30",
            #"exists(opportunities[stage = "negotiation"])"#, #"exists(contacts[role = "champion" and is_primary])"#,
            "exists(opportunities[amount > 500k and close_date in next 90 days])", #"not exists(opportunities[stage = "closed_won"])"#,
            "count(contacts) >= 5", "exists(contacts)", "count(opportunities) = 0", #"exists(opportunities[name like "%a%"])"#,
            #"(tier = "strategic" or health < 10)"#, #"(id = "A0000001" or id = "a0000002")"#,
            #"(exists(opportunities[stage = "negotiation"]) or arr > 1m)"#, #"name = "ORION BANK & CO.""#, #"name = "kraków utilities, inc.""#,
            #"name in ("orion bank & co.", "Bluepeak Utilities Oy", "nobody")"#, #"(name = "KRAKÓW UTILITIES, INC." or health < 20)"#,
        ],
        "contacts": [
            "is_primary", "not is_primary", "is_primary = false", "is_primary != true", "last_contacted is null",
            #"account_id = "A0000002""#, #"account_id = "A0000461""#, #"account_id is null"#,
            #"role = "champion""#, #"role != "champion""#, #"email = "MINH.PHAM@krakow-utilities.co.kr""#, #"name = "minh phạm""#, "last_contacted < today - 60 days", #"name like "%an%""#,
        ],
    ]

    func output(_ query: String) -> String {
        Fixtures.run(query, in: Fixtures.session(), format: .csv)
    }

    @Test func plannedMatchesFullScan() {
        var generator = RobustnessTests.SplitMix(state: 17)
        for (entity, terms) in Self.terms.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<120 {
                let n = 1 + Int(generator.next() % 3)
                let chosen = (0..<n).map { _ in terms[Int(generator.next() % UInt64(terms.count))] }
                let condition = chosen.joined(separator: " and ")
                let scan = output("\(entity) | where (\(condition)) or false | select id")
                #expect(!scan.hasPrefix("error"), "\(condition): \(scan)")
                #expect(output("\(entity) | where \(condition) | select id") == scan, "\(entity): \(condition)")
                #expect(output("\(entity) | where \(condition) | count") == output("\(entity) | where (\(condition)) or false | count"), "\(entity): \(condition) | count")
                // The second term on rows a first `where` narrowed (and reordered).
                let split = chosen.dropFirst().map { " | where \($0)" }.joined()
                #expect(output("\(entity) | sort id desc | where \(chosen[0])\(split) | select id")
                        == output("\(entity) | sort id desc | where (\(condition)) or false | select id"), "\(entity): \(condition), split")
            }
        }
    }

    /// `sort … | limit` and `top` walk a sorted index when the first key is an indexed column;
    /// `KEY + 0` is the same key computed, which takes the bounded heap instead.
    @Test(arguments: [
        ("opportunities", "sort amount desc | limit 10", "sort amount + 0 desc | limit 10"),
        ("opportunities", "sort probability, close_date desc | limit 25 offset 3", "sort probability + 0, close_date desc | limit 25 offset 3"),
        ("opportunities", "sort probability desc nulls first | limit 7", "sort probability + 0 desc nulls first | limit 7"),
        ("opportunities", "top 12 by probability", "top 12 by probability + 0"),
        ("opportunities", "top 5 by close_date asc", "top 5 by close_date + 0 days asc"),
        ("opportunities", #"where stage != "closed_lost" | top 9 by amount"#, #"where stage != "closed_lost" | top 9 by amount + 0"#),
        ("opportunities", #"where stage = "closed_lost" | top 9 by amount"#, #"where stage = "closed_lost" | top 9 by amount + 0"#),
        ("opportunities", "sort id desc | top 4 by amount", "sort id desc | top 4 by amount + 0"),
        ("accounts", "sort health | limit 3000", "sort health + 0 | limit 3000"),
        ("accounts", "sort health desc | limit 0", "sort health + 0 desc | limit 0"),
        ("accounts", "top 3 by renewal_date asc", "top 3 by renewal_date + 0 days asc"),
        ("accounts", "where arr > 1m | sort arr | limit 1000", "where arr > 1m | sort arr + 0 | limit 1000"),
    ])
    func indexedOrderMatchesHeap(entity: String, indexed: String, heap: String) {
        let a = output("\(entity) | \(indexed) | select id")
        #expect(!a.hasPrefix("error"), "\(a)")
        #expect(a == output("\(entity) | \(heap) | select id"))
    }

    /// `top … per` finds groups by code for a picklist or foreign key and by hashing otherwise
    /// (`coalesce(k, k)` is the same key, computed); both give the same rows in the same order,
    /// and a count after it is the same whether or not the groups are put in order.
    @Test(arguments: [
        ("opportunities", "top 1 by amount per account_id"),
        ("opportunities", "top 2 by close_date asc per stage"),
        ("opportunities", "top 3 by probability per account.region"),
        ("contacts", "top 1 by last_contacted per account_id"),
        ("activities", "top 2 by date per kind"),
        ("accounts", "top 2 by arr per country"),
        ("opportunities", "top 1 by amount asc per type"),
        ("accounts", "top 1 by renewal_date asc per owner.region"),
    ])
    func topPerGroupPaths(entity: String, stage: String) {
        let dense = output("\(entity) | \(stage) | select id")
        let (head, per) = (stage.components(separatedBy: " per ")[0], stage.components(separatedBy: " per ")[1])
        #expect(dense == output("\(entity) | \(head) per coalesce(\(per), \(per)) | select id"))
        let lines = dense.split(separator: "\n").count - 1
        #expect(output("\(entity) | \(stage) | count") == "count\n\(lines)\n")
        #expect(output("\(entity) | \(stage) | where id like \"%1%\" | count")
                == output("\(entity) | \(stage) | where id like \"%1%\" | select id | count"))
    }

    /// A long filter runs a slice per core and joins them in order, as one thread would.
    @Test func parallelFilterKeepsOrder() throws {
        let n = Cancellation.parallelThreshold * 3 + 17
        let keep: (Int) -> Bool = { $0 % 7 == 3 || $0 % 1000 == 999 }
        let serial = (0..<n).filter(keep).map { Int32($0) }
        #expect(try Cancellation.never.filter(nil, count: n, keep) == serial)
        let rows = Array((0..<Int32(n)).reversed())
        let parallel = try Cancellation.never.filter(rows, count: n, keep)
        #expect(parallel == rows.filter { keep(Int($0)) })
        #expect(serial.count > n / 7)
        let stopped = Cancellation { true }
        #expect(throws: Interrupted.self) { try stopped.filter(nil, count: n, keep) }
    }

    @Test func sortedIndexOrdersValuesAndKeepsTiesInRowOrder() {
        let values: [Int64] = [5, Column.nullInt, -3, 5, 1 << 40, 0, -3, Column.nullInt, 5]
        let index = SortedIndex.build(StoreArray(values), null: Column.nullInt)
        #expect(index.order == [2, 6, 5, 0, 3, 8, 4])
        #expect(index.distinct == 4)
        let dates: [Int32] = [20, 10, Day.null, 10, 30]
        let d = SortedIndex.build(StoreArray(dates), null: Day.null)
        #expect(d.order == [1, 3, 0, 4])
        #expect(d.positions(lo: 10, hi: 20) { Int64(dates[$0]) } == 0..<3)
        #expect(d.positions(lo: 21, hi: nil) { Int64(dates[$0]) } == 3..<4)
        #expect(d.positions(lo: 31, hi: nil) { Int64(dates[$0]) }.isEmpty)
        // Spans from 2^20 to 2^32 take the radix sort (a byte per pass), stable too.
        let cents: [Int64] = [3_000_000, 5, 3_000_000, 1_000_000, Column.nullInt, 5, 70_000_000]
        let r = SortedIndex.build(StoreArray(cents), null: Column.nullInt)
        #expect(r.order == [1, 5, 3, 0, 2, 6])
        #expect(r.distinct == 4)
        // A span too wide for the radix sort goes through the comparison sort.
        let wide: [Int64] = [Int64.max, 0, Int64.min + 1, 0]
        #expect(SortedIndex.build(StoreArray(wide), null: Column.nullInt).order == [2, 1, 3, 0])
    }

    @Test func postingsHoldNullsInSlotZero() throws {
        let t = try #require(Fixtures.sampleStore.table("opportunities"))
        let field = try #require(t.def.fieldIndex("stage"))
        let p = try #require(t.indexes.postings[field])
        #expect(Int(p.offsets.last!) == t.rowCount)
        guard case .enumeration(let column) = t.columns[field] else { Issue.record("stage is not a picklist"); return }
        for slot in 0..<(p.offsets.count - 1) {
            let rows = p.rows[Int(p.offsets[slot])..<Int(p.offsets[slot + 1])]
            #expect(rows.allSatisfy { column.codes[Int($0)] + 1 == Int32(slot) })
            #expect(rows.sorted() == Array(rows))
        }
    }
}

