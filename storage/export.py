"""Export the dataset tables as CSV, Parquet or one XLSX workbook (shared/SCHEMA.md): the four
of the contract, `report_fields`, `indicator_cells` and the reviewers' `corrections`.

Decimals are printed exactly and without useless trailing zeros (`1345368`, `27.45`), dates as
ISO `YYYY-MM-DD`, null as an empty cell. Rows come out in a stable order.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from perfreports.storage import EXPORT_FORMATS as FORMATS
from perfreports.storage.sheets import append_row
from perfreports.storage.store import EXPORTED_TABLES, Column, columns

# rowid keeps the order in which one document's rows were written.
ORDER_BY = {
    "reports": "source_path, report_id",
    "indicators": "report_id, table_no, row_no, rowid",
    "figures": "report_id, rowid",
    "problems": "report_id NULLS LAST, source_path, rowid",
    "report_fields": "report_id, rowid",
    "indicator_cells": "report_id, table_no, row_no, rowid",
    "corrections": "correction_id",
}
MAX_WIDTH = 60


def export(con: duckdb.DuckDBPyConnection, out_dir: str | Path, fmt: str = "csv", *,
           excel_safe: bool = False) -> list[Path]:
    """Write the dataset tables into `out_dir` (created if needed); returns the files written.

    `excel_safe` (CSV only): a text cell starting with = + - @ tab or carriage return gets a
    leading apostrophe, so that a spreadsheet opening the file shows it as text and runs no
    formula (OWASP, CSV injection); numbers and dates are left as they are. Off by default: the
    CSV then holds the text exactly as read, for programs."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        return [write_xlsx(con, out / "dataset.xlsx")]
    return [_copy(con, table, out / f"{table}.{fmt}", fmt, excel_safe) for table in EXPORTED_TABLES]


def _copy(con: duckdb.DuckDBPyConnection, table: str, path: Path, fmt: str, excel_safe: bool) -> Path:
    select = ", ".join(_csv_expr(c, excel_safe) if fmt == "csv" else c.sql for c in columns(table))
    options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet"
    target = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT {select} FROM {table} ORDER BY {ORDER_BY[table]}) "
                f"TO '{target}' ({options})")
    return path


# Text a spreadsheet would take for a formula (OWASP: = + - @, tab, carriage return).
FORMULA_START = r"^[=+\-@\t\r]"
APOSTROPHE = "chr(39)"  # SQL for the ' put before such text


def _csv_expr(column: Column, excel_safe: bool = False) -> str:
    # DECIMAL(20,4) always prints 4 places: dropping trailing zeros, then a bare point, is exact.
    name = column.sql
    if column.is_decimal:
        return f"rtrim(rtrim(CAST({name} AS VARCHAR), '0'), '.') AS {name}"
    if excel_safe and column.sql_type == "VARCHAR":
        return (f"CASE WHEN regexp_matches({name}, '{FORMULA_START}') "
                f"THEN {APOSTROPHE} || {name} ELSE {name} END AS {name}")
    return name


def format_decimal(value: Decimal | None) -> str:
    """`Decimal('1345368.0000')` → `1345368`, `Decimal('27.4500')` → `27.45`; never an exponent."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- xlsx ------------------------------------------------------------------------------------

def write_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """One sheet per table: typed cells, frozen header row, widths fitted to the content."""
    book = Workbook()
    book.remove(book.active)
    for table in EXPORTED_TABLES:
        cols = columns(table)
        rows = con.execute(f"SELECT {', '.join(c.sql for c in cols)} FROM {table} "
                           f"ORDER BY {ORDER_BY[table]}").fetchall()
        _fill_sheet(book.create_sheet(table), cols, rows)
    book.save(path)
    return path


def _fill_sheet(sheet, cols: tuple[Column, ...], rows: list[tuple]) -> None:
    append_row(sheet, [c.name for c in cols])
    for row in rows:
        append_row(sheet, [_xlsx_value(v) for v in row])
    sheet.freeze_panes = "A2"
    for i, col in enumerate(cols, start=1):
        if col.sql_type == "DATE":
            for cell in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell[0].number_format = "yyyy-mm-dd"
        sheet.column_dimensions[get_column_letter(i)].width = _width(col.name, [r[i - 1] for r in rows])


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _width(header: str, values: list) -> float:
    sample = values[:500]
    texts = [header] + [_display(v) for v in sample if v is not None]
    return min(max(display_width(t) for t in texts) + 2, MAX_WIDTH)


def _display(value) -> str:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def display_width(text: str) -> int:
    """Columns `text` takes in a fixed-width font: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
