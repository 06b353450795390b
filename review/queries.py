"""What the review pages show, read from the store: the queue of files by what needs attention,
and one file's rows, cells, fields, problems and corrections.

Plain functions over a DuckDB connection returning plain dataclasses; the pages (`app.py`)
only lay them out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from perfreports.facts.indicators.vocabulary import LEVEL1_NAMES, LEVEL2_NAMES
from perfreports.storage.corrections import NOT_INDICATOR, REVIEW
from perfreports.storage.store import columns

LOW_CONFIDENCE = 0.8  # OCR confidence under which a cell is shown as suspicious (as the low_confidence warning)
REVIEW_STATES = ("unreviewed", "corrected", "reviewed")

# How much each kind of trouble weighs in the queue's order (errors first, then what OCR read
# with low confidence, missing parts, other warnings).
WEIGHT_ERROR = 1000
WEIGHT_LOW_CONFIDENCE = 30
WEIGHT_MISSING_PART = 20
WEIGHT_WARNING = 10
WEIGHT_UNMATCHED = 50


# --- the queue ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueFilter:
    agency: str | None = None
    year: int | None = None
    code: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class QueueEntry:
    report_id: str | None  # None: a file whose bytes could not be read (nothing to open)
    source_file: str
    source_path: str
    source_format: str | None
    agency: str | None
    fiscal_year: int | None
    report_type: str | None
    title: str | None
    loaded: bool
    errors: int
    warnings: int
    low_confidence: int
    missing_parts: str | None
    codes: tuple[str, ...]
    lowest_confidence: float | None
    corrections: int
    unmatched: int
    state: str  # unreviewed, corrected, reviewed
    attention: int  # the queue's order: the larger, the sooner

    @property
    def reasons(self) -> list[str]:
        """Why it needs attention, in words for the queue."""
        out = []
        if self.errors:
            out.append(f"{self.errors} error{'s' if self.errors > 1 else ''}")
        if self.low_confidence:
            out.append(f"{self.low_confidence} low OCR confidence")
        if self.missing_parts:
            out.append(f"missing {self.missing_parts}")
        other = self.warnings - self.low_confidence
        if other:
            out.append(f"{other} warning{'s' if other > 1 else ''}")
        if self.unmatched:
            out.append(f"{self.unmatched} correction{'s' if self.unmatched > 1 else ''} unmatched")
        return out


QUEUE_SQL = f"""
WITH entries AS (
    SELECT r.report_id, r.source_file, r.source_path, r.source_format, r.agency, r.fiscal_year, r.report_type,
        r.title, true AS loaded, r.missing_parts
    FROM reports r
    UNION ALL
    SELECT f.report_id, f.source_file, f.source_path, NULL, NULL, NULL, NULL, NULL, false, NULL
    FROM files f
    WHERE f.status = 'failed' AND (f.report_id IS NULL OR f.report_id NOT IN (SELECT report_id FROM reports))
), troubles AS (
    SELECT report_id, source_path,
        count(*) FILTER (WHERE severity = 'error') AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE code = 'low_confidence') AS low_confidence,
        list(DISTINCT code ORDER BY code) AS codes
    FROM problems GROUP BY ALL
), confidence AS (
    SELECT report_id, min(confidence) AS lowest_confidence FROM indicator_cells GROUP BY report_id
), reviewed AS (
    SELECT report_id,
        count(*) FILTER (WHERE target <> 'document' AND status = 'applied') AS corrections,
        count(*) FILTER (WHERE target <> 'document' AND status = 'unmatched') AS unmatched,
        arg_max(new_value, correction_id) FILTER (WHERE target = 'document' AND status = 'applied') AS review
    FROM corrections GROUP BY report_id
), scored AS (
    SELECT e.*,
        coalesce(t.errors, 0) AS errors, coalesce(t.warnings, 0) AS warnings,
        coalesce(t.low_confidence, 0) AS low_confidence, coalesce(t.codes, []) AS codes,
        c.lowest_confidence, coalesce(v.corrections, 0) AS corrections, coalesce(v.unmatched, 0) AS unmatched,
        CASE WHEN v.review = 'reviewed' THEN 'reviewed' WHEN v.corrections > 0 THEN 'corrected'
             ELSE 'unreviewed' END AS state
    FROM entries e
    LEFT JOIN troubles t ON t.report_id IS NOT DISTINCT FROM e.report_id
        AND (e.report_id IS NOT NULL OR t.source_path = e.source_path)
    LEFT JOIN confidence c ON c.report_id = e.report_id
    LEFT JOIN reviewed v ON v.report_id = e.report_id
)
SELECT report_id, source_file, source_path, source_format, agency, fiscal_year, report_type, title, loaded,
    errors, warnings, low_confidence, missing_parts, codes, lowest_confidence, corrections, unmatched, state,
    {WEIGHT_ERROR} * errors + {WEIGHT_LOW_CONFIDENCE} * low_confidence
        + {WEIGHT_MISSING_PART} * coalesce(len(string_split(missing_parts, ',')), 0)
        + {WEIGHT_WARNING} * (warnings - low_confidence) + {WEIGHT_UNMATCHED} * unmatched AS attention
FROM scored
WHERE (? IS NULL OR agency = ?) AND (? IS NULL OR fiscal_year = ?) AND (? IS NULL OR list_contains(codes, ?))
    AND (? IS NULL OR state = ?)
ORDER BY state = 'reviewed', attention DESC, coalesce(lowest_confidence, 1), source_file, source_path
"""


def queue(con: duckdb.DuckDBPyConnection, only: QueueFilter = QueueFilter()) -> list[QueueEntry]:
    """Every file, what needs attention first: not reviewed before reviewed, then errors, low
    OCR confidence, missing parts, warnings and unmatched corrections, weighed."""
    params = []
    for value in (only.agency, only.year, only.code, only.state):
        params += [value, value]
    rows = con.execute(QUEUE_SQL, params).fetchall()
    names = [d[0] for d in con.description]
    return [QueueEntry(**{**dict(zip(names, row)), "codes": tuple(dict(zip(names, row))["codes"])}) for row in rows]


@dataclass(frozen=True)
class FilterChoices:
    agencies: list[str]
    years: list[int]
    codes: list[str]


def filter_choices(con: duckdb.DuckDBPyConnection) -> FilterChoices:
    return FilterChoices(
        [a for (a,) in con.execute("SELECT DISTINCT agency FROM reports WHERE agency IS NOT NULL ORDER BY 1").fetchall()],
        [y for (y,) in con.execute("SELECT DISTINCT fiscal_year FROM reports WHERE fiscal_year IS NOT NULL "
                                   "ORDER BY 1").fetchall()],
        [c for (c,) in con.execute("SELECT DISTINCT code FROM problems ORDER BY 1").fetchall()],
    )


# --- one document ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CellBox:
    table_no: int
    row_no: int
    column: str
    text: str
    page: int | None
    box: tuple[float, float, float, float] | None
    confidence: float | None
    table_index: int
    cell_row: int
    cell_col: int


@dataclass(frozen=True)
class Row:
    """An indicator row as the review page shows it."""

    values: dict  # the `indicators` columns
    state: str  # read, suspicious, corrected
    why: tuple[str, ...]  # what makes it suspicious
    pages: tuple[int, ...]  # the pages its cells stand on

    @property
    def key(self) -> str:
        return f"{self.values['table_no']}-{self.values['row_no']}"


@dataclass(frozen=True)
class Document:
    report: dict | None  # the `reports` row; None for a file that was not loaded
    file: dict  # source_file, source_path, source_format
    rows: list[Row]
    cells: list[CellBox]
    fields: list[dict]
    problems: list[dict]
    corrections: list[dict]
    removed: list[dict]  # rows marked not an indicator: {correction, row values}
    state: str
    tables: list[tuple[int, str | None]] = field(default_factory=list)  # (table_no, title) of its indicator tables


def document(con: duckdb.DuckDBPyConnection, report_id: str) -> Document | None:
    """One file's rows for the review page; None when the store has no such report or file."""
    report = _dicts(con, "SELECT * FROM reports WHERE report_id = ?", [report_id])
    file = _dicts(con, "SELECT source_file, source_path FROM files WHERE report_id = ? ORDER BY source_path", [report_id])
    if not report and not file:
        return None
    cells = [_cell_box(c) for c in _dicts(con, "SELECT * FROM indicator_cells WHERE report_id = ? "
                                               "ORDER BY table_no, row_no, rowid", [report_id])]
    indicator_names = ", ".join(c.sql for c in columns("indicators"))
    cells_of: dict[tuple[int, int], list[CellBox]] = {}
    for cell in cells:
        cells_of.setdefault((cell.table_no, cell.row_no), []).append(cell)
    rows = [_row(values, cells_of.get((values["table_no"], values["row_no"]), [])) for values in _dicts(
        con, f"SELECT {indicator_names} FROM indicators WHERE report_id = ? ORDER BY table_no, row_no", [report_id])]
    corrections = _dicts(con, 'SELECT * FROM corrections WHERE report_id = ? ORDER BY "at", correction_id', [report_id])
    removed = [{"correction": c, "row": json.loads(c["old_value"] or "{}")} for c in corrections
               if c["column"] == NOT_INDICATOR and c["status"] == "applied"]
    return Document(
        report=report[0] if report else None,
        file=report[0] if report else {**file[0], "source_format": None},
        rows=rows, cells=cells,
        fields=_dicts(con, "SELECT * FROM report_fields WHERE report_id = ? ORDER BY rowid", [report_id]),
        problems=_dicts(con, "SELECT severity, code, message, stage FROM problems WHERE report_id = ? "
                             "ORDER BY severity, code, rowid", [report_id]),
        corrections=corrections, removed=removed, state=review_state(corrections),
        tables=list(dict.fromkeys((r.values["table_no"], r.values["table_title"]) for r in rows)),
    )


def review_state(corrections: list[dict]) -> str:
    marks = [c for c in corrections if c["target"] == "document" and c["column"] == REVIEW and c["status"] == "applied"]
    if marks and marks[-1]["new_value"] == "reviewed":
        return "reviewed"
    if any(c["target"] != "document" and c["status"] == "applied" for c in corrections):
        return "corrected"
    return "unreviewed"


def _row(values: dict, own: list[CellBox]) -> Row:
    why = suspicious(values, own)
    state = "corrected" if values.get("corrected") else "suspicious" if why else "read"
    pages = tuple(dict.fromkeys(c.page for c in own if c.page is not None))
    return Row(values, state, why, pages)


_LEVEL1 = set(LEVEL1_NAMES)
_LEVEL2 = set(LEVEL2_NAMES)


def suspicious(values: dict, cells: list[CellBox]) -> tuple[str, ...]:
    """What in a row a person should look at twice: low OCR confidence, a level that is no known
    level name, a value whose unit does not fit the target's, a value printed but no number read."""
    why = []
    lowest = min((c.confidence for c in cells if c.confidence is not None), default=None)
    if lowest is not None and lowest < LOW_CONFIDENCE:
        why.append(f"OCR confidence {lowest:.2f}")
    if values.get("level1") and values["level1"] not in _LEVEL1:
        why.append(f"unknown level 1 {values['level1']}")
    if values.get("level2") and values["level2"] not in _LEVEL2:
        why.append(f"unknown level 2 {values['level2']}")
    if values.get("not_judged_reason") == "units_differ":
        why.append("units differ")
    if not values.get("level1"):
        why.append("no level 1")
    return tuple(why)


def _cell_box(values: dict) -> CellBox:
    box = (values["x0"], values["top"], values["x1"], values["bottom"]) if values["x0"] is not None else None
    return CellBox(values["table_no"], values["row_no"], values["column"], values["text"], values["page"], box,
                   values["confidence"], values["table_index"], values["cell_row"], values["cell_col"])


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    rows = con.execute(sql, params).fetchall()
    names = [d[0] for d in con.description]
    return [dict(zip(names, row)) for row in rows]


@dataclass(frozen=True)
class SourceFile:
    path: str
    source_format: str | None
    size: int | None
    mtime: datetime | None


def file_of(con: duckdb.DuckDBPyConnection, report_id: str) -> SourceFile | None:
    """The file a report was read from, as the store knows it (path, size and modification time
    when ingested) — the only files the review serves; None for an unknown report."""
    found = con.execute(
        "SELECT f.source_path, r.source_format, f.size, f.mtime FROM files f "
        "LEFT JOIN reports r USING (report_id) WHERE f.report_id = ? ORDER BY f.source_path = r.source_path DESC, "
        "f.source_path LIMIT 1", [report_id]).fetchall()
    if not found:  # rows written without their bookkeeping row (by the Python API): the report's path
        found = con.execute("SELECT source_path, source_format, NULL, NULL FROM reports WHERE report_id = ?",
                            [report_id]).fetchall()
    return SourceFile(*found[0]) if found else None

