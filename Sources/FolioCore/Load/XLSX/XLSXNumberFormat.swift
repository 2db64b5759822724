/// Whether a cell's number format shows its number as a date or time of day.
///
/// `XLSXNumberFormat.isDate(id: 14, code: nil)` (built-in `m/d/yyyy`) is true;
/// `isDate(id: 164, code: "[h]:mm")` (an elapsed duration) and `isDate(id: 2, code: nil)`
/// (`0.00`) are false.
enum XLSXNumberFormat {
    /// A format's code decides when the workbook declares one; otherwise its built-in id.
    static func isDate(id: Int, code: String?) -> Bool {
        if let code { return isDateCode(code) }
        return isBuiltInDate(id)
    }

    /// Excel's built-in date and time formats: 14–22 everywhere, 27–36 and 50–58 in East
    /// Asian locales, 45–47 the minute-and-second times.
    static func isBuiltInDate(_ id: Int) -> Bool {
        switch id {
        case 14...22, 27...36, 45...47, 50...58: true
        default: false
        }
    }

    /// True when the code has a date or time token (y, m, d, h, s) outside quoted text,
    /// `\`-escaped characters and `[...]` sections, and no elapsed-time section (`[h]`,
    /// `[mm]`, `[ss]`: a duration, not a moment).
    static func isDateCode(_ code: String) -> Bool {
        var found = false
        var scalars = code.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            switch c {
            case "\"":
                while let q = scalars.next(), q != "\"" {}
            case "\\", "_", "*":
                // An escaped literal, a space as wide as the next character, a fill character.
                _ = scalars.next()
            case "[":
                var section = ""
                while let b = scalars.next(), b != "]" { section.unicodeScalars.append(b) }
                if isElapsed(section) { return false }
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S":
                found = true
            default:
                break
            }
        }
        return found
    }

    /// `[h]`, `[hh]`, `[m]`, `[ss]`: hours, minutes or seconds counted past their usual wrap.
    private static func isElapsed(_ section: String) -> Bool {
        let lowered = section.lowercased()
        guard let first = lowered.first, "hms".contains(first) else { return false }
        return lowered.allSatisfy { $0 == first }
    }
}
