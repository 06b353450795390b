"""One table printed as two on a page: a header drawn differently from its body (a shaded or
unruled header over a ruled body, a ruled header over rows separated by whitespace), or header
lines standing right above a ruled body. What touches from above and lies within the table's
columns is joined to it, on the finer of the two column grids."""
from __future__ import annotations

import re
from dataclasses import replace

from perfreports.extract.borderless import runs
from perfreports.extract.lines import PageTable, TextLine
from perfreports.extract.model import Box, Cell, Table, union_box
from perfreports.extract.text import clean_text

_TOUCHING = 1.2  # characters: parts at most this far apart are one table
_SAME_WIDTH = 0.8  # share of the wider part's width the narrower must overlap
_CAPTION = re.compile(r"^(续|附)?表\s*[\d一二三四五六七八九十]")
_SENTENCE = re.compile(r"[。；，,;：:]")


def join_stacked(items: list, size: float) -> list:
    """`items` (TextLines and PageTables, top to bottom) with touching parts of one table joined."""
    out: list = []
    for item in items:
        if isinstance(item, PageTable):
            header_lines = _header_lines_above(out, item, size)
            if header_lines:
                del out[len(out) - len(header_lines):]
                item = _merge(_lines_table(header_lines, item), item)
            if out and isinstance(out[-1], PageTable) and _touching(out[-1], item, size):
                item = _merge(out.pop(), item)
        out.append(item)
    return out


def _touching(upper, lower, size: float) -> bool:
    """Parts drawn differently (ruled and not) that touch and share their width. Two ruled tables
    are two tables; parts without lines were cut apart on purpose (extract/borderless.py)."""
    if upper.table.quality.ruled == lower.table.quality.ruled:
        return False
    if not (upper.xs and lower.xs) or lower.top - upper.bottom > _TOUCHING * size:
        return False
    overlap = min(upper.xs[-1], lower.xs[-1]) - max(upper.xs[0], lower.xs[0])
    widest = max(upper.xs[-1] - upper.xs[0], lower.xs[-1] - lower.xs[0])
    return overlap >= _SAME_WIDTH * widest


def _header_lines_above(out: list, table, size: float) -> list[TextLine]:
    """The text lines right above a ruled table, touching it and one another, within its width and
    reading as column names (short pieces of text, no sentence, no caption) — one of them with
    text in three places at least: its header, drawn without cell borders."""
    if not table.table.quality.ruled or not table.xs:
        return []
    taken: list[TextLine] = []
    below_top = table.top
    for item in reversed(out):
        if not isinstance(item, TextLine) or below_top - item.bottom > _TOUCHING * size:
            break
        if item.x0 < table.xs[0] - size or item.x1 > table.xs[-1] + size or not _names_columns(item):
            break
        taken.insert(0, item)
        below_top = item.top
    return taken if any(len(runs(line)) >= 3 for line in taken) else []


def _names_columns(line: TextLine) -> bool:
    text = line.text.strip()
    pieces = [p for p in text.replace("\t", " ").split(" ") if p]
    return not _CAPTION.match(text) and not _SENTENCE.search(text) and all(len(p) <= 12 for p in pieces)


def _lines_table(lines: list[TextLine], below):
    """Header lines as a one-row table on the columns of the table below."""
    xs = below.xs
    texts: dict[int, str] = {}
    boxes: dict[int, Box] = {}
    for line in lines:
        for x0, x1, char in line.chars:
            col = max(0, min(len(xs) - 2, sum(1 for x in xs[1:-1] if x < (x0 + x1) / 2)))
            texts[col] = texts.get(col, "") + char
            boxes[col] = union_box(boxes.get(col), (x0, line.top, x1, line.bottom))
    cells = tuple(Cell(0, col, clean_text(text), box=boxes[col]) for col, text in sorted(texts.items()))
    table = Table(cells=cells, n_rows=1, n_cols=len(xs) - 1, page=below.page, row_pages=(below.page,),
                  quality=below.table.quality)
    return PageTable(table=table, xs=xs, top=min(l.top for l in lines), bottom=max(l.bottom for l in lines),
                     page=below.page)


def _merge(upper, lower):
    """The two parts on the grid of the one with more columns, the other's cells spanning the
    columns their extent covers."""
    base = upper if len(upper.xs) >= len(lower.xs) else lower
    cells = [_remap(c, upper.xs, base.xs) for c in upper.table.cells]
    cells += [replace(_remap(c, lower.xs, base.xs), row=c.row + upper.table.n_rows) for c in lower.table.cells]
    n_rows = upper.table.n_rows + lower.table.n_rows
    table = Table(cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))), n_rows=n_rows,
                  n_cols=len(base.xs) - 1, page=upper.page,
                  row_pages=upper.table.row_pages + lower.table.row_pages,
                  quality=replace(base.table.quality, split_from_previous=upper.table.quality.split_from_previous))
    return PageTable(table=table, xs=base.xs, top=upper.top, bottom=lower.bottom, page=upper.page)


def _remap(cell: Cell, xs: tuple[float, ...], onto: tuple[float, ...]) -> Cell:
    if xs is onto:
        return cell
    x0, x1 = xs[cell.col], xs[min(cell.col + cell.colspan, len(xs) - 1)]
    middles = [(onto[c] + onto[c + 1]) / 2 for c in range(len(onto) - 1)]
    inside = [c for c, m in enumerate(middles) if x0 <= m <= x1]
    if not inside:
        inside = [min(range(len(middles)), key=lambda c: abs(middles[c] - (x0 + x1) / 2))]
    return replace(cell, col=inside[0], colspan=inside[-1] - inside[0] + 1)
