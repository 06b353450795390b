"""Key figures from the prose (`facts.figures`, `facts.nlp`).

The seed report's prose is rebuilt by hand as `Heading`/`Paragraph` blocks (texts as the
extractors give them: spaces next to Chinese removed), so these tests need no PDF.
"""
from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from perfreports import normalize
from perfreports.extract.model import Cell, Document, Heading, Paragraph, Table
from perfreports.facts.figures import figure_rows, item_name, passages, subject_of_title
from perfreports.facts.nlp import DATES, QUANTITIES, YEAR, make_nlp, metric_before, sentence_starts

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

needs_normalize = pytest.mark.skipif(
    not hasattr(normalize, "find_quantities"), reason="normalize.find_quantities not written yet"
)

_NUMBERING = (
    (1, r"[一二三四五六七八九十]+、"),
    (2, r"[（(][一二三四五六七八九十]+[）)]"),
    (3, r"\d+[.、]"),
    (4, r"[（(]\d+[）)]"),
    (5, r"[①-⑳]"),
)


def H(text: str, page: int | None = None) -> Heading:
    for level, pattern in _NUMBERING:
        match = re.match(pattern, text)
        if match:
            return Heading(text=text, level=level, numbering=match.group(0), page=page)
    raise ValueError(f"not a numbered heading: {text!r}")


def P(text: str, page: int | None = None) -> Paragraph:
    return Paragraph(text=text, page=page)


def document(*blocks) -> Document:
    return Document(source_format="pdf", blocks=tuple(blocks), pages=None)


SEED = document(
    P("受南昌市青云谱区财政局（以下简称“区财政局”）委托，江西正效咨询管理有限公司（以下简称“正效”）根据《中共青云谱区委、青云谱区人民政府关于全面实施预算绩效管理的实施意见》（青字〔2019〕59号）文件精神和《南昌市财政局关于印发〈推进全市预算绩效管理提质增效工作方案〉的通知》（洪财绩〔2022〕4号）等文件精神和要求，对2023年区总工会工会经费项目进行了绩效监控，项目起止日期为2023年1月1日至2023年12月31日，监控时间节点为2023年10月31日。项目组严格按照绩效监控要求对项目进行取数、调研和分析，形成本报告。", 3),
    H("一、项目基本情况", 3),
    H("（二）项目起止日期", 3),
    P("2023年1月1日至2023年12月31日。", 3),
    H("（三）项目主要内容、涉及范围", 3),
    H("1.项目背景", 3),
    P("根据《中华人民共和国工会法》《中国工会章程》《基层工会经费收支管理办法》（总工办发〔2017〕32号）、《江西省基层工会经费收支管理实施办法（实行）》（赣工发〔2017〕1号）等文件精神，“在本省行政区域内从事生产经营的企业和本省行政区域内的事业单位、机关、其他组织为工会经费（筹备金）的缴纳义务人”。", 4),
    H("2.项目内容", 4),
    P("项目于2023年01月01日开始实施，截止至2023年10月31日已完成：", 4),
    P("(1)“携手小康”就业重点群体技能培训：为全面贯彻习近平总书记关于推进产业工人队伍建设改革的重要指示精神，进一步发挥工会组织在促就业保民生中的积极作用，不断提升职工的技能水平和就业能力。5月份开展“青云谱区职工‘携手小康’美容师职业技能公益培训活动”，30余名就业重点群体参与课程；7月和9月，分二批开展“青云谱区职工“携手小康”家政服务员职业技能公益培训活动”，共有76名就业重点群体参与课程；7月份开展“青云谱区职工‘携手小康’育婴员职业技能公益培训活动”，共有77名就业重点群体参与课程。", 5),
    P("(2)劳模开展宣讲活动：6月30日下午，三家店街道工会开展“团结奋斗开新局喜迎工会十八大”劳模工匠宣讲进基层活动，邀请到了江西省劳动模范黄琴琴与刘南两位同志共同宣讲，三家店街道党员干部职工50余人聆听宣讲；7月10日下午，徐家坊街道工会联合会邀请江西省劳模刘南、李爱玲同志来街道做主题报告宣讲。", 5),
    P("(3)基层工会培养文化骨干培训班：为深入推进“我为群众办实事”实践活动，区总工会开设职工素质提升培训班，培训班每周开设了舞蹈、瑜伽、太极、健身4个课程，青云谱区总工会聘请了专业的老师进行授课，参加培训的职工达200多人。", 5),
    P("(6)开展职工活动场次：5月26日，2023年“中国梦·劳动美—凝心铸魂跟党走团结奋斗新征程”趣味运动会在洪都航空文化园隆重举行；8月23日晚上7点，青云谱镇工会联合城南村工会开展了“工会伴您益路同行”关爱货车司机文艺慰问演出进基层活动。", 6),
    P("(7)开展送温暖活动：开展“情系职工，夏送清凉”走访慰问活动，青云谱区总工会对农民工、车间工人、执法人员、交警、环卫工人、外卖员、快递员、网约车司机、货车司机，参加文明创建工作的一线职工和志愿者，以及其他户外劳动者等送去了清凉，累计慰问共997人；情系困难教师，慰问20名困难教师们；开展“迎中秋庆国庆”和“庆丰收送关爱促和美”走访慰问活动，慰问了一线社区工作人员、志愿服务者和农民工86人。", 6),
    P("(8)开设职工子女寒暑假托管班：为贯彻落实党中央关于优化生育政策的各项决策部署，区总工会委托青云谱区青少年校外活动和资助中心于7月3日-8月11日举办青云谱区职工子女暑期托管班活动，本次活动共83名我区职工子女顺利参加。", 6),
    P("(9)职工疗休养：为进一步营造崇尚劳动、尊重劳动、热爱劳动的浓厚氛围，让其在繁忙的工作之余，放松心情，陶冶情操。分别于5月29日-6月1日、10月17日-10月20日，青云谱区总工会组织各基层工会、企业工会等第一批50名，第二批60名一线职工参加2023年职工疗休养活动。", 7),
    H("（四）项目资金投入安排情况", 7),
    H("1.资金投入情况", 7),
    P("工会经费项目预算安排共计490万元，均为财政拨款，项目资金已全部到位，资金保障情况良好。", 7),
    H("2.资金使用情况", 7),
    P("截至2023年10月31日，实际支出134.5368万元，资金执行率为27.45%，项目资金使用进度偏低。", 7),
    Table(cells=(Cell(0, 0, "开展送温暖人数"), Cell(0, 1, "≥200人"), Cell(0, 2, "≤490万")), n_rows=1, n_cols=3, page=7),
    H("三、项目资金投入情况", 10),
    H("(一)投入目标差异情况说明", 10),
    H("1.资金到位率", 10),
    P("工会经费项目2023年安排预算490万元，截至跟踪节点（2023年10月31日），预算资金到位490万元，资金到位率为100%。项目资金收支，严格执行“收支两条线”管理。", 10),
    H("2.预算执行率", 10),
    P("工会经费项目2023年安排预算490万元，截至跟踪节点（2023年10月31日），工会经费经费共支出134.5368万元，预算执行率为27.45%，资金执行率低，主要是项目工作大部分将集中于年底，导致项目资金执行率偏低。", 11),
    H("四、项目绩效情况", 11),
    H("(二)产出目标实现情况", 12),
    H("1.数量指标情况", 12),
    H("(1)“携手小康”就业重点群体技能培训（人）", 12),
    P("为全面贯彻习近平总书记关于推进产业工人队伍建设改革的重要指示精神，不断提升职工的技能水平和就业能力，共举办3次携手就业技能培训工作，培训人群180余人，工作完成进度情况良好。", 12),
    H("(7)开展送温暖人数", 13),
    P("开展“情系职工，夏送清凉”走访慰问活动，青云谱区总工会对农民工、车间工人、执法人员、交警、环卫工人、外卖员、快递员、网约车司机、货车司机，参加文明创建工作的一线职工和志愿者，以及其他户外劳动者等送去了清凉，累计慰问1000余人，较好完成年初目标任务。", 13),
    H("(8)开设职工子女寒暑假托管班", 13),
    P("为贯彻落实党中央关于优化生育政策的各项决策部署，区总工会委托青云谱区青少年校外活动和资助中心于7月3日-8月11日举办青云谱区职工子女暑期托管班活动，本次活动共83名我区职工子女顺利参加。", 13),
    H("(9)职工疗休养", 14),
    P("分别于5月29日-6月1日、10月17日-10月20日，青云谱区总工会组织各基层工会、企业工会等第一批50名，第二批60名一线职工参加2023年职工疗休养活动。", 14),
    H("(10)解上级工会经费工作完成率100%", 14),
    P("截止2023年10月31日，此项工作尚未开展；后续将加快资金申请，完成工作任务，预计12月底完成。", 14),
    H("2.质量指标情况", 14),
    H("(5)职工疗养对象符合率", 15),
    P("区总工会组织各基层工会、企业工会等第一批50名，第二批60名一线职工参加2023年职工疗休养活动，疗养人员均符合疗养要求。", 15),
    H("2.满意度指标", 16),
    H("①服务对象满意度", 16),
    P("根据线上线下调查数据，2023年度1-10月份青云谱区工人与相关群体对工会工作表示满意，特别是对于服务站建设方便工作，的满意度为95%。", 16),
    H("五、问题、纠偏措施和建议", 16),
    H("(2)资金执行率偏低", 17),
    P("截至2023年10月31日，实际支出134.5368万元，资金执行率为27.45%，项目资金使用进度低于序时进度83.33%。主要是因为部分项目完成但未结算。", 17),
)

ACTIVITY_1 = "“携手小康”就业重点群体技能培训"
# (raw, value, qualifier, label): every head-count the seed prose above states
SEED_PERSONS = [
    ("30余名", 30, "more_than", ACTIVITY_1),
    ("76名", 76, None, ACTIVITY_1),
    ("77名", 77, None, ACTIVITY_1),
    ("两位", 2, None, "劳模开展宣讲活动"),
    ("50余人", 50, "more_than", "劳模开展宣讲活动"),
    ("200多人", 200, "more_than", "基层工会培养文化骨干培训班"),
    ("997人", 997, None, "开展送温暖活动"),
    ("20名", 20, None, "开展送温暖活动"),
    ("86人", 86, None, "开展送温暖活动"),
    ("83名", 83, None, "开设职工子女寒暑假托管班"),
    ("50名", 50, None, "职工疗休养"),
    ("60名", 60, None, "职工疗休养"),
    ("180余人", 180, "more_than", ACTIVITY_1 + "（人）"),
    ("1000余人", 1000, "more_than", "开展送温暖人数"),
    ("83名", 83, None, "开设职工子女寒暑假托管班"),
    ("50名", 50, None, "职工疗休养"),
    ("50名", 50, None, "职工疗养对象符合率"),
    ("60名", 60, None, "职工疗养对象符合率"),
]

# (kind, value, label, raw): the funding figures, in reading order
SEED_FUNDING = [
    ("money", Decimal("4900000"), "预算", "490万元"),
    ("money", Decimal("1345368"), "实际支出", "134.5368万元"),
    ("percent", Decimal("27.45"), "资金执行率", "27.45%"),
    ("money", Decimal("4900000"), "预算", "490万元"),
    ("money", Decimal("4900000"), "到位资金", "490万元"),
    ("percent", Decimal("100"), "到位率", "100%"),
    ("money", Decimal("4900000"), "预算", "490万元"),
    ("money", Decimal("1345368"), "实际支出", "134.5368万元"),
    ("percent", Decimal("27.45"), "资金执行率", "27.45%"),
    ("money", Decimal("1345368"), "实际支出", "134.5368万元"),
    ("percent", Decimal("27.45"), "资金执行率", "27.45%"),
    ("percent", Decimal("83.33"), "序时进度", "83.33%"),
]


def _key(row) -> tuple:
    return (row.raw, row.value, row.qualifier, row.label)


@pytest.fixture(scope="module")
def seed_rows():
    return figure_rows(SEED, "seed")


# --- pure rules: no normalize needed ---------------------------------------------------------


def test_sentences_split_on_chinese_punctuation_and_enumerations():
    text = "已完成：(1)培训：共有76名。②慰问20名；1、送温暖86人！"
    starts = sentence_starts(text)
    assert [text[s:e] for s, e in zip(starts, starts[1:] + [len(text)])] == [
        "已完成：", "(1)培训：共有76名。", "②慰问20名；", "1、送温暖86人！",
    ]


def test_sentences_do_not_split_inside_quotes_or_brackets():
    text = "根据文件精神，“基层工会应加强管理。要按时收取会费。”《办法（2017）》（赣工发〔2017〕1号）。第1、2批共50名。"
    starts = sentence_starts(text)
    assert [text[s:e] for s, e in zip(starts, starts[1:] + [len(text)])] == [
        "根据文件精神，“基层工会应加强管理。要按时收取会费。”《办法（2017）》（赣工发〔2017〕1号）。",
        "第1、2批共50名。",
    ]


def test_an_unclosed_quote_does_not_swallow_the_rest_of_the_paragraph():
    text = "开展“培训活动。共有76名。"
    assert sentence_starts(text) == [0, text.index("共")]


@pytest.mark.parametrize(
    "clause, kind, expected",
    [
        ("工会经费项目预算安排共计", "money", "预算"),
        ("工会经费项目2023年安排预算", "money", "预算"),
        ("预算资金到位", "money", "到位资金"),
        ("资金到位率为", "percent", "到位率"),
        ("实际支出", "money", "实际支出"),
        ("工会经费经费共支出", "money", "实际支出"),
        ("预算执行率为", "percent", "资金执行率"),
        ("项目资金使用进度低于序时进度", "percent", "序时进度"),
        ("的满意度为", "percent", "满意度"),
        ("截至跟踪节点（", "date", "截止日期"),
        ("项目起止日期为", "date", "起止日期"),
        ("满意度调查共有", "persons", None),  # a percent cue never names a head-count
        ("预算执行率为27.45%，共培训", "persons", None),  # another clause
    ],
)
def test_metric_named_right_before_the_figure(clause, kind, expected):
    assert metric_before(clause + "X", len(clause), kind) == expected


def test_activity_name_of_a_numbered_paragraph():
    assert item_name("(1)“携手小康”就业重点群体技能培训：为全面贯彻…") == ACTIVITY_1
    assert item_name("（4）工会阵地建设（职工之家、爱心驿站）：青云谱镇打造") == "工会阵地建设（职工之家、爱心驿站）"
    assert item_name("①将上解工会经费和下拨工会经费作为数量指标，数量指标主要是：") is None
    assert item_name("为全面贯彻：") is None


def test_heading_title_as_label():
    assert subject_of_title(ACTIVITY_1 + "（人）") == ACTIVITY_1 + "（人）"
    assert subject_of_title("解上级工会经费工作完成率100%") == "解上级工会经费工作完成率"
    assert subject_of_title("2023年工作") == "2023年工作"


def test_heading_path_and_subject():
    found = {p.text: p for p in passages(SEED)}
    persons = found["为全面贯彻习近平总书记关于推进产业工人队伍建设改革的重要指示精神，不断提升职工的技能水平和就业能力，共举办3次携手就业技能培训工作，培训人群180余人，工作完成进度情况良好。"]
    assert persons.section == "四、项目绩效情况 > (二)产出目标实现情况 > 1.数量指标情况 > (1)“携手小康”就业重点群体技能培训（人）"
    assert persons.subject == ACTIVITY_1 + "（人）"
    item = next(p for p in found.values() if p.text.startswith("(7)开展送温暖活动"))
    assert item.section == "一、项目基本情况 > （三）项目主要内容、涉及范围 > 2.项目内容"
    assert item.subject == "开展送温暖活动"


def test_contents_lines_never_reach_a_document():
    from perfreports.extract.text import is_contents_line

    assert all(is_contents_line(line) for line in ("目录", "一、项目基本情况\t1", "（一）项目名称 ........ 1"))


def test_every_paragraph_is_read_even_one_ending_in_a_number():
    texts = ["全年共开展培训活动  12", "慰问困难职工\t35", "共慰问困难职工35人，发放慰问金  12"]
    assert [p.text for p in passages(document(*map(P, texts)))] == texts


# --- with normalize --------------------------------------------------------------------------


@needs_normalize
def test_every_head_count_of_the_seed_is_a_persons_figure(seed_rows):
    persons = [_key(r) for r in seed_rows if r.kind == "persons"]
    missing = list(SEED_PERSONS)
    for key in persons:
        if key in missing:
            missing.remove(key)
    assert missing == []
    assert all(r.unit == "人" for r in seed_rows if r.kind == "persons")


@needs_normalize
def test_seed_funding_figures_with_their_labels(seed_rows):
    funding = [(r.kind, r.value, r.label, r.raw) for r in seed_rows if r.kind in ("money", "percent")]
    funding = [f for f in funding if f[2] in {"预算", "实际支出", "资金执行率", "到位资金", "到位率", "序时进度"}]
    assert funding == SEED_FUNDING


@needs_normalize
def test_funding_figures_agree_with_the_reports_row(seed_rows):
    report = json.loads((SAMPLES / "expected" / "qingyunpu-2023-monitoring.report.json").read_text("utf-8"))
    by_label = {}
    for row in seed_rows:
        by_label.setdefault(row.label, set()).add(row.value)
    assert by_label["预算"] == {Decimal(report["budget_yuan"])}
    assert by_label["到位资金"] == {Decimal(report["received_yuan"])}
    assert by_label["实际支出"] == {Decimal(report["spent_yuan"])}
    assert by_label["资金执行率"] == {Decimal(report["execution_rate_pct"])}
    assert by_label["到位率"] == {Decimal(report["arrival_rate_pct"])}


@needs_normalize
def test_provenance_of_a_figure(seed_rows):
    row = next(r for r in seed_rows if r.raw == "27.45%")
    assert row.report_id == "seed"
    assert row.unit == "%"
    assert row.qualifier is None
    assert row.section == "一、项目基本情况 > （四）项目资金投入安排情况 > 2.资金使用情况"
    assert row.page == 7
    assert row.sentence == "截至2023年10月31日，实际支出134.5368万元，资金执行率为27.45%，项目资金使用进度偏低。"


@needs_normalize
def test_page_is_where_the_sentence_starts():
    paragraph = Paragraph(text="共有76名就业重点群体参与课程。培训人群180余人。", page=4, page_starts=((0, 4), (10, 5)))
    rows = figure_rows(document(paragraph), "r")
    assert [(r.raw, r.page) for r in rows] == [("76名", 4), ("180余人", 5)]


@needs_normalize
def test_dates_only_for_cutoff_and_period(seed_rows):
    dates = [(r.label, r.raw) for r in seed_rows if r.kind == "date"]
    assert ("起止日期", "2023年1月1日至2023年12月31日") in dates
    assert ("截止日期", "2023年10月31日") in dates
    assert {label for label, _ in dates} == {"起止日期", "截止日期"}
    assert all(r.value is None and r.unit is None for r in seed_rows if r.kind == "date")


NOT_FIGURES = [
    "青字〔2019〕59号",
    "总工办发〔2017〕32号",
    "赣工发〔2017〕1号",
    "洪财绩〔2022〕4号",
    "8月23日晚上7点，青云谱镇工会联合城南村工会开展了慰问演出。",
    "2023年",
    "2023年度",
    "1",  # a page number alone (extraction drops them; one left over has no unit)
    "- 2 -",
    "第3页",
    "（1）",
    "一、项目基本情况\t1",
    "（四）项目资金投入安排情况\t7",
]


@needs_normalize
@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(text):
    assert figure_rows(document(P(text)), "r") == []
    if not text.startswith(("（", "一、")):
        assert figure_rows(document(H("（1）活动"), P(text)), "r") == []


@needs_normalize
def test_a_figure_in_a_line_ending_in_a_number():
    rows = figure_rows(document(P("共慰问困难职工35人，发放慰问金  12")), "r")
    assert [(r.raw, r.value) for r in rows] == [("35人", Decimal("35"))]


@needs_normalize
def test_no_figure_from_the_seed_document_numbers_or_tables(seed_rows):
    raws = {r.raw for r in seed_rows}
    assert not any(token in raw for raw in raws for token in ("〔", "59号", "32号", "1号", "7点", "≥", "≤"))
    assert "200人" not in raws  # the table cell ≥200人
    assert not any(r.raw in ("2019", "2017", "2022", "2023") for r in seed_rows)


@needs_normalize
def test_the_pipeline_is_ordinary_spacy():
    nlp = make_nlp()
    assert nlp.pipe_names == ["zh_sentences", "zh_quantities", "zh_metrics"]
    assert make_nlp() is nlp
    doc = nlp("截至2023年10月31日，实际支出134.5368万元，资金执行率为27.45%。共有76名就业重点群体参与课程。")
    assert [s.text for s in doc.sents] == ["截至2023年10月31日，实际支出134.5368万元，资金执行率为27.45%。", "共有76名就业重点群体参与课程。"]
    spans = doc.spans[QUANTITIES]
    assert [(s.label_, s._.raw, s._.value.value, s._.value.unit, s._.metric) for s in spans] == [
        ("money", "134.5368万元", Decimal("1345368"), "元", "实际支出"),
        ("percent", "27.45%", Decimal("27.45"), "%", "资金执行率"),
        ("persons", "76名", Decimal("76"), "人", None),
    ]
    assert [(s.label_, s._.raw, s._.metric) for s in doc.spans[DATES]] == [("date", "2023年10月31日", "截止日期")]


@needs_normalize
def test_span_label_is_the_kind_of_the_value():
    doc = make_nlp()("人均补助500元/人，执行率提高3个百分点，培训5场。")
    assert [(s._.raw, s.label_) for s in doc.spans[QUANTITIES]] == [
        ("500元/人", "money"), ("3个百分点", "percent"), ("5场", "count"),
    ]
    assert all(s.label_ == s._.value.kind for s in doc.spans[QUANTITIES])


@needs_normalize
def test_dates_without_a_year_take_the_year_the_doc_is_given():
    nlp = make_nlp()
    text = "截至10月31日，实际支出134.5368万元。"
    assert list(nlp(text).spans[DATES]) == []  # no year known: not a date
    doc = nlp.make_doc(text)
    doc.user_data[YEAR] = 2023
    doc = nlp(doc)
    assert [(s._.raw, s._.value.start, s._.metric) for s in doc.spans[DATES]] == [("10月31日", date(2023, 10, 31), "截止日期")]


@needs_normalize
def test_cutoff_without_a_year_takes_the_fiscal_year_of_the_report():
    doc = document(P("2023年度区总工会工会经费项目绩效监控报告", 1), H("一、项目基本情况", 2),
                   P("截至10月31日，实际支出134.5368万元，资金执行率为27.45%。", 2))
    rows = figure_rows(doc, "r")
    assert [(r.kind, r.label, r.raw) for r in rows if r.kind == "date"] == [("date", "截止日期", "10月31日")]
    assert [r.raw for r in rows if r.kind != "date"] == ["134.5368万元", "27.45%"]


@needs_normalize
def test_spaced_numbers_keep_their_exact_raw_text():
    doc = make_nlp()("累计慰问共 997 人；培训 76 名。")
    assert [(s._.raw, s._.value.value) for s in doc.spans[QUANTITIES]] == [("997 人", Decimal("997")), ("76 名", Decimal("76"))]


# --- samples: every head-count hand-listed in samples/expected/<name>.persons.csv ---------------


def _sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.glob("*") if p.suffix in (".pdf", ".docx") and
                  (SAMPLES / "expected" / f"{p.stem}.persons.csv").exists())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_normalize
@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.name)
def test_sample_persons_recall(path):
    from perfreports.extract import extract

    try:
        rows = figure_rows(extract(path), "sample")
    except NotImplementedError:
        pytest.skip("extract not written yet")
    with open(SAMPLES / "expected" / f"{path.stem}.persons.csv", encoding="utf-8", newline="") as f:
        expected = [(_squeeze(e["raw"]), Decimal(e["value"]), e["qualifier"] or None, e["label"], e["unit"])
                    for e in csv.DictReader(f)]
    found = [(_squeeze(r.raw), r.value, r.qualifier, r.label, r.unit) for r in rows if r.kind in ("persons", "person_times")]
    missing = list(expected)
    for key in found:
        if key in missing:
            missing.remove(key)
    assert missing == [], f"{len(missing)} of {len(expected)} head-counts not found"


_REPORT_FIELDS = {"预算": "budget_yuan", "到位资金": "received_yuan", "实际支出": "spent_yuan",
                  "资金执行率": "execution_rate_pct", "到位率": "arrival_rate_pct"}


@needs_normalize
@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.name)
def test_sample_funding_figures_agree_with_the_reports_row(path):
    """The reports row's funding values are stated as figures with the matching label."""
    from perfreports.extract import extract
    from perfreports.facts.indicators import indicator_rows
    from perfreports.facts.report import read_report

    document = extract(path)
    rows = figure_rows(document, "sample")
    expected = json.loads((SAMPLES / "expected" / f"{path.stem}.report.json").read_text("utf-8"))
    computed = read_report(document, indicator_rows(document, "sample")[0], report_id="sample",
                           source_file=path.name, source_path=str(path)).row
    for label, field in _REPORT_FIELDS.items():
        values = {r.value for r in rows if r.label == label}
        if expected.get(field) is not None:
            assert Decimal(expected[field]) in values, (label, values)
        if getattr(computed, field) is not None:
            assert getattr(computed, field) in values, (label, values)
