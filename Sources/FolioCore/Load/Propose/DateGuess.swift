/// How a column writes its dates, told from its values: ISO, a format (`M/D/YYYY`,
/// `DD-MM-YY`, `D.M.YYYY`, `D-MMM-YYYY`, each with or without a time after it), or
/// ambiguous — day and month both 12 or less in every value, so that either order reads.
///
/// A format is only proposed when ``DateFormat/day(_:)``, the loader's own reader, reads
/// every value with it.
enum DateGuess: Sendable, Equatable {
    case none
    /// `YYYY-MM-DD` (a time after it is dropped): the default, no format needed.
    case iso(latest: Int32)
    /// A format, and a value that shows the order (`20-10-16`: the day comes first), if any.
    case format(String, evidence: String?, latest: Int32)
    /// Either order reads every value: the two formats, and an example.
    case ambiguous(dayFirst: String, monthFirst: String, example: String)

    var isDate: Bool {
        switch self {
        case .iso, .format: true
        case .none, .ambiguous: false
        }
    }

    /// The format to write in folio.json (nil for ISO and non-dates).
    var format: String? {
        if case .format(let f, _, _) = self { return f }
        return nil
    }

    var latest: Int32? {
        switch self {
        case .iso(let d), .format(_, _, let d): d
        default: nil
        }
    }

    /// The parts of one date written with separators: numbers or a month name.
    struct Shape: Hashable {
        var separator: UInt8
        /// `ymd`, `xyY` (two numbers, then the year), `dMonY`, `monDY`.
        var order: String
        var yearDigits: Int
    }

    /// How a column's (distinct, non-null) values write dates, if they are dates.
    static func guess(_ values: [String]) -> DateGuess {
        var latest = Day.null
        var shape: Shape?
        var maxFirst = 0, maxSecond = 0
        var firstPadded = true, secondPadded = true, differ = false
        var dayFirstExample: String?, monthFirstExample: String?, ambiguousExample: String?
        var nonISO: [String] = []
        for value in values {
            let text = value.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if let d = iso(text) {
                latest = max(latest, d)
                continue
            }
            guard let (s, a, b, aText, bText) = parts(text) else { return .none }
            if let shape, shape != s { return .none }
            shape = s
            nonISO.append(text)
            if s.order == "xyY" {
                maxFirst = max(maxFirst, a)
                maxSecond = max(maxSecond, b)
                if aText.count != 2 { firstPadded = false }
                if bText.count != 2 { secondPadded = false }
                if a != b { differ = true }
                if a > 12, dayFirstExample == nil { dayFirstExample = text }
                if b > 12, monthFirstExample == nil { monthFirstExample = text }
                if a != b, a <= 12, b <= 12, ambiguousExample == nil { ambiguousExample = text }
            } else {
                if aText.count != 2 { firstPadded = false }
                if bText.count != 2 { secondPadded = false }
            }
        }
        guard let shape else { return latest == Day.null ? .none : .iso(latest: latest) }
        let sep = String(decoding: [shape.separator], as: UTF8.self)
        let year = shape.yearDigits == 4 ? "YYYY" : "YY"
        let candidate: String
        var evidence: String?
        switch shape.order {
        case "ymd":
            candidate = ["YYYY", firstPadded ? "MM" : "M", secondPadded ? "DD" : "D"].joined(separator: sep)
        case "dMonY":
            candidate = [firstPadded ? "DD" : "D", "MMM", year].joined(separator: sep)
        case "monDY":
            candidate = ["MMM", secondPadded ? "DD" : "D", year].joined(separator: sep)
        default:
            let day = { (padded: Bool) in padded ? "DD" : "D" }, month = { (padded: Bool) in padded ? "MM" : "M" }
            let dayFirst = [day(firstPadded), month(secondPadded), year].joined(separator: sep)
            let monthFirst = [month(firstPadded), day(secondPadded), year].joined(separator: sep)
            if maxFirst > 12, maxSecond > 12 { return .none }
            if maxFirst > 12 {
                candidate = dayFirst
                evidence = dayFirstExample
            } else if maxSecond > 12 {
                candidate = monthFirst
                evidence = monthFirstExample
            } else if differ {
                return .ambiguous(dayFirst: dayFirst, monthFirst: monthFirst, example: ambiguousExample ?? nonISO[0])
            } else {
                // Day and month are the same number in every value: either order reads them alike.
                candidate = monthFirst
            }
        }
        guard case .success(let format) = DateFormat.parse(candidate) else { return .none }
        for text in nonISO {
            var t = text
            guard let d = t.withUTF8({ format.day($0) }) else { return .none }
            latest = max(latest, d)
        }
        return .format(candidate, evidence: evidence, latest: latest)
    }

    /// An ISO date, with or without a time after it.
    static func iso(_ text: String) -> Int32? {
        var t = text
        return t.withUTF8 { CellParse.date($0) }
    }

    /// `10/20/2016` → (M/D/Y-like shape, 10, 20); a time after a space or `T` is ignored.
    static func parts(_ text: String) -> (Shape, Int, Int, Substring, Substring)? {
        var datePart = Substring(text)
        // A time follows a space, or a `T` before a digit (not the T of `OCT`).
        let chars = Array(text)
        if let cut = chars.indices.first(where: { chars[$0] == " " || (chars[$0] == "T" && $0 + 1 < chars.count && chars[$0 + 1].isNumber) }) {
            datePart = Substring(String(chars[..<cut]))
            guard cut + 1 < chars.count, chars[cut + 1].isNumber else { return nil }
        }
        guard let sepChar = datePart.first(where: { $0 == "/" || $0 == "-" || $0 == "." }),
              let sep = sepChar.asciiValue else { return nil }
        let pieces = datePart.split(separator: sepChar, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces.allSatisfy({ !$0.isEmpty }) else { return nil }
        let numeric = pieces.map { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        let isMonthName = pieces.map { p in
            p.count >= 3 && p.allSatisfy(\.isLetter) && DateFormat.monthNames.contains(Array(p.prefix(3).lowercased().utf8))
        }
        func yearDigits(_ p: Substring) -> Int? { p.count == 4 || p.count == 2 ? p.count : nil }
        if numeric[0], numeric[1], numeric[2] {
            let a = Int(pieces[0]) ?? 0, b = Int(pieces[1]) ?? 0
            if pieces[0].count == 4 {
                guard pieces[1].count <= 2, pieces[2].count <= 2 else { return nil }
                return (Shape(separator: sep, order: "ymd", yearDigits: 4), b, Int(pieces[2]) ?? 0, pieces[1], pieces[2])
            }
            guard pieces[0].count <= 2, pieces[1].count <= 2, let y = yearDigits(pieces[2]), a >= 1, b >= 1, a <= 31, b <= 31 else { return nil }
            return (Shape(separator: sep, order: "xyY", yearDigits: y), a, b, pieces[0], pieces[1])
        }
        if numeric[0], isMonthName[1], numeric[2], pieces[0].count <= 2, let y = yearDigits(pieces[2]) {
            return (Shape(separator: sep, order: "dMonY", yearDigits: y), Int(pieces[0]) ?? 0, 0, pieces[0], "")
        }
        if isMonthName[0], numeric[1], numeric[2], pieces[1].count <= 2, let y = yearDigits(pieces[2]) {
            return (Shape(separator: sep, order: "monDY", yearDigits: y), 0, Int(pieces[1]) ?? 0, "", pieces[1])
        }
        return nil
    }
}
