"""Which province a report comes from (`facts/report/regions.py`): the table, and `province_of` on
the samples, every report of the development corpus and the held-out set, and the hard cases.

The expected provinces are typed by hand. The opening texts come from
tests/data/regions/openings.json (written by make_openings.py from the rendered files).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from perfreports.facts.report import regions
from perfreports.facts.report.regions import PREFECTURES, PROVINCES, province_of

OPENINGS = json.loads((Path(__file__).parent / "data/regions/openings.json").read_text(encoding="utf-8"))


# --- the table --------------------------------------------------------------------------------------

def test_the_34_provincial_level_divisions():
    assert len(PROVINCES) == 34
    for field in ("name", "full_name", "abbreviation"):
        assert len({getattr(p, field) for p in PROVINCES}) == 34, field
    by_name = {p.name: p for p in PROVINCES}
    assert (by_name["四川"].full_name, by_name["四川"].abbreviation) == ("四川省", "川")
    assert (by_name["广西"].full_name, by_name["广西"].abbreviation) == ("广西壮族自治区", "桂")
    assert (by_name["北京"].full_name, by_name["北京"].abbreviation) == ("北京市", "京")
    assert (by_name["香港"].full_name, by_name["香港"].abbreviation) == ("香港特别行政区", "港")
    assert (by_name["贵州"].abbreviation, by_name["湖北"].abbreviation) == ("黔", "鄂")


def test_every_prefecture_level_division_maps_to_one_of_the_34():
    assert len(PREFECTURES) >= 330
    assert set(PREFECTURES.values()) <= {p.name for p in PROVINCES}
    assert all(name.endswith(("市", "地区", "自治州", "盟")) for name in PREFECTURES)
    # 293 地级市, 7 地区, 30 自治州, 3 盟 (2024)
    suffixes = Counter(next(s for s in ("地区", "自治州", "盟", "市") if name.endswith(s)) for name in PREFECTURES)
    assert suffixes == {"市": 293, "地区": 7, "自治州": 30, "盟": 3}
    assert Counter(PREFECTURES.values()) == {
        "河北": 11, "山西": 11, "内蒙古": 12, "辽宁": 14, "吉林": 9, "黑龙江": 13, "江苏": 13, "浙江": 11, "安徽": 16,
        "福建": 9, "江西": 11, "山东": 16, "河南": 17, "湖北": 13, "湖南": 14, "广东": 21, "广西": 14, "海南": 4,
        "四川": 21, "贵州": 9, "云南": 16, "西藏": 7, "陕西": 10, "甘肃": 14, "青海": 8, "宁夏": 5, "新疆": 14}
    assert PREFECTURES["吉林市"] == "吉林" and PREFECTURES["海南藏族自治州"] == "青海"


def test_districts_and_counties():
    provinces = {p.name for p in PROVINCES}
    assert all(places and places <= provinces for places in regions.COUNTIES.values())
    assert all(name.endswith(("区", "县", "市", "旗")) for name in regions.COUNTIES)
    for city in regions.COUNTIES_OF:
        assert city in PREFECTURES or city in {p.full_name for p in PROVINCES}, city
    assert {city: len(names.split()) for city, names in regions.COUNTIES_OF.items()
            if city in ("北京市", "天津市", "上海市", "重庆市")} == {"北京市": 16, "天津市": 16, "上海市": 16, "重庆市": 38}
    capitals = {"石家庄市", "太原市", "呼和浩特市", "沈阳市", "长春市", "哈尔滨市", "南京市", "杭州市", "合肥市", "福州市",
                "南昌市", "济南市", "郑州市", "武汉市", "长沙市", "广州市", "南宁市", "海口市", "成都市", "贵阳市", "昆明市",
                "拉萨市", "西安市", "兰州市", "西宁市", "银川市", "乌鲁木齐市"}
    sub_provincial = {"大连市", "宁波市", "青岛市", "深圳市", "厦门市"}
    assert capitals | sub_provincial <= set(regions.COUNTIES_OF)
    assert regions.COUNTIES["新都区"] == {"四川"} and regions.COUNTIES["青云谱区"] == {"江西"}
    # a name in two provinces, in the table or outside it
    assert regions.COUNTIES["鼓楼区"] == {"江苏", "福建", "河南"}
    assert regions.COUNTIES["朝阳区"] == {"北京", "吉林"}
    assert regions.COUNTIES["西湖区"] == {"浙江", "江西"}
    assert regions.COUNTIES["城关区"] == {"甘肃", "西藏"}
    assert regions.COUNTIES["城中区"] == {"青海", "广西"}
    assert regions.COUNTIES["桥西区"] == {"河北"}  # 石家庄 and 张家口: one province
    assert set(regions.SHARED) <= set(regions.COUNTIES)


def test_no_name_is_read_two_ways():
    """Each source of names adds words of its own: none overwrites another's."""
    sources = [
        {p.name for p in PROVINCES}, {p.full_name for p in PROVINCES}, set(regions.PROVINCE_ALIASES),
        set(regions.SHORT_ALIASES),
        set(PREFECTURES), set(regions.PREFECTURE_SHORT), set(regions.FORMER_PREFECTURES), set(regions.COUNTIES),
    ]
    assert sum(len(s) for s in sources) == len(regions.NAMES)
    assert set(regions.PREFECTURE_SHORT.values()) <= set(PREFECTURES)
    assert set(regions.SEATS.values()) <= set(PREFECTURES)


# --- the samples ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("agency", "province", "evidence"), [
    ("青云谱区总工会", "江西", ("青云谱区",)),  # 南昌
    ("宜昌市西陵区总工会", "湖北", ("宜昌市",)),
    ("成都市新都区总工会", "四川", ("成都市", "新都区")),
])
def test_sample_agencies(agency, province, evidence):
    found = province_of(agency, None)
    assert (found.name, found.evidence) == (province, evidence)


# --- every report of the corpus and the held-out set, typed by hand ----------------------------------

EXPECTED = {
    "samples/qingyunpu-2023-monitoring": "江西",
    "samples/xiling-2022-self-evaluation": "湖北",
    "samples/xindu-2024-monitoring": "四川",
    "corpus/chengzhong-2023-monitor-q3": "青海",  # 城中区 (西宁 or 柳州): 主管部门 西宁市城中区总工会
    "corpus/daan-2024-split-tworow": "四川",  # 自贡市
    "corpus/dali-2022-split-direction": "云南",  # 大理市, seat of 大理州
    "corpus/donghu-2023-monitor-central": "江西",  # 东湖区 (南昌)
    "corpus/dongqu-2024-split-monitor": "四川",  # 攀枝花市
    "corpus/fucheng-2023-selfeval-yth": "四川",  # 绵阳市
    "corpus/fuzhou-2025-target-decompose": "福建",
    "corpus/gansu-2022-evaluation-narrative": "甘肃",
    "corpus/gulou-2023-selfeval-continued": "江苏",  # 南京市鼓楼区
    "corpus/jianghan-2024-monitoring-narrative": "湖北",
    "corpus/jinfeng-2024-monitor-parent": "宁夏",  # 金凤区 (银川)
    "corpus/keqiao-2024-monitoring-narrative": "浙江",  # 绍兴市
    "corpus/lanshan-2022-selfeval-form": "山东",  # 临沂市
    "corpus/licheng-2024-target-table": "福建",  # 莆田市
    "corpus/nanxun-2025-target-apply": "浙江",  # 湖州市
    "corpus/qilihe-2024-monitor-tworow": "甘肃",  # 七里河区 (兰州)
    "corpus/qinzhou-2024-selfeval-form": "广西",
    "corpus/shuangliu-2023-selfeval-narrative": "四川",
    "corpus/wuhua-2023-split": "云南",  # 五华区 (昆明)
    "corpus/xiaodian-2023-monitor-stage": "山西",  # 小店区 (太原)
    "corpus/xinhua-2024-monitor-halfyear": "河北",  # 新华区 (石家庄, 沧州 or 平顶山): 石家庄市 in the form
    "corpus/xinluo-2024-selfeval-yuan": "福建",  # 龙岩市
    "corpus/xiuzhou-2024-target-longterm": "浙江",  # 嘉兴市
    "corpus/yaohai-2024-monitor-1to8": "安徽",  # 瑶海区 (合肥)
    "corpus/yunyan-2024-monitor-june": "贵州",  # 云岩区 (贵阳)
    "corpus/zhanggong-2023-selfeval-form": "江西",  # 赣州市
    "corpus/zhuzhou-2023-selfeval-hunan": "湖南",
    "holdout/baotou-kjj-2025-jk": "内蒙古",
    "holdout/dalian-cl-2023-jk": "辽宁",
    "holdout/guiyang-tw-2019-pj": "贵州",
    "holdout/hunnan-fl-2020-zpb": "辽宁",  # 沈阳市
    "holdout/jinshui-cl-2021-jkbg": "河南",  # 郑州市
    "holdout/linyi-nyj-2021-split": "山东",
    "holdout/luoyang-wlj-2024-split2": "河南",
    "holdout/panyu-jyj-2023-zpb": "广东",
    "holdout/shinan-wjj-2022-zpbg": "山东",  # 青岛市
    "holdout/shunde-wlj-2025-mbb": "广东",  # 佛山市
    "holdout/songshan-wjw-2019-jk": "内蒙古",  # 赤峰市
    "holdout/urumqi-kjj-2024-zpb": "新疆",
    "holdout/wenzhou-nyj-2023-pj": "浙江",
    "holdout/wuhu-jyj-2024-sbb": "安徽",
    "holdout/yuyao-wjj-2022-zpb": "浙江",  # 余姚市 (宁波)
    "holdout/zunyi-fl-2024-jk": "贵州",
    # not reports, but a province is named
    "holdout/kaifeng-czj-2024-notice": "河南",  # 开封市 (汴财绩〔2024〕9号 is the city's, not a province's)
    "holdout/xihu-czj-2023-han": "浙江",  # 杭州市西湖区 (西湖区 alone: 杭州 or 南昌)
    "holdout/xixiu-wlj-2024-bmys": "贵州",  # 安顺市
    "holdout/chuanying-gh-2023-news": "吉林",  # 船营区 is not in the table; only the bare 吉林 of 吉林大学 names one
    # Nothing of the table is named: a county or county-level city outside it (or a blank form).
    "holdout/kashi-tw-2022-jk": None,  # 疏附县 (喀什地区, 新疆)
    "holdout/kunshan-gh-2020-jk": None,  # 昆山市 (苏州, 江苏)
    "holdout/gaomi-jyj-2022-hetong": None,  # 高密市 (潍坊, 山东)
    "holdout/blank-zpb-template": None,
}


def test_every_report_has_an_expectation():
    assert set(EXPECTED) == set(OPENINGS)


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_reports(report):
    opening = OPENINGS[report]
    found = province_of(opening["agency"], opening["title"], opening["texts"])
    assert (found.name if found else None) == EXPECTED[report]


# --- hard cases -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("agency", "title", "texts", "province"), [
    ("鼓楼区总工会", None, (), None),  # 南京, 徐州, 福州, 开封
    ("南京市鼓楼区总工会", None, (), "江苏"),
    ("鼓楼区总工会", "福州市鼓楼区总工会2023年度…绩效自评报告", (), "福建"),
    ("城关区总工会", None, (), None),  # 兰州, 拉萨
    ("西湖区总工会", None, ("杭州市西湖区财政局：",), "浙江"),
    ("桥西区总工会", None, (), "河北"),  # 石家庄 and 张家口, both 河北
    ("吉林市船营区总工会", None, (), "吉林"),
    ("吉林省总工会", None, (), "吉林"),
    ("海南藏族自治州总工会", None, (), "青海"),
    ("海南州总工会", None, (), "青海"),
    ("海南省总工会", None, (), "海南"),
    ("乌海市海南区总工会", None, (), "内蒙古"),
    ("海南区总工会", None, (), "内蒙古"),
    ("河南县总工会", None, (), "青海"),
    ("朝阳区总工会", None, (), None),  # 北京, 长春
    ("北京市朝阳区总工会", None, (), "北京"),
    ("长春市朝阳区总工会", None, (), "吉林"),
    ("朝阳市总工会", None, (), "辽宁"),
    ("新疆生产建设兵团第八师总工会", None, (), "新疆"),
    ("石河子市总工会", None, (), "新疆"),
    ("大理州总工会", None, (), "云南"),
    ("凉山州总工会", None, (), "四川"),
    ("杭州市江干区总工会", None, (), "浙江"),
    ("江干区总工会", None, (), "浙江"),  # merged into 上城区 in 2021
    ("中山市总工会", None, (), "广东"),
    ("内蒙古自治区总工会", None, (), "内蒙古"),
    ("内蒙古总工会", None, (), "内蒙古"),
    ("广西总工会", None, (), "广西"),
    ("成 都 市 新 都 区 总 工 会", None, (), "四川"),  # spaced out as PDFs print titles
])
def test_names(agency, title, texts, province):
    found = province_of(agency, title, texts)
    assert (found.name if found else None) == province


def test_document_numbers():
    found = province_of(None, None, ["根据《关于印发〈预算绩效运行监控实施办法〉的通知》（川财绩〔2025〕10号）要求，…"])
    assert (found.name, found.evidence) == ("四川", ("川财绩〔2025〕10号",))
    assert province_of(None, None, ["按照川财绩〔2025〕10号文件要求"]).name == "四川"
    assert province_of(None, None, ["依据鄂财预发[2020]5号"]).name == "湖北"
    assert province_of(None, None, ["（黔财绩〔2021〕3号）"]).name == "贵州"
    assert province_of(None, None, ["宁财预〔2020〕1号"]) is None  # 宁: 宁夏, or 南京
    assert province_of(None, None, ["青财预〔2022〕4号"]) is None  # 青: 青海, or 青岛
    assert province_of(None, None, ["汴财绩〔2024〕9号"]) is None  # 汴 is 开封's
    assert province_of(None, None, ["财预〔2020〕10号"]) is None  # 财政部
    assert province_of(None, None, ["合川财〔2023〕2号"]) is None  # 重庆市合川区: 川 inside a name
    assert province_of(None, None, ["鄂府发〔2025〕8号"]) is None  # 鄂尔多斯's; 湖北's government prints 鄂政
    assert province_of(None, None, ["内财预〔2021〕5号"]) is None  # 内蒙古's, and 内江's


def test_the_agency_comes_first_then_the_title_then_the_texts():
    texts = ["评价机构：四川众信达绩效评价咨询有限公司", "根据四川省财政厅要求"]
    assert province_of("宜昌市西陵区总工会", "四川省…报告", texts).name == "湖北"
    assert province_of("西陵区总工会", "宜昌市西陵区总工会2022年度…报告", texts).name == "湖北"
    assert province_of("青云谱区总工会", None, ["江西正效咨询管理有限公司"]).evidence == ("青云谱区",)
    assert province_of("城中区总工会", None, ["主管部门 西宁市城中区总工会"]).evidence == ("西宁市",)


def test_weight_and_conflicts():
    # a bare province name (a company's) counts less than a city
    found = province_of(None, None, ["评价机构：四川众信达绩效评价咨询有限公司", "宜昌市西陵区总工会"])
    assert (found.name, found.evidence) == ("湖北", ("宜昌市",))
    assert province_of(None, None, ["四川众信达绩效评价咨询有限公司"]).name == "四川"
    # two provinces named with equal weight
    assert province_of(None, None, ["按照湖北省财政厅和四川省财政厅的要求"]) is None
    assert province_of("成都市宜昌市", None, ()) is None
    # a name inside a longer word
    assert province_of("中原区域协同发展中心", None, ()) is None
    assert province_of("北京路街道总工会", None, ()) is None


def test_only_the_opening_texts_count():
    assert province_of(None, None, ["项目概况" * 500, "成都市新都区"]) is None
    assert province_of(None, None, ["项目概况", "成都市新都区"]).name == "四川"
    assert province_of(None, None, iter(["成都市"])).name == "四川"  # any iterable, read once


def test_nothing_named():
    assert province_of(None, None) is None
    assert province_of("", "", ["", "项目支出绩效自评表"]) is None
    assert province_of("区总工会", "2023年度项目支出绩效自评表", ["市直各预算单位："]) is None
