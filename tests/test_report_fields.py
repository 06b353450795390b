"""The `reports` fields read wherever a report writes them, where they were read from
(`report_fields`), and what is no report at all: one case per wording, on small documents and on
real DOCX files made here with python-docx."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from perfreports.process import process_file
from perfreports.extract.model import Cell, Document, Heading, Paragraph, Table
from perfreports.facts.report import read_report


def P(text: str) -> Paragraph:
    return Paragraph(text=text, page=1)


def H(text: str, numbering: str = "一、") -> Heading:
    return Heading(text=text, level=1, numbering=numbering, page=1)


def table(*rows) -> Table:
    cells = tuple(Cell(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row) if text)
    return Table(cells=cells, n_rows=len(rows), n_cols=max(len(r) for r in rows), page=1, row_pages=(1,) * len(rows))


def read(*blocks):
    return read_report(Document("pdf", tuple(blocks), pages=1), [], report_id="r", source_file="f",
                       source_path="f")


TITLE = P("某某区总工会2024年职工服务项目绩效自评报告")


# --- funding in sentences: the wordings of other provinces ---------------------------------------

@pytest.mark.parametrize("sentence, field, value", [
    ("项目到位资金120万元。", "received_yuan", "1200000"),
    ("资金到位120万元，到位率100%。", "received_yuan", "1200000"),
    ("截至6月30日实际到位98.5万元。", "received_yuan", "985000"),
    ("区财政已拨付到位2,100,000.00元，资金到位率73.3%。", "received_yuan", "2100000"),
    ("全年下达资金1.26亿元。", "received_yuan", "126000000"),
    ("区财政年初安排专项资金268.00万元。", "budget_yuan", "2680000"),
    ("年初预算280万元，年中调增6.8万元，全年预算调整为286.8万元。", "budget_yuan", "2868000"),
    ("全年实际执行2,746,318.56元，预算执行率95.76%。", "spent_yuan", "2746318.56"),
    ("项目累计执行172.43万元。", "spent_yuan", "1724300"),
    ("项目决算数1.19亿元，预算执行率91.54%。", "spent_yuan", "119000000"),
    ("项目预算资金860,000.00元。", "budget_yuan", "860000"),
])
def test_each_funding_wording_is_read(sentence, field, value):
    assert getattr(read(TITLE, P(sentence)).row, field) == Decimal(value)


def test_a_forms_instruction_is_no_statement():
    row = read(TITLE, P("执行率未达到100%的需说明原因（100字以内）。")).row
    assert row.execution_rate_pct is None


# --- the period and the cutoff --------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "项目期限：2024年1月1日至2024年12月31日。", "项目实施周期为2024年1月1日—2024年12月31日。",
    "项目实施期：2024.1.1-2024.12.31", "起止时间：2024年1月1日至12月31日。",
])
def test_each_period_label_is_read(line):
    row = read(TITLE, P(line)).row
    assert (row.period_start, row.period_end) == (date(2024, 1, 1), date(2024, 12, 31))


def test_a_period_written_as_a_year_is_that_whole_year():
    row = read(P("某某区总工会项目支出绩效自评表"), P("（2023年度）"), table(["项目名称", "职工服务项目"])).row
    assert (row.fiscal_year, row.period_start, row.period_end) == (2023, date(2023, 1, 1), date(2023, 12, 31))


def test_a_cutoff_without_a_year_takes_the_fiscal_year():
    row = read(P("某某区总工会2024年职工服务项目1-6月绩效监控报告"), P("截至6月30日，实际支出50万元。")).row
    assert row.cutoff_date == date(2024, 6, 30)


def test_a_monitoring_forms_month_range_names_its_cutoff():
    form = table(["项目名称", "职工服务项目", "", ""], ["项目资金（万元）", "年初预算数", "1-7月执行数", "1-7月执行率"],
                 ["年度资金总额", "310.00", "168.42", "54.33%"])
    row = read(P("2023年度项目支出绩效目标执行监控表"), form).row
    assert (row.cutoff_date, row.budget_yuan, row.spent_yuan, row.execution_rate_pct) == (
        date(2023, 7, 31), Decimal(3100000), Decimal(1684200), Decimal("54.33"))


# --- the form's own cells, and where each value came from ------------------------------------------

SICHUAN = table(
    ["项目名称", "2023年职工法律援助项目", "", "", "", ""],
    ["主管部门", "绵阳市涪城区总工会", "", "实施单位", "涪城区职工法律援助中心", ""],
    ["预算执行情况（10分）", "年度预算数（万元）", "年初预算", "调整后预算数", "预算执行数", "预算执行率"],
    ["预算执行情况（10分）", "总额", "150.00", "158.00", "152.30", "96.39%"],
    ["预算执行情况（10分）", "其中：财政资金", "150.00", "150.00", "144.30", "96.20%"],
)


def test_a_forms_cells_give_agency_not_supervisor_and_the_adjusted_budget():
    read_ = read(P("绵阳市涪城区2023年度项目支出绩效自评表"), SICHUAN)
    row = read_.row
    assert (row.project_name, row.agency) == ("2023年职工法律援助项目", "涪城区职工法律援助中心")
    assert (row.budget_yuan, row.spent_yuan, row.execution_rate_pct) == (
        Decimal(1580000), Decimal(1523000), Decimal("96.39"))
    budget = next(f for f in read_.fields if f.field == "budget_yuan")
    assert (budget.source, budget.table_no, budget.row_no, budget.raw, budget.value) == (
        "cell", 1, 4, "158.00", "1580000")


def test_two_statements_that_disagree_give_a_warning_naming_both():
    read_ = read(P("绵阳市涪城区2023年度项目支出绩效自评表"), SICHUAN, P("项目全年预算数160万元。"))
    assert read_.row.budget_yuan == Decimal(1580000)  # the form's cell is trusted first
    [conflict] = [p for p in read_.problems if p.code == "field_conflict"]
    assert "1580000" in conflict.message and "1600000" in conflict.message


def test_an_implementing_unit_in_a_sentence_wins_over_the_title():
    row = read(P("江汉区总工会2024年职工服务项目绩效监控报告"), P("实施单位为武汉市江汉区总工会。")).row
    assert row.agency == "武汉市江汉区总工会"


# --- what a document is ----------------------------------------------------------------------------

def docx(path: Path, *paragraphs: str, rows: list[list[str]] | None = None) -> Path:
    document = DocxDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(path)
    return path


HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
NOT_REPORTS = {
    "notice": (["关于举办2024年预算绩效管理业务培训班的通知", "各区县财政局、各预算单位：",
                "为提升预算绩效管理水平，定于2024年5月10日举办培训班，请各单位于5月5日前报名。"], None),
    "letter": (["关于2023年度绩效自评工作有关事项的复函", "你单位《关于绩效自评报告报送时间的请示》收悉。",
                "经研究，同意延期至4月30日报送。此复。"], None),
    "contract": (["职工服务阵地建设项目采购合同", "甲方：某某区总工会", "乙方：某某建设有限公司",
                  "合同金额120万元，乙方违约的，应按合同金额的5%支付违约金。"], None),
    "budget_table": (["2024年部门预算表", "单位：万元"],
                     [["科目编码", "科目名称", "预算数"], ["2010101", "行政运行", "320.5"], ["2010102", "一般行政管理事务", "88"]]),
    "empty_form": (["项目支出绩效自评表", "（2023年度）"],
                   [["项目名称", "", "", "", ""], HEADER, ["产出指标", "数量指标", "", "", ""], ["效益指标", "社会效益", "", "", ""]]),
}


@pytest.mark.parametrize("kind", sorted(NOT_REPORTS))
def test_documents_that_are_not_reports_are_refused_with_the_reason(tmp_path, kind):
    paragraphs, rows = NOT_REPORTS[kind]
    records = process_file(str(docx(tmp_path / f"{kind}.docx", *paragraphs, rows=rows))).records
    assert records.report is None and records.fields == () and records.indicators == ()
    [refused] = [p for p in records.problems if p.code == "not_a_report"]
    assert refused.severity == "error" and refused.message.startswith("Not a performance report: ")


def test_a_report_is_loaded_and_an_unknown_kind_is_other_with_a_warning(tmp_path):
    filled = [HEADER, ["产出指标", "数量指标", "培训人数", "≥100人", "120人"]]
    known = process_file(str(docx(tmp_path / "r.docx", "某某区总工会2024年职工培训项目绩效自评报告", rows=filled))).records
    assert known.report.report_type == "self_evaluation"
    unknown = process_file(str(docx(tmp_path / "u.docx", "某某区总工会2024年职工培训项目情况", rows=filled))).records
    assert unknown.report.report_type == "other"
    assert [p.code for p in unknown.problems if p.code == "unknown_report_type"] == ["unknown_report_type"]
