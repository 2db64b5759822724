import Foundation
import Testing
@testable import FolioCore

/// Reads the workbooks in Tests/Fixtures/xlsx (see make_fixtures.py there for how each was
/// made), damaged ones too, and round-trips frames through XLSXWriter and XLSXReader.
@Suite struct XLSXTests {
    static let folder = Fixtures.root.appendingPathComponent("Tests/Fixtures/xlsx")

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.folder.appendingPathComponent(name)))
    }

    func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { Day.fromCivil(year: y, month: m, day: d) }

    /// The rows by row number.
    func rows(_ sheet: XLSXSheet) -> [Int: [XLSXCell]] {
        Dictionary(sheet.rows.map { ($0.number, $0.cells) }, uniquingKeysWith: { a, _ in a })
    }

    /// The error reading `bytes` gives, or nil when it reads.
    func readError(_ bytes: [UInt8], sheet: String? = nil) -> XLSXError? {
        do {
            _ = try XLSXReader.read(bytes, sheet: sheet)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - A workbook saved the way Excel saves

    @Test func excelStyleWorkbookCellByCell() throws {
        let sheet = try XLSXReader.read(try fixture("excel_style.xlsx"), sheet: nil)
        #expect(sheet.name == "Data")
        // Row 4 holds only a styled empty cell and row 7 is absent: both left out.
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 5, 6, 8, 9, 10])
        #expect(sheet.rows.allSatisfy { $0.cells.count == 6 })
        let r = rows(sheet)
        #expect(r[1] == [.string("Name"), .string("Amount"), .string("When"), .string("Note"), .empty, .empty])
        // Rich text runs joined; 0.00 is a number; m/d/yyyy is a date; an inline string.
        #expect(r[2] == [.string("Bold and italic"), .number(1234.5), .date(day: day(2024, 1, 1), seconds: 0),
                         .string("inline text"), .empty, .empty])
        // Preserved spaces; a formula's cached number; a date-time; a string formula's cached text.
        #expect(r[3] == [.string("  padded  "), .number(2469), .date(day: day(2024, 1, 1), seconds: 18 * 3600),
                         .string("xName"), .empty, .empty])
        // Merged A5:B5: the value in A5, B5 empty. The phonetic guide is not part of the text.
        #expect(r[5] == [.string("東京"), .empty, .error("#DIV/0!"), .bool(true), .empty, .empty])
        // A row and cells without r: they follow the previous ones; E6 jumps, F6 follows it.
        #expect(r[6] == [.string("first"), .number(2), .empty, .empty, .number(5), .number(6)])
        // Custom yyyy\-mm\-dd; dd/mm/yyyy hh:mm; serial 60 (the phantom 1900-02-29) as 02-28;
        // [h]:mm is a duration and 0.00" d" a number; a formula never calculated is empty.
        #expect(r[8] == [.date(day: day(1900, 3, 1), seconds: 0), .date(day: day(2023, 3, 15), seconds: 12 * 3600),
                         .date(day: day(1900, 2, 28), seconds: 0), .number(1.5), .number(2), .empty])
        // A time alone (built-in 47) is a time on serial 0's day; _x000D_ decoded; entities;
        // t="d" ISO text; a [$-409] locale section before a date; a [Red] section before a number.
        #expect(r[9] == [.date(day: day(1899, 12, 31), seconds: 12 * 3600), .string("line one\r\nline two"),
                         .string("A & B <c>"), .date(day: day(2024, 2, 29), seconds: 12 * 3600),
                         .date(day: day(2024, 6, 14), seconds: 0), .number(1234)])
        // Serials 59 and 1 before the phantom day; #,##0.00 is a number.
        #expect(r[10] == [.date(day: day(1900, 2, 28), seconds: 0), .date(day: day(1900, 1, 1), seconds: 0),
                          .number(1234567.891), .empty, .empty, .empty])
    }

    @Test func sheetNamesInWorkbookOrder() throws {
        #expect(try XLSXReader.sheetNames(try fixture("excel_style.xlsx")) == ["Data", "Other"])
        #expect(try XLSXReader.sheetNames(try fixture("openpyxl_types.xlsx")) == ["Types", "Second", "Third Sheet"])
    }

    @Test func sheetByNameWithAnAbsoluteTargetAndPrefixedElements() throws {
        let other = try XLSXReader.read(try fixture("excel_style.xlsx"), sheet: "Other")
        #expect(other.name == "Other")
        #expect(other.rows.count == 1)
        #expect(other.rows.first?.number == 2)
        #expect(other.rows.first?.cells == [.empty, .string("Note")])
    }

    @Test func aMissingSheetListsTheSheetsThereAre() throws {
        let bytes = try fixture("excel_style.xlsx")
        // Names match exactly: "data" is not "Data".
        let error = try #require(readError(bytes, sheet: "data"))
        #expect(error.description == #"the workbook has no sheet named "data"; its sheets are "Data", "Other""#)
    }

    @Test func the1904DateSystem() throws {
        let sheet = try XLSXReader.read(try fixture("excel_1904.xlsx"), sheet: nil)
        #expect(sheet.name == "Mac")
        #expect(sheet.rows.first?.cells == [
            .date(day: day(1904, 1, 1), seconds: 0),
            .date(day: day(1905, 1, 1), seconds: 0),
            .date(day: day(2027, 3, 16), seconds: 6 * 3600),
            // No phantom day in 1904: serial 60 is simply 60 days on.
            .date(day: day(1904, 3, 1), seconds: 0),
        ])
    }

    @Test func unusualButLegalPackaging() throws {
        let sheet = try XLSXReader.read(try fixture("quirks.xlsx"), sheet: "Quirks")
        #expect(sheet.rows.first?.cells == [.string("<raw> & text"), .number(7), .string("odd")])
    }

    // MARK: - A workbook written by openpyxl

    @Test func openpyxlWorkbook() throws {
        let bytes = try fixture("openpyxl_types.xlsx")
        let sheet = try XLSXReader.read(bytes, sheet: nil)
        #expect(sheet.name == "Types")
        let values = Dictionary(sheet.rows.compactMap { row -> (String, XLSXCell)? in
            guard case .string(let kind) = row.cells[0] else { return nil }
            return (kind, row.cells[1])
        }, uniquingKeysWith: { a, _ in a })
        #expect(values["kind"] == .string("value"))
        #expect(values["string"] == .string("Müller & Söhne <GmbH>"))
        #expect(values["int"] == .number(42))
        #expect(values["float"] == .number(-1234.5))
        #expect(values["bool"] == .bool(true))
        #expect(values["date"] == .date(day: day(2026, 6, 15), seconds: 0))
        #expect(values["datetime"] == .date(day: day(2026, 6, 15), seconds: 13 * 3600 + 45 * 60 + 30))
        // openpyxl writes `<f>1+1</f><v/>`: no cached value, so no value.
        #expect(values["formula"] == .empty)
        #expect(values["custom date"] == .date(day: day(2024, 2, 29), seconds: 0))
        #expect(values["duration"] == .number(1.5))
        #expect(values["two decimals"] == .number(3.25))

        let third = try XLSXReader.read(bytes, sheet: "Third Sheet")
        #expect(third.rows.count == 1)
        #expect(third.rows.first?.number == 3)
        #expect(third.rows.first?.cells == [.empty, .empty, .number(7)])
    }

    // MARK: - Damaged input

    @Test func damagedWorkbooksThrowClearErrors() throws {
        let cases: [(String, String)] = [
            ("damaged_no_workbook.xlsx", "the archive has no xl/workbook.xml"),
            ("damaged_truncated_xml.xlsx", "xl/worksheets/sheet1.xml in the workbook ends before its XML is complete"),
            ("damaged_bad_xml.xlsx", "xl/worksheets/sheet1.xml in the workbook is not well-formed XML (line 2"),
            ("damaged_missing_sheet.xlsx", #"the workbook lists sheet "Sheet1" but its part (xl/worksheets/sheet1.xml) is missing"#),
            ("damaged_workbook_xml.xlsx", "xl/workbook.xml in the workbook is not well-formed XML (line 2, column 329): a name missing after < or &"),
        ]
        for (name, expected) in cases {
            let error = readError(try fixture(name))
            #expect(error?.description.contains(expected) == true, "\(name): \(error?.description ?? "no error")")
        }
        let index = try #require(readError(try fixture("damaged_bad_string_index.xlsx")))
        #expect(index.cell == "C1")
        #expect(index.description == #"sheet "Sheet1", cell C1: shared string 99 does not exist (the workbook has 9)"#)
    }

    @Test func bytesThatAreNoWorkbook() {
        // A fixed-seed generator: the same "random" bytes on every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let random = (0..<4096).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        #expect(readError(random)?.message == "not an .xlsx workbook: the file is not a ZIP archive")
        #expect(readError([])?.message == "not an .xlsx workbook: the file is not a ZIP archive")
        #expect(readError(Array("id,name\n1,Ann\n".utf8)) != nil)
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        #expect(readError(ole)?.message.contains("old-style .xls") == true)
        // A ZIP signature and nothing sound after it.
        #expect(readError([0x50, 0x4B, 0x03, 0x04] + random)?.message.hasPrefix("not an .xlsx workbook") == true)
        do {
            _ = try XLSXReader.sheetNames(random)
            Issue.record("random bytes gave sheet names")
        } catch {
            #expect(error.message.hasPrefix("not an .xlsx workbook"))
        }
    }

    @Test func truncatedWorkbooks() throws {
        let bytes = try fixture("excel_style.xlsx")
        for length in [10, 100, bytes.count / 2, bytes.count - 30, bytes.count - 1] {
            #expect(readError(Array(bytes.prefix(length))) != nil, "cut to \(length) bytes")
        }
    }

    /// Every byte of a workbook changed in turn: each read either succeeds or throws
    /// XLSXError (a trap would end the test run).
    @Test func corruptedBytesNeverTrap() throws {
        let bytes = try fixture("excel_style.xlsx")
        var failures = 0
        for i in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[i] ^= 0x5A
            if readError(damaged) != nil { failures += 1 }
        }
        #expect(failures > 0)
    }

    // MARK: - The pieces

    @Test func dateFormatCodes() {
        let dates = ["yyyy-mm-dd", "m/d/yy", "dd/mm/yyyy hh:mm", "h:mm AM/PM", "mmm d", "[$-409]mmmm d, yyyy;@",
                     "[Red]yyyy", #"yyyy\-mm\-dd"#, "ss.0", "D MMM YYYY"]
        let numbers = ["0.00", "General", "#,##0.00", "[h]:mm", "[mm]:ss", "[ss]", #"0.00" days""#, #"\d0"#,
                       "[Red]#,##0;\\-#,##0", "0.0E+00", "@", "_-* #,##0_-", ""]
        for code in dates { #expect(XLSXNumberFormat.isDateCode(code), "\(code)") }
        for code in numbers { #expect(!XLSXNumberFormat.isDateCode(code), "\(code)") }
        #expect(XLSXNumberFormat.isDate(id: 14, code: nil))
        #expect(XLSXNumberFormat.isDate(id: 57, code: nil))
        #expect(!XLSXNumberFormat.isDate(id: 2, code: nil))
        #expect(!XLSXNumberFormat.isDate(id: 164, code: nil))
        // A declared code wins over the built-in meaning of its id.
        #expect(!XLSXNumberFormat.isDate(id: 14, code: "0.00"))
    }

    @Test func dateSerials() {
        let s1900 = XLSXDateSystem.from1900
        #expect(s1900.date(serial: 1)?.day == day(1900, 1, 1))
        #expect(s1900.date(serial: 59)?.day == day(1900, 2, 28))
        #expect(s1900.date(serial: 60)?.day == day(1900, 2, 28))
        #expect(s1900.date(serial: 61)?.day == day(1900, 3, 1))
        #expect(s1900.date(serial: 25569)?.day == 0)
        #expect(s1900.date(serial: 2_958_465)?.day == day(9999, 12, 31))
        #expect(s1900.date(serial: 2_958_466) == nil)
        #expect(s1900.date(serial: -1) == nil)
        #expect(s1900.date(serial: .nan) == nil)
        // Seconds round to the nearest; a hair before midnight is the next day.
        #expect(s1900.date(serial: 45292.5 + 0.4 / 86_400).map { [Int($0.day), $0.seconds] } == [Int(day(2024, 1, 1)), 43200])
        #expect(s1900.date(serial: 45292.999_999_999).map { [Int($0.day), $0.seconds] } == [Int(day(2024, 1, 2)), 0])
        #expect(s1900.serial(day: day(1900, 1, 1)) == 1)
        #expect(s1900.serial(day: day(1900, 2, 28)) == 59)
        #expect(s1900.serial(day: day(1900, 3, 1)) == 61)
        #expect(s1900.serial(day: 0) == 25569)
        #expect(s1900.serial(day: day(1899, 12, 31)) == nil)
        let s1904 = XLSXDateSystem.from1904
        #expect(s1904.date(serial: 0)?.day == day(1904, 1, 1))
        #expect(s1904.serial(day: day(1904, 1, 1)) == 0)
        #expect(s1904.serial(day: 0) == 24107)
        // Every day from 1900-03-01 to 2100 goes there and back.
        for d in stride(from: day(1900, 3, 1), through: day(2100, 1, 1), by: 37) {
            #expect(s1900.serial(day: d).flatMap { s1900.date(serial: Double($0))?.day } == d)
        }
    }

    @Test func cellReferences() {
        #expect(XLSXCellReference.parse("A1")?.column == 0)
        #expect(XLSXCellReference.parse("C5")?.row == 5)
        #expect(XLSXCellReference.parse("AB12")?.column == 27)
        #expect(XLSXCellReference.parse("XFD1048576")?.column == 16_383)
        #expect(XLSXCellReference.parse("$B$3")?.column == 1)
        #expect(XLSXCellReference.parse("XFE1") == nil)
        #expect(XLSXCellReference.parse("1A") == nil)
        #expect(XLSXCellReference.parse("") == nil)
        #expect(XLSXCellReference.parse("A1B") == nil)
        #expect([0, 25, 26, 27, 701, 702, 16_383].map(XLSXCellReference.columnName) == ["A", "Z", "AA", "AB", "ZZ", "AAA", "XFD"])
    }

    @Test func textEscapes() {
        #expect(XLSXText.unescaped("a_x000D_b_x0009_") == "a\rb\t")
        #expect(XLSXText.unescaped("_x005F_x0041_") == "_x0041_")
        #expect(XLSXText.unescaped("_xD83D__xDE00_") == "😀")
        #expect(XLSXText.unescaped("_x12_ and _xZZZZ_") == "_x12_ and _xZZZZ_")
        for text in ["plain", "a\u{1}b\u{1F}", "cr\r\nlf", "_x0041_", "snake_case_x", "😀 é", "\u{FFFE}"] {
            let escaped = XLSXText.escaped(text)
            #expect(!escaped.unicodeScalars.contains { XLSXText.isForbidden($0) || $0 == "\r" }, "\(text.debugDescription)")
            #expect(XLSXText.unescaped(escaped) == text, "\(text.debugDescription) → \(escaped)")
        }
    }

    // MARK: - Writing

    static let region = EnumDomain(name: "accounts.region", declared: ["EMEA", "AMER", "APAC"])

    /// One column per value type: the frame check_written.py describes.
    static let pipeline = Frame(
        columns: [
            OutputColumn(name: "id", type: .int),
            OutputColumn(name: "name", type: .string),
            OutputColumn(name: "arr", type: .money),
            OutputColumn(name: "score", type: .decimal),
            OutputColumn(name: "renewal", type: .date),
            OutputColumn(name: "active", type: .bool),
            OutputColumn(name: "region", type: .enumeration(region)),
            OutputColumn(name: "products", type: .list),
        ],
        values: [
            [.int(1), .int(2), .int(3)],
            [.string("Acme & Co <x>"), .string("  spaced  "), .null],
            [.money(125_000_050), .money(-5), .null],
            [.decimal(3.5), .decimal(-0.000125), .null],
            [.date(Day.fromCivil(year: 2026, month: 6, day: 15)), .date(Day.fromCivil(year: 1900, month: 1, day: 1)), .null],
            [.bool(true), .bool(false), .null],
            [.enumeration(0, "EMEA"), .enumeration(1, "AMER"), .null],
            [.list(["Analytics", "CRM"]), .list([]), .null],
        ])

    @Test func roundTripEveryValueType() throws {
        let bytes = try XLSXWriter.write(Self.pipeline, sheetName: "Pipeline")
        #expect(try XLSXReader.sheetNames(bytes) == ["Pipeline"])
        let sheet = try XLSXReader.read(bytes, sheet: "Pipeline")
        #expect(sheet.rows.map(\.number) == [1, 2, 3, 4])
        #expect(sheet.rows[0].cells == Self.pipeline.columns.map { .string($0.name) })
        #expect(sheet.rows[1].cells == [
            .number(1), .string("Acme & Co <x>"), .number(1_250_000.5), .number(3.5),
            .date(day: day(2026, 6, 15), seconds: 0), .bool(true), .string("EMEA"), .string("Analytics;CRM"),
        ])
        #expect(sheet.rows[2].cells == [
            .number(2), .string("  spaced  "), .number(-0.05), .number(-0.000125),
            .date(day: day(1900, 1, 1), seconds: 0), .bool(false), .string("AMER"), .string(""),
        ])
        // Nulls are no cells at all.
        #expect(sheet.rows[3].cells == [.number(3)] + Array(repeating: .empty, count: 7))
    }

    @Test func roundTripAwkwardValues() throws {
        let texts = ["a\u{1}b", "line\r\nbreak", "tab\there", "_x0041_ literal", "😀 Ünïcödé", " lead", "trail ", "]]>", "\"q\" & 'a'"]
        let early = Day.fromCivil(year: 1899, month: 12, day: 31)
        let frame = Frame(
            columns: [OutputColumn(name: "text", type: .string), OutputColumn(name: "number", type: .decimal),
                      OutputColumn(name: "when", type: .date), OutputColumn(name: "big", type: .int)],
            values: [
                texts.map { .string($0) },
                [.decimal(.nan), .decimal(.infinity), .decimal(1e-300), .decimal(1.0 / 3), .decimal(-0.0),
                 .decimal(1e20), .decimal(123_456_789.125), .decimal(0), .decimal(2.5)],
                [.date(early), .date(Day.fromCivil(year: 9999, month: 12, day: 31)), .date(0), .null, .null,
                 .null, .null, .null, .null],
                [.int(Int64(1) << 53), .int(-7), .null, .null, .null, .null, .null, .null, .null],
            ])
        let sheet = try XLSXReader.read(try XLSXWriter.write(frame), sheet: "Result")
        let body = sheet.rows.dropFirst()
        #expect(body.map { $0.cells[0] } == texts.map { .string($0) })
        #expect(body.map { $0.cells[1] } == [.error("#NUM!"), .error("#NUM!"), .number(1e-300), .number(1.0 / 3), .number(-0.0),
                                           .number(1e20), .number(123_456_789.125), .number(0), .number(2.5)])
        // Before 1900 a sheet has no date serial: the date is kept as its text.
        #expect(body.map { $0.cells[2] }.prefix(3) == [.string("1899-12-31"), .date(day: day(9999, 12, 31), seconds: 0),
                                                    .date(day: 0, seconds: 0)])
        #expect(body.first?.cells[3] == .number(9_007_199_254_740_992))
    }

    @Test func headerBoldFrozenAndWidths() throws {
        let package = try XLSXPackage(try XLSXWriter.write(Self.pipeline))
        let sheet = String(decoding: try #require(try package.part("xl/worksheets/sheet1.xml")), as: UTF8.self)
        let styles = String(decoding: try #require(try package.part("xl/styles.xml")), as: UTF8.self)
        #expect(sheet.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        // The header cells use style 1, whose font (1) is bold.
        #expect(sheet.contains(#"<c r="A1" s="1" t="s"><v>0</v></c>"#))
        #expect(styles.contains(#"<font><b/>"#))
        #expect(styles.contains(#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#))
        // id: short, so the minimum 8; name: 13 characters and 2 of margin.
        #expect(sheet.contains(#"<col min="1" max="1" width="8" customWidth="1"/>"#))
        #expect(sheet.contains(#"<col min="2" max="2" width="15" customWidth="1"/>"#))
        // arr: 1,250,000.50 is 12 characters.
        #expect(sheet.contains(#"<col min="3" max="3" width="14" customWidth="1"/>"#))
        for part in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/sharedStrings.xml"] {
            #expect(package.contains(part), "\(part)")
        }
        let long = Frame(columns: [OutputColumn(name: String(repeating: "x", count: 200), type: .string)], values: [[]])
        let clamped = String(decoding: try #require(try XLSXPackage(try XLSXWriter.write(long)).part("xl/worksheets/sheet1.xml")), as: UTF8.self)
        #expect(clamped.contains(#"width="60""#))
    }

    @Test func sameFrameSameBytes() throws {
        #expect(try XLSXWriter.write(Self.pipeline) == XLSXWriter.write(Self.pipeline))
    }

    @Test func sheetNamesExcelWouldRefuseAreMended() throws {
        #expect(XLSXWriter.validSheetName("Q3: a/b [draft]?") == "Q3_ a_b _draft__")
        #expect(XLSXWriter.validSheetName(String(repeating: "n", count: 40)) == String(repeating: "n", count: 31))
        #expect(XLSXWriter.validSheetName("'quoted'") == "quoted")
        #expect(XLSXWriter.validSheetName("  ") == "Result")
        #expect(try XLSXReader.sheetNames(XLSXWriter.write(Self.pipeline, sheetName: "A & <B>")) == ["A & <B>"])
    }

    @Test func emptyFramesAndTooManyColumns() throws {
        let empty = try XLSXReader.read(try XLSXWriter.write(Frame(columns: [], values: [])), sheet: nil)
        #expect(empty.rows.isEmpty)
        let headerOnly = try XLSXReader.read(
            try XLSXWriter.write(Frame(columns: [OutputColumn(name: "a", type: .int)], values: [[]])), sheet: nil)
        #expect(headerOnly.rows.map(\.cells) == [[.string("a")]])
        let wide = Frame(columns: (0...16_384).map { OutputColumn(name: "c\($0)", type: .int) },
                         values: Array(repeating: [], count: 16_385))
        #expect(throws: XLSXError.self) { try XLSXWriter.write(wide) }
    }

    /// A sheet of 30,000 rows written and read back: the streaming reader on a part of a few MB.
    @Test func aLargeSheetRoundTrips() throws {
        let n = 30_000
        let frame = Frame(
            columns: [OutputColumn(name: "id", type: .int), OutputColumn(name: "name", type: .string),
                      OutputColumn(name: "when", type: .date)],
            values: [(0..<n).map { .int(Int64($0)) }, (0..<n).map { .string("account \($0 % 1000)") },
                     (0..<n).map { .date(Int32(20_000 + $0 % 365)) }])
        let sheet = try XLSXReader.read(try XLSXWriter.write(frame), sheet: nil)
        #expect(sheet.rows.count == n + 1)
        #expect(sheet.rows.last?.number == n + 1)
        #expect(sheet.rows.last?.cells == [.number(Double(n - 1)), .string("account \((n - 1) % 1000)"),
                                           .date(day: Int32(20_000 + (n - 1) % 365), seconds: 0)])
    }

    // MARK: - openpyxl reads what folio writes

    /// Whether `python3 -c 'import openpyxl'` succeeds here.
    static let hasOpenpyxl: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import openpyxl"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }()

    @Test(.enabled(if: XLSXTests.hasOpenpyxl, "skipped: python3 with openpyxl is not installed"))
    func openpyxlReadsTheWrittenWorkbook() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-xlsx-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(try XLSXWriter.write(Self.pipeline, sheetName: "Pipeline")).write(to: url)
        // The report goes to a file, not a pipe: no reading races the process's exit.
        let reportURL = url.appendingPathExtension("txt")
        defer { try? FileManager.default.removeItem(at: reportURL) }
        _ = FileManager.default.createFile(atPath: reportURL.path, contents: nil)
        let reportHandle = try FileHandle(forWritingTo: reportURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.folder.appendingPathComponent("check_written.py").path, url.path]
        process.standardOutput = reportHandle
        process.standardError = reportHandle
        try process.run()
        process.waitUntilExit()
        try reportHandle.close()
        let report = String(decoding: (try? Data(contentsOf: reportURL)) ?? Data(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "check_written.py:\n\(report)")
    }
}
