"""Performance-indicator tables (申报表, 调整表, 对比表, 自评表 …) → `indicators` rows.

A table is an indicator table when one of its rows names the level columns (一级指标 / 二级指标 /
三级指标, or 一级目标 … as some reports print them). Everything else about a table is read from
its header text, never from column positions, because every report arranges its columns
differently. The steps, each a small function:

    find_header_row → header_rows → column_roles      which column holds what
    body_rows                                           rows below the header, repeated headers out
    merge_seam_fragments                                rows cut in two by a page break joined
    fill_down_levels                                    merged level cells continued on later rows
    row_defects                                         rows that show the table was misread
    to_indicator_row                                    values parsed, levels made canonical
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from extract.model import Block, Document, Heading, Paragraph, Table
from facts.records import IndicatorRow, Problem
from normalize import Value, hint_unit, parse_value

# ---------------------------------------------------------------------------------------------
# Column roles. Ordered: the first rule whose pattern occurs in the header text wins, so the
# specific ones come first (`实际完成的绩效目标值` is actual, `本阶段应完成的绩效目标值` is the
# stage target, though both also read as a 目标值). A `截至6月底…` header says only when: it is
# the stage target if it says 应完成, else the actual (`截至6月底完成值`).
ROLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern))
    for role, pattern in (
        ("level1", r"一级(指标|目标)"),
        ("level2", r"二级(指标|目标)"),
        ("level3", r"三级(指标|目标)"),
        ("stage_target", r"本阶段|阶段性?目标|跟踪目标|应完成"),
        # a forecast (全年预计完成情况) is no actual: its own role, read into no column
        ("forecast", r"预计"),
        ("actual", r"实际|完成值|完成情况|执行情况"),
        ("adjustment", r"调整类型|调整方式|调整情况"),
        ("tracked", r"是否跟踪"),
        ("explanation", r"指标解释|指标说明"),
        ("deviation_reason", r"偏差原因|原因分析|改进措施"),
        ("weight", r"分值|权重"),
        ("score", r"得分"),
        ("target", r"目标值|指标值|年度目标|全年目标|预期目标"),
        ("other", r"^(序号|备注|指标性质|指标方向|度量单位|计量单位)$"),
    )
)
# Header cells that belong to a header row but give no column role (a merged `绩效指标` over the
# three level columns).
HEADER_FILLER = re.compile(r"^(绩效指标|指标|绩效目标|指标名称|指标内容)$")
# A cell opening with a level-1 column name: the table is an indicator table, read or not.
LEVEL1_CELL = re.compile(r"一级(指标|目标)")
# The level-3 column's header in tables that name level-1/level-2 but print no `三级…` header.
LEVEL3_ALIAS = re.compile(r"^(指标名称|指标内容|具体指标|三级指标名称)$")

LEVEL_ROLES = ("level1", "level2", "level3")
VALUE_ROLES = ("target", "stage_target", "actual", "adjustment", "tracked", "weight", "score")
FRAGMENT_TEXT_ROLES = ("level1", "level2", "level3", "explanation", "deviation_reason")

# Cells that print "nothing here".
EMPTY_VALUE = re.compile(r"^[-—－–_/／\\\s]*$|^(无|空)$")
# Rows closing a 自评表 or a group: `总分 | 100 | 95`, `成本指标 | 小计 | | 50`; notes under a table.
FOOTER = re.compile(r"^(总分|合计|总计|小计|综合得分|得分合计)$|^(注|说明|备注)\d*[：:]")
# Text that is a value, not a name: a sign or a bare number with a unit.
VALUE_LIKE = re.compile(r"^([≥≤><=＝＞＜≧≦]|\d+(\.\d+)?\s*(%|％|人次?|次|万元?|元|个|家|场|项|天)?$)")
# Matched on NFKC text: `表 4 …`, `附表1：…`, `表二 …`, `表2-1 …`, `表1（续）`, `续表1`, `续表`. A bare 续
# must stand alone: `表1续建项目…` is titled 续建项目.
CAPTION = re.compile(
    r"^(?P<cont>续)?(?:附)?表\s*(?P<num>\d+|[〇零一二两三四五六七八九十]+)?(?:\s*-\s*(?P<sub>\d+))?"
    r"\s*(?P<cont2>\(续表?\)|续表?(?=\s|$))?\s*[:.．、—\-]?\s*(?P<title>.*)$", re.S)
UNIT_LINE = re.compile(r"^[（(]?单位[：:]([^（()）,，;；]+)")
# A unit in brackets ending a name or header (NFKC-normalized): `指标值(万元)`, `目标值(单位:人)`.
BRACKET_UNIT = re.compile(r"\((?:单位:)?([^()]{1,4})\)$")
# An indicator table's header line that reached the document as prose: the table was not found.
HEADER_AS_PROSE = re.compile(r"一级(指标|目标)\s*二级(指标|目标)\s*三级(指标|目标)")

# ---------------------------------------------------------------------------------------------
# Canonical level names (shared/SCHEMA.md).
LEVEL1_NAMES = {
    "成本指标": ("成本", "成本指标"),
    "产出指标": ("产出", "产出指标", "产出目标"),
    "效益指标": ("效益", "效益指标", "效益目标", "效果指标", "效果目标"),
    "满意度指标": ("满意度", "满意度指标", "满意度目标", "服务对象满意度指标"),
}
LEVEL2_NAMES = {
    "经济成本": ("经济成本", "经济成本指标"),
    "社会成本": ("社会成本", "社会成本指标"),
    "生态环境成本": ("生态环境成本", "生态环境成本指标", "生态成本"),
    "数量指标": ("数量指标", "产出数量", "数量"),
    "质量指标": ("质量指标", "产出质量", "质量"),
    "时效指标": ("时效指标", "产出时效", "时效"),
    "经济效益": ("经济效益", "经济效益指标"),
    "社会效益": ("社会效益", "社会效益指标"),
    "生态效益": ("生态效益", "生态效益指标"),
    "可持续影响": ("可持续影响", "可持续影响指标"),
    "服务对象满意度": (
        "服务对象满意度",
        "服务对象满意度指标",
        "满意度",
        "满意度指标",
        "社会公众或服务对象满意度",
        "社会公众或服务对象满意度指标",
    ),
}
# Which level-1 a level-2 belongs to, to tell a merged level-1 cell's true extent.
LEVEL2_PARENT = {
    "经济成本": "成本指标",
    "社会成本": "成本指标",
    "生态环境成本": "成本指标",
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "经济效益": "效益指标",
    "社会效益": "效益指标",
    "生态效益": "效益指标",
    "可持续影响": "效益指标",
    "服务对象满意度": "满意度指标",
}
_LEVEL1_LOOKUP = {raw: canon for canon, raws in LEVEL1_NAMES.items() for raw in raws}
_LEVEL2_LOOKUP = {raw: canon for canon, raws in LEVEL2_NAMES.items() for raw in raws}
# An unknown level name that still reads like one is kept quietly; anything else is reported.
LEVEL_LIKE = re.compile(r"(指标|目标|成本|效益|效果|满意度|影响|数量|质量|时效|产出)$")

ADJUSTMENTS = (("原", "original"), ("新增", "added"), ("删除", "deleted"), ("调整", "modified"),
               ("修改", "modified"), ("变更", "modified"))
TRACKED = {"是": True, "否": False}


def squash(text: str | None) -> str:
    """Text with every kind of whitespace removed (names print with stray spaces and breaks)."""
    return re.sub(r"\s+", "", text or "")


def canonical_level1(name: str) -> str:
    """`产出` → `产出指标`; a name that is no known level-1 is returned as given."""
    return _LEVEL1_LOOKUP.get(name, name)


def canonical_level2(name: str) -> str:
    """`产出数量` → `数量指标`, `社会公众或服务对象满意度` → `服务对象满意度`; unknown names as given."""
    return _LEVEL2_LOOKUP.get(name, name)


# ---------------------------------------------------------------------------------------------
# Header


def header_role(text: str) -> str | None:
    text = squash(text)
    for role, pattern in ROLE_RULES:
        if pattern.search(text):
            return role
    return None


def with_level3_alias(roles: list[str | None], texts: list[list[str]]) -> list[str | None]:
    """`roles` with the first column headed `指标名称` (or the like, `texts` = its header texts)
    made the level-3 one, when the header names level-1 or level-2 but no level-3 column."""
    if "level3" in roles or not {"level1", "level2"} & set(roles):
        return roles
    alias = next((c for c, column in enumerate(texts) if any(LEVEL3_ALIAS.match(squash(t)) for t in column)), None)
    return roles if alias is None else [*roles[:alias], "level3", *roles[alias + 1:]]


def names_levels(row: list[str]) -> bool:
    """A row that names at least two of the three level columns, one of them the level-3."""
    roles = set(with_level3_alias([header_role(cell) for cell in row], [[cell] for cell in row]))
    return "level3" in roles and bool(roles & {"level1", "level2"})


def is_header_like(row: list[str]) -> bool:
    """Every filled cell is a column name, and at least one gives a role."""
    cells = [squash(c) for c in row if squash(c)]
    if not cells:
        return False
    roles = [header_role(c) for c in cells]
    fillers = [HEADER_FILLER.match(c) for c in cells]
    return any(r for r in roles) and all(r or f for r, f in zip(roles, fillers))


def find_header_row(grid: list[list[str]]) -> int | None:
    """Index of the first row naming the level columns (rows above it are a caption block)."""
    return next((r for r, row in enumerate(grid) if names_levels(row)), None)


def header_rows(grid: list[list[str]], level_row: int) -> range:
    """The header block around `level_row`: neighbouring rows made of column names only
    (a two-row header, e.g. a merged `绩效指标` over 一级/二级/三级)."""
    start = level_row
    while start > 0 and is_header_like(grid[start - 1]):
        start -= 1
    end = level_row + 1
    while end < len(grid) and is_header_like(grid[end]):
        end += 1
    return range(start, end)


def column_roles(header: list[list[str]]) -> tuple[str | None, ...]:
    """Role of each column, read from the lowest header row that names it (the most specific)."""
    n_cols = max((len(row) for row in header), default=0)
    texts = [[row[c] for row in reversed(header) if c < len(row) and squash(row[c])] for c in range(n_cols)]
    roles = [next((r for r in map(header_role, column) if r), None) for column in texts]
    roles = with_level3_alias(roles, texts)
    # a named column we do not read (序号, 备注 …)
    return tuple("other" if role is None and column else role for role, column in zip(roles, texts))


@dataclass(frozen=True)
class Header:
    rows: range
    roles: tuple[str | None, ...]
    texts: tuple[tuple[str, ...], ...]  # the header rows, squashed, to spot repeats

    def has(self, role: str) -> bool:
        return role in self.roles

    def unit(self, role: str) -> str | None:
        """The unit the header of a `role` column states in brackets (`指标值（万元）`)."""
        for c in (c for c, r in enumerate(self.roles) if r == role):
            for row in reversed(self.texts):
                unit = bracket_unit(row[c]) if c < len(row) else None
                if unit:
                    return unit
        return None


def read_header(grid: list[list[str]]) -> Header | None:
    level_row = find_header_row(grid)
    if level_row is None:
        return None
    rows = header_rows(grid, level_row)
    header = [grid[r] for r in rows]
    return Header(rows, column_roles(header), tuple(tuple(squash(c) for c in row) for row in header))


# ---------------------------------------------------------------------------------------------
# Body


@dataclass(frozen=True)
class RawRow:
    """One body row: text per role (several columns of one role joined), still as printed."""

    row: int  # grid row where it starts
    cells: dict[str, str]
    at_seam: bool = False
    stray: tuple[str, ...] = ()  # text in columns without a header

    def get(self, role: str) -> str:
        return self.cells.get(role, "")


def row_cells(row: list[str], header: Header) -> tuple[dict[str, str], tuple[str, ...]]:
    cells: dict[str, list[str]] = {}
    stray: list[str] = []
    for c, text in enumerate(row):
        text = text.strip()
        role = header.roles[c] if c < len(header.roles) else None
        if not text or role == "other":
            continue
        if role is None:
            stray.append(text)
            continue
        bucket = cells.setdefault(role, [])
        if text not in bucket:  # a merged cell copied into every column it covers counts once
            bucket.append(text)
    return {role: "；".join(texts) for role, texts in cells.items()}, tuple(stray)


def is_repeated_header(row: list[str], header: Header) -> bool:
    squashed = tuple(squash(c) for c in row)
    return squashed in header.texts or names_levels(row) or (
        is_header_like(row) and sum(header_role(c) is not None for c in row if squash(c)) >= 2
    )


def is_footer(cells: dict[str, str]) -> bool:
    return any(FOOTER.match(squash(cells.get(role, ""))) for role in LEVEL_ROLES)


def body_rows(table: Table, grid: list[list[str]], header: Header) -> list[RawRow]:
    """Rows below the header with repeated headers, empty rows and total rows left out.

    A row is `at_seam` when it opens a continuation page, also when only a repeated header
    stood between it and the page break.
    """
    rows: list[RawRow] = []
    seam = False
    for r in range(header.rows.stop, len(grid)):
        seam = seam or r in table.seam_rows
        if is_repeated_header(grid[r], header):
            continue
        cells, stray = row_cells(grid[r], header)
        if (cells or stray) and not is_footer(cells):
            rows.append(RawRow(r, cells, seam, stray))
        seam = False
    return rows


def is_value_empty(text: str) -> bool:
    return bool(EMPTY_VALUE.match(text))


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
    for role, text in fragment.cells.items():
        if text != cells.get(role):  # a label repeated on the new page is not a continuation
            cells[role] = cells.get(role, "") + text
    return replace(above, cells=cells, stray=above.stray + fragment.stray)


def merge_seam_fragments(rows: list[RawRow]) -> list[RawRow]:
    merged: list[RawRow] = []
    for row in rows:
        if row.at_seam and merged and is_fragment(row, merged[-1]):
            merged[-1] = join_rows(merged[-1], row)
        else:
            merged.append(row)
    return merged


def _fits(level1: str, level2: str) -> bool:
    """Whether a level-2 may sit under a level-1 (unknown names fit anything)."""
    parent = LEVEL2_PARENT.get(canonical_level2(squash(level2)))
    known1 = canonical_level1(squash(level1)) in LEVEL1_NAMES
    return parent is None or not known1 or parent == canonical_level1(squash(level1))


def _shift_misplaced_level2(cells: dict[str, str]) -> dict[str, str]:
    """A level-2 name printed in the level-1 column with the level-2 cell empty (`产出质量 | | …`)
    moves to the level-2 column; the level-1 is then filled from its neighbours."""
    level1 = squash(cells.get("level1"))
    if level1 and not cells.get("level2") and level1 not in _LEVEL1_LOOKUP and level1 in _LEVEL2_LOOKUP:
        cells = dict(cells, level2=cells["level1"])
        del cells["level1"]
    return cells


def fill_down_levels(rows: list[RawRow], carry: tuple[str, str] = ("", "")) -> list[RawRow]:
    """Empty level-1/level-2 cells take the name from the row above — a vertical merge the
    grid did not span, e.g. one continued on a new page. When the name above cannot hold this
    row (a 经济效益 under 产出指标: the merged cell's text was printed lower down), the next name
    below that can is taken instead. `carry` = levels in force before the first row."""
    rows = [replace(row, cells=_shift_misplaced_level2(row.cells)) for row in rows]
    filled: list[RawRow] = []
    above1, above2 = carry
    for i, row in enumerate(rows):
        level1, level2 = row.get("level1"), row.get("level2")
        if not level1:
            level1 = above1
            if level2 and not _fits(level1, level2):
                level1 = _next_below(rows, i, "level1", lambda name: _fits(name, level2)) or level1
        if not level2:
            level2 = above2
            if not _fits(level1, level2):
                level2 = _next_below(rows, i, "level2", lambda name: _fits(level1, name)) or ""
        filled.append(replace(row, cells=dict(row.cells, level1=level1, level2=level2)))
        above1, above2 = level1, level2
    return filled


def _next_below(rows: list[RawRow], i: int, role: str, fits: Callable[[str], bool]) -> str | None:
    """The next name printed below row `i` in column `role`, if it `fits` this row."""
    name = next((row.get(role) for row in rows[i + 1:] if row.get(role)), None)
    return name if name and fits(name) else None


def row_defects(row: RawRow) -> str | None:
    """Why a row shows its table was misread, or None."""
    if not squash(row.get("level3")):
        if any(not is_value_empty(row.get(role)) for role in VALUE_ROLES if row.get(role)):
            return "有数值但没有三级指标名称"
        if row.get("explanation") or row.get("deviation_reason"):
            return "有说明文字但没有三级指标名称（跨页断行未接上？）"
        return None
    for role in ("level1", "level2", "level3"):
        if VALUE_LIKE.match(squash(row.get(role))):
            return f"指标名称列出现数值“{row.get(role)}”，列可能错位"
    if row.stray:
        return f"无表头的列中出现文字“{row.stray[0]}”，列可能错位"
    if not any(row.get(role) for role in VALUE_ROLES):
        return f"“{row.get('level3')}”一行没有任何目标值或完成值（断行或错位？）"
    return None


def is_indicator(row: RawRow) -> bool:
    return bool(squash(row.get("level3")))


# ---------------------------------------------------------------------------------------------
# Values


def cell_text(text: str) -> str | None:
    text = text.strip()
    return None if is_value_empty(text) else text


def parse(text: str | None, hint: str | None = None) -> Value | None:
    """`normalize.parse_value` on a non-empty cell (the value grammar lives in normalize/)."""
    return parse_value(text, hint=hint) if text else None


def value_fields(prefix: str, text: str | None, hint: str) -> dict:
    value = parse(text, hint)
    return {
        f"{prefix}_raw": text,
        f"{prefix}_op": value.op if value else None,
        f"{prefix}_value": value.value if value else None,
        f"{prefix}_unit": value.unit if value else None,
    }


def adjustment(text: str | None) -> str | None:
    name = squash(text)
    return next((code for prefix, code in ADJUSTMENTS if name.startswith(prefix)), None)


def tracked(text: str | None) -> bool | None:
    return TRACKED.get(squash(text))


def number(text: str | None) -> Decimal | None:
    value = parse(text)
    return value.value if value else None


def bracket_unit(text: str) -> str | None:
    """The unit a name or header states in brackets at its end (`指标值（万元）` → `万元`)."""
    match = BRACKET_UNIT.search(unicodedata.normalize("NFKC", squash(text)))
    return match.group(1) if match and hint_unit(f"({match.group(1)})")[0] else None


def value_hint(indicator: str, column_unit: str | None, table_unit: str | None) -> str:
    """The hint for a bare number under `indicator`: its own bracketed unit first, then the unit
    in its column's header, then the table's `单位：` line — the latter only where it restates the
    unit the indicator has anyway (a money line sets 元 vs 万元 for money rows, not for counts)."""
    if bracket_unit(indicator):
        return indicator
    if column_unit:
        return f"{indicator}({column_unit})"
    if table_unit and hint_unit(indicator)[0] is not None and hint_unit(indicator)[0] == hint_unit(f"({table_unit})")[0]:
        return f"{indicator}({table_unit})"
    return indicator


def to_indicator_row(row: RawRow, *, report_id: str, table_no: int, table_title: str | None,
                     row_no: int, page: int | None, column_units: dict[str, str | None] | None = None,
                     table_unit: str | None = None) -> IndicatorRow:
    """`column_units`: the unit each value role's header states; `table_unit`: the table's `单位：` line."""
    level1_raw = squash(row.get("level1")) or None
    level2_raw = squash(row.get("level2")) or None
    indicator = squash(row.get("level3"))
    column_units = column_units or {}

    def hint(role: str) -> str:
        return value_hint(indicator, column_units.get(role), table_unit)

    return IndicatorRow(
        report_id=report_id,
        table_no=table_no,
        table_title=table_title,
        row_no=row_no,
        level1=canonical_level1(level1_raw) if level1_raw else None,
        level2=canonical_level2(level2_raw) if level2_raw else None,
        level1_raw=level1_raw,
        level2_raw=level2_raw,
        indicator=indicator,
        **value_fields("target", cell_text(row.get("target")), hint("target")),
        **value_fields("stage_target", cell_text(row.get("stage_target")), hint("stage_target")),
        **value_fields("actual", cell_text(row.get("actual")), hint("actual")),
        adjustment=adjustment(cell_text(row.get("adjustment"))),
        tracked=tracked(cell_text(row.get("tracked"))),
        explanation=cell_text(row.get("explanation")),
        weight=number(cell_text(row.get("weight"))),
        score=number(cell_text(row.get("score"))),
        deviation_reason=cell_text(row.get("deviation_reason")),
        page=page,
    )


# ---------------------------------------------------------------------------------------------
# Captions


@dataclass(frozen=True)
class Caption:
    number: int | None  # None only for a bare `续表`
    title: str | None
    sub: int | None = None  # `表2-1` → 1
    continues: bool = False  # `续表1`, `表1（续）`

    def continues_table(self, numbering: Numbering) -> bool:
        """Whether this caption names the rest of `numbering`'s table: `续表` or the same number."""
        if self.number is None:
            return self.continues
        return (self.number, self.sub) == (numbering.table_no, numbering.sub)


def parse_caption(block: Block | None) -> Caption | None:
    if not isinstance(block, (Paragraph, Heading)):
        return None
    match = CAPTION.match(unicodedata.normalize("NFKC", block.text).strip())
    if not match:
        return None
    title = squash(match["title"])
    continues = bool(match["cont"] or match["cont2"])
    if len(title) > 60 or (match["num"] is None and not (continues and not title)):
        return None  # a sentence that happens to start with 表N
    number = parse_value(match["num"]) if match["num"] else None
    if match["num"] and (number is None or number.value is None):
        return None
    sub = int(match["sub"]) if match["sub"] else None
    if sub is not None:  # `表2-1`, `表2-2`: both table 2, told apart by their titles
        title = f"（{match['num']}-{sub}）{title}"
    return Caption(int(number.value) if number else None, title or None, sub, continues)


def table_unit(blocks: tuple[Block, ...], i: int) -> str | None:
    """The unit of table `i` from a `单位：万元` line just above it."""
    above = blocks[i - 1] if i > 0 else None
    match = UNIT_LINE.match(squash(above.text)) if isinstance(above, Paragraph) else None
    return match.group(1) if match else None


def table_caption(blocks: tuple[Block, ...], i: int) -> Caption | None:
    """The caption just above table `i` (a `单位：万元` line may stand between), else just below
    it — unless the line below opens the next table (then it is that table's caption)."""
    j = i - 1
    if j > 0 and isinstance(blocks[j], Paragraph) and UNIT_LINE.match(squash(blocks[j].text)):
        j -= 1
    above = parse_caption(blocks[j]) if j >= 0 else None
    if above:
        return above
    below = blocks[i + 1] if i + 1 < len(blocks) else None
    after_below = blocks[i + 2] if i + 2 < len(blocks) else None
    return None if isinstance(after_below, Table) else parse_caption(below)


# ---------------------------------------------------------------------------------------------
# Whole document


@dataclass(frozen=True)
class ReadTable:
    """What one indicator table gave: rows ready to number, or the reason it could not be read;
    `bad_rows`: why single rows were left out of a table otherwise read."""

    rows: list[RawRow]
    problem: str | None = None
    bad_rows: tuple[str, ...] = ()


def read_indicator_table(table: Table, grid: list[list[str]], header: Header,
                         carry: tuple[str, str] = ("", "")) -> ReadTable:
    if not header.has("level3"):
        return ReadTable([], "表头没有三级指标列")
    if not (header.has("target") or header.has("stage_target") or header.has("actual")):
        return ReadTable([], "表头没有指标目标值列")
    rows = fill_down_levels(merge_seam_fragments(body_rows(table, grid, header)), carry)
    defects = {row.row: f"第{row.row + 1}行{defect}{page_note(table.row_page(row.row))}"
               for row in rows if (defect := row_defects(row))}
    if defects and 2 * len(defects) >= len(rows):  # most rows misread: the table was
        return ReadTable([], next(iter(defects.values())))
    indicators = [row for row in rows if is_indicator(row) and row.row not in defects]
    if rows and not indicators:
        return ReadTable([], "表中没有可读的指标行")
    return ReadTable(indicators, bad_rows=tuple(defects.values()))


@dataclass(frozen=True)
class Numbering:
    """Where the last indicator table left off, for a continuation that follows it."""

    header: Header
    table_no: int
    title: str | None
    row_no: int  # rows numbered so far
    levels: tuple[str, str]  # level-1/level-2 in force at its last row
    unit: str | None = None  # its `单位：` line
    sub: int | None = None  # its caption's sub-number (`表2-1` → 1)


def continued(previous: Numbering | None, last: Numbering | None, table: Table, header: Header | None,
              caption: Caption | None) -> Numbering | None:
    """The table `table` is the rest of, if any, with the same columns (with or without a repeated
    header): `previous` (the indicator table right before it) when `table` has no caption — a page
    split the extractor did not stitch —, or `last` (the last indicator table, prose between) when
    its caption is `续表…` or repeats that table's number."""
    if caption is None:
        start = previous
    else:
        start = last if last and caption.continues_table(last) else None
    if start is None:
        return None
    if header is None:
        return start if len(start.header.roles) == table.n_cols else None
    return start if header.roles == start.header.roles else None


def page_note(page: int | None) -> str:
    return f"（第{page}页）" if page is not None else ""


def indicator_rows(document: Document, report_id: str) -> tuple[list[IndicatorRow], list[Problem]]:
    """Every indicator row of every indicator table in `document`, and what could not be read."""
    out: list[IndicatorRow] = []
    problems: list[Problem] = []
    previous: Numbering | None = None  # the indicator table right before, nothing between
    last: Numbering | None = None  # the last indicator table read, whatever came between
    table_order = 0
    for i, block in enumerate(document.blocks):
        if not isinstance(block, Table):
            if squash(block.text):
                previous = None  # prose between two tables: no continuation
            if isinstance(block, Paragraph) and HEADER_AS_PROSE.search(block.text):
                problems.append(unparsed(None, block.page, f"没有被识别为表格，只读到文字：{block.text[:40]}…",
                                         report_id))
            continue
        table_order += 1
        caption = table_caption(document.blocks, i)
        grid = block.grid()
        header = read_header(grid)
        unit = table_unit(document.blocks, i)
        start = continued(previous, last, block, header, caption)
        if start:
            header = header or replace(start.header, rows=range(0, 0))
            numbering = replace(start, header=header, unit=unit or start.unit)
        elif header:
            numbering = Numbering(header, caption.number if caption and caption.number else table_order,
                                  caption.title if caption else None, 0, ("", ""), unit,
                                  caption.sub if caption else None)
        else:
            if any(LEVEL1_CELL.match(squash(cell)) for row in grid for cell in row):
                problems.append(unparsed(caption.number if caption and caption.number else table_order, block.page,
                                         "有一级指标列，但找不到同时列出一级/二级与三级指标的表头行", report_id))
            previous = None
            continue

        result = read_indicator_table(block, grid, header, numbering.levels)
        column_units = {role: header.unit(role) for role in CHECKED_ROLES}
        if result.problem:
            problems.append(unparsed(numbering.table_no, block.page, result.problem, report_id))
            previous = last = None
            continue
        for n, row in enumerate(result.rows, start=numbering.row_no + 1):
            out.append(to_indicator_row(row, report_id=report_id, table_no=numbering.table_no,
                                        table_title=numbering.title, row_no=n, page=block.row_page(row.row),
                                        column_units=column_units, table_unit=numbering.unit))
        problems.extend(unparsed(numbering.table_no, None, f"{bad}，其余行已读出", report_id)
                        for bad in result.bad_rows)
        problems.extend(level_problems(result.rows, numbering.table_no, block.page, report_id))
        problems.extend(low_confidence_problems(block, header, result.rows, numbering.table_no, report_id))
        final = result.rows[-1] if result.rows else None
        previous = last = replace(numbering, row_no=numbering.row_no + len(result.rows),
                                  levels=(final.get("level1"), final.get("level2")) if final else numbering.levels)
    return out, problems


def warning(code: str, message: str, report_id: str) -> Problem:
    # source_file is the caller's to fill: this stage sees only the document
    return Problem(source_file="", severity="warning", code=code, message=message,
                   stage="normalize", report_id=report_id)


def unparsed(table_no: int | None, page: int | None, reason: str, report_id: str) -> Problem:
    """The `table_unparsed` warning: `表4（第9页）未能读出指标：…` (`一张指标表` when unnumbered)."""
    table = f"表{table_no}" if table_no is not None else "一张指标表"
    return warning("table_unparsed", f"{table}{page_note(page)}未能读出指标：{reason}", report_id)


def level_problems(rows: list[RawRow], table_no: int, page: int | None, report_id: str) -> list[Problem]:
    """One warning per table naming level cells that are no level name at all."""
    odd: list[str] = []
    for row in rows:
        for role, lookup in (("level1", _LEVEL1_LOOKUP), ("level2", _LEVEL2_LOOKUP)):
            name = squash(row.get(role))
            if name and name not in lookup and not LEVEL_LIKE.search(name) and name not in odd:
                odd.append(name)
    if not odd:
        return []
    return [warning("unknown_level",
                    f"表{table_no}{page_note(page)}的指标层级名称不是常见名称：{'、'.join(odd)}", report_id)]


# OCR confidence (extract/ocr.py) under which a read value is shown to a person to check.
LOW_CONFIDENCE = 0.8
CHECKED_ROLES = ("target", "stage_target", "actual")


def low_confidence_problems(table: Table, header: Header, rows: list[RawRow], table_no: int,
                            report_id: str) -> list[Problem]:
    """A `low_confidence` warning for each target/stage/actual cell of an indicator row that OCR
    read with a confidence under `LOW_CONFIDENCE`."""
    starts = {row.row for row in rows}
    out = []
    for cell in table.cells:
        if cell.confidence is None or cell.confidence >= LOW_CONFIDENCE or cell.row not in starts:
            continue
        roles = {header.roles[c] for c in range(cell.col, cell.col + cell.colspan) if c < len(header.roles)}
        if roles & set(CHECKED_ROLES):
            out.append(warning(
                "low_confidence",
                f"表{table_no}{page_note(table.row_page(cell.row))}“{cell.text}”是OCR识别的，置信度"
                f"{cell.confidence:.2f}偏低，请核对原件。", report_id))
    return out
