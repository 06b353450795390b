"""Tables drawn without ruling lines: columns from the gutters between text, rows from the gaps
between lines.

    tabular_regions   runs of lines with text in several columns, with the wrapped lines of their cells
    split_at          an indicator table's header line starts a table of its own (a form prints its
                      funding block and its indicator block with different columns)
    gutters           x-ranges no line's text covers (but at most a stray line spanning them)
    row_groups        lines closer than the gap between rows make one row (cells wrap onto
                      several lines); without such a gap every line is a row
    table_of          each piece of a row's text put in the columns it covers: a piece reaching
                      over a gutter (`15天以内` across 指标性质|指标值|度量单位) is one merged cell
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Callable

from perfreports.extract.lines import TextLine
from perfreports.extract.model import Box, Cell, Table, TableQuality, union_box
from perfreports.extract.text import clean_text

_COLUMN_GAP = 0.5  # a gap wider than this many characters may separate columns
_MIN_RUNS = 3  # a row line has text in at least this many places
_MIN_GUTTER = 0.3  # characters: a narrower blank strip is a space inside a cell
_WRAP_GAP = 1.5  # characters: a line further below the line above is not the same table
_ROW_GAP_RATIO = 1.8  # the gaps between rows are at least this much wider than within a cell
# An indicator table's header line: it starts a table of its own.
INDICATOR_HEADER = re.compile(r"一级\s*(指标|目标)?.*二级|二级.*三级")


Rule = tuple[float, float, float]  # a horizontal ruling line: y, x0, x1


def borderless_tables(lines: list[TextLine], starts_table: Callable[[str], bool] | None = None,
                      rules: list[Rule] = ()) -> list[tuple[Table, list[TextLine], tuple[float, ...]]]:
    """Each table without vertical ruling lines found among a page's lines (top to bottom), with
    the lines it used and its column boundaries. `rules`: the page's horizontal ruling lines —
    a table ruled between its rows only, or a 三线表 (rules above and below the header), has its
    rows where they are."""
    starts_table = starts_table or (lambda text: bool(INDICATOR_HEADER.search(text)))
    found = []
    for region in tabular_regions(lines, rules):
        split = False
        for block in split_at(region, starts_table):
            if sum(_is_row_line(line) for line in block) < 2:
                continue
            # an indicator table is one table, however its rows differ; a form's top is cut by layout
            parts = [block] if starts_table(" ".join(l.text for l in block[:4])) else _parts_by_columns(block, rules)
            for part in parts:
                table, xs = table_of(part, split, rules)
                if table.n_cols >= 2:
                    found.append((table, part, xs))
                    split = True
    return found


def _parts_by_columns(block: list[TextLine], rules: list[Rule] = ()) -> list[list[TextLine]]:
    """The block, or — when one set of gutters cannot hold its rows (a form's header rows, funding
    block and goal block each have columns of their own) — runs of rows of one layout: a row with
    two pieces of text more than the part's widest starts a new part, so does one with two fewer
    that does not sit in the part's columns (a row with empty cells does)."""
    n_cols = len(gutters(block)) + 1
    rows = row_groups(block, rules)
    widths = [max(len(runs(line)) for line in row) for row in rows]
    if max(widths) <= n_cols:
        return [block]
    parts: list[list[TextLine]] = []
    widest: TextLine | None = None
    for row, row_width in zip(rows, widths):
        line = max(row, key=lambda l: len(runs(l)))
        width = len(runs(widest)) if widest else 0
        wider = row_width >= width + 2 and bool(parts) and not all(_fits_columns(l, line) for l in parts[-1])
        if widest is None or wider or (
                row_width <= width - 2 and not all(_fits_columns(l, widest) for l in row)):
            parts.append([])
            widest = line
        parts[-1] += row
        widest = line if len(runs(line)) > len(runs(widest)) else widest
    return parts


def runs(line: TextLine) -> list[tuple[float, float]]:
    """The x-extents of the line's text, split where the gap between characters is wide."""
    chars = line.chars or tuple((x0, x1, text) for x0, x1, text in line.segments)
    pieces: list[list[float]] = []
    for x0, x1, _ in chars:
        if pieces and x0 - pieces[-1][1] <= _COLUMN_GAP * line.size:
            pieces[-1][1] = max(pieces[-1][1], x1)
        else:
            pieces.append([x0, x1])
    return [(a, b) for a, b in pieces]


def _is_row_line(line: TextLine) -> bool:
    return len(runs(line)) >= _MIN_RUNS


def tabular_regions(lines: list[TextLine], rules: list[Rule] = ()) -> list[list[TextLine]]:
    """Runs of lines from a row line on, with the lines that continue its cells (close below,
    narrower than prose), as long as row lines keep coming. Inside a ruled frame (a 三线表's
    top and bottom rules) a wider gap between rows does not end the table."""
    regions: list[list[TextLine]] = []
    current: list[TextLine] = []
    outside: list[TextLine] = []  # lines since the last region
    for line in lines:
        if current and _continues(current, line, rules):
            current.append(line)
            continue
        if current:
            regions.append(_trimmed(current))
        outside = [] if current else outside
        current = _wrapped_above(outside, line) + [line] if _is_row_line(line) else []
        if not current:
            outside.append(line)
    if current:
        regions.append(_trimmed(current))
    return [r for r in regions if sum(_is_row_line(line) for line in r) >= 2]


def _wrapped_above(outside: list[TextLine], row_line: TextLine) -> list[TextLine]:
    """The lines right above a region's first row line that belong to it: the top of its cells (a
    header cell wrapped onto two lines, vertically centred, starts above the others: touching it,
    and narrow), and rows of two cells close above (a form's `项目名称 | …` line)."""
    taken: list[TextLine] = []
    below = row_line
    for line in reversed(outside):
        touching = below.top - line.bottom < 0.3 * line.size
        narrow = line.x1 - line.x0 < 0.4 * (row_line.x1 - row_line.x0)
        two_cells = len(runs(line)) >= 2 and below.top - line.bottom < _WRAP_GAP * line.size
        if line.page != row_line.page or not (touching and narrow or two_cells):
            break
        taken.insert(0, line)
        below = line
    return taken


def _continues(region: list[TextLine], line: TextLine, rules: list[Rule] = ()) -> bool:
    """A line close below continues the region when it has text in two places at least (a row of
    the table, or of a form's next block with other columns), or when its text fits in one column
    of the last row line (a cell's wrapped text) — not a title or a paragraph running across."""
    above = region[-1]
    gap = line.top - above.bottom
    if line.page != above.page or gap > _WRAP_GAP * max(line.size, above.size) and not (
            gap < 3 * line.size and (_ruled_between(above, line, rules) or _framed(region[0], line, rules))):
        return False
    if len(runs(line)) >= 2:
        return True
    last_row = next(l for l in reversed(region) if _is_row_line(l))
    middle = (last_row.top + last_row.bottom) / 2
    beside = [l for l in region if abs((l.top + l.bottom) / 2 - middle) < 1.4 * l.size]  # its wrapped cells
    return _fits_columns(line, last_row, beside)


def _ruled_between(above: TextLine, line: TextLine, rules: list[Rule]) -> bool:
    """A rule between the two lines, across them: a row border with its padding."""
    return any(above.bottom - 1 <= y <= line.top + 1 and x0 <= line.x0 + line.size and x1 >= line.x1 - line.size
               for y, x0, x1 in rules)


def _framed(first: TextLine, line: TextLine, rules: list[Rule]) -> bool:
    """A rule above the region's first line and one below `line`, both across them: one frame."""
    def across(x0: float, x1: float) -> bool:
        return x0 <= min(first.x0, line.x0) + first.size and x1 >= max(first.x1, line.x1) - first.size
    above = any(y < first.top and first.top - y < 4 * first.size and across(x0, x1) for y, x0, x1 in rules)
    below = any(y > line.bottom and across(x0, x1) for y, x0, x1 in rules)
    return above and below


def _fits_columns(line: TextLine, row_line: TextLine, beside: list[TextLine] = ()) -> bool:
    """Every piece of the line's text lies in one column of the row (the row line with the lines
    of its wrapped cells beside it)."""
    slack = 0.5 * line.size
    bounds = _column_bounds(row_line, beside)
    return all(any(a - slack <= x0 and x1 <= b + slack for a, b in bounds) for x0, x1 in runs(line))


def _column_bounds(line: TextLine, beside: list[TextLine] = ()) -> list[tuple[float, float]]:
    """The columns a row line suggests: its pieces of text (and those of the lines beside it)
    widened to the middles of the gaps."""
    merged: list[list[float]] = []
    for x0, x1 in sorted({*runs(line), *(r for other in beside for r in runs(other))}):
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    middles = [(a[1] + b[0]) / 2 for a, b in zip(merged, merged[1:])]
    return list(zip([float("-inf"), *middles], [*middles, float("inf")]))


def _trimmed(region: list[TextLine]) -> list[TextLine]:
    """A region ends with its last row line or the wrapped lines right under it."""
    while region and not _is_row_line(region[-1]) and len(region) > 1 and not _is_row_line(region[-2]) \
            and region[-1].top - region[-2].bottom > 0.5 * region[-1].size:
        region = region[:-1]
    return region


def split_at(region: list[TextLine], starts_table: Callable[[str], bool]) -> list[list[TextLine]]:
    """The region cut before each row of text that starts a table (its text read with the lines
    beside it: a header's wrapped cells put its words on several lines); the lines touching that
    line from above go with it (the tops of its wrapped, vertically centred header cells)."""
    blocks: list[list[TextLine]] = [[]]
    for i, line in enumerate(region):
        middle = (line.top + line.bottom) / 2
        beside = [l.text for l in region if abs((l.top + l.bottom) / 2 - middle) < 1.4 * line.size]
        started = starts_table(" ".join(beside)) and not starts_table(" ".join(
            l.text for l in region[max(0, i - 3):i] if abs((l.top + l.bottom) / 2 - middle) < 1.4 * line.size))
        if started and blocks[-1]:
            above = blocks[-1]
            cut = len(above)
            while cut > 0 and line.top - above[cut - 1].bottom < 0.3 * line.size:
                cut -= 1
            blocks[-1], moved = above[:cut], above[cut:]
            blocks.append(moved)
        blocks[-1].append(line)
    return [b for b in blocks if b]


def gutters(block: list[TextLine]) -> list[tuple[float, float]]:
    """Blank vertical strips between the block's columns: covered by at most one line in twenty
    (a title or total row may run across), at least `_MIN_GUTTER` characters wide."""
    size = statistics.median(line.size for line in block)
    left, right = min(l.x0 for l in block), max(l.x1 for l in block)
    step = 0.25
    cover = [0] * (int((right - left) / step) + 2)
    counted = block
    for line in counted:
        for x0, x1 in runs(line):
            for i in range(int((x0 - left) / step), int((x1 - left) / step) + 1):
                cover[i] += 1
    minimum = _MIN_GUTTER * size / step
    tolerance = max(1, len(counted) // 20) if len(counted) >= 4 else 0  # a stray line across a gutter
    strips = []
    for start, end in _blank_strips(cover, tolerance):
        # a strip stray lines cross: its parts no line crosses, where wide enough
        clear = [(start + a, start + b) for a, b in _blank_strips(cover[start:end], 0) if b - a >= minimum]
        for a, b in clear or [(start, end)]:
            if b - a >= minimum and a > 0 and b < len(cover) - 1:
                strips.append((left + a * step, left + b * step))
    return strips


def _blank_strips(cover: list[int], tolerance: int) -> list[tuple[int, int]]:
    """(start, end) index ranges where the coverage is at most `tolerance`."""
    strips, start = [], None
    for i, count in enumerate([*cover, tolerance + 1]):
        if count <= tolerance and start is None:
            start = i
        elif count > tolerance and start is not None:
            strips.append((start, i))
            start = None
    return strips


def row_groups(block: list[TextLine], rules: list[Rule] = ()) -> list[list[TextLine]]:
    """Lines into rows. Horizontal rules inside the block bound its rows: rules between the rows
    (two or more) make each band between them a row; one rule (under the header of a 三线表)
    makes the band above it the header row. Otherwise, when the gaps between lines fall into two
    sizes, the small ones are within a row (a wrapped cell) and the large ones between rows; else
    one line a row."""
    inside = _rules_inside(block, rules)
    if not inside:
        return _gap_groups(block)
    bands: list[list[TextLine]] = [[block[0]]]
    for above, line in zip(block, block[1:]):
        if any((above.top + above.bottom) / 2 < y < (line.top + line.bottom) / 2 for y in inside):
            bands.append([])
        bands[-1].append(line)
    if len(inside) >= 2:
        return bands
    return [bands[0]] + [row for band in bands[1:] for row in _gap_groups(band)]


def _rules_inside(block: list[TextLine], rules: list[Rule]) -> list[float]:
    """Heights of the rules that run between the block's lines across a third of its width."""
    left, right = min(l.x0 for l in block), max(l.x1 for l in block)
    return sorted(y for y, x0, x1 in rules if (block[0].top + block[0].bottom) / 2 < y < (block[-1].top + block[-1].bottom) / 2
                  and min(x1, right) - max(x0, left) >= (right - left) / 3)


def _gap_groups(block: list[TextLine]) -> list[list[TextLine]]:
    gaps = [b.top - a.bottom for a, b in zip(block, block[1:])]
    threshold = _row_gap_threshold(gaps)
    rows: list[list[TextLine]] = [[block[0]]]
    for gap, line in zip(gaps, block[1:]):
        if threshold is not None and gap < threshold:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _row_gap_threshold(gaps: list[float]) -> float | None:
    """The midpoint between the small and the large gaps (1-D two-means), or None when the gaps
    are of one size."""
    if len(gaps) < 2:
        return None
    ordered = sorted(gaps)
    best, split = None, None
    for i in range(1, len(ordered)):
        low, high = ordered[:i], ordered[i:]
        cost = sum((g - statistics.mean(low)) ** 2 for g in low) + sum((g - statistics.mean(high)) ** 2 for g in high)
        if best is None or cost < best:
            best, split = cost, i
    low, high = statistics.mean(ordered[:split]), statistics.mean(ordered[split:])
    if high < _ROW_GAP_RATIO * max(low, 0.5):
        return None
    return (max(ordered[:split]) + min(ordered[split:])) / 2


def table_of(block: list[TextLine], split: bool = False, rules: list[Rule] = ()) -> tuple[Table, tuple[float, ...]]:
    strips = gutters(block)
    left, right = min(l.x0 for l in block), max(l.x1 for l in block)
    xs = (left, *((a + b) / 2 for a, b in strips), right)
    n_cols = len(xs) - 1
    cells = []
    rows = row_groups(block, rules) if len(block) > 1 else [block]
    for r, row in enumerate(rows):
        cells += _row_cells(r, row, strips, n_cols)
    page = block[0].page
    table = Table(cells=tuple(cells), n_rows=len(rows), n_cols=n_cols, page=page,
                  row_pages=(page,) * len(rows), quality=TableQuality(ruled=False, split_from_previous=split))
    return table, xs


def _row_cells(r: int, row: list[TextLine], strips: list[tuple[float, float]], n_cols: int) -> list[Cell]:
    """The row's text split at the gutters it leaves blank; a piece covering a gutter spans the
    columns on both sides. Pieces sharing a column across the row's lines make one cell."""
    pieces: list[tuple[int, int, float, str, Box]] = []  # (first column, last column, top, text, box)
    for line in row:
        for chars in _split_at_gutters(line, strips):
            first = _column(chars[0][0], strips)
            last = _column(chars[-1][1] - 0.01, strips)
            box = (chars[0][0], line.top, chars[-1][1], line.bottom)
            pieces.append((first, last, line.top, "".join(c[2] for c in chars), box))
    merged: list[list] = []  # [first, last, [texts], box]
    for first, last, _, text, box in sorted(pieces, key=lambda p: (p[2], p[0])):
        home = next((m for m in merged if m[0] <= last and first <= m[1]), None)
        if home is None:
            merged.append([first, last, [text], box])
        else:
            home[0], home[1] = min(home[0], first), max(home[1], last)
            home[2].append(text)
            home[3] = union_box(home[3], box)
    merged = _merge_overlapping(merged)
    return [Cell(row=r, col=first, text=clean_text("".join(texts)), colspan=last - first + 1, box=box)
            for first, last, texts, box in sorted(merged) if first < n_cols]


def _merge_overlapping(cells: list[list]) -> list[list]:
    cells = sorted(cells)
    out: list[list] = []
    for cell in cells:
        if out and cell[0] <= out[-1][1]:
            out[-1][1] = max(out[-1][1], cell[1])
            out[-1][2] += cell[2]
            out[-1][3] = union_box(out[-1][3], cell[3])
        else:
            out.append(cell)
    return out


def _split_at_gutters(line: TextLine, strips: list[tuple[float, float]]) -> list[list[tuple[float, float, str]]]:
    chars = list(line.chars) or [(x0, x1, text) for x0, x1, text in line.segments]
    pieces: list[list[tuple[float, float, str]]] = [[chars[0]]]
    for before, char in zip(chars, chars[1:]):
        if any(before[1] <= (a + b) / 2 <= char[0] for a, b in strips):
            pieces.append([char])
        else:
            pieces[-1].append(char)
    return pieces


def _column(x: float, strips: list[tuple[float, float]]) -> int:
    """Index of the column an x lies in: the number of gutter middles to its left."""
    return sum(1 for a, b in strips if (a + b) / 2 < x)
