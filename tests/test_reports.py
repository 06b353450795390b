"""The `reports` row of every sample, in every format, against its hand-written expected values."""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from perfreports.extract import extract
from perfreports.facts.records import ReportRow
from perfreports.facts.report import read_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPECTED = SAMPLES / "expected"
NAMES = sorted(p.name.removesuffix(".report.json") for p in EXPECTED.glob("*.report.json"))
# What read_report reads; document_id is set when the rows are built (facts/build.py), the rest
# by stage checks, and `corrected` by a reviewer's correction (storage/corrections.py).
NOT_READ = ("report_id", "source_file", "source_path", "source_format", "pages", "document_id",
            "computed_execution_rate_pct", "time_progress_pct", "behind_schedule", "missing_parts", "corrected")
COLUMNS = [f.name for f in fields(ReportRow) if f.name not in NOT_READ]


def as_text(value) -> str | int | None:
    """The expected files write decimals and dates as strings."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_for(path: Path) -> ReportRow:
    from perfreports.facts.indicators import indicator_rows
    document = extract(path)
    return read_report(document, indicator_rows(document, "x")[0], report_id="x", source_file=path.name,
                       source_path=str(path)).row


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
@pytest.mark.parametrize("name", NAMES)
def test_every_reports_column_equals_the_expected_value(name, suffix):
    expected = json.loads((EXPECTED / f"{name}.report.json").read_text(encoding="utf-8"))
    row = row_for(SAMPLES / f"{name}.{suffix}")
    got = {column: as_text(getattr(row, column)) for column in COLUMNS}
    assert got == {column: expected[column] for column in COLUMNS}
    assert row.pages == (expected["pdf_pages"] if suffix == "pdf" else None)
    assert row.source_format == suffix


@pytest.mark.parametrize("name", NAMES)
def test_pdf_and_docx_give_the_same_row(name):
    pdf, docx = (asdict(row_for(SAMPLES / f"{name}.{suffix}")) for suffix in ("pdf", "docx"))
    for varying in ("source_file", "source_path", "source_format", "pages"):
        pdf.pop(varying), docx.pop(varying)
    assert pdf == docx
