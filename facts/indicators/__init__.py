"""Performance-indicator tables (申报表, 调整表, 对比表, 自评表, 监控表 …) → `indicators` rows.

A table is an indicator table when one of its rows names the level columns (一级指标 / 二级指标 /
三级指标, or 一级目标 …). Everything else about it is read from its header text, never from
column positions, because every report arranges its columns differently. In three steps:

    table_parts      every table of the document with its caption, header and `单位：` line
    group_tables     parts joined into the indicator tables they make up: a table continued on
                     the next page, `续表N`, a page split the extractor did not stitch
    read_group       each indicator table's rows (header.py → rows.py → values.py)

The words all of this is read with are data: `vocabulary.py`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from perfreports.extract.model import Document, Paragraph, Table
from perfreports.facts.indicators.captions import Caption, table_caption, table_unit
from perfreports.facts.indicators.header import VALUE_ROLES, Header, find_header, squash
from perfreports.facts.indicators.rows import RawRow, body_rows, fill_down_levels, is_indicator, join_cut_level_names, \
    merge_seam_fragments, row_defects
from perfreports.facts.indicators.values import canonical_level1, canonical_level2, cell_text, is_level_name, joined, \
    level_name, number, parse, reads_like_level, value_hint, with_unit_of
from perfreports.facts.indicators.vocabulary import ADJUSTMENTS, TRACKED
from perfreports.facts.records import IndicatorCell, IndicatorRow, Problem

__all__ = ["indicator_rows", "indicator_rows_and_cells", "canonical_level1", "canonical_level2", "read_header", "table_parts",
           "group_tables", "read_part", "TablePart", "IndicatorTable"]

# An indicator table's header line that reached the document as prose: the table was not found.
HEADER_AS_PROSE = re.compile(r"一级(指标|目标)\s*二级(指标|目标)\s*三级(指标|目标)")
LEVEL1_CELL = re.compile(r"一级(指标|目标)")
# OCR confidence (extract/ocr.py) under which a read value is shown to a person to check.
LOW_CONFIDENCE = 0.8


def read_header(grid: list[list[str]]) -> Header | None:
    return find_header(grid, is_level_name)


# --- the tables of a document ---------------------------------------------------------------------

@dataclass(frozen=True)
class TablePart:
    table: Table
    order: int  # 1-based among the document's tables
    caption: Caption | None
    header: Header | None
    unit: str | None  # its `单位：` line
    after_prose: bool  # prose stands between it and the table before
    grid: list[list[str]] = field(compare=False, repr=False, default_factory=list)  # built once

    @property
    def number(self) -> int:
        return self.caption.number if self.caption and self.caption.number else self.order


@dataclass(frozen=True)
class IndicatorTable:
    table_no: int
    title: str | None
    sub: int | None  # the caption's sub-number (`表2-1` → 1)
    header: Header
    parts: tuple[TablePart, ...]  # the first part, then its continuations

    def unit(self) -> str | None:
        return next((p.unit for p in self.parts if p.unit), None)


def table_parts(document: Document) -> tuple[list[TablePart], list[Problem]]:
    parts, problems = [], []
    prose = False
    order = 0
    for i, block in enumerate(document.blocks):
        if not isinstance(block, Table):
            prose = prose or bool(squash(block.text))
            if isinstance(block, Paragraph) and HEADER_AS_PROSE.search(block.text):
                problems.append(unparsed(None, block.page, f"没有被识别为表格，只读到文字：{block.text[:40]}…"))
            continue
        grid = block.grid()
        order += not block.quality.split_from_previous
        parts.append(TablePart(block, order, table_caption(document.blocks, i), read_header(grid),
                               table_unit(document.blocks, i), prose, grid))
        prose = False
    return parts, problems


def group_tables(parts: list[TablePart]) -> tuple[list[IndicatorTable], list[Problem]]:
    """Indicator tables, each with the parts that continue it; what looks like one but has no
    readable header is reported."""
    groups: list[IndicatorTable] = []
    problems: list[Problem] = []
    previous: IndicatorTable | None = None  # the indicator table right before, nothing between
    for part in parts:
        last = groups[-1] if groups else None
        start = continued(previous if not part.after_prose else None, last, part)
        if start is not None:
            groups[groups.index(start)] = previous = IndicatorTable(
                start.table_no, start.title, start.sub, start.header, start.parts + (part,))
        elif part.header is not None:
            caption = part.caption
            previous = IndicatorTable(part.number, caption.title if caption else None,
                                      caption.sub if caption else None, part.header, (part,))
            groups.append(previous)
        else:
            if any(LEVEL1_CELL.match(squash(cell.text)) for cell in part.table.cells):
                problems.append(unparsed(part.number, part.table.page,
                                         "有一级指标列，但找不到同时列出一级/二级与三级指标的表头行"))
            previous = None
    return groups, problems


def continued(previous: IndicatorTable | None, last: IndicatorTable | None, part: TablePart) -> IndicatorTable | None:
    """The indicator table `part` is the rest of, if any, with the same columns (with or without a
    repeated header): `previous` (the one right before it) when `part` has no caption — a page
    split the extractor did not stitch —, or `last` (prose between allowed) when its caption is
    `续表…` or repeats that table's number."""
    if part.caption is None:
        start = previous
    else:
        start = last if last and part.caption.continues_table(last.table_no, last.sub) else None
    if start is None:
        return None
    if part.header is None:
        return start if len(start.header.columns) == part.table.n_cols else None
    return start if part.header.roles == start.header.roles else None


# --- reading one indicator table ---------------------------------------------------------------

@dataclass(frozen=True)
class ReadPart:
    """What one part of an indicator table gave: rows, or the reason it could not be read;
    `bad_rows`: why single rows were left out of a part otherwise read."""

    rows: list[RawRow]
    problem: str | None = None
    bad_rows: tuple[str, ...] = ()
    body_count: int = 0  # rows under the header, before subtotals, notes and blank rows are left out


def read_part(table: Table, grid: list[list[str]], header: Header, carry: tuple[str, str]) -> ReadPart:
    if not header.has("level3"):
        return ReadPart([], "表头没有三级指标列")
    if not any(header.has(role) for role in VALUE_ROLES):
        return ReadPart([], "表头没有指标目标值列")
    rows = fill_down_levels(join_cut_level_names(merge_seam_fragments(body_rows(table, grid, header))), carry)
    defects = {row.row: f"第{row.row + 1}行{defect}{page_note(table.row_page(row.row))}"
               for row in rows if (defect := row_defects(row))}
    if defects and 2 * len(defects) >= len(rows):  # most rows misread: the table was
        return ReadPart([], next(iter(defects.values())), body_count=len(rows))
    indicators = [row for row in rows if is_indicator(row) and row.row not in defects]
    if rows and not indicators:
        return ReadPart([], "表中没有可读的指标行", body_count=len(rows))
    return ReadPart(indicators, bad_rows=tuple(defects.values()), body_count=len(rows))


def read_group(group: IndicatorTable, report_id: str) -> tuple[list[IndicatorRow], list[IndicatorCell], list[Problem]]:
    out: list[IndicatorRow] = []
    cells: list[IndicatorCell] = []
    problems: list[Problem] = []
    carry = ("", "")
    for part in group.parts:
        header = part.header or Header(range(0, 0), group.header.columns, group.header.texts)
        result = read_part(part.table, part.grid, header, carry)
        if result.problem:
            problems.append(unparsed(group.table_no, part.table.page, result.problem))
            continue
        units = {role: header.unit(role) for role in VALUE_ROLES}
        for row in result.rows:
            out.append(to_indicator_row(row, report_id=report_id, table_no=group.table_no,
                                        table_title=group.title, row_no=len(out) + 1,
                                        page=part.table.row_page(row.row), column_units=units,
                                        table_unit=group.unit()))
            cells += source_cells(row, part, report_id=report_id, table_no=group.table_no, row_no=len(out))
        problems += [unparsed(group.table_no, None, f"{bad}，其余行已读出") for bad in result.bad_rows]
        problems += level_problems(result.rows, group.table_no, part.table.page)
        problems += low_confidence_problems(part.table, header, result.rows, group.table_no)
        if result.rows:
            carry = (result.rows[-1].get("level1"), result.rows[-1].get("level2"))
    return out, cells, problems


def indicator_rows(document: Document, report_id: str) -> tuple[list[IndicatorRow], list[Problem]]:
    """Every indicator row of every indicator table in `document`, and what could not be read."""
    rows, _, problems = indicator_rows_and_cells(document, report_id)
    return rows, problems


def indicator_rows_and_cells(document: Document, report_id: str) -> tuple[list[IndicatorRow], list[IndicatorCell],
                                                                          list[Problem]]:
    """`indicator_rows`, with the cells each row was read from (`indicator_cells`)."""
    parts, problems = table_parts(document)
    groups, more = group_tables(parts)
    rows: list[IndicatorRow] = []
    cells: list[IndicatorCell] = []
    for group in groups:
        read, read_cells, group_problems = read_group(group, report_id)
        rows += read
        cells += read_cells
        more += group_problems
    return rows, cells, [_with_report(p, report_id) for p in problems + more]


# --- where a row's cells stand ----------------------------------------------------------------

# The `indicators` column a cell's text goes into, by the key it was read as (rows.row_cells).
COLUMN_OF_KEY = {"level1": "level1", "level2": "level2", "level3": "indicator", "other": "other_columns"}
BOX_DECIMALS = 2


def column_of_key(key: str) -> str:
    role = key.split(".")[0]  # target.sign, target.unit: the target
    if role in VALUE_ROLES:
        return f"{role}_raw"
    return COLUMN_OF_KEY.get(role, role)


def source_cells(row: RawRow, part: TablePart, *, report_id: str, table_no: int, row_no: int) -> list[IndicatorCell]:
    """Each cell the row was read from, once per column (a merged cell read into two columns
    gives two), with its page and box."""
    out, seen = [], set()
    for key, cell in row.sources:
        column = column_of_key(key)
        if (column, id(cell)) in seen:
            continue
        seen.add((column, id(cell)))
        box = tuple(round(v, BOX_DECIMALS) for v in cell.box) if cell.box else (None,) * 4
        out.append(IndicatorCell(report_id, table_no, row_no, column, cell.text, part.table.row_page(cell.row), *box,
                                 table_index=part.order, cell_row=cell.row + 1, cell_col=cell.col + 1,
                                 confidence=cell.confidence))
    return out


# --- one row ------------------------------------------------------------------------------------

def value_text(row: RawRow, role: str) -> str | None:
    """The text of a target/stage/actual, its split sign and unit columns joined."""
    return joined(row.get(f"{role}.sign"), row.get(role), row.get(f"{role}.unit"))


def to_indicator_row(row: RawRow, *, report_id: str, table_no: int, table_title: str | None,
                     row_no: int, page: int | None, column_units: dict[str, str | None] | None = None,
                     table_unit: str | None = None) -> IndicatorRow:
    """`column_units`: the unit each value role's header states; `table_unit`: the table's `单位：` line."""
    level1, level2 = level_name(row.get("level1")), level_name(row.get("level2"))
    indicator = squash(row.get("level3"))
    column_units = column_units or {}
    texts = {role: value_text(row, role) for role in VALUE_ROLES}
    values = {role: parse(texts[role], value_hint(indicator, column_units.get(role), table_unit))
              for role in VALUE_ROLES}
    unit_cell = cell_text(row.get("target.unit"))  # a 度量单位 column: the unit of the row's numbers
    for role in ("stage_target", "actual"):
        if unit_cell and texts[role] and values[role] and values[role].value is not None and values[role].unit is None:
            values[role] = parse(texts[role] + unit_cell, value_hint(indicator, None, table_unit))
        values[role] = with_unit_of(values[role], values["target"])
    fields = {}
    for role in VALUE_ROLES:
        value = values[role]
        fields |= {f"{role}_raw": texts[role], f"{role}_op": value.op if value else None,
                   f"{role}_value": value.value if value else None, f"{role}_unit": value.unit if value else None}
    return IndicatorRow(
        report_id=report_id, table_no=table_no, table_title=table_title, row_no=row_no,
        level1=canonical_level1(level1.raw) if level1.raw else None,
        level2=canonical_level2(level2.raw) if level2.raw else None,
        level1_raw=level1.raw or None, level2_raw=level2.raw or None,
        indicator=indicator,
        **fields,
        adjustment=adjustment(cell_text(row.get("adjustment"))),
        tracked=TRACKED.get(squash(row.get("tracked"))),
        explanation=cell_text(row.get("explanation")),
        weight=number(row.get("weight")),
        score=number(row.get("score")),
        deviation_reason=cell_text(row.get("deviation_reason")),
        page=page,
        level1_weight=level1.weight,
        other_columns=json.dumps(dict(row.other), ensure_ascii=False) if row.other else None,
    )


def adjustment(text: str | None) -> str | None:
    name = squash(text)
    return next((code for prefix, code in ADJUSTMENTS if name.startswith(prefix)), None)


# --- problems -------------------------------------------------------------------------------------

def page_note(page: int | None) -> str:
    return f"（第{page}页）" if page is not None else ""


def warning(code: str, message: str) -> Problem:
    # source_file and report_id are the caller's to fill: this stage sees only the document
    return Problem.warning(code, message, stage="normalize")


def _with_report(problem: Problem, report_id: str) -> Problem:
    return replace(problem, report_id=report_id)


def unparsed(table_no: int | None, page: int | None, reason: str) -> Problem:
    """The `table_unparsed` warning: `表4（第9页）未能读出指标：…` (`一张指标表` when unnumbered)."""
    table = f"表{table_no}" if table_no is not None else "一张指标表"
    return warning("table_unparsed", f"{table}{page_note(page)}未能读出指标：{reason}")


def level_problems(rows: list[RawRow], table_no: int, page: int | None) -> list[Problem]:
    """One warning per table naming level cells that are no level name at all."""
    odd: list[str] = []
    for row in rows:
        for role in ("level1", "level2"):
            name = squash(row.get(role))
            if name and not is_level_name(name) and not reads_like_level(name) and name not in odd:
                odd.append(name)
    if not odd:
        return []
    return [warning("unknown_level", f"表{table_no}{page_note(page)}的指标层级名称不是常见名称：{'、'.join(odd)}")]


def low_confidence_problems(table: Table, header: Header, rows: list[RawRow], table_no: int) -> list[Problem]:
    """A `low_confidence` warning for each target/stage/actual cell of an indicator row that OCR
    read with a confidence under `LOW_CONFIDENCE`."""
    starts = {row.row for row in rows}
    out = []
    for cell in table.cells:
        if cell.confidence is None or cell.confidence >= LOW_CONFIDENCE or cell.row not in starts:
            continue
        roles = {header.columns[c].role for c in range(cell.col, cell.col + cell.colspan) if c < len(header.columns)}
        if roles & set(VALUE_ROLES):
            out.append(warning(
                "low_confidence",
                f"表{table_no}{page_note(table.row_page(cell.row))}“{cell.text}”是OCR识别的，置信度"
                f"{cell.confidence:.2f}偏低，请核对原件。"))
    return out
