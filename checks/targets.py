"""`below_stage_target` / `below_target`: an indicator whose actual value misses its target.

A row is judged against its stage target (本阶段应完成 / 跟踪目标值) when the table has one; a row
without one is judged against the full-year target only in a report that covers the whole year
(a monitoring report's actual is a mid-year figure). Not judged: qualitative targets (丰富, 提升),
rows without a numeric actual, deleted or untracked rows, and a target and actual in different
units.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checks.funding import Finding
from checks.messages import message, table_place
from facts.records import IndicatorRow, Records

_DIRECTIONS = {">=", ">", "<=", "<"}


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


def judgement(row: IndicatorRow, report_type: str | None) -> tuple[str, str, str, Decimal, str | None] | None:
    """(code, target as printed, op, target value, target unit) of the target the row is judged
    against, or None when it is not judged."""
    if row.actual_value is None or row.adjustment == "deleted" or row.tracked is False:
        return None
    if row.stage_target_op is not None and row.stage_target_value is not None:
        return ("below_stage_target", row.stage_target_raw, row.stage_target_op, row.stage_target_value,
                row.stage_target_unit)
    if row.stage_target_raw is None and report_type != "monitoring" and row.target_op is not None \
            and row.target_value is not None:
        return "below_target", row.target_raw, row.target_op, row.target_value, row.target_unit
    return None


def outcome(row: IndicatorRow, report_type: str | None) -> str:
    """`met`, `missed` or `unjudged` — the same rule the check and the compare summary use."""
    judged = judgement(row, report_type)
    if judged is None:
        return "unjudged"
    _, _, op, target, unit = judged
    if unit and row.actual_unit and unit != row.actual_unit:
        return "unjudged"
    return "missed" if misses(effective_op(op, target, row), target, row.actual_value) else "met"


def below_target(records: Records) -> Iterator[Finding]:
    report_type = records.report.report_type
    for row in records.indicators:
        if outcome(row, report_type) != "missed":
            continue
        code, target_raw, *_ = judgement(row, report_type)
        yield Finding(code, message(
            code, where=table_place(row.table_no, row.table_title, row.row_no, row.page),
            indicator=row.indicator, actual=f"“{row.actual_raw}”", target=f"“{target_raw}”"))
