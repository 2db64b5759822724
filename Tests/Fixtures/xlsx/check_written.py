#!/usr/bin/env python3
"""Checks, with openpyxl, a workbook that folio's XLSXWriter wrote for the frame below.

    python3 Tests/Fixtures/xlsx/check_written.py /tmp/written.xlsx

XLSXTests.openpyxlReadsTheWrittenWorkbook builds this frame, writes it and runs the script;
the two descriptions must be kept alike. Exits 0 when every check passes; otherwise prints
each failure and exits 1.

The frame (sheet "Pipeline"), one column per value type:
    id       int      1, 2, 3
    name     string   "Acme & Co <x>", "  spaced  ", null
    arr      money    1250000.50, -0.05, null
    score    decimal  3.5, -0.000125, null
    renewal  date     2026-06-15, 1900-01-01, null
    active   bool     true, false, null
    region   enum     EMEA, AMER, null
    products list     [Analytics, CRM], [], null
"""

import datetime
import sys

import openpyxl

EXPECTED = {
    "id": [1, 2, 3],
    "name": ["Acme & Co <x>", "  spaced  ", None],
    "arr": [1250000.5, -0.05, None],
    "score": [3.5, -0.000125, None],
    "renewal": [datetime.datetime(2026, 6, 15), datetime.datetime(1900, 1, 1), None],
    "active": [True, False, None],
    "region": ["EMEA", "AMER", None],
    "products": ["Analytics;CRM", "", None],
}
# openpyxl's data_type: n number, s string, b boolean, d date (a number styled as a date).
TYPES = {"id": "n", "name": "s", "arr": "n", "score": "n", "renewal": "d", "active": "b", "region": "s", "products": "s"}
FORMATS = {"arr": "#,##0.00", "renewal": "yyyy-mm-dd"}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def main(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Pipeline"], f"sheet names {wb.sheetnames}")
    ws = wb.worksheets[0]
    check(ws.freeze_panes == "A2", f"freeze panes {ws.freeze_panes!r}, expected 'A2'")
    check(ws.max_row == 4, f"{ws.max_row} rows, expected 4 (header and 3)")
    check(ws.max_column == len(EXPECTED), f"{ws.max_column} columns, expected {len(EXPECTED)}")
    for col, (name, values) in enumerate(EXPECTED.items(), start=1):
        header = ws.cell(row=1, column=col)
        check(header.value == name, f"header {col}: {header.value!r}, expected {name!r}")
        check(bool(header.font and header.font.b), f"header {name} is not bold")
        letter = header.column_letter
        width = ws.column_dimensions[letter].width
        check(width is not None and 8 <= width <= 60, f"column {name}: width {width} outside 8…60")
        for row, expected in enumerate(values, start=2):
            cell = ws.cell(row=row, column=col)
            where = f"{cell.coordinate} ({name})"
            if expected is None:
                check(cell.value is None, f"{where}: {cell.value!r}, expected no value")
                continue
            # An empty text is an empty shared string; openpyxl reads it back as None or "".
            if expected == "":
                check(cell.value in ("", None), f"{where}: {cell.value!r}, expected empty text")
                continue
            check(cell.data_type == TYPES[name], f"{where}: type {cell.data_type!r}, expected {TYPES[name]!r}")
            if isinstance(expected, float):
                check(isinstance(cell.value, (int, float)) and abs(cell.value - expected) < 1e-12,
                      f"{where}: {cell.value!r}, expected {expected!r}")
            else:
                check(cell.value == expected and type(cell.value) is type(expected),
                      f"{where}: {cell.value!r} ({type(cell.value).__name__}), expected {expected!r}")
            if name in FORMATS:
                check(cell.number_format == FORMATS[name], f"{where}: format {cell.number_format!r}, expected {FORMATS[name]!r}")
    # The widest text in the name column is its 13-character first value.
    name_width = ws.column_dimensions["B"].width
    check(name_width is not None and name_width >= 13, f"name column width {name_width}, too narrow for its text")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_written.py WORKBOOK.xlsx")
    try:
        main(sys.argv[1])
    except Exception as e:  # a workbook openpyxl cannot open is itself the failure
        failures.append(f"openpyxl could not read the workbook: {type(e).__name__}: {e}")
    for f in failures:
        print(f)
    sys.exit(1 if failures else 0)
