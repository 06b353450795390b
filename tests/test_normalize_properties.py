"""Properties: an amount written in any supported style parses back to the same Decimal, and
nothing in normalize raises on arbitrary text."""
from decimal import Decimal

import cn2an
from hypothesis import given, settings
from hypothesis import strategies as st

from perfreports.normalize import find_dates, find_quantities, parse_date, parse_value

FULL_WIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")
SIGNS = {"": "=", "≥": ">=", "≧": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "≤": "<=",
         "≦": "<=", "<=": "<=", "不超过": "<=", "不高于": "<=", "＝": "=", "=": "=", ">": ">",
         "大于": ">", "＜": "<", "低于": "<"}
RELEVANT = ("0123456789.,，%％万元亿千人名位次场个家批≥≤=<>-—～至到年月日号余多约左右以上下不足低于"
            "一二两三四五六七八九十百千〇零壹贰叁肆伍陆柒捌玖拾佰仟点之分第〔〕()（） \t\n/")

amounts = st.integers(min_value=0, max_value=10**13).map(lambda cents: Decimal(cents).scaleb(-2))
small_integral = st.integers(min_value=0, max_value=10**12)


def plain(number: Decimal) -> str:
    return format(number, "f")


def as_yuan_with_separators(amount: Decimal) -> str:
    return f"{amount:,.2f}元"


def as_wan(amount: Decimal) -> str:
    return plain(amount.scaleb(-4)) + "万元"


def as_yi(amount: Decimal) -> str:
    return plain(amount.scaleb(-8)) + "亿元"


def as_bare_wan(amount: Decimal) -> str:
    return plain(amount.scaleb(-4)) + " 万"


def as_full_width(amount: Decimal) -> str:
    return as_yuan_with_separators(amount).translate(FULL_WIDTH)


STYLES = [as_yuan_with_separators, as_wan, as_yi, as_bare_wan, as_full_width, lambda a: plain(a) + "元"]


@settings(max_examples=300, deadline=None)
@given(amounts, st.sampled_from(STYLES), st.sampled_from(sorted(SIGNS)))
def test_amount_round_trips_in_every_style(amount, style, sign):
    parsed = parse_value(sign + style(amount))
    assert (parsed.op, parsed.value, parsed.unit) == (SIGNS[sign], amount, "元")


@settings(max_examples=200, deadline=None)
@given(small_integral, st.sampled_from(["up", "low"]))
def test_integral_amount_round_trips_in_chinese_numerals(amount, mode):
    text = cn2an.an2cn(str(amount), mode) + "元"
    assert parse_value(text).value == Decimal(amount)


@settings(max_examples=200, deadline=None)
@given(amounts, st.sampled_from(STYLES))
def test_amount_in_a_sentence_is_found_with_its_span(amount, style):
    written = style(amount)
    sentence = f"截至10月31日，实际支出{written}，执行率为27.45%。"
    found = find_quantities(sentence)
    money = [(sentence[s:e], v.value) for s, e, v in found if v.unit == "元"]
    assert money == [(written.strip(), amount)]


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=1000, places=2), st.sampled_from(["%", "％"]))
def test_percent_round_trips(points, percent_sign):
    assert parse_value(plain(points) + percent_sign).value == points.normalize() + 0


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=99999), st.sampled_from(["人", "名", "位", "人次", "次", "场", "个", "家"]),
       st.sampled_from(["", "余", "多"]))
def test_count_round_trips(number, unit, vague):
    parsed = parse_value(f"{number}{vague}{unit}")
    assert parsed.value == number
    assert parsed.qualifier == ("more_than" if vague else None)


def _never_raises(text: str) -> None:
    parse_value(text)
    parse_value(text, hint=text)
    parse_date(text)
    parse_date(text, year=2023)
    for start, end, value in find_quantities(text):
        assert 0 <= start < end <= len(text) and value.raw == text[start:end]
    for start, end, parsed in find_dates(text, year=2023):
        assert 0 <= start < end <= len(text) and parsed.start <= parsed.end


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_nothing_raises_on_arbitrary_text(text):
    _never_raises(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=RELEVANT, max_size=40))
def test_nothing_raises_on_number_like_text(text):
    _never_raises(text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary()))
def test_non_strings_are_not_values(thing):
    assert parse_value(thing) is None and parse_date(thing) is None
    assert find_quantities(thing) == [] and find_dates(thing) == []


def test_values_are_never_floats():
    for text in ["134.5368万元", "27.45%", "0.049亿元", "百分之九十五点五"]:
        assert type(parse_value(text).value) is Decimal


def test_long_digit_runs_stay_linear():
    import time

    started = time.perf_counter()
    for text in ["1" * 20000, "一" * 20000, "1,111" * 4000]:
        find_quantities(text)
        find_dates(text, year=2023)
        parse_value(text)
    assert time.perf_counter() - started < 5
