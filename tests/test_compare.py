"""`pipeline.py compare`: the views in DuckDB, summary.xlsx read back with openpyxl, charts that
draw Chinese glyphs (not tofu) and report.html rendered in headless Chromium."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pytest
from openpyxl import load_workbook

from perfreports import checks
from perfreports.storage import charts, compare
from perfreports.facts.records import IndicatorRow
from parts import EMPTY_FONTCONFIG, missing, needs_chromium, needs_cjk_font

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "qingyunpu-2023-monitoring.pdf"
INPUTS = [SEED, ROOT / "samples" / "qingyunpu-2023-monitoring.docx",
          ROOT / "samples" / "xiling-2022-self-evaluation.pdf", ROOT / "samples" / "xindu-2024-monitoring.pdf",
          ROOT / "tests" / "data" / "variants" / "xindu-2024-missed-target.pdf"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "pipeline.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """A database of three samples and one variant, and the compare outputs made from it."""
    if missing("CJK font"):
        pytest.skip(f"compare draws Chinese charts: {missing('CJK font')}")
    folder = tmp_path_factory.mktemp("compare")
    db = folder / "reports.duckdb"
    ingested = run("ingest", *map(str, INPUTS), "--db", str(db), "--workers", "1")
    assert ingested.returncode == 0, ingested.stderr
    result = run("compare", "--db", str(db), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr
    assert all(f"wrote {folder / 'out' / name}" in result.stdout for name in compare.FILES)
    return folder / "out"


@pytest.fixture()
def con(out):
    connection = duckdb.connect(str(out.parent / "reports.duckdb"), read_only=True)
    yield connection
    connection.close()


# --- views -----------------------------------------------------------------------------------

def test_report_summary_view(con):
    row = con.execute("""
        SELECT budget_yuan, spent_yuan, execution_rate_pct, time_progress_pct, schedule_gap_pct,
               indicators_met, indicators_missed, indicators_not_judged, warnings, warning_codes
        FROM report_summary WHERE source_file = ?""", [SEED.name]).fetchone()
    assert [float(v) for v in row[:5]] == [4900000, 1345368, 27.45, 83.33, -55.88]
    assert row[5:9] == (19, 2, 2, 4)
    assert row[9] == "behind_schedule, below_stage_target, table_prose_mismatch"
    self_evaluation = con.execute("SELECT time_progress_pct, indicators_missed FROM report_summary "
                                  "WHERE source_file = 'xiling-2022-self-evaluation.pdf'").fetchone()
    assert self_evaluation == (None, 2)


def test_indicator_achievement_judges_like_the_checks(con):
    names = [d[0] for d in con.execute("SELECT * FROM indicators LIMIT 0").description]
    types = dict(con.execute("SELECT report_id, report_type FROM reports").fetchall())
    view = {(r, t, n): o for r, t, n, o in con.execute(
        "SELECT report_id, table_no, row_no, outcome FROM indicator_achievement").fetchall()}
    judged = 0
    for values in con.execute("SELECT i.* FROM indicators i JOIN documents USING (report_id) "
                              "WHERE actual_raw IS NOT NULL").fetchall():
        row = IndicatorRow(**dict(zip(names, values)))
        assert view[row.report_id, row.table_no, row.row_no] == checks.judge(row, types[row.report_id]).outcome, row
        judged += 1
    assert judged > 40
    keys = {k for (k,) in con.execute("SELECT DISTINCT indicator_key FROM indicator_achievement").fetchall()}
    assert {"携手小康就业重点群体技能培训", "开展送温暖", "服务对象满意度"} <= keys


# --- summary.xlsx ----------------------------------------------------------------------------

def test_xlsx_sheets_values_and_formatting(out):
    book = load_workbook(out / "summary.xlsx")
    assert book.sheetnames == list(compare.SHEETS)
    sheet = book["报告汇总"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["单位", "年度", "项目", "类型"]
    rows = [dict(zip(headers, (c for c in r))) for r in sheet.iter_rows(min_row=2)]
    # the seed as PDF and DOCX is one report with both files
    [seed] = [r for r in rows if r["单位"].value == "青云谱区总工会"]
    assert "qingyunpu-2023-monitoring.pdf" in seed["文件"].value and ".docx" in seed["文件"].value
    assert seed["预算（万元）"].value == 490 and seed["预算（万元）"].number_format == "#,##0.00##"
    assert seed["实际支出（万元）"].value == pytest.approx(134.5368)
    assert seed["执行率"].value == pytest.approx(0.2745) and seed["执行率"].number_format == "0.00%"
    assert seed["序时进度"].value == pytest.approx(0.8333)
    assert seed["进度差（百分点）"].value == pytest.approx(-55.88)
    assert (seed["指标达成"].value, seed["指标未达成"].value, seed["警告数"].value) == (19, 2, 4)
    assert len(rows) == 3  # seed, xiling, and xindu with its variant: one report, two files that disagree
    [xindu] = [r for r in rows if r["单位"].value == "成都市新都区总工会"]
    assert xindu["文件"].value == "xindu-2024-missed-target.pdf, xindu-2024-monitoring.pdf"
    assert xindu["文件间不一致"].value == "indicators" and seed["文件间不一致"].value is None
    for name in compare.SHEETS:
        assert book[name].freeze_panes == "A2" and book[name].auto_filter.ref
    assert sheet.column_dimensions["A"].width == 20

    trends = book["指标趋势"]
    header = [c.value for c in trends[1]]
    assert header[:4] == ["指标（概念）", "一级指标", "单位", "报告数"]
    rows = list(trends.iter_rows(min_row=2, values_only=True))
    assert rows and all(r[3] >= 2 for r in rows)  # concepts of at least two documents only
    satisfaction = next(r for r in rows if r[0] == "满意度")
    assert satisfaction[3] >= 2  # the seed (2023) and xindu (2024) both report it
    by_report = dict(zip(header[4:], satisfaction[4:]))
    assert by_report["青云谱区总工会 2023 监控"] == "=95%"

    problems = [r for r in book["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert any(r[4] == "table_prose_mismatch" and "997" in r[5] and "1000" in r[5] for r in problems)
    assert any(r[4] == "below_stage_target" and "580人" in r[5] for r in problems)
    assert any(r[4] == "document_mismatch" and "xindu-2024-monitoring.pdf" in r[5] for r in problems)


def test_compare_by_year_orders_by_year(out, tmp_path):
    result = run("compare", "--db", str(out.parent / "reports.duckdb"), "--out", str(tmp_path), "--by", "fiscal_year")
    assert result.returncode == 0, result.stderr
    years = [r[1] for r in load_workbook(tmp_path / "summary.xlsx")["报告汇总"].iter_rows(min_row=2, values_only=True)]
    assert years == sorted(years)


def test_compare_without_a_database_is_a_clean_error(tmp_path):
    result = run("compare", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no database" in result.stderr
    assert run("compare", "--by", "colour", "--out", str(tmp_path)).returncode == 2


def test_missing_font_fails_clearly(monkeypatch, tmp_path):
    """With no font at all (an empty fontconfig configuration, as on a machine without
    fonts-noto-cjk), the charts name the package to install; `compare` is exit 2, one line."""
    (tmp_path / "fonts.conf").write_text(EMPTY_FONTCONFIG, encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "fonts.conf"))  # fontconfig sees no font
    charts.cjk_font_path.cache_clear()
    try:
        with pytest.raises(charts.FontMissing, match="fonts-noto-cjk"):
            charts.cjk_font_path()
    finally:
        monkeypatch.undo()
        charts.cjk_font_path.cache_clear()


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig (fc-list) is not installed")
def test_compare_without_any_font_is_a_one_line_error(tmp_path):
    (tmp_path / "fonts.conf").write_text(EMPTY_FONTCONFIG, encoding="utf-8")
    db = tmp_path / "reports.duckdb"
    assert run("ingest", str(SEED), "--db", str(db), "--workers", "1").returncode == 0
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "compare", "--db", str(db), "--out",
                             str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "apt-get install fonts-noto-cjk" in line
    assert not (tmp_path / "out").exists()  # nothing written before the check


# --- charts: Chinese glyphs, not tofu --------------------------------------------------------

def ink(image: np.ndarray) -> np.ndarray:
    return image[..., :3].min(axis=2) < 128


def render(text: str, font_path: str | None = None) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph … missing from font" for the tofu reference
        return ink(charts.render_label(text, font_path))


@needs_cjk_font
def test_cjk_font_covers_the_chart_labels():
    from fontTools.ttLib import TTCollection
    collection = TTCollection(charts.cjk_font_path())
    cmap = collection.fonts[0].getBestCmap()
    labels = "资金执行率与序时进度绩效指标完成情况按单位达成未评判百分比个数监控自评青云谱区总工会宜昌市西陵成都新"
    assert [ch for ch in labels if ord(ch) not in cmap] == []


@needs_cjk_font
def test_chinese_renders_as_glyphs_not_boxes():
    from matplotlib import font_manager
    latin = font_manager.findfont("DejaVu Sans")
    # Reference: a font without CJK draws every Chinese character as the same .notdef box ...
    assert np.array_equal(render("资金执行率", latin), render("序时进度表", latin))
    # ... the chart font draws distinct glyphs with real ink, unlike the boxes.
    a, b = render("资金执行率"), render("序时进度表")
    assert a.sum() > 200 and b.sum() > 200
    assert not np.array_equal(a, b)
    assert not np.array_equal(a, render("资金执行率", latin))


def test_pngs_are_charts(out):
    from matplotlib.image import imread
    for name in ("execution_vs_progress.png", "indicator_achievement.png"):
        image = imread(out / name)
        assert image.shape[0] > 200 and image.shape[1] > 600
    bars = imread(out / "execution_vs_progress.png")[..., :3]
    assert color_share(bars, charts.EXECUTION_COLOR) > 0.01


def color_share(image: np.ndarray, hex_color: str, tolerance: float = 0.08) -> float:
    if image.dtype != np.float32 and image.max() > 1:
        image = image / 255.0
    target = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return float((np.abs(image[..., :3] - target).max(axis=2) < tolerance).mean())


# --- report.html -----------------------------------------------------------------------------

def test_html_is_self_contained(out):
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2
    assert "http://" not in page and "https://" not in page and "<link" not in page
    for words in ("报告汇总", "指标趋势", "问题清单", "青云谱区总工会", "997人", "27.45%", "83.33%"):
        assert words in page


@needs_chromium
def test_html_screenshot_shows_the_charts(out, tmp_path):
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--screenshot={shot}", "--window-size=1200,2000", (out / "report.html").as_uri()],
            capture_output=True, timeout=120, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    from matplotlib.image import imread
    image = imread(shot)
    # the execution-rate bars and the achievement bars are drawn: their colours fill part of the page
    assert color_share(image, charts.EXECUTION_COLOR) > 0.005
    assert color_share(image, charts.OUTCOME_COLORS["met"]) > 0.005


def _summary(agency, **counts):
    base = dict(agency=agency, fiscal_year=2023, report_type="monitoring", report_type_label="监控", label=agency,
                indicators_met=0, indicators_missed=0, indicators_not_judged=0, indicators_qualitative=0,
                indicator_rows=0, execution_rate_pct=None, time_progress_pct=None,
                computed_execution_rate_pct=None, warning_codes=None)
    return {**base, **counts}


def test_charts_tell_qualitative_rows_from_unread_tables_and_show_a_rate_mismatch():
    reports = [_summary("甲", indicators_met=5, indicators_not_judged=3, indicators_qualitative=2, indicator_rows=8),
               _summary("甲", indicator_rows=0),  # its table was not read
               _summary("乙", indicators_missed=1, indicator_rows=1, execution_rate_pct=30,
                        computed_execution_rate_pct=25, warning_codes="behind_schedule, rate_mismatch")]
    data = compare.CompareData("agency", reports, [], [])
    assert data.achievement_groups() == [
        {"label": "甲", "met": 5, "missed": 0, "qualitative": 2, "not_judged": 1, "unread_reports": 1},
        {"label": "乙", "met": 0, "missed": 1, "qualitative": 0, "not_judged": 0, "unread_reports": 0}]
    assert [r["computed_rate_pct"] for r in data.execution_rows()] == [None, None, 25]
