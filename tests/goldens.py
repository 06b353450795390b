"""The hand-written expected rows of `samples/` and the development corpus (`tests/data/corpus/`),
and how rows read by the pipeline are held to them. Shared by the golden tests and by
`benchmarks/accuracy.py`.

An indicator row counts as right when every column its expected file gives (but `row_no` and
`table_title`) equals the row read: decimals numerically, `*_raw` text without whitespace. Rows
are matched as multisets, so one missed row costs one row, not every row after it.
"""
from __future__ import annotations

import csv
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "data" / "corpus"
HOLDOUT = ROOT / "tests" / "data" / "holdout"  # files no rule was tuned on (benchmarks/accuracy.py --holdout)
NOT_COMPARED = ("row_no", "table_title")
REPORT_FIELDS = ("title", "report_type", "fiscal_year", "project_name", "agency", "assessor", "report_date",
                 "period_start", "period_end", "cutoff_date", "budget_yuan", "received_yuan", "spent_yuan",
                 "execution_rate_pct", "arrival_rate_pct")


@dataclass(frozen=True)
class Case:
    """One file with expected values."""

    path: Path
    source: str  # the report it renders (files of one source share the expected values)
    family: str
    producer: str
    font: str
    expected: Path  # folder of <source>.indicators.csv and <source>.report.json

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def families(self) -> list[str]:
        return self.family.split(",")


def sample_cases() -> list[Case]:
    cases = []
    for report in sorted((SAMPLES / "expected").glob("*.report.json")):
        source = report.name.removesuffix(".report.json")
        cases += [Case(SAMPLES / f"{source}.pdf", source, "sample", "libreoffice", "noto-serif", SAMPLES / "expected"),
                  Case(SAMPLES / f"{source}.docx", source, "sample", "docx", "noto-serif", SAMPLES / "expected")]
    return cases


def corpus_cases(folder: Path = CORPUS, manifest: str = "corpus.json") -> list[Case]:
    path = folder / manifest
    if not path.exists():
        return []
    return [Case(folder / entry["file"], entry["source"], entry["family"], entry["producer"], entry["font"],
                 folder / "expected")
            for entry in json.loads(path.read_text(encoding="utf-8"))]


def holdout_cases() -> list[Case]:
    """The held-out files that exist (its manifest may run ahead of the renderings)."""
    return [case for case in corpus_cases(HOLDOUT, "holdout.json") if case.path.exists()]


def all_cases() -> list[Case]:
    return sample_cases() + corpus_cases()


# --- expected values ---------------------------------------------------------------------------

def expected_indicators(case: Case) -> list[dict[str, str]]:
    path = case.expected / f"{case.source}.indicators.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def is_non_report(case: Case) -> bool:
    return bool((expected_report(case) or {}).get("not_a_report"))


def expected_report(case: Case) -> dict | None:
    path = case.expected / f"{case.source}.report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


# --- what the pipeline reads -------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def read(path: Path):
    """The `Records` the pipeline builds for the file (cached: several tests look at one file)."""
    from perfreports.process import process_file
    return process_file(str(path)).records


# --- comparing ---------------------------------------------------------------------------------

def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _field(column: str, value) -> str:
    text = as_text(value)
    if column.endswith("_value") or column in ("weight", "score", "level1_weight"):
        return as_text(Decimal(text)) if text else ""
    if column.endswith("_raw") or column in ("indicator",):
        return "".join(text.split())
    return text


def row_key(row, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The compared fields of an expected row (dict) or a read row (IndicatorRow)."""
    get = row.get if isinstance(row, dict) else (lambda column: getattr(row, column, None))
    return tuple(_field(column, get(column)) for column in columns)


@dataclass(frozen=True)
class RowMatch:
    expected: int
    read: int
    right: int
    missing: tuple[tuple[str, ...], ...]  # expected keys not read
    wrong: tuple[tuple[str, ...], ...]  # read keys not expected
    columns: tuple[str, ...]


def match_indicators(case: Case, rows) -> RowMatch:
    expected = expected_indicators(case)
    columns = tuple(c for c in (expected[0] if expected else ()) if c not in NOT_COMPARED)
    want = Counter(row_key(e, columns) for e in expected)
    got = Counter(row_key(r, columns) for r in rows)
    right = sum((want & got).values())
    return RowMatch(sum(want.values()), sum(got.values()), right, tuple((want - got).elements()),
                    tuple((got - want).elements()), columns)


def report_misses(case: Case, report) -> list[tuple[str, str, str]]:
    """(field, expected, read) of every reports field that differs."""
    expected = expected_report(case) or {}
    misses = []
    for field in REPORT_FIELDS:
        if field not in expected:
            continue
        want = _report_value(expected[field])
        got = _report_value(getattr(report, field, None)) if report is not None else "<no report row>"
        if want != got:
            misses.append((field, want, got))
    return misses


def _report_value(value) -> str:
    text = as_text(value)
    return as_text(Decimal(text)) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
