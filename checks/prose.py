"""`table_prose_mismatch`: a head count stated in the prose differs from the actual of the
indicator row it speaks about (送温暖: 慰问共 997 人 in the text, 1000 in the 对比表).

The figure ↔ row link is made by the facts stage (facts/links.py: by name, else by concept).
Conservative on purpose, a warning should point at a real contradiction:

- only head counts (人, 人次): a count of 个/次/场 in prose often counts something else
  (4个课程 vs 培训班数量 5个);
- the figures linked to one row in one section agree when any of them, or their sum
  (30余+76+77 = 183), agrees with the table value; otherwise the one figure compared is the only
  one, or the only one stated as a total (累计/共/合计). Anything else is ambiguous, not judged;
- a qualified figure agrees as it is written: `180余人` with 180–189 (余/多/逾/超: up to the next
  step of its last non-zero digit), `约1000人` within 10%, `不足50人` with less than 50.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import regex

from perfreports.checks.funding import Finding
from perfreports.checks.messages import message, plain, prose_place, table_place
from perfreports.facts.records import FigureRow, Records

HEAD_COUNT_UNITS = {"人", "人次"}
APPROX = Decimal("0.1")  # 约/近/左右: within 10%
_TOTAL_CUE = regex.compile(r"(?:累计|合计|共计|总计|总共|共有|共)\s*\p{Han}{0,4}\s*$")


def agrees(figure: FigureRow, actual: Decimal) -> bool:
    """Whether the table's `actual` is what the figure says, read with its qualifier."""
    value = figure.value
    if figure.qualifier == "more_than":
        return value <= actual < value + _step(value)
    if figure.qualifier == "approx":
        return abs(actual - value) <= value * APPROX
    if figure.qualifier == "less_than":
        return actual < value
    return actual == value


def _step(value: Decimal) -> Decimal:
    """The step of the last non-zero digit: 180 → 10, 30 → 10, 1000 → 1000, 5 → 1."""
    digits = value.normalize().as_tuple()
    return Decimal(1).scaleb(max(digits.exponent, 0))


def stated_as_total(figure: FigureRow) -> bool:
    at = figure.sentence.find(figure.raw)
    return at >= 0 and bool(_TOTAL_CUE.search(figure.sentence[max(0, at - 12):at]))


def compared_figure(figures: list[FigureRow], actual: Decimal) -> FigureRow | None:
    """The figure that contradicts `actual`, or None when they agree or it is ambiguous."""
    if any(agrees(f, actual) for f in figures) or sum(f.value for f in figures) == actual:
        return None
    if len(figures) == 1:
        return figures[0]
    totals = [f for f in figures if stated_as_total(f)]
    return totals[0] if len(totals) == 1 else None


def table_prose_mismatch(records: Records) -> Iterator[Finding]:
    rows = {(r.table_no, r.row_no): r for r in records.indicators}
    groups: dict[tuple, list[FigureRow]] = defaultdict(list)
    for f in records.figures:
        if f.unit in HEAD_COUNT_UNITS and f.indicator_row_no is not None:
            groups[(f.indicator_table_no, f.indicator_row_no, f.section)].append(f)
    for (table_no, row_no, _), figures in groups.items():
        row = rows[table_no, row_no]
        figure = compared_figure(figures, row.actual_value)
        if figure is None:
            continue
        yield Finding("table_prose_mismatch", message(
            "table_prose_mismatch", indicator=row.indicator, raw=figure.raw,
            prose_where=prose_place(figure.page, figure.section),
            table_where=table_place(row.table_no, row.table_title, row.row_no, row.page),
            actual=f"{plain(row.actual_value)}{figure.unit}"))
