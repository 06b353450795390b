"""Rows of the four dataset tables (shared/SCHEMA.md), as produced from one document."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ReportRow:
    report_id: str
    source_file: str
    source_path: str
    source_format: str
    pages: int | None = None
    title: str | None = None
    report_type: str | None = None
    fiscal_year: int | None = None
    project_name: str | None = None
    agency: str | None = None
    assessor: str | None = None
    report_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    cutoff_date: date | None = None
    budget_yuan: Decimal | None = None
    received_yuan: Decimal | None = None
    spent_yuan: Decimal | None = None
    execution_rate_pct: Decimal | None = None
    arrival_rate_pct: Decimal | None = None
    # The same report in several files (PDF, DOCX, scan) shares it (facts/documents.py).
    document_id: str | None = None
    province: str | None = None  # short name (四川), from the agency, title or opening text
    # Set by stage checks from the values above:
    computed_execution_rate_pct: Decimal | None = None  # spent ÷ budget × 100, rounded to 0.01
    time_progress_pct: Decimal | None = None  # 序时进度 at the cutoff: months elapsed ÷ months of the period
    behind_schedule: bool | None = None  # None: not judged (no cutoff, rate or budget)
    missing_parts: str | None = None  # what a report of its kind should hold but this one lacks
    corrected: bool = False  # a reviewer's correction applies to a field (table corrections)


@dataclass(frozen=True)
class IndicatorRow:
    report_id: str
    table_no: int
    table_title: str | None
    row_no: int
    level1: str | None
    level2: str | None
    level1_raw: str | None
    level2_raw: str | None
    indicator: str
    target_raw: str | None = None
    target_op: str | None = None
    target_value: Decimal | None = None
    target_unit: str | None = None
    stage_target_raw: str | None = None
    stage_target_op: str | None = None
    stage_target_value: Decimal | None = None
    stage_target_unit: str | None = None
    actual_raw: str | None = None
    actual_op: str | None = None
    actual_value: Decimal | None = None
    actual_unit: str | None = None
    adjustment: str | None = None
    tracked: bool | None = None
    explanation: str | None = None  # 指标解释
    weight: Decimal | None = None  # 分值
    score: Decimal | None = None  # 得分
    deviation_reason: str | None = None  # 偏差原因 / 原因分析
    page: int | None = None
    level1_weight: Decimal | None = None  # the points printed with the level-1 name: 产出指标（50分） → 50
    other_columns: str | None = None  # JSON {header path: text} of the columns read into no field
    # Set by stage checks (checks.targets.judge), the one place a row is judged:
    outcome: str | None = None  # met, missed, not_judged
    judged_against: str | None = None  # stage_target, target; None when not judged
    achievement_pct: Decimal | None = None  # actual / judged target × 100, for a minimum (≥) target
    not_judged_reason: str | None = None  # qualitative, no_actual, no_target, no_stage_target, units_differ, not_tracked
    # The measure this row reports, from the concept vocabulary (facts/concepts/): null when none fits.
    concept_id: str | None = None
    concept: str | None = None  # its Chinese name
    concept_score: Decimal | None = None  # 1 from the user's crosswalk, 0.95 by a word rule, else the similarity
    concept_how: str | None = None  # crosswalk, rule, fuzzy
    corrected: bool = False  # a reviewer's correction applies to the row, or added it (table corrections)


@dataclass(frozen=True)
class IndicatorCell:
    """One table cell an indicator row was read from (table `indicator_cells`): where to find it
    on the page (PDF, scan) or in the Word file (DOCX)."""

    report_id: str
    table_no: int
    row_no: int
    column: str  # the `indicators` column its text went into: indicator, target_raw, level1, other_columns …
    text: str  # the cell's text as read
    page: int | None  # the page it stands on; null for DOCX
    x0: float | None  # its box on that page in PDF points from the top-left corner; null for DOCX
    top: float | None
    x1: float | None
    bottom: float | None
    table_index: int  # the table's order among the document's tables (1-based; report_fields.table_no)
    cell_row: int  # the cell's first row and column on that table's grid (1-based)
    cell_col: int
    confidence: float | None = None  # lowest OCR confidence of its text; null when not OCRed


@dataclass(frozen=True)
class FieldRow:
    """Where one `reports` value was read (table `report_fields`)."""

    report_id: str
    field: str  # a `reports` column; `period` for period_start/period_end
    value: str | None  # as stored in `reports`, as text (ISO dates, plain decimals)
    raw: str | None  # the text it was read from
    source: str  # cell, line, sentence, title, cover, header
    page: int | None = None
    table_no: int | None = None  # the table's order among the document's tables
    row_no: int | None = None  # 1-based row of that table
    sentence: str | None = None
    # Where `raw` stands (provenance, left out of comparisons): its box on `page` in PDF points
    # (null for DOCX), the cell's column for a cell, the paragraph's number for text.
    x0: float | None = field(default=None, compare=False)
    top: float | None = field(default=None, compare=False)
    x1: float | None = field(default=None, compare=False)
    bottom: float | None = field(default=None, compare=False)
    col_no: int | None = field(default=None, compare=False)  # 1-based column of the cell (source cell, header)
    paragraph_no: int | None = field(default=None, compare=False)  # 1-based among the headings and paragraphs


@dataclass(frozen=True)
class FigureRow:
    report_id: str
    kind: str  # money, persons, person_times, count, percent, date
    value: Decimal | None
    unit: str | None
    qualifier: str | None
    label: str | None
    raw: str
    section: str | None
    page: int | None
    sentence: str
    # The indicator row it speaks about (facts/links.py), null when none or several fit:
    concept_id: str | None = None  # the concept its label names
    indicator_table_no: int | None = None
    indicator_row_no: int | None = None
    # Where `raw` stands (provenance, left out of comparisons): its box on `page` in PDF points
    # (null for DOCX, or when the figure itself is printed on the next page), and the number of
    # its heading or paragraph among the document's headings and paragraphs (every format).
    x0: float | None = field(default=None, compare=False)
    top: float | None = field(default=None, compare=False)
    x1: float | None = field(default=None, compare=False)
    bottom: float | None = field(default=None, compare=False)
    paragraph_no: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Problem:
    source_file: str
    severity: str  # error, warning
    code: str
    message: str
    stage: str  # extract, normalize, load, check
    report_id: str | None = None

    @classmethod
    def error(cls, code: str, message: str, *, stage: str, source_file: str = "",
              report_id: str | None = None) -> Problem:
        """An input rejected or a stage failed."""
        return cls(source_file, "error", code, message, stage, report_id)

    @classmethod
    def warning(cls, code: str, message: str, *, stage: str, source_file: str = "",
                report_id: str | None = None) -> Problem:
        """Extracted, but suspicious."""
        return cls(source_file, "warning", code, message, stage, report_id)


@dataclass(frozen=True)
class Records:
    """Everything one input file contributes to the dataset."""

    source_file: str
    source_path: str
    report_id: str | None  # None when the file could not be read at all
    report: ReportRow | None = None
    indicators: tuple[IndicatorRow, ...] = ()
    figures: tuple[FigureRow, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    fields: tuple[FieldRow, ...] = ()
    cells: tuple[IndicatorCell, ...] = ()  # where each indicator row's cells stand
