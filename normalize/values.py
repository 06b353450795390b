"""Target and figure text (`≤490 万`, `30余名`, `百分之九十五`, `丰富`) → a comparable `Value`.

Conventions (shared/SCHEMA.md, "Canonical units"):
- money is in 元 (万元 ×10⁴, 亿元 ×10⁸, 千元 ×10³); a number followed by a bare 万 or 亿 and
  no unit is money too (`≤490 万` → 4900000 元) unless the hint names another unit;
- percents are in percent points (`95%` → 95); `3个百分点` is 3 with unit 百分点 and kind percent;
  persons 人/名/位 → 人; 人次 stays; counts keep their measure word (场次 → 场, 个月 → 月);
- `op` is the comparison the text states: a sign (≥, 不低于 …) when written, otherwise
  以上 → >=, 以下/以内 → <=, 不足/不到 → <, 逾/超 → >, and = for everything else;
- `qualifier` keeps the vague word apart from the number: 约/左右 → approx, 余/多/以上/逾 →
  more_than, 不足/以下/以内 → less_than, so `30余名` (30, more_than) stays distinct from `30名`;
- a range (`95%-100%`, `80至100人`) is op >= with `value` the low end and `value_high` the high end;
- non-values (`---`, `/`, `无`, empty; `is_blank_value`) give None; other short text without a readable number
  is qualitative (`丰富`, `提升`, `2023年12月底前`): op, value and unit None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from perfreports.normalize import vocabulary as v
from perfreports.normalize.dates import date_spans
from perfreports.normalize.numbers import (
    ARABIC,
    CN_NUMERAL,
    CN_NUMERAL_CHARS,
    chinese_to_decimal,
    plain_decimal,
    scale,
    to_decimal,
    to_halfwidth,
)


@dataclass(frozen=True)
class Value:
    op: str | None
    value: Decimal | None
    unit: str | None
    qualifier: str | None
    raw: str
    qualitative: str | None = None
    value_high: Decimal | None = None  # top of a range; None for a single value

    @property
    def kind(self) -> str | None:
        """The `figures.kind` of this value: money, percent, persons, person_times, count."""
        return None if self.value is None else kind_of_unit(self.unit)


def kind_of_unit(unit: str | None) -> str | None:
    """Figure kind of a canonical unit; None without a unit (a bare number is never a figure)."""
    if not unit:
        return None
    return v.KIND_BY_UNIT.get(unit.split("/")[0], "count")


_MAGNITUDES = {"千万": 10**7, "百万": 10**6, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "千": 10**3}
_NON_VALUE_MARKS = re.compile(r"[-—–―_/\\、.…·*×xX]+")
_MAX_QUALITATIVE = 40
_CN_DIGIT_CHARS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _quantity_pattern(units: dict[str, str], signs: dict[str, str], *, prose: bool) -> re.Pattern:
    # Atomic, and never starting inside another number: long digit runs stay linear.
    num = rf"(?:(?<![\d.,])(?>{ARABIC.pattern})|(?<![{CN_NUMERAL_CHARS}])(?>{CN_NUMERAL.pattern}))"
    gap = r"[ \t]{0,2}"
    # In prose a bare 万 is money only before punctuation (490万，); "3万职工" is not money.
    bare_mag_end = r"(?=[，。；、,.;:：)）\s]|$)" if prose else ""
    any_unit = "" if prose else f"|{v.ANY_CELL_UNIT}"
    unit = rf"(?P<unit>{_alt(units)}{any_unit})(?:[/每](?P<per>{_alt(['人', '次', '年', '月', '天', '场', '户', '项'])}))?"
    return re.compile(
        rf"""
        (?P<sign>{_alt(signs)})?{gap}
        (?P<pre>{_alt(v.PREFIXES)})?{gap}
        (?:(?P<lo>{num})(?P<lomag>{_alt(_MAGNITUDES)})?(?P<lounit>%)?{gap}(?:至|到|~|-|—|–){gap})?
        (?:
            百分之(?P<pct>{num}|百)
          | (?P<num>{num})(?P<more1>[余多])?{gap}(?P<mag>{_alt(_MAGNITUDES)})?(?P<more2>[余多])?{gap}
            (?:{unit}(?:(?P<jiao>[{_CN_DIGIT_CHARS}])角)?(?:(?P<fen>[{_CN_DIGIT_CHARS}])分)?整?
              {'|(?<=[万萬亿億])' + bare_mag_end if prose else ''})
            {'' if prose else '?'}
        )
        {gap}(?P<post>{_alt(v.SUFFIXES)})?
        """,
        re.VERBOSE,
    )


_CELL = _quantity_pattern(v.CELL_UNITS, v.CELL_SIGNS, prose=False)
_PROSE = _quantity_pattern(v.UNITS, v.SIGNS, prose=True)
# Slogans and place names that look like counts: 四个意识 is not four items, and a Chinese number
# + 家 before 店/街/村/坊 names a place (三家店街道, 五家村), as place names are never in digits.
_NOT_QUANTITIES = re.compile(
    rf"[两三四五]个(?:确立|维护|意识|自信|全面|代表|一)|[{_CN_DIGIT_CHARS}十拾百佰千仟]+家(?=[店街村坊])"
)
# A number right after these is a label, an ordinal or part of a longer token:
# 第一批, 表 1 项目…, 图2, 〔2019〕, A3, 1.5.3
_LABEL_BEFORE = re.compile(r"(?:[\d.,〔\[A-Za-z" + _CN_DIGIT_CHARS + r"十拾百佰千仟万萬亿億点]|第|表|图|附件|附表|序号|编号)[ \t]*$")


def parse_value(text: str, hint: str | None = None) -> Value | None:
    """The value a table cell states; None for non-values (---, /, 无, empty). Never raises.

    `hint` (the indicator name or column header) is only used where the text alone is
    ambiguous: a bare number, or a bare 万 — `490` under 工会经费金额 is 4900000 元.
    """
    if not isinstance(text, str):
        return None
    cleaned = re.sub(r"\s+", "", to_halfwidth(text))
    if _is_blank(cleaned):
        return None
    negative = re.match(r"^[-−](?=\d)", cleaned)
    body = cleaned[1:] if negative else cleaned
    match = _CELL.fullmatch(body) or _CELL.fullmatch(re.sub(r"\([^()]*\)$", "", body))
    value = match_to_value(match, text.strip(), hint) if match else None
    if value is not None:
        return _negated(value) if negative else value
    if len(cleaned) <= _MAX_QUALITATIVE:
        return Value(None, None, None, None, text.strip(), qualitative=text.strip())
    return None


def find_quantities(text: str) -> list[tuple[int, int, Value]]:
    """Every quantity with a unit in running text, with its (start, end) span in `text`.

    A sign or vague word written before or after belongs to the span (不低于95%, 约30人, 60家以上);
    a bare 万/亿 counts as money only before punctuation (资金490万，), not before a noun (3万职工).

    Dates, document numbers (〔2019〕59号), times of day, ordinals (第一批, (1), 一、) and bare
    numbers are not quantities; neither is a lone 一 before a measure word (一项工作, 一次性),
    which is an article far more often than a count.
    """
    if not isinstance(text, str):
        return []
    prose = to_halfwidth(text, prose=True)
    blocked = date_spans(text) + [m.span() for m in _NOT_QUANTITIES.finditer(prose)]
    found = []
    for match in _PROSE.finditer(prose):
        start, end = _stripped_span(prose, *match.span())
        if not match.group("sign") and not match.group("pre") and _LABEL_BEFORE.search(prose, max(0, start - 4), start):
            continue
        if match.group("num") in ("一", "壹") or any(s < end and start < e for s, e in blocked):
            continue
        value = match_to_value(match, text[start:end], None)
        if value is not None:
            found.append((start, end, value))
    return found


def _stripped_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the blanks that the optional parts of the pattern may have taken."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def match_to_value(match: re.Match, raw: str, hint: str | None) -> Value | None:
    g = match.groupdict()
    if g["pct"] is not None:
        number = Decimal(100) if g["pct"] == "百" else to_decimal(g["pct"])
        unit, factor = "%", 1
    else:
        number = to_decimal(g["num"])
        unit, factor = _unit_and_factor(g, hint)
    if number is None:
        return None
    value = scale(number, factor)
    if unit == "元" and (g["jiao"] or g["fen"]):
        value = plain_decimal(value + _cents(g["jiao"], g["fen"]))
    if g["per"]:
        unit = f"{unit}/{g['per']}"
    if g["lo"] is None:
        return Value(_op(g), value, unit, _qualifier(g), raw)
    low = _range_low(g, unit, factor)
    if low is None or low > value:
        return None
    return Value(">=", low, unit, _qualifier(g), raw, value_high=value)


def _unit_and_factor(g: dict, hint: str | None) -> tuple[str | None, int]:
    """Canonical unit and the factor that brings the number to it."""
    magnitude = _MAGNITUDES.get(g["mag"] or "", 1)
    if g["unit"]:
        return v.CELL_UNITS.get(g["unit"], g["unit"]), magnitude
    hinted, hinted_factor = hint_unit(hint)
    ends_in_wan = magnitude >= 10**4 or g["num"][-1] in "万萬亿億"
    if magnitude == 1 and not ends_in_wan:  # a bare number: the hint decides
        return hinted, hinted_factor
    if hinted not in (None, "元"):  # 1万 under 开展送温暖人数
        return hinted, magnitude
    return ("元" if ends_in_wan or hinted == "元" else None), magnitude


def hint_unit(hint: str | None) -> tuple[str | None, int]:
    """The unit (and factor to it) that a bare number has under this indicator name or header."""
    if not isinstance(hint, str) or not hint:
        return None, 1
    hint = to_halfwidth(re.sub(r"\s+", "", hint))
    bracket = re.search(r"\(([^()]{1,4})\)$", hint)
    if bracket:
        written = bracket.group(1)
        money = {"万": 10**4, "万元": 10**4, "亿元": 10**8, "千元": 10**3, "元": 1}
        if written in money:
            return "元", money[written]
        if written in v.CELL_UNITS:
            return v.CELL_UNITS[written], 1
    if re.search(r"率|满意度|占比|比例|比重|百分比", hint):
        return "%", 1
    for word, factor in (("亿元", 10**8), ("万元", 10**4), ("千元", 10**3), ("元", 1)):
        if word in hint:
            return "元", factor
    if re.search(r"金额|经费|资金|预算|成本|支出", hint):
        return "元", 10**4  # these tables state money in 万元 unless they say otherwise
    for word, unit in (("人次", "人次"), ("人数", "人"), ("场次", "场"), ("次数", "次"), ("户数", "户"), ("天数", "天")):
        if word in hint:
            return unit, 1
    return None, 1


def _range_low(g: dict, unit: str | None, factor: int) -> Decimal | None:
    """The low end of `80至100人`, `95%-100%`, `80万-1亿元`: it shares the unit of the high end,
    and its magnitude too unless it writes its own."""
    low = to_decimal(g["lo"])
    if low is None or (g["lounit"] and unit != "%"):
        return None
    if g["lomag"]:
        factor = factor // _MAGNITUDES.get(g["mag"] or "", 1) * _MAGNITUDES[g["lomag"]]
    return scale(low, factor)


def _cents(jiao: str | None, fen: str | None) -> Decimal:
    tenths = chinese_to_decimal(jiao) if jiao else Decimal(0)
    hundredths = chinese_to_decimal(fen) if fen else Decimal(0)
    return tenths / 10 + hundredths / 100


def _op(g: dict) -> str:
    if g["sign"]:
        return v.CELL_SIGNS[g["sign"]]
    return v.OP_OF_WORD.get(g["post"] or "") or v.OP_OF_WORD.get(g["pre"] or "") or "="


def _qualifier(g: dict) -> str | None:
    if g["pre"]:
        return v.PREFIXES[g["pre"]]
    if g["more1"] or g["more2"]:
        return "more_than"
    return v.SUFFIXES.get(g["post"] or "")


def is_blank_value(text: str | None) -> bool:
    """True when a cell prints "nothing here": empty or blank, dashes, slashes (/ ／ \\), 无, 空,
    暂无, 不适用, N/A, … — in any width and case. None is blank too."""
    if text is None:
        return True
    if not isinstance(text, str):
        return False
    return _is_blank(re.sub(r"\s+", "", to_halfwidth(text)))


def _is_blank(cleaned: str) -> bool:
    return cleaned.lower() in v.NON_VALUES or bool(_NON_VALUE_MARKS.fullmatch(cleaned))


def _negated(value: Value) -> Value:
    return Value(value.op, -value.value, value.unit, value.qualifier, value.raw, value.qualitative,
                 None if value.value_high is None else -value.value_high)
