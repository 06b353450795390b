"""`table_prose_mismatch`: a head count stated in the prose differs from the same indicator's
actual value in a table (送温暖: 慰问共 997 人 in the text, 1000 in the 对比表).

Conservative on purpose, a warning should point at a real contradiction:

- only head counts (人, 人次): a count of 个/次/场 in prose often counts something else
  (4个课程 vs 培训班数量 5个);
- a prose label (the activity heading, facts/figures.py) is matched to one indicator by its name
  with generic endings removed (开展送温暖活动 ≈ 开展送温暖人数), same unit, and only when exactly
  one indicator matches;
- the figures of one label in one section agree when any of them, or their sum (30余+76+77 = 183),
  equals the table value; otherwise the one figure compared is the only one, or the only one
  stated as a total (累计/共/合计). Anything else is ambiguous and not judged.
- a qualified figure counts by its printed number (`180余人` differs from 183: the issue asks to
  flag a quantity stated differently, the officer decides).
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher

import regex

from perfreports.checks.funding import Finding
from perfreports.checks.messages import message, plain, prose_place, table_place
from perfreports.facts.records import FigureRow, IndicatorRow, Records

HEAD_COUNT_UNITS = {"人", "人次"}
MATCH_THRESHOLD = 0.8
MIN_CONTAINED = 4  # a name contained in the other counts as a match only from this length on
_BRACKETED = regex.compile(r"[（(][^（）()]{0,6}[）)]")
_NOISE = regex.compile(r"[\p{P}\p{S}\s]+")
_GENERIC_END = regex.compile(r"(?:人数|人次|数量|场次|次数|期数|个数|活动|工作|情况|完成率)$")
_TOTAL_CUE = regex.compile(r"(?:累计|合计|共计|总计|总共|共有|共)\s*\p{Han}{0,4}\s*$")


def name_key(text: str) -> str:
    """A name reduced for matching: `“携手小康”就业重点群体技能培训（人）` → `携手小康就业重点群体技能培训`."""
    text = _NOISE.sub("", _BRACKETED.sub("", unicodedata.normalize("NFKC", text)))
    previous = None
    while previous != text:
        previous, text = text, _GENERIC_END.sub("", text)
    return text


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    if len(short) >= MIN_CONTAINED and short in long:
        return 0.9
    return SequenceMatcher(None, a, b).ratio()


def matching_indicator(label: str, unit: str, rows: list[IndicatorRow]) -> IndicatorRow | None:
    """The one table row the label names, or None when none or several do."""
    key = name_key(label)
    scored = [(similarity(key, name_key(r.indicator)), r) for r in rows if _unit(r) == unit]
    hits = [r for score, r in scored if score >= MATCH_THRESHOLD]
    return hits[0] if len(hits) == 1 else None


def _unit(row: IndicatorRow) -> str | None:
    return row.actual_unit or row.stage_target_unit or row.target_unit


def stated_as_total(figure: FigureRow) -> bool:
    at = figure.sentence.find(figure.raw)
    return at >= 0 and bool(_TOTAL_CUE.search(figure.sentence[max(0, at - 12):at]))


def compared_figure(figures: list[FigureRow], actual) -> FigureRow | None:
    """The figure that contradicts `actual`, or None when they agree or it is ambiguous."""
    if any(f.value == actual for f in figures) or sum(f.value for f in figures) == actual:
        return None
    if len(figures) == 1:
        return figures[0]
    totals = [f for f in figures if stated_as_total(f)]
    return totals[0] if len(totals) == 1 else None


def table_prose_mismatch(records: Records) -> Iterator[Finding]:
    rows = [r for r in records.indicators
            if r.actual_value is not None and _unit(r) in HEAD_COUNT_UNITS and r.adjustment != "deleted"]
    groups: dict[tuple, list[FigureRow]] = defaultdict(list)
    for f in records.figures:
        if f.unit in HEAD_COUNT_UNITS and f.value is not None and f.label:
            groups[(f.label, f.section, f.unit)].append(f)
    for (label, _, unit), figures in groups.items():
        row = matching_indicator(label, unit, rows)
        if row is None:
            continue
        figure = compared_figure(figures, row.actual_value)
        if figure is None:
            continue
        yield Finding("table_prose_mismatch", message(
            "table_prose_mismatch", indicator=row.indicator, raw=figure.raw,
            prose_where=prose_place(figure.page, figure.section),
            table_where=table_place(row.table_no, row.table_title, row.row_no, row.page),
            actual=f"{plain(row.actual_value)}{unit}"))
