"""Stage `check`: consistency checks over one document's rows → `problems` warnings.

    run_checks(records) -> list[Problem]

Each check is a small pure function `Records -> Iterator[Finding]`; the sentences live in
`checks.messages`, the behind_schedule thresholds in `checks.rules` (data, overridable by a
TOML/JSON file). Codes: rate_mismatch, behind_schedule, below_stage_target, below_target,
table_prose_mismatch, missing_field; a check that crashes is recorded as check_failed.
"""
from __future__ import annotations

from functools import partial

from checks.funding import Finding, behind_schedule, missing_field, rate_mismatch
from checks.messages import message
from checks.prose import table_prose_mismatch
from checks.rules import DEFAULT_RULES, ThresholdRule, load_rules
from checks.targets import below_target, outcome
from facts.records import Problem, Records

__all__ = ["run_checks", "ThresholdRule", "DEFAULT_RULES", "load_rules", "outcome", "CODES"]

CODES = ("rate_mismatch", "behind_schedule", "below_stage_target", "below_target",
         "table_prose_mismatch", "missing_field")


def run_checks(records: Records, rules: tuple[ThresholdRule, ...] | None = None) -> list[Problem]:
    """Warnings for one document; nothing for a document that has no `reports` row.

    `rules`: the behind_schedule rule set, read once by the caller (`checks.rules.configured_rules`);
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
        problems += [Problem(source_file=records.source_file, severity="warning", code=f.code,
                             message=f.message, stage="check", report_id=records.report_id)
                     for f in findings]
    return problems
