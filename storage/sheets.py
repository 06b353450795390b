"""Rows of every workbook the tool writes (the dataset export, compare's summary): document text
stays text. A cell whose text starts with `=` is a string, never a formula (`=HYPERLINK(…)` from
a document must not become a link, `=14个` must not become #NAME?), and the characters XLSX
cannot hold (control characters) are written as `\\uXXXX` rather than lost or crashing the save.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def xlsx_text(text: str) -> str:
    """`text` with the characters XML 1.0 forbids written as \\uXXXX."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def append_row(sheet, values) -> None:
    """`values` as the sheet's next row: every text a string cell."""
    sheet.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl makes a formula of any text starting with "="
