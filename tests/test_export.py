"""Exports: CSV, Parquet and XLSX read back with the contract columns and exact values."""
from __future__ import annotations

import csv
import subprocess
import sys
from decimal import Decimal
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from perfreports.facts.records import Problem, Records
from perfreports.storage import store
from perfreports.storage.export import export, format_decimal
from test_store import SEED_ID, seed_records

SHARED = Path(__file__).resolve().parents[2] / "shared"
TABLES = ("reports", "indicators", "figures", "problems", "report_fields", "indicator_cells", "corrections")


@pytest.fixture
def con():
    connection = store.open_store(":memory:")
    store.write(connection, seed_records())
    unreadable = Problem("gone.pdf", "error", "unreadable_file", "cannot read\x07 it", "extract")
    store.write(connection, Records("gone.pdf", "in/gone.pdf", None, problems=(unreadable,)))
    yield connection
    connection.close()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_files_and_headers(con, tmp_path):
    written = export(con, tmp_path / "out", "csv")
    assert [p.name for p in written] == [f"{t}.csv" for t in TABLES]
    for table in TABLES:
        header = next(csv.reader((tmp_path / "out" / f"{table}.csv").open(encoding="utf-8")))
        assert header == [c.name for c in store.columns(table)]


def test_csv_decimals_are_printed_exactly(con, tmp_path):
    export(con, tmp_path, "csv")
    report = read_csv(tmp_path / "reports.csv")[0]
    assert report["spent_yuan"] == "1345368"
    assert report["budget_yuan"] == "4900000"
    assert report["execution_rate_pct"] == "27.45"
    assert report["arrival_rate_pct"] == "100"
    assert [f["value"] for f in read_csv(tmp_path / "figures.csv")] == ["30", "0.5"]


def test_csv_dates_booleans_nulls_and_text(con, tmp_path):
    export(con, tmp_path, "csv")
    report = read_csv(tmp_path / "reports.csv")[0]
    assert (report["report_date"], report["cutoff_date"]) == ("2023-12-10", "2023-10-31")
    assert report["agency"] == "青云谱区总工会"
    indicators = read_csv(tmp_path / "indicators.csv")
    assert [i["tracked"] for i in indicators] == ["true", "false"]
    assert indicators[0]["stage_target_raw"] == ""
    assert indicators[0]["target_raw"] == "≥200 人"


def test_csv_problems_keep_unreadable_files(con, tmp_path):
    export(con, tmp_path, "csv")
    problems = read_csv(tmp_path / "problems.csv")
    assert [(p["code"], p["report_id"]) for p in problems] == [
        ("rate_mismatch", SEED_ID), ("unreadable_file", "")]


def test_csv_reads_back_with_pandas(con, tmp_path):
    export(con, tmp_path, "csv")
    frame = pd.read_csv(tmp_path / "indicators.csv", dtype=str, keep_default_na=False)
    assert list(frame["target_value"]) == ["200", "4900000"]
    assert list(frame["row_no"]) == ["1", "2"]


def test_parquet_keeps_decimals(con, tmp_path):
    written = export(con, tmp_path, "parquet")
    assert [p.name for p in written] == [f"{t}.parquet" for t in TABLES]
    reports = pq.read_table(tmp_path / "reports.parquet")
    assert str(reports.schema.field("spent_yuan").type) == "decimal128(20, 4)"
    assert reports.column("spent_yuan")[0].as_py() == Decimal("1345368")
    frame = pd.read_parquet(tmp_path / "indicators.parquet")
    assert list(frame.columns) == [c.name for c in store.columns("indicators")]
    assert list(frame["target_value"]) == [Decimal("200"), Decimal("4900000")]


def test_xlsx_has_a_typed_sheet_per_table(con, tmp_path):
    [path] = export(con, tmp_path, "xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(TABLES)
    for table in TABLES:
        sheet = book[table]
        assert [c.value for c in sheet[1]] == [c.name for c in store.columns(table)]
        assert sheet.freeze_panes == "A2"
    header = [c.value for c in book["reports"][1]]
    row = dict(zip(header, [c.value for c in book["reports"][2]]))
    assert row["spent_yuan"] == 1345368 and row["execution_rate_pct"] == 27.45
    assert row["report_date"].date().isoformat() == "2023-12-10"
    assert row["assessor"] == "江西正效咨询管理有限公司"
    assert book["reports"].column_dimensions["F"].width > 30  # the long Chinese title


def test_xlsx_escapes_characters_excel_refuses(con, tmp_path):
    [path] = export(con, tmp_path, "xlsx")
    messages = [r[3] for r in openpyxl.load_workbook(path)["problems"].iter_rows(
        min_row=2, values_only=True)]
    assert "cannot read\\u0007 it" in messages  # the BEL is shown, not lost (issue 18)


def test_xlsx_reads_back_with_pandas(con, tmp_path):
    [path] = export(con, tmp_path, "xlsx")
    frames = pd.read_excel(path, sheet_name=None)
    assert list(frames) == list(TABLES)
    assert list(frames["figures"]["value"]) == [30, 0.5]


def test_empty_store_exports_headers_only(tmp_path):
    with store.open_store(":memory:") as empty:
        export(empty, tmp_path, "csv")
    assert read_csv(tmp_path / "reports.csv") == []


def test_unknown_format(con, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export(con, tmp_path, "json")


@pytest.mark.parametrize("value, text", [
    (Decimal("1345368.0000"), "1345368"), (Decimal("27.4500"), "27.45"), (Decimal("0.5000"), "0.5"),
    (Decimal("100"), "100"), (Decimal("0.0000"), "0"), (Decimal("1E+6"), "1000000"), (None, ""),
])
def test_format_decimal(value, text):
    assert format_decimal(value) == text


@pytest.mark.skipif(not (SHARED / "tools" / "check_schema.py").exists(),
                    reason=f"contract checker {SHARED}/tools/check_schema.py not found")
def test_csv_export_passes_the_contract_checker(con, tmp_path):
    export(con, tmp_path, "csv")
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "check_schema.py"), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- docs/dataset.md is the contract in the repository ----------------------------------------

def documented_columns(text: str) -> dict[str, list[tuple[str, str]]]:
    """`## Table \\`name\\`` sections → their `| column | TYPE | meaning |` rows, in order."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## Table `"):
            current = tables.setdefault(line.split("`")[1], [])
        elif line.startswith("## "):
            current = None
        elif current is not None and line.startswith("| ") and not line.startswith("| column | type"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            current.append((cells[0], cells[1]))
    return tables


def test_dataset_doc_lists_every_column_with_its_type():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "dataset.md").read_text(encoding="utf-8")
    documented = documented_columns(doc)
    actual = {table: [(c.name, c.sql_type) for c in store.columns(table)] for table in store.TABLES}
    assert documented == actual


def documented_views(text: str) -> dict[str, list[str]]:
    """The Views section's rows → view name: its columns, in order (parenthesised notes dropped)."""
    views = {}
    section = text[text.index("## Views"):]
    for line in section.splitlines():
        if line.startswith("| `"):
            name, _, cell = (c.strip() for c in line.strip("|").split("|"))
            cell = re.sub(r"\([^()]*\)", "", cell)
            views[name.strip("`")] = [c.strip() for c in cell.split(",")]
    return views


def test_dataset_doc_lists_every_view_column(tmp_path):
    doc = (Path(__file__).resolve().parents[1] / "docs" / "dataset.md").read_text(encoding="utf-8")
    with store.open_store(tmp_path / "r.duckdb") as con:
        actual = {name: [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
                  for name in ("documents", "report_summary", "indicator_achievement", "concept_trend")}
    assert documented_views(doc) == actual
