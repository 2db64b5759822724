/// How a workbook counts days: serial numbers from 1900 (Excel's default) or from 1904.
///
/// In the 1900 system serial 1 is 1900-01-01 and serial 61 is 1900-03-01, because Excel
/// (copying Lotus 1-2-3) counts a 1900-02-29 that never was: serial 60. That day reads as
/// 1900-02-28, the day it would have followed, as openpyxl reads it; serials 59 and 60 are
/// then the same day. Serial 0 reads as 1899-12-31, so a time of day alone (`0.75`, styled
/// `h:mm`) is 18:00 on that day. In the 1904 system (`<workbookPr date1904="1"/>`, old Mac
/// workbooks) serial 0 is 1904-01-01 and there is no phantom day.
enum XLSXDateSystem: Sendable {
    case from1900
    case from1904

    /// Serial 25569 is 1970-01-01, `Day` 0, from 1900-03-01 on.
    private static let offset1900 = 25569
    /// The `Day` of 1900-03-01, the first day after the phantom 1900-02-29.
    private static let march1900 = Int(Day.fromCivil(year: 1900, month: 3, day: 1))
    private static let january1900 = Int(Day.fromCivil(year: 1900, month: 1, day: 1))
    private static let january1904 = Int(Day.fromCivil(year: 1904, month: 1, day: 1))
    /// Excel shows no date after 9999-12-31.
    private static let lastDay = Int(Day.fromCivil(year: 9999, month: 12, day: 31))

    /// The calendar day and the seconds into it of a serial; nil for a serial that is no
    /// date Excel shows (negative, past 9999, not finite), which then stays a number.
    ///
    /// `XLSXDateSystem.from1900.date(serial: 45823.75)` is 2025-06-15 at 18:00, i.e.
    /// `(day: 20254, seconds: 64800)`.
    func date(serial: Double) -> (day: Int32, seconds: Int)? {
        guard serial.isFinite, serial >= 0, serial < 3_000_000 else { return nil }
        var whole = Int(serial.rounded(.down))
        // To the nearest second, so 0.999999 of a day (float noise in a formula) is midnight next day.
        var seconds = Int(((serial - Double(whole)) * 86_400).rounded())
        if seconds >= 86_400 {
            whole += 1
            seconds -= 86_400
        }
        let day: Int
        switch self {
        case .from1900: day = whole >= 60 ? whole - Self.offset1900 : whole - Self.offset1900 + 1
        case .from1904: day = whole + Self.january1904
        }
        guard day <= Self.lastDay else { return nil }
        return (Int32(day), seconds)
    }

    /// The whole serial of a calendar day, or nil before the first day the system can show
    /// (1900-01-01 or 1904-01-01) or after 9999-12-31.
    func serial(day: Int32) -> Int? {
        let day = Int(day)
        guard day <= Self.lastDay else { return nil }
        switch self {
        case .from1900:
            if day >= Self.march1900 { return day + Self.offset1900 }
            return day >= Self.january1900 ? day + Self.offset1900 - 1 : nil
        case .from1904:
            return day >= Self.january1904 ? day - Self.january1904 : nil
        }
    }
}
