"""PDF → Document: text lines and ruled tables, reassembled into blocks.

Per page (chars and ruling lines read with pypdfium2, `pdf_objects.py`): tables are found from the
ruling lines with pdfplumber's edge functions, their cell boxes put on a row/column grid with
spans, and every char is given either to a table cell or to a text line.
Then over the whole document: running headers, footers and page numbers are dropped, lines are
rejoined into paragraphs (also across page breaks), and a table continued on the next page is
stitched to its first part.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import regex

from perfreports.extract.errors import ExtractError, raised_inside
from perfreports.extract.lines import TextLine
from perfreports.extract.model import Block, Document, LineBox, Paragraph, Table
from perfreports.extract.lines import PageTable
from perfreports.extract.page import PageContent, compose_page, find_table_cells, grid_of
from perfreports.extract.limits import DEFAULT_LIMITS, Limits, check_ocr_pages, check_page_count, page_pixels
from perfreports.extract.pdf_objects import PageObjects, page_objects
from perfreports.extract.text import as_heading, clean_text, is_contents_line

_PAGE_NUMBER = regex.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–\s]*$")
_MARGIN_SHARE = 0.09  # top and bottom share of the page where running headers and footers live
_SAME_COLUMN = 3.0  # points: column boundaries of a table's parts on two pages this close are the same


def read_pdf(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    pdf = pdfium.PdfDocument(str(path))
    try:
        check_page_count(len(pdf), limits)
        pages: list[PageContent | None] = []
        sizes: list[tuple[float, float]] = []
        for index in range(len(pdf)):
            page = pdf[index]
            sizes.append(page.get_size())
            pages.append(_read_text_layer(page, index + 1))
    finally:
        pdf.close()
    scanned = [number for number, page in enumerate(pages, start=1) if page is None]
    warnings: tuple[tuple[str, str], ...] = ()
    if scanned:  # pages without a usable text layer are read by OCR (extract/scan.py)
        pages, warnings = _read_scanned(path, pages, scanned, sizes, limits)
    ocr_used = scanned and all(page is not None for page in pages)
    read = drop_running_lines([page for page in pages if page is not None])
    return Document(source_format="scanned_pdf" if ocr_used else "pdf", blocks=tuple(assemble_blocks(read)),
                    pages=len(pages), warnings=warnings)


def _read_scanned(path: Path, pages: list[PageContent | None], scanned: list[int],
                  sizes: list[tuple[float, float]], limits: Limits):
    """`pages` with the `scanned` ones read by OCR, and the warnings saying so. Without the OCR
    engine a document of scans only is `no_text_layer`; in a document with a text layer on
    other pages, the scanned ones (a signed last page …) are left out with a warning. A page too
    large to render is left out (`page_too_large`); a file of such pages only is refused."""
    from perfreports.extract import ocr
    from perfreports.extract.scan import SCALE, pages_phrase, read_scanned_pages
    check_ocr_pages(len(scanned), limits)
    too_large = [n for n in scanned if page_pixels(*sizes[n - 1], SCALE) > limits.max_page_pixels]
    huge = (("page_too_large", f"{pages_phrase(too_large, 'needs', 'need')} OCR but {'is' if len(too_large) == 1 else 'are'} "
                               f"too large to render (more than {limits.max_page_pixels:,} pixels, --max-page-pixels): "
                               "left out."),) if too_large else ()
    scanned = [n for n in scanned if n not in too_large]
    if not scanned:
        if all(page is None for page in pages):
            raise ExtractError("page_too_large", huge[0][1])
        return pages, huge
    why_not = ocr.missing()
    if why_not is not None and len(scanned) < len(pages):
        return pages, huge + (("ocr_pages", f"{pages_phrase(scanned, 'has', 'have')} no text layer and "
                                            f"{'was' if len(scanned) == 1 else 'were'} not read: {why_not}."),)
    ocr_pages = read_scanned_pages(path, scanned)
    pages = [page or ocr_pages.get(number) for number, page in enumerate(pages, start=1)]
    read = pages_phrase(scanned, "had no text layer and was", "had no text layer and were")
    return pages, huge + (("ocr_pages", f"{read} read by OCR."),)


def _read_text_layer(page: pdfium.PdfPage, number: int) -> PageContent | None:
    """The page read from its text layer, or None when it has none worth reading (a scan)."""
    from perfreports.extract.scan import has_images, needs_ocr
    objects = page_objects(page)
    if needs_ocr(objects, has_images(page) if not objects.chars else False):
        return None
    return read_page(page, number, objects)


# ---- one page ---------------------------------------------------------------------------------

def read_page(page: pdfium.PdfPage, number: int, objects: PageObjects | None = None) -> PageContent:
    objects = objects or page_objects(page)
    grids = [grid_of(cells) for cells in find_table_cells(objects.edges)]
    return compose_page(number, objects.height, objects.chars, grids, edges=objects.edges)


# ---- the whole document -----------------------------------------------------------------------

def drop_running_lines(pages: list[PageContent]) -> list[PageContent]:
    """Remove page numbers and running headers/footers: margin lines that are numbers or repeat."""
    def in_margin(line: TextLine, page: PageContent) -> bool:
        return line.bottom < page.height * _MARGIN_SHARE or line.top > page.height * (1 - _MARGIN_SHARE)

    repeated = Counter(
        clean_text(item.text) for page in pages for item in page.items
        if isinstance(item, TextLine) and in_margin(item, page)
    )

    def is_running(item, page) -> bool:
        if not isinstance(item, TextLine) or not in_margin(item, page):
            return False
        text = clean_text(item.text)
        return bool(_PAGE_NUMBER.match(text)) or (len(pages) > 2 and repeated[text] >= 2)

    return [replace(p, items=tuple(i for i in p.items if not is_running(i, p))) for p in pages]


@dataclass(frozen=True)
class _Layout:
    left: float  # x where unindented body lines start
    right: float  # x where full body lines end
    size: float  # body font size
    pitch: float  # distance between the tops of consecutive body lines


def _layout(pages: list[PageContent]) -> _Layout:
    lines = [i for p in pages for i in p.items if isinstance(i, TextLine)]
    if not lines:
        return _Layout(0, 0, 10, 12)
    # body lines start at the left margin; first lines are indented, so take the leftmost common x
    starts = Counter(round(line.x0) for line in lines)
    left = min(x for x, n in starts.items() if n >= 0.1 * len(lines))
    rights = sorted(line.x1 for line in lines)
    size = statistics.median(line.size for line in lines)
    steps = Counter(round(b.top - a.top) for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.top)
    return _Layout(left=left, right=rights[int(len(rights) * 0.95)], size=size,
                   pitch=steps.most_common(1)[0][0] if steps else 1.2 * size)


def assemble_blocks(pages: list[PageContent]) -> list[Block]:
    layout = _layout(pages)
    blocks: list[Block] = []
    paragraph: list[TextLine] = []
    previous: TextLine | PageTable | None = None

    def flush():
        if paragraph:
            blocks.append(_paragraph_block(paragraph))
            paragraph.clear()

    for page in pages:
        for item in page.items:
            if isinstance(item, PageTable):
                flush()
                last = blocks[-1] if blocks else None
                if isinstance(previous, PageTable) and isinstance(last, Table) and _continues(previous, item):
                    blocks[-1] = stitch(last, previous, item)
                else:
                    blocks.append(item.table)
                previous = item
                continue
            if is_contents_line(item.text):
                continue
            if not (paragraph and _continues_paragraph(paragraph[-1], item, layout)):
                flush()
            paragraph.append(item)
            previous = item
    flush()
    return blocks


_UNBREAKABLE_START = regex.compile(r"^[^\p{Han}]+")


def _wrapped_width(text: str, size: float) -> float:
    """Width of what line-breaking moves to the next line whole: a number, a Latin word, brackets."""
    lead = _UNBREAKABLE_START.match(text)
    if not lead:
        return 0.0
    return sum(0.6 if ch.isascii() else 1.0 for ch in lead.group(0)) * size


def _continues_paragraph(before: TextLine, line: TextLine, layout: _Layout) -> bool:
    """A line continues the paragraph when the line before ran to the right margin and it is not indented.

    "Ran to the margin" allows for what wraps whole: a number or Latin word, or a character that
    takes its closing punctuation along (line-breaking rules forbid a line starting with `；`). A
    line that starts far right of the margin (a centred title) is a paragraph of its own.
    """
    slack = 3 * layout.size + _wrapped_width(line.text, layout.size)
    full_width = before.x1 >= layout.right - slack
    from_margin = before.x0 - layout.left <= 2.5 * layout.size  # a first line is indented 2 characters
    unindented = abs(line.x0 - layout.left) <= 0.5 * layout.size
    close = line.page != before.page or line.top - before.top < 1.5 * layout.pitch
    return full_width and from_margin and unindented and close


def _paragraph_block(lines: list[TextLine]) -> Block:
    text = ""
    page_starts: list[tuple[int, int]] = []
    boxes: list[LineBox] = []
    for line in lines:
        if not page_starts or page_starts[-1][1] != line.page:
            page_starts.append((len(text), line.page))
        cleaned = clean_text(line.text)
        boxes.append(LineBox(len(text), line.page, round(line.top, 2), round(line.bottom, 2), char_edges(cleaned, line)))
        text += cleaned
    # offsets were counted before joining; joining only drops spaces at line ends, so they hold
    heading = as_heading(text, lines[0].page)
    if heading is not None:
        return replace(heading, lines=tuple(boxes))
    return Paragraph(text=text, page=lines[0].page, page_starts=tuple(page_starts), lines=tuple(boxes))


def char_edges(cleaned: str, line: TextLine) -> tuple[float, ...]:
    """The left edge of each character of a line's cleaned text, then the right edge of the
    last: the line's chars (spaces are no chars) taken in order; where they stop matching the
    text, the rest is spread evenly over what is left of the line."""
    edges: list[float] = []
    chars = iter(line.chars)
    x = line.x0
    for i, ch in enumerate(cleaned):
        if ch == " ":
            edges.append(x)
            continue
        found = next(chars, None)
        if found is None or found[2] != ch:  # a glyph of several characters: spread the rest
            step = (line.x1 - x) / max(len(cleaned) - i, 1)
            edges += [round(x + step * k, 2) for k in range(len(cleaned) - i)]
            x = line.x1
            break
        edges.append(round(found[0], 2))
        x = found[1]
    return tuple(edges) + (round(x, 2),)


def _continues(first: PageTable, second: PageTable) -> bool:
    """The second table carries on the first: next page, and its column boundaries are among the
    first's — for tables without ruling lines, whose boundaries are only where text leaves a gap,
    each of its columns lies in a column of its own of the first."""
    if second.page != first.page + 1 or not (first.xs and second.xs):
        return False
    if not (first.table.quality.ruled and second.table.quality.ruled):
        homes = [_column_at((a + b) / 2, first.xs) for a, b in zip(second.xs, second.xs[1:])]
        return None not in homes and len(set(homes)) == len(homes)
    return all(any(abs(x - y) <= _SAME_COLUMN for y in first.xs) for x in second.xs)


def _column_at(x: float, xs: tuple[float, ...]) -> int | None:
    return next((i for i, (a, b) in enumerate(zip(xs, xs[1:])) if a <= x <= b), None)


def stitch(table: Table, first: PageTable, second: PageTable) -> Table:
    """Append the continuation's rows, mapped onto the first part's columns, minus a repeated header.

    A merged cell that reaches the bottom of the first part and meets an empty cell at the top of
    the continuation is one cell cut by the page break: its span is extended instead.
    """
    boundary = {i: min(range(len(first.xs)), key=lambda j: abs(first.xs[j] - x)) for i, x in enumerate(second.xs)}
    cont = second.table
    header_rows = {tuple(row) for row in table.grid()[:3]}
    cont_grid = _remap_grid(cont, boundary, table.n_cols)
    skip = 0
    while skip < len(cont_grid) and tuple(cont_grid[skip]) in header_rows:
        skip += 1
    added = cont.n_rows - skip
    if added <= 0:
        return table
    open_at_bottom = {
        cell.col: cell for cell in table.cells
        if cell.row + cell.rowspan == table.n_rows and cell.text and cell.rowspan > 1
    }
    cells = {(c.row, c.col): c for c in table.cells}
    for cell in cont.cells:
        if cell.row < skip:
            continue
        col, end = boundary[cell.col], boundary[cell.col + cell.colspan]
        row = cell.row - skip + table.n_rows
        above = open_at_bottom.get(col)
        if cell.row == skip and not cell.text and above is not None and above.colspan == end - col:
            cells[(above.row, above.col)] = replace(above, rowspan=above.rowspan + cell.rowspan)
            continue
        cells[(row, col)] = replace(cell, row=row, col=col, colspan=end - col)  # keeps an OCR confidence
    return Table(
        cells=tuple(sorted(cells.values(), key=lambda c: (c.row, c.col))),
        n_rows=table.n_rows + added, n_cols=table.n_cols, page=table.page,
        row_pages=table.row_pages + (second.page,) * added,
        seam_rows=table.seam_rows | {table.n_rows},
        quality=replace(table.quality, seams=table.quality.seams + 1),
    )


def _remap_grid(table: Table, columns: dict[int, int], n_cols: int) -> list[list[str]]:
    grid = [[""] * n_cols for _ in range(table.n_rows)]
    for r, row in enumerate(table.grid()):
        for c, text in enumerate(row):
            grid[r][columns[c]] = text
    for r, row in enumerate(grid):  # a wider continuation cell covers the mapped columns in between
        for c in range(1, n_cols):
            if not row[c] and row[c - 1] and c not in columns.values():
                row[c] = row[c - 1]
    return grid


def read_pdf_checked(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """`read_pdf`, with the parser's failures on broken or locked files turned into `ExtractError`."""
    try:
        document = read_pdf(path, limits)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractError("encrypted_pdf", "The PDF is encrypted with a password; it cannot be opened without it.")
        raise ExtractError("unreadable_pdf", f"The PDF is damaged and cannot be parsed ({error}).")
    except Exception as error:
        if raised_inside(error, ("pypdfium2", "pdfplumber")):
            raise ExtractError("unreadable_pdf", f"The PDF is damaged and cannot be parsed ({type(error).__name__}: {error}).")
        raise
    if not any(document.blocks):
        if document.source_format == "scanned_pdf":
            raise ExtractError("no_text_layer", "The PDF has no text layer and OCR found no text on its pages.")
        raise ExtractError("empty_document", "The PDF has no text and no page images: nothing to read.")
    return document
