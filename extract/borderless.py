"""Tables drawn without ruling lines: rows of text pieces aligned in columns by wide gaps.

Only what is clearly tabular is taken (at least two lines of three or more aligned pieces); short
lines stacked inside such a row (a header cell wrapped onto two lines) join the row's cells.
"""
from __future__ import annotations

from extract.lines import TextLine
from extract.model import Cell, Table
from extract.text import clean_text

_MIN_COLUMNS = 3


def borderless_tables(lines: list[TextLine]) -> list[tuple[Table, list[TextLine]]]:
    """Each borderless table found among a page's lines (top to bottom), with the lines it used."""
    found = []
    for region in _tabular_regions(lines):
        found.append((_table_of(region), region))
    return found


def _is_row_line(line: TextLine) -> bool:
    return len(line.segments) >= _MIN_COLUMNS


def _tabular_regions(lines: list[TextLine]) -> list[list[TextLine]]:
    """Runs of row lines, with the short lines that sit right against them."""
    regions: list[list[TextLine]] = []
    current: list[TextLine] = []
    for i, line in enumerate(lines):
        neighbours = [n for n in lines[max(i - 1, 0):i + 2] if n is not line and _is_row_line(n)]
        attached = any(abs(n.top - line.top) < 1.2 * line.size for n in neighbours)
        if _is_row_line(line) or attached:
            if current and line.top - current[-1].bottom > 3 * line.size:
                regions.append(current)
                current = []
            current.append(line)
        elif current:
            regions.append(current)
            current = []
    if current:
        regions.append(current)
    return [r for r in regions if sum(_is_row_line(line) for line in r) >= 2]


def _columns(region: list[TextLine]) -> list[tuple[float, float]]:
    """Column extents from the lines with the most pieces."""
    widest = max(len(line.segments) for line in region)
    rows = [line for line in region if len(line.segments) == widest]
    return [
        (min(row.segments[c][0] for row in rows), max(row.segments[c][1] for row in rows))
        for c in range(widest)
    ]


def _column_of(x0: float, x1: float, columns: list[tuple[float, float]]) -> int:
    def distance(column):
        overlap = min(x1, column[1]) - max(x0, column[0])
        return -overlap if overlap > 0 else abs((x0 + x1) / 2 - (column[0] + column[1]) / 2)
    return min(range(len(columns)), key=lambda c: distance(columns[c]))


def _rows(region: list[TextLine]) -> list[list[TextLine]]:
    """Lines whose vertical extents overlap make one table row."""
    rows: list[list[TextLine]] = []
    for line in sorted(region, key=lambda l: l.top):
        if rows and line.top < max(l.bottom for l in rows[-1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _table_of(region: list[TextLine]) -> Table:
    columns = _columns(region)
    rows = _rows(region)
    cells = []
    for r, row in enumerate(rows):
        texts = [""] * len(columns)
        for line in sorted(row, key=lambda l: l.top):
            for x0, x1, text in line.segments:
                texts[_column_of(x0, x1, columns)] += text
        cells += [Cell(row=r, col=c, text=clean_text(t)) for c, t in enumerate(texts)]
    page = region[0].page
    return Table(
        cells=tuple(cells), n_rows=len(rows), n_cols=len(columns), page=page,
        row_pages=(page,) * len(rows), quality={"ruled": False},
    )
