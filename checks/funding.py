"""Checks of the `reports` row: stated rates against the amounts, spending against the calendar,
and fields a report cannot do without."""
from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import regex

from perfreports.checks.messages import day, message, money, plain
from perfreports.checks.rules import RuleSet, ThresholdRule, rule_set_for
from perfreports.facts.records import FigureRow, Records, ReportRow
from perfreports.facts.report.vocabulary import report_type

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_RATE_LABELS = {"execution_rate_pct": "资金执行率", "arrival_rate_pct": "到位率"}


@dataclass(frozen=True)
class Finding:
    """What a check found: a stable code and its sentence (made into a `Problem` by `run_checks`)."""

    code: str
    message: str


# --- rate_mismatch ---------------------------------------------------------------------------

def printed_decimals(stated: Decimal, field: str, figures: tuple[FigureRow, ...]) -> int:
    """Decimals the rate was printed with: from the prose figure stating it (`80.00%` → 2),
    else from the number itself (normalized values lose trailing zeros, which only widens the
    tolerance)."""
    label = _RATE_LABELS[field]
    for figure in figures:
        if figure.kind == "percent" and figure.label == label and figure.value == stated:
            digits = regex.search(r"\d+(?:\.(\d+))?", figure.raw)
            if digits:
                return len(digits.group(1) or "")
    return max(0, -stated.as_tuple().exponent)


def rate_agrees(stated: Decimal, computed: Decimal, decimals: int) -> bool:
    """`stated` is `computed` rounded or truncated to `decimals` places (27.45 for 27.456…)."""
    step = Decimal(1).scaleb(-decimals)
    return stated - step / 2 <= computed < stated + step


def rate_mismatch(records: Records) -> Iterator[Finding]:
    r = records.report
    if r.execution_rate_pct is not None and r.spent_yuan is not None and r.budget_yuan:
        decimals = printed_decimals(r.execution_rate_pct, "execution_rate_pct", records.figures)
        of_budget = r.spent_yuan / r.budget_yuan * HUNDRED
        # Some reports divide by the funds in place (到位资金) instead: either reading is accepted.
        of_received = r.spent_yuan / r.received_yuan * HUNDRED if r.received_yuan else None
        if not any(rate_agrees(r.execution_rate_pct, c, decimals)
                   for c in (of_budget, of_received) if c is not None):
            alternative = "" if of_received is None or r.received_yuan == r.budget_yuan else message(
                "rate_mismatch.execution_alternative", received=money(r.received_yuan),
                computed=plain(of_received))
            yield Finding("rate_mismatch", message(
                "rate_mismatch.execution", stated=plain(r.execution_rate_pct, 4), spent=money(r.spent_yuan),
                budget=money(r.budget_yuan), computed=plain(of_budget), alternative=alternative))
    if r.arrival_rate_pct is not None and r.received_yuan is not None and r.budget_yuan:
        decimals = printed_decimals(r.arrival_rate_pct, "arrival_rate_pct", records.figures)
        computed = r.received_yuan / r.budget_yuan * HUNDRED
        if not rate_agrees(r.arrival_rate_pct, computed, decimals):
            yield Finding("rate_mismatch", message(
                "rate_mismatch.arrival", stated=plain(r.arrival_rate_pct, 4), received=money(r.received_yuan),
                budget=money(r.budget_yuan), computed=plain(computed)))


# --- behind_schedule -------------------------------------------------------------------------

def months_elapsed(start: date, cutoff: date) -> Decimal:
    """Months from `start` to `cutoff` inclusive; a part month counts by its days (31 Oct from
    1 Jan → 10, 15 Jun → 5.5)."""
    whole = (cutoff.year - start.year) * 12 + cutoff.month - start.month
    days_in_month = calendar.monthrange(cutoff.year, cutoff.month)[1]
    return Decimal(whole) + Decimal(cutoff.day) / Decimal(days_in_month)


def time_progress(cutoff: date, period_start: date | None, period_end: date | None) -> tuple[Decimal, Decimal, Decimal]:
    """(序时进度 in percent, months elapsed, months in the period); the period defaults to the
    calendar year of the cutoff."""
    start = period_start or date(cutoff.year, 1, 1)
    end = period_end or date(start.year, 12, 31)
    total = months_elapsed(start, end)
    elapsed = min(max(months_elapsed(start, cutoff), Decimal(0)), total)
    return elapsed / total * HUNDRED, elapsed, total


def applicable_rule(thresholds: tuple[ThresholdRule, ...], cutoff: date, year: int) -> ThresholdRule | None:
    """The threshold with the latest month-end on or before the cutoff."""
    due = [t for t in thresholds if date(year, t.by_month, calendar.monthrange(year, t.by_month)[1]) <= cutoff]
    return max(due, key=lambda t: t.by_month) if due else None


def computed_execution_rate(r: ReportRow) -> Decimal | None:
    """Spent ÷ budget × 100, rounded to 0.01; None without both amounts."""
    if r.spent_yuan is None or not r.budget_yuan:
        return None
    return (r.spent_yuan / r.budget_yuan * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def judged_report(records: Records, problems: list) -> ReportRow:
    """The report row with what the checks compute from it: the execution rate from the amounts,
    序时进度 at the cutoff, whether it is behind schedule (None: not judged), the parts missing."""
    r = records.report
    progress = time_progress(r.cutoff_date, r.period_start, r.period_end)[0] if r.cutoff_date else None
    behind = any(p.code == "behind_schedule" for p in problems) if schedule_judged(r) else None
    return replace(r, computed_execution_rate_pct=computed_execution_rate(r),
                   time_progress_pct=progress.quantize(CENT, ROUND_HALF_UP) if progress is not None else None,
                   behind_schedule=behind, missing_parts=", ".join(missing_parts(records)) or None)


def schedule_judged(r: ReportRow) -> bool:
    """Whether the report says enough (a cutoff date and an execution rate) to be judged behind
    schedule or not."""
    return r.cutoff_date is not None and r.execution_rate_pct is not None


def behind_schedule(records: Records, rules: tuple[RuleSet, ...]) -> Iterator[Finding]:
    """Execution below 序时进度 at the cutoff; and below the threshold of the rule set for the
    report's province and year (`checks.rules.rule_set_for`), if one applies."""
    r = records.report
    if not schedule_judged(r):
        return
    rate = r.execution_rate_pct
    progress, elapsed, total = time_progress(r.cutoff_date, r.period_start, r.period_end)
    if rate < progress.quantize(Decimal("0.01")):
        yield Finding("behind_schedule", message(
            "behind_schedule.progress", cutoff=day(r.cutoff_date), rate=plain(rate, 4),
            progress=plain(progress), elapsed=plain(elapsed), total=plain(total),
            gap=plain(progress - rate)))
    year = (r.period_start.year if r.period_start else None) or r.fiscal_year or r.cutoff_date.year
    rule_set = rule_set_for(rules, r.province, year)
    rule = applicable_rule(rule_set.thresholds, r.cutoff_date, year) if rule_set else None
    if rule is not None and rate < rule.min_rate_pct:
        yield Finding("behind_schedule", message(
            "behind_schedule.rule", cutoff=day(r.cutoff_date), rate=plain(rate, 4), source=rule.source,
            month=rule.by_month, threshold=plain(rule.min_rate_pct)))


# --- missing_field ---------------------------------------------------------------------------

def missing_parts(records: Records) -> list[str]:
    """What a report of its kind should state but this one does not: budget_yuan, spent_yuan,
    cutoff_date and stage_targets (mid-year reports), indicators (the indicator table)."""
    r = records.report
    kind = report_type(r.report_type)
    missing = [name for name in ("budget_yuan", "spent_yuan") if getattr(r, name) is None]
    if kind.mid_year and r.cutoff_date is None:  # a self-evaluation covers the whole year
        missing.append("cutoff_date")
    if not records.indicators:
        missing.append("indicators")
    elif kind.mid_year and not any(row.stage_target_raw for row in records.indicators):
        missing.append("stage_targets")
    return missing


def missing_field(records: Records) -> Iterator[Finding]:
    for name in missing_parts(records):
        yield Finding("missing_field", message(f"missing_field.{name}"))
