"""What indicator concepts are held to: the indicator rows of the hand-typed expected tables
(samples, development corpus, held-out set) and the hand-checked (name, unit, concept) pairs.
Shared by tests/test_concepts.py and benchmarks/concepts.py.

A row is quantitative when its target or actual value is a number. Its unit is the target's,
else the actual's or the stage target's, as the facts stage reads them.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from perfreports.normalize import parse_value

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = {
    "samples": ROOT / "samples" / "expected",
    "corpus": ROOT / "tests" / "data" / "corpus" / "expected",
    "holdout": ROOT / "tests" / "data" / "holdout" / "expected",
}
DEVELOPMENT = ("samples", "corpus")  # the sets the ≥ 90 % coverage is asked of
PAIRS = ROOT / "tests" / "data" / "concepts" / "checked_pairs.csv"


@dataclass(frozen=True)
class Row:
    family: str
    file: str
    name: str
    unit: str | None
    level2: str | None
    quantitative: bool


@dataclass(frozen=True)
class Pair:
    name: str
    unit: str | None
    expected: str | None  # a concept id, or None: the name must get no concept
    source: str  # samples, corpus, holdout, published (a report found online), genre (written from the genre)


def expected_rows(*families: str) -> list[Row]:
    rows = []
    for family in families or tuple(FAMILIES):
        for path in sorted(FAMILIES[family].glob("*.indicators.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                rows += [_row(family, path.name.split(".")[0], r) for r in csv.DictReader(f)]
    return rows


def _row(family: str, file: str, r: dict) -> Row:
    values = [parse_value(r.get(c) or "", r["indicator"]) for c in ("target_raw", "actual_raw", "stage_target_raw")]
    numeric = any(v is not None and v.value is not None for v in values[:2])
    unit = r.get("target_unit") or next((v.unit for v in values if v is not None and v.unit), None)
    return Row(family, file, r["indicator"], unit or None, r.get("level2") or None, numeric)


def checked_pairs(path: Path = PAIRS) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Pair(r["indicator"], r["unit"] or None, r["concept_id"] or None, r["source"])
                for r in csv.DictReader(f)]
