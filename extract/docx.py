"""DOCX → Document, from the Word model: paragraphs and tables in body order, spans from gridSpan/vMerge."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

from perfreports.extract.errors import ExtractError, raised_inside
from perfreports.extract.limits import DEFAULT_LIMITS, Limits, check_docx_size
from perfreports.extract.model import Block, Cell, Document, Paragraph, Table
from perfreports.extract.text import as_heading, clean_text, is_contents_line


def read_docx(path: Path) -> Document:
    body = docx.Document(str(path)).element.body
    return Document(source_format="docx", blocks=tuple(_blocks(body)), pages=None)


def _blocks(container) -> list[Block]:
    blocks: list[Block] = []
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            block = _paragraph_block(child)
            if block is not None:
                blocks.append(block)
        elif child.tag == qn("w:tbl"):
            blocks.append(table_from_xml(child))
        elif child.tag == qn("w:sdt"):  # content controls, e.g. a generated table of contents
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                blocks.extend(_blocks(content))
    return blocks


def _paragraph_text(p) -> str:
    """Visible text of a w:p, tabs kept (they separate a contents entry from its page number)."""
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
    return "".join(parts)


def _paragraph_block(p) -> Block | None:
    raw = _paragraph_text(p)
    if not raw.strip() or is_contents_line(raw):
        return None
    text = clean_text(raw)
    return as_heading(text) or Paragraph(text=text)


def table_from_xml(tbl) -> Table:
    """Cells with row/column spans; a vMerge continuation extends the cell above instead of adding one."""
    open_cells: dict[int, dict] = {}  # grid column → the cell whose vertical merge is still open there
    cells: list[dict] = []
    rows = [tr for tr in tbl.iterchildren(qn("w:tr"))]
    n_cols = 0
    for r, tr in enumerate(rows):
        col = _grid_before(tr)
        for tc in tr.iterchildren(qn("w:tc")):
            span, merge = _tc_span_and_merge(tc)
            if merge == "continue" and col in open_cells:
                open_cells[col]["rowspan"] += 1
            else:
                cell = {"row": r, "col": col, "text": _cell_text(tc), "rowspan": 1, "colspan": span}
                cells.append(cell)
                for c in range(col, col + span):
                    open_cells.pop(c, None)
                if merge == "restart":
                    open_cells[col] = cell
            col += span
        n_cols = max(n_cols, col)
    return Table(
        cells=tuple(Cell(**c) for c in cells),
        n_rows=len(rows),
        n_cols=n_cols,
        row_pages=tuple(None for _ in rows),
    )


def _grid_before(tr) -> int:
    tr_pr = tr.find(qn("w:trPr"))
    before = tr_pr.find(qn("w:gridBefore")) if tr_pr is not None else None
    return int(before.get(qn("w:val"))) if before is not None else 0


def _tc_span_and_merge(tc) -> tuple[int, str | None]:
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return 1, None
    grid_span = tc_pr.find(qn("w:gridSpan"))
    v_merge = tc_pr.find(qn("w:vMerge"))
    span = int(grid_span.get(qn("w:val"))) if grid_span is not None else 1
    if v_merge is None:
        return span, None
    return span, "restart" if v_merge.get(qn("w:val")) == "restart" else "continue"


def _cell_text(tc) -> str:
    """Paragraphs of a cell joined without spaces, as a cell's line breaks are."""
    return clean_text("".join(_paragraph_text(p) for p in tc.iter(qn("w:p"))))


def read_docx_checked(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """`read_docx`, with the library's failures on broken packages turned into `ExtractError`;
    a DOCX that unpacks beyond the limit is not parsed at all."""
    check_docx_size(path, limits)
    try:
        document = read_docx(path)
    except Exception as error:
        if raised_inside(error, ("docx", "lxml", "zipfile")) or isinstance(error, (zipfile.BadZipFile, KeyError)):
            raise ExtractError("unreadable_docx", f"The DOCX is damaged and cannot be read ({type(error).__name__}: {error}).")
        raise
    if not document.blocks:
        raise ExtractError("empty_document", "The DOCX contains no text and no tables.")
    return document
