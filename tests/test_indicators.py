"""facts.indicators: indicator tables → `indicators` rows, on tiny hand-built tables."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from perfreports.extract.model import Cell, Document, Paragraph, Table
from perfreports.facts.indicators import (
    canonical_level1,
    canonical_level2,
    indicator_rows,
    read_header,
)
from perfreports.facts.indicators.header import column_paths, resolve_columns


def column_roles(block: list[list[str]]) -> tuple[str | None, ...]:
    return tuple(column.key for column in resolve_columns(column_paths(block)))


def make_table(rows, *, seam_rows=(), row_pages=None, page=1) -> Table:
    """Rows of cell texts; a cell may be (text, rowspan, colspan); None = covered by a span."""
    cells = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            text, rowspan, colspan = cell if isinstance(cell, tuple) else (cell, 1, 1)
            if text or rowspan > 1 or colspan > 1:
                cells.append(Cell(r, c, text, rowspan, colspan))
    return Table(
        cells=tuple(cells),
        n_rows=len(rows),
        n_cols=max(len(row) for row in rows),
        page=page,
        row_pages=tuple(row_pages) if row_pages else (),
        seam_rows=frozenset(seam_rows),
    )


def doc(*blocks) -> Document:
    return Document(source_format="pdf", blocks=tuple(blocks), pages=10)


def rows_of(*blocks, report_id="r1"):
    rows, problems = indicator_rows(doc(*blocks), report_id)
    return rows, problems


APPLICATION = [  # 表1 of the seed: two rows above the header, a vertical merge continued on page 2
    ["年度绩效目标", ("提升工会服务群众的能力和水平", 1, 3), None, None],
    [("年度绩效目标分解", 1, 4), None, None, None],
    ["一级指标", "二级指标", "三级指标", "指标目标值"],
    ["成本指标", "经济成本", "工会经费金额", "≤490 万"],
    [("产出指标", 2, 1), ("数量指标", 2, 1), "“携手小康”就业重点群体\n技能培训（人）", "≥100 人"],
    [None, None, "上解上级工会经费（万）", "=73.5 万"],
    ["", "", "工会阵地建设（职工之家、爱心驿站）", "≥5家"],
    ["", "质量指标", "活动举办成功率", "=100%"],
]


def test_application_table_header_below_caption_rows():
    table = make_table(APPLICATION, seam_rows={6}, row_pages=[3, 3, 3, 3, 3, 3, 4, 4])
    rows, problems = rows_of(Paragraph("表 1 项目绩效目标申报表", page=3), table)
    assert problems == []
    assert [r.indicator for r in rows] == [
        "工会经费金额",
        "“携手小康”就业重点群体技能培训（人）",
        "上解上级工会经费（万）",
        "工会阵地建设（职工之家、爱心驿站）",
        "活动举办成功率",
    ]
    assert [r.row_no for r in rows] == [1, 2, 3, 4, 5]
    assert {(r.table_no, r.table_title) for r in rows} == {(1, "项目绩效目标申报表")}
    assert [r.target_raw for r in rows] == ["≤490 万", "≥100 人", "=73.5 万", "≥5家", "=100%"]
    # filled down across the page break
    assert [(r.level1, r.level2) for r in rows[2:]] == [
        ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "质量指标")]
    assert [r.page for r in rows] == [3, 3, 3, 4, 4]
    assert rows[0].stage_target_raw is None and rows[0].adjustment is None and rows[0].tracked is None


ADJUSTMENT_HEADER = ["一级指标", "二级指标", "三级指标", "指标目标值", "调整类型", "指标解释", "跟踪目标值", "是否跟踪"]


def test_adjustment_table_with_repeated_header_mid_table():
    table = make_table([
        ADJUSTMENT_HEADER,
        ["产出指标", "质量指标", "加强制度建设,提升服务水平", "=100%", "删除", "---", "---", "---"],
        ["", "", "各类培训合格率", "=100%", "新增指标", "考察各类培训合格情况。", "100%", "是"],
        ADJUSTMENT_HEADER,
        ["", "", "工会经费发放覆盖率", ">=95%", "删除", "---", "---", "---"],
        ["效益指标", "社会效益", "危害职工合法权益事件发生次数", "0次", "调整", "考察维护职工合法权益情况。", "0", "是"],
        ["", "", "丰富职工精神文化生活", "丰富", "原指标", "考察丰富情况。", "丰富", "否"],
    ], seam_rows={3}, row_pages=[5, 5, 5, 6, 6, 6, 6])
    rows, problems = rows_of(Paragraph("表 3 年度绩效分解目标调整表"), table)
    assert problems == []
    assert [r.indicator for r in rows] == [
        "加强制度建设,提升服务水平", "各类培训合格率", "工会经费发放覆盖率", "危害职工合法权益事件发生次数", "丰富职工精神文化生活"]
    assert [r.adjustment for r in rows] == ["deleted", "added", "deleted", "modified", "original"]
    assert [r.tracked for r in rows] == [None, True, None, True, False]
    assert [r.stage_target_raw for r in rows] == [None, "100%", None, "0", "丰富"]
    assert [r.explanation for r in rows] == [None, "考察各类培训合格情况。", None, "考察维护职工合法权益情况。", "考察丰富情况。"]
    assert rows[2].page == 6 and rows[2].level2 == "质量指标"
    assert rows[0].actual_raw is None


COMPARISON_HEADER = ["一级目标", "二级目标", "三级目标", "项目完成时绩效目标值", "本阶段应完成的绩效目标值", "实际完成的绩效目标值"]


def test_comparison_table_roles_and_canonical_levels():
    table = make_table([
        COMPARISON_HEADER,
        ["产出", "产出数量", "劳模开展宣讲活动(次)", "≥5 次", "=4 次", "=5 次"],
        ["", "产出时效", "项目完成及时率", "=100%", "=100%", "=100%"],
        ["效益", "社会效益", "丰富职工精神文化生活", "丰富", "丰富", "丰富"],
        ["", "满意度", "服务对象满意度", ">=95%", "=95%", "=95%"],
    ])
    rows, problems = rows_of(Paragraph("表 4 项目产出目标、效果目标对比表"), table)
    assert problems == []
    assert [(r.target_raw, r.stage_target_raw, r.actual_raw) for r in rows][0] == ("≥5 次", "=4 次", "=5 次")
    assert [(r.level1, r.level2) for r in rows] == [
        ("产出指标", "数量指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益"), ("效益指标", "服务对象满意度")]
    assert [(r.level1_raw, r.level2_raw) for r in rows][1] == ("产出", "产出时效")
    assert rows[0].table_title == "项目产出目标、效果目标对比表" and rows[0].table_no == 4


def test_column_roles_most_specific_rule_wins():
    assert column_roles([COMPARISON_HEADER]) == (
        "level1", "level2", "level3", "target", "stage_target", "actual")
    assert column_roles([ADJUSTMENT_HEADER]) == (
        "level1", "level2", "level3", "target", "adjustment", "explanation", "stage_target", "tracked")
    assert column_roles([["序号", "一 级\n指 标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                          "得分", "偏差原因分析及改进措施"]]) == (
        "seq", "level1", "level2", "level3", "target", "actual", "weight", "score", "deviation_reason")
    assert column_roles([["全年目标值", "阶段目标值", "完成值", "原因分析"]]) == (
        "target", "stage_target", "actual", "deviation_reason")
    assert column_roles([["年度目标值", "截至6月30日应完成值", "实际完成值"]]) == (
        "target", "stage_target", "actual")


def test_two_row_header_without_spans_is_combined():
    grid = [
        ["项目名称", "工会经费", "", ""],
        ["绩效指标", "", "", "指标值"],
        ["一级指标", "二级指标", "三级指标", "目标值"],
        ["产出指标", "数量指标", "开展送温暖人数", "≥200人"],
    ]
    assert read_header(grid).rows == range(1, 3)  # the 绩效指标 … 指标值 row above names groups
    table = make_table([
        ["绩效指标", "", "", "年度指标值", "实际完成值"],
        ["一级指标", "二级指标", "三级指标", "", ""],
        ["产出指标", "数量指标", "开展送温暖人数", "≥200人", "1000人"],
    ])
    rows, problems = rows_of(table)
    assert problems == []
    assert [(r.indicator, r.target_raw, r.actual_raw) for r in rows] == [("开展送温暖人数", "≥200人", "1000人")]


def test_self_evaluation_table():
    table = make_table([
        ["项目名称", ("2023年工会经费项目", 1, 8), None, None, None, None, None, None],
        ["年度总体目标", ("提升工会服务群众的能力", 1, 8), None, None, None, None, None, None],
        [("绩效指标", 4, 1), "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
        [None, "产出指标", "数量指标", "开展送温暖人数", "≥200人", "1000人", "10", "10", "无"],
        [None, "满意度指标", "服务对象满意度", "服务对象满意度率", "≥95%", "93%", "10", "8", "宣传不足，加强宣传"],
        [None, "总分", "", "", "", "", "100", "95", ""],
    ])
    rows, problems = rows_of(Paragraph("附表1：项目支出绩效自评表"), table)
    assert problems == []
    assert [(r.indicator, r.target_raw, r.actual_raw, r.deviation_reason) for r in rows] == [
        ("开展送温暖人数", "≥200人", "1000人", None),
        ("服务对象满意度率", "≥95%", "93%", "宣传不足，加强宣传"),
    ]
    assert rows[0].table_no == 1 and rows[0].table_title == "项目支出绩效自评表"


def test_seam_fragment_is_joined_to_the_row_above():
    table = make_table([
        ADJUSTMENT_HEADER,
        ["效益指标", "社会效益", "职工互助保障帮扶", "提升", "新增指标", "考察职工互助保障", "提升", "是"],
        ["", "", "效果提升", "", "", "帮扶效果提升情况。", "", ""],
        ["", "", "困难职工家庭救助落实率", "100%", "新增指标", "用以反映救助落实情况。", "100%", "是"],
    ], seam_rows={2}, row_pages=[7, 7, 8, 8])
    rows, problems = rows_of(table)
    assert problems == []
    assert [r.indicator for r in rows] == ["职工互助保障帮扶效果提升", "困难职工家庭救助落实率"]
    assert rows[0].explanation == "考察职工互助保障帮扶效果提升情况。"
    assert rows[0].page == 7 and [r.row_no for r in rows] == [1, 2]


def test_fragment_after_repeated_header_at_seam_is_joined():
    table = make_table([
        COMPARISON_HEADER,
        ["产出指标", "数量指标", "开设职工子女寒暑假", "≥40 人", "=80 人", "=83 人"],
        COMPARISON_HEADER,
        ["", "", "托管班(人)", "", "", ""],
    ], seam_rows={2}, row_pages=[1, 1, 2, 2])
    rows, _ = rows_of(table)
    assert [r.indicator for r in rows] == ["开设职工子女寒暑假托管班(人)"]


def test_row_at_seam_with_its_own_target_is_a_real_row():
    table = make_table([
        COMPARISON_HEADER,
        ["产出", "产出数量", "上解上级工会经费工作完成率", "=100%", "=100%", "0%"],
        ["", "", "下拨基层工会经费工作完成率", "=100%", "=100%", "0%"],
    ], seam_rows={2}, row_pages=[12, 12, 13])
    rows, _ = rows_of(table)
    assert [(r.indicator, r.level1, r.level2, r.page) for r in rows] == [
        ("上解上级工会经费工作完成率", "产出指标", "数量指标", 12),
        ("下拨基层工会经费工作完成率", "产出指标", "数量指标", 13),
    ]


def test_levels_printed_in_the_wrong_place():
    table = make_table([
        ADJUSTMENT_HEADER,
        ["产出指标", "时效指标", "项目完成及时率", "=100%", "新增指标", "考察时效。", "100%", "是"],
        # the level-1 merged cell's text is printed lower down: 经济效益 is not under 产出指标
        ["", "经济效益", "促进民营经济发展", ">=95%", "删除", "---", "---", "---"],
        ["效益指标", "社会效益", "丰富职工精神文化生活", "丰富", "原指标", "考察。", "丰富", "是"],
        # a level-2 name in the level-1 column
        ["社会公众或服务对象满意度", "", "服务对象满意度", ">=95%", "原指标", "考察满意度。", ">=95%", "是"],
        ["满意度", "社会公众或服务对象满意度", "投诉率", "<=5%", "原指标", "考察投诉。", "<=5%", "是"],
    ])
    rows, problems = rows_of(table)
    assert problems == []
    assert [(r.level1, r.level2) for r in rows] == [
        ("产出指标", "时效指标"),
        ("效益指标", "经济效益"),
        ("效益指标", "社会效益"),
        ("满意度指标", "服务对象满意度"),  # the 满意度 printed below spans this row too
        ("满意度指标", "服务对象满意度"),
    ]
    assert (rows[3].level1_raw, rows[3].level2_raw) == ("满意度", "社会公众或服务对象满意度")


def test_canonical_level_names():
    assert canonical_level1("产出") == "产出指标"
    assert canonical_level1("效益") == "效益指标"
    assert canonical_level1("满意度") == "满意度指标"
    assert canonical_level1("成本指标") == "成本指标"
    assert canonical_level1("管理指标") == "管理指标"
    assert canonical_level2("产出数量") == "数量指标"
    assert canonical_level2("产出质量") == "质量指标"
    assert canonical_level2("产出时效") == "时效指标"
    assert canonical_level2("满意度") == "服务对象满意度"
    assert canonical_level2("社会公众或服务对象满意度") == "服务对象满意度"
    assert canonical_level2("可持续影响指标") == "可持续影响"


def test_unknown_level_name_is_kept_and_reported():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "工作安排", "开展活动", "≥5场"],
        ["项目管理指标", "制度建设", "制度健全性", "健全"],
    ])
    rows, problems = rows_of(table)
    assert [(r.level1, r.level2) for r in rows] == [("产出指标", "工作安排"), ("项目管理指标", "制度建设")]
    assert [p.code for p in problems] == ["unknown_level"]
    assert "工作安排" in problems[0].message and "制度建设" in problems[0].message


def test_caption_below_the_table_and_absent():
    small = [["一级指标", "二级指标", "三级指标", "目标值"], ["产出指标", "数量指标", "开展活动", "≥5场"]]
    budget = make_table([["项目", "金额"], ["工会经费", "490万元"]])
    rows, _ = rows_of(
        budget,
        Paragraph("正文。"),
        make_table(small),
        Paragraph("表5：绩效指标表"),
        Paragraph("正文。"),
        make_table(small),  # no caption: numbered by its place among all tables
        Paragraph("表 9 下一张表"),  # below, but it is the caption of the next table
        make_table(small),
    )
    assert [(r.table_no, r.table_title) for r in rows] == [(5, "绩效指标表"), (3, None), (9, "下一张表")]


def test_tables_that_are_not_indicator_tables_give_nothing():
    total_goal = make_table([
        ["", "原申报表内容", "是否调整", "调整后内容"],
        ["年度绩效目标", "提升工会服务群众的能力和水平", "是", "加强基层工会规范化建设"],
    ])
    contents = make_table([["一、项目基本情况", "1"], ["二、绩效目标的核对和确定情况", "7"]])
    rows, problems = rows_of(Paragraph("表2 项目总目标调整表"), total_goal, contents)
    assert rows == [] and problems == []


def test_misaligned_table_is_reported_not_read():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标目标值", ""],
        ["产出指标", "数量指标", "开展送温暖", "人数", "≥200人"],
        ["产出指标", "≥5场", "开展职工活动场次", "", ""],
    ], page=9)
    rows, problems = rows_of(Paragraph("表 6 绩效目标表"), table)
    assert rows == []
    assert [(p.code, p.severity, p.stage) for p in problems] == [("table_unparsed", "warning", "normalize")]
    assert "表6" in problems[0].message and "9" in problems[0].message


def test_row_without_indicator_name_makes_table_unparsed():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标目标值"],
        ["产出指标", "数量指标", "开展活动", "≥5场"],
        ["产出指标", "数量指标", "", "≥200人"],
    ])
    rows, problems = rows_of(table)
    assert rows == [] and [p.code for p in problems] == ["table_unparsed"]


def test_name_only_row_not_at_a_seam_makes_table_unparsed():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标目标值"],
        ["产出指标", "数量指标", "开展送温暖", "≥200人"],
        ["", "", "人数", ""],
    ])
    rows, problems = rows_of(table)
    assert rows == [] and [p.code for p in problems] == ["table_unparsed"]


def test_indicator_table_without_value_columns_is_unparsed():
    table = make_table([["一级指标", "二级指标", "三级指标"], ["产出指标", "数量指标", "开展活动"]])
    rows, problems = rows_of(table)
    assert rows == [] and [p.code for p in problems] == ["table_unparsed"]


def test_indicator_header_read_as_prose_is_reported():
    rows, problems = rows_of(Paragraph("表 3 绩效指标表", page=4),
                             Paragraph("一级指标 二级指标 三级指标 指标值 产出指标 数量指标 开展活动 ≥5场", page=4))
    assert rows == [] and [p.code for p in problems] == ["table_unparsed"]
    assert "第4页" in problems[0].message


def test_docx_rows_have_no_page():
    table = Table(cells=tuple(Cell(r, c, t) for r, row in enumerate(
        [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "开展活动", "≥5场"]])
        for c, t in enumerate(row)), n_rows=2, n_cols=4)
    rows, problems = indicator_rows(Document("docx", (table,)), "r1")
    assert [(r.indicator, r.page) for r in rows] == [("开展活动", None)] and problems == []


def test_unstitched_continuation_table_continues_numbering():
    first = make_table([COMPARISON_HEADER, ["产出", "产出数量", "开展活动", "≥5场", "=4场", "=5场"]])
    second = make_table([["", "", "开展送温暖人数", "≥200人", "=1000人", "=1000人"]], page=2)
    rows, _ = rows_of(Paragraph("表 4 对比表"), first, second)
    assert [(r.table_no, r.row_no, r.level1, r.indicator) for r in rows] == [
        (4, 1, "产出指标", "开展活动"), (4, 2, "产出指标", "开展送温暖人数")]


def test_values_are_parsed_with_the_indicator_as_hint():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["成本指标", "经济成本", "工会经费金额", "≤490 万", "134.5368 万元", "10", "9.5"],
        ["产出指标", "数量指标", "开展送温暖人数", "≥200人", "---", "10", "10"],
    ])
    rows, _ = rows_of(table)
    money, persons = rows
    assert (money.target_op, money.target_value, money.target_unit) == ("<=", Decimal("4900000"), "元")
    assert money.actual_value == Decimal("1345368")
    assert (money.weight, money.score) == (Decimal("10"), Decimal("9.5"))
    assert (persons.target_op, persons.target_value, persons.target_unit) == (">=", Decimal("200"), "人")
    assert persons.actual_raw is None and persons.actual_value is None



def test_period_actuals_and_forecasts_get_their_own_roles():
    # a 截至… column is a stage target only when it says 应完成; 执行情况 is an actual;
    # a forecast (预计) is no actual and is not read
    assert column_roles([["年度目标值", "截至6月30日应完成值", "截至6月底完成值", "1-6月执行情况",
                          "全年预计完成情况", "预计完成值"]]) == (
        "target", "stage_target", "actual", None, "forecast", "forecast")  # one actual: the first
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "年度指标值", "1-6月执行情况", "全年预计完成情况"],
        ["产出指标", "数量指标", "开展送温暖人数", "≥200人", "120人", "210人"],
    ])
    rows, problems = rows_of(table)
    assert problems == []
    assert [(r.target_raw, r.actual_raw, r.actual_value) for r in rows] == [("≥200人", "120人", Decimal("120"))]


@pytest.mark.parametrize("name_header", ["指标名称", "指标内容", "具体指标", "三级指标名称"])
def test_level3_column_headed_by_a_plain_name(name_header):
    table = make_table([
        ["一级指标", "二级指标", name_header, "指标值", "实际完成值"],
        ["产出指标", "数量指标", "开展送温暖人数", "≥200人", "210人"],
        ["", "质量指标", "活动举办成功率", "=100%", "100%"],
    ])
    rows, problems = rows_of(table)
    assert problems == []
    assert [(r.level2, r.indicator, r.target_raw, r.actual_raw) for r in rows] == [
        ("数量指标", "开展送温暖人数", "≥200人", "210人"), ("质量指标", "活动举办成功率", "=100%", "100%")]


def test_table_naming_level1_without_a_readable_header_is_reported():
    table = make_table([
        ["一级指标", "二级指标", "指标值"],
        ["产出指标", "数量指标", "≥200人"],
    ], page=7)
    rows, problems = rows_of(Paragraph("表 2 绩效指标表"), table)
    assert rows == [] and [p.code for p in problems] == ["table_unparsed"]
    assert "第7页" in problems[0].message


def test_table_unit_line_sets_the_money_unit_of_bare_numbers():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["成本指标", "经济成本", "资金发放金额", "12000"],
        ["产出指标", "数量指标", "开展送温暖人数", "200"],  # a count stays a count
    ])
    rows, problems = rows_of(Paragraph("表 1 绩效指标表"), Paragraph("（单位：元）"), table)
    assert problems == []
    assert [(r.target_value, r.target_unit) for r in rows] == [(Decimal("12000"), "元"), (Decimal("200"), "人")]
    assert rows[0].table_no == 1 and rows[0].table_title == "绩效指标表"


def test_unit_in_the_value_column_header_is_used():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标值（万元）", "实际完成值(人)"],
        ["成本指标", "经济成本", "项目投入", "12", ""],
        ["产出指标", "数量指标", "开展活动", "", "35"],
        ["产出指标", "数量指标", "技能培训（人次）", "", "40"],  # the indicator's own unit wins
    ])
    rows, problems = rows_of(table)
    assert [(r.target_value, r.target_unit) for r in rows][0] == (Decimal("120000"), "元")
    assert [(r.actual_value, r.actual_unit) for r in rows][1:] == [(Decimal("35"), "人"), (Decimal("40"), "人次")]


SMALL_HEADER = ["一级指标", "二级指标", "三级指标", "目标值"]


@pytest.mark.parametrize("caption", ["表1（续）", "续表1", "续表 1 绩效指标表", "表 1 绩效指标表", "续表"])
def test_continued_caption_continues_the_table(caption):
    first = make_table([SMALL_HEADER, ["产出指标", "数量指标", "开展活动", "≥5场"]])
    rest = make_table([SMALL_HEADER, ["", "", "开展送温暖人数", "≥200人"]], page=2)
    rows, problems = rows_of(Paragraph("表 1 绩效指标表"), first, Paragraph(caption), rest)
    assert problems == []
    assert [(r.table_no, r.table_title, r.row_no, r.level1, r.indicator) for r in rows] == [
        (1, "绩效指标表", 1, "产出指标", "开展活动"), (1, "绩效指标表", 2, "产出指标", "开展送温暖人数")]


def test_sub_numbered_tables_are_separate_tables():
    one = make_table([SMALL_HEADER, ["产出指标", "数量指标", "开展活动", "≥5场"]])
    two = make_table([SMALL_HEADER, ["效益指标", "社会效益", "职工满意", "提升"]])
    rows, problems = rows_of(Paragraph("表2-1 申报指标"), one, Paragraph("表2－2：调整指标"), two)
    assert problems == []
    assert [(r.table_no, r.row_no, r.level1) for r in rows] == [(2, 1, "产出指标"), (2, 1, "效益指标")]
    assert rows[0].table_title != rows[1].table_title
    assert "2-1" in rows[0].table_title and "申报指标" in rows[0].table_title


def test_caption_numbered_in_chinese_numerals():
    small = [SMALL_HEADER, ["产出指标", "数量指标", "开展活动", "≥5场"]]
    rows, _ = rows_of(Paragraph("表一 申报表"), make_table(small), Paragraph("表十二：对比表"), make_table(small))
    assert [(r.table_no, r.table_title) for r in rows] == [(1, "申报表"), (12, "对比表")]


def test_subtotal_and_note_rows_are_not_indicators():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标值（万元）"],
        ["成本指标", "经济成本", "培训经费", "20"],
        ["成本指标", "经济成本", "慰问经费", "30"],
        ["成本指标", "小计", "", "50"],
        [("说明：本表金额截至6月30日", 1, 4), None, None, None],
    ])
    rows, problems = rows_of(table)
    assert problems == []
    assert [r.indicator for r in rows] == ["培训经费", "慰问经费"]


def test_one_bad_row_is_reported_and_the_others_kept():
    table = make_table([
        ["一级指标", "二级指标", "三级指标", "指标目标值"],
        ["产出指标", "数量指标", "开展活动", "≥5场"],
        ["产出指标", "数量指标", "", "≥200人"],
        ["产出指标", "质量指标", "活动举办成功率", "=100%"],
        ["满意度指标", "服务对象满意度", "职工满意度", "≥95%"],
    ], page=3)
    rows, problems = rows_of(Paragraph("表 5 绩效指标表"), table)
    assert [(r.row_no, r.indicator) for r in rows] == [(1, "开展活动"), (2, "活动举办成功率"), (3, "职工满意度")]
    assert [p.code for p in problems] == ["table_unparsed"]
    assert "表5" in problems[0].message and "第3行" in problems[0].message and "第3页" in problems[0].message


def test_grid_is_built_once_per_table(monkeypatch):
    calls = []
    grid = Table.grid
    monkeypatch.setattr(Table, "grid", lambda self: calls.append(self) or grid(self))
    rows_of(make_table(APPLICATION), make_table([["项目", "金额"], ["工会经费", "490万元"]]))
    assert len(calls) == 2


def test_unparsed_messages_share_one_form():
    _, prose = rows_of(Paragraph("一级指标 二级指标 三级指标 指标值", page=4))
    _, table = rows_of(make_table([["一级指标", "二级指标", "三级指标"], ["产出指标", "数量指标", "开展活动"]], page=4))
    assert [p.message.split("未能读出指标：")[0] for p in prose + table] == ["一张指标表（第4页）", "表1（第4页）"]

# ---------------------------------------------------------------------------------------------
# Golden: every sample, both formats, field by field against samples/expected/*.indicators.csv

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXPECTED = sorted((SAMPLES / "expected").glob("*.indicators.csv"))


def expected_rows(csv_path: Path) -> list[dict[str, str]]:
    with csv_path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same(column: str, expected: str, got) -> bool:
    if column.endswith("_value") or column in ("weight", "score"):
        return (Decimal(expected) if expected else None) == got
    if column.endswith("_raw"):
        # the extractor drops the space between a number and a Chinese unit (`≤490 万` → `≤490万`)
        return expected.replace(" ", "") == as_csv(got).replace(" ", "")
    return expected == as_csv(got)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("csv_path", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_samples_match_expected_rows(csv_path, fmt):
    from perfreports.extract import extract

    source = SAMPLES / f"{csv_path.name.split('.')[0]}.{fmt}"
    if not source.exists():
        pytest.skip(f"{source.name} not rendered")
    rows, problems = indicator_rows(extract(source), "sample")
    expected = expected_rows(csv_path)
    assert problems == []
    assert len(rows) == len(expected)
    wrong = [
        (e["table_no"], e["row_no"], column, e[column], getattr(row, column))
        for e, row in zip(expected, rows)
        for column in expected[0]
        if not same(column, e[column], getattr(row, column))
    ]
    assert wrong == []
