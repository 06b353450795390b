"""One report, several files: the PDF, the DOCX and the scan of a report are one document
(`reports.document_id`, the `documents` view); files that disagree are flagged."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from parts import needs_ocr
from perfreports.facts.documents import document_id
from perfreports.process import process_file
from perfreports.storage import store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
VARIANTS = ROOT / "tests" / "data" / "variants"
SCANS = ROOT / "tests" / "data" / "scans"
NAMES = ("qingyunpu-2023-monitoring", "xiling-2022-self-evaluation", "xindu-2024-monitoring")


@pytest.fixture(scope="module")
def read() -> dict[str, object]:
    """Records of every sample file, by file name."""
    return {f"{name}.{suffix}": process_file(str(SAMPLES / f"{name}.{suffix}")).records
            for name in NAMES for suffix in ("pdf", "docx")}


def test_pdf_and_docx_of_a_report_share_its_document_id(read):
    ids = {name: read[f"{name}.pdf"].report.document_id for name in NAMES}
    assert all(read[f"{name}.docx"].report.document_id == ids[name] for name in NAMES)
    assert len(set(ids.values())) == 3  # three reports, three documents
    assert all(read[f"{name}.pdf"].report_id != read[f"{name}.docx"].report_id for name in NAMES)


def test_the_id_names_the_report_not_its_values(read):
    records = read["xindu-2024-monitoring.pdf"]
    report, rows = records.report, records.indicators
    other_budget = dataclasses.replace(report, budget_yuan=Decimal(1), spent_yuan=None)
    other_actual = [dataclasses.replace(rows[0], actual_raw="1人", actual_value=Decimal(1)), *rows[1:]]
    assert document_id(other_budget, other_actual) == report.document_id
    assert document_id(dataclasses.replace(report, project_name="另一个项目"), rows) != report.document_id
    fewer = [row for row in rows if row.indicator != rows[0].indicator]
    assert document_id(report, fewer) != report.document_id  # another set of indicators: another report


def stored(tmp_path, records_list) -> store.duckdb.DuckDBPyConnection:
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = store.open_store(tmp_path / "r.duckdb")
    for records in records_list:
        store.write(con, records)
    return con


def test_documents_view_has_one_row_per_report_with_its_files(tmp_path, read):
    con = stored(tmp_path, read.values())
    rows = con.execute("SELECT files, source_files, disagreements FROM documents ORDER BY source_files").fetchall()
    assert rows == [(2, f"{name}.pdf, {name}.docx", None) for name in NAMES]
    summary = con.execute("SELECT count(*), sum(files) FROM report_summary").fetchone()
    assert summary == (3, 6)
    assert con.execute("SELECT count(*) FROM problems WHERE code = 'document_mismatch'").fetchone() == (0,)


def test_files_of_one_report_that_disagree_are_flagged(tmp_path, read):
    variant = process_file(str(VARIANTS / "xindu-2024-missed-target.pdf")).records
    con = stored(tmp_path, [read["xindu-2024-monitoring.pdf"], variant])
    assert con.execute("SELECT files, disagreements FROM documents").fetchall() == [(2, "indicators")]
    warned = con.execute("SELECT source_file, message FROM problems WHERE code = 'document_mismatch' "
                         "ORDER BY source_file").fetchall()
    assert [file for file, _ in warned] == ["xindu-2024-missed-target.pdf", "xindu-2024-monitoring.pdf"]
    assert "（xindu-2024-monitoring.pdf）" in warned[0][1] and "（xindu-2024-missed-target.pdf）" in warned[1][1]


def test_the_warnings_do_not_depend_on_the_order_files_are_written(tmp_path, read):
    variant = process_file(str(VARIANTS / "xindu-2024-missed-target.pdf")).records
    files = [read["xindu-2024-monitoring.pdf"], read["xindu-2024-monitoring.docx"], variant]
    seen = []
    for order in (files, files[::-1]):
        con = stored(tmp_path / str(len(seen)), order)
        seen.append(con.execute("SELECT source_file, message FROM problems WHERE code = 'document_mismatch' "
                                "ORDER BY ALL").fetchall())
    assert seen[0] == seen[1] and len(seen[0]) == 3


def test_a_file_that_leaves_a_document_takes_its_disagreement_along(tmp_path, read):
    """The path of the disagreeing file gets other bytes (another report): the warning of the file
    left behind goes."""
    variant = process_file(str(VARIANTS / "xindu-2024-missed-target.pdf")).records
    other = read["xiling-2022-self-evaluation.pdf"]
    con = stored(tmp_path, [])
    for records in (read["xindu-2024-monitoring.pdf"], variant):
        store.write(con, records, _file(records, records.source_path))
    assert con.execute("SELECT count(*) FROM problems WHERE code = 'document_mismatch'").fetchone() == (2,)
    store.write(con, other, _file(other, variant.source_path))  # the variant's path now holds xiling
    assert con.execute("SELECT count(*) FROM problems WHERE code = 'document_mismatch'").fetchone() == (0,)


def _file(records, path: str) -> store.FileRow:
    return store.FileRow(path, Path(path).name, records.report_id, records.report_id * 4, 1)


def test_a_changed_amount_is_named(tmp_path, read):
    records = read["xindu-2024-monitoring.docx"]
    changed = dataclasses.replace(records, report_id="f" * 16, report=dataclasses.replace(
        records.report, report_id="f" * 16, source_file="draft.docx", budget_yuan=Decimal(1300000)),
        indicators=tuple(dataclasses.replace(r, report_id="f" * 16) for r in records.indicators),
        figures=(), fields=(), problems=())
    con = stored(tmp_path, [records, changed])
    assert con.execute("SELECT disagreements FROM documents").fetchall() == [("budget_yuan",)]


@needs_ocr
def test_the_scan_joins_the_pdf_and_docx(tmp_path, read):
    scan = process_file(str(SCANS / "xindu-2024-monitoring.scan.pdf")).records
    assert scan.report.document_id == read["xindu-2024-monitoring.pdf"].report.document_id
    con = stored(tmp_path, [read["xindu-2024-monitoring.pdf"], read["xindu-2024-monitoring.docx"], scan])
    assert con.execute("SELECT files, disagreements FROM documents").fetchall() == [(3, None)]
