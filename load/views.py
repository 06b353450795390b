"""Analyst views over the dataset tables, created with the store's schema (load/store.py).

- `indicator_achievement`: one row per indicator row with a numeric actual, judged the way the
  `below_stage_target` / `below_target` checks judge it (checks/targets.py; a test keeps the two
  in step): `outcome` is met, missed or unjudged; `indicator_key` is the name normalized for
  matching the same indicator across years and agencies (quotes, bracketed units, punctuation and
  one ending such as 人数/数量/场次 removed).
- `report_summary`: one row per report with budget, spending, execution rate, the time-proportional
  progress at the cutoff (序时进度, months elapsed / months of the period), the gap, indicators
  met/missed/unjudged and the warnings.
"""
from __future__ import annotations

INDICATOR_ACHIEVEMENT = r"""
CREATE OR REPLACE VIEW indicator_achievement AS
WITH base AS (
    SELECT i.*, r.source_file, r.agency, r.fiscal_year, r.report_type, r.project_name,
        CASE
            WHEN i.actual_value IS NULL OR i.adjustment = 'deleted' OR i.tracked = false THEN NULL
            WHEN i.stage_target_op IS NOT NULL AND i.stage_target_value IS NOT NULL THEN 'stage'
            WHEN i.stage_target_raw IS NULL AND coalesce(r.report_type, '') <> 'monitoring'
                 AND i.target_op IS NOT NULL AND i.target_value IS NOT NULL THEN 'year'
        END AS judged_against
    FROM indicators i JOIN reports r USING (report_id)
), goal AS (
    SELECT *,
        CASE judged_against WHEN 'stage' THEN stage_target_raw WHEN 'year' THEN target_raw END AS goal_raw,
        CASE judged_against WHEN 'stage' THEN stage_target_op WHEN 'year' THEN target_op END AS goal_op,
        CASE judged_against WHEN 'stage' THEN stage_target_value WHEN 'year' THEN target_value END AS goal_value,
        CASE judged_against WHEN 'stage' THEN stage_target_unit WHEN 'year' THEN target_unit END AS goal_unit
    FROM base
), direction AS (
    SELECT *,
        CASE
            WHEN goal_op IS NULL THEN NULL
            WHEN goal_op <> '=' THEN goal_op
            WHEN target_op IN ('>=', '>', '<=', '<') THEN target_op
            WHEN level1 = '成本指标' OR goal_value = 0 THEN '<='
            ELSE '>='
        END AS judged_op,
        regexp_replace(regexp_replace(regexp_replace(indicator,
            '[（(][^（）()]{0,6}[）)]', '', 'g'),
            '[[:punct:][:space:]“”‘’「」《》、，。：；！？·—…]', '', 'g'),
            '(人数|人次|数量|场次|次数|期数|个数|活动|工作|情况|完成率)$', '') AS indicator_key
    FROM goal
)
SELECT report_id, source_file, agency, fiscal_year, report_type, project_name,
    table_no, table_title, row_no, level1, level2, indicator, indicator_key,
    coalesce(actual_unit, goal_unit, target_unit) AS unit,
    target_raw, stage_target_raw, actual_raw, actual_value,
    judged_against, goal_raw, judged_op, goal_value,
    CASE
        WHEN judged_against IS NULL THEN 'unjudged'
        WHEN goal_unit IS NOT NULL AND actual_unit IS NOT NULL AND goal_unit <> actual_unit THEN 'unjudged'
        WHEN (judged_op = '>=' AND actual_value < goal_value) OR (judged_op = '>' AND actual_value <= goal_value)
          OR (judged_op = '<=' AND actual_value > goal_value) OR (judged_op = '<' AND actual_value >= goal_value)
          THEN 'missed'
        ELSE 'met'
    END AS outcome,
    CASE WHEN judged_op IN ('>=', '>') AND goal_value > 0
         THEN round(actual_value / goal_value * 100, 2) END AS achievement_pct
FROM direction
WHERE actual_raw IS NOT NULL
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
        count(*) FILTER (WHERE outcome = 'unjudged') AS indicators_unjudged
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
    coalesce(a.indicators_unjudged, 0) AS indicators_unjudged,
    coalesce(w.warnings, 0) AS warnings, w.warning_codes
FROM progress p
LEFT JOIN achieved a USING (report_id)
LEFT JOIN warned w USING (report_id)
"""

VIEWS = (INDICATOR_ACHIEVEMENT, REPORT_SUMMARY)  # in dependency order
