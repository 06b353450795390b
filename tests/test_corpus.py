"""Golden tests over the development corpus (tests/data/corpus/, made by samples/make_corpus.py)
and the samples: every indicator row of every file equals its hand-written expected row, and the
files of one report (DOCX, its PDF, HTML, reportlab, spreadsheet renderings) give the same rows."""
from __future__ import annotations

from collections import defaultdict

import pytest

import goldens

CASES = goldens.all_cases()
FAMILIES = sorted({family for case in CASES for family in case.families})


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_indicator_rows_equal_the_expected_rows(case):
    records = goldens.read(case.path)
    match = goldens.match_indicators(case, records.indicators)
    assert (match.missing, match.wrong) == ((), ()), f"{match.right}/{match.expected} rows right"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_is_read_with_f1_at_least_098(family):
    right = expected = read = 0
    for case in (c for c in CASES if family in c.families):
        match = goldens.match_indicators(case, goldens.read(case.path).indicators)
        right, expected, read = right + match.right, expected + match.expected, read + match.read
    precision, recall = right / max(read, 1), right / max(expected, 1)
    assert 2 * precision * recall / max(precision + recall, 1e-9) >= 0.98


def _by_source() -> dict[str, list[goldens.Case]]:
    sources = defaultdict(list)
    for case in CASES:
        sources[case.source].append(case)
    return {source: cases for source, cases in sources.items() if len(cases) > 1}


@pytest.mark.parametrize("source", sorted(_by_source()))
def test_every_rendering_of_a_report_gives_the_same_rows(source):
    """PDF = DOCX = HTML = spreadsheet = reportlab: the same rows, pages aside."""
    def rows(case):
        return [{k: v for k, v in vars(row).items() if k not in ("page", "report_id")}
                for row in goldens.read(case.path).indicators]

    first, *others = _by_source()[source]
    for other in others:
        assert rows(other) == rows(first), f"{other.name} differs from {first.name}"


# --- the second set (tests/data/holdout): made apart from the corpus, by other hands -------------

HOLDOUT = goldens.holdout_cases()


def test_the_second_set_is_read_with_f1_at_least_095():
    right = expected = read = 0
    for case in (c for c in HOLDOUT if not goldens.is_non_report(c)):
        match = goldens.match_indicators(case, goldens.read(case.path).indicators)
        right, expected, read = right + match.right, expected + match.expected, read + match.read
    precision, recall = right / max(read, 1), right / max(expected, 1)
    assert expected > 600 and 2 * precision * recall / (precision + recall) >= 0.95


@pytest.mark.parametrize("case", HOLDOUT, ids=lambda case: case.name)
def test_the_second_sets_reports_are_loaded_and_non_reports_refused(case):
    records = goldens.read(case.path)
    if goldens.is_non_report(case):
        assert records.report is None and [p.code for p in records.problems if p.severity == "error"] == ["not_a_report"]
    else:
        assert records.report is not None
        assert len(goldens.report_misses(case, records.report)) <= 1
