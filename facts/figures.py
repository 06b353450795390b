"""Key figures stated in the prose → `figures` rows with their subject and provenance.

Rules (shared/SCHEMA.md, table `figures`):

- Only headings and paragraphs are read; tables belong to `indicators`, so no table cell ever
  becomes a figure. Contents entries (`一、项目基本情况\t1`) and page numbers never get here:
  extraction drops them (`extract.text.is_contents_line`, the PDF margin rules), and a page
  number left over has no unit, so it is no figure.
- Quantities come from the spaCy pipeline in `facts.nlp` (one `nlp.pipe` pass per document):
  money, persons, person-times, counts, percents. Numbers without a unit, years, document
  numbers (青字〔2019〕59号), times of day (晚上7点) and section numbers are never figures.
- Dates are figures only where they mean something for the project: the monitoring cutoff
  (截至/截止/时间节点 → label `截止日期`) and the project period (起止日期 → `起止日期`).
  A date written without a year (截至10月31日) is in the report's fiscal year (`facts.report`).
  Their `value` and `unit` are null and `raw` is the date as printed.
- `label`, first that applies:
  1. the metric the clause names right before the figure (预算安排 → `预算`, 到位 → `到位资金`,
     实际支出/共支出 → `实际支出`, 执行率 → `资金执行率`, 到位率, 满意度, 序时进度);
  2. the activity the paragraph opens with: `(1) “携手小康”就业重点群体技能培训：为…` →
     `“携手小康”就业重点群体技能培训`; it holds for the following paragraphs until the next
     heading or the next numbered item;
  3. the title of the heading the text sits under, as printed without its numbering
     (`（1）“携手小康”就业重点群体技能培训（人）` → `“携手小康”就业重点群体技能培训（人）`; the unit in
     brackets stays, it is part of the indicator's printed name) and without a trailing figure
     (`(10) 解上级工会经费工作完成率 100%` → `解上级工会经费工作完成率`).
- `section` is the heading path (`一、项目基本情况 > （三）项目主要内容、涉及范围 > 2.项目内容`),
  `page` the page where the figure's sentence starts, `sentence` that sentence.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex
from spacy.tokens import Doc

from perfreports.extract.model import Box, Document, Heading, Paragraph, text_box
from perfreports.facts.nlp import DATES, METRIC_CUES, QUANTITIES, YEAR, make_nlp
from perfreports.facts.records import FigureRow
from perfreports.facts.report.prose import find_title, fiscal_year

SECTION_SEPARATOR = " > "

_ENUMERATOR = r"(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}\s*(?:[、．]|\.(?!\d))|[①-⑳])"
# `(1) “携手小康”就业重点群体技能培训：为全面贯彻…` — a numbered item that names its activity.
_ITEM_WITH_NAME = regex.compile(rf"^\s*{_ENUMERATOR}\s*(?P<name>[^：:。；;，,！？]{{2,40}}?)\s*[：:]")
_NUMBERED = regex.compile(rf"^\s*{_ENUMERATOR}")
_TRAILING_FIGURE = regex.compile(r"\s*[=＝≥≤><]?\s*\d[\d,.，]*\s*(?:%|％|万元|万|元|人次|人|名|次|个|场|家|项)?\s*$")


def subject_of_title(title: str) -> str:
    """A heading title as a label: numbering already gone, a trailing figure dropped."""
    subject = title.strip()
    return _TRAILING_FIGURE.sub("", subject) or subject


def item_name(text: str) -> str | None:
    """The activity a numbered paragraph opens with (`(1) 名称：…` → `名称`), else None."""
    match = _ITEM_WITH_NAME.match(text)
    return subject_of_title(match.group("name")) if match else None


def heading_subject(heading: Heading) -> str:
    """The label a heading gives the text under it."""
    # A wrapped first line taken for a heading (`（1）职工普惠服务活动：围绕元旦…`) names its activity.
    return item_name(heading.text) or subject_of_title(heading.title)


@dataclass(frozen=True)
class Passage:
    """A piece of prose with what the document says around it."""

    text: str
    block: Heading | Paragraph
    section: str | None
    subject: str | None  # label when the clause names no metric
    number: int = 0  # 1-based among the document's headings and paragraphs

    def page_at(self, offset: int) -> int | None:
        if isinstance(self.block, Paragraph):
            return self.block.page_at(offset)
        return self.block.page

    def box_of(self, start: int, end: int) -> tuple[int, Box] | None:
        """(page, box) of the passage's text at [start, end) (a heading's passage is its title)."""
        shift = self.block.text.find(self.text) if isinstance(self.block, Heading) else 0
        return text_box(self.block.lines, start + max(shift, 0), end + max(shift, 0))


def passages(document: Document) -> Iterator[Passage]:
    """Headings and paragraphs in reading order, each with its heading path and subject."""
    path: list[Heading] = []
    item: str | None = None
    number = 0
    for block in document.blocks:
        number += isinstance(block, (Heading, Paragraph))
        if isinstance(block, Heading):
            path = [h for h in path if h.level < block.level] + [block]
            item = None
            section = SECTION_SEPARATOR.join(h.text for h in path)
            yield Passage(block.title, block, section, heading_subject(block), number)
        elif isinstance(block, Paragraph):
            if not block.text.strip():
                continue
            if _NUMBERED.match(block.text):
                item = item_name(block.text)
            section = SECTION_SEPARATOR.join(h.text for h in path) or None
            subject = item or (heading_subject(path[-1]) if path else None)
            yield Passage(block.text, block, section, subject, number)


def _date_label(metric: str | None, subject: str | None) -> str | None:
    if metric:
        return metric
    for cue in METRIC_CUES:
        if "date" in cue.kinds and subject and regex.search(cue.pattern, subject):
            return cue.label
    return None


def rows_of_doc(doc: Doc, passage: Passage, report_id: str) -> list[FigureRow]:
    """Figure rows for one processed passage, in text order."""
    rows = []
    spans = sorted([*doc.spans[QUANTITIES], *doc.spans[DATES]], key=lambda s: s._.char_start)
    for span in spans:
        sentence = doc[span.start].sent
        if span.label_ == "date":
            label = _date_label(span._.metric, passage.subject)
            if label is None:
                continue
            value = unit = qualifier = None
        else:
            label = span._.metric or passage.subject
            value, unit, qualifier = span._.value.value, span._.value.unit, span._.value.qualifier
        page = passage.page_at(sentence.start_char)
        rows.append(
            FigureRow(
                report_id=report_id,
                kind=span.label_,
                value=value,
                unit=unit,
                qualifier=qualifier,
                label=label,
                raw=span._.raw,
                section=passage.section,
                page=page,
                sentence=passage.block.text if isinstance(passage.block, Heading) else sentence.text.strip(),
                **_box_fields(passage.box_of(span._.char_start, span._.char_start + len(span._.raw)), page),
                paragraph_no=passage.number,
            )
        )
    return rows


def _box_fields(found: tuple[int, Box] | None, page: int | None) -> dict:
    """x0, top, x1, bottom of a figure's text when it stands on the row's page."""
    if found is None or found[0] != page:
        return {}
    return dict(zip(("x0", "top", "x1", "bottom"), found[1]))


def figure_rows(document: Document, report_id: str, year: int | None = None) -> list[FigureRow]:
    """Every key figure the document's prose states, in reading order. `year`: the report's fiscal
    year, for dates written without one (read from the document when not given)."""
    found = list(passages(document))
    nlp = make_nlp()
    year = year if year is not None else fiscal_year(find_title(document), document)
    docs = nlp.pipe(_with_year(nlp.make_doc(p.text), year) for p in found)
    return [row for passage, doc in zip(found, docs) for row in rows_of_doc(doc, passage, report_id)]


def _with_year(doc: Doc, year: int | None) -> Doc:
    doc.user_data[YEAR] = year
    return doc
