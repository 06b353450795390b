"""The rule sets of `behind_schedule`: provincial execution-rate warning thresholds, as data.

Every report is held to 序时进度 (the share of its period elapsed at the cutoff). A provincial
rule set adds thresholds — Sichuan's 川财绩〔2025〕10号: below 25% by the end of April, 40% by June,
60% by August, 80% by October is a warning — and applies only to reports of its province and
years: the report's `province` (facts/report/regions.py) and fiscal year pick the set; a report
no set applies to is held to 序时进度 only. The shipped sets are `rules.toml` beside this file.
Another file (TOML or JSON), named by `ingest --rules FILE` or the environment variable
PERFREPORTS_CHECK_RULES, replaces them:

    [[rule_set]]                          {"rule_set": [
    source = "川财绩〔2025〕10号"              {"source": "…", "province": "四川", "from_year": 2025,
    province = "四川"   # omit: every one       "thresholds": [{"by_month": 4, "min_rate_pct": 25}, …]},
    from_year = 2025    # optional            …]}
    to_year = 2027      # optional
    thresholds = [{by_month = 4, min_rate_pct = 25}, …]

A file of the earlier layout — a list `behind_schedule` of {by_month, min_rate_pct, source} — is
one set for every province and year. The file is read and checked once, before any file is read
(a bad one is exit 2).
"""
from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

RULES_ENV = "PERFREPORTS_CHECK_RULES"
SHIPPED_RULES = Path(__file__).with_name("rules.toml")


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


@dataclass(frozen=True)
class RuleSet:
    """Thresholds issued by `source`, for reports of `province` (None: any) in the fiscal years
    `from_year`..`to_year` (None: open)."""

    source: str
    thresholds: tuple[ThresholdRule, ...]
    province: str | None = None
    from_year: int | None = None
    to_year: int | None = None

    def applies(self, province: str | None, year: int | None) -> bool:
        if self.province is not None and province != self.province:
            return False
        if year is None:
            return self.from_year is None and self.to_year is None
        return (self.from_year is None or year >= self.from_year) and (self.to_year is None or year <= self.to_year)


class RulesError(ValueError):
    """A rules file that cannot be read or does not hold a valid rule set."""


def rule_set_for(rules: tuple[RuleSet, ...], province: str | None, year: int | None) -> RuleSet | None:
    """The set for a report of `province` and `year`: a set of its own province before a set for
    every province; None when none applies (only 序时进度 then)."""
    applying = [s for s in rules if s.applies(province, year)]
    return min(applying, key=lambda s: s.province is None) if applying else None


def load_rules(path: str | Path) -> tuple[RuleSet, ...]:
    """The rule sets of a .toml or .json file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as err:
        raise RulesError(f"cannot read rules file {path}: {err}") from err
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a list `rule_set` (or `behind_schedule`) of rules")
    try:
        if "rule_set" in data:
            return tuple(_rule_set(entry) for entry in _entries(data["rule_set"], path, "rule_set"))
        entries = _entries(data.get("behind_schedule"), path, "rule_set` (or `behind_schedule")
        thresholds = tuple(_threshold(e, str(e["source"])) for e in entries)
        return (RuleSet("; ".join(dict.fromkeys(t.source for t in thresholds)), _sorted(thresholds)),)
    except (KeyError, TypeError, AttributeError, ArithmeticError, ValueError) as err:
        raise RulesError(f"{path}: bad rule ({err}); a rule set needs source and thresholds "
                         "(by_month, min_rate_pct); province, from_year, to_year are optional") from err


def configured_rules(path: str | None = None) -> tuple[RuleSet, ...]:
    """The rule sets of the file `path`, else of the file PERFREPORTS_CHECK_RULES names, else
    the shipped ones. `RulesError` for a file that cannot be read or holds no valid rule set."""
    path = path or os.environ.get(RULES_ENV)
    if path:
        try:
            return load_rules(path)
        except RulesError as err:
            source = "--rules" if path != os.environ.get(RULES_ENV) else RULES_ENV
            raise RulesError(f"{source}: {err}") from err
    return DEFAULT_RULES


def _entries(value, path: Path, name: str) -> list:
    if not isinstance(value, list) or not value:
        raise RulesError(f"{path}: expected a non-empty list `{name}` of rules")
    return value


def _rule_set(entry: dict) -> RuleSet:
    source = str(entry["source"])
    thresholds = _sorted(tuple(_threshold(t, source) for t in entry["thresholds"]))
    if not thresholds:
        raise ValueError(f"{source}: no thresholds")
    years = [entry.get(k) for k in ("from_year", "to_year")]
    return RuleSet(source, thresholds, entry.get("province") or None,
                   *(int(y) if y is not None else None for y in years))


def _threshold(entry: dict, source: str) -> ThresholdRule:
    return ThresholdRule(int(entry["by_month"]), Decimal(str(entry["min_rate_pct"])), source)


def _sorted(thresholds: tuple[ThresholdRule, ...]) -> tuple[ThresholdRule, ...]:
    return tuple(sorted(thresholds, key=lambda t: t.by_month))


DEFAULT_RULES: tuple[RuleSet, ...] = load_rules(SHIPPED_RULES)
