"""`pipeline.py compare`: the dataset read across reports, for analysts and finance officers.

    compare(db, out_dir, by="agency") -> [summary.xlsx, execution_vs_progress.png,
                                          indicator_achievement.png, report.html]

Every number comes from the DuckDB views `report_summary` and `indicator_achievement`
(storage/views.py), so what the files show is one SQL query away. The files of one document (the
PDF, DOCX and scan of one report: `documents`) are one row, with their file names.
"""
from __future__ import annotations

import base64
import html
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from perfreports.facts.report.vocabulary import report_type
from perfreports.storage import charts
from perfreports.storage.sheets import append_row
from perfreports.storage.store import StoreError, open_store

GROUPINGS = {"agency": "单位", "fiscal_year": "年度", "report_type": "报告类型"}
OUTCOME_FILLS = {"met": "C6EFCE", "missed": "FFC7CE"}
MISSING_LABELS = {"budget_yuan": "预算", "spent_yuan": "支出", "cutoff_date": "截止日期", "indicators": "指标表",
                  "stage_targets": "阶段目标"}
SHEETS = ("报告汇总", "指标趋势", "指标明细", "问题清单")
FILES = ("summary.xlsx", "execution_vs_progress.png", "indicator_achievement.png", "report.html")


@dataclass(frozen=True)
class Column:
    key: str            # column of the query result
    header: str         # what people read
    kind: str = "text"  # text, int, money (yuan shown in 万元), pct (percent points), points, date
    width: int = 12


SUMMARY_COLUMNS = (
    Column("agency", "单位", width=20), Column("fiscal_year", "年度", "int", 7),
    Column("project_name", "项目", width=28), Column("report_type_label", "类型", width=7),
    Column("cutoff_date", "截止日期", "date", 12), Column("budget_yuan", "预算（万元）", "money", 13),
    Column("received_yuan", "到位（万元）", "money", 13), Column("spent_yuan", "实际支出（万元）", "money", 15),
    Column("execution_rate_pct", "执行率", "pct", 9),
    Column("computed_execution_rate_pct", "按金额计算执行率", "pct", 12), Column("time_progress_pct", "序时进度", "pct", 10),
    Column("schedule_gap_pct", "进度差（百分点）", "points", 15), Column("behind_schedule_label", "进度滞后", width=9),
    Column("missing_label", "缺项", width=18),
    Column("indicators_met", "指标达成", "int", 9), Column("indicators_missed", "指标未达成", "int", 11),
    Column("indicators_not_judged", "未评判", "int", 8), Column("warnings", "警告数", "int", 8),
    Column("warning_codes", "警告类型", width=36), Column("source_files", "文件", width=40),
    Column("disagreements", "文件间不一致", width=24),
)
DETAIL_COLUMNS = (
    Column("agency", "单位", width=20), Column("fiscal_year", "年度", "int", 7),
    Column("report_type_label", "类型", width=7), Column("table_no", "表", "int", 5),
    Column("row_no", "行", "int", 5), Column("level1", "一级指标", width=11), Column("level2", "二级指标", width=13),
    Column("indicator", "三级指标", width=32), Column("indicator_key", "规范名", width=26),
    Column("target_raw", "年度目标", width=14), Column("goal_raw", "评判所用目标", width=14),
    Column("actual_raw", "实际完成", width=14), Column("outcome_label", "结果", width=8),
    Column("achievement_pct", "完成比例", "pct", 10), Column("source_file", "文件", width=36),
)
PROBLEM_COLUMNS = (
    Column("agency", "单位", width=20), Column("fiscal_year", "年度", "int", 7),
    Column("source_file", "文件", width=36), Column("severity", "级别", width=8),
    Column("code", "代码", width=20), Column("message", "说明", width=90), Column("stage", "阶段", width=8),
)


def compare(db: str | Path, out_dir: str | Path, by: str = "agency") -> list[Path]:
    """Write the compare outputs of the database `db` into `out_dir`."""
    if by not in GROUPINGS:
        raise ValueError(f"--by must be one of {', '.join(GROUPINGS)}, got {by!r}")
    if not Path(db).is_file():
        raise StoreError(f"no database at {db} (run `python pipeline.py ingest` first)")
    charts.cjk_font_path()  # fail before writing anything when the font is missing
    con = open_store(db)  # not read-only: (re)creates the views
    try:
        data = read(con, by)
    finally:
        con.close()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = write_xlsx(data, out / FILES[0])
    execution = charts.execution_chart(data.execution_rows(), out / FILES[1])
    achievement = charts.achievement_chart(data.achievement_groups(), out / FILES[2], GROUPINGS[by])
    page = write_html(data, out / FILES[3], execution, achievement)
    return [xlsx, execution, achievement, page]


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompareData:
    by: str
    reports: list[dict]      # one per report, in `by` order
    indicators: list[dict]   # indicator_achievement rows of those reports
    problems: list[dict]

    def report_label(self, r: dict) -> str:
        return r["label"]

    def execution_rows(self) -> list[dict]:
        """Per report: the stated rate, 序时进度, and the rate from the amounts where the stated
        one does not agree with them (`rate_mismatch`)."""
        return [{"label": self.report_label(r), "execution_rate_pct": r["execution_rate_pct"],
                 "time_progress_pct": r["time_progress_pct"],
                 "computed_rate_pct": r["computed_execution_rate_pct"]
                 if "rate_mismatch" in (r["warning_codes"] or "") else None} for r in self.reports]

    def achievement_groups(self) -> list[dict]:
        """Per group: indicators met, missed, qualitative (not judged: a target or result in words),
        not judged for another reason (no comparable figure); and reports whose indicator table
        was not read at all."""
        groups: dict[str, Counter] = {}
        for r in self.reports:
            counts = groups.setdefault(_group_label(r, self.by), Counter())
            counts["met"] += r["indicators_met"]
            counts["missed"] += r["indicators_missed"]
            counts["qualitative"] += r["indicators_qualitative"]
            counts["not_judged"] += r["indicators_not_judged"] - r["indicators_qualitative"]
            counts["unread_reports"] += r["indicator_rows"] == 0
        return [{"label": label, **{k: c[k] for k in charts.ACHIEVEMENT_PARTS + ("unread_reports",)}}
                for label, c in groups.items()]

    def trends(self) -> tuple[list[dict], list[dict]]:
        """(report columns, rows): each indicator concept (facts/concepts) with its unit, across
        the reports; only concepts seen in at least two documents. A report with several rows of
        one concept shows their actuals joined."""
        cells: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        first: dict[tuple, dict] = {}
        for i in self.indicators:
            if i["concept_id"] is None:
                continue
            key = (i["concept_id"], i["unit"])
            first.setdefault(key, i)
            cells[key][i["report_id"]].append(i)
        rows = [{"concept": first[key]["concept"], "unit": key[1] or "", "level1": first[key]["level1"] or "",
                 "cells": cells[key]} for key in first if len(cells[key]) >= 2]
        rows.sort(key=lambda row: (-len(row["cells"]), row["level1"], row["concept"]))
        seen = {report_id for row in rows for report_id in row["cells"]}
        return [r for r in self.reports if r["report_id"] in seen], rows



def read(con: duckdb.DuckDBPyConnection, by: str) -> CompareData:
    reports = _dicts(con, "SELECT * FROM report_summary")  # one row per document
    for r in reports:
        r["report_type_label"] = report_type(r["report_type"]).label
        r["behind_schedule_label"] = {True: "是", False: "否"}.get(r["behind_schedule"])
        r["missing_label"] = "、".join(MISSING_LABELS.get(m, m) for m in (r["missing_parts"] or "").split(", ") if m) or None
    reports.sort(key=lambda r: (_sortable(r[by]), _sortable(r["agency"]), _sortable(r["fiscal_year"]),
                                _sortable(r["report_type"])))
    _label(reports)
    kept = {r["report_id"]: r for r in reports}
    indicators = _dicts(con, "SELECT * FROM indicator_achievement ORDER BY report_id, table_no, row_no")
    for i in indicators:
        i["report_type_label"] = kept[i["report_id"]]["report_type_label"]
        qualitative = i["not_judged_reason"] == "qualitative"
        i["outcome_label"] = charts.OUTCOME_LABELS["qualitative" if qualitative else i["outcome"]]
    # The problems of the file that stands for each document, and of files read from no document
    # (unreadable, not a report); a disagreement between a document's files whichever file has it.
    problems = _dicts(con, """
        SELECT r.agency, r.fiscal_year, p.source_file, p.severity, p.code, p.message, p.stage, p.report_id
        FROM problems p LEFT JOIN reports r USING (report_id)
        WHERE r.report_id IS NULL OR p.report_id IN (SELECT report_id FROM documents)
           OR p.code = 'document_mismatch'
        ORDER BY r.agency NULLS LAST, r.fiscal_year, p.source_file, p.severity, p.code""")
    return CompareData(by, reports, indicators, problems)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _label(reports: list[dict]) -> None:
    """`青云谱区总工会 2023 监控`; the file name added where two reports would read the same."""
    for r in reports:
        r["label"] = f"{r['agency'] or '（单位不详）'} {r['fiscal_year'] or ''} {r['report_type_label']}"
    seen = Counter(r["label"] for r in reports)
    for r in reports:
        if seen[r["label"]] > 1:
            r["label"] += f"（{Path(r['source_file']).stem}）"


def _sortable(value):
    return (value is None, str(value) if value is not None else "")


def _group_label(r: dict, by: str) -> str:
    if by == "report_type":
        return r["report_type_label"]
    value = r[by]
    return str(value) if value is not None else "（不详）"


# --- XLSX ------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NUMBER_FORMATS = {"money": "#,##0.00##", "pct": "0.00%", "points": "+0.00;-0.00;0.00", "int": "0",
                  "date": "yyyy-mm-dd"}


def cell_value(value, kind: str):
    """A value as the sheet stores it: money in 万元, percents as fractions (format 0.00%)."""
    if value is None:
        return None
    if kind == "money":
        return float(Decimal(value) / 10000)
    if kind == "pct":
        return float(Decimal(value) / 100)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_table(sheet, columns: tuple[Column, ...], rows: list[dict]) -> None:
    append_row(sheet, [c.header for c in columns])
    for row in rows:
        append_row(sheet, [cell_value(row.get(c.key), c.kind) for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind in NUMBER_FORMATS:
            for cell in sheet[letter][1:]:
                cell.number_format = NUMBER_FORMATS[column.kind]
    _decorate(sheet)


def _decorate(sheet) -> None:
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    if sheet.max_row >= 1 and sheet.max_column >= 1:
        sheet.auto_filter.ref = sheet.dimensions


def trend_cell(found: list[dict] | None) -> tuple[str | None, str | None]:
    """(text, outcome) of one report's rows of a concept: the actuals joined; an outcome when all
    rows share it."""
    if not found:
        return None, None
    outcomes = {i["outcome"] for i in found}
    return "；".join(i["actual_raw"] for i in found), (outcomes.pop() if len(outcomes) == 1 else None)


def write_trends(sheet, data: CompareData) -> None:
    columns, rows = data.trends()
    append_row(sheet, ["指标（概念）", "一级指标", "单位", "报告数"] + [data.report_label(r) for r in columns])
    for row in rows:
        values = [row["concept"], row["level1"], row["unit"], len(row["cells"])]
        values += [trend_cell(row["cells"].get(r["report_id"]))[0] for r in columns]
        append_row(sheet, values)
        for offset, r in enumerate(columns):
            outcome = trend_cell(row["cells"].get(r["report_id"]))[1]
            if outcome in OUTCOME_FILLS:
                cell = sheet.cell(row=sheet.max_row, column=5 + offset)
                cell.fill = PatternFill("solid", fgColor=OUTCOME_FILLS[outcome])
    for index, width in enumerate([30, 11, 7, 8] + [22] * len(columns), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _decorate(sheet)


def write_xlsx(data: CompareData, path: Path) -> Path:
    book = Workbook()
    summary = book.active
    summary.title = SHEETS[0]
    write_table(summary, SUMMARY_COLUMNS, data.reports)
    write_trends(book.create_sheet(SHEETS[1]), data)
    write_table(book.create_sheet(SHEETS[2]), DETAIL_COLUMNS, data.indicators)
    write_table(book.create_sheet(SHEETS[3]), PROBLEM_COLUMNS, data.problems)
    book.save(path)
    return path


# --- HTML ------------------------------------------------------------------------------------

def display(value, kind: str) -> str:
    """A value as people read it: 490.00 万元 → `490`, 27.45 → `27.45%`, dates ISO."""
    if value is None or value == "":
        return ""
    if kind == "money":
        wan = (Decimal(value) / 10000).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        return f"{wan:,.4f}".rstrip("0").rstrip(".")
    if kind == "pct":
        return f"{Decimal(value):.2f}%"
    if kind == "points":
        return f"{Decimal(value):+.2f}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def html_table(columns: tuple[Column, ...], rows: list[dict], css_class: str = "") -> str:
    head = "".join(f"<th>{html.escape(c.header)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="{_css(c)}">{html.escape(display(row.get(c.key), c.kind))}</td>' for c in columns
        ) + "</tr>" for row in rows)
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _css(column: Column) -> str:
    return f"{column.kind} wrap" if column.width >= 28 else column.kind


def trends_table(data: CompareData) -> str:
    columns, rows = data.trends()
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ["指标（概念）", "一级指标", "单位"]
                   + [data.report_label(r) for r in columns])
    body = []
    for row in rows:
        cells = [row["concept"], row["level1"], row["unit"]]
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        for r in columns:
            text, outcome = trend_cell(row["cells"].get(r["report_id"]))
            tds += f'<td class="{html.escape(outcome or "")}">{html.escape(text or "")}</td>'
        body.append(f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 16em; max-width: 40em; }
th { background: #ddebf7; position: sticky; top: 0; }
td.money, td.pct, td.points, td.int { text-align: right; white-space: nowrap; }
td.met { background: #c6efce; } td.missed { background: #ffc7ce; }
img { max-width: 100%; border: 1px solid #eee; margin: 6px 0; }
p.note { color: #555; font-size: 13px; }
"""


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def write_html(data: CompareData, path: Path, execution_png: Path, achievement_png: Path) -> Path:
    missed = sum(r["indicators_missed"] for r in data.reports)
    warnings = sum(1 for p in data.problems if p["severity"] == "warning")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>绩效报告对比</title><style>{STYLE}</style></head>
<body>
<h1>绩效报告对比</h1>
<p class="note">{len(data.reports)} 份报告，未达成指标 {missed} 个，警告 {warnings} 条；按{GROUPINGS[data.by]}排列。
金额单位：万元；序时进度 = 截止日期已过月数 ÷ 项目期月数。</p>
<h2>资金执行率与序时进度</h2>
{_img(execution_png, "资金执行率与序时进度")}
<h2>绩效指标完成情况</h2>
{_img(achievement_png, "绩效指标完成情况")}
<h2>报告汇总</h2>
{html_table(SUMMARY_COLUMNS, data.reports)}
<h2>指标趋势（同名指标跨年度、跨单位）</h2>
<p class="note">绿色：达成；红色：未达成；无底色：未评判（定性指标或无可比目标）。</p>
{trends_table(data)}
<h2>问题清单</h2>
{html_table(PROBLEM_COLUMNS, data.problems)}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
