"""Reviewers' corrections (table `corrections`), applied on top of the rows read from a file.

    apply_corrections(records, corrections) -> Applied   (pure: the rows corrected, and what
                                                          each correction did)

A correction names what it changes the way a person would find it again in a re-read file: the
indicator row by its table number and its name as read (`indicator`; `row_no` only to choose
between two rows of one name), a `reports` field by its column. The store (`storage/store.py`)
applies every correction of a file each time the file is written — a re-ingest, `--force` or
changed bytes alike — and one new correction on top of the stored rows when a reviewer makes it;
rows changed get `corrected = true`, and the document is checked again (`checks.checked`).

    target    column                 new_value
    row       an `indicators` column the value (text; `EDITABLE_ROW_COLUMNS`)
    row       not_indicator          `true`: the row is no indicator, it leaves `indicators`
    row       added                  JSON object of the row's columns: a row the reader missed
    field     a `reports` column     the value (`EDITABLE_FIELDS`)
    document  review                 `reviewed` or `unreviewed` (review state; bytes unchanged only)
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from perfreports.facts.indicators.values import canonical_level1, canonical_level2, parse, value_hint, with_unit_of
from perfreports.facts.records import IndicatorRow, Problem, Records, ReportRow

TARGETS = ("row", "field", "document")
NOT_INDICATOR = "not_indicator"
ADDED = "added"
REVIEW = "review"
REVIEW_STATES = ("reviewed", "unreviewed")
VALUE_ROLES = ("target", "stage_target", "actual")
# What a reviewer may change in an indicator row (the judgement, concept and provenance follow).
EDITABLE_ROW_COLUMNS = (
    "level1", "level2", "indicator",
    *(f"{role}_{part}" for role in VALUE_ROLES for part in ("raw", "op", "value", "unit")),
    "adjustment", "tracked", "explanation", "weight", "score", "deviation_reason",
)
EDITABLE_FIELDS = ("title", "report_type", "fiscal_year", "project_name", "agency", "assessor", "report_date",
                   "period_start", "period_end", "cutoff_date", "budget_yuan", "received_yuan", "spent_yuan",
                   "execution_rate_pct", "arrival_rate_pct", "province")
ADDED_ROW_COLUMNS = ("level1", "level2", "indicator", "target_raw", "stage_target_raw", "actual_raw", "page")
OPS = (">=", "<=", "=", ">", "<")
TRUE_WORDS = ("true", "1", "yes", "是", "t")
FALSE_WORDS = ("false", "0", "no", "否", "f")


@dataclass(frozen=True)
class Correction:
    """One reviewer's correction (a row of table `corrections`)."""

    report_id: str  # the file it was last applied to (its bytes' id)
    target: str  # row, field, document
    column: str  # the column changed, or not_indicator / added / review
    old_value: str | None  # as it stood before (for not_indicator: the row as JSON)
    new_value: str | None  # as the reviewer gave it (empty: null)
    note: str | None
    reviewer: str | None
    at: datetime
    correction_id: int = field(default=0, metadata={"sql": "BIGINT"})
    source_path: str | None = None  # the file's path: a changed file at the same path keeps its corrections
    table_no: int | None = None  # row corrections: the indicator table
    row_no: int | None = None  # the row it was last applied to
    indicator: str | None = None  # the row's name as read, before any correction: what a re-read file is matched by
    status: str = "applied"  # applied, unmatched (the re-read file has no such row: not applied)


class CorrectionError(ValueError):
    """A correction that cannot be made: an unknown column, a value of the wrong kind, no such row."""


@dataclass(frozen=True)
class Applied:
    records: Records
    corrections: tuple[Correction, ...]  # each with the report, row and status it now has
    changed: bool  # some row or field was changed (the document is to be checked again)


def apply_corrections(records: Records, corrections: list[Correction] | tuple[Correction, ...],
                      originals: dict[tuple[int, int], str] | None = None, *, strict: bool = False) -> Applied:
    """`records` with `corrections` applied in order. `originals`: the name each row was read
    with, by (table_no, row_no), where rows were renamed before (the stored rows); by default
    the rows' names, as read. `strict`: a correction that cannot be made raises `CorrectionError`
    (a new one, from a reviewer) instead of being left `unmatched` (a stored one, on a re-read)."""
    state = _State(records, dict(originals or {}))
    for key, row in state.rows.items():
        state.originals.setdefault(key, row.indicator)
    done = tuple(state.apply(c, strict) for c in corrections)
    return Applied(state.records(), done, state.changed)


def unmatched_problem(correction: Correction, source_file: str, report_id: str) -> Problem:
    """The warning that a correction found nothing to apply to in the file as read now."""
    where = {"row": f"表{correction.table_no}“{correction.indicator}”", "field": "报告字段"}.get(correction.target, "")
    change = f"{correction.column}：{correction.old_value or '空'} → {correction.new_value or '空'}"
    if correction.column == NOT_INDICATOR:
        change = "标为非指标行"
    elif correction.column == ADDED:
        change = "补录一行"
    return Problem.warning(
        "correction_unmatched",
        f"{correction.reviewer or '审核人'}于{correction.at:%Y-%m-%d %H:%M}对{where}的更正（{change}）"
        "在重新读入的文件中找不到对应之处，未应用；请在审核界面重新核对。",
        stage="load", source_file=source_file, report_id=report_id)


# --- one correction ------------------------------------------------------------------------------

class _State:
    """The rows being corrected, keyed by (table_no, row_no), and the names they were read with."""

    def __init__(self, records: Records, originals: dict[tuple[int, int], str]):
        self.base = records
        self.report = records.report
        self.rows: dict[tuple[int, int], IndicatorRow] = {(r.table_no, r.row_no): r for r in records.indicators}
        self.originals = originals
        self.changed = False

    def records(self) -> Records:
        return replace(self.base, report=self.report, indicators=tuple(self.rows.values()))

    def apply(self, correction: Correction, strict: bool = False) -> Correction:
        """The correction applied (status `applied`), or not (`unmatched`); with `strict`, a
        correction that cannot be made raises `CorrectionError` instead."""
        same_bytes = correction.report_id == self.base.report_id
        correction = replace(correction, report_id=self.base.report_id, source_path=self.base.source_path)
        if self.report is None:
            return replace(correction, status="unmatched")
        if correction.target == "document":  # a review mark holds for the bytes reviewed
            if strict and (correction.column != REVIEW or correction.new_value not in REVIEW_STATES):
                raise CorrectionError(f"a document's review is one of {', '.join(REVIEW_STATES)}")
            return replace(correction, status="applied" if same_bytes else "unmatched")
        try:
            return self._apply(correction)
        except CorrectionError:
            if strict:
                raise
            return replace(correction, status="unmatched")  # checked when made; refused by this version

    def _apply(self, correction: Correction) -> Correction:
        if correction.target not in TARGETS:
            raise CorrectionError(f"target must be one of {', '.join(TARGETS)}, got {correction.target!r}")
        if correction.target == "field":
            self.report = replace(corrected_field(self.report, correction.column, correction.new_value), corrected=True)
            self.changed = True
            return replace(correction, status="applied")
        if correction.table_no is None:
            raise CorrectionError("a row correction names its table (table_no)")
        if correction.column == ADDED:
            return self._add(correction)
        key = self._find(correction)
        if key is None:
            raise CorrectionError(f"table {correction.table_no} has no row {correction.indicator!r}")
        if correction.column == NOT_INDICATOR:
            del self.rows[key]
        else:
            self.rows[key] = replace(corrected_row(self.rows[key], correction.column, correction.new_value),
                                     corrected=True)
        self.changed = True
        return replace(correction, row_no=key[1], status="applied")

    def _find(self, correction: Correction) -> tuple[int, int] | None:
        """The row a correction is about: same table, same name as read; of several, the one at
        its row number, else the first."""
        keys = [key for key in self.rows if key[0] == correction.table_no
                and self.originals.get(key) == correction.indicator]
        return next((key for key in keys if key[1] == correction.row_no), keys[0] if keys else None)

    def _add(self, correction: Correction) -> Correction:
        values = added_values(correction.new_value)
        table = [row for key, row in self.rows.items() if key[0] == correction.table_no]
        name = str(values["indicator"]).strip()
        if any(self.originals.get((row.table_no, row.row_no)) == name for row in table):
            raise CorrectionError(f"table {correction.table_no} has a row {name!r} already")
        row_no = max((row.row_no for row in table), default=0) + 1
        row = added_row(self.base.report_id, correction.table_no, row_no, values,
                        table_title=table[0].table_title if table else None)
        self.rows[(correction.table_no, row_no)] = row
        self.originals[(correction.table_no, row_no)] = row.indicator
        self.changed = True
        return replace(correction, row_no=row_no, indicator=row.indicator, status="applied")


def with_old_value(records: Records, correction: Correction, originals: dict[tuple[int, int], str]) -> Correction:
    """A new correction with what it changes as it stands now (`old_value`) and, for a row, the
    name the row was read with; `CorrectionError` when there is no such row."""
    if correction.target == "field":
        return replace(correction, old_value=as_text(getattr(records.report, correction.column, None)))
    if correction.target != "row" or correction.column == ADDED:
        return correction
    row = next((r for r in records.indicators
                if (r.table_no, r.row_no) == (correction.table_no, correction.row_no)), None)
    if row is None:
        raise CorrectionError(f"table {correction.table_no} has no row {correction.row_no}")
    old = row_as_json(row) if correction.column == NOT_INDICATOR else as_text(getattr(row, correction.column, None))
    return replace(correction, old_value=old, indicator=originals.get((row.table_no, row.row_no), row.indicator))


# --- values --------------------------------------------------------------------------------------

def corrected_row(row: IndicatorRow, column: str, text: str | None) -> IndicatorRow:
    """`row` with `column` set from the reviewer's text; a corrected `…_raw` is read again into
    its sign, number and unit (as the reader reads a cell); a level is made canonical."""
    if column not in EDITABLE_ROW_COLUMNS:
        raise CorrectionError(f"an indicator row's {column!r} cannot be corrected; one of {', '.join(EDITABLE_ROW_COLUMNS)}")
    value = typed(IndicatorRow, column, text)
    if column.endswith("_op") and value is not None and value not in OPS:
        raise CorrectionError(f"{column} must be one of {' '.join(OPS)}, got {text!r}")
    if column == "level1":
        return replace(row, level1=canonical_level1(value) if value else None)
    if column == "level2":
        return replace(row, level2=canonical_level2(value) if value else None)
    if column.endswith("_raw"):
        return replace(row, **reread(row, column.removesuffix("_raw"), value))
    return replace(row, **{column: value})


def reread(row: IndicatorRow, role: str, text: str | None) -> dict:
    """The `…_raw`, `_op`, `_value`, `_unit` columns of a target or actual from its text."""
    parsed = parse(text, value_hint(row.indicator, None, None))
    if role != "target" and parsed is not None:
        target = parse(row.target_raw, value_hint(row.indicator, None, None))
        parsed = with_unit_of(parsed, target)
    return {f"{role}_raw": text, f"{role}_op": parsed.op if parsed else None,
            f"{role}_value": parsed.value if parsed else None, f"{role}_unit": parsed.unit if parsed else None}


def corrected_field(report: ReportRow, column: str, text: str | None) -> ReportRow:
    if column not in EDITABLE_FIELDS:
        raise CorrectionError(f"the report's {column!r} cannot be corrected; one of {', '.join(EDITABLE_FIELDS)}")
    return replace(report, **{column: typed(ReportRow, column, text)})


def typed(row_type: type, column: str, text: str | None):
    """The reviewer's text as the column's type (empty text: null); `CorrectionError` when it is
    not one."""
    text = (text or "").strip()
    if not text:
        return None
    kind = str(next(f.type for f in dataclasses.fields(row_type) if f.name == column)).split("|")[0].strip()
    try:
        return {"str": str, "int": int, "Decimal": _decimal, "date": date.fromisoformat, "bool": _bool}[kind](text)
    except (ValueError, InvalidOperation) as err:
        raise CorrectionError(f"{column}: {text!r} is not {_KIND_NAMES.get(kind, kind)}") from err


_KIND_NAMES = {"int": "a whole number", "Decimal": "a number", "date": "a date (YYYY-MM-DD)",
               "bool": "true or false"}


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite():
        raise ValueError(text)
    return value


def _bool(text: str) -> bool:
    if text.lower() in TRUE_WORDS:
        return True
    if text.lower() in FALSE_WORDS:
        return False
    raise ValueError(text)


def added_values(text: str | None) -> dict:
    """The columns of an added row, from its JSON; it needs a name."""
    try:
        values = json.loads(text or "{}")
    except json.JSONDecodeError as err:
        raise CorrectionError(f"an added row is a JSON object of its columns: {err}") from err
    if not isinstance(values, dict) or not str(values.get("indicator") or "").strip():
        raise CorrectionError("an added row needs at least its indicator name")
    unknown = set(values) - set(ADDED_ROW_COLUMNS)
    if unknown:
        raise CorrectionError(f"an added row has only {', '.join(ADDED_ROW_COLUMNS)}; not {', '.join(sorted(unknown))}")
    return values


def added_row(report_id: str, table_no: int, row_no: int, values: dict, table_title: str | None) -> IndicatorRow:
    """A row the reader missed, as a reviewer typed it: levels canonical, values read from their text."""
    row = IndicatorRow(report_id, table_no, table_title, row_no, None, None, None, None,
                       str(values["indicator"]).strip(), page=_page(values.get("page")), corrected=True)
    for column in ("level1", "level2"):
        if values.get(column):
            row = replace(corrected_row(row, column, str(values[column])), **{f"{column}_raw": str(values[column])})
    for role in VALUE_ROLES:
        if values.get(f"{role}_raw"):
            row = replace(row, **reread(row, role, str(values[f"{role}_raw"]).strip()))
    return row


def _page(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError) as err:
        raise CorrectionError(f"page: {value!r} is not a page number") from err


ROW_SUMMARY = ("table_no", "row_no", "level1", "level2", "indicator", "target_raw", "stage_target_raw", "actual_raw",
               "page")


def row_as_json(row: IndicatorRow) -> str:
    """A row as the `old_value` of a `not_indicator` correction: what it held when marked."""
    values = {k: getattr(row, k) for k in ROW_SUMMARY if getattr(row, k) is not None}
    return json.dumps(values, ensure_ascii=False)


def as_text(value) -> str | None:
    """A stored value as the text of `old_value`: plain decimals, ISO dates, true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
