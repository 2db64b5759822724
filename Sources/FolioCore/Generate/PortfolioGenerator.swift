import CSafety
import Foundation

/// A deterministic synthetic portfolio: managers, accounts, contacts, opportunities and
/// activities, written in folio's CSV format (SPEC §2–3) plus a `folio.json`.
///
/// The same `(accounts, seed, asOf, fiscalYearStart)` always yields byte-identical files,
/// whichever way they are produced: `generateInMemory()` and `write(to:)` drive one shared
/// emitter that writes into byte sinks. Randomness comes from a private SplitMix64 stream
/// per account (never Swift's `random` or `Hasher`), money is integer cents and dates are
/// day numbers, all formatted with integer arithmetic.
///
/// Shape of the data (for 1 account in N):
/// - managers: `max(8, accounts / 40)`; a few heads (no lead), team leads reporting to a
///   head of their region, members reporting to a lead of their region.
/// - accounts: ~15 % are subsidiaries of an earlier account (at most 2 levels below a root);
///   mostly `active`, some `churned` (arr 0, seats_used 0, renewal in the past) and
///   `prospect` (no arr, seats, products, health, nps, customer_since or renewal).
/// - contacts: 1–8 per account (≈4), exactly one primary each.
/// - opportunities: ≈5 per account; renewals of active customers close on the renewal date.
/// - activities: ≈8 per account; a contact-linked activity never postdates that contact's
///   `last_contacted`.
public struct PortfolioGenerator: Sendable {
    public let accounts: Int
    public let seed: UInt64
    public let asOf: String            // "2026-06-15" default
    public let fiscalYearStart: Int    // 2 default

    public init(accounts: Int, seed: UInt64 = 42, asOf: String = "2026-06-15", fiscalYearStart: Int = 2) {
        self.accounts = max(0, accounts)
        self.seed = seed
        self.asOf = asOf
        self.fiscalYearStart = fiscalYearStart
    }

    /// All files in memory: "folio.json", "managers.csv", "accounts.csv", "contacts.csv", "opportunities.csv", "activities.csv".
    public func generateInMemory() -> [String: [UInt8]] {
        let sinks = makeEmitter().run(handles: nil)
        var out: [String: [UInt8]] = [:]
        for (name, sink) in zip(Self.fileNames, sinks) {
            out[name] = sink.bytes
        }
        return out
    }

    /// Streams the same bytes to files in `directory` (creating it), each written to a temporary
    /// file in that directory and renamed into place (atomic). Buffers are flushed every ~1 MiB.
    public func write(to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: nil)
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        let tag = "\(ProcessInfo.processInfo.processIdentifier)-\(seed)-\(accounts)"

        var temps: [String] = []
        var finals: [String] = []
        var handles: [FileHandle] = []
        var closed = false
        var slots: [Int32] = []
        defer { for slot in slots { folio_temporary_done(slot) } }
        func abandon() {
            if !closed {
                for h in handles { try? h.close() }
                closed = true
            }
            for path in temps { try? fm.removeItem(atPath: path) }
        }

        do {
            for name in Self.fileNames {
                let finalPath = base.appendingPathComponent(name).path
                let tempPath = base.appendingPathComponent(".\(name).\(tag).tmp").path
                slots.append(folio_temporary_begin(tempPath))
                guard fm.createFile(atPath: tempPath, contents: nil, attributes: nil) else {
                    throw WriteError(message: "cannot create \(tempPath)")
                }
                temps.append(tempPath)
                finals.append(finalPath)
                guard let handle = FileHandle(forWritingAtPath: tempPath) else {
                    throw WriteError(message: "cannot open \(tempPath) for writing")
                }
                handles.append(handle)
            }
        } catch {
            abandon()
            throw error
        }

        let sinks = makeEmitter().run(handles: handles)
        if let failure = sinks.lazy.compactMap({ $0.error }).first {
            abandon()
            throw failure
        }
        do {
            for h in handles { try h.close() }
            closed = true
        } catch {
            closed = true
            abandon()
            throw error
        }
        for (tempPath, finalPath) in zip(temps, finals) {
            if rename(tempPath, finalPath) != 0 {
                let code = errno
                abandon()
                throw WriteError(message: "cannot rename \(tempPath) to \(finalPath) (errno \(code))")
            }
        }
    }

    static let fileNames = ["folio.json", "managers.csv", "accounts.csv", "contacts.csv",
                            "opportunities.csv", "activities.csv"]

    private func makeEmitter() -> Emitter {
        let day = Civil.parse(asOf) ?? Civil.dayNumber(2026, 6, 15)
        let fy = (1...12).contains(fiscalYearStart) ? fiscalYearStart : 1
        return Emitter(accounts: accounts, seed: seed, asOfText: asOf, fiscalYearStartRaw: fiscalYearStart,
                       fiscalYearStart: fy, asOf: day, t: Tables.shared)
    }
}

// MARK: - Support types (nested to stay out of FolioCore's namespace)

extension PortfolioGenerator {
    struct WriteError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// SplitMix64.
    struct RNG {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }

        @inline(__always) mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return RNG.finalize(state)
        }

        @inline(__always) static func finalize(_ x: UInt64) -> UInt64 {
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Seed of an independent stream for (seed, index, salt).
        static func stream(_ seed: UInt64, _ index: Int, _ salt: UInt64) -> UInt64 {
            let a = finalize(seed &+ 0x51ED_2701_B1A3_C3D5)
            let b = finalize(UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 &+ salt)
            return finalize(a ^ b &+ salt &* 0xD6E8_FEB8_6659_FD93)
        }

        /// Uniform in 0..<n (n > 0), multiply-high reduction.
        @inline(__always) mutating func below(_ n: Int) -> Int {
            if n <= 1 { return 0 }
            return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
        }

        /// Uniform in lo...hi.
        @inline(__always) mutating func range(_ lo: Int, _ hi: Int) -> Int {
            hi <= lo ? lo : lo + below(hi - lo + 1)
        }

        @inline(__always) mutating func percent(_ p: Int) -> Bool { below(100) < p }

        /// lo...hi skewed towards lo (square of a uniform).
        @inline(__always) mutating func skewed(_ lo: Int, _ hi: Int) -> Int {
            let u = below(1000)
            return lo + (hi - lo) * u * u / 999_000
        }
    }

    struct Weights {
        let cumulative: [Int]
        let total: Int
        init(_ weights: [Int]) {
            var c: [Int] = []
            var s = 0
            for w in weights {
                s += max(0, w)
                c.append(s)
            }
            cumulative = c
            total = s
        }
        @inline(__always) func pick(_ r: inout RNG) -> Int {
            let x = r.below(total)
            var i = 0
            while i < cumulative.count - 1 && x >= cumulative[i] { i += 1 }
            return i
        }
    }

    /// A seeded bijection on 0..<domain: a 4-round Feistel network on 2·halfBits bits with
    /// cycle walking.
    struct Permutation {
        let domain: Int
        let halfBits: Int
        let keys: [UInt64]

        init(domain: Int, seed: UInt64) {
            self.domain = max(1, domain)
            var h = 1
            while (1 << (2 * h)) < self.domain { h += 1 }
            halfBits = h
            keys = (0..<4).map { RNG.stream(seed, $0, 0xFE15_7E1) }
        }

        func apply(_ x: Int) -> Int {
            let mask = (UInt64(1) << UInt64(halfBits)) - 1
            var v = UInt64(x)
            repeat {
                var l = v >> UInt64(halfBits)
                var r = v & mask
                for k in keys {
                    let f = RNG.finalize(r ^ k) & mask
                    (l, r) = (r, l ^ f)
                }
                v = (l << UInt64(halfBits)) | r
            } while v >= UInt64(domain)
            return Int(v)
        }
    }

    /// Proleptic Gregorian civil dates as day numbers (0 = 1970-01-01).
    enum Civil {
        static func dayNumber(_ year: Int, _ month: Int, _ day: Int) -> Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let mp = (month + 9) % 12
            let doy = (153 * mp + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return era * 146_097 + doe - 719_468
        }

        static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
            let y = yoe + era * 400
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let d = doy - (153 * mp + 2) / 5 + 1
            let m = mp < 10 ? mp + 3 : mp - 9
            return (m <= 2 ? y + 1 : y, m, d)
        }

        static func daysInMonth(_ year: Int, _ month: Int) -> Int {
            switch month {
            case 2:
                let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
                return leap ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }

        /// `YYYY-MM-DD` → day number, or nil.
        static func parse(_ text: String) -> Int? {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
                  (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else { return nil }
            return dayNumber(y, m, d)
        }

        /// The first anniversary of `since` (after its own year) falling on or after `bound`.
        static func anniversary(of since: Int, onOrAfter bound: Int) -> Int {
            let s = civil(since)
            var y = max(s.year + 1, civil(bound).year - 1)
            while true {
                let day = dayNumber(y, s.month, min(s.day, daysInMonth(y, s.month)))
                if day >= bound { return day }
                y += 1
            }
        }
    }

    /// Owns a sink's bytes (so the buffer is freed exactly once, whoever copies the sink).
    final class SinkStorage {
        var pointer: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity) }
        deinit { pointer.deallocate() }
    }

    /// A byte buffer that, when backed by a file, flushes itself every ~1 MiB. A struct held in
    /// local variables and passed `inout` (exclusivity checked statically), writing through a
    /// raw pointer it owns via `SinkStorage`.
    struct Sink {
        private let storage: SinkStorage
        private var p: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        private(set) var count = 0
        let handle: FileHandle?
        let limit: Int
        private(set) var error: (any Error)?

        init(handle: FileHandle?) {
            self.handle = handle
            limit = handle == nil ? Int.max : 1 << 20
            capacity = handle == nil ? 1 << 16 : (1 << 20) + (1 << 16)
            storage = SinkStorage(capacity: capacity)
            p = storage.pointer
        }

        /// Everything written so far (in-memory mode: the whole file).
        var bytes: [UInt8] { Array(UnsafeBufferPointer(start: p, count: count)) }

        @inline(__always) mutating func ensure(_ n: Int) {
            if count + n > capacity { grow(count + n) }
        }

        private mutating func grow(_ needed: Int) {
            var c = max(capacity, 64)
            while c < needed { c *= 2 }
            let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            fresh.update(from: p, count: count)
            p.deallocate()
            storage.pointer = fresh
            p = fresh
            capacity = c
        }

        mutating func flush() {
            guard let handle, count > 0 else { return }
            if error == nil {
                do { try handle.write(contentsOf: Data(bytes: p, count: count)) } catch { self.error = error }
            }
            count = 0
        }

        @inline(__always) mutating func endRow() {
            byte(10)
            if count >= limit { flush() }
        }

        @inline(__always) mutating func sep() { byte(44) }

        @inline(__always) mutating func byte(_ c: UInt8) {
            ensure(1)
            p[count] = c
            count += 1
        }

        @inline(__always) mutating func raw(_ bytes: [UInt8]) {
            let n = bytes.count
            ensure(n)
            let dst = p + count
            bytes.withUnsafeBufferPointer { src in
                if let base = src.baseAddress { dst.update(from: base, count: n) }
            }
            count += n
        }

        /// A CSV field: quoted only when it contains `,`, `"`, CR or LF (quotes doubled).
        mutating func csv(_ bytes: [UInt8]) {
            var quotes = 0
            var needs = false
            for c in bytes where c == 44 || c == 34 || c == 10 || c == 13 {
                needs = true
                if c == 34 { quotes += 1 }
            }
            if !needs {
                raw(bytes)
                return
            }
            ensure(bytes.count + quotes + 2)
            p[count] = 34
            count += 1
            for c in bytes {
                if c == 34 {
                    p[count] = 34
                    count += 1
                }
                p[count] = c
                count += 1
            }
            p[count] = 34
            count += 1
        }

        @inline(__always) static func digitCount(_ v: Int) -> Int {
            var digits = 1
            var p = 10
            while digits < 19 && v >= p {
                digits += 1
                p &*= 10
            }
            return digits
        }

        /// A non-negative integer as exactly `width` digits (zero-padded on the left).
        @inline(__always) mutating func digits(_ value: Int, _ width: Int) {
            ensure(width)
            var v = value
            var i = count + width - 1
            while i >= count {
                p[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
                i -= 1
            }
            count += width
        }

        mutating func int(_ value: Int) {
            if value < 0 {
                byte(45)
                let v = value == Int.min ? Int.max : -value
                digits(v, Sink.digitCount(v))
            } else {
                digits(value, Sink.digitCount(value))
            }
        }

        @inline(__always) mutating func padded(_ value: Int, _ width: Int) {
            let v = max(0, value)
            digits(v, max(width, Sink.digitCount(v)))
        }

        @inline(__always) mutating func id(_ prefix: UInt8, _ n: Int, _ width: Int) {
            byte(prefix)
            padded(n, width)
        }

        /// Integer cents: `125000` when whole, else exactly two decimals (`1250.50`).
        mutating func money(_ cents: Int) {
            var c = cents
            if c < 0 {
                byte(45)
                c = -c
            }
            int(c / 100)
            let frac = c % 100
            if frac != 0 {
                byte(46)
                digits(frac, 2)
            }
        }

        mutating func date(_ day: Int) {
            let d = Civil.civil(day)
            padded(d.year, 4)
            byte(45)
            digits(d.month, 2)
            byte(45)
            digits(d.day, 2)
        }
    }
}

// MARK: - Static tables

extension PortfolioGenerator {
    struct Country {
        let code: [UInt8]
        let region: Int
        let calling: [UInt8]
        let tld: [UInt8]
    }

    struct Stem {
        let name: [UInt8]
        let slug: [UInt8]
        let country: Int      // index into countries, or -1
    }

    struct Sector {
        let name: [UInt8]     // with leading space, or empty
        let slug: [UInt8]
        let industry: Int     // index into industries, or -1 (any)
    }

    struct Person {
        let name: [UInt8]
        let slug: [UInt8]
    }

    struct Tables {
        static let shared = Tables()

        // Enums, in schema order.
        let roles: [[UInt8]]
        let levels: [[UInt8]]
        let regions: [[UInt8]]
        let industries: [[UInt8]]
        let tiers: [[UInt8]]
        let statuses: [[UInt8]]
        let contactRoles: [[UInt8]]
        let oppTypes: [[UInt8]]
        let stages: [[UInt8]]
        let kinds: [[UInt8]]
        let outcomes: [[UInt8]]
        let products: [[UInt8]]
        let trueBytes: [UInt8]
        let falseBytes: [UInt8]

        let countries: [Country]
        let countriesByRegion: [[Int]]
        let countryWeightsByRegion: [Weights]
        let regionWeights = Weights([44, 30, 17, 9])
        let industryWeights = Weights([18, 16, 12, 10, 12, 9, 5, 8, 5, 5])
        let tierWeights = Weights([3, 10, 27, 60])
        let statusWeights = Weights([82, 8, 10])
        let productWeights = Weights([70, 85, 45, 40, 50, 30, 20, 35])
        let priceCents: [Int] = [360_00, 480_00, 600_00, 720_00, 900_00, 1_200_00, 1_500_00, 249_50, 412_75, 1_099_99]
        let priceWeights = Weights([14, 16, 16, 14, 12, 10, 6, 4, 4, 4])
        let usageWeights = Weights([12, 38, 35, 15])
        let contactRoleWeights = Weights([18, 18, 26, 30, 8])
        let recencyWeights = Weights([55, 30, 15])
        let oppTypeWeights = Weights([8, 36, 34, 22])
        let stageWeightsByStatus = [Weights([12, 13, 14, 13, 30, 18]),   // active
                                    Weights([10, 10, 5, 5, 0, 70]),      // churned
                                    Weights([25, 20, 15, 10, 0, 30])]    // prospect
        let renewalOpenWeights = Weights([0, 20, 30, 50])
        let probabilities: [[Int]] = [[5, 10, 15], [20, 25, 30], [40, 50, 60], [70, 75, 80, 90], [100], [0]]
        let kindWeights = Weights([30, 35, 18, 5, 12])
        let outcomeWeights = Weights([45, 40, 15])
        let churnedOutcomeWeights = Weights([15, 35, 50])
        let centsChoices: [Int] = [50, 25, 75, 99, 95, 10, 40, 60]

        let stems: [Stem]
        let sectors: [Sector]
        let legal: [[UInt8]]
        let qualifiers: [[UInt8]]
        var nameSpace: Int { stems.count * sectors.count * legal.count }

        let people: [(first: [Person], last: [Person])]   // by region
        let staffFirst: [Person]
        let staffLast: [Person]

        let titles: [[[UInt8]]]       // by contact role, CSV-encoded
        let nextSteps: [[UInt8]]      // CSV-encoded
        let subjects: [[[UInt8]]]     // by kind (raw)
        let typeLabels: [[UInt8]]

        let headers: [[UInt8]]        // managers, accounts, contacts, opportunities, activities

        init() {
            func b(_ s: String) -> [UInt8] { Array(s.utf8) }
            func bs(_ a: [String]) -> [[UInt8]] { a.map { Array($0.utf8) } }
            func q(_ s: String) -> [UInt8] {
                let bytes = Array(s.utf8)
                guard bytes.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return bytes }
                var out: [UInt8] = [34]
                for c in bytes {
                    if c == 34 { out.append(34) }
                    out.append(c)
                }
                out.append(34)
                return out
            }

            roles = bs(["strategic", "key", "technical", "sales", "customer_success", "global"])
            levels = bs(["junior", "mid", "senior"])
            regions = bs(["AMER", "EMEA", "APAC", "LATAM"])
            industries = bs(["technology", "manufacturing", "professional_services", "retail", "financial_services",
                             "healthcare", "telecom", "consumer_goods", "pharma", "public_sector"])
            tiers = bs(["strategic", "key", "growth", "standard"])
            statuses = bs(["active", "churned", "prospect"])
            contactRoles = bs(["decision_maker", "champion", "influencer", "user", "blocker"])
            oppTypes = bs(["new_business", "upsell", "cross_sell", "renewal"])
            stages = bs(["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"])
            kinds = bs(["call", "email", "meeting", "qbr", "note"])
            outcomes = bs(["positive", "neutral", "negative"])
            products = bs(["Analytics", "CRM Cloud", "Data Platform", "Security", "Integrations", "Mobile",
                           "AI Assistant", "Service Desk"])
            trueBytes = b("true")
            falseBytes = b("false")

            // (code, region, weight, calling code, tld)
            let countryData: [(String, Int, Int, String, String)] = [
                ("US", 0, 85, "1", "com"), ("CA", 0, 15, "1", "ca"),
                ("GB", 1, 22, "44", "co.uk"), ("DE", 1, 20, "49", "de"), ("FR", 1, 14, "33", "fr"),
                ("NL", 1, 7, "31", "nl"), ("CH", 1, 5, "41", "ch"), ("SE", 1, 4, "46", "se"),
                ("ES", 1, 6, "34", "es"), ("IT", 1, 6, "39", "it"), ("PL", 1, 4, "48", "pl"),
                ("IE", 1, 3, "353", "ie"), ("DK", 1, 2, "45", "dk"), ("AT", 1, 2, "43", "at"),
                ("BE", 1, 2, "32", "be"), ("NO", 1, 2, "47", "no"), ("FI", 1, 1, "358", "fi"),
                ("CZ", 1, 1, "420", "cz"), ("TR", 1, 2, "90", "com.tr"), ("AE", 1, 2, "971", "ae"),
                ("ZA", 1, 2, "27", "co.za"), ("SA", 1, 1, "966", "sa"), ("IL", 1, 1, "972", "co.il"),
                ("JP", 2, 25, "81", "co.jp"), ("AU", 2, 20, "61", "com.au"), ("IN", 2, 15, "91", "in"),
                ("SG", 2, 10, "65", "sg"), ("CN", 2, 8, "86", "cn"), ("KR", 2, 7, "82", "co.kr"),
                ("VN", 2, 4, "84", "vn"), ("NZ", 2, 4, "64", "co.nz"), ("HK", 2, 3, "852", "hk"),
                ("ID", 2, 2, "62", "co.id"), ("MY", 2, 1, "60", "my"), ("TH", 2, 1, "66", "co.th"),
                ("BR", 3, 40, "55", "com.br"), ("MX", 3, 30, "52", "com.mx"), ("AR", 3, 10, "54", "com.ar"),
                ("CL", 3, 8, "56", "cl"), ("CO", 3, 8, "57", "com.co"), ("PE", 3, 4, "51", "com.pe"),
            ]
            var cs: [Country] = []
            var byRegion: [[Int]] = [[], [], [], []]
            var weightsByRegion: [[Int]] = [[], [], [], []]
            for (i, c) in countryData.enumerated() {
                cs.append(Country(code: b(c.0), region: c.1, calling: b(c.3), tld: b(c.4)))
                byRegion[c.1].append(i)
                weightsByRegion[c.1].append(c.2)
            }
            countries = cs
            countriesByRegion = byRegion
            countryWeightsByRegion = weightsByRegion.map { Weights($0) }
            func countryIndex(_ code: String) -> Int {
                countryData.firstIndex(where: { $0.0 == code }) ?? -1
            }

            // Company-name stems, with an optional home country.
            let stemData: [(String, String)] = [
                ("Northwind", ""), ("Contoso", ""), ("Fabrikam", ""), ("Tailspin", ""), ("Litware", ""),
                ("Adatum", ""), ("Proseware", ""), ("Wingtip", ""), ("Lucerne", "CH"), ("Atlas", ""),
                ("Summit", ""), ("Meridian", ""), ("Pinnacle", ""), ("Evergreen", ""), ("Cobalt", ""),
                ("Redwood", "US"), ("Silverline", ""), ("Harbor", ""), ("Keystone", "US"), ("Ironbridge", "GB"),
                ("Bluepeak", ""), ("Granite", ""), ("Orion", ""), ("Polaris", ""), ("Vertex", ""),
                ("Crescent", ""), ("Beacon", ""), ("Falcon", ""), ("Sterling", "GB"), ("Horizon", ""),
                ("Cascade", "US"), ("Sequoia", "US"), ("Riverside", ""), ("Lakeshore", "CA"), ("Highland", "GB"),
                ("Oakridge", "US"), ("Westfield", ""), ("Eastgate", ""), ("Brightwater", ""), ("Greenfield", ""),
                ("Stonegate", ""), ("Copperline", ""), ("Sunrise", ""), ("Trident", ""), ("Zenith", ""),
                ("Apex", ""), ("Nimbus", ""), ("Quantum", ""), ("Helix", ""), ("Titan", ""),
                ("Vantage", ""), ("Ember", ""), ("Aspen", "US"), ("Maple Leaf", "CA"), ("Prairie", "CA"),
                ("Rimrock", "US"), ("Andes", "CL"), ("Amazonas", "BR"), ("Pampa", "AR"), ("Cordillera", "PE"),
                ("Sakura", "JP"), ("Fujimoto", "JP"), ("Kobayashi", "JP"), ("Hanbit", "KR"), ("Lotus", "IN"),
                ("Jade Dragon", "CN"), ("Golden Bay", "NZ"), ("Southern Cross", "AU"), ("Kiwi", "NZ"), ("Ganges", "IN"),
                ("Merlion", "SG"), ("Müller & Söhne", "DE"), ("Zürich", "CH"), ("Nordlicht", "DE"), ("Søndergaard", "DK"),
                ("Østfold", "NO"), ("Malmö", "SE"), ("Fjällbacka", "SE"), ("Kraków", "PL"), ("Wrocław", "PL"),
                ("Lumière", "FR"), ("Côte d'Azur", "FR"), ("Crédit Alpin", "CH"), ("Bérard & Fils", "FR"), ("Ibérica", "ES"),
                ("São Paulo", "BR"), ("Peña Blanca", "MX"), ("Andaluza", "ES"), ("Công ty Sao Mai", "VN"), ("Hà Nội", "VN"),
                ("Đà Nẵng", "VN"), ("Tōkai", "JP"), ("Ōsaka", "JP"), ("Dvořák", "CZ"), ("Çelik", "TR"),
                ("Ålesund", "NO"), ("Göta", "SE"), ("Łazienki", "PL"), ("\"Blue Ocean\"", ""), ("\"Red Rock\"", "US"),
                ("\"Golden Gate\"", "US"), ("O'Hare", "US"), ("Hudson & Vale", "US"),
            ]
            stems = stemData.map { Stem(name: b($0.0), slug: Tables.slug($0.0), country: $0.1.isEmpty ? -1 : countryIndex($0.1)) }

            // Sector words with the industry they imply (-1: any).
            let sectorData: [(String, Int)] = [
                ("", -1), ("Logistics", -1), ("Systems", 0), ("Re", 4), ("Industries", 1), ("Bank", 4),
                ("Pharma", 8), ("Foods", 7), ("Energy", -1), ("Motors", 1), ("Telecom", 6), ("Retail", 3),
                ("Capital", 4), ("Health", 5), ("Labs", 0), ("Networks", 6), ("Consulting", 2), ("Insurance", 4),
                ("Media", 6), ("Textiles", 1), ("Chemicals", 1), ("Robotics", 0), ("Airlines", -1), ("Shipping", -1),
                ("Steel", 1), ("Mining", -1), ("Solutions", 0), ("Advisory", 2), ("Brands", 7), ("Devices", 0),
                ("Semiconductors", 0), ("Biotech", 8), ("Software", 0), ("Electronics", 0), ("Hospitality", -1),
                ("Construction", -1), ("Beverages", 7), ("Aerospace", 1), ("Utilities", 9), ("Apparel", 3),
                ("Authority", 9), ("Clinic", 5), ("Medical", 5), ("Stores", 3), ("Law", 2),
            ]
            sectors = sectorData.map {
                Sector(name: $0.0.isEmpty ? [] : b(" " + $0.0), slug: Tables.slug($0.0), industry: $0.1)
            }
            legal = bs(["", ", Inc.", " Inc.", ", LLC", " Ltd", " Ltd.", ", GmbH", " GmbH", " AG", " S.A.",
                        " SE", " plc", " Group", " & Co.", " K.K.", " Pty Ltd", " S.p.A.", " B.V.", " Oy", " AB"])
            qualifiers = bs([" International", " Global", " Holdings", " Worldwide", " Americas", " Europe",
                             " Asia Pacific", " Nordic", " Iberia", " Benelux", " DACH", " Africa", " Middle East",
                             " North America", " Latin America", " Enterprises", " Ventures", " Trading",
                             " Technologies", " Associates", " Services", " Digital"])

            let amerFirst = ["James", "Mary", "Michael", "Jennifer", "Robert", "Linda", "David", "Sarah", "Daniel",
                             "Emily", "Chris", "Jessica", "Matthew", "Ashley", "Kevin", "Megan", "Brian", "Rachel",
                             "Tyler", "Zoë", "Chloé", "Sean", "Aisha", "Marcus", "Priya", "Wei", "Carlos", "María",
                             "Connor", "Siobhan"]
            let amerLast = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "García", "Rodriguez",
                            "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Thompson", "White",
                            "Harris", "Clark", "O'Brien", "O'Connor", "Nguyễn", "Patel", "Kim", "Cohen", "Murphy",
                            "Sullivan", "Brooks", "Bennett"]
            let emeaFirst = ["Hans", "Jürgen", "Łukasz", "Søren", "François", "Élodie", "Anna", "Lena", "Björn",
                             "Ingrid", "Sophie", "Thomas", "Marco", "Giulia", "Pablo", "Lucía", "Oliver", "Charlotte",
                             "Niamh", "Ahmed", "Fatima", "Zoë", "Mateusz", "Agnieszka", "Pieter", "Annelies", "Kári",
                             "Dušan", "Małgorzata", "Clément"]
            let emeaLast = ["Müller", "Schmidt", "Schäfer", "Kowalski", "Wiśniewski", "Dubois", "Lefèvre", "Rossi",
                            "Bianchi", "Fernández", "Jansen", "de Vries", "Hansen", "Sørensen", "Nyström", "Andersson",
                            "O'Brien", "Murphy", "Smith", "Jones", "Al-Farsi", "Haddad", "Novák", "Dvořák", "Horváth",
                            "Papadopoulos", "Yılmaz", "Öztürk", "D'Angelo", "van den Berg"]
            let apacFirst = ["Hiroshi", "Yuki", "Kenji", "Sakura", "Minh", "Linh", "Thảo", "Wei", "Mei", "Jun",
                             "Ji-woo", "Min-jun", "Arjun", "Priya", "Rahul", "Ananya", "Siti", "Budi", "Jack", "Olivia",
                             "Liam", "Ngọc", "Haruto", "Aiko", "Rohan", "Deepika", "Xiaoming", "Hyun-woo", "Chloe",
                             "Zoë"]
            let apacLast = ["Tanaka", "Suzuki", "Satō", "Takahashi", "Nguyễn", "Trần", "Lê", "Phạm", "Wang", "Li",
                            "Zhang", "Chen", "Kim", "Park", "Choi", "Sharma", "Gupta", "Iyer", "Reddy", "Tan", "Lim",
                            "Wong", "Santoso", "Smith", "Wilson", "O'Neill", "Nakamura", "Kobayashi", "Hoàng", "Singh"]
            let latamFirst = ["José", "María", "Juan", "Ana", "Luis", "Carmen", "João", "Beatriz", "Pedro", "Camila",
                              "Diego", "Valentina", "Andrés", "Sofía", "Mateo", "Lucía", "Gabriel", "Isabela",
                              "Fernando", "Paula", "Tomás", "Martina", "Joaquín", "Renata", "Rafael", "Leticia",
                              "Sebastián", "Inés", "Ramón", "Zoë"]
            let latamLast = ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
                             "Gómez", "Díaz", "Silva", "Santos", "Oliveira", "Souza", "Costa", "Ferreira", "Pereira",
                             "Alves", "Muñoz", "Rojas", "Castillo", "Ortiz", "Ibáñez", "Núñez", "Peña", "Gutiérrez",
                             "Ramírez", "Herrera", "Medina", "O'Higgins"]
            func persons(_ names: [String]) -> [Person] { names.map { Person(name: b($0), slug: Tables.slug($0)) } }
            people = [(persons(amerFirst), persons(amerLast)), (persons(emeaFirst), persons(emeaLast)),
                      (persons(apacFirst), persons(apacLast)), (persons(latamFirst), persons(latamLast))]
            // Staff pools: all regions merged, deduplicated by e-mail slug so e-mails stay unique.
            func merged(_ lists: [[String]]) -> [Person] {
                var seen: Set<[UInt8]> = []
                var out: [Person] = []
                for list in lists {
                    for name in list {
                        let s = Tables.slug(name)
                        if !s.isEmpty && seen.insert(s).inserted { out.append(Person(name: b(name), slug: s)) }
                    }
                }
                return out
            }
            staffFirst = merged([amerFirst, emeaFirst, apacFirst, latamFirst])
            staffLast = merged([amerLast, emeaLast, apacLast, latamLast])

            titles = [
                ["Chief Information Officer", "VP, Operations", "Chief Digital Officer", "CFO", "Head of IT",
                 "VP Sales", "Managing Director", "COO"],
                ["Director, IT", "Head of Sales Operations", "IT Manager", "Director of Analytics", "Product Owner",
                 "Senior Manager, CRM"],
                ["Solutions Architect", "Procurement Manager", "Finance Business Partner", "Enterprise Architect",
                 "Security Officer", "Data Engineer"],
                ["Sales Representative", "Analyst", "Customer Service Agent", "Account Executive", "Support Engineer",
                 "Marketing Specialist"],
                ["Procurement Director", "CISO", "Legal Counsel", "IT Security Lead", "Head of Purchasing"],
            ].map { $0.map(q) }
            nextSteps = ["Schedule demo", "Send proposal", "Send revised quote, v2",
                         "Security review with \"InfoSec\" team", "Legal review", "Exec sponsor meeting",
                         "Follow up after QBR", "Negotiate terms", "Technical deep-dive", "Procurement sign-off",
                         "Pilot kickoff", "Confirm budget"].map(q)
            subjects = [
                ["Discovery call", "Renewal check-in", "Call: pricing, terms and timeline", "Follow-up call",
                 "Escalation call re: outage", "Usage review", "Intro call with new stakeholder"],
                ["Sent proposal", "Re: \"quick question\" about licences", "Follow-up: next steps", "Intro email",
                 "Pricing, packaging & discounts", "Shared case study", "Contract redlines"],
                ["Product demo", "Onsite workshop", "Executive alignment", "Technical deep-dive", "Roadmap review",
                 "Security review"],
                ["QBR"],
                ["Account plan updated", "Risk: budget freeze", "Champion changed roles",
                 "Reorg, new CIO announced", "Competitor evaluating", "Internal sync"],
            ].map { bs($0) }
            typeLabels = bs(["new business", "expansion", "cross-sell", "renewal"])

            headers = bs([
                "id,name,email,role,level,region,lead_id,quota",
                "id,name,parent_id,owner_id,industry,tier,region,country,status,employees,arr,health,nps,products,seats,seats_used,customer_since,renewal_date",
                "id,name,title,email,phone,account_id,role,is_primary,last_contacted",
                "id,name,product,next_step,account_id,owner_id,type,stage,amount,probability,created,close_date",
                "id,subject,account_id,contact_id,owner_id,kind,date,outcome",
            ])
        }

        func pickCountry(_ region: Int, _ r: inout RNG) -> Int {
            let list = countriesByRegion[region]
            return list[countryWeightsByRegion[region].pick(&r)]
        }

        /// Lowercase ASCII letters and digits only, diacritics folded (`Łukasz` → `lukasz`).
        static func slug(_ s: String) -> [UInt8] {
            let folds: [(String, String)] = [
                ("àáâãäåāăąạảấầẩẫậắằẳẵặ", "a"), ("æ", "ae"), ("çćč", "c"), ("ďđð", "d"),
                ("èéêëēęěẹẻẽếềểễệ", "e"), ("ğ", "g"), ("ìíîïīıịỉĩ", "i"), ("ł", "l"), ("ñńň", "n"),
                ("òóôõöøōőơọỏốồổỗộớờởỡợ", "o"), ("œ", "oe"), ("řŕ", "r"), ("śšş", "s"), ("ß", "ss"),
                ("ťţ", "t"), ("ùúûüūůưụủũứừửữự", "u"), ("ýÿỳỹ", "y"), ("žźż", "z"), ("þ", "th"),
            ]
            var out: [UInt8] = []
            for ch in s.lowercased() {
                if let a = ch.asciiValue {
                    if (a >= 97 && a <= 122) || (a >= 48 && a <= 57) { out.append(a) }
                    continue
                }
                for (group, replacement) in folds where group.contains(ch) {
                    out.append(contentsOf: replacement.utf8)
                    break
                }
            }
            return out
        }
    }
}

// MARK: - The emitter

extension PortfolioGenerator {
    struct Manager {
        var region: Int
        var lead: Int
        var role: Int
        var level: Int
        var quota: Int     // cents, -1 = null
        var first: Int
        var last: Int
        var round: Int
    }

    struct Staff {
        var managers: [Manager] = []
        var ownersByRegion: [[Int]] = [[], [], [], []]
        var owners: [Int] = []

        func pickOwner(_ region: Int, _ r: inout RNG) -> Int {
            let list = ownersByRegion[region]
            if !list.isEmpty && r.percent(92) { return list[r.below(list.count)] }
            if owners.isEmpty { return 0 }
            return owners[r.below(owners.count)]
        }
    }

    struct Emitter {
        let accounts: Int
        let seed: UInt64
        let asOfText: String
        let fiscalYearStartRaw: Int
        let fiscalYearStart: Int
        let asOf: Int
        let t: Tables

        /// Emits all six files, in `fileNames` order; with handles each sink streams to its file.
        func run(handles: [FileHandle]?) -> [Sink] {
            func handle(_ i: Int) -> FileHandle? {
                guard let handles, i < handles.count else { return nil }
                return handles[i]
            }
            var folio = Sink(handle: handle(0))
            var managers = Sink(handle: handle(1))
            var accounts = Sink(handle: handle(2))
            var contacts = Sink(handle: handle(3))
            var opportunities = Sink(handle: handle(4))
            var activities = Sink(handle: handle(5))
            emitFolio(&folio)
            let staff = makeStaff()
            emitStaff(staff, &managers)
            emitPortfolio(staff, &accounts, &contacts, &opportunities, &activities)
            var all = [folio, managers, accounts, contacts, opportunities, activities]
            for i in all.indices { all[i].flush() }
            return all
        }

        // folio.json

        func emitFolio(_ out: inout Sink) {
            out.raw(Array("{\"as_of\": \"".utf8))
            for scalar in asOfText.unicodeScalars {
                switch scalar {
                case "\"": out.raw([92, 34])
                case "\\": out.raw([92, 92])
                case "\n": out.raw([92, 110])
                case "\r": out.raw([92, 114])
                case "\t": out.raw([92, 116])
                default:
                    if scalar.value < 0x20 {
                        out.raw(Array("\\u00".utf8))
                        let hex: [UInt8] = Array("0123456789abcdef".utf8)
                        out.byte(hex[Int(scalar.value >> 4)])
                        out.byte(hex[Int(scalar.value & 15)])
                    } else {
                        out.raw(Array(String(scalar).utf8))
                    }
                }
            }
            out.raw(Array("\", \"fiscal_year_start\": ".utf8))
            out.int(fiscalYearStartRaw)
            out.byte(125)
            out.endRow()
        }

        // managers

        func makeStaff() -> Staff {
            let m = max(8, accounts / 40)
            let heads = min(4, max(1, m / 16))
            let leads = max(2, (m - heads + 6) / 7)
            var r = RNG(RNG.stream(seed, 0, 0x4D41_4E41_4745_5253))
            let space = t.staffFirst.count * t.staffLast.count
            let perm = Permutation(domain: space, seed: RNG.stream(seed, 1, 0x4E41_4D45))
            let regionWeights = Weights([42, 30, 18, 10])
            let leadRoles = Weights([30, 30, 0, 25, 0, 15])
            let memberRoles = Weights([8, 20, 14, 32, 26, 0])
            let memberLevels = Weights([30, 45, 25])

            var staff = Staff()
            staff.managers.reserveCapacity(m)
            var leadsByRegion: [[Int]] = [[], [], [], []]
            for i in 0..<m {
                let p = perm.apply(i % space)
                let first = p / t.staffLast.count
                let last = p % t.staffLast.count
                let round = i / space
                var mgr: Manager
                if i < heads {
                    let quota = r.range(160, 300) * 50_000 * 100
                    mgr = Manager(region: i % 4, lead: -1, role: 5, level: 2, quota: quota,
                                  first: first, last: last, round: round)
                } else if i < heads + leads {
                    let j = i - heads
                    let region = j < 4 ? j : regionWeights.pick(&r)
                    let lead = region < heads ? region : region % heads
                    let level = r.percent(75) ? 2 : 1
                    let quota = r.range(100, 200) * 25_000 * 100
                    mgr = Manager(region: region, lead: lead, role: leadRoles.pick(&r), level: level, quota: quota,
                                  first: first, last: last, round: round)
                    leadsByRegion[region].append(i)
                } else {
                    let j = i - heads - leads            // the first four cover every region
                    let region = j < 4 ? j : regionWeights.pick(&r)
                    let candidates = leadsByRegion[region]
                    let lead = candidates.isEmpty ? heads + r.below(leads) : candidates[r.below(candidates.count)]
                    let role = memberRoles.pick(&r)
                    let level = memberLevels.pick(&r)
                    var quota: Int
                    switch level {
                    case 0: quota = r.range(40, 80) * 10_000 * 100
                    case 1: quota = r.range(70, 140) * 10_000 * 100
                    default: quota = r.range(120, 250) * 10_000 * 100
                    }
                    if role == 2 && r.percent(50) { quota = -1 }          // many SEs carry no quota
                    if role == 4 { quota = quota / 2 }                   // CSMs carry renewal quota
                    mgr = Manager(region: region, lead: lead, role: role, level: level, quota: quota,
                                  first: first, last: last, round: round)
                }
                if i >= heads {
                    staff.ownersByRegion[mgr.region].append(i)
                    staff.owners.append(i)
                }
                staff.managers.append(mgr)
            }
            return staff
        }

        func emitStaff(_ staff: Staff, _ out: inout Sink) {
            out.raw(t.headers[0])
            out.endRow()
            let domain = Array("@example.com".utf8)
            var name: [UInt8] = []
            for (i, mgr) in staff.managers.enumerated() {
                let first = t.staffFirst[mgr.first]
                let last = t.staffLast[mgr.last]
                out.id(77, i + 1, 5)
                out.sep()
                name.removeAll(keepingCapacity: true)
                name.append(contentsOf: first.name)
                name.append(32)
                name.append(contentsOf: last.name)
                out.csv(name)
                out.sep()
                out.raw(first.slug)
                out.byte(46)
                out.raw(last.slug)
                if mgr.round > 0 { out.int(mgr.round + 1) }
                out.raw(domain)
                out.sep()
                out.raw(t.roles[mgr.role])
                out.sep()
                out.raw(t.levels[mgr.level])
                out.sep()
                out.raw(t.regions[mgr.region])
                out.sep()
                if mgr.lead >= 0 { out.id(77, mgr.lead + 1, 5) }
                out.sep()
                if mgr.quota >= 0 { out.money(mgr.quota) }
                out.endRow()
            }
        }

        // accounts and everything hanging off them

        static func pickBit(_ mask: UInt8, _ r: inout RNG) -> Int {
            var n = r.below(mask.nonzeroBitCount)
            for bit in 0..<8 where mask & (1 << UInt8(bit)) != 0 {
                if n == 0 { return bit }
                n -= 1
            }
            return 0
        }

        static func appendInt(_ a: inout [UInt8], _ value: Int) {
            for c in String(value).utf8 { a.append(c) }
        }

        func emitPortfolio(_ staff: Staff, _ acc: inout Sink, _ con: inout Sink, _ opp: inout Sink,
                           _ act: inout Sink) {
            let n = accounts
            let day2012 = Civil.dayNumber(2012, 1, 1)
            var depth = [UInt8](repeating: 0, count: n)
            var regionOf = [UInt8](repeating: 0, count: n)
            var tierOf = [UInt8](repeating: 0, count: n)
            var ownerOf = [Int32](repeating: 0, count: n)
            let nameSpace = t.nameSpace
            let legalCount = t.legal.count
            let sectorCount = t.sectors.count
            let perm = Permutation(domain: nameSpace, seed: RNG.stream(seed, 2, 0x4143_434F_554E_5453))

            let employeeRanges = [(10_000, 250_000), (2_000, 40_000), (200, 5_000), (10, 1_500)]
            let seatRanges = [(1_500, 20_000), (300, 5_000), (40, 800), (5, 150)]
            let productCounts = [(4, 8), (3, 6), (2, 4), (1, 3)]
            let dealRanges = [(250_000, 3_000_000), (80_000, 600_000), (20_000, 150_000), (5_000, 60_000)]
            let usageRanges = [(101, 130), (85, 100), (55, 84), (10, 54)]
            let recencyRanges = [(0, 59), (60, 179), (180, 364)]
            let oppBonus = [3, 2, 1, 0]
            let actBonus = [3, 2, 1, 0]
            let dash = Array(" - ".utf8)
            let at: UInt8 = 64
            let earliestActivity = asOf - 729

            var name: [UInt8] = []
            var domain: [UInt8] = []
            var scratch: [UInt8] = []
            name.reserveCapacity(128)
            domain.reserveCapacity(64)
            scratch.reserveCapacity(256)
            var contactLast: [Int] = []
            var contactSeq = 0
            var oppSeq = 0
            var actSeq = 0

            acc.raw(t.headers[1])
            acc.endRow()
            con.raw(t.headers[2])
            con.endRow()
            opp.raw(t.headers[3])
            opp.endRow()
            act.raw(t.headers[4])
            act.endRow()

            for i in 0..<n {
                if i & 4095 == 0
                    && (acc.error != nil || con.error != nil || opp.error != nil || act.error != nil) { return }
                var r = RNG(RNG.stream(seed, i, 0xACC0))

                // Name: a seeded bijection over stem × sector × legal form, then qualifiers.
                let p = perm.apply(i % nameSpace)
                let round = i / nameSpace
                let stem = t.stems[p / (sectorCount * legalCount)]
                let sector = t.sectors[(p / legalCount) % sectorCount]
                name.removeAll(keepingCapacity: true)
                name.append(contentsOf: stem.name)
                name.append(contentsOf: sector.name)
                if round > 0 {
                    name.append(contentsOf: t.qualifiers[(round - 1) % t.qualifiers.count])
                    let extra = (round - 1) / t.qualifiers.count
                    if extra > 0 {
                        name.append(32)
                        Emitter.appendInt(&name, extra + 1)
                    }
                }
                name.append(contentsOf: t.legal[p % legalCount])

                // Hierarchy: a subsidiary of an earlier account, at most two levels deep.
                var parent = -1
                if i > 0 && r.percent(15) {
                    for _ in 0..<6 {
                        let c = r.below(i)
                        if depth[c] < 2 && (tierOf[c] <= 1 || r.percent(40)) {
                            parent = c
                            break
                        }
                    }
                }
                if parent >= 0 { depth[i] = depth[parent] + 1 }

                let country: Int
                if stem.country >= 0 && r.percent(65) {
                    country = stem.country
                } else if parent >= 0 && r.percent(55) {
                    country = t.pickCountry(Int(regionOf[parent]), &r)
                } else {
                    country = t.pickCountry(t.regionWeights.pick(&r), &r)
                }
                let region = t.countries[country].region
                regionOf[i] = UInt8(region)
                let industry = sector.industry >= 0 ? sector.industry : t.industryWeights.pick(&r)
                let tier = t.tierWeights.pick(&r)
                tierOf[i] = UInt8(tier)
                let status = t.statusWeights.pick(&r)   // 0 active, 1 churned, 2 prospect
                let owner: Int
                if parent >= 0 && Int(regionOf[parent]) == region && r.percent(50) {
                    owner = Int(ownerOf[parent])
                } else {
                    owner = staff.pickOwner(region, &r)
                }
                ownerOf[i] = Int32(truncatingIfNeeded: owner)

                var employees = r.skewed(employeeRanges[tier].0, employeeRanges[tier].1)
                if employees >= 1_000 { employees = employees / 10 * 10 }

                var arr = -1, seats = -1, seatsUsed = -1, health = -1
                var nps = Int.min
                var products: UInt8 = 0
                var since = -1, renewal = -1
                if status != 2 {
                    seats = r.skewed(seatRanges[tier].0, seatRanges[tier].1)
                    if seats >= 100 { seats = seats / 5 * 5 }
                    seats = max(1, min(seats, employees))
                    let price = t.priceCents[t.priceWeights.pick(&r)]
                    let bucket = t.usageWeights.pick(&r)
                    let pct = r.range(usageRanges[bucket].0, usageRanges[bucket].1)
                    let (pLo, pHi) = productCounts[tier]
                    let want = r.range(pLo, pHi)
                    while products.nonzeroBitCount < want {
                        let bit = t.productWeights.pick(&r)
                        products |= UInt8(1) << UInt8(bit)
                    }
                    if status == 0 {
                        arr = seats * price
                        seatsUsed = pct > 100 ? (seats * pct + 99) / 100 : seats * pct / 100
                        health = min(100, max(0, r.range(35, 95) + (pct - 80) / 3))
                        if !r.percent(18) {
                            nps = min(100, max(-100, (health - 55) * 2 + r.range(-35, 35)))
                        }
                        since = r.range(day2012, asOf - 20)
                        renewal = Civil.anniversary(of: since, onOrAfter: asOf - 182)
                        if r.percent(30) {
                            let later = Civil.anniversary(of: since, onOrAfter: renewal + 1)
                            if later <= asOf + 548 { renewal = later }
                        }
                    } else {
                        arr = 0
                        seatsUsed = 0
                        health = r.range(3, 35)
                        if r.percent(50) { nps = r.range(-100, -20) }
                        since = r.range(day2012, asOf - 400)
                        renewal = Civil.anniversary(of: since, onOrAfter: asOf - 365)
                        if renewal >= asOf { renewal -= 365 }
                    }
                }

                acc.id(65, i + 1, 7)
                acc.sep()
                acc.csv(name)
                acc.sep()
                if parent >= 0 { acc.id(65, parent + 1, 7) }
                acc.sep()
                acc.id(77, owner + 1, 5)
                acc.sep()
                acc.raw(t.industries[industry])
                acc.sep()
                acc.raw(t.tiers[tier])
                acc.sep()
                acc.raw(t.regions[region])
                acc.sep()
                acc.raw(t.countries[country].code)
                acc.sep()
                acc.raw(t.statuses[status])
                acc.sep()
                acc.int(employees)
                acc.sep()
                if arr >= 0 { acc.money(arr) }
                acc.sep()
                if health >= 0 { acc.int(health) }
                acc.sep()
                if nps != Int.min { acc.int(nps) }
                acc.sep()
                var firstProduct = true
                for bit in 0..<8 where products & (UInt8(1) << UInt8(bit)) != 0 {
                    if !firstProduct { acc.byte(59) }
                    acc.raw(t.products[bit])
                    firstProduct = false
                }
                acc.sep()
                if seats >= 0 { acc.int(seats) }
                acc.sep()
                if seatsUsed >= 0 { acc.int(seatsUsed) }
                acc.sep()
                if since >= 0 { acc.date(since) }
                acc.sep()
                if renewal >= 0 { acc.date(renewal) }
                acc.endRow()

                // Contacts.
                let cn = status == 2 ? 1 + r.below(3) : min(8, 1 + r.below(4) + r.below(5) + (tier <= 1 ? 1 : 0))
                let primary = r.below(cn)
                let firstContact = contactSeq + 1
                contactLast.removeAll(keepingCapacity: true)
                domain.removeAll(keepingCapacity: true)
                domain.append(at)
                domain.append(contentsOf: stem.slug)
                if !sector.slug.isEmpty {
                    domain.append(45)
                    domain.append(contentsOf: sector.slug)
                }
                domain.append(46)
                domain.append(contentsOf: t.countries[country].tld)
                let pool = t.people[region]
                for k in 0..<cn {
                    contactSeq += 1
                    var role = t.contactRoleWeights.pick(&r)
                    if k == primary && r.percent(70) { role = r.percent(55) ? 0 : 1 }
                    let first = pool.first[r.below(pool.first.count)]
                    let last = pool.last[r.below(pool.last.count)]
                    var lastContacted = -1
                    if !r.percent(5) {
                        let bucket = t.recencyWeights.pick(&r)
                        var ago = r.range(recencyRanges[bucket].0, recencyRanges[bucket].1)
                        if status == 1 { ago += r.range(120, 400) }
                        lastContacted = asOf - ago
                    }
                    contactLast.append(lastContacted)

                    con.id(67, contactSeq, 8)
                    con.sep()
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: first.name)
                    scratch.append(32)
                    scratch.append(contentsOf: last.name)
                    con.csv(scratch)
                    con.sep()
                    let titles = t.titles[role]
                    con.raw(titles[r.below(titles.count)])
                    con.sep()
                    con.raw(first.slug)
                    con.byte(46)
                    con.raw(last.slug)
                    con.raw(domain)
                    con.sep()
                    if !r.percent(20) {
                        con.byte(43)
                        con.raw(t.countries[country].calling)
                        con.byte(32)
                        con.padded(r.below(1000), 3)
                        con.byte(32)
                        con.padded(r.below(1000), 3)
                        con.byte(32)
                        con.padded(r.below(10000), 4)
                    }
                    con.sep()
                    con.id(65, i + 1, 7)
                    con.sep()
                    con.raw(t.contactRoles[role])
                    con.sep()
                    con.raw(k == primary ? t.trueBytes : t.falseBytes)
                    con.sep()
                    if lastContacted >= 0 { con.date(lastContacted) }
                    con.endRow()
                }

                // Opportunities.
                let on: Int
                switch status {
                case 2: on = 1 + r.below(3)
                case 1: on = r.below(3)
                default: on = r.below(6) + r.below(6) + oppBonus[tier]
                }
                var renewalsSoFar = 0
                for _ in 0..<on {
                    oppSeq += 1
                    var type: Int   // 0 new_business, 1 upsell, 2 cross_sell, 3 renewal
                    switch status {
                    case 2: type = 0
                    case 1: type = r.percent(60) ? 0 : 3
                    default: type = t.oppTypeWeights.pick(&r)
                    }
                    let owned = products
                    let unowned = ~products
                    if type == 1 || type == 3 {
                        if owned == 0 { type = 2 }
                    } else if type == 2 && unowned == 0 {
                        type = 1
                    }
                    let product = type == 0 ? t.productWeights.pick(&r)
                        : Emitter.pickBit(type == 2 ? unowned : owned, &r)

                    var stage: Int
                    var close: Int
                    var created: Int
                    let renewalClose = renewal - 365 * renewalsSoFar
                    if type == 3 && status == 0 && renewal >= 0 && (renewalsSoFar == 0 || renewalClose > since + 300) {
                        close = renewalClose
                        renewalsSoFar += 1
                        if close > asOf {
                            stage = t.renewalOpenWeights.pick(&r)
                        } else {
                            stage = r.percent(85) ? 4 : 5
                            close = min(close, asOf - 1)
                        }
                        created = close - r.range(60, 180)
                        if created > asOf { created = asOf - r.range(0, 30) }
                    } else {
                        stage = t.stageWeightsByStatus[status].pick(&r)
                        if stage >= 4 {
                            // Closed before as_of, and not before the account became a customer.
                            let span = since >= 0 ? max(1, min(730, asOf - since - 1)) : 730
                            close = asOf - r.range(1, span)
                            created = close - r.range(14, 240)
                        } else {
                            close = asOf + r.range(1, 365)
                            created = r.percent(28) ? asOf - r.range(121, 420) : asOf - r.range(0, 120)
                        }
                    }
                    let probs = t.probabilities[stage]
                    let probability = probs[r.below(probs.count)]

                    var amount: Int
                    if type == 3 && arr > 0 {
                        amount = arr / max(1, owned.nonzeroBitCount) * r.range(90, 115) / 100
                    } else {
                        var (lo, hi) = dealRanges[tier]
                        if type != 0 {
                            lo /= 3
                            hi /= 3
                        }
                        let dollars = r.skewed(lo, hi)
                        if r.percent(70) {
                            amount = max(500, dollars / 500 * 500) * 100
                        } else {
                            amount = dollars * 100 + t.centsChoices[r.below(t.centsChoices.count)]
                        }
                    }
                    let oppOwner = r.percent(85) ? owner : staff.pickOwner(region, &r)

                    opp.id(79, oppSeq, 8)
                    opp.sep()
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: name)
                    scratch.append(contentsOf: dash)
                    scratch.append(contentsOf: t.products[product])
                    scratch.append(32)
                    scratch.append(contentsOf: t.typeLabels[type])
                    opp.csv(scratch)
                    opp.sep()
                    opp.raw(t.products[product])
                    opp.sep()
                    if stage < 4 && !r.percent(25) {
                        opp.raw(t.nextSteps[r.below(t.nextSteps.count)])
                    }
                    opp.sep()
                    opp.id(65, i + 1, 7)
                    opp.sep()
                    opp.id(77, oppOwner + 1, 5)
                    opp.sep()
                    opp.raw(t.oppTypes[type])
                    opp.sep()
                    opp.raw(t.stages[stage])
                    opp.sep()
                    opp.money(amount)
                    opp.sep()
                    opp.int(probability)
                    opp.sep()
                    opp.date(created)
                    opp.sep()
                    opp.date(close)
                    opp.endRow()
                }

                // Activities.
                let an: Int
                switch status {
                case 2: an = r.below(5)
                case 1: an = r.below(4)
                default: an = r.below(10) + r.below(10) + actBonus[tier]
                }
                for _ in 0..<an {
                    actSeq += 1
                    var kind = t.kindWeights.pick(&r)
                    if kind == 3 && status != 0 { kind = 2 }
                    var contact = -1
                    if !r.percent(10) {
                        for _ in 0..<2 {
                            let c = r.below(cn)
                            if contactLast[c] >= earliestActivity {
                                contact = c
                                break
                            }
                        }
                    }
                    let date: Int
                    if contact >= 0 {
                        let lc = contactLast[contact]
                        date = lc - r.below(min(300, lc - earliestActivity) + 1)
                    } else {
                        date = asOf - r.below(730)
                    }

                    act.id(84, actSeq, 9)
                    act.sep()
                    scratch.removeAll(keepingCapacity: true)
                    if kind == 3 {
                        let d = Civil.civil(date)
                        let quarter = ((d.month - fiscalYearStart + 12) % 12) / 3 + 1
                        let fy = fiscalYearStart == 1 ? d.year : (d.month >= fiscalYearStart ? d.year + 1 : d.year)
                        scratch.append(contentsOf: Array("QBR Q".utf8))
                        Emitter.appendInt(&scratch, quarter)
                        scratch.append(contentsOf: Array(" FY".utf8))
                        let yy = fy % 100
                        scratch.append(UInt8(truncatingIfNeeded: 48 + yy / 10))
                        scratch.append(UInt8(truncatingIfNeeded: 48 + yy % 10))
                    } else {
                        let list = t.subjects[kind]
                        scratch.append(contentsOf: list[r.below(list.count)])
                        if kind <= 2 && r.percent(30) {
                            scratch.append(contentsOf: dash)
                            scratch.append(contentsOf: t.products[t.productWeights.pick(&r)])
                        }
                    }
                    act.csv(scratch)
                    act.sep()
                    act.id(65, i + 1, 7)
                    act.sep()
                    if contact >= 0 { act.id(67, firstContact + contact, 8) }
                    act.sep()
                    act.id(77, (r.percent(85) ? owner : staff.pickOwner(region, &r)) + 1, 5)
                    act.sep()
                    act.raw(t.kinds[kind])
                    act.sep()
                    act.date(date)
                    act.sep()
                    if !(kind == 4 && r.percent(50)) {
                        let w = status == 1 ? t.churnedOutcomeWeights : t.outcomeWeights
                        act.raw(t.outcomes[w.pick(&r)])
                    }
                    act.endRow()
                }
            }
        }
    }
}
