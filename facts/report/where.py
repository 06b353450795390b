"""Where a report field's text stands: the cell (its column and box) or the paragraph (its number
and the box of the words) that `report_fields.raw` was read from — provenance for a person to
find it on the page, found after the field readers chose it, so that they stay about values."""
from __future__ import annotations

from dataclasses import replace

from perfreports.extract.model import Cell, Document, Heading, Paragraph, Table, text_box
from perfreports.facts.records import FieldRow
from perfreports.facts.report.forms import tables

CELL_SOURCES = ("cell", "header")
TEXT_SOURCES = ("line", "sentence", "cover")  # the others (title, a province's words) are no one place
BOX = ("x0", "top", "x1", "bottom")


def located(document: Document, row: FieldRow) -> FieldRow:
    """`row` with the box of its text on its page (PDF), its cell's column or its paragraph's
    number; unchanged when the text is not found as read."""
    if row.source in CELL_SOURCES and row.table_no is not None and row.row_no is not None:
        return _in_cell(document, row)
    if row.source in TEXT_SOURCES:
        return _in_text(document, row)
    return row


def _in_cell(document: Document, row: FieldRow) -> FieldRow:
    raw = _squash(row.raw)
    for order, table in tables(document):
        if order != row.table_no:
            continue
        cells = [c for c in table.cells if c.row <= row.row_no - 1 < c.row + c.rowspan and c.text]
        cell = next((c for c in cells if raw and raw in _squash(c.text)), None) or next(
            (c for c in cells if _squash(c.text) in raw), None)
        if cell is not None:
            return _with_cell(row, table, cell)
    return row


def _with_cell(row: FieldRow, table: Table, cell: Cell) -> FieldRow:
    box = _box(cell.box) if cell.box and table.row_page(cell.row) == row.page else {}
    return replace(row, col_no=cell.col + 1, **box)


def _in_text(document: Document, row: FieldRow) -> FieldRow:
    number = 0
    for block in document.blocks:
        if not isinstance(block, (Heading, Paragraph)):
            continue
        number += 1
        if row.sentence and row.sentence not in block.text:
            continue
        start = block.text.find(row.raw) if row.raw else -1
        if start < 0:
            if row.sentence:
                return replace(row, paragraph_no=number)
            continue
        found = text_box(block.lines, start, start + len(row.raw))
        box = _box(found[1]) if found and found[0] == row.page else {}
        return replace(row, paragraph_no=number, **box)
    return row


def _box(box) -> dict:
    return {name: round(value, 2) for name, value in zip(BOX, box)}


def _squash(text: str | None) -> str:
    return "".join((text or "").split())
