"""The body of an indicator table → `RawRow`s: one per indicator, text per column role.

    body_rows            rows below the header, cell by cell (a merged cell once, by its spans);
                         repeated headers, subtotals left out; the block ends at a closing row
                         (总分, 评价结论, 项目负责人 …) of a form
    merge_seam_fragments rows cut in two by a page break joined
    fill_down_levels     level names printed once per group carried down
    row_defects          rows that show the table was misread
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from perfreports.extract.model import Cell, Table
from perfreports.facts.indicators import vocabulary as v
from perfreports.facts.indicators.header import LEVEL_ROLES, OTHER_ROLES, VALUE_ROLES, Header, is_label, names_levels, norm, \
    squash
from perfreports.facts.indicators.values import canonical_level1, is_level1_name, is_level2_name, is_level_name, level2_parent
from perfreports.normalize import is_blank_value

_CLOSING = re.compile(v.CLOSING_ROWS)
_SKIPPED = re.compile(v.SKIPPED_ROWS)
FRAGMENT_TEXT_ROLES = ("level1", "level2", "level3", "explanation", "deviation_reason")


@dataclass(frozen=True)
class RawRow:
    """One body row: text per column role (`target`, `target.sign` …), still as printed."""

    row: int  # grid row where it starts
    cells: dict[str, str]
    other: tuple[tuple[str, str], ...] = ()  # (column header path, text) of columns read into no field
    at_seam: bool = False
    stray: tuple[str, ...] = ()  # text in columns without any header
    # (key, cell) of every cell the row's text was read from (key `other` for other columns):
    # provenance, left out of comparisons
    sources: tuple[tuple[str, Cell], ...] = field(default=(), compare=False)

    def get(self, key: str) -> str:
        return self.cells.get(key, "")

    def has_value(self) -> bool:
        return any(self.get(role) for role in VALUE_ROLES)


def cell_slots(table: Table) -> dict[tuple[int, int], Cell]:
    """The cell covering each (row, column) slot of the grid."""
    slots = {}
    for cell in table.cells:
        for r in range(cell.row, min(cell.row + cell.rowspan, table.n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, table.n_cols)):
                slots[r, c] = cell
    return slots


def _cell_key(cell: Cell, header: Header) -> tuple[str | None, int]:
    """The key a cell's text is read as, and the column it is read from: the value column when
    it spans the split columns of one value (`定性` text over 指标性质|指标值|度量单位), else the
    first column it covers that has a role."""
    columns = [header.columns[c] for c in range(cell.col, cell.col + cell.colspan) if c < len(header.columns)]
    roles = {column.role for column in columns}
    if len(columns) > 1 and len(roles) == 1 and roles <= set(VALUE_ROLES):
        value = next((c for c in columns if c.part == "value"), columns[0])
        return value.role, value.index
    for column in columns:
        if column.role is not None:
            return column.key, column.index
    return None, columns[0].index if columns else cell.col


def row_cells(slots: dict, r: int, header: Header) -> tuple[dict[str, str], tuple, tuple, tuple]:
    """The row's text by key, its other columns, stray text, and the (key, cell) each came from."""
    cells: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    stray: list[str] = []
    sources: dict[str, list[Cell]] = {}
    seen: set[int] = set()
    for c in range(len(header.columns)):
        cell = slots.get((r, c))
        if cell is None or id(cell) in seen or not cell.text.strip():
            continue
        seen.add(id(cell))
        key, col = _cell_key(cell, header)
        column = header.columns[col]
        text = cell.text.strip()
        if column.role == "label":
            continue
        if key is None and not column.path:
            stray.append(text)
        elif column.role in OTHER_ROLES:
            other.append((column.name, text))
            sources.setdefault("other", []).append(cell)
        elif key not in cells or is_label(cells[key]):  # under one merged header: the label gives way
            cells[key] = text
            sources[key] = [cell]
    return cells, tuple(other), tuple(stray), tuple((key, cell) for key, found in sources.items() for cell in found)


def _first_text(cells: dict[str, str], other: tuple, stray: tuple) -> str:
    for role in (*LEVEL_ROLES, *VALUE_ROLES):
        if cells.get(role):
            return norm(cells[role])
    texts = [norm(t) for t in (*cells.values(), *(t for _, t in other), *stray) if norm(t)]
    return texts[0] if texts else ""


def is_closing(cells: dict[str, str], other: tuple, stray: tuple) -> bool:
    """A row that ends the indicator block: totals, conclusion, problems, signatures."""
    return bool(_CLOSING.search(_first_text(cells, other, stray)))


def is_repeated_header(row: list[str], header: Header) -> bool:
    squashed = tuple(squash(c) for c in row)
    if squashed in header.texts or names_levels(row):
        return True
    texts = [norm(c) for c in row if norm(c)]
    named = {column.name for column in header.columns}
    return len(texts) >= 2 and all(t in named or any(t in c.path for c in header.columns) for t in texts)


def body_rows(table: Table, grid: list[list[str]], header: Header) -> list[RawRow]:
    """Rows below the header with repeated headers, empty rows and subtotals left out, up to the
    first closing row (a form's 总分, 评价结论, 项目负责人 …).

    A row is `at_seam` when it opens a continuation page, also when only a repeated header
    stood between it and the page break.
    """
    slots = cell_slots(table)
    rows: list[RawRow] = []
    seam = False
    for r in range(header.rows.stop, len(grid)):
        seam = seam or r in table.seam_rows
        if is_repeated_header(grid[r], header):
            continue
        cells, other, stray, sources = row_cells(slots, r, header)
        if is_closing(cells, other, stray):
            break
        if any(_SKIPPED.match(squash(cells.get(role, ""))) for role in LEVEL_ROLES):
            seam = False
            continue
        if cells or stray:
            rows.append(RawRow(r, cells, other, seam, stray, sources))
        seam = False
    return rows


# --- rows cut by a page break --------------------------------------------------------------------


def is_fragment(row: RawRow, above: RawRow) -> bool:
    """The lower half of `above`, cut off by a page break: no value of its own where `above`
    has one, only some text in name or explanation columns."""
    above_values = [role for role in VALUE_ROLES if above.get(role)]
    return (
        bool(above_values)
        and all(not row.get(role) for role in above_values)
        and any(row.get(role) for role in FRAGMENT_TEXT_ROLES)
    )


def join_rows(above: RawRow, fragment: RawRow) -> RawRow:
    cells = dict(above.cells)
    for key, text in fragment.cells.items():
        if text != cells.get(key):  # a label repeated on the new page is not a continuation
            cells[key] = cells.get(key, "") + text
    return replace(above, cells=cells, other=above.other + fragment.other, stray=above.stray + fragment.stray,
                   sources=above.sources + fragment.sources)


def merge_seam_fragments(rows: list[RawRow]) -> list[RawRow]:
    merged: list[RawRow] = []
    for row in rows:
        if row.at_seam and merged and is_fragment(row, merged[-1]):
            merged[-1] = join_rows(merged[-1], row)
        else:
            merged.append(row)
    return merged


def join_cut_level_names(rows: list[RawRow]) -> list[RawRow]:
    """A merged level cell whose name is cut in two — by a page break (`效益指标` | `（20分）` on the
    next page), or by rows without lines between them (`满意度指` | `标`, the name's lines falling
    in two rows) — prints part of it on each side: the two parts, the second no level name by
    itself, are one name on every row the cell covers."""
    rows = list(rows)
    for i, row in enumerate(rows):
        if i == 0:
            continue
        for role in ("level1", "level2"):
            before, after = rows[i - 1].get(role), row.get(role)
            whole = before + after
            if before and after and before != after and is_level_name(whole) and not is_level_name(after):
                for j in [*_run(rows, i - 1, role, -1), *_run(rows, i, role, 1)]:
                    rows[j] = replace(rows[j], cells=dict(rows[j].cells, **{role: whole}))
    return rows


def _run(rows: list[RawRow], start: int, role: str, step: int) -> list[int]:
    """The rows from `start` on (going by `step`) that carry the same text in `role`: one merged cell."""
    text, out, k = rows[start].get(role), [], start
    while 0 <= k < len(rows) and rows[k].get(role) == text:
        out.append(k)
        k += step
    return out


# --- level names printed once per group ----------------------------------------------------------

def _fits(level1: str, level2: str) -> bool:
    """Whether a level-2 may sit under a level-1 (unknown names fit anything)."""
    parent = level2_parent(level2)
    return parent is None or not is_level1_name(level1) or parent == canonical_level1(level1)


def _shift_misplaced_level2(row: RawRow) -> RawRow:
    """A level-2 name printed in the level-1 column with the level-2 cell empty (`产出质量 | | …`)
    moves to the level-2 column; the level-1 is then filled from its neighbours."""
    level1 = row.get("level1")
    if not (level1 and not row.get("level2") and not is_level1_name(level1) and is_level2_name(level1)):
        return row
    cells = dict(row.cells, level2=level1)
    del cells["level1"]
    sources = tuple(("level2" if key == "level1" else key, cell) for key, cell in row.sources)
    return replace(row, cells=cells, sources=sources)


def level_sources(row: RawRow, role: str) -> tuple[tuple[str, Cell], ...]:
    return tuple(source for source in row.sources if source[0] == role)


def fill_down_levels(rows: list[RawRow], carry: tuple[str, str] = ("", "")) -> list[RawRow]:
    """Empty level-1/level-2 cells take the name from the row above — printed once per group, or
    a vertical merge the grid did not span (one continued on a new page). When the name above
    cannot hold this row (a 经济效益 under 产出指标: the merged cell's text was printed lower
    down), the next name below that can is taken instead. `carry` = levels in force before the
    first row."""
    rows = [_shift_misplaced_level2(row) for row in rows]
    filled: list[RawRow] = []
    above1, above2 = carry
    for i, row in enumerate(rows):
        level1, level2 = row.get("level1"), row.get("level2")
        if not level1:  # the first rows under a name printed in the middle of its merged cell: that name
            level1 = above1 or _next_below(rows, i, "level1", lambda name: True) or ""
            if level2 and not _fits(level1, level2):
                level1 = _next_below(rows, i, "level1", lambda name: _fits(name, level2)) or level1
        if not level2:
            level2 = above2 or _next_below(rows, i, "level2", lambda name: _fits(level1, name)) or ""
            if not _fits(level1, level2):
                level2 = _next_below(rows, i, "level2", lambda name: _fits(level1, name)) or ""
        sources = row.sources + _carried_sources(row, filled[-1] if filled else None, level1, level2)
        filled.append(replace(row, cells=dict(row.cells, level1=level1, level2=level2), sources=sources))
        above1, above2 = level1, level2
    return filled


def _carried_sources(row: RawRow, above: RawRow | None, level1: str, level2: str) -> tuple[tuple[str, Cell], ...]:
    """The cells of the level names a row took from the row above (printed once per group)."""
    if above is None:
        return ()
    taken = [role for role, name in (("level1", level1), ("level2", level2))
             if not row.get(role) and name and name == above.get(role)]
    return tuple(source for role in taken for source in level_sources(above, role))


def _next_below(rows: list[RawRow], i: int, role: str, fits: Callable[[str], bool]) -> str | None:
    """The next name printed below row `i` in column `role`, if it `fits` this row."""
    name = next((row.get(role) for row in rows[i + 1:] if row.get(role)), None)
    return name if name and fits(name) else None


# --- rows that show a misread table ---------------------------------------------------------------

def row_defects(row: RawRow) -> str | None:
    """Why a row shows its table was misread, or None."""
    if not squash(row.get("level3")):
        if any(not is_blank_value(row.get(role)) for role in VALUE_ROLES if row.get(role)):
            return "有数值但没有三级指标名称"
        if row.get("explanation") or row.get("deviation_reason"):
            return "有说明文字但没有三级指标名称（跨页断行未接上？）"
        return None
    for role in LEVEL_ROLES:
        if _looks_like_number(row.get(role)):
            return f"指标名称列出现数值“{row.get(role)}”，列可能错位"
    if row.stray:
        return f"无表头的列中出现文字“{row.stray[0]}”，列可能错位"
    if not row.has_value():
        return f"“{row.get('level3')}”一行没有任何目标值或完成值（断行或错位？）"
    return None


_NUMBER_LIKE = re.compile(r"^([≥≤><=＝＞＜≧≦]|\d+(\.\d+)?\s*(%|％|人次?|次|万元?|元|个|家|场|项|天)?$)")


def _looks_like_number(text: str) -> bool:
    return bool(_NUMBER_LIKE.match(squash(text)))


def is_indicator(row: RawRow) -> bool:
    return bool(squash(row.get("level3")))

