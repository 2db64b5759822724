import Testing
@testable import FolioCore

@Suite struct DayTests {
    @Test func roundTrips() {
        for text in ["1970-01-01", "2000-02-29", "2026-06-15", "1899-12-31", "2400-12-31"] {
            let d = Day.parse(text)
            #expect(d != nil)
            #expect(d.map(Day.format) == text)
        }
        #expect(Day.parse("1970-01-01") == 0)
    }

    /// The month table (1900–2199) and the general formula agree on every day in and around it.
    @Test func everyDayFromTheTableMatchesTheFormula() {
        for y in 1898...2202 {
            for m in 1...12 {
                for d in 1...31 {
                    let text = String(format: "%04d-%02d-%02d", y, m, d)
                    let expected: Int32? = d <= Day.daysIn(year: y, month: m) ? Day.fromCivil(year: y, month: m, day: d) : nil
                    #expect(Day.parse(text) == expected, "\(text)")
                }
            }
        }
    }

    @Test func rejectsImpossibleDates() {
        for text in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-01", "2026/01/01"] {
            #expect(Day.parse(text) == nil, "\(text)")
        }
    }

    @Test func monthArithmeticClamps() throws {
        let jan31 = try #require(Day.parse("2026-01-31"))
        #expect(Day.format(Day.addMonths(jan31, 1)) == "2026-02-28")
        #expect(Day.format(Day.addMonths(jan31, -2)) == "2025-11-30")
        let leap = try #require(Day.parse("2024-02-29"))
        #expect(Day.format(Day.addMonths(leap, 12)) == "2025-02-28")
    }

    @Test func weeksStartOnMonday() throws {
        let sunday = try #require(Day.parse("2026-06-14"))
        #expect(Day.weekday(sunday) == 6)
        #expect(Day.format(Day.startOf(sunday, .week)) == "2026-06-08")
    }

    @Test func fiscalYearsAreNamedForTheirEnd() throws {
        let d = try #require(Day.parse("2026-06-15"))
        #expect(Day.fiscalYear(d, start: 2).year == 2027)
        #expect(Day.format(Day.fiscalYear(d, start: 2).first) == "2026-02-01")
        let jan = try #require(Day.parse("2027-01-31"))
        #expect(Day.fiscalYear(jan, start: 2).year == 2027)
        #expect(Day.fiscalQuarter(d, start: 2) == 2)
        #expect(Day.fiscalYear(d, start: 1).year == 2026)
    }
}
