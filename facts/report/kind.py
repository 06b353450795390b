"""What a document is: a monitoring / self-evaluation / evaluation report, a target-setting form
(`other`), or no performance report at all — decided from the title, the headings and the tables
together, with the reason in words."""
from __future__ import annotations

import re
from dataclasses import dataclass

from perfreports.extract.model import Document, Heading, Paragraph, Table
from perfreports.facts.records import IndicatorRow
from perfreports.facts.report import vocabulary as v

_TYPES = tuple((kind.code, re.compile(kind.title)) for kind in v.REPORT_TYPES)
_GENRE_TITLE = re.compile(v.REPORT_TITLE)
_HEADINGS = re.compile(v.REPORT_HEADINGS)
_NOT_REPORT = tuple((what, re.compile(pattern)) for what, pattern in v.NOT_REPORT_SIGNS)


@dataclass(frozen=True)
class Kind:
    report_type: str | None  # monitoring, self_evaluation, evaluation, other; None: not a report
    reason: str  # why, in words, for the problem message
    recognised: bool = True  # False: a report, but of no kind the vocabulary names

    @property
    def is_report(self) -> bool:
        return self.report_type is not None


def report_type_of(text: str) -> str | None:
    return next((name for name, pattern in _TYPES if pattern.search(text)), None)


def document_kind(document: Document, title: str | None, indicators: list[IndicatorRow],
                  has_funding: bool) -> Kind:
    """`indicators`: the rows read; a document with an indicator table none of whose rows holds a
    target or an actual is an empty form."""
    title = title or ""
    opening = " ".join(b.text for b in document.blocks[:8] if isinstance(b, (Paragraph, Heading)))
    stated_type = report_type_of(title) or report_type_of(opening[:200])
    filled = sum(1 for row in indicators if row.target_raw or row.actual_raw or row.stage_target_raw)
    headings = {m.group(0) for b in document.blocks if isinstance(b, Heading) for m in _HEADINGS.finditer(b.title)}
    other_kind = next((what for what, pattern in _NOT_REPORT if pattern.search(title)), None)
    evidence = _evidence(filled, len(headings), has_funding, bool(_GENRE_TITLE.search(title)))
    if filled:  # a table of targets and results is a report, whatever its cover letter says
        return _report(stated_type, evidence)
    if other_kind is not None:
        return Kind(None, f"its title reads as {other_kind}: “{title[:40]}”")
    if (indicators or _has_indicator_header(document)) and not filled:
        return Kind(None, "an empty form: its indicator table has no target or actual filled in")
    if _GENRE_TITLE.search(title) and (len(headings) >= 2 or has_funding):
        return _report(stated_type, evidence)
    sign = next((what for what, pattern in _NOT_REPORT if pattern.search(opening[:300])), None)
    if sign:
        return Kind(None, f"its opening reads as {sign}")
    return Kind(None, "no indicator table with values, no report title"
                      + (f" (title “{title[:40]}”)" if title else "") + f", {len(headings)} report headings")


def _has_indicator_header(document: Document) -> bool:
    from perfreports.facts.indicators import read_header
    return any(read_header(b.grid()) is not None for b in document.blocks if isinstance(b, Table))


def _evidence(filled: int, headings: int, has_funding: bool, genre_title: bool) -> str:
    parts = [f"{filled} indicator rows" if filled else "", f"{headings} report headings" if headings else "",
             "a funding statement" if has_funding else "", "a report title" if genre_title else ""]
    return ", ".join(p for p in parts if p)


def _report(stated_type: str | None, evidence: str) -> Kind:
    if stated_type is None:
        return Kind("other", f"a performance report ({evidence}) whose title names no kind "
                             "(监控/自评/评价/申报)", recognised=False)
    return Kind(stated_type, evidence)
