"""The rule set of `behind_schedule`: provincial execution-rate warning thresholds, as data.

The default is Sichuan's 川财绩〔2025〕10号: execution below 25% by the end of April, 40% by June,
60% by August, 80% by October is a warning. Another province's set is a small TOML or JSON file

    [[behind_schedule]]                  {"behind_schedule": [
    by_month = 4                           {"by_month": 4, "min_rate_pct": 25, "source": "…"},
    min_rate_pct = 25                      …]}
    source = "川财绩〔2025〕10号"

named by `ingest --rules FILE` or the environment variable PERFREPORTS_CHECK_RULES — read and
checked once, before any file is read (a bad file is exit 2) — or passed to
`checks.run_checks(records, rules=load_rules(path))`.
"""
from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

RULES_ENV = "PERFREPORTS_CHECK_RULES"


@dataclass(frozen=True)
class ThresholdRule:
    """By the end of month `by_month` of the fiscal year, execution should reach `min_rate_pct`."""

    by_month: int
    min_rate_pct: Decimal
    source: str

    def __post_init__(self):
        if not 1 <= self.by_month <= 12:
            raise ValueError(f"behind_schedule rule: by_month must be 1..12, got {self.by_month!r}")
        if not 0 <= self.min_rate_pct <= 100:
            raise ValueError(f"behind_schedule rule: min_rate_pct must be 0..100, got {self.min_rate_pct!r}")


SICHUAN_2025 = "川财绩〔2025〕10号"
DEFAULT_RULES: tuple[ThresholdRule, ...] = tuple(
    ThresholdRule(month, Decimal(rate), SICHUAN_2025) for month, rate in ((4, 25), (6, 40), (8, 60), (10, 80))
)


class RulesError(ValueError):
    """A rules file that cannot be read or does not hold a valid rule set."""


def load_rules(path: str | Path) -> tuple[ThresholdRule, ...]:
    """The `behind_schedule` rules of a .toml or .json file, sorted by month."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as err:
        raise RulesError(f"cannot read rules file {path}: {err}") from err
    entries = data.get("behind_schedule") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise RulesError(f"{path}: expected a non-empty list `behind_schedule` of rules")
    try:
        rules = [ThresholdRule(int(e["by_month"]), Decimal(str(e["min_rate_pct"])), str(e["source"]))
                 for e in entries]
    except (KeyError, TypeError, ArithmeticError, ValueError) as err:
        raise RulesError(f"{path}: bad rule ({err}); each needs by_month, min_rate_pct, source") from err
    return tuple(sorted(rules, key=lambda r: r.by_month))


def configured_rules(path: str | None = None) -> tuple[ThresholdRule, ...]:
    """The rules of the file `path`, else of the file PERFREPORTS_CHECK_RULES names, else the
    default set. `RulesError` for a file that cannot be read or holds no valid rule set."""
    path = path or os.environ.get(RULES_ENV)
    if path:
        try:
            return load_rules(path)
        except RulesError as err:
            source = "--rules" if path != os.environ.get(RULES_ENV) else RULES_ENV
            raise RulesError(f"{source}: {err}") from err
    return DEFAULT_RULES
