"""`pipeline.py explain FILE`: each table's quality, header paths and roles, rows read, grid."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parts import needs_ocr
from perfreports.explain import explain
from perfreports.extract.model import Cell, Table, TableQuality
from perfreports.terminal import printable

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "data" / "corpus"


def section(lines: list[str], start: str) -> list[str]:
    """The lines of the table whose first line starts with `start`, up to the next blank line."""
    i = next(i for i, line in enumerate(lines) if line.startswith(start))
    end = next((j for j in range(i, len(lines)) if not lines[j]), len(lines))
    return lines[i:end]


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_a_monitoring_table_shows_its_roles_and_rows(suffix):
    lines = explain(SAMPLES / f"xindu-2024-monitoring{suffix}")
    assert lines[0].startswith(f"xindu-2024-monitoring{suffix}: ")
    assert lines[0].endswith("2 tables, 2 indicator tables")
    table = section(lines, "table 2 ")
    assert "  caption: 表2 绩效目标完成情况对比表" in table
    assert "  indicator table 表2" in table
    assert "    col 5  截至6月30日应完成值 → stage_target" in table
    assert "    col 6  实际完成值 → actual" in table
    assert "  rows: 9 in the body → 9 indicator rows, 0 skipped (subtotals, notes, blank), 0 rejected" in table
    assert any(line.startswith("     10 | 满意度指标") for line in table)


def test_a_table_over_a_page_break_says_so():
    first = section(explain(SAMPLES / "xindu-2024-monitoring.pdf"), "table 1 ")
    assert first[0] == "table 1 · pages 4–5 · ruled · 13 rows × 8 columns · 1 page break joined"


def test_an_unruled_form_shows_its_blocks_and_split_columns():
    lines = explain(CORPUS / "dali-2022-split-direction.reportlab-plain.pdf", max_rows=2)
    tables = [line for line in lines if line.startswith("table ")]
    assert all("unruled (columns from the alignment of text)" in t for t in tables)
    assert "cut from the block above" in tables[1]
    assert "  not an indicator table: no header row names the level columns (一级/二级/三级指标)" in lines
    assert "    col 5  指标性质 → target.sign" in lines and "    col 7  度量单位 → target.unit" in lines
    assert "    … 14 more rows (--rows N shows more)" in lines


@needs_ocr
def test_a_scan_shows_its_lowest_ocr_confidence():
    lines = explain(ROOT / "tests" / "data" / "scans" / "xindu-2024-monitoring.scan.pdf")
    tables = [line for line in lines if line.startswith("table ")]
    assert tables and all(" · OCR, lowest confidence 0." in t or "confidence 1.00" in t for t in tables)


def test_table_pages_and_confidence_come_from_its_rows_and_cells():
    table = Table(cells=(Cell(0, 0, "a", confidence=0.91), Cell(1, 0, "b", confidence=0.62), Cell(2, 0, "c")),
                  n_rows=3, n_cols=1, page=4, row_pages=(4, 5, 5), quality=TableQuality(seams=1))
    assert table.pages == (4, 5) and table.lowest_confidence == 0.62
    assert Table(cells=(), n_rows=0, n_cols=0).pages == ()
    assert Table(cells=(Cell(0, 0, "a"),), n_rows=1, n_cols=1).lowest_confidence is None


def test_document_text_cannot_drive_the_terminal():
    assert printable("产出\x1b[2J指标\u202e反\n转") == "产出\\u001b[2J指标\\u202e反⏎转"


def test_cli_explain_and_its_errors(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "explain", *args],
                              capture_output=True, text=True, cwd=tmp_path)

    shown = run(str(SAMPLES / "xiling-2022-self-evaluation.docx"), "--rows", "1")
    assert shown.returncode == 0, shown.stderr
    assert "    col 8  偏差原因分析及改进措施 → deviation_reason" in shown.stdout
    missing = run("nope.pdf")
    assert (missing.returncode, missing.stderr) == (2, "error: no file at nope.pdf\n")
    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf", encoding="utf-8")
    unreadable = run(str(text))
    assert unreadable.returncode == 2 and unreadable.stderr.startswith(f"error: {text} cannot be read (")
    assert len(unreadable.stderr.splitlines()) == 1
