"""Prose figures linked to the indicator rows they speak about.

A figure of the text (`慰问困难职工共997人`, labelled by the activity it is told under) is linked
to the one indicator row with an actual in the same unit that it names: first by the name (the
label and the indicator name alike once generic endings are dropped: 开展送温暖活动 ≈
开展送温暖人数), else by the concept both are read as (facts/concepts: 走访慰问 in the text,
送温暖人数 in the table). Several rows that fit with different actuals: no link — precision
first. The link is stored with the figure (`figures.concept_id`, `indicator_table_no`,
`indicator_row_no`); `table_prose_mismatch` compares along it.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from difflib import SequenceMatcher

import regex

from perfreports.facts.concepts import Matcher
from perfreports.facts.records import FigureRow, IndicatorRow

MATCH_THRESHOLD = 0.8
MIN_CONTAINED = 4  # a name contained in the other counts as a match only from this length on
_BRACKETED = regex.compile(r"[（(][^（）()]{0,6}[）)]")
_NOISE = regex.compile(r"[\p{P}\p{S}\s]+")
_GENERIC_END = regex.compile(r"(?:人数|人次|数量|场次|次数|期数|个数|活动|工作|情况|完成率)$")


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


def row_unit(row: IndicatorRow) -> str | None:
    return row.actual_unit or row.stage_target_unit or row.target_unit


def linked_figures(figures: Iterable[FigureRow], indicators: Iterable[IndicatorRow],
                   matcher: Matcher) -> tuple[FigureRow, ...]:
    """`figures`, each with its concept and the indicator row it speaks about, where one fits."""
    rows = [r for r in indicators if r.actual_value is not None and r.adjustment != "deleted"]
    out = []
    for figure in figures:
        if figure.label and figure.unit and figure.value is not None:
            found = matcher.match(figure.label, figure.unit)
            concept_id = found.concept.id if found else None
            row = _by_name(figure, rows) or _by_concept(figure, concept_id, rows)
            figure = replace(figure, concept_id=concept_id, indicator_table_no=row.table_no if row else None,
                             indicator_row_no=row.row_no if row else None)
        out.append(figure)
    return tuple(out)


def _by_name(figure: FigureRow, rows: list[IndicatorRow]) -> IndicatorRow | None:
    key = name_key(figure.label)
    hits = [r for r in rows if row_unit(r) == figure.unit and similarity(key, name_key(r.indicator)) >= MATCH_THRESHOLD]
    return _one(hits)


def _by_concept(figure: FigureRow, concept_id: str | None, rows: list[IndicatorRow]) -> IndicatorRow | None:
    if concept_id is None:
        return None
    return _one([r for r in rows if r.concept_id == concept_id and row_unit(r) == figure.unit])


def _one(hits: list[IndicatorRow]) -> IndicatorRow | None:
    """The row the hits are: one row, or one indicator repeated in several tables with the same
    actual (a 调整表 and a 对比表); None for two rows of one table or rows that disagree."""
    if len({(name_key(r.indicator), r.actual_value) for r in hits}) != 1:
        return None
    if len({r.table_no for r in hits}) != len(hits):
        return None
    return max(hits, key=lambda r: r.table_no)  # the later table: the one that reports the result
