import Testing
@testable import FolioCore

/// The executor's shortcuts answer as the plain way does: each query runs once as written
/// (taking the shortcut) and once in a form that defeats it, and the answers must be equal.
@Suite struct ShortcutTests {
    let session = Fixtures.session()

    func same(_ fast: String, _ plain: String) {
        let a = Fixtures.run(fast, in: session, format: .csv)
        let b = Fixtures.run(plain, in: session, format: .csv)
        #expect(!a.hasPrefix("error"), "\(fast): \(a)")
        #expect(a == b, "\(fast)")
    }

    /// `select …, rank(…) as r | where r <= K`: ranks above K are not computed exactly.
    @Test(arguments: [
        "rank(health desc per region)", "rank(health per region)", "row_number(health desc per region)",
        "row_number(arr per tier)", "rank(nps desc)", "rank(nps)", "row_number(nps desc per owner.region)", "rank(health per owner.id)",
        "rank(customer_since desc per industry)", "rank(seats per status)",
    ])
    func boundedRanks(_ analytic: String) {
        for k in [0, 1, 2, 5, 40] {
            let tail = "| sort r, name, id | select id, name, r"
            same("accounts | where status != \"churned\" | select id, name, \(analytic) as r | where r <= \(k) \(tail)",
                 "accounts | where status != \"churned\" | select id, name, \(analytic) as r | where r + 0 <= \(k) \(tail)")
            same("accounts | select id, name, \(analytic) as r | where r < \(k) and name != \"x\" \(tail)",
                 "accounts | select id, name, \(analytic) as r | where not (r >= \(k)) and name != \"x\" \(tail)")
        }
    }

    /// `select … | sort … | limit N` on a table's rows: only the first N are projected.
    @Test(arguments: [
        "select id, arr + sum(descendants.arr) as g | sort g desc, id | limit 5",
        "select id, name, health * 2 as h | sort h, name | limit 7 offset 3",
        "select id, arr as a | sort a desc | limit 3",
        "select name, count(opportunities) as n | sort n desc, name | limit 4",
        "select id, nps as n | sort n nulls first, id | limit 6",
        "select id, rank(arr desc per region) as r | sort r, id | limit 9",
    ])
    func lateProjection(_ stages: String) {
        same("accounts | where tier != \"standard\" | \(stages)", "accounts | where tier != \"standard\" | \(stages.replacingOccurrences(of: " | sort", with: " | where true | sort"))")
    }

    /// Whole-number sort keys read as integers (``ExprCompiler/integer(_:)``) order as their
    /// values do: `* 1` sends the same key through ``Value``.
    @Test(arguments: [
        "arr + sum(descendants.arr)", "seats - seats_used", "count(opportunities) + count(contacts)",
        "sum(opportunities.amount) - arr", "nps + 1", "employees - 100 + seats", "sum(children.arr)",
        "count(opportunities[stage = \"closed_won\"]) - count(contacts[role = \"champion\"])",
        "sum(opportunities[stage = \"closed_won\"].amount) + arr - arr",
    ])
    func integerSortKeys(_ key: String) {
        for order in ["desc", "", "nulls first"] {
            for tail in ["| limit 7", "| limit 300", ""] {
                same("accounts | sort \(key) \(order), id \(tail) | select id",
                     "accounts | sort (\(key)) * 1 \(order), id \(tail) | select id")
                same("accounts | where tier != \"standard\" | select id, \(key) as k | sort k \(order), id \(tail)",
                     "accounts | where tier != \"standard\" | select id, (\(key)) * 1 as k | sort k \(order), id \(tail)")
            }
            // The first few by a bounded heap (its first key compared inline, ties by the
            // rest) against the first few of the whole order.
            for n in [1, 7, 40] {
                same("accounts | sort \(key) \(order), name desc, id | limit \(n) | select id",
                     "accounts | sort \(key) \(order), name desc, id | limit 400 | where id != \"\" | limit \(n) | select id")
            }
        }
    }

    /// `parent_id is null`, a foreign key whose text is derived from its links, tested on
    /// the links (in batches and row by row) as the relationship itself is.
    @Test(arguments: ["accounts", "opportunities", "contacts"])
    func nullTestsOnDerivedKeys(_ entity: String) {
        let (key, relationship) = entity == "accounts" ? ("parent_id", "parent") : ("account_id", "account")
        for negated in ["", "not "] {
            same("\(entity) | where \(key) is \(negated)null | select id",
                 "\(entity) | where \(relationship) is \(negated)null | select id")
            same("\(entity) | where \(key) is \(negated)null or id = \"x\" | select id",
                 "\(entity) | where lower(\(key)) is \(negated)null or id = \"x\" | select id")
        }
        same("accounts | select id, count(children[parent_id is null]) as a, count(children[parent_id is not null]) as b",
             "accounts | select id, count(children[parent is null]) as a, count(children[parent is not null]) as b")
    }
}
