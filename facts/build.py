"""All rows one document contributes: the `reports` row, indicators, figures, problems, checks."""
from __future__ import annotations

from dataclasses import replace

import regex

from extract.model import Document, Table
from facts.figures import figure_rows
from facts.indicators import indicator_rows
from facts.records import Problem, Records
from facts.report import report_row

_REPORT_WORDS = regex.compile(r"绩效|监控|自评|评价|预算|指标")


def build_records(document: Document, *, report_id: str, source_file: str, source_path: str,
                  rules: tuple | None = None) -> Records:
    """All rows one document contributes to the dataset; `rules`: the behind_schedule rule set
    (`checks.rules`; the default set when None)."""
    def problem(severity: str, code: str, message: str, stage: str = "extract") -> Problem:
        return Problem(source_file=source_file, severity=severity, code=code, message=message,
                       stage=stage, report_id=report_id)

    warnings = tuple(problem("warning", code, message) for code, message in document.warnings)
    if not looks_like_report(document):
        return Records(source_file, source_path, report_id, problems=warnings + (problem(
            "error", "not_a_report",
            "The document has no performance-report content (no 绩效/预算/指标 wording and no indicator table).",
        ),))
    report = report_row(document, report_id=report_id, source_file=source_file, source_path=source_path)
    indicators, table_problems = indicator_rows(document, report_id)
    figures = figure_rows(document, report_id)
    records = Records(
        source_file, source_path, report_id, report=report, indicators=tuple(indicators),
        figures=tuple(figures),
        problems=warnings + tuple(replace(p, source_file=source_file) for p in table_problems),
    )
    from checks import run_checks  # here, not at the top: checks imports facts.records
    return replace(records, problems=records.problems + tuple(run_checks(records, rules)))


def looks_like_report(document: Document) -> bool:
    """A performance report talks about 绩效/预算/指标 or carries an indicator table."""
    text = document.text()
    has_indicator_table = any(
        isinstance(b, Table) and any("指标" in cell.text for cell in b.cells) for b in document.blocks
    )
    return has_indicator_table or len(_REPORT_WORDS.findall(text)) >= 3
