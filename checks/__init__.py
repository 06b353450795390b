"""Stage `check`: each indicator row judged, and consistency checks → `problems` warnings.

    checked(records, rules) -> Records   (rows judged: outcome, judged_against, achievement_pct;
                                          the warnings added to problems)

Each check is a small pure function `Records -> Iterator[Finding]`; the sentences live in
`checks.messages`, the behind_schedule thresholds in `checks.rules` (data, overridable by a
TOML/JSON file). Codes: rate_mismatch, behind_schedule, below_stage_target, below_target,
table_prose_mismatch, missing_field; a check that crashes is recorded as check_failed.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial

from perfreports.checks.funding import Finding, behind_schedule, judged_report, missing_field, rate_mismatch
from perfreports.checks.messages import message
from perfreports.checks.prose import table_prose_mismatch
from perfreports.checks.rules import DEFAULT_RULES, RuleSet, ThresholdRule, load_rules
from perfreports.checks.targets import below_target, judge, judged
from perfreports.facts.records import Problem, Records

__all__ = ["checked", "run_checks", "judge", "RuleSet", "ThresholdRule", "DEFAULT_RULES", "load_rules", "CODES"]

CODES = ("rate_mismatch", "behind_schedule", "below_stage_target", "below_target",
         "table_prose_mismatch", "missing_field")


def checked(records: Records, rules: tuple[RuleSet, ...] | None = None) -> Records:
    """`records` with each indicator row judged, the report's computed values filled in
    (`judged_report`), and the checks' warnings added to its problems."""
    if records.report is None:
        return records
    records = judged(records)
    problems = run_checks(records, rules)
    report = judged_report(records, problems)
    return replace(records, report=report, problems=records.problems + tuple(problems))


def run_checks(records: Records, rules: tuple[RuleSet, ...] | None = None) -> list[Problem]:
    """Warnings for one document whose rows are `judged`; nothing for a document that has no
    `reports` row.

    `rules`: the behind_schedule rule sets, read once by the caller (`checks.rules.configured_rules`);
    the default set when None."""
    if records.report is None:
        return []
    rules = DEFAULT_RULES if rules is None else rules
    checks = (
        ("missing_field", missing_field),
        ("rate_mismatch", rate_mismatch),
        ("behind_schedule", partial(behind_schedule, rules=rules)),
        ("below_target", below_target),
        ("table_prose_mismatch", table_prose_mismatch),
    )
    problems = []
    for name, check in checks:
        try:
            findings = list(check(records))
        except Exception as err:  # a bug in one check must not cost the document its rows
            findings = [Finding("check_failed", message("check_failed", check=name,
                                                        error=f"{type(err).__name__}: {err}"))]
        problems += [Problem.warning(f.code, f.message, stage="check", source_file=records.source_file,
                                     report_id=records.report_id) for f in findings]
    return problems
