"""Rules of the `reports` row (`facts.report`) on small hand-made documents, one case per rule."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import regex

from perfreports.extract.model import Document, Heading, Paragraph
from perfreports.facts.records import ReportRow
from perfreports.facts.report import prose, read_report


def H(text: str, level: int = 2) -> Heading:
    numbering = regex.match(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、]", text)
    return Heading(text=text, level=level, numbering=numbering.group(0) if numbering else "", page=None)


def P(text: str) -> Paragraph:
    return Paragraph(text=text, page=None)


def document(*blocks) -> Document:
    return Document(source_format="pdf", blocks=tuple(blocks), pages=None)


def read(*blocks) -> ReportRow:
    return read_report(document(*blocks), [], report_id="r", source_file="f", source_path="f").row


def funding(*texts: str) -> dict:
    row = read(*(P(t) for t in texts))
    return {f: getattr(row, f) for f in ("budget_yuan", "received_yuan", "spent_yuan", "execution_rate_pct",
                                         "arrival_rate_pct")}


def test_a_period_found_first_is_the_project_period_as_is():
    doc = document(P("项目起止日期为2023年1月1日至2023年12月31日，截至2023年10月31日已完成大部分工作。"))
    assert (read(*doc.blocks).period_start, read(*doc.blocks).period_end) == (date(2023, 1, 1), date(2023, 12, 31))


def test_two_single_days_make_the_project_period():
    row = read(H("（二）项目起止日期"), P("2023年1月1日起，至2023年12月31日止。"))
    assert (row.period_start, row.period_end) == (date(2023, 1, 1), date(2023, 12, 31))


def test_a_cutoff_at_month_precision_is_the_months_end():
    assert read(P("截至2023年10月底，实际支出134.5万元。")).cutoff_date == date(2023, 10, 31)
    assert read(P("截至2023年10月，实际支出134.5万元。")).cutoff_date == date(2023, 10, 31)
    assert read(P("截止到2024年6月末，资金执行率为30%。")).cutoff_date == date(2024, 6, 30)


def test_a_cutoff_at_day_precision_is_that_day():
    assert read(P("截至2023年10月31日，实际支出134.5万元。")).cutoff_date == date(2023, 10, 31)


def test_a_cutoff_cue_takes_the_whole_word():
    for word in ("截至", "截止", "截止到", "截至到", "截止至", "监控时间节点", "跟踪节点"):
        assert prose._CUTOFF_CUES.search(word).group(0) == word


def test_a_rate_compared_with_another_metric_is_not_the_execution_rate():
    got = funding("截至10月底，本项目资金执行率低于序时进度83.33%。")
    assert got["execution_rate_pct"] is None


def test_a_rate_compared_with_an_unnamed_target_is_not_the_execution_rate():
    got = funding("本项目资金执行率低于全省平均水平60%。")
    assert got["execution_rate_pct"] is None


def test_a_value_belongs_to_its_own_clause():
    got = funding("资金执行率偏低，主要原因是采购延迟，已支付合同款30%。")
    assert got["execution_rate_pct"] is None


def test_budget_cues_total_budget_budget_is_and_budget_funds():
    for text in ("项目总预算100万元。", "项目预算为100万元。", "本年度预算资金100万元，均为财政拨款。"):
        assert funding(text)["budget_yuan"] == Decimal("1000000"), text


def test_a_labelled_form_line_gives_its_value():
    got = funding("预算资金：100万元；实际支出：80万元；资金执行率：80%。")
    assert (got["budget_yuan"], got["spent_yuan"], got["execution_rate_pct"]) == (
        Decimal("1000000"), Decimal("800000"), Decimal("80"))


def test_each_funding_figure_from_its_own_cue():
    got = funding("项目预算安排490万元，实际到位400万元，到位率为81.63%，实际支出134.5万元，资金执行率为27.45%。")
    assert got == {
        "budget_yuan": Decimal("4900000"), "received_yuan": Decimal("4000000"), "spent_yuan": Decimal("1345000"),
        "execution_rate_pct": Decimal("27.45"), "arrival_rate_pct": Decimal("81.63"),
    }


def test_agency_of_any_kind_from_the_title():
    cases = {
        "2023年南昌县教育局学生资助项目绩效自评报告": "南昌县教育局",
        "南昌市人力资源和社会保障局2023年度就业补助资金项目绩效自评报告": "南昌市人力资源和社会保障局",
        "2023年青云谱区卫生健康委员会公共卫生服务项目绩效监控报告": "青云谱区卫生健康委员会",
        "2023年青云谱区总工会工会经费项目1-10月份绩效运行监控报告": "青云谱区总工会",
        "宜昌市西陵区总工会2022年度职工帮扶及服务阵地建设经费项目绩效自评报告": "宜昌市西陵区总工会",
    }
    for title, expected in cases.items():
        assert read(P(title)).agency == expected, title


def test_project_name_from_the_title_drops_the_agency_only():
    assert read(P("2023年南昌县教育局学生资助项目绩效自评报告")).project_name == "2023年学生资助项目"
    title = "2023年农村饮水安全工程站点建设项目绩效自评报告"
    assert read(P(title)).project_name == "2023年农村饮水安全工程站点建设项目"


def cover(*lines: str) -> Document:
    return document(*(P(line) for line in lines), H("一、项目基本情况", 1))


def test_title_takes_the_agency_line_above_the_name_as_the_sample_covers_do():
    doc = cover("南昌县教育局", "2023年度学生资助项目", "绩效自评报告", "南昌县教育局", "2024年3月20日")
    assert prose.find_title(doc) == "南昌县教育局2023年度学生资助项目绩效自评报告"


def test_title_stops_at_dates_assessors_labels_and_attachment_marks():
    for above in ("2023年12月10日", "2023年12月", "江西正效咨询管理有限公司", "评价机构：江西正效咨询管理有限公司",
                  "附件1", "附件", "青财绩〔2023〕5号"):
        doc = cover(above, "南昌县教育局2023年度学生资助项目", "绩效自评报告")
        assert prose.find_title(doc) == "南昌县教育局2023年度学生资助项目绩效自评报告", above


def test_title_keeps_a_year_line_above_the_name():
    assert prose.find_title(cover("2023年度", "学生资助项目绩效自评报告")) == "2023年度学生资助项目绩效自评报告"


def test_fiscal_year_prefers_the_year_of_年度():
    title = "2024年南昌县财政局对2023年度学生资助项目绩效评价报告"
    assert prose.fiscal_year(title, cover(title), None) == 2023


def test_fiscal_year_else_the_projects_year():
    title = "2024年南昌县财政局学生资助项目绩效评价报告"
    assert read(P(title), H("（一）项目名称"), P("2023年学生资助项目")).fiscal_year == 2023


def test_fiscal_year_else_the_first_year_of_the_title():
    title = "2023年青云谱区总工会工会经费项目1-10月份绩效运行监控报告"
    assert prose.fiscal_year(title, cover(title, "2023年12月10日"), None) == 2023
