"""Cell- and span-level provenance: every indicator row keeps the page and box of each cell it was
read from (PDF points), every figure and report field the box of its text; a DOCX the table,
row and column (or the paragraph) instead. Provenance never makes two readings of one report
differ."""
from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from perfreports.extract.model import LineBox, text_box
from perfreports.process import process_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PDFS = sorted(p.name for p in SAMPLES.glob("*.pdf"))


@functools.cache
def records(name: str):
    return process_file(str(SAMPLES / name)).records


def squash(text: str | None) -> str:
    return "".join((text or "").split())


def text_in(pdf: pdfium.PdfDocument, page: int, box: tuple[float, float, float, float], margin: float = 1.0) -> str:
    """The PDF's own text inside a box given from the top-left corner (pdfium counts from the bottom)."""
    found = pdf[page - 1]
    height = found.get_height()
    x0, top, x1, bottom = box
    return squash(found.get_textpage().get_text_bounded(x0 - margin, height - bottom - margin, x1 + margin,
                                                        height - top + margin))


@pytest.mark.parametrize("name", PDFS)
def test_every_cell_box_holds_the_cells_text(name):
    read = records(name)
    pdf = pdfium.PdfDocument(str(SAMPLES / name))
    assert read.cells and {(c.table_no, c.row_no) for c in read.cells} == {(r.table_no, r.row_no) for r in read.indicators}
    for cell in read.cells:
        assert cell.page is not None and None not in (cell.x0, cell.top, cell.x1, cell.bottom)
        assert squash(cell.text) in text_in(pdf, cell.page, (cell.x0, cell.top, cell.x1, cell.bottom)), cell


@pytest.mark.parametrize("name", PDFS)
def test_every_figure_box_holds_its_text(name):
    read = records(name)
    pdf = pdfium.PdfDocument(str(SAMPLES / name))
    boxed = [f for f in read.figures if f.x0 is not None]
    assert len(boxed) == len(read.figures) and all(f.paragraph_no for f in read.figures)
    for figure in boxed:
        assert squash(figure.raw) in text_in(pdf, figure.page, (figure.x0, figure.top, figure.x1, figure.bottom),
                                             margin=0.5), figure


def test_a_rows_cells_name_their_columns():
    read = records("qingyunpu-2023-monitoring.pdf")
    row = {c.column: c for c in read.cells if (c.table_no, c.row_no) == (4, 2)}
    assert set(row) == {"level1", "level2", "indicator", "target_raw", "stage_target_raw", "actual_raw"}
    assert (row["actual_raw"].text, row["actual_raw"].page) == ("=183人", 11)
    assert row["actual_raw"].x0 > row["indicator"].x1 - 1  # to the right of the name, on the same row
    assert abs(row["actual_raw"].top - row["indicator"].top) < 1


def test_a_report_fields_text_is_found_in_its_cell_or_its_line():
    fields = {f.field: f for f in records("xiling-2022-self-evaluation.pdf").fields}
    budget = fields["budget_yuan"]
    assert (budget.source, budget.table_no, budget.row_no, budget.col_no) == ("cell", 1, 7, 2)
    pdf = pdfium.PdfDocument(str(SAMPLES / "xiling-2022-self-evaluation.pdf"))
    assert "180.00" in text_in(pdf, budget.page, (budget.x0, budget.top, budget.x1, budget.bottom))
    received = fields["received_yuan"]
    assert received.source == "sentence" and received.paragraph_no
    assert squash(received.raw) in text_in(pdf, received.page, (received.x0, received.top, received.x1, received.bottom))


def test_a_word_files_cells_are_found_by_table_row_and_column():
    name = "qingyunpu-2023-monitoring.docx"
    read = records(name)
    tables = docx.Document(str(SAMPLES / name)).tables
    assert all(c.page is None and c.x0 is None for c in read.cells)
    for cell in read.cells:
        word = tables[cell.table_index - 1].cell(cell.cell_row - 1, cell.cell_col - 1)
        assert squash(word.text) == squash(cell.text), cell
    assert all(f.x0 is None and f.paragraph_no for f in read.figures)


@pytest.mark.parametrize("stem", ["qingyunpu-2023-monitoring", "xiling-2022-self-evaluation", "xindu-2024-monitoring"])
def test_provenance_leaves_the_pdf_and_docx_rows_equal(stem):
    pdf, word = records(f"{stem}.pdf"), records(f"{stem}.docx")

    def as_read(rows):  # the file's id and the page (null for DOCX) are no provenance of the text
        return [dataclasses.replace(r, report_id="", page=None) for r in rows]

    assert as_read(pdf.indicators) == as_read(word.indicators)
    assert as_read(pdf.figures) == as_read(word.figures)
    for read in (pdf, word):  # every row keeps its name's cell (two, when a page break cut it: PDF only)
        assert {(c.table_no, c.row_no) for c in read.cells if c.column == "indicator"} == {
            (r.table_no, r.row_no) for r in read.indicators}


def test_the_box_of_a_span_runs_over_the_lines_it_covers_on_its_first_page():
    lines = (LineBox(0, 3, 100, 112, (10, 20, 30, 40)), LineBox(3, 3, 114, 126, (10, 20, 30)),
             LineBox(5, 4, 50, 62, (10, 20)))
    assert text_box(lines, 1, 2) == (3, (20, 100, 30, 112))
    assert text_box(lines, 2, 5) == (3, (10, 100, 40, 126))  # two lines: their union
    assert text_box(lines, 4, 6) == (3, (20, 114, 30, 126))  # the part on the next page is left out
    assert text_box((), 0, 3) is None


@pytest.mark.skipif(__import__("parts").missing("OCR engine") is not None, reason=str(__import__("parts").missing("OCR engine")))
def test_a_scans_cells_are_boxed_in_points_near_the_printed_ones():
    from perfreports.extract.scan import read_scanned_pages
    from perfreports.extract.lines import PageTable
    scanned = read_scanned_pages(ROOT / "tests" / "data" / "scans" / "xindu-2024-monitoring.scan.pdf", [4])[4]
    cells = [c for item in scanned.items if isinstance(item, PageTable) for c in item.table.cells if c.text]
    on_page = [c for c in records("xindu-2024-monitoring.pdf").cells if c.page == 4]
    once = {text for text, n in Counter(squash(c.text) for c in on_page).items() if n == 1}
    printed = {squash(c.text): c for c in on_page if squash(c.text) in once}
    near = [c for c in cells if squash(c.text) in printed]
    assert len(near) >= 20
    for cell in near:
        other = printed[squash(cell.text)]
        assert abs(cell.box[0] - other.x0) < 15 and abs(cell.box[1] - other.top) < 15, (cell, other)
