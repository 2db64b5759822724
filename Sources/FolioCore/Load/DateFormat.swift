/// How an export writes its dates (`folio.json`'s `date_format`): tokens `YYYY`, `YY`, `M`,
/// `MM`, `D`, `DD`, `MMM` (Jan … Dec) between literal separators — `M/D/YYYY`, `DD-MM-YY`,
/// `D.M.YYYY`, `YYYY-MM-DD`.
///
/// `M` and `MM` both read one or two digits (Excel writes `3/1/2017` and `03/01/2017` in
/// one file), as do `D` and `DD`; `YYYY` reads four digits and `YY` two, which are 1970–2069.
/// A time after the date (a space or `T`, then anything) is dropped. A date that is not a
/// real calendar day does not fit.
public struct DateFormat: Sendable, Hashable, CustomStringConvertible {
    enum Part: Hashable {
        case year4, year2, month, day, monthName
        case literal(UInt8)
    }

    let parts: [Part]
    public let text: String

    public var description: String { text }

    /// ISO dates, the default: read by the store's own fast path.
    public static let iso = DateFormat(parts: [.year4, .literal(45), .month, .literal(45), .day], text: "YYYY-MM-DD")

    public var isISO: Bool { text == "YYYY-MM-DD" }

    init(parts: [Part], text: String) {
        self.parts = parts
        self.text = text
    }

    /// A format from its text, or why it is not one.
    public static func parse(_ text: String) -> Result<DateFormat, FormatError> {
        let b = Array(text.utf8)
        var parts: [Part] = []
        var i = 0
        var seen: Set<String> = []
        func run(_ c: UInt8) -> Int {
            var n = 0
            while i + n < b.count, b[i + n] == c { n += 1 }
            return n
        }
        while i < b.count {
            let c = b[i]
            switch c {
            case 89, 121:  // Y
                let n = run(c)
                guard n == 4 || n == 2 else { return .failure(FormatError("'\(text)': a year is YYYY or YY")) }
                parts.append(n == 4 ? .year4 : .year2)
                seen.insert("year")
                i += n
            case 77:  // M
                let n = run(c)
                guard n <= 3 else { return .failure(FormatError("'\(text)': a month is M, MM or MMM")) }
                parts.append(n == 3 ? .monthName : .month)
                seen.insert("month")
                i += n
            case 68, 100:  // D
                let n = run(c)
                guard n <= 2 else { return .failure(FormatError("'\(text)': a day is D or DD")) }
                parts.append(.day)
                seen.insert("day")
                i += n
            case 48...57, 65...90, 97...122:
                return .failure(FormatError("'\(text)': '\(String(decoding: [c], as: UTF8.self))' is not a date token (the tokens are YYYY, YY, M, MM, MMM, D, DD)"))
            default:
                parts.append(.literal(c))
                i += 1
            }
        }
        for what in ["year", "month", "day"] where !seen.contains(what) {
            return .failure(FormatError("'\(text)' has no \(what) (the tokens are YYYY, YY, M, MM, MMM, D, DD)"))
        }
        let counts = parts.reduce(into: [String: Int]()) { c, p in
            switch p {
            case .year4, .year2: c["year", default: 0] += 1
            case .month, .monthName: c["month", default: 0] += 1
            case .day: c["day", default: 0] += 1
            case .literal: break
            }
        }
        if let twice = counts.first(where: { $0.value > 1 }) { return .failure(FormatError("'\(text)' has the \(twice.key) twice")) }
        for (a, b) in zip(parts, parts.dropFirst()) {
            if case .literal = a { continue }
            if case .literal = b { continue }
            // Two numbers with nothing between them cannot be told apart when one has one digit.
            if a != .year4 && b != .year4 && a != .monthName && b != .monthName {
                return .failure(FormatError("'\(text)': put a separator between the parts (M/D/YYYY)"))
            }
        }
        return .success(DateFormat(parts: parts, text: text))
    }

    public struct FormatError: Error, Sendable {
        public var message: String
        init(_ m: String) { message = m }
    }

    static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    /// The day of a cell in this format (trimmed), or nil when it does not fit.
    public func day(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        if isISO { return CellParse.date(b) }
        var i = 0
        var year = -1, month = -1, dayOfMonth = -1
        func digits(_ most: Int, least: Int) -> Int? {
            var v = 0, n = 0
            while n < most, i < b.count, b[i] &- 48 < 10 {
                v = v * 10 + Int(b[i] &- 48)
                i += 1
                n += 1
            }
            return n >= least ? v : nil
        }
        for p in parts {
            switch p {
            case .literal(let c):
                guard i < b.count, b[i] == c else { return nil }
                i += 1
            case .year4:
                guard let v = digits(4, least: 4) else { return nil }
                year = v
            case .year2:
                guard let v = digits(2, least: 2) else { return nil }
                year = v < 70 ? 2000 + v : 1900 + v
            case .month:
                guard let v = digits(2, least: 1) else { return nil }
                month = v
            case .day:
                guard let v = digits(2, least: 1) else { return nil }
                dayOfMonth = v
            case .monthName:
                guard i + 3 <= b.count else { return nil }
                let word = (0..<3).map { asciiLower(b[i + $0]) }
                guard let m = DateFormat.monthNames.firstIndex(of: word) else { return nil }
                month = m + 1
                i += 3
                // A full name (January) reads too.
                while i < b.count, (asciiLower(b[i]) >= 97 && asciiLower(b[i]) <= 122) || b[i] == 46 { i += 1 }
            }
        }
        // A time after the date is dropped.
        if i < b.count, b[i] != 32, b[i] != 84, b[i] != 116 { return nil }
        guard (1...12).contains(month), dayOfMonth >= 1, dayOfMonth <= Day.daysIn(year: year, month: month) else { return nil }
        return Day.fromCivil(year: year, month: month, day: dayOfMonth)
    }
}
