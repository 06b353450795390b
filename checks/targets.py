"""Judging an indicator row — met, missed or not judged — and the `below_stage_target` /
`below_target` warnings for the missed ones.

The judgement is made once (`judge`, when a document's rows are checked) and stored with the row
(`indicators.outcome`, `judged_against`, `achievement_pct`); the warnings, the views and `compare`
read it from there. A row is judged against its stage target (本阶段应完成 / 跟踪目标值) when the table
has one; a row without one is judged against the full-year target only in a report that covers
the whole year (a mid-year report's actual is a figure up to its cutoff: `ReportType.mid_year`).
Not judged: qualitative targets (丰富, 提升), rows without a numeric actual, deleted or untracked
rows, and a target and actual in different units.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from perfreports.checks.funding import Finding
from perfreports.checks.messages import message, table_place
from perfreports.facts.records import IndicatorRow, Records
from perfreports.facts.report.vocabulary import report_type as type_of_report
from perfreports.normalize import is_blank_value

_DIRECTIONS = {">=", ">", "<=", "<"}
_CODES = {"stage_target": "below_stage_target", "target": "below_target"}


@dataclass(frozen=True)
class Judgement:
    outcome: str  # met, missed, not_judged
    against: str | None = None  # stage_target, target
    achievement_pct: Decimal | None = None
    # Why not judged: qualitative (a target or actual in words), no_actual, no_target,
    # no_stage_target (a mid-year actual with only a full-year target), units_differ, not_tracked
    reason: str | None = None


def effective_op(op: str, target: Decimal, row: IndicatorRow) -> str:
    """The direction a `=` target means: the full-year target's when it has one (a stage `=80人`
    under `≥100人` is a minimum), `<=` for cost indicators and for a zero (事故 0次), else `>=`
    (`=4期` is missed by 3期; doing more than planned is not a miss)."""
    if op != "=":
        return op
    if row.target_op in _DIRECTIONS:
        return row.target_op
    if row.level1 == "成本指标" or target == 0:
        return "<="
    return ">="


def misses(op: str, target: Decimal, actual: Decimal) -> bool:
    return {
        ">=": actual < target, ">": actual <= target,
        "<=": actual > target, "<": actual >= target,
    }[op]


def judged_target(row: IndicatorRow, report_type: str | None) -> tuple[str | None, str | None]:
    """(which target the actual is compared with — `stage_target` or `target` —, or None and why not)."""
    if row.adjustment == "deleted" or row.tracked is False:
        return None, "not_tracked"
    if row.actual_value is None:
        return None, "qualitative" if row.actual_raw and not is_blank_value(row.actual_raw) else "no_actual"
    if row.stage_target_op is not None and row.stage_target_value is not None:
        return "stage_target", None
    if row.stage_target_raw and not is_blank_value(row.stage_target_raw):
        return None, "qualitative"
    if type_of_report(report_type).mid_year:
        return None, "no_stage_target"
    if row.target_op is not None and row.target_value is not None:
        return "target", None
    return None, "qualitative" if row.target_raw and not is_blank_value(row.target_raw) else "no_target"


def judge(row: IndicatorRow, report_type: str | None) -> Judgement:
    against, reason = judged_target(row, report_type)
    if against is None:
        return Judgement("not_judged", reason=reason)
    op, target, unit = (getattr(row, f"{against}_{part}") for part in ("op", "value", "unit"))
    if unit and row.actual_unit and unit != row.actual_unit:
        return Judgement("not_judged", reason="units_differ")
    op = effective_op(op, target, row)
    outcome = "missed" if misses(op, target, row.actual_value) else "met"
    pct = None
    if op in (">=", ">") and target > 0:
        pct = (row.actual_value / target * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Judgement(outcome, against, pct)


def judged(records: Records) -> Records:
    """`records` with every indicator row's judgement filled in."""
    report_type = records.report.report_type if records.report is not None else None

    def with_judgement(row: IndicatorRow) -> IndicatorRow:
        j = judge(row, report_type)
        return replace(row, outcome=j.outcome, judged_against=j.against, achievement_pct=j.achievement_pct,
                       not_judged_reason=j.reason)

    return replace(records, indicators=tuple(with_judgement(row) for row in records.indicators))


def below_target(records: Records) -> Iterator[Finding]:
    for row in records.indicators:
        if row.outcome != "missed":
            continue
        target_raw = row.stage_target_raw if row.judged_against == "stage_target" else row.target_raw
        yield Finding(_CODES[row.judged_against], message(
            _CODES[row.judged_against], where=table_place(row.table_no, row.table_title, row.row_no, row.page),
            indicator=row.indicator, actual=f"“{row.actual_raw}”", target=f"“{target_raw}”"))
