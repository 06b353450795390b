"""parse_date and find_dates on the date forms of the genre (seed report and usual variants)."""
from datetime import date

import pytest

from perfreports.normalize import ParsedDate, find_dates, parse_date

d = date

# text, year, (start, end, precision)
DATES = [
    ("2023年1月1日", None, (d(2023, 1, 1), d(2023, 1, 1), "day")),
    ("2023年01月01日", None, (d(2023, 1, 1), d(2023, 1, 1), "day")),
    ("2023 年 10 月 31 日", None, (d(2023, 10, 31), d(2023, 10, 31), "day")),
    ("2023.1.1", None, (d(2023, 1, 1), d(2023, 1, 1), "day")),
    ("2023.10.31", None, (d(2023, 10, 31), d(2023, 10, 31), "day")),
    ("2023-01-01", None, (d(2023, 1, 1), d(2023, 1, 1), "day")),
    ("2023/1/1", None, (d(2023, 1, 1), d(2023, 1, 1), "day")),
    ("２０２３年１２月１０日", None, (d(2023, 12, 10), d(2023, 12, 10), "day")),
    ("二〇二三年十二月十日", None, (d(2023, 12, 10), d(2023, 12, 10), "day")),
    ("二零二三年十月三十一日", None, (d(2023, 10, 31), d(2023, 10, 31), "day")),
    ("二〇二四年一月二十日", None, (d(2024, 1, 20), d(2024, 1, 20), "day")),
    ("2023年10月31号", None, (d(2023, 10, 31), d(2023, 10, 31), "day")),
    ("2023年12月", None, (d(2023, 12, 1), d(2023, 12, 31), "month")),
    ("2024年2月", None, (d(2024, 2, 1), d(2024, 2, 29), "month")),
    ("二〇二三年十二月", None, (d(2023, 12, 1), d(2023, 12, 31), "month")),
    ("2023.12", None, (d(2023, 12, 1), d(2023, 12, 31), "month")),
    ("2023-06", None, (d(2023, 6, 1), d(2023, 6, 30), "month")),
    ("5月份", 2023, (d(2023, 5, 1), d(2023, 5, 31), "month")),
    ("2023年", None, (d(2023, 1, 1), d(2023, 12, 31), "year")),
    ("2023年度", None, (d(2023, 1, 1), d(2023, 12, 31), "year")),
    ("10月27日", 2023, (d(2023, 10, 27), d(2023, 10, 27), "day")),
    ("十月二十七日", 2023, (d(2023, 10, 27), d(2023, 10, 27), "day")),
    ("1-10月", 2023, (d(2023, 1, 1), d(2023, 10, 31), "period")),
    ("1—10月", 2023, (d(2023, 1, 1), d(2023, 10, 31), "period")),
    ("1至10月", 2023, (d(2023, 1, 1), d(2023, 10, 31), "period")),
    ("1-10月份", 2023, (d(2023, 1, 1), d(2023, 10, 31), "period")),
    ("2023年1-10月", None, (d(2023, 1, 1), d(2023, 10, 31), "period")),
    ("2023年度1-10月份", None, (d(2023, 1, 1), d(2023, 10, 31), "period")),
    ("2023年1月1日至2023年12月31日", None, (d(2023, 1, 1), d(2023, 12, 31), "period")),
    ("2023年1月1日-2023年12月31日", None, (d(2023, 1, 1), d(2023, 12, 31), "period")),
    ("2023年1月1日至12月31日", None, (d(2023, 1, 1), d(2023, 12, 31), "period")),
    ("2023-01-01至2023-12-31", None, (d(2023, 1, 1), d(2023, 12, 31), "period")),
    ("2023年1月至12月", None, (d(2023, 1, 1), d(2023, 12, 31), "period")),
    ("7 月 3 日-8 月 11 日", 2023, (d(2023, 7, 3), d(2023, 8, 11), "period")),
    ("5 月 29 日-6 月 1 日", 2023, (d(2023, 5, 29), d(2023, 6, 1), "period")),
    ("7月3-11日", 2023, (d(2023, 7, 3), d(2023, 7, 11), "period")),
    ("7月3日至11日", 2023, (d(2023, 7, 3), d(2023, 7, 11), "period")),
    ("2022年12月至2023年3月", None, (d(2022, 12, 1), d(2023, 3, 31), "period")),
]

NOT_DATES = [
    ("1-10月", None), ("10月27日", None), ("2023年2月30日", None), ("2023年13月", None),
    ("2023年12月31日至2023年1月1日", None), ("---", None), ("", None), ("490万元", 2023),
    ("≥95%", 2023), ("〔2019〕59号", None), ("丰富", None), ("1345.12", None), ("12", 2023),
    ("3-5日", 2023), ("3日至5日", 2023), ("3至5号", 2023),  # days with no month anywhere
]


@pytest.mark.parametrize("text, year, expected", DATES, ids=[t for t, _, _ in DATES])
def test_parse_date(text, year, expected):
    assert parse_date(text, year=year) == ParsedDate(*expected, raw=text)


@pytest.mark.parametrize("text, year", NOT_DATES, ids=[t or "empty" for t, _ in NOT_DATES])
def test_not_a_date(text, year):
    assert parse_date(text, year=year) is None


def test_explicit_year_wins_over_default():
    assert parse_date("2022年5月", year=2023).start == d(2022, 5, 1)


def test_find_dates_in_seed_sentences():
    text = ("项目于2023年01月01日开始实施，截止至2023年10月31日已完成：5月份开展培训；"
            "分别于 5 月 29 日-6 月 1 日、10 月 17 日-10 月 20 日组织疗休养。")
    found = [(text[s:e], p.start, p.end, p.precision) for s, e, p in find_dates(text, year=2023)]
    assert found == [
        ("2023年01月01日", d(2023, 1, 1), d(2023, 1, 1), "day"),
        ("2023年10月31日", d(2023, 10, 31), d(2023, 10, 31), "day"),
        ("5月份", d(2023, 5, 1), d(2023, 5, 31), "month"),
        ("5 月 29 日-6 月 1 日", d(2023, 5, 29), d(2023, 6, 1), "period"),
        ("10 月 17 日-10 月 20 日", d(2023, 10, 17), d(2023, 10, 20), "period"),
    ]


def test_find_dates_without_year_keeps_only_dated():
    text = "2023年7月25日上午开展活动，10月10日上午举办阅读活动"
    assert [text[s:e] for s, e, _ in find_dates(text)] == ["2023年7月25日"]


@pytest.mark.parametrize("text", [
    "青字〔2019〕59号", "实际支出134.5368万元", "晚上7点", "第一批50名", "资金执行率为27.45%",
])
def test_find_dates_skips_non_dates(text):
    assert find_dates(text, year=2023) == []


def test_day_range_without_a_month_is_not_a_date():
    assert find_dates("培训3-5日", year=2023) == []
    assert [p.start for _, _, p in find_dates("7月培训3-5日", year=2023)] == [d(2023, 7, 1)]


def test_report_date_in_chinese_numerals():
    [(_, _, parsed)] = find_dates("江西正效咨询管理有限公司\n二〇二三年十二月十日")
    assert (parsed.start, parsed.precision) == (d(2023, 12, 10), "day")
