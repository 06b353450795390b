"""The spaCy pipeline that marks key figures in report prose.

`make_nlp()` builds `spacy.blank("zh")` with the jieba segmenter (nothing is downloaded) and three
rule components, registered as ordinary spaCy factories so the pipeline can be used and tested
like any other:

- `zh_sentences`   sentence starts after 。！？； and before enumerations （1）(1) ① 1、 —
                   never inside quotes or brackets 《》“”（）〔〕.
- `zh_quantities`  `doc.spans["quantities"]`: money, persons, person-times, counts with their
                   measure word, percents, found by `normalize.find_quantities`; the span label
                   is the kind (`money`, `persons`, `person_times`, `count`, `percent`).
                   `doc.spans["dates"]`: dates from `normalize.find_dates`, label `date`; a date
                   without a year (截至10月31日) takes `doc.user_data["year"]` when set, else
                   it is no date.
                   Nothing inside a document number (青字〔2019〕59号) becomes a span.
- `zh_metrics`     `span._.metric`: the metric its clause names right before the figure
                   (预算安排 → `预算`, 实际支出, 资金执行率, 到位率, 满意度, 截止日期 …).

Span extensions: `raw` (the exact matched text; a span may be wider when jieba's tokens do
not line up with the quantity), `value` (`normalize.Value`, or `ParsedDate` for dates),
`metric` (str or None).

Token boundaries come from jieba and need not match quantity boundaries (`30余名` may be
`30`+`余名`), so quantities and sentences are found on characters and then mapped to tokens.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import regex
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from perfreports import normalize

QUANTITIES = "quantities"
DATES = "dates"
YEAR = "year"  # doc.user_data key: the report's year, for dates written without one


# ---------------------------------------------------------------------------------------------
# Sentences

_OPENERS = {"《": "》", "“": "”", "‘": "’", "（": "）", "(": ")", "〔": "〕", "[": "]", "【": "】",
            "「": "」", "『": "』", "〈": "〉", "［": "］"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
_TERMINATORS = frozenset("。！？；!?;")
# Enumerations that open a new sentence: （1） (1) ① anywhere outside brackets; 1、 and 1. only
# after the start, a space or punctuation (so that 第1、2批 and 1.5 stay whole).
_ENUM_BRACKETED = regex.compile(r"[（(]\d{1,2}[）)]|[①-⑳]")
_ENUM_PLAIN = regex.compile(r"(?<=^|[\s。；;：:，,！？!?])\d{1,2}(?:、|[.．](?!\d))")


def protected_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every balanced quote or bracket pair; an opener never closed protects nothing."""
    stack: list[tuple[str, int]] = []
    ranges = []
    for i, char in enumerate(text):
        if char in _OPENERS:
            stack.append((char, i))
        elif char in _CLOSERS:
            opener = _CLOSERS[char]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == opener:
                    ranges.append((stack[depth][1], i + 1))
                    del stack[depth:]
                    break
    return ranges


def _inside(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in ranges)


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start (always 0 for non-empty text)."""
    ranges = protected_ranges(text)
    # An enumerator is itself a bracket pair: it may start a sentence when only its own pair covers it.
    enum_starts = {m.start() for m in _ENUM_BRACKETED.finditer(text)} | {m.start() for m in _ENUM_PLAIN.finditer(text)}
    starts = {0}
    for i, char in enumerate(text):
        if char in _TERMINATORS and not _inside(i, ranges):
            starts.add(i + 1)
    for i in enum_starts:
        if not _inside(i, ranges):
            starts.add(i)
    # A start moves past whitespace; a start at the very end opens nothing.
    result = set()
    for start in starts:
        while start < len(text) and text[start].isspace():
            start += 1
        if start < len(text):
            result.add(start)
    return sorted(result)


class ChineseSentencizer:
    """Sets `is_sent_start` on every token from `sentence_starts` of the doc's text."""

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        starts = sentence_starts(doc.text)
        token_starts = set()
        position = 0
        for start in starts:
            while position < len(doc) and doc[position].idx + len(doc[position].text) <= start:
                position += 1
            if position < len(doc):
                token_starts.add(position)
        for token in doc:
            token.is_sent_start = token.i == 0 or token.i in token_starts
        return doc


@Language.factory("zh_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> ChineseSentencizer:
    return ChineseSentencizer()


# ---------------------------------------------------------------------------------------------
# Quantities and dates

# 青字〔2019〕59号, 洪财绩[2022]4号, 总工办发（2017）32号: a document number, never a figure.
_DOCUMENT_NUMBER = regex.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d+\s*号")


def excluded_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges whose numbers are not figures (document numbers)."""
    return [m.span() for m in _DOCUMENT_NUMBER.finditer(text)]


def _overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The match without surrounding whitespace (`共 997 人` → `997 人`)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def span_for_chars(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """The smallest token span covering characters [start, end)."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is not None:
        return span
    tokens = [t.i for t in doc if t.idx < end and t.idx + len(t.text) > start]
    return Span(doc, tokens[0], tokens[-1] + 1, label=label) if tokens else None


class QuantityMarker:
    """Marks quantities and dates with `normalize`, keeping raw text and parsed values on the spans."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        excluded = excluded_ranges(text)
        quantities, dates = [], []
        for start, end, value in normalize.find_quantities(text):
            start, end = _strip(text, start, end)
            kind = value.kind
            if kind is None or _overlaps(start, end, excluded):
                continue
            span = span_for_chars(doc, start, end, kind)
            if span is not None:
                span._.raw, span._.value, span._.char_start = text[start:end], value, start
                quantities.append(span)
        for start, end, parsed in normalize.find_dates(text, doc.user_data.get(YEAR)):
            start, end = _strip(text, start, end)
            if _overlaps(start, end, excluded):
                continue
            span = span_for_chars(doc, start, end, "date")
            if span is not None:
                span._.raw, span._.value, span._.char_start = text[start:end], parsed, start
                dates.append(span)
        doc.spans[QUANTITIES] = quantities
        doc.spans[DATES] = dates
        return doc


@Language.factory("zh_quantities", assigns=["doc.spans", "span._.raw", "span._.value"])
def make_quantities(nlp: Language, name: str) -> QuantityMarker:
    return QuantityMarker()


# ---------------------------------------------------------------------------------------------
# Metrics named right before a figure


@dataclass(frozen=True)
class MetricCue:
    pattern: str  # regex alternatives as written in the reports
    label: str
    kinds: frozenset[str]  # figure kinds the cue can name


_MONEY, _PERCENT, _DATE = frozenset({"money"}), frozenset({"percent"}), frozenset({"date"})
METRIC_CUES = (
    MetricCue(r"预算安排|安排预算|年初预算|全年预算|预算资金|预算数|预算|安排专项资金|安排资金|专项资金|批复资金",
              "预算", _MONEY),
    MetricCue(r"到位资金|资金到位(?!率)|到位(?!率)|下达资金|资金下达|已下达|已拨付|拨付资金", "到位资金", _MONEY),
    MetricCue(r"实际支出|共支出|累计支出|已支出|实际使用|已使用|支出金额|实际执行|累计执行|全年执行|已执行|执行金额"
              r"|决算数|决算支出", "实际支出", _MONEY),
    MetricCue(r"执行率", "资金执行率", _PERCENT),
    MetricCue(r"到位率", "到位率", _PERCENT),
    MetricCue(r"满意度|满意率", "满意度", _PERCENT),
    MetricCue(r"序时进度", "序时进度", _PERCENT),
    MetricCue(r"截至|截止|时间节点|跟踪节点|监控节点", "截止日期", _DATE),
    MetricCue(r"起止日期|起止时间|实施期限|实施周期|项目期限", "起止日期", _DATE),
)
_CUE_PATTERN = regex.compile("|".join(f"(?P<c{i}>{cue.pattern})" for i, cue in enumerate(METRIC_CUES)))
# A clause ends at these; 、 does not end one (舞蹈、瑜伽、太极、健身4个课程).
_CLAUSE_END = regex.compile(r"[，,。；;：:！!？?]")


def _labels_a_value(text: str, end: regex.Match) -> bool:
    """A colon that closes a metric cue (`实际支出：`)."""
    if end.group(0) not in "：:":
        return False
    before = text[max(0, end.start() - 12):end.start()]
    return any(cue.end() == len(before) for cue in _CUE_PATTERN.finditer(before, overlapped=True))


def metric_before(text: str, start: int, kind: str, not_before: int = 0) -> str | None:
    """Label of the last metric cue for `kind` in the clause before `start` (and after `not_before`).

    A colon right after a cue labels what follows (`预算资金：100万元`), so it does not end the clause.
    """
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, start) if not _labels_a_value(text, m)]
    clause_start = max(not_before, *ends, 0)
    found = None
    for match in _CUE_PATTERN.finditer(text, clause_start, start, overlapped=False):
        cue = METRIC_CUES[int(match.lastgroup[1:])]
        if kind in cue.kinds:
            found = cue.label
    return found


class MetricLabeller:
    """Sets `span._.metric` from the cue its clause names right before the figure."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        figures = sorted(
            [*doc.spans.get(QUANTITIES, []), *doc.spans.get(DATES, [])], key=lambda s: s._.char_start
        )
        previous_end = 0
        for span in figures:
            span._.metric = metric_before(text, span._.char_start, span.label_, previous_end)
            previous_end = max(previous_end, span._.char_start + len(span._.raw))
        return doc


@Language.factory("zh_metrics", assigns=["span._.metric"], requires=["doc.spans"])
def make_metrics(nlp: Language, name: str) -> MetricLabeller:
    return MetricLabeller()


# ---------------------------------------------------------------------------------------------


def _register_extensions() -> None:
    for name in ("raw", "value", "metric", "char_start"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


@functools.cache
def make_nlp() -> Language:
    """The figures pipeline, built once per process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    _register_extensions()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("zh_sentences")
    nlp.add_pipe("zh_quantities")
    nlp.add_pipe("zh_metrics")
    return nlp
