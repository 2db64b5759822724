/// Calendar days as day numbers since 1970-01-01 (proleptic Gregorian), the store's date type.
///
/// `Day.parse("2026-06-15")` → 20619; `Day.format(20619)` → "2026-06-15". The conversions are
/// Howard Hinnant's `days_from_civil` / `civil_from_days`.
public enum Day {
    /// The null date in a date column.
    public static let null: Int32 = .min

    /// The day number of a calendar date; dates beyond ±5.8 million years clamp (never a trap).
    public static func fromCivil(year: Int, month: Int, day: Int) -> Int32 {
        let year = min(max(year, -5_000_000), 5_000_000)
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(clamping: era * 146097 + doe - 719468)
    }

    public static func civil(_ days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses exactly `YYYY-MM-DD` from bytes; nil when malformed or not a real day.
    @inlinable
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        var y = 0, m = 0, d = 0
        for i in 0..<4 {
            let c = b[i] &- 48
            guard c < 10 else { return nil }
            y = y * 10 + Int(c)
        }
        for i in 5..<7 {
            let c = b[i] &- 48
            guard c < 10 else { return nil }
            m = m * 10 + Int(c)
        }
        for i in 8..<10 {
            let c = b[i] &- 48
            guard c < 10 else { return nil }
            d = d * 10 + Int(c)
        }
        guard m >= 1, m <= 12, d >= 1 else { return nil }
        // Most dates fall in 1900–2199: the day number of each month's first day is a table.
        let k = (y - monthTableStart) &* 12 &+ m &- 1
        if k >= 0, k < monthStarts.count - 1 {
            let first = monthStarts[k]
            guard d <= Int(monthStarts[k + 1] - first) else { return nil }
            return first + Int32(d - 1)
        }
        guard d <= daysIn(year: y, month: m) else { return nil }
        return fromCivil(year: y, month: m, day: d)
    }

    @usableFromInline static let monthTableStart = 1900

    /// The day number of the first of each month from January 1900 to January 2200 (the
    /// last entry bounds December 2199).
    @usableFromInline static let monthStarts: [Int32] = (0...(300 * 12)).map { k in
        fromCivil(year: monthTableStart + k / 12, month: k % 12 + 1, day: 1)
    }

    public static func parse(_ s: String) -> Int32? {
        var s = s
        return s.withUTF8 { parse($0) }
    }

    public static func format(_ days: Int32) -> String {
        let (y, m, d) = civil(days)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Monday = 0 … Sunday = 6.
    public static func weekday(_ days: Int32) -> Int {
        // 1970-01-01 was a Thursday (3).
        let r = (Int(days) + 3) % 7
        return r < 0 ? r + 7 : r
    }

    /// Adds calendar months, clamping to the last day of the month (2026-01-31 + 1 month = 2026-02-28).
    public static func addMonths(_ days: Int32, _ months: Int) -> Int32 {
        let (y, m, d) = civil(days)
        let total = y * 12 + (m - 1) + min(max(months, -100_000_000), 100_000_000)
        let ny = total >= 0 ? total / 12 : (total - 11) / 12
        let nm = total - ny * 12 + 1
        return fromCivil(year: ny, month: nm, day: min(d, daysIn(year: ny, month: nm)))
    }

    /// ``addMonths(_:_:)``, or nil when the result is not a representable date.
    public static func addMonthsChecked(_ days: Int32, _ months: Int) -> Int32? {
        let (y, m, d) = civil(days)
        let total = y * 12 + (m - 1) + months
        let ny = total >= 0 ? total / 12 : (total - 11) / 12
        guard abs(ny) <= 5_000_000 else { return nil }
        let nm = total - ny * 12 + 1
        return fromCivil(year: ny, month: nm, day: min(d, daysIn(year: ny, month: nm)))
    }

    /// The first day of the quarter, month, week or year containing `days`.
    public static func startOf(_ days: Int32, _ unit: PeriodUnit) -> Int32 {
        let (y, m, _) = civil(days)
        switch unit {
        case .day: return days
        case .week: return days - Int32(weekday(days))
        case .month: return fromCivil(year: y, month: m, day: 1)
        case .quarter: return fromCivil(year: y, month: ((m - 1) / 3) * 3 + 1, day: 1)
        case .year: return fromCivil(year: y, month: 1, day: 1)
        }
    }

    /// The fiscal year (named for the calendar year in which it ends) and its first day.
    public static func fiscalYear(_ days: Int32, start: Int) -> (year: Int, first: Int32) {
        let (y, m, _) = civil(days)
        if start == 1 { return (y, fromCivil(year: y, month: 1, day: 1)) }
        if m >= start { return (y + 1, fromCivil(year: y, month: start, day: 1)) }
        return (y, fromCivil(year: y - 1, month: start, day: 1))
    }

    /// Fiscal quarter 1–4 of `days` for a fiscal year starting in month `start`.
    public static func fiscalQuarter(_ days: Int32, start: Int) -> Int {
        let (_, m, _) = civil(days)
        let offset = (m - start + 12) % 12
        return offset / 3 + 1
    }
}

/// Units of calendar periods and durations.
public enum PeriodUnit: String, Sendable, Hashable, CaseIterable {
    case day, week, month, quarter, year

    /// Accepts singular and plural (`days`, `week`).
    public init?(word: String) {
        let w = word.lowercased()
        for u in PeriodUnit.allCases where w == u.rawValue || w == u.rawValue + "s" {
            self = u
            return
        }
        return nil
    }
}

/// A span of time: `90 days`, `6 months`.
public struct Duration: Sendable, Hashable {
    public var count: Int
    public var unit: PeriodUnit

    public init(count: Int, unit: PeriodUnit) {
        self.count = count
        self.unit = unit
    }

    /// `days` moved forward by this duration (backward when `sign` is -1); nil when the
    /// result is beyond the dates folio represents (about ±5.8 million years).
    public func add(to days: Int32, sign: Int = 1) -> Int32? {
        let (n, o1) = count.multipliedReportingOverflow(by: sign)
        let perUnit: Int
        switch unit {
        case .day: perUnit = 1
        case .week: perUnit = 7
        case .month: perUnit = 1
        case .quarter: perUnit = 3
        case .year: perUnit = 12
        }
        let (amount, o2) = n.multipliedReportingOverflow(by: perUnit)
        guard !o1, !o2 else { return nil }
        switch unit {
        case .day, .week:
            let (r, o) = Int(days).addingReportingOverflow(amount)
            guard !o, let result = Int32(exactly: r), result != Day.null else { return nil }
            return result
        case .month, .quarter, .year:
            // ±100 million months is far beyond the representable years.
            guard abs(amount) <= 100_000_000 else { return nil }
            return Day.addMonthsChecked(days, amount)
        }
    }
}
