"""An indicator table's header → the role of each column, from the column's header path.

A column's path is every header cell above it, top to bottom (`1-6月执行情况 › 目标值`,
`年度指标值 › 指标性质`); a merged header cell belongs to the path of every column it covers. A
small grammar reads the role from the path (the words live in `vocabulary.py`):

    level1 / level2 / level3           一级指标 / 二级指标 / 三级指标 (or 指标名称 …)
    target / stage_target / actual     what a value column holds × when: 全年目标值 → target,
                                       1-8月目标值 → stage_target, 1-8月实际完成值 → actual
    forecast                           预计… (not read)
    adjustment, tracked, explanation,  fields of their own
    deviation_reason, weight, score
    seq, note, progress, tick, label   kept in the row's other columns, or ignored (label)
    None                               unknown: kept in the row's other columns

Split columns (指标性质 · 指标值 · 度量单位) are parts (`sign`, `value`, `unit`) of the value role
their parent names, or of the value column beside them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from perfreports.facts.indicators import vocabulary as v
from perfreports.normalize import hint_unit

_BRACKET_UNIT = re.compile(r"\((?:单位:)?([^()]{1,4})\)$")  # 指标值（万元）, 人数(单位:人)
_LEVELS = {role: re.compile(pattern) for role, pattern in v.LEVEL_HEADERS.items()}
_LEVEL3_ALIAS = re.compile(v.LEVEL3_ALIASES)
_LABEL = re.compile(v.LABEL_HEADERS)
_FIELDS = tuple((role, re.compile(pattern)) for role, pattern in v.FIELD_HEADERS)
_TICK_PARENT = re.compile(v.TICK_PARENTS)
_TICK_WORD = re.compile(v.TICK_WORDS)
_STAGE_TARGET = re.compile(v.STAGE_TARGET_WORDS)
_SIGN = re.compile(v.SIGN_HEADERS)
_UNIT = re.compile(v.UNIT_HEADERS)
_FORECAST = re.compile(v.FORECAST_WORDS)
_ACTUAL = re.compile(v.ACTUAL_WORDS)
_TARGET = re.compile(v.TARGET_WORDS)
_STAGE = re.compile(v.STAGE_WORDS)
_FULL_YEAR = re.compile(v.FULL_YEAR_WORDS)
_VALUE_LIKE = re.compile(r"^[≥≤><=≧≦]|^\d+(\.\d+)?\s*\D{0,3}$|\d{2,}")
_FUNDING = re.compile(r"预算|资金|万元|拨款")

VALUE_ROLES = ("target", "stage_target", "actual")
LEVEL_ROLES = ("level1", "level2", "level3")
# Roles whose text is kept in the row's other columns, under the column's header path.
OTHER_ROLES = ("forecast", "seq", "note", "progress", "tick", None)


def squash(text: str | None) -> str:
    """Text with every kind of whitespace removed (headers print with stray spaces and breaks)."""
    return re.sub(r"\s+", "", text or "")


def bracket_unit(text: str) -> str | None:
    """The unit a name or header states in brackets at its end (`指标值（万元）` → `万元`)."""
    match = _BRACKET_UNIT.search(unicodedata.normalize("NFKC", squash(text)))
    return match.group(1) if match and hint_unit(f"({match.group(1)})")[0] else None


def norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", squash(text))


@dataclass(frozen=True)
class Column:
    index: int
    path: tuple[str, ...]  # header texts above the column, top to bottom, squashed
    role: str | None
    part: str = "value"  # value, or sign / unit of a split target or actual

    @property
    def name(self) -> str:
        return "›".join(self.path)

    @property
    def key(self) -> str | None:
        """What its text is read as: `target`, `target.sign`, `actual.unit` …"""
        if self.role is None:
            return None
        return self.role if self.part == "value" else f"{self.role}.{self.part}"


@dataclass(frozen=True)
class Header:
    rows: range
    columns: tuple[Column, ...]
    texts: tuple[tuple[str, ...], ...]  # the header rows, squashed, to spot repeats

    @property
    def roles(self) -> tuple[str | None, ...]:
        return tuple(c.key for c in self.columns)

    def has(self, role: str) -> bool:
        return role in self.roles

    def unit(self, role: str) -> str | None:
        """The unit a `role` column's header states in brackets (`指标值（万元）`)."""
        for column in self.columns:
            if column.key == role:
                for text in reversed(column.path):
                    if unit := bracket_unit(text):
                        return unit
        return None


# --- single header texts ------------------------------------------------------------------------

def level_role(text: str) -> str | None:
    text = norm(text)
    return next((role for role, pattern in _LEVELS.items() if pattern.search(text)), None)


def _is_header_word(text: str) -> bool:
    """Whether a header cell names something a column can hold."""
    text = norm(text)
    return bool(level_role(text) or _LEVEL3_ALIAS.match(text) or _LABEL.match(text)
                or any(p.search(text) for _, p in _FIELDS) or _TICK_PARENT.search(text) or _TICK_WORD.match(text)
                or _SIGN.match(text) or _UNIT.match(text) or _value_kind(text))


def names_levels(row: list[str]) -> bool:
    """A row that names at least two of the three level columns, one of them the level-3."""
    roles = {level_role(cell) for cell in row}
    has_level3 = "level3" in roles or any(_LEVEL3_ALIAS.match(norm(cell)) for cell in row)
    return has_level3 and bool(roles & {"level1", "level2"})


def is_label(text: str) -> bool:
    """A label such as `绩效指标（90分）` spanning a block, not a value of any column."""
    return bool(_LABEL.match(norm(text)))


def is_value_like(text: str) -> bool:
    return bool(_VALUE_LIKE.search(norm(text)))


# --- the header block ---------------------------------------------------------------------------

def find_header(grid: list[list[str]], is_level_name) -> Header | None:
    """The header of an indicator table: the first row naming the level columns, the parent rows
    above it and the sub-header rows below it. `is_level_name(text)`: a level-1/level-2 name
    (`产出指标（50分）`), which no header cell is."""
    level_row = next((r for r, row in enumerate(grid) if names_levels(row)), None)
    if level_row is None:
        return None
    level_cols = [c for c, text in enumerate(grid[level_row]) if level_role(text) or _LEVEL3_ALIAS.match(norm(text))]
    start = level_row
    while start > 0 and _is_parent_row(grid[start - 1], level_cols, is_level_name):
        start -= 1
    end = level_row + 1
    while end < len(grid) and _is_sub_header_row(grid[end], grid[level_row], level_cols, is_level_name):
        end += 1
    block = [grid[r] for r in range(start, end)]
    columns = resolve_columns(column_paths(block))
    return Header(range(start, end), columns, tuple(tuple(squash(c) for c in row) for row in block))


def _is_header_cells(cells: list[str], is_level_name) -> bool:
    """Cells that are all column names (and no level name: those open the body)."""
    texts = [norm(c) for c in cells if norm(c)]
    return bool(texts) and all(_is_header_word(t) and not is_level_name(t) for t in texts)


def _is_parent_row(row: list[str], level_cols: list[int], is_level_name) -> bool:
    """A row above the level row that names groups of columns (`1-6月执行情况`, a merged
    `绩效指标` over the level columns) — never a funding or goal row of the form above."""
    texts = {norm(c) for c in row if norm(c)}
    return (len(texts) >= 2 and _is_header_cells(row, is_level_name)
            and not any(_FUNDING.search(t) for t in texts))


def _is_sub_header_row(row: list[str], level_row: list[str], level_cols: list[int], is_level_name) -> bool:
    """A row below the level row with the names of sub-columns (`目标值 | 实际完成值`); the level
    columns are empty there or repeat the level row (a header merged down)."""
    if any(norm(row[c]) and norm(row[c]) != norm(level_row[c]) for c in level_cols if c < len(row)):
        return False
    others = [cell for c, cell in enumerate(row) if c not in level_cols]
    return _is_header_cells(others, is_level_name) and any(
        norm(cell) != norm(level_row[c]) for c, cell in enumerate(row) if norm(cell) and c < len(level_row))


def column_paths(block: list[list[str]]) -> list[tuple[str, ...]]:
    """Each column's header texts, top to bottom, a merged cell (copied into every slot) once.

    A header printed without merging leaves a parent only over its first sub-column
    (`1-6月执行情况 |  ` over `目标值 | 实际完成值`): an empty slot above a sub-header takes the
    text to its left when that text also stands over a sub-header.
    """
    rows = [list(row) for row in block]
    for r in range(len(rows) - 1):
        for c in range(1, len(rows[r])):
            below = rows[r + 1][c] if c < len(rows[r + 1]) else ""
            left_below = rows[r + 1][c - 1] if c - 1 < len(rows[r + 1]) else ""
            if not squash(rows[r][c]) and squash(rows[r][c - 1]) and squash(below) and squash(left_below) \
                    and squash(left_below) != squash(rows[r][c - 1]):
                rows[r][c] = rows[r][c - 1]
    n_cols = max(len(row) for row in rows)
    paths = []
    for c in range(n_cols):
        path: list[str] = []
        for row in rows:
            text = norm(row[c]) if c < len(row) else ""
            if text and (not path or path[-1] != text):
                path.append(text)
        paths.append(tuple(path))
    return paths


# --- roles --------------------------------------------------------------------------------------

def resolve_columns(paths: list[tuple[str, ...]]) -> tuple[Column, ...]:
    """The role of every column; a role taken by an earlier column under another header is not
    taken twice (the later column is kept under its name in the row's other columns). Columns
    under one merged header cell share its role (`一级指标` over a `绩效指标` label column and the
    level-1 column: the body tells them apart)."""
    columns = [_column(i, path) for i, path in enumerate(paths)]
    for i, column in enumerate(columns[1:], start=1):
        left = columns[i - 1]
        if not column.path and left.role in (*LEVEL_ROLES, "label"):  # a level header left unmerged
            columns[i] = Column(i, left.path, left.role)
    if not any(c.role == "level3" for c in columns):
        alias = next((c for c in columns if c.path and _LEVEL3_ALIAS.match(c.path[-1])), None)
        if alias is not None:
            columns[alias.index] = Column(alias.index, alias.path, "level3")
    columns = _attach_parts(columns)
    seen: dict[str, tuple[str, ...]] = {}
    for i, column in enumerate(columns):
        key = column.key
        if key in seen and seen[key] != column.path and column.role not in OTHER_ROLES and column.role != "label":
            columns[i] = Column(column.index, column.path, None)
        seen.setdefault(key, column.path)
    return tuple(columns)


def _column(index: int, path: tuple[str, ...]) -> Column:
    if not path:
        return Column(index, path, None)
    leaf = path[-1]
    for text in reversed(path):
        if role := level_role(text):
            return Column(index, path, role)
    if any(_TICK_PARENT.search(text) for text in path[:-1]) and not _field_role(leaf):
        return Column(index, path, "tick")
    if role := _field_role(leaf):
        return Column(index, path, role)
    if _SIGN.match(leaf):
        return Column(index, path, _parent_value_role(path), "sign")
    if _UNIT.match(leaf):
        return Column(index, path, _parent_value_role(path), "unit")
    if _LABEL.match(leaf) or _LEVEL3_ALIAS.match(leaf):
        return Column(index, path, "label")
    if role := _value_role(path):
        return Column(index, path, role)
    return Column(index, path, None)


def _field_role(text: str) -> str | None:
    return next((role for role, pattern in _FIELDS if pattern.search(text)), None)


def _value_kind(text: str) -> str | None:
    if _STAGE_TARGET.search(text):
        return "target"
    if _FORECAST.search(text):
        return "forecast"
    if _ACTUAL.search(text):
        return "actual"
    if _TARGET.search(text):
        return "target"
    return None


def _value_role(path: tuple[str, ...]) -> str | None:
    """target / stage_target / actual / forecast: the kind from the leaf (else the nearest parent
    naming one), the period from the leaf (else any parent)."""
    kind = next((k for k in map(_value_kind, reversed(path)) if k), None)
    if kind != "target":
        return kind
    return "stage_target" if _is_stage(path) or any(_STAGE_TARGET.search(t) for t in path) else "target"


def _is_stage(path: tuple[str, ...]) -> bool:
    for text in reversed(path):
        if _STAGE.search(text):
            return True
        if _FULL_YEAR.search(text):
            return False
    return False


def _parent_value_role(path: tuple[str, ...]) -> str | None:
    """The value role a sign or unit sub-column belongs to, when a parent names it."""
    return _value_role(path[:-1]) if len(path) > 1 else None


def _attach_parts(columns: list[Column]) -> list[Column]:
    """Sign and unit columns without a parent naming their value belong to the value column next
    to them: a sign to the first value column on its right, a unit to the last on its left. A
    `指标值` under the same parent as a sign/unit pair is that parent's value."""
    out = list(columns)
    for i, column in enumerate(columns):
        if column.part == "value" or column.role is not None:
            continue
        step = 1 if column.part == "sign" else -1
        j = i + step
        while 0 <= j < len(columns) and columns[j].part != "value":
            j += step
        if 0 <= j < len(columns) and columns[j].role in VALUE_ROLES:
            out[i] = Column(column.index, column.path, columns[j].role, column.part)
    return out
