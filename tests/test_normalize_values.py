"""parse_value and find_quantities on cells and sentences as the reports print them.

Cases come from the seed report (shared/seeds/000_253aa27d0d6c68ac.txt) and from the usual
forms of 绩效监控/自评/评价 reports: signs in every spelling, full-width digits, thousands
separators, Chinese numerals and financial capitals, percents, ranges, vague quantities.
"""
from decimal import Decimal

import pytest

from perfreports.normalize import Value, find_quantities, is_blank_value, parse_value

D = Decimal

# text, hint, (op, value, unit, qualifier)
VALUES = [
    # --- money: the seed's targets and figures -------------------------------------------
    ("≤490 万", None, ("<=", D("4900000"), "元", None)),
    ("≤490万", None, ("<=", D("4900000"), "元", None)),
    ("≤490 万", "工会经费金额", ("<=", D("4900000"), "元", None)),
    ("=73.5 万", "上解上级工会经费（万）", ("=", D("735000"), "元", None)),
    ("=294 万", None, ("=", D("2940000"), "元", None)),
    ("=400 万元", None, ("=", D("4000000"), "元", None)),
    ("134.5368 万元", None, ("=", D("1345368"), "元", None)),
    ("134.5368万元", None, ("=", D("1345368"), "元", None)),
    ("490万元", None, ("=", D("4900000"), "元", None)),
    ("490 万元", None, ("=", D("4900000"), "元", None)),
    ("4,900,000.00元", None, ("=", D("4900000"), "元", None)),
    ("4,900,000元", None, ("=", D("4900000"), "元", None)),
    ("4900000元", None, ("=", D("4900000"), "元", None)),
    ("1,345,368.00 元", None, ("=", D("1345368"), "元", None)),
    ("４，９００，０００．００元", None, ("=", D("4900000"), "元", None)),
    ("４９０万元", None, ("=", D("4900000"), "元", None)),
    ("１３４．５３６８万元", None, ("=", D("1345368"), "元", None)),
    ("肆佰玖拾万元", None, ("=", D("4900000"), "元", None)),
    ("肆佰玖拾万元整", None, ("=", D("4900000"), "元", None)),
    ("壹佰叁拾肆万伍仟叁佰陆拾捌元", None, ("=", D("1345368"), "元", None)),
    ("壹万贰仟叁佰肆拾伍元陆角柒分", None, ("=", D("12345.67"), "元", None)),
    ("伍拾萬元", None, ("=", D("500000"), "元", None)),
    ("一千二百三十四万元", None, ("=", D("12340000"), "元", None)),
    ("四百九十万元", None, ("=", D("4900000"), "元", None)),
    ("五十万", None, ("=", D("500000"), "元", None)),
    ("两千元", None, ("=", D("2000"), "元", None)),
    ("一万零五百元", None, ("=", D("10500"), "元", None)),
    ("三点五万元", None, ("=", D("35000"), "元", None)),
    ("1.2亿元", None, ("=", D("120000000"), "元", None)),
    ("0.5亿元", None, ("=", D("50000000"), "元", None)),
    ("1.2亿", None, ("=", D("120000000"), "元", None)),
    ("5千元", None, ("=", D("5000"), "元", None)),
    ("12.5千元", None, ("=", D("12500"), "元", None)),
    ("3百万元", None, ("=", D("3000000"), "元", None)),
    ("0.0001万元", None, ("=", D("1"), "元", None)),
    ("0.00001万元", None, ("=", D("0.1"), "元", None)),
    ("100.00元", None, ("=", D("100"), "元", None)),
    ("3万余元", None, ("=", D("30000"), "元", "more_than")),
    ("约490万元", None, ("=", D("4900000"), "元", "approx")),
    ("不超过490万元", None, ("<=", D("4900000"), "元", None)),
    ("不高于490万元", None, ("<=", D("4900000"), "元", None)),
    ("≤ 490 万元", None, ("<=", D("4900000"), "元", None)),
    ("≦490万元", None, ("<=", D("4900000"), "元", None)),
    ("<=490万元", None, ("<=", D("4900000"), "元", None)),
    ("小于等于490万元", None, ("<=", D("4900000"), "元", None)),
    ("500元/人", None, ("=", D("500"), "元/人", None)),
    ("-5万元", None, ("=", D("-50000"), "元", None)),
    # bare numbers: the hint decides
    ("490", "工会经费金额", ("=", D("4900000"), "元", None)),
    ("490", "预算资金（万元）", ("=", D("4900000"), "元", None)),
    ("4900000", "预算金额（元）", ("=", D("4900000"), "元", None)),
    ("4900000", "项目支出元", ("=", D("4900000"), "元", None)),
    ("2", "总投资（亿元）", ("=", D("200000000"), "元", None)),
    ("≤490", "工会经费金额", ("<=", D("4900000"), "元", None)),
    ("100", "资金执行率", ("=", D("100"), "%", None)),
    ("95", "服务对象满意度", ("=", D("95"), "%", None)),
    ("100", "工会经费发放覆盖率", ("=", D("100"), "%", None)),
    ("0", "危害职工合法权益事件发生次数", ("=", D("0"), "次", None)),
    ("200", "开展送温暖人数", ("=", D("200"), "人", None)),
    ("≥100", "“携手小康”就业重点群体技能培训（人）", (">=", D("100"), "人", None)),
    ("≥100", "“携手小康”就业重点群体技能培训(人)", (">=", D("100"), "人", None)),
    ("5", "开展职工活动场次", ("=", D("5"), "场", None)),
    ("1200", "服务人次", ("=", D("1200"), "人次", None)),
    ("≥5", "劳模开展宣讲活动（次）", (">=", D("5"), "次", None)),
    ("100", None, ("=", D("100"), None, None)),
    ("3", "其他", ("=", D("3"), None, None)),
    ("1万", "开展送温暖人数", ("=", D("10000"), "人", None)),
    ("5千", "工会经费金额", ("=", D("5000"), "元", None)),
    ("5千", None, ("=", D("5000"), None, None)),
    ("四百九十", "工会经费金额", ("=", D("4900000"), "元", None)),
    ("98", 98, ("=", D("98"), None, None)),
    ("≥100 人", "工会经费金额", (">=", D("100"), "人", None)),
    # --- persons ------------------------------------------------------------------------
    ("≥100 人", None, (">=", D("100"), "人", None)),
    ("≥100人", None, (">=", D("100"), "人", None)),
    ("=1000 人", None, ("=", D("1000"), "人", None)),
    ("=183 人", None, ("=", D("183"), "人", None)),
    ("≥200人", None, (">=", D("200"), "人", None)),
    ("≥5 人", None, (">=", D("5"), "人", None)),
    ("997 人", None, ("=", D("997"), "人", None)),
    ("30余名", None, ("=", D("30"), "人", "more_than")),
    ("30名", None, ("=", D("30"), "人", None)),
    ("200多人", None, ("=", D("200"), "人", "more_than")),
    ("50余人", None, ("=", D("50"), "人", "more_than")),
    ("180余人", None, ("=", D("180"), "人", "more_than")),
    ("1000余人", None, ("=", D("1000"), "人", "more_than")),
    ("60人以上", None, (">=", D("60"), "人", "more_than")),
    ("60人及以上", None, (">=", D("60"), "人", "more_than")),
    ("约30人", None, ("=", D("30"), "人", "approx")),
    ("大约30人", None, ("=", D("30"), "人", "approx")),
    ("30人左右", None, ("=", D("30"), "人", "approx")),
    ("近500人", None, ("=", D("500"), "人", "approx")),
    ("不足10人", None, ("<", D("10"), "人", "less_than")),
    ("不到10人", None, ("<", D("10"), "人", "less_than")),
    ("10人以下", None, ("<=", D("10"), "人", "less_than")),
    ("逾1000人", None, (">", D("1000"), "人", "more_than")),
    ("20位", None, ("=", D("20"), "人", None)),
    ("两位", None, ("=", D("2"), "人", None)),
    ("三十余名", None, ("=", D("30"), "人", "more_than")),
    ("一千二百人", None, ("=", D("1200"), "人", None)),
    ("1.2万人", None, ("=", D("12000"), "人", None)),
    ("３０名", None, ("=", D("30"), "人", None)),
    ("≥１００人", None, (">=", D("100"), "人", None)),
    ("不少于100人", None, (">=", D("100"), "人", None)),
    ("大于等于100人", None, (">=", D("100"), "人", None)),
    ("5个人", None, ("=", D("5"), "人", None)),
    # --- person-times -------------------------------------------------------------------
    ("1200人次", None, ("=", D("1200"), "人次", None)),
    ("≥500人次", None, (">=", D("500"), "人次", None)),
    ("1.2万人次", None, ("=", D("12000"), "人次", None)),
    ("3000余人次", None, ("=", D("3000"), "人次", "more_than")),
    ("500人/次", None, ("=", D("500"), "人次", None)),
    # --- counts -------------------------------------------------------------------------
    ("0次", None, ("=", D("0"), "次", None)),
    ("≥5 次", None, (">=", D("5"), "次", None)),
    ("=4 次", None, ("=", D("4"), "次", None)),
    ("≥5家", None, (">=", D("5"), "家", None)),
    ("=4 家", None, ("=", D("4"), "家", None)),
    ("≥5场", None, (">=", D("5"), "场", None)),
    ("≥5 场", None, (">=", D("5"), "场", None)),
    ("5场次", None, ("=", D("5"), "场", None)),
    ("≥4 个", None, (">=", D("4"), "个", None)),
    ("=5 个", None, ("=", D("5"), "个", None)),
    ("≥3项", None, (">=", D("3"), "项", None)),
    ("2期", None, ("=", D("2"), "期", None)),
    ("两批", None, ("=", D("2"), "批", None)),
    ("二批", None, ("=", D("2"), "批", None)),
    ("五次", None, ("=", D("5"), "次", None)),
    ("≥十场", None, (">=", D("10"), "场", None)),
    ("50户", None, ("=", D("50"), "户", None)),
    ("≤30天", None, ("<=", D("30"), "天", None)),
    ("3个月", None, ("=", D("3"), "月", None)),
    ("≥90分", None, (">=", D("90"), "分", None)),
    ("≥2篇", None, (">=", D("2"), "篇", None)),
    ("60家以上", None, (">=", D("60"), "家", "more_than")),
    ("1次以上", None, (">=", D("1"), "次", "more_than")),
    ("≧5场", None, (">=", D("5"), "场", None)),
    ("＞3次", None, (">", D("3"), "次", None)),
    ("＜3次", None, ("<", D("3"), "次", None)),
    ("≥5 次（含）", None, (">=", D("5"), "次", None)),
    # --- percents -----------------------------------------------------------------------
    ("=100%", None, ("=", D("100"), "%", None)),
    ("100%", None, ("=", D("100"), "%", None)),
    ("0%", None, ("=", D("0"), "%", None)),
    ("≥95%", None, (">=", D("95"), "%", None)),
    (">=95%", None, (">=", D("95"), "%", None)),
    (">90%", None, (">", D("90"), "%", None)),
    ("=95%", None, ("=", D("95"), "%", None)),
    ("27.45%", None, ("=", D("27.45"), "%", None)),
    ("83.33%", None, ("=", D("83.33"), "%", None)),
    ("95％", None, ("=", D("95"), "%", None)),
    ("≥９５％", None, (">=", D("95"), "%", None)),
    ("＞＝95%", None, (">=", D("95"), "%", None)),
    ("＝１００％", None, ("=", D("100"), "%", None)),
    ("≤5%", None, ("<=", D("5"), "%", None)),
    ("<5%", None, ("<", D("5"), "%", None)),
    ("≥95%以上", None, (">=", D("95"), "%", "more_than")),
    ("95%以上", None, (">=", D("95"), "%", "more_than")),
    ("不低于95%", None, (">=", D("95"), "%", None)),
    ("不小于95%", None, (">=", D("95"), "%", None)),
    ("大于90%", None, (">", D("90"), "%", None)),
    ("高于90%", None, (">", D("90"), "%", None)),
    ("超过90%", None, (">", D("90"), "%", None)),
    ("低于5%", None, ("<", D("5"), "%", None)),
    ("小于5%", None, ("<", D("5"), "%", None)),
    ("等于100%", None, ("=", D("100"), "%", None)),
    ("百分之九十五", None, ("=", D("95"), "%", None)),
    ("百分之百", None, ("=", D("100"), "%", None)),
    ("百分之九十五点五", None, ("=", D("95.5"), "%", None)),
    ("≥百分之九十", None, (">=", D("90"), "%", None)),
    ("100.00%", None, ("=", D("100"), "%", None)),
    ("约95%", None, ("=", D("95"), "%", "approx")),
    ("-3.5%", None, ("=", D("-3.5"), "%", None)),
    ("3个百分点", None, ("=", D("3"), "百分点", None)),
]

RANGES = [
    ("95%-100%", (D("95"), D("100"), "%")),
    ("95%～100%", (D("95"), D("100"), "%")),
    ("95-100%", (D("95"), D("100"), "%")),
    ("80至100人", (D("80"), D("100"), "人")),
    ("80到100人", (D("80"), D("100"), "人")),
    ("80-100人", (D("80"), D("100"), "人")),
    ("3~5次", (D("3"), D("5"), "次")),
    ("80-100万元", (D("800000"), D("1000000"), "元")),
    ("80万-1亿元", (D("800000"), D("100000000"), "元")),
    ("三至五场", (D("3"), D("5"), "场")),
]

QUALITATIVE = ["丰富", "提升", "有效", "好转", "良好", "显著", "明显提升", "是", "否", "有所提高",
               "2023年12月31日前", "12月底前", "及时", "≤12月", "10月31日"]
NON_VALUES = ["---", "--", "—", "——", "-", "/", "\\", "无", "空", "暂无", "", "   ", "不适用", "N/A", "…"]


@pytest.mark.parametrize("text, hint, expected", VALUES, ids=[f"{t}|{h}" for t, h, _ in VALUES])
def test_parse_value(text, hint, expected):
    parsed = parse_value(text, hint=hint)
    assert (parsed.op, parsed.value, parsed.unit, parsed.qualifier) == expected
    assert parsed.raw == text.strip()
    assert parsed.qualitative is None and parsed.value_high is None


@pytest.mark.parametrize("text, expected", RANGES, ids=[t for t, _ in RANGES])
def test_parse_range(text, expected):
    parsed = parse_value(text)
    assert (parsed.op, parsed.value, parsed.value_high, parsed.unit) == (">=", *expected)


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative(text):
    assert parse_value(text) == Value(None, None, None, None, text, qualitative=text)


@pytest.mark.parametrize("text", NON_VALUES)
def test_non_values(text):
    assert parse_value(text) is None


# What facts.indicators.EMPTY_VALUE calls empty, and the words only normalize knew (暂无, 不适用 …)
BLANKS = NON_VALUES + ["／", "－", "＿", "__", "-/-", " \t", "\n", "空白", "null", "NaN", "none", "n/a", "无 ", None]
NOT_BLANK = ["0", "0%", "≥95%", "丰富", "是", "否", "无偏差", "无违规", "—100—", "/5"]


@pytest.mark.parametrize("text", BLANKS)
def test_blank_values(text):
    assert is_blank_value(text)


@pytest.mark.parametrize("text", NOT_BLANK)
def test_not_blank_values(text):
    assert not is_blank_value(text)


def test_parse_value_is_none_exactly_for_blank_values():
    for text in BLANKS + NOT_BLANK:
        assert (parse_value(text) is None) == is_blank_value(text), text


def test_value_is_plain_decimal_never_exponent():
    assert str(parse_value("134.5368万元").value) == "1345368"
    assert str(parse_value("490万元").value) == "4900000"
    assert str(parse_value("0.10%").value) == "0.1"


def test_more_than_stays_distinct_from_exact():
    assert parse_value("30余名") != parse_value("30名")
    assert parse_value("30余名").value == parse_value("30名").value


def test_same_amount_in_every_spelling():
    spellings = ["≤490 万", "490万元", "4,900,000.00元", "肆佰玖拾万元", "四百九十万元", "0.049亿元", "４９０万元"]
    assert {parse_value(s).value for s in spellings} == {D("4900000")}


@pytest.mark.parametrize("text, kind", [
    ("490万元", "money"), ("500元/人", "money"), ("95%", "percent"), ("30余名", "persons"),
    ("1200人次", "person_times"), ("5场", "count"), ("100", None),
    ("3个百分点", "percent"),  # a gap between two percents, in percent points; unit stays 百分点
])
def test_kind(text, kind):
    assert parse_value(text).kind == kind


def test_value_is_frozen():
    with pytest.raises(AttributeError):
        parse_value("5次").value = D(6)


# sentence, [(matched text, value, unit, qualifier)]
SENTENCES = [
    ("5月份开展美容师职业技能公益培训活动，30余名就业重点群体参与课程",
     [("30余名", D("30"), "人", "more_than")]),
    ("7月和9月，分二批开展家政服务员职业技能公益培训活动，共有76名就业重点群体参与课程",
     [("二批", D("2"), "批", None), ("76名", D("76"), "人", None)]),
    ("邀请到了江西省劳动模范黄琴琴与刘南两位同志共同宣讲，三家店街道党员干部职工50余人聆听宣讲",
     [("两位", D("2"), "人", None), ("50余人", D("50"), "人", "more_than")]),
    ("培训班每周开设了舞蹈、瑜伽、太极、健身4个课程，参加培训的职工达200多人。",
     [("4个", D("4"), "个", None), ("200多人", D("200"), "人", "more_than")]),
    ("累计慰问共 997 人；情系困难教师，慰问 20 名困难教师们",
     [("997 人", D("997"), "人", None), ("20 名", D("20"), "人", None)]),
    ("青云谱区总工会组织各基层工会、企业工会等第一批 50 名，第二批 60 名一线职工参加 2023 年职工疗休养活动。",
     [("50 名", D("50"), "人", None), ("60 名", D("60"), "人", None)]),
    ("工会经费项目预算安排共计 490 万元，均为财政拨款",
     [("490 万元", D("4900000"), "元", None)]),
    ("截至 2023 年 10 月 31 日，实际支出 134.5368 万元，资金执行率为 27.45%，项目资金使用进度偏低。",
     [("134.5368 万元", D("1345368"), "元", None), ("27.45%", D("27.45"), "%", None)]),
    ("项目资金使用进度低于序时进度 83.33%。", [("83.33%", D("83.33"), "%", None)]),
    ("全年计划完成60家以上基层工会创建工作", [("60家以上", D("60"), "家", "more_than")]),
    ("举办1次以上职工培训", [("1次以上", D("1"), "次", "more_than")]),
    ("共举办3次携手就业技能培训工作，培训人群180余人", [("3次", D("3"), "次", None), ("180余人", D("180"), "人", "more_than")]),
    ("累计慰问1000余人，较好完成年初目标任务", [("1000余人", D("1000"), "人", "more_than")]),
    ("满意度不低于95%", [("不低于95%", D("95"), "%", None)]),
    ("满意度达到百分之九十五", [("百分之九十五", D("95"), "%", None)]),
    ("合同金额4,900,000.00元。", [("4,900,000.00元", D("4900000"), "元", None)]),
    ("大写：肆佰玖拾万元整", [("肆佰玖拾万元整", D("4900000"), "元", None)]),
    ("服务职工1.2万人次", [("1.2万人次", D("12000"), "人次", None)]),
    ("开展活动五次，两批次", [("五次", D("5"), "次", None), ("两批", D("2"), "批", None)]),
    ("资金490万，已全部到位", [("490万", D("4900000"), "元", None)]),
    ("培训人数约30人", [("约30人", D("30"), "人", "approx")]),
    ("参训人员不足10人", [("不足10人", D("10"), "人", "less_than")]),
    ("慰问困难职工１２０名", [("１２０名", D("120"), "人", None)]),
    ("计划招募80至100人", [("80至100人", D("80"), "人", None)]),
    # a half-width comma is a thousands separator only in a digit group (OCR text uses it as punctuation)
    ("开展培训5次,100人参加", [("5次", D("5"), "次", None), ("100人", D("100"), "人", None)]),
    ("服务职工1,200人", [("1,200人", D("1200"), "人", None)]),
    ("慰问职工35人,12户", [("35人", D("35"), "人", None), ("12户", D("12"), "户", None)]),
    ("培训3期,1,200人次", [("3期", D("3"), "期", None), ("1,200人次", D("1200"), "人次", None)]),
    ("合计1,2345人", [("2345人", D("2345"), "人", None)]),
]

NOTHING = [
    "根据《中共青云谱区委、青云谱区人民政府关于全面实施预算绩效管理的实施意见》（青字〔2019〕59号）文件精神",
    "《基层工会经费收支管理办法》（总工办发〔2017〕32号）",
    "8月23日晚上7点，青云谱镇工会联合城南村工会开展了慰问演出",
    "项目起止日期为2023年1月1日至2023年12月31日，监控时间节点为2023年10月31日",
    "(1) “携手小康”就业重点群体技能培训",
    "一、项目基本情况",
    "表 1 项目绩效目标申报表",
    "2023年1-10月份总组织开展劳模开展宣讲活动",
    "工会工作是党治国理政的一项经常性、基础性工作",
    "严格执行“收支两条线”管理",
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "团结动员亿万职工积极建功新时代",
    "惠及3万职工",
    "预计12月底完成",
    "本次共计100",
    "第3次会议",
    "一次性发放慰问金",
    # a Chinese number + 家 before 店/街/村/坊 is a place name, not a count
    "五家村村委会召开会议",
    "八家街社区开展活动",
    "十家坊街道组织宣讲",
    "二家店镇工会",
    "",
]


@pytest.mark.parametrize("sentence, expected", SENTENCES, ids=[s[:16] for s, _ in SENTENCES])
def test_find_quantities(sentence, expected):
    found = find_quantities(sentence)
    assert [(sentence[s:e], v.value, v.unit, v.qualifier) for s, e, v in found] == expected
    assert all(v.raw == sentence[s:e] for s, e, v in found)


@pytest.mark.parametrize("sentence", NOTHING, ids=[s[:16] for s in NOTHING])
def test_find_quantities_skips_non_quantities(sentence):
    assert find_quantities(sentence) == []


def test_find_quantities_range_keeps_high_end():
    [(_, _, value)] = find_quantities("计划招募80至100人")
    assert value.value_high == D("100")


def test_find_quantities_over_the_seed_report():
    from pathlib import Path

    seed = Path(__file__).parents[2] / "shared" / "seeds" / "000_253aa27d0d6c68ac.txt"
    if not seed.exists():
        pytest.skip("seed report not available")
    text = seed.read_text(encoding="utf-8")
    raws = [text[s:e] for s, e, _ in find_quantities(text)]
    for expected in ["30余名", "200多人", "997 人", "490 万元", "134.5368 万元", "27.45%", "1000余人", "≤490 万"]:
        assert expected in raws
    assert not any(r.endswith(("年", "月", "日", "号", "点")) for r in raws)
