import Foundation
import Testing
@testable import FolioCore

/// Bad input of every kind gets an answer or a message, never a crash or a trap: thousands of
/// random queries built from folio's own vocabulary, random bytes, and damaged data files.
@Suite struct RobustnessTests {
    /// A small deterministic generator, so that a failure reproduces.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
    }

    static let vocabulary = [
        "accounts", "contacts", "opportunities", "managers", "activities", "|", "where", "select", "sort", "limit", "top", "by",
        "count", "group", "aggregate", "distinct", "chart", "per", "offset", "asc", "desc", "nulls", "first", "last", "next", "this",
        "fiscal", "quarter", "year", "month", "week", "days", "and", "or", "not", "in", "like", "between", "is", "null", "has", "any",
        "all", "as", "let", "explain", "today", "true", "false", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/",
        "(", ")", "[", "]", ",", ".", ";", "\n", "health", "arr", "name", "region", "stage", "owner", "account", "parent", "products",
        "renewal_date", "close_date", "amount", "seats", "seats_used", "nps", "id", "lead", "opportunities", "contacts", "\"EMEA\"",
        "\"closed_won\"", "'x'", "\"%a%\"", "0", "1", "-1", "50", "1.5", "250k", "1.2m", "9223372036854775807", "2026-06-15",
        "2026-02-30", "90 days", "$p", "lower(", "round(", "coalesce(", "if(", "start_of(", "days_since(", "year(", "sum(",
        "\"week\"", "`Annual Revenue`", "#c", "--c", "\"unterminated", "`open", "€", "!",
    ]

    @Test func randomQueriesNeverCrash() {
        var rng = SplitMix(state: 20_260_615)
        let session = Fixtures.session()
        session.parameters = ["p": .int(5)]
        var answered = 0, refused = 0
        let fields = ["health", "arr", "nps", "seats", "seats_used", "employees", "renewal_date", "customer_since", "name", "region",
                      "tier", "status", "products", "owner.name", "owner.quota", "parent.arr", "parent.parent.health", "country"]
        let values = ["50", "0", "-1", "250k", "1.5", "null", "\"EMEA\"", "\"strategic\"", "\"x\"", "today", "today - 30 days",
                      "2026-01-01", "true", "$p", "health", "arr / seats", "length(products)", "lower(name)"]
        let ops = ["=", "!=", "<", "<=", ">", ">=", "like", "has", "in (1, 2)", "between 1 and", "is null", "is not null", "in next 90 days"]
        for i in 0..<3000 {
            var words: [String] = ["accounts", "|"]
            if i % 2 == 0 {
                // Shaped like a query, with random parts: many run, many are type errors.
                words += ["where", rng.pick(fields), rng.pick(ops), rng.pick(values), rng.pick(["and", "or"]), rng.pick(fields), rng.pick(ops), rng.pick(values)]
                words += ["|", rng.pick(["sort", "top 3 by", "select"]), rng.pick(fields) + rng.pick(["", " desc", " + 1", " * 2"])]
                if rng.next() % 2 == 0 { words += ["|", "limit", rng.pick(["0", "1", "5", "1000"])] }
            } else {
                for _ in 0..<(1 + Int(rng.next() % 14)) { words.append(rng.pick(Self.vocabulary)) }
            }
            for outcome in session.run(words.joined(separator: " ")) {
                if case .error = outcome { refused += 1 } else { answered += 1 }
            }
        }
        #expect(answered > 20)
        #expect(refused > 50)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix(state: 7)
        let session = Fixtures.session()
        for _ in 0..<500 {
            let bytes = (0..<Int(rng.next() % 60)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = session.run(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func extremeNumbersNeverTrap() {
        let session = Fixtures.session()
        for q in [
            "accounts | select 9223372036854775807 + 1, -9223372036854775807 - 2, 9223372036854775807 * 2",
            "accounts | select arr * 9223372036854775807, arr + 92233720368547758, arr * 1e300",
            "accounts | select today + 9223372036854775807, today + 2000000000 days, today - 99999999 years",
            "accounts | select round(1e300, 10), floor(1e300), ceil(-1e300), abs(-9223372036854775807 - 1)",
            "accounts | limit 9223372036854775807 offset 9223372036854775807",
            "accounts | top 9223372036854775807 by arr",
            "accounts | where arr > 99999999999999999999",
            "accounts | select 1 / 0, 0 / 0, -1 / 0, arr / 0",
        ] {
            for outcome in session.run(q) { _ = outcome }
        }
    }

    @Test func damagedDataFilesNeverCrash() {
        let good = PortfolioGenerator(accounts: 30, seed: 1).generateInMemory()
        var rng = SplitMix(state: 99)
        for round in 0..<150 {
            var files = good
            let name = rng.pick(["accounts.csv", "contacts.csv", "opportunities.csv", "managers.csv", "activities.csv"])
            guard var bytes = files[name], !bytes.isEmpty else { continue }
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes[at] = rng.pick([34, 44, 10, 13, 0xFF, 0xC3, 59, 48, 32])
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(rng.pick([34, 44, 10]), at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 200)))
                }
            }
            files[name] = bytes
            for lenient in [false, true] {
                do {
                    _ = try Loader.load(.memory(files), lenient: lenient, chunkBytes: round % 2 == 0 ? 64 : 1 << 20)
                } catch {
                    #expect(error.description.contains(": error: "))
                }
            }
        }
    }
}
