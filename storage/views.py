"""Analyst views over the dataset tables, created with the store's schema (storage/store.py).
They read what the stages stored (a row's judgement, a report's time progress); nothing is judged
again here.

- `documents`: one row per document — the files that hold one report (PDF, DOCX, scan) share a
  `document_id` — with the file that stands for it (`report_id`: a PDF before a DOCX before a
  scan), its files, and the fields they disagree on.
- `indicator_achievement`: one row per indicator row with an actual, of the file that stands for
  its document: the stored judgement (`outcome` met / missed / not_judged, `judged_against`,
  `achievement_pct`), `goal_raw` the target it was judged against, `indicator_key` the name
  normalized for matching across years and agencies (quotes, bracketed units, punctuation and one
  ending such as 人数/数量/场次 removed).
- `report_summary`: one row per document with budget, spending, stated and computed execution
  rate, the time-proportional progress at the cutoff (序时进度), the gap, behind_schedule, the
  parts missing, indicator rows read, indicators met/missed/not judged and the warnings.
- `concept_trend`: one row per indicator concept × agency × fiscal year × report type × unit
  (one file per document): documents, rows, the sums of actuals and targets, met and missed, the
  indicator names that were read as this concept.
"""
from __future__ import annotations

# Fields compared between the files of one document; a difference is listed in
# `documents.disagreements` and gives a `document_mismatch` warning.
COMPARED_FIELDS = ("title", "report_type", "fiscal_year", "project_name", "agency", "assessor", "report_date",
                   "period_start", "period_end", "cutoff_date", "budget_yuan", "received_yuan", "spent_yuan",
                   "execution_rate_pct", "arrival_rate_pct")
_FORMAT_ORDER = "CASE r.source_format WHEN 'pdf' THEN 0 WHEN 'docx' THEN 1 WHEN 'doc' THEN 2 ELSE 3 END"


def _disagreement(field: str) -> str:
    return f"CASE WHEN count(DISTINCT coalesce(CAST({field} AS VARCHAR), '∅')) > 1 THEN '{field}' END"


def documents_query(one_document: bool = False) -> str:
    """The `documents` view's query; with `one_document`, for the document_id given as `?` only
    (what the store asks after writing each file, without aggregating the whole table)."""
    only = "WHERE coalesce(r.document_id, r.report_id) = ?" if one_document else ""
    return f"""
WITH ranked AS (
    SELECT r.*, coalesce(r.document_id, r.report_id) AS doc,
        row_number() OVER (PARTITION BY coalesce(r.document_id, r.report_id)
                           ORDER BY {_FORMAT_ORDER}, r.source_file, r.report_id) AS file_rank
    FROM reports r {only}
), content AS (
    SELECT report_id, md5(string_agg(concat_ws('|', table_no, row_no, indicator, target_raw, stage_target_raw,
                                               actual_raw), ';' ORDER BY table_no, row_no)) AS indicators_digest
    FROM indicators WHERE report_id IN (SELECT report_id FROM ranked) GROUP BY report_id
)
SELECT doc AS document_id,
    arg_min(report_id, file_rank) AS report_id,
    count(*) AS files,
    string_agg(source_file, ', ' ORDER BY file_rank) AS source_files,
    nullif(concat_ws(', ', {", ".join(_disagreement(f) for f in COMPARED_FIELDS)},
        CASE WHEN count(DISTINCT coalesce(c.indicators_digest, '∅')) > 1 THEN 'indicators' END), '') AS disagreements
FROM ranked LEFT JOIN content c USING (report_id)
GROUP BY doc
"""


DOCUMENTS = "CREATE OR REPLACE VIEW documents AS" + documents_query()

INDICATOR_ACHIEVEMENT = r"""
CREATE OR REPLACE VIEW indicator_achievement AS
SELECT d.document_id, i.report_id, r.source_file, r.agency, r.province, r.fiscal_year, r.report_type,
    r.project_name, i.table_no, i.table_title, i.row_no, i.page, i.level1, i.level2, i.indicator,
    i.concept_id, i.concept,
    regexp_replace(regexp_replace(regexp_replace(i.indicator,
        '[（(][^（）()]{0,6}[）)]', '', 'g'),
        '[[:punct:][:space:]“”‘’「」《》、，。：；！？·—…]', '', 'g'),
        '(人数|人次|数量|场次|次数|期数|个数|活动|工作|情况|完成率)$', '') AS indicator_key,
    coalesce(i.actual_unit, i.stage_target_unit, i.target_unit) AS unit,
    i.target_raw, i.stage_target_raw, i.actual_raw, i.actual_value,
    i.judged_against,
    CASE i.judged_against WHEN 'stage_target' THEN i.stage_target_raw WHEN 'target' THEN i.target_raw END AS goal_raw,
    coalesce(i.outcome, 'not_judged') AS outcome, i.not_judged_reason,
    i.achievement_pct
FROM indicators i JOIN reports r USING (report_id) JOIN documents d USING (report_id)
WHERE i.actual_raw IS NOT NULL
"""

REPORT_SUMMARY = r"""
CREATE OR REPLACE VIEW report_summary AS
WITH achieved AS (
    SELECT report_id,
        count(*) FILTER (WHERE outcome = 'met') AS indicators_met,
        count(*) FILTER (WHERE outcome = 'missed') AS indicators_missed,
        count(*) FILTER (WHERE outcome = 'not_judged') AS indicators_not_judged,
        count(*) FILTER (WHERE not_judged_reason = 'qualitative') AS indicators_qualitative
    FROM indicator_achievement GROUP BY report_id
), rows_read AS (
    SELECT report_id, count(*) AS indicator_rows FROM indicators GROUP BY report_id
), warned AS (
    SELECT r.report_id, count(*) AS warnings,
        string_agg(DISTINCT p.code, ', ' ORDER BY p.code) AS warning_codes
    FROM problems p JOIN reports r USING (report_id)
    WHERE p.severity = 'warning' GROUP BY r.report_id
)
SELECT d.document_id, r.report_id, d.files, d.source_files, d.disagreements,
    r.source_file, r.source_format, r.title, r.agency, r.province, r.fiscal_year, r.project_name,
    r.report_type, r.cutoff_date, r.budget_yuan, r.received_yuan, r.spent_yuan,
    r.execution_rate_pct, r.computed_execution_rate_pct, r.arrival_rate_pct, r.time_progress_pct,
    round(r.execution_rate_pct - r.time_progress_pct, 2) AS schedule_gap_pct,
    r.behind_schedule, r.missing_parts,
    coalesce(n.indicator_rows, 0) AS indicator_rows,
    coalesce(a.indicators_met, 0) AS indicators_met,
    coalesce(a.indicators_missed, 0) AS indicators_missed,
    coalesce(a.indicators_not_judged, 0) AS indicators_not_judged,
    coalesce(a.indicators_qualitative, 0) AS indicators_qualitative,
    coalesce(w.warnings, 0) AS warnings, w.warning_codes
FROM documents d JOIN reports r USING (report_id)
LEFT JOIN rows_read n USING (report_id)
LEFT JOIN achieved a USING (report_id)
LEFT JOIN warned w USING (report_id)
"""

CONCEPT_TREND = r"""
CREATE OR REPLACE VIEW concept_trend AS
SELECT i.concept_id, i.concept, r.agency, r.province, r.fiscal_year, r.report_type,
    coalesce(i.actual_unit, i.stage_target_unit, i.target_unit) AS unit,
    count(DISTINCT d.document_id) AS documents, count(*) AS indicator_rows,
    sum(i.actual_value) AS actual_total, sum(i.target_value) AS target_total,
    count(*) FILTER (WHERE i.outcome = 'met') AS met, count(*) FILTER (WHERE i.outcome = 'missed') AS missed,
    string_agg(DISTINCT i.indicator, '；' ORDER BY i.indicator) AS indicators
FROM indicators i JOIN documents d USING (report_id) JOIN reports r USING (report_id)
WHERE i.concept_id IS NOT NULL
GROUP BY ALL
"""

VIEWS = (DOCUMENTS, INDICATOR_ACHIEVEMENT, REPORT_SUMMARY, CONCEPT_TREND)  # in dependency order
