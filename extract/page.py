"""One page as positioned chars and ruled-table grids → `PageContent`: tables and text lines, top to bottom.

Shared by the text-layer reader (`pdf.py`) and OCR (`scan.py`); both hand over chars in PDF
points, pdfplumber-style dicts (`text, x0, x1, top, bottom, size`, and `confidence` from OCR).
The grid functions are pure: cell boxes → row/column boundaries → which box covers each slot.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from extract.borderless import borderless_tables
from extract.lines import TextLine, chars_to_lines
from extract.model import Cell, Table
from extract.text import clean_text

_SNAP = 1.5  # points: ruling-line coordinates closer than this are one grid line
_EDGE_TOLERANCE = 3  # points: pdfplumber's default snap/join/intersection tolerance


@dataclass(frozen=True)
class PageTable:
    table: Table
    xs: tuple[float, ...]  # column boundaries (empty for a table without ruling lines)
    top: float
    bottom: float
    page: int


@dataclass(frozen=True)
class PageContent:
    number: int
    height: float
    items: tuple[TextLine | PageTable, ...]  # top to bottom


@dataclass(frozen=True)
class Grid:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    boxes: tuple[tuple[float, float, float, float], ...]
    slots: tuple[tuple[int, ...], ...]  # slots[row][col] → index of the box covering that grid slot


def find_table_cells(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes of each ruled table, by pdfplumber's lines strategy (edges → intersections → cells)."""
    if not edges:
        return []
    t = _EDGE_TOLERANCE
    merged = merge_edges(edges, snap_x_tolerance=t, snap_y_tolerance=t, join_x_tolerance=t, join_y_tolerance=t)
    cells = intersections_to_cells(edges_to_intersections(merged, t, t))
    return [table for table in cells_to_tables(cells) if len(table) > 1]


def grid_of(boxes) -> Grid:
    """Column and row boundaries from the cell boxes, and which box covers each grid slot."""
    xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
    slots = [[-1] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for i, (x0, top, x1, bottom) in enumerate(boxes):
        for r in range(grid_index(ys, top), grid_index(ys, bottom)):
            for c in range(grid_index(xs, x0), grid_index(xs, x1)):
                slots[r][c] = i
    return Grid(tuple(xs), tuple(ys), tuple(tuple(b) for b in boxes), tuple(tuple(s) for s in slots))


def _snap(values) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > _SNAP:
            snapped.append(value)
    return snapped


def grid_index(lines, value: float) -> int:
    """Index of the grid line at `value` (within the snap distance)."""
    return bisect_left(lines, value - _SNAP)


def place_char(char: dict, grids: list[Grid]) -> tuple[int, int] | None:
    """(grid, box) the char's centre falls in, or None for text outside every table."""
    cx = (char["x0"] + char["x1"]) / 2
    cy = (char["top"] + char["bottom"]) / 2
    for t, grid in enumerate(grids):
        if grid.xs[0] <= cx <= grid.xs[-1] and grid.ys[0] <= cy <= grid.ys[-1]:
            col = min(max(bisect_right(grid.xs, cx) - 1, 0), len(grid.xs) - 2)
            row = min(max(bisect_right(grid.ys, cy) - 1, 0), len(grid.ys) - 2)
            box = grid.slots[row][col]
            return (t, box) if box >= 0 else None
    return None


def compose_page(
    number: int, height: float, chars: list[dict], grids: list[Grid],
    adjust_lines: Callable[[list[TextLine]], list[TextLine]] = lambda lines: lines,
) -> PageContent:
    """Chars given to the table cells they fall in or to text lines; borderless tables found among the lines."""
    table_chars: list[list[list[dict]]] = [[[] for _ in g.boxes] for g in grids]
    free_chars = []
    for char in chars:
        placed = place_char(char, grids)
        if placed is None:
            free_chars.append(char)
        else:
            table_chars[placed[0]][placed[1]].append(char)
    items: list[TextLine | PageTable] = [page_table(g, c, number) for g, c in zip(grids, table_chars)]
    lines = adjust_lines(chars_to_lines(free_chars, number))
    for table, used, xs in borderless_tables(lines):
        top, bottom = min(line.top for line in used), max(line.bottom for line in used)
        items.append(PageTable(table=table, xs=xs, top=top, bottom=bottom, page=number))
        lines = [line for line in lines if line not in used]
    items += lines
    items.sort(key=lambda item: item.top)
    return PageContent(number=number, height=height, items=tuple(items))


def page_table(grid: Grid, chars_per_box: list[list[dict]], page: int) -> PageTable:
    """The table of one grid; a cell keeps the lowest OCR confidence of its chars, if they have one."""
    cells = []
    for (x0, top, x1, bottom), chars in zip(grid.boxes, chars_per_box):
        row, col = grid_index(grid.ys, top), grid_index(grid.xs, x0)
        confidences = [c["confidence"] for c in chars if "confidence" in c]
        cells.append(Cell(
            row=row, col=col, text=clean_text("".join(line.text for line in chars_to_lines(chars, page))),
            rowspan=grid_index(grid.ys, bottom) - row, colspan=grid_index(grid.xs, x1) - col,
            confidence=min(confidences) if confidences else None,
        ))
    n_rows = len(grid.ys) - 1
    table = Table(
        cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))),
        n_rows=n_rows, n_cols=len(grid.xs) - 1, page=page, row_pages=(page,) * n_rows,
    )
    return PageTable(table=table, xs=grid.xs, top=grid.ys[0], bottom=grid.ys[-1], page=page)
