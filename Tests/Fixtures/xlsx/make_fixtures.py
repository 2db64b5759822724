#!/usr/bin/env python3
"""Writes the .xlsx fixtures that Tests/FolioCoreTests/XLSXTests.swift reads.

    python3 Tests/Fixtures/xlsx/make_fixtures.py

The generated files are checked in: `swift test` never runs this script. Two kinds:

- openpyxl_types.xlsx: written by openpyxl, as a Python user would produce one.
- excel_style.xlsx, excel_1904.xlsx: XML written by hand the way Excel saves it (shared
  strings with rich text and phonetic runs, built-in and custom date formats, inline
  strings, formulas with cached values and errors, a merged range, empty rows, cells
  without `r`), zipped with fixed timestamps so the bytes are the same on every run.
- damaged_*.xlsx: ZIP archives that are not sound workbooks, for the error tests.

The expected values live in the Swift tests; the comments here say what each cell is for.
"""

import datetime
import os
import zipfile

import openpyxl
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def openpyxl_types():
    wb = openpyxl.Workbook()
    # Fixed document times, so that regenerating changes only what changed.
    wb.properties.created = datetime.datetime(2024, 1, 1)
    wb.properties.modified = datetime.datetime(2024, 1, 1)
    ws = wb.active
    ws.title = "Types"
    ws.append(["kind", "value"])
    ws["A1"].font = Font(bold=True)
    rows = [
        ("string", "Müller & Söhne <GmbH>"),
        ("int", 42),
        ("float", -1234.5),
        ("bool", True),
        ("date", datetime.date(2026, 6, 15)),
        ("datetime", datetime.datetime(2026, 6, 15, 13, 45, 30)),
        ("formula", "=1+1"),  # openpyxl stores no cached value: reads as empty
        ("custom date", datetime.date(2024, 2, 29)),
        ("duration", 1.5),  # [h]:mm: a duration, so a number
        ("two decimals", 3.25),  # 0.00: a number
    ]
    for r in rows:
        ws.append(list(r))
    ws["B6"].number_format = "yyyy-mm-dd"
    ws["B7"].number_format = "yyyy-mm-dd hh:mm:ss"
    ws["B9"].number_format = "dd/mm/yyyy"
    ws["B10"].number_format = "[h]:mm"
    ws["B11"].number_format = "0.00"
    second = wb.create_sheet("Second")
    second["A1"] = "on the second sheet"
    third = wb.create_sheet("Third Sheet")
    third["C3"] = 7
    wb.save(os.path.join(HERE, "openpyxl_types.xlsx"))


def write_zip(name, parts):
    """Zips (path, text) pairs in order, with a fixed time so the bytes never change."""
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in parts:
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def content_types(sheets, styles_and_strings=True):
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + overrides
        + (
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if styles_and_strings
            else ""
        )
        + "</Types>"
    )


PACKAGE_RELS = (
    DECL + f'<Relationships xmlns="{PKG_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def workbook(sheets, date1904=False):
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr defaultThemeVersion="164011"/>'
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, name in enumerate(sheets)
    )
    return (
        DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        + pr
        + '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews>'
        + f"<sheets>{entries}</sheets>"
        + '<calcPr calcId="191029"/></workbook>'
    )


def workbook_rels(targets):
    n = len(targets)
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" Target="{t}"/>' for i, t in enumerate(targets)
    )
    return (
        DECL + f'<Relationships xmlns="{PKG_RELS}">'
        + rels
        + f'<Relationship Id="rId{n + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rId{n + 2}" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        + "</Relationships>"
    )


# Cell styles (the index is a cell's s=""):
#  0 General            1 built-in 14 (m/d/yyyy)     2 built-in 22 (m/d/yyyy h:mm)
#  3 custom yyyy\-mm\-dd 4 custom [h]:mm (duration)   5 built-in 2 (0.00)
#  6 custom dd/mm/yyyy hh:mm   7 custom 0.00" d" (quoted d: a number)
#  8 built-in 47 (mmss.0)      9 built-in 4 (#,##0.00)
#  10 custom [$-409]mmmm d, yyyy;@ (a locale section, then a date)
#  11 custom [Red]#,##0;\-#,##0 (a colour section: a number)
STYLES = (
    DECL + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="5">'
    '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm"/>'
    '<numFmt numFmtId="166" formatCode="dd/mm/yyyy hh:mm"/>'
    '<numFmt numFmtId="167" formatCode="0.00&quot; d&quot;"/>'
    '<numFmt numFmtId="168" formatCode="[$-409]mmmm d, yyyy;@"/>'
    '<numFmt numFmtId="169" formatCode="[Red]#,##0;\\-#,##0"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    # An <xf> here must not be counted as a cell style.
    '<cellStyleXfs count="1"><xf numFmtId="14" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="12">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="47" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

# Shared strings, by index:
#  0 Name  1 Amount  2 When  3 Note
#  4 rich text: "Bold" + " and " + "italic" in three runs
#  5 "  padded  " with xml:space="preserve"
#  6 a phonetic guide (<rPh>) that is not part of the text: "東京"
#  7 "line one_x000D_\nline two": an escaped carriage return
#  8 "A & B <c>"
SHARED = (
    DECL + f'<sst xmlns="{MAIN}" count="12" uniqueCount="9">'
    "<si><t>Name</t></si><si><t>Amount</t></si><si><t>When</t></si><si><t>Note</t></si>"
    '<si><r><rPr><b/><sz val="11"/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and </t></r>'
    '<r><rPr><i/></rPr><t>italic</t></r></si>'
    '<si><t xml:space="preserve">  padded  </t></si>'
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
    "<si><t>line one_x000D_\nline two</t></si>"
    "<si><t>A &amp; B &lt;c&gt;</t></si>"
    "</sst>"
)

# The layout, as Excel would show it:
#   row 1: Name | Amount | When | Note                      (shared strings)
#   row 2: rich text | 1234.5 (0.00) | 45292 (m/d/yyyy) | inline string
#   row 3: "  padded  " | =B2*2 cached 2469 | 45292.75 (m/d/yyyy h:mm) | ="x"&A1 cached "xName"
#   row 4: only a styled empty cell: skipped
#   row 5: merged A5:B5 holding "東京" | =1/0 cached #DIV/0! | TRUE
#   row 6: no r on the row or its cells: inline "first", 2, then E6 = 5 and (no r) F6 = 6
#   row 7: missing (rows jump to 8)
#   row 8: 61 (yyyy-mm-dd) | 45000.5 (dd/mm/yyyy hh:mm) | 60 (yyyy-mm-dd) | 1.5 ([h]:mm) | 2 (0.00" d") | =SUM() with no cached value
#   row 9: 0.5 (mmss.0) | "line one\r\nline two" | "A & B <c>" | t="d" 2024-02-29T12:00:00 | 45457 ([$-409]mmmm d, yyyy) | 1234 ([Red]#,##0)
#   row 10: 59 (m/d/yyyy) | 1 (m/d/yyyy) | 1234567.891 (#,##0.00)
SHEET1 = (
    DECL + f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<dimension ref="A1:F10"/>'
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/>'
    "<sheetData>"
    '<row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
    '<row r="2" spans="1:4"><c r="A2" t="s"><v>4</v></c><c r="B2" s="5"><v>1234.5</v></c>'
    '<c r="C2" s="1"><v>45292</v></c><c r="D2" t="inlineStr"><is><t>inline text</t></is></c></row>'
    '<row r="3" spans="1:4"><c r="A3" t="s"><v>5</v></c><c r="B3"><f>B2*2</f><v>2469</v></c>'
    '<c r="C3" s="2"><v>45292.75</v></c><c r="D3" t="str"><f>"x"&amp;A1</f><v>xName</v></c></row>'
    '<row r="4" spans="1:4"><c r="A4" s="3"/></row>'
    '<row r="5" spans="1:4"><c r="A5" t="s"><v>6</v></c><c r="B5" s="5"/>'
    '<c r="C5" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D5" t="b"><v>1</v></c></row>'
    '<row><c t="inlineStr"><is><r><t>fir</t></r><r><t>st</t></r></is></c><c><v>2</v></c>'
    '<c r="E6"><v>5</v></c><c><v>6</v></c></row>'
    '<row r="8"><c r="A8" s="3"><v>61</v></c><c r="B8" s="6"><v>45000.5</v></c>'
    '<c r="C8" s="3"><v>60</v></c><c r="D8" s="4"><v>1.5</v></c><c r="E8" s="7"><v>2</v></c>'
    '<c r="F8"><f>SUM(A1:A2)</f></c></row>'
    '<row r="9"><c r="A9" s="8"><v>0.5</v></c><c r="B9" t="s"><v>7</v></c><c r="C9" t="s"><v>8</v></c>'
    '<c r="D9" t="d"><v>2024-02-29T12:00:00</v></c><c r="E9" s="10"><v>45457</v></c>'
    '<c r="F9" s="11"><v>1234</v></c></row>'
    '<row r="10"><c r="A10" s="1"><v>59</v></c><c r="B10" s="1"><v>1</v></c>'
    '<c r="C10" s="9"><v>1234567.891</v></c></row>'
    "</sheetData>"
    '<mergeCells count="1"><mergeCell ref="A5:B5"/></mergeCells>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    "</worksheet>"
)

# A second sheet with a namespace prefix on every element, as some generators write.
SHEET2 = (
    DECL + f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
    '<x:row r="2"><x:c r="B2" t="s"><x:v>3</x:v></x:c></x:row>'
    "</x:sheetData></x:worksheet>"
)


def excel_style():
    write_zip(
        "excel_style.xlsx",
        [
            ("[Content_Types].xml", content_types(2)),
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", workbook(["Data", "Other"])),
            # The second target is absolute, as some writers give it.
            ("xl/_rels/workbook.xml.rels", workbook_rels(["worksheets/sheet1.xml", "/xl/worksheets/sheet2.xml"])),
            ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", SHARED),
            ("xl/worksheets/sheet1.xml", SHEET1),
            ("xl/worksheets/sheet2.xml", SHEET2),
        ],
    )


# The 1904 date system: serial 0 is 1904-01-01.
#   A1 0 (m/d/yyyy) | B1 366 (m/d/yyyy) | C1 45000.25 (dd/mm/yyyy hh:mm) | D1 60 (m/d/yyyy, no phantom day here)
SHEET_1904 = (
    DECL + f'<worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>366</v></c>'
    '<c r="C1" s="6"><v>45000.25</v></c><c r="D1" s="1"><v>60</v></c></row>'
    "</sheetData></worksheet>"
)


def excel_1904():
    write_zip(
        "excel_1904.xlsx",
        [
            ("[Content_Types].xml", content_types(1)),
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", workbook(["Mac"], date1904=True)),
            ("xl/_rels/workbook.xml.rels", workbook_rels(["worksheets/sheet1.xml"])),
            ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", SHARED),
            ("xl/worksheets/sheet1.xml", SHEET_1904),
        ],
    )


def quirks():
    """Legal but unusual packaging, as other writers produce it: no _rels/.rels (the workbook
    is found at its conventional path), no styles or shared strings, a relationship prefix
    other than r:, a part stored under different letter case than its relationship names, a
    UTF-8 byte-order mark, comments and processing instructions, CDATA, an undeclared prefix
    and an odd xml:space value (both only warnings to the XML parser)."""
    book = (
        DECL + f'<workbook xmlns="{MAIN}" xmlns:rel="{RELS}">'
        '<sheets><sheet name="Quirks" sheetId="1" rel:id="rId7"/></sheets></workbook>'
    )
    rels = (
        DECL + f'<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId7" Type="{RELS}/worksheet" Target="./worksheets/../worksheets/sheet1.xml"/>'
        "</Relationships>"
    )
    sheet = (
        "\ufeff" + DECL + "<!-- written by hand --><?folio ignore?>"
        f'<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<raw> & text]]></t></is></c>'
        '<y:c r="B1"><y:v>7</y:v></y:c>'
        '<c r="C1" t="inlineStr"><is><t xml:space="weird">odd</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    write_zip(
        "quirks.xlsx",
        [
            ("[Content_Types].xml", content_types(1, styles_and_strings=False)),
            ("xl/workbook.xml", book),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/Worksheets/Sheet1.xml", sheet),
        ],
    )


def damaged():
    one_cell = DECL + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    base = [
        ("[Content_Types].xml", content_types(1)),
        ("_rels/.rels", PACKAGE_RELS),
        ("xl/workbook.xml", workbook(["Sheet1"])),
        ("xl/_rels/workbook.xml.rels", workbook_rels(["worksheets/sheet1.xml"])),
        ("xl/styles.xml", STYLES),
        ("xl/sharedStrings.xml", SHARED),
    ]
    # A ZIP archive that is no workbook: no xl/workbook.xml.
    write_zip("damaged_no_workbook.xlsx", [("readme.txt", "not a workbook"), ("[Content_Types].xml", content_types(0))])
    # The sheet's XML stops half way (cut short by a failed save).
    write_zip("damaged_truncated_xml.xlsx", base + [("xl/worksheets/sheet1.xml", one_cell[: -len("</row></sheetData></worksheet>")])])
    # Tags that do not match.
    write_zip(
        "damaged_bad_xml.xlsx",
        base + [("xl/worksheets/sheet1.xml", DECL + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"></c></sheetData></worksheet>')],
    )
    # The workbook lists a sheet whose part is not in the archive.
    write_zip("damaged_missing_sheet.xlsx", base)
    # A shared-string index past the end of the table.
    write_zip(
        "damaged_bad_string_index.xlsx",
        base + [("xl/worksheets/sheet1.xml", DECL + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="C1" t="s"><v>99</v></c></row></sheetData></worksheet>')],
    )
    # workbook.xml itself is not well-formed: a bare & in a sheet name.
    bad_workbook = workbook(["Profit & Loss"])
    write_zip("damaged_workbook_xml.xlsx", [(p, bad_workbook if p == "xl/workbook.xml" else t) for p, t in base] + [("xl/worksheets/sheet1.xml", one_cell)])


if __name__ == "__main__":
    openpyxl_types()
    excel_style()
    excel_1904()
    quirks()
    damaged()
