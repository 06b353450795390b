"""The document model every input format is turned into.

Nothing downstream of `extract` asks which format a document came from: PDF, DOCX and
scans all become a `Document` holding its blocks in reading order.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points (top-left origin)


def union_box(a: Box | None, b: Box | None) -> Box | None:
    """The smallest box holding both (either may be None)."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


@dataclass(frozen=True)
class LineBox:
    """Where one printed line of a paragraph stands: provenance of the text, for PDFs and scans."""

    start: int  # offset in the block's text where the line's text begins
    page: int
    top: float
    bottom: float
    # x of the left edge of each of the line's characters in the block's text, then the right
    # edge of the last (one more than the characters)
    xs: tuple[float, ...]

    @property
    def end(self) -> int:
        return self.start + len(self.xs) - 1


def text_box(lines: tuple[LineBox, ...], start: int, end: int) -> tuple[int, Box] | None:
    """(page, box) of the text at [start, end) of a block: the lines it runs over on the page
    where it starts, each cut at the characters; None when the block has no lines (DOCX)."""
    covered = [line for line in lines if line.start < max(end, start + 1) and start < line.end]
    if not covered:
        return None
    page = covered[0].page
    box = None
    for line in covered:
        if line.page != page:
            break
        x0 = line.xs[max(start - line.start, 0)]
        x1 = line.xs[min(end, line.end) - line.start]
        box = union_box(box, (x0, line.top, max(x1, x0), line.bottom))
    return page, box


@dataclass(frozen=True)
class Heading:
    """A numbered heading such as `一、项目基本情况` (level 1) or `（1）劳模开展宣讲活动` (level 4)."""

    text: str  # whole line as printed, whitespace removed
    level: int  # 1 一、 / 2 （一） / 3 1. / 4 （1） / 5 ①
    numbering: str  # `一、`, `（一）`, `1.`, `（1）`, `①`
    page: int | None = None
    lines: tuple[LineBox, ...] = field(default=(), compare=False)  # where its text stands (PDF only)

    @property
    def title(self) -> str:
        return self.text[len(self.numbering):].strip()


@dataclass(frozen=True)
class Paragraph:
    """Running text, rejoined across line and page breaks."""

    text: str
    page: int | None = None
    # (character offset, page) where the text moves to a new page; the first entry is (0, page).
    page_starts: tuple[tuple[int, int], ...] = ()
    lines: tuple[LineBox, ...] = field(default=(), compare=False)  # where its text stands (PDF only)

    def page_at(self, offset: int) -> int | None:
        """Page on which the character at `offset` is printed."""
        if not self.page_starts:
            return self.page
        offsets = [start for start, _ in self.page_starts]
        return self.page_starts[max(bisect_right(offsets, offset) - 1, 0)][1]


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str  # line breaks inside the cell joined without spaces
    rowspan: int = 1
    colspan: int = 1
    confidence: float | None = None  # lowest OCR confidence (0..1) of the cell's text; None when not OCRed
    # Where the cell stands: (x0, top, x1, bottom) in PDF points on the page its row starts on
    # (`Table.row_page`); None for DOCX. Provenance only: tables read from a PDF, a DOCX and a
    # scan of one report compare equal.
    box: Box | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TableQuality:
    """How a table was found, so a user can judge what to trust (cf. camelot's parsing report);
    with `Table.pages` and `Table.lowest_confidence`, and the rows facts read from it, shown by
    `pipeline.py explain`."""

    ruled: bool = True  # cell boundaries from ruling lines; False: from the alignment of text
    # A borderless block cut from the one before it (a form printing its funding and indicator
    # blocks with different columns): numbered with it.
    split_from_previous: bool = False
    seams: int = 0  # page breaks the table was stitched across


@dataclass(frozen=True)
class Table:
    """A table on the grid of its column and row boundaries; merged cells carry spans.

    A table split over pages is one `Table`: `row_pages` gives the page each row starts on and
    `seam_rows` the rows that open a continuation page (where a row may have been cut in two).
    """

    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    page: int | None = None
    row_pages: tuple[int | None, ...] = ()
    seam_rows: frozenset[int] = frozenset()
    quality: TableQuality = field(default=TableQuality(), compare=False, hash=False)

    def grid(self) -> list[list[str]]:
        """Row-major text grid with every merged cell's text copied into all positions it covers."""
        grid = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                    grid[r][c] = cell.text
        return grid

    def row_page(self, row: int) -> int | None:
        return self.row_pages[row] if row < len(self.row_pages) else self.page

    @property
    def pages(self) -> tuple[int, ...]:
        """The pages its rows start on, in order (empty for a DOCX table)."""
        found = [p for p in (self.row_pages or (self.page,)) if p is not None]
        return tuple(dict.fromkeys(found))

    @property
    def lowest_confidence(self) -> float | None:
        """The lowest OCR confidence of its cells; None when no cell was OCRed."""
        return min((c.confidence for c in self.cells if c.confidence is not None), default=None)


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Document:
    source_format: str  # `pdf`, `scanned_pdf` or `docx`
    blocks: tuple[Block, ...]
    pages: int | None = None  # None for DOCX
    # Problems noticed while reading (code, message), e.g. pages that needed OCR.
    warnings: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        """All prose in reading order, one block per line (tables left out)."""
        return "\n".join(b.text for b in self.blocks if not isinstance(b, Table))
