"""All rows one document contributes: the `reports` row and where its values were read,
indicators, figures, problems, checks — or, for a document that is no performance report, one
`not_a_report` problem saying why."""
from __future__ import annotations

from dataclasses import replace

from perfreports.extract.model import Document
from perfreports.facts.concepts import Matcher, default_matcher, with_concepts
from perfreports.facts.documents import document_id
from perfreports.facts.figures import figure_rows
from perfreports.facts.links import linked_figures
from perfreports.facts.indicators import indicator_rows_and_cells
from perfreports.facts.records import Problem, Records
from perfreports.facts.report import read_report


def build_records(document: Document, *, report_id: str, source_file: str, source_path: str,
                  concepts: Matcher | None = None) -> Records:
    """All rows one document contributes to the dataset (the checks' warnings come after, in
    `process.document_records`); `concepts`: the matcher of indicator concepts (the shipped
    vocabulary when None)."""
    def own(problem: Problem) -> Problem:
        return replace(problem, source_file=source_file, report_id=report_id)

    warnings = tuple(own(Problem.warning(code, message, stage="extract")) for code, message in document.warnings)
    indicators, cells, table_problems = indicator_rows_and_cells(document, report_id)
    read = read_report(document, indicators, report_id=report_id, source_file=source_file,
                       source_path=source_path)
    if not read.kind.is_report:
        refused = Problem.error("not_a_report", f"Not a performance report: {read.kind.reason}.", stage="extract")
        return Records(source_file, source_path, report_id, problems=warnings + (own(refused),))
    kind_warning = () if read.kind.recognised else (own(Problem.warning(
        "unknown_report_type", f"Loaded as report_type other: {read.kind.reason}.", stage="normalize")),)
    report = replace(read.row, document_id=document_id(read.row, indicators))
    matcher = concepts or default_matcher()
    indicators = with_concepts(indicators, matcher)
    figures = linked_figures(figure_rows(document, report_id, report.fiscal_year), indicators, matcher)
    return Records(
        source_file, source_path, report_id, report=report, indicators=indicators, figures=figures,
        fields=read.fields, cells=tuple(cells),
        problems=warnings + kind_warning + tuple(own(p) for p in (*table_problems, *read.problems)),
    )
