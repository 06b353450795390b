"""The analysts' Python API, used as in a notebook: only `perfreports.load` and `perfreports.read`
(the store is made by the command line, as an archivist would)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import perfreports

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("api")
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "ingest", str(SAMPLES), "--workers", "1"],
                            cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return folder / "reports.duckdb"


def test_a_notebook_session(db):
    ds = perfreports.load(db)
    # six files, three reports: the PDF and DOCX of each are one document
    assert len(ds.reports) == 6 and len(ds.documents) == 3 and len(ds.report_summary) == 3
    summary = ds.report_summary.set_index("agency")
    assert summary.loc["成都市新都区总工会", "files"] == 2
    assert summary.loc["成都市新都区总工会", "province"] == "四川"
    assert bool(summary.loc["成都市新都区总工会", "behind_schedule"]) is True
    assert summary.loc["宜昌市西陵区总工会", "computed_execution_rate_pct"] == pytest.approx(
        summary.loc["宜昌市西陵区总工会", "execution_rate_pct"], abs=0.01)
    # how many people did 慰问 reach, per union and year?
    reached = ds.sql("""SELECT agency, fiscal_year, sum(actual_total) AS persons FROM concept_trend
                        WHERE concept_id LIKE 'condolence%' AND unit = '人' GROUP BY ALL ORDER BY agency""")
    assert reached.loc[reached.agency == "青云谱区总工会", "persons"].item() == 1000
    achieved = ds.indicator_achievement
    assert set(achieved.outcome) <= {"met", "missed", "not_judged"} and achieved.page.notna().any()
    assert achieved.report_id.isin(ds.documents.report_id).all()  # one file per document


def test_read_one_file_gives_the_rows_the_store_holds(db):
    ds = perfreports.load(db)
    one = perfreports.read(SAMPLES / "xindu-2024-monitoring.docx")
    assert len(one.reports) == 1 and one.reports.agency.item() == "成都市新都区总工会"
    stored = ds.indicators[ds.indicators.report_id == one.reports.report_id.item()]
    columns = ["table_no", "row_no", "indicator", "target_raw", "actual_raw", "outcome", "concept_id"]
    assert one.indicators[columns].fillna("").values.tolist() == stored[columns].fillna("").values.tolist()
    assert len(one.report_summary) == 1 and one.problems.code.tolist().count("behind_schedule") == 1


def test_a_file_that_is_no_report_reads_as_its_problem(tmp_path):
    notes = tmp_path / "notes.pdf"
    notes.write_text("not a pdf", encoding="utf-8")
    one = perfreports.read(notes)
    assert one.reports.empty and one.problems[["severity", "code"]].values.tolist() == [["error", "unsupported_format"]]


def test_load_without_a_store_says_so(tmp_path):
    with pytest.raises(Exception, match="no database at"):
        perfreports.load(tmp_path / "none.duckdb")
