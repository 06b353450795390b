"""Analyst views over the dataset tables, created with the store's schema (storage/store.py).

- `indicator_achievement`: one row per indicator row with an actual, with the judgement stored
  on the row (`outcome` met / missed / not_judged, `judged_against`, `achievement_pct`: made once,
  in checks/targets.py, the same the warnings use); `goal_raw` the target it was judged against;
  `indicator_key` is the name normalized for
  matching the same indicator across years and agencies (quotes, bracketed units, punctuation and
  one ending such as 人数/数量/场次 removed).
- `report_summary`: one row per report with budget, spending, execution rate, the time-proportional
  progress at the cutoff (序时进度, months elapsed / months of the period), the gap, indicators
  met/missed/not judged and the warnings.
"""
from __future__ import annotations

INDICATOR_ACHIEVEMENT = r"""
CREATE OR REPLACE VIEW indicator_achievement AS
SELECT i.report_id, r.source_file, r.agency, r.fiscal_year, r.report_type, r.project_name,
    i.table_no, i.table_title, i.row_no, i.page, i.level1, i.level2, i.indicator,
    regexp_replace(regexp_replace(regexp_replace(i.indicator,
        '[（(][^（）()]{0,6}[）)]', '', 'g'),
        '[[:punct:][:space:]“”‘’「」《》、，。：；！？·—…]', '', 'g'),
        '(人数|人次|数量|场次|次数|期数|个数|活动|工作|情况|完成率)$', '') AS indicator_key,
    coalesce(i.actual_unit, i.stage_target_unit, i.target_unit) AS unit,
    i.target_raw, i.stage_target_raw, i.actual_raw, i.actual_value,
    i.judged_against,
    CASE i.judged_against WHEN 'stage_target' THEN i.stage_target_raw WHEN 'target' THEN i.target_raw END AS goal_raw,
    coalesce(i.outcome, 'not_judged') AS outcome,
    i.achievement_pct
FROM indicators i JOIN reports r USING (report_id)
WHERE i.actual_raw IS NOT NULL
"""

REPORT_SUMMARY = r"""
CREATE OR REPLACE VIEW report_summary AS
WITH period AS (
    SELECT r.*,
        coalesce(r.period_start, make_date(year(r.cutoff_date), 1, 1)) AS p_start,
        coalesce(r.period_end, make_date(year(coalesce(r.period_start, r.cutoff_date)), 12, 31)) AS p_end
    FROM reports r
), months AS (
    SELECT *,
        (year(cutoff_date) - year(p_start)) * 12 + month(cutoff_date) - month(p_start)
            + day(cutoff_date) / day(last_day(cutoff_date)) AS m_elapsed,
        (year(p_end) - year(p_start)) * 12 + month(p_end) - month(p_start)
            + day(p_end) / day(last_day(p_end)) AS m_total
    FROM period
), progress AS (
    SELECT *, CASE WHEN cutoff_date IS NOT NULL AND m_total > 0
        THEN round(least(greatest(m_elapsed, 0), m_total) / m_total * 100, 2) END AS time_progress_pct
    FROM months
), achieved AS (
    SELECT report_id,
        count(*) FILTER (WHERE outcome = 'met') AS indicators_met,
        count(*) FILTER (WHERE outcome = 'missed') AS indicators_missed,
        count(*) FILTER (WHERE outcome = 'not_judged') AS indicators_not_judged
    FROM indicator_achievement GROUP BY report_id
), warned AS (
    SELECT report_id, count(*) AS warnings,
        string_agg(DISTINCT code, ', ' ORDER BY code) AS warning_codes
    FROM problems WHERE severity = 'warning' GROUP BY report_id
)
SELECT p.report_id, p.source_file, p.source_format, p.title, p.agency, p.fiscal_year, p.project_name,
    p.report_type, p.cutoff_date, p.budget_yuan, p.received_yuan, p.spent_yuan,
    p.execution_rate_pct, p.arrival_rate_pct, p.time_progress_pct,
    round(p.execution_rate_pct - p.time_progress_pct, 2) AS schedule_gap_pct,
    coalesce(a.indicators_met, 0) AS indicators_met,
    coalesce(a.indicators_missed, 0) AS indicators_missed,
    coalesce(a.indicators_not_judged, 0) AS indicators_not_judged,
    coalesce(w.warnings, 0) AS warnings, w.warning_codes
FROM progress p
LEFT JOIN achieved a USING (report_id)
LEFT JOIN warned w USING (report_id)
"""

VIEWS = (INDICATOR_ACHIEVEMENT, REPORT_SUMMARY)  # in dependency order
