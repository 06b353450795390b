"""The `reports` row and where each of its values was read (`report_fields`).

One reader per field gives the places the report states it, in order of trust — the form's own
label cells and 项目资金 block, labelled lines (`项目期限：`), the cover and title, sentences —
and the first place wins. Two explicit statements (cells, labelled lines, sentences) that
disagree give a `field_conflict` warning naming both, never a silent pick. Printed instructions
(`执行率未达到100%的需说明原因`) are not statements.

    read_report(document, indicators, report_id=…) -> ReportRead(row, fields, problems, kind)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from perfreports.extract.model import Document, Table
from perfreports.facts.records import FieldRow, IndicatorRow, Problem, ReportRow
from perfreports.facts.report import forms, prose
from perfreports.facts.report.candidates import EXPLICIT, Candidate, as_text
from perfreports.facts.report.kind import Kind, document_kind
from perfreports.facts.report.regions import Province, province_of
from perfreports.facts.report.where import located

FUNDING_FIELDS = ("budget_yuan", "received_yuan", "spent_yuan", "execution_rate_pct", "arrival_rate_pct")
# Trust order of the places, per field: the first source that states a field wins.
TRUST = {
    "project_name": ("cell", "line", "sentence", "title"),
    "agency": ("cell", "line", "unit_cell", "title", "cover"),  # unit_cell: 预算单位, 填报单位 …
    "assessor": ("cover", "sentence"),
    "report_date": ("cell", "line", "cover"),
    "period": ("cell", "line", "title"),
    "cutoff_date": ("cell", "line", "sentence", "header"),
    **{field: ("cell", "sentence") for field in FUNDING_FIELDS},
}
LABELS = {"project_name": "项目名称", "agency": "实施单位", "assessor": "评价机构", "report_date": "报告日期",
          "period": "项目期限", "cutoff_date": "监控节点", "budget_yuan": "预算", "received_yuan": "到位资金",
          "spent_yuan": "支出", "execution_rate_pct": "执行率", "arrival_rate_pct": "到位率"}


@dataclass(frozen=True)
class ReportRead:
    row: ReportRow
    fields: tuple[FieldRow, ...]
    problems: tuple[Problem, ...]
    kind: Kind


def read_report(document: Document, indicators: list[IndicatorRow], *, report_id: str, source_file: str,
                source_path: str) -> ReportRead:
    title = prose.find_title(document)
    candidates = _project_candidates(document, title)
    year = prose.fiscal_year(title, document, candidates[0].value if candidates else None)
    found = _candidates(document, title, year) + candidates
    chosen = {field: _choose(found, field) for field in TRUST}
    kind = document_kind(document, title, indicators, has_funding=any(chosen[f] for f in FUNDING_FIELDS))
    if chosen["agency"] is not None:
        chosen["agency"] = _with_prefix(chosen["agency"], document.text())
    period = chosen["period"].value if chosen["period"] else (None, None)
    agency = chosen["agency"].value if chosen["agency"] else None
    province = province_of(agency, title, opening_texts(document))
    row = ReportRow(
        report_id=report_id, source_file=source_file, source_path=source_path,
        source_format=document.source_format, pages=document.pages, title=title,
        report_type=kind.report_type or "other", fiscal_year=year,
        period_start=period[0], period_end=period[1], province=province.name if province else None,
        **{field: chosen[field].value if chosen[field] else None
           for field in TRUST if field != "period"},
    )
    fields = tuple(_field_row(report_id, c) for c in chosen.values() if c is not None)
    fields += (FieldRow(report_id, "title", title, title, "title"),) if title else ()
    fields += (_province_field(report_id, province, agency, title),) if province else ()
    fields = tuple(located(document, f) for f in fields)
    return ReportRead(row, fields, tuple(_conflicts(found, chosen, report_id)), kind)


def opening_texts(document: Document, limit: int = 2000) -> list[str]:
    """The first texts of a document in reading order — paragraphs, headings and table rows (the
    distinct cells of a row joined) — up to about `limit` characters."""
    texts, size = [], 0
    for block in document.blocks:
        rows = ([" ".join(dict.fromkeys(c for c in row if c)) for row in block.grid()]
                if isinstance(block, Table) else [block.text])
        for text in rows:
            if size >= limit:
                return texts
            if text:
                texts.append(text)
                size += len(text)
    return texts


def _province_field(report_id: str, province: Province, agency: str | None, title: str | None) -> FieldRow:
    """Where the province was read: the words that decided it, in the agency, the title or the text."""
    words = "、".join(province.evidence)
    source = ("agency" if agency and any(w in agency for w in province.evidence)
              else "title" if title and any(w in title for w in province.evidence) else "sentence")
    return FieldRow(report_id, "province", province.name, words, source)


def _project_candidates(document: Document, title: str | None) -> list[Candidate]:
    cells = [c for c in forms.label_cells(document, None) if c.field == "project_name"]
    return cells + list(prose.project_names(document, title))


def _candidates(document: Document, title: str | None, year: int | None) -> list[Candidate]:
    unit_line = next((b.text for b in prose.paragraphs(document)[:8] if "单位" in b.text), None)  # 金额单位：万元
    found: list[Candidate] = list(forms.funding_cells(document, unit_line))  # before a lone 资金总额 cell
    found += [_as_agency(c) if c.field == "unit" else c for c in forms.label_cells(document, year)
              if c.field != "project_name"]
    found += list(forms.labelled_lines(document, year))
    found += list(prose.agencies(document, title))
    found += list(prose.assessors(document))
    found += list(prose.report_dates(document))
    found += list(prose.periods(document, year))
    found += list(prose.title_year_period(title))
    found += list(prose.cutoffs(document, year))
    found += list(forms.header_cutoffs(document, year))
    found += list(prose.funding_sentences(document))
    return found


def _as_agency(unit: Candidate) -> Candidate:
    """A 预算单位 / 填报单位 cell: the agency when no 实施单位 is named."""
    return Candidate("agency", unit.value, unit.raw, "unit_cell", unit.page, unit.table_no, unit.row_no)


def _choose(found: Iterable[Candidate], field: str) -> Candidate | None:
    """The candidate of the most trusted source stating the field (in document order within one)."""
    ranked = [c for c in found if c.field == field and c.source in TRUST[field]]
    return min(ranked, key=lambda c: TRUST[field].index(c.source), default=None)


def _with_prefix(chosen: Candidate, text: str) -> Candidate:
    longer = prose.with_region_prefix(chosen.value, text)
    return chosen if longer == chosen.value else Candidate(
        chosen.field, longer, chosen.raw, chosen.source, chosen.page, chosen.table_no, chosen.row_no, chosen.sentence)


def _conflicts(found: list[Candidate], chosen: dict[str, Candidate | None], report_id: str) -> Iterable[Problem]:
    """A `field_conflict` warning where two explicit statements of a field disagree."""
    for field, pick in chosen.items():
        if pick is None or pick.source not in EXPLICIT:
            continue
        other = next((c for c in found if c.field == field and c.source in EXPLICIT and c.source != pick.source
                      and not c.agrees_with(pick)), None)
        if other is not None:
            yield Problem.warning(
                "field_conflict",
                f"{LABELS.get(field, field)}读作“{as_text(pick.value)}”（{_where(pick)}），"
                f"但{_where(other)}写作“{as_text(other.value)}”，请核对。",
                stage="normalize", report_id=report_id)


def _where(candidate: Candidate) -> str:
    page = f"第{candidate.page}页" if candidate.page else ""
    if candidate.source == "cell":
        return f"{page}表格第{candidate.table_no}个表第{candidate.row_no}行"
    return f"{page}的{'句子' if candidate.source == 'sentence' else '文字'}“{candidate.raw[:30]}”"


def _field_row(report_id: str, candidate: Candidate) -> FieldRow:
    source = "cell" if candidate.source == "unit_cell" else candidate.source
    return FieldRow(report_id, candidate.field, as_text(candidate.value), candidate.raw, source,
                    candidate.page, candidate.table_no, candidate.row_no, candidate.sentence)

