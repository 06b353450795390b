"""The pieces that read the table layouts of TEMPLATES.md, each on tiny inputs: header paths and
the role grammar, split sign/value/unit columns, level names with weights, form blocks, captions,
and the geometry of tables without ruling lines, spreadsheet overflow and cells cut by a page break."""
from __future__ import annotations

from decimal import Decimal

import pytest

from perfreports.extract.borderless import borderless_tables, gutters, row_groups
from perfreports.extract.lines import TextLine
from perfreports.extract.model import Cell, Document, Paragraph, Table
from perfreports.extract.page import closing_edges, keep_overflow_whole
from perfreports.facts.indicators import indicator_rows
from perfreports.facts.indicators.captions import parse_caption
from perfreports.facts.indicators.header import column_paths, resolve_columns
from perfreports.facts.indicators.values import joined, level_name
from perfreports.normalize import parse_value


def roles(*header_rows: list[str]) -> list[str | None]:
    return [column.key for column in resolve_columns(column_paths(list(header_rows)))]


# --- header paths: a period × a kind -----------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    (["全年目标值", "1-8月目标值", "1-8月实际完成值"], ["target", "stage_target", "actual"]),
    (["年度指标值", "截至6月底目标值", "截至6月底完成值", "完成进度(%)"], ["target", "stage_target", "actual", "progress"]),
    (["全年指标值", "本阶段目标值", "实际完成值"], ["target", "stage_target", "actual"]),
    (["年度目标", "上半年目标", "上半年完成"], ["target", "stage_target", "actual"]),
    (["年度指标值", "第三季度末目标值", "第三季度末完成值", "预计全年完成情况"],
     ["target", "stage_target", "actual", "forecast"]),
    (["指标目标值", "本阶段应完成的绩效目标值", "实际完成的绩效目标值"], ["target", "stage_target", "actual"]),
    (["项目完成时绩效目标值", "跟踪目标值", "是否跟踪"], ["target", "stage_target", "tracked"]),
    (["年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
     ["target", "actual", "weight", "score", "deviation_reason"]),
    (["年度指标值", "全年完成值", "权重", "得分", "未完成原因和改进措施"],
     ["target", "actual", "weight", "score", "deviation_reason"]),
    (["年度指标值", "1-7月执行情况", "全年预计完成情况", "备注"], ["target", "actual", "forecast", "note"]),
    (["指标值", "指标值说明"], ["target", "explanation"]),
])
def test_a_value_column_is_a_period_times_a_kind(header, expected):
    assert roles(["一级指标", "二级指标", "三级指标", *header])[3:] == expected


def test_a_parent_header_names_the_period_of_its_sub_columns():
    assert roles(["一级指标", "二级指标", "三级指标", "年度指标值", "1-6月执行情况", "1-6月执行情况"],
                 ["一级指标", "二级指标", "三级指标", "年度指标值", "目标值", "实际完成值"])[3:] == [
        "target", "stage_target", "actual"]


def test_a_parent_printed_only_over_its_first_sub_column_covers_the_others():
    """A spreadsheet prints no merged cells: `1-6月执行情况` stands over `目标值` only."""
    assert roles(["一级指标", "二级指标", "三级指标", "年度指标值", "1-6月执行情况", ""],
                 ["", "", "", "", "目标值", "实际完成值"])[3:] == ["target", "stage_target", "actual"]


def test_split_sign_value_unit_columns_are_parts_of_the_target():
    one_row = roles(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重"])
    assert one_row[3:] == ["target.sign", "target", "target.unit", "actual", "weight"]
    two_rows = roles(["一级指标", "二级指标", "三级指标", "年度指标值", "年度指标值", "年度指标值", "实际完成值"],
                     ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值"])
    assert two_rows[3:] == ["target.sign", "target", "target.unit", "actual"]


def test_tick_columns_and_unknown_columns_are_kept_apart():
    assert roles(["一级指标", "二级指标", "三级指标", "年度指标值", "偏差原因分析", "偏差原因分析", "完成目标可能性", "说不清"],
                 ["一级指标", "二级指标", "三级指标", "年度指标值", "经费保障", "制度保障", "确定能", "说不清"])[3:] == [
        "target", "tick", "tick", "tick", None]


def test_a_second_column_of_one_role_is_not_merged_into_the_first():
    assert roles(["一级指标", "二级指标", "三级指标", "指标值", "年度指标值"])[3:] == ["target", None]


# --- rows: split columns joined, unknown columns kept, level weights -----------------------------

def make_table(rows, page=1) -> Table:
    cells = [Cell(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row) if text]
    return Table(cells=tuple(cells), n_rows=len(rows), n_cols=len(rows[0]), page=page,
                 row_pages=(page,) * len(rows))


def read(*blocks):
    return indicator_rows(Document("pdf", tuple(blocks), pages=1), "r")


@pytest.mark.parametrize("sign, value, unit, text", [
    ("≥", "15", "个", "≥15个"), ("﹦", "100", "%", "﹦100%"), ("定性", "有效提升", "", "有效提升"),
    ("", "10天以内", "", "10天以内"), ("正向", "20,000", "册", "正向20,000册"), ("≥", "", "个", None),
])
def test_split_parts_joined(sign, value, unit, text):
    assert joined(sign, value, unit) == text


def test_a_split_target_row_is_parsed_whole_and_other_columns_are_kept():
    rows, problems = read(make_table([
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "说不清"],
        ["产出指标（50分）", "数量指标", "配备无人机", "≥", "6", "架", "6", "x"],
        ["", "", "流通率", "达到", "85", "百分比", "87.2", ""],
        ["成本指标", "经济成本", "总成本", "≤", "1,150", "万元", "1,120", ""],
        ["效益指标", "社会效益", "保障水平", "定性", "有效提升", "", "有效提升", ""],
    ]))
    assert problems == []
    assert [(r.target_raw, r.target_op, r.target_value, r.target_unit, r.actual_value, r.actual_unit) for r in rows] == [
        ("≥6架", ">=", Decimal(6), "架", Decimal(6), "架"),
        ("达到85百分比", ">=", Decimal(85), "%", Decimal("87.2"), "%"),
        ("≤1,150万元", "<=", Decimal(11500000), "元", Decimal(11200000), "元"),  # the row's unit column
        ("有效提升", None, None, None, None, None),
    ]
    assert (rows[0].level1, rows[0].level1_raw, rows[0].level1_weight) == ("产出指标", "产出指标（50分）", Decimal(50))
    assert rows[0].other_columns == '{"说不清": "x"}'


@pytest.mark.parametrize("text, name, weight", [
    ("产出指标（50分）", "产出指标", Decimal(50)), ("效益指标(权重40%)", "效益指标", Decimal(40)),
    ("一、产出指标", "产出指标", None), ("产 出\n指 标", "产出指标", None), ("满意度指标（10 分）", "满意度指标", Decimal(10)),
])
def test_level_names_lose_numbering_and_annotation(text, name, weight):
    assert (level_name(text).name, level_name(text).weight) == (name, weight)


def test_a_form_gives_only_its_indicator_rows():
    """项目名称, funding and goal rows above; a 绩效指标（90分） label column; 总分, 评价结论 and
    signatures below."""
    rows, problems = read(make_table([
        ["项目名称", "职工服务项目", "", "", "", "", ""],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "执行率", "", ""],
        ["年度资金总额", "120", "135", "128.6", "95.26%", "", ""],
        ["年度总体目标", "新建职工之家8个", "", "", "", "", ""],
        ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "得分"],
        ["绩效指标（90分）", "产出指标（40分）", "数量指标", "新建职工之家", "≥8个", "9个", "6"],
        ["绩效指标（90分）", "满意度指标（10分）", "服务对象满意度", "职工满意度", "≥90%", "95.6%", "10"],
        ["总分", "", "", "", "", "", "97.9"],
        ["评价结论", "项目按计划实施", "", "", "", "", ""],
        ["项目负责人：刘振华", "", "", "", "", "", ""],
    ]))
    assert problems == []
    assert [(r.level1, r.indicator, r.target_raw, r.score) for r in rows] == [
        ("产出指标", "新建职工之家", "≥8个", Decimal(6)), ("满意度指标", "职工满意度", "≥90%", Decimal(10))]


def test_levels_repeated_first_row_only_or_merged_give_the_same_rows():
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    repeated = make_table([header, ["产出指标", "数量指标", "培训人数", "≥100人"], ["产出指标", "数量指标", "活动场次", "≥5场"]])
    first_only = make_table([header, ["产出指标", "数量指标", "培训人数", "≥100人"], ["", "", "活动场次", "≥5场"]])
    merged = Table(cells=(Cell(0, 0, "一级指标"), Cell(0, 1, "二级指标"), Cell(0, 2, "三级指标"), Cell(0, 3, "指标值"),
                          Cell(1, 0, "产出指标", rowspan=2), Cell(1, 1, "数量指标", rowspan=2), Cell(1, 2, "培训人数"),
                          Cell(1, 3, "≥100人"), Cell(2, 2, "活动场次"), Cell(2, 3, "≥5场")), n_rows=3, n_cols=4)
    results = [[(r.level1, r.level2, r.indicator) for r in read(t)[0]] for t in (repeated, first_only, merged)]
    assert results[0] == results[1] == results[2] == [("产出指标", "数量指标", "培训人数"), ("产出指标", "数量指标", "活动场次")]


@pytest.mark.parametrize("caption, number, title", [
    ("表2 2023年度绩效指标表", 2, "2023年度绩效指标表"),
    ("表22023年度绩效指标表", 2, "2023年度绩效指标表"),  # the space lost (OCR): the year is the title's
    ("表 12 绩效指标表", 12, "绩效指标表"),
])
def test_the_caption_number_is_the_number_right_after_biao(caption, number, title):
    parsed = parse_caption(Paragraph(caption))
    assert (parsed.number, parsed.title) == (number, title)


# --- geometry -----------------------------------------------------------------------------------

def line(top: float, *pieces: tuple[float, str], size: float = 9.0) -> TextLine:
    """A text line with pieces of text starting at x, one character `size` wide each."""
    chars = tuple((x + i * size, x + (i + 1) * size, ch) for x, text in pieces for i, ch in enumerate(text))
    return TextLine(text="\t".join(t for _, t in pieces), x0=chars[0][0], x1=chars[-1][1], top=top,
                    bottom=top + size, size=size, page=1, segments=(), chars=chars)


def test_columns_of_a_table_without_lines_are_where_no_text_is_and_rows_where_lines_are_far_apart():
    block = [
        line(100, (50, "一级"), (100, "三级指标"), (200, "指标值")),
        line(111, (50, "指标")),  # the header cell wrapped: 2 points below the line above
        line(128, (50, "产出"), (100, "培训人数"), (200, "≥100人")),
        line(145, (50, "成本"), (100, "总成本"), (200, "≤50万元")),
    ]
    assert [(round(a), round(b)) for a, b in gutters(block)] == [(68, 100), (136, 200)]
    assert [[l.top for l in row] for row in row_groups(block)] == [[100, 111], [128], [145]]
    [(table, used, xs)] = borderless_tables(block)
    assert table.grid() == [["一级指标", "三级指标", "指标值"], ["产出", "培训人数", "≥100人"], ["成本", "总成本", "≤50万元"]]
    assert not table.quality.ruled and len(used) == 4


def test_text_running_over_empty_spreadsheet_cells_stays_in_its_own_cell():
    def char(x, text):
        return {"text": text, "x0": x, "x1": x + 9, "top": 10, "bottom": 19, "size": 9}
    title = [char(0 + 9 * i, ch) for i, ch in enumerate("项目名称很长")]
    boxes = [title[:3], title[3:], [char(200, "A")]]  # cells: 0..30, 30..60 (empty but for the overflow), 200
    kept = keep_overflow_whole(boxes)
    assert ["".join(c["text"] for c in box) for box in kept] == ["项目名称很长", "", "A"]


def test_a_cell_cut_by_the_page_break_is_closed():
    def edge(orientation, x0, x1, top, bottom):
        return {"orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom}
    edges = [edge("h", 0, 300, 100, 100), edge("h", 60, 300, 800, 800),  # the last row's bottom, right of the cut cell
             edge("v", 0, 0, 100, 800), edge("v", 60, 60, 100, 800), edge("v", 300, 300, 100, 800)]
    [added] = closing_edges(edges)
    assert (added["x0"], added["x1"], added["top"]) == (0, 60, 800)  # the open side joined to the last border


# --- values ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, op, value, unit", [
    ("≥6架", ">=", Decimal(6), "架"), ("＝0起", "=", Decimal(0), "起"), ("﹦100%", "=", Decimal(100), "%"),
    ("<=30分钟", "<=", Decimal(30), "分钟"), ("不高于15公里", "<=", Decimal(15), "公里"),
    ("达到85百分比", ">=", Decimal(85), "%"), ("反向1百分比", "<=", Decimal(1), "%"),
    ("≤3个工作日", "<=", Decimal(3), "工作日"),
])
def test_any_unit_written_in_a_cell_is_kept(text, op, value, unit):
    parsed = parse_value(text)
    assert (parsed.op, parsed.value, parsed.unit) == (op, value, unit)


@pytest.mark.parametrize("text", ["12月底前", "9月开学前", "2023年12月", "长期"])
def test_deadlines_and_words_stay_qualitative(text):
    assert parse_value(text).value is None
