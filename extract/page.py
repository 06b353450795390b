"""One page as positioned chars and ruled-table grids → `PageContent`: tables and text lines, top to bottom.

Shared by the text-layer reader (`pdf.py`) and OCR (`scan.py`); both hand over chars in PDF
points, pdfplumber-style dicts (`text, x0, x1, top, bottom, size`, and `confidence` from OCR).
The grid functions are pure: cell boxes → row/column boundaries → which box covers each slot.
"""
from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from perfreports.extract.borderless import borderless_tables
from perfreports.extract.stacking import join_stacked
from perfreports.extract.lines import PageTable, TextLine, chars_to_lines
from perfreports.extract.model import Cell, Table
from perfreports.extract.text import clean_text

_SNAP = 1.5  # points: ruling-line coordinates closer than this are one grid line
_EDGE_TOLERANCE = 3  # points: pdfplumber's default snap/join/intersection tolerance


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
    merged = merged + closing_edges(merged)
    cells = intersections_to_cells(edges_to_intersections(merged, t, t))
    return [table for table in cells_to_tables(cells) if len(table) > 1]


def closing_edges(edges: list[dict]) -> list[dict]:
    """Horizontal edges that close cells cut by a page break: a merged cell running on to the next
    page has its sides drawn to the page's end but no bottom (and no top on the next page). A
    vertical edge ending at a height no horizontal edge reaches there is joined to the nearest
    horizontal edge at that height, or to the other open ends there."""
    horizontal = [e for e in edges if e["orientation"] == "h"]
    vertical = [e for e in edges if e["orientation"] == "v"]

    def closed(x: float, y: float) -> bool:
        return any(abs(h["top"] - y) <= _EDGE_TOLERANCE and h["x0"] - _EDGE_TOLERANCE <= x <= h["x1"] + _EDGE_TOLERANCE
                   for h in horizontal)

    added = []
    for end in ("top", "bottom"):
        open_ends = sorted((v[end], v["x0"]) for v in vertical if not closed(v["x0"], v[end]))
        for group in _groups_by_height(open_ends):
            y = sum(g[0] for g in group) / len(group)
            xs = [g[1] for g in group]
            for h in (h for h in horizontal if abs(h["top"] - y) <= _EDGE_TOLERANCE):
                xs += [h["x0"]] if any(x < h["x0"] for x in xs) else []
                xs += [h["x1"]] if any(x > h["x1"] for x in xs) else []
            if len(xs) >= 2:
                added.append({"orientation": "h", "object_type": "line", "x0": min(xs), "x1": max(xs), "top": y,
                              "bottom": y, "width": max(xs) - min(xs), "height": 0.0})
    return added


def _groups_by_height(ends: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    groups: list[list[tuple[float, float]]] = []
    for end in ends:
        if groups and end[0] - groups[-1][-1][0] <= _EDGE_TOLERANCE:
            groups[-1].append(end)
        else:
            groups.append([end])
    return groups


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
    adjust_lines: Callable[[list[TextLine]], list[TextLine]] = lambda lines: lines, edges: list[dict] = (),
) -> PageContent:
    """Chars given to the table cells they fall in or to text lines; tables without (vertical)
    ruling lines found among the lines, their rows bounded by the horizontal `edges` there are."""
    table_chars: list[list[list[dict]]] = [[[] for _ in g.boxes] for g in grids]
    free_chars = []
    for char in chars:
        placed = place_char(char, grids)
        if placed is None:
            free_chars.append(char)
        else:
            table_chars[placed[0]][placed[1]].append(char)
    table_chars = [keep_overflow_whole(boxes) for boxes in table_chars]
    items: list[TextLine | PageTable] = []
    for grid, boxes in zip(grids, table_chars):
        if boxed_text(grid, boxes):
            free_chars += [char for box in boxes for char in box]
        else:
            items.append(page_table(grid, boxes, number))
    lines = adjust_lines(chars_to_lines(free_chars, number))
    for table, used, xs in borderless_tables(lines, rules=horizontal_rules(edges)):
        top, bottom = min(line.top for line in used), max(line.bottom for line in used)
        items.append(PageTable(table=table, xs=xs, top=top, bottom=bottom, page=number))
        lines = [line for line in lines if line not in used]
    items += lines
    items.sort(key=lambda item: item.top)
    size = statistics.median(c["size"] for c in chars) if chars else 10.0
    return PageContent(number=number, height=height, items=tuple(join_stacked(items, size)))


def boxed_text(grid: Grid, boxes: list[list[dict]]) -> bool:
    """A one-row grid with text in one cell at most is a framed line (a boxed title, a note; on a
    scan, the strokes of large type read as lines), not a table: its text is read as text."""
    return len(grid.ys) == 2 and sum(1 for box in boxes if box) <= 1


def horizontal_rules(edges: list[dict]) -> list[tuple[float, float, float]]:
    """(y, x0, x1) of the horizontal ruling lines, the pieces of one line joined (a row's border
    drawn cell by cell)."""
    pieces = sorted((round(e["top"]), e["x0"], e["x1"]) for e in edges if e["orientation"] == "h")
    rules: list[list[float]] = []
    for y, x0, x1 in pieces:
        if rules and abs(rules[-1][0] - y) <= 1 and x0 <= rules[-1][2] + _EDGE_TOLERANCE:
            rules[-1][2] = max(rules[-1][2], x1)
        else:
            rules.append([y, x0, x1])
    return [(y, x0, x1) for y, x0, x1 in rules]


def keep_overflow_whole(chars_per_box: list[list[dict]]) -> list[list[dict]]:
    """Text that runs on over empty neighbouring cells (a spreadsheet prints a long cell so, the
    neighbours staying empty) back in the cell it starts in: a run of characters on one line
    whose other cells hold nothing else."""
    box_of = {id(char): i for i, chars in enumerate(chars_per_box) for char in chars}
    moved = [list(chars) for chars in chars_per_box]
    for run in _runs(char for chars in chars_per_box for char in chars):
        boxes = {box_of[id(char)] for char in run}
        home = box_of[id(run[0])]
        others = boxes - {home}
        in_run = {id(char) for char in run}
        if others and all(all(id(c) in in_run for c in chars_per_box[b]) for b in others):
            for b in others:
                moved[home] += moved[b]
                moved[b] = []
    return moved


def _runs(chars) -> list[list[dict]]:
    """Chars on one line set close together (a fifth of a character at most: two cells' texts,
    however close, have their padding between them), left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= 0.5 * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    runs = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        runs.append([line[0]])
        for before, char in zip(line, line[1:]):
            if char["x0"] - before["x1"] > 0.2 * char["size"]:
                runs.append([char])
            else:
                runs[-1].append(char)
    return runs


def page_table(grid: Grid, chars_per_box: list[list[dict]], page: int) -> PageTable:
    """The table of one grid; a cell keeps the lowest OCR confidence of its chars, if they have one."""
    cells = []
    for (x0, top, x1, bottom), chars in zip(grid.boxes, chars_per_box):
        row, col = grid_index(grid.ys, top), grid_index(grid.xs, x0)
        confidences = [c["confidence"] for c in chars if "confidence" in c]
        cells.append(Cell(
            row=row, col=col, text=clean_text("".join(line.text for line in chars_to_lines(chars, page))),
            rowspan=grid_index(grid.ys, bottom) - row, colspan=grid_index(grid.xs, x1) - col,
            confidence=min(confidences) if confidences else None, box=(x0, top, x1, bottom),
        ))
    n_rows = len(grid.ys) - 1
    table = Table(
        cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))),
        n_rows=n_rows, n_cols=len(grid.xs) - 1, page=page, row_pages=(page,) * n_rows,
    )
    return PageTable(table=table, xs=grid.xs, top=grid.ys[0], bottom=grid.ys[-1], page=page)
