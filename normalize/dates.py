"""Dates and periods as printed → `ParsedDate` (start and end day, and how precise the text was).

2023年1月1日, 2023.1.1, 2023-01-01, 2023/1/1, 二〇二三年十二月十日 → one day;
2023年12月 → the month; 2023年(度) → the year; 2023年1月1日至2023年12月31日, 1-10月,
5月29日-6月1日 → a period.  A date without a year takes `year` when given, else it is not a date.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import regex

from perfreports.normalize.numbers import chinese_to_decimal, to_halfwidth


@dataclass(frozen=True)
class ParsedDate:
    start: date
    end: date
    precision: str  # "day", "month", "year" or "period"
    raw: str


_YEAR = r"(?<!\d)(?:19|20)\d{2}(?!\d)|[〇零一二三四五六七八九]{4}"
_MONTH = r"(?<!\d)(?:1[0-2]|0?[1-9])(?!\d)|十[一二]?|[一二三四五六七八九]"
_DAY = r"(?<!\d)(?:3[01]|[12]\d|0?[1-9])(?!\d)|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_SEP = r"\s*(?:至|到|[~\-—–―−－]{1,2})\s*"


def _point(p: str, *, day_alone: bool = False, numeric_month: bool = False) -> str:
    """Pattern of one date with groups {p}y, {p}m, {p}d (duplicate names are fine in `regex`)."""
    y = rf"(?P<{p}y>{_YEAR})\s*年度?"
    m = rf"(?P<{p}m>{_MONTH})\s*月份?"
    d = rf"(?P<{p}d>{_DAY})\s*[日号]"
    iso = rf"(?P<{p}y>(?:19|20)\d{{2}})(?P<{p}sep>[-/.])(?P<{p}m>\d{{1,2}})(?P={p}sep)(?P<{p}d>\d{{1,2}})(?!\d)"
    alts = [iso, rf"{y}(?:\s*{m}(?:\s*{d})?)?", rf"{m}(?:\s*{d})?"]
    if numeric_month:  # 2023.12, 2023-12: only when the whole text is meant as a date
        alts.insert(1, rf"(?P<{p}y>(?:19|20)\d{{2}})[-/.](?P<{p}m>1[0-2]|0?[1-9])(?!\d)")
    if day_alone:
        alts.append(d)
    return "(?:" + "|".join(alts) + ")"


def _date_pattern(numeric_month: bool) -> regex.Pattern:
    # 1-10月 and 7月3-11日: the first end is a bare number that takes the unit of the second.
    short_range = (
        rf"(?:(?P<ay>{_YEAR})\s*年度?\s*)?(?:(?P<am>{_MONTH})\s*月\s*)?"
        rf"(?P<bare>\d{{1,2}}|[一二三四五六七八九十]{{1,3}}){_SEP}"
        rf"(?:(?P<bm>{_MONTH})\s*月份?(?:\s*(?P<bd>{_DAY})\s*[日号])?|(?P<bd>{_DAY})\s*[日号])"
    )
    a = _point("a", numeric_month=numeric_month)
    b = _point("b", day_alone=True, numeric_month=numeric_month)
    return regex.compile(rf"{short_range}|{a}(?:{_SEP}{b})?")


_DATE = _date_pattern(numeric_month=False)
_WHOLE_DATE = _date_pattern(numeric_month=True)


def parse_date(text: str, year: int | None = None) -> ParsedDate | None:
    """The date or period that `text` is, whole; None when it is not one (never raises)."""
    if not isinstance(text, str):
        return None
    cleaned = to_halfwidth(text).strip()
    match = _WHOLE_DATE.fullmatch(cleaned)
    return match_to_date(match, text.strip(), year) if match else None


def find_dates(text: str, year: int | None = None) -> list[tuple[int, int, ParsedDate]]:
    """Every date or period in running text, with its (start, end) character span."""
    if not isinstance(text, str):
        return []
    found = []
    for match in _DATE.finditer(to_halfwidth(text, prose=True)):
        parsed = match_to_date(match, text[match.start():match.end()], year)
        if parsed:
            found.append((match.start(), match.end(), parsed))
    return found


def date_spans(text: str) -> list[tuple[int, int]]:
    """Spans that read as dates, whether or not their year is known (to keep them out of quantities)."""
    return [m.span() for m in _DATE.finditer(to_halfwidth(text, prose=True))]


def match_to_date(match: regex.Match, raw: str, year: int | None) -> ParsedDate | None:
    g = {name: _to_int(value) for name, value in match.groupdict().items() if not name.endswith("sep")}
    ay, am, ad, by, bm, bd = (g.get(k) for k in ("ay", "am", "ad", "by", "bm", "bd"))
    is_range = match.group("bare") is not None or any(v is not None for v in (by, bm, bd))
    if g.get("bare") is not None:
        if bm is not None and bd is None:
            am = g["bare"]
        else:
            ad = g["bare"]
    if bd is not None and bm is None:
        bm = am
    if (ad is not None or bd is not None) and am is None and bm is None:
        return None  # 3-5日: days of no month
    ay = ay or by or year
    by = by or ay
    if ay is None:
        return None
    if not is_range:
        by, bm, bd = ay, am, ad
    precision = "period" if is_range else "day" if ad else "month" if am else "year"
    try:
        start = date(ay, am or 1, ad or 1)
        end_month = bm or 12
        end = date(by, end_month, bd or calendar.monthrange(by, end_month)[1])
    except ValueError:  # 2023年2月30日, month 0 …
        return None
    if end < start:
        return None
    return ParsedDate(start, end, precision, raw)


def _to_int(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isascii():
        return int(text)
    number = chinese_to_decimal(text)
    return int(number) if number is not None else None
