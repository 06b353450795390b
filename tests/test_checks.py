"""Stage `check`: each check on tiny hand-made rows, then the self-contradicting sample variants
(tests/data/variants) and the untouched samples end to end, with exactly the expected warnings."""
from __future__ import annotations

import dataclasses

import json
from collections import Counter
from datetime import date
from decimal import Decimal as D
from functools import lru_cache
from pathlib import Path

import pytest

from perfreports import checks, process
from perfreports.checks.funding import behind_schedule, missing_field, rate_agrees, rate_mismatch, time_progress
from perfreports.checks.prose import table_prose_mismatch
from perfreports.facts.concepts import default_matcher, with_concepts
from perfreports.facts.links import linked_figures, name_key
from perfreports.checks.rules import DEFAULT_RULES, RULES_ENV, RuleSet, RulesError, ThresholdRule, configured_rules, \
    load_rules, rule_set_for
from perfreports.checks.targets import Judgement, below_target as warnings_of_judged, judge, judged
from perfreports.facts.records import FigureRow, IndicatorRow, Records, ReportRow

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ROOT / "tests" / "data" / "variants"


def outcome(row, report_type):
    return judge(row, report_type).outcome


def below_target(recs):
    """The below_(stage_)target warnings of `recs`, judged first as `checks.checked` does."""
    return warnings_of_judged(judged(recs))


def report(**values) -> ReportRow:
    base = dict(report_id="r1", source_file="r.pdf", source_path="r.pdf", source_format="pdf",
                report_type="monitoring", fiscal_year=2023, period_start=date(2023, 1, 1),
                period_end=date(2023, 12, 31), cutoff_date=date(2023, 10, 31),
                budget_yuan=D(4900000), received_yuan=D(4900000), spent_yuan=D("1345368"),
                execution_rate_pct=D("27.45"), arrival_rate_pct=D(100))
    return ReportRow(**{**base, **values})


def indicator(name="开展送温暖人数", row_no=1, level1="产出指标", **values) -> IndicatorRow:
    return IndicatorRow(report_id="r1", table_no=4, table_title="对比表", row_no=row_no, level1=level1,
                        level2="数量指标", level1_raw=level1, level2_raw="数量指标", indicator=name, **values)


def figure(value, label="开展送温暖活动", unit="人", raw=None, sentence=None, section="2.项目内容", page=6) -> FigureRow:
    raw = raw or f"{value}{unit}"
    return FigureRow(report_id="r1", kind="persons" if unit == "人" else "person_times", value=D(value),
                     unit=unit, qualifier=None, label=label, raw=raw, section=section, page=page,
                     sentence=sentence or f"慰问{raw}。")


def records(rep=None, indicators=(), figures=()) -> Records:
    return Records("r.pdf", "r.pdf", "r1", report=rep or report(), indicators=tuple(indicators),
                   figures=tuple(figures))


def codes(findings) -> list[str]:
    return [f.code for f in findings]


# --- rate_mismatch ---------------------------------------------------------------------------

@pytest.mark.parametrize("stated, computed, decimals, agrees", [
    ("27.45", "27.4565", 2, True),   # truncated (134.5368 / 490)
    ("27.46", "27.4565", 2, True),   # rounded
    ("30", "27.4565", 0, False),
    ("27.4", "27.4565", 1, True),
    ("27.44", "27.4565", 2, False),
    ("80", "80.004", 2, True),
    ("80", "80.02", 2, False),       # printed 80.00%: the two decimals count
    ("80", "80.02", 0, True),
])
def test_rate_agrees_allows_rounding_and_truncation_to_printed_decimals(stated, computed, decimals, agrees):
    assert rate_agrees(D(stated), D(computed), decimals) is agrees


def test_seed_rate_is_truncation_not_a_mismatch():
    assert list(rate_mismatch(records())) == []


def test_wrong_execution_rate_is_a_mismatch_with_the_numbers():
    [found] = rate_mismatch(records(report(execution_rate_pct=D(30))))
    assert found.code == "rate_mismatch"
    for words in ("30%", "134.5368万元", "490万元", "27.46%"):
        assert words in found.message


def test_execution_rate_over_funds_in_place_is_accepted():
    rep = report(budget_yuan=D(1250000), received_yuan=D(1000000), spent_yuan=D("386420.5"),
                 execution_rate_pct=D("38.64"), arrival_rate_pct=D(80))
    assert list(rate_mismatch(records(rep))) == []


def test_wrong_arrival_rate_is_a_mismatch():
    [found] = rate_mismatch(records(report(received_yuan=D(4000000))))
    assert "到位率100%" in found.message and "400万元" in found.message and "81.63%" in found.message


def test_printed_decimals_come_from_the_prose_figure():
    rep = report(budget_yuan=D(1000), received_yuan=D("800.2"), arrival_rate_pct=D(80),
                 spent_yuan=D("274.5"), execution_rate_pct=D("27.45"))
    printed = FigureRow("r1", "percent", D(80), "%", None, "到位率", "80.00%", None, 3, "到位率80.00%。")
    assert codes(rate_mismatch(records(rep, figures=[printed]))) == ["rate_mismatch"]
    assert codes(rate_mismatch(records(rep))) == []  # `80` alone: 80.02 rounds to it


def test_no_rate_check_without_the_amounts():
    assert list(rate_mismatch(records(report(spent_yuan=None, budget_yuan=None)))) == []


# --- behind_schedule -------------------------------------------------------------------------

def test_time_progress_is_months_elapsed_over_twelve():
    progress, elapsed, total = time_progress(date(2023, 10, 31), None, None)
    assert (round(progress, 2), elapsed, total) == (D("83.33"), 10, 12)
    assert time_progress(date(2024, 6, 15), date(2024, 1, 1), date(2024, 12, 31))[1] == D("5.5")
    assert time_progress(date(2025, 3, 1), date(2024, 1, 1), date(2024, 12, 31))[0] == 100


def sichuan(**values) -> ReportRow:
    """The seed's figures as a Sichuan report of 2025, the first year 川财绩〔2025〕10号 applies to."""
    base = dict(province="四川", fiscal_year=2025, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                cutoff_date=date(2025, 10, 31))
    return report(**{**base, **values})


def test_seed_is_behind_progress_and_the_october_rule():
    progress, rule = behind_schedule(records(sichuan()), DEFAULT_RULES)
    assert "27.45%" in progress.message and "序时进度83.33%" in progress.message
    assert "55.88个百分点" in progress.message
    assert "川财绩〔2025〕10号" in rule.message and "10月底" in rule.message and "80%" in rule.message


@pytest.mark.parametrize("province, year", [("江西", 2025), (None, 2025), ("四川", 2024), ("湖北", 2020)])
def test_the_sichuan_thresholds_hold_for_sichuan_from_2025_only(province, year):
    rep = report(province=province, fiscal_year=year, period_start=date(year, 1, 1), period_end=date(year, 12, 31),
                 cutoff_date=date(year, 10, 31))
    [progress] = behind_schedule(records(rep), DEFAULT_RULES)  # 序时进度 only
    assert "序时进度" in progress.message and "川财绩" not in progress.message


@pytest.mark.parametrize("cutoff, rate, expected_rule", [
    (date(2025, 4, 30), "20", "4月底"),
    (date(2025, 4, 29), "20", None),          # April not over: no rule applies yet, 序时 does
    (date(2025, 6, 30), "39.99", "6月底"),
    (date(2025, 6, 30), "40", None),
    (date(2025, 9, 30), "59", "8月底"),       # the latest rule due at the cutoff
    (date(2025, 12, 31), "79", "10月底"),
])
def test_provincial_thresholds(cutoff, rate, expected_rule):
    found = [f for f in behind_schedule(records(sichuan(cutoff_date=cutoff, execution_rate_pct=D(rate))),
                                        DEFAULT_RULES) if "预警规则" in f.message]
    assert [expected_rule in f.message for f in found] == ([True] if expected_rule else [])


def test_on_schedule_is_quiet():
    assert list(behind_schedule(records(sichuan(cutoff_date=date(2025, 6, 30), execution_rate_pct=D(55))),
                                DEFAULT_RULES)) == []


def test_no_cutoff_no_schedule_check():
    assert list(behind_schedule(records(report(cutoff_date=None)), DEFAULT_RULES)) == []


def test_a_province_set_comes_before_a_set_for_every_province():
    every = RuleSet("X", (ThresholdRule(6, D(10), "X"),))
    jiangxi = RuleSet("赣财绩〔2024〕1号", (ThresholdRule(6, D(50), "赣财绩〔2024〕1号"),), "江西", 2024, 2026)
    rules = (every, jiangxi)
    assert rule_set_for(rules, "江西", 2025) is jiangxi
    assert rule_set_for(rules, "江西", 2027) is every and rule_set_for(rules, "四川", 2025) is every
    assert rule_set_for((jiangxi,), "江西", None) is None  # no year: a set bound to years cannot apply


@pytest.mark.parametrize("suffix, text", [
    (".toml", '[[behind_schedule]]\nby_month = 6\nmin_rate_pct = 50\nsource = "赣财绩〔2024〕1号"\n'),
    (".json", '{"behind_schedule": [{"by_month": 6, "min_rate_pct": 50, "source": "赣财绩〔2024〕1号"}]}'),
])
def test_rules_of_the_earlier_layout_hold_everywhere(tmp_path, suffix, text):
    path = tmp_path / f"rules{suffix}"
    path.write_text(text, encoding="utf-8")
    rules = load_rules(path)
    assert rules == (RuleSet("赣财绩〔2024〕1号", (ThresholdRule(6, D(50), "赣财绩〔2024〕1号"),)),)
    rep = report(cutoff_date=date(2023, 7, 31), execution_rate_pct=D(45))
    messages = [f.message for f in behind_schedule(records(rep), rules)]
    assert any("赣财绩〔2024〕1号" in m and "50%" in m for m in messages)


def test_rule_sets_by_province_and_year_from_a_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule_set]]\nsource = "赣财绩〔2024〕1号"\nprovince = "江西"\nfrom_year = 2024\n'
                    'thresholds = [{by_month = 6, min_rate_pct = 50}]\n', encoding="utf-8")
    [jiangxi] = load_rules(path)
    assert (jiangxi.province, jiangxi.from_year, jiangxi.to_year) == ("江西", 2024, None)
    late = dict(cutoff_date=date(2024, 7, 31), execution_rate_pct=D(45), fiscal_year=2024,
                period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
    assert any("赣财绩" in f.message for f in behind_schedule(records(report(province="江西", **late)), (jiangxi,)))
    assert not any("赣财绩" in f.message for f in behind_schedule(records(report(province="湖北", **late)), (jiangxi,)))


def test_the_shipped_rules_are_the_sichuan_set():
    [shipped] = DEFAULT_RULES
    assert (shipped.source, shipped.province, shipped.from_year) == ("川财绩〔2025〕10号", "四川", 2025)
    assert [(t.by_month, t.min_rate_pct) for t in shipped.thresholds] == [(4, 25), (6, 40), (8, 60), (10, 80)]


def test_rules_file_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "rules.json"
    path.write_text('{"behind_schedule": [{"by_month": 3, "min_rate_pct": 10, "source": "X"}]}')
    monkeypatch.setenv(RULES_ENV, str(path))
    assert configured_rules() == (RuleSet("X", (ThresholdRule(3, D(10), "X"),)),)
    monkeypatch.delenv(RULES_ENV)
    assert configured_rules() == DEFAULT_RULES


@pytest.mark.parametrize("text", ['{"behind_schedule": []}', '{"behind_schedule": [{"by_month": 13, '
                                  '"min_rate_pct": 1, "source": "X"}]}', "not json",
                                  '{"rule_set": [{"source": "X"}]}', '{"rule_set": [{"source": "X", "thresholds": []}]}',
                                  '{"rule_set": [{"source": "X", "from_year": "soon", "thresholds": '
                                  '[{"by_month": 4, "min_rate_pct": 25}]}]}', '[1, 2]'])
def test_bad_rules_file_names_the_problem(tmp_path, text):
    path = tmp_path / "rules.json"
    path.write_text(text)
    with pytest.raises(RulesError, match="rules"):
        load_rules(path)


# --- below_stage_target / below_target -------------------------------------------------------

def test_stage_target_missed_and_met():
    missed = indicator(actual_raw="0%", actual_value=D(0), actual_unit="%", target_op="=", target_value=D(100),
                       target_unit="%", stage_target_raw="=100%", stage_target_op="=",
                       stage_target_value=D(100), stage_target_unit="%")
    met = indicator(row_no=2, actual_raw="=183人", actual_value=D(183), actual_unit="人", target_op=">=",
                    target_value=D(100), target_unit="人", stage_target_raw="=80人", stage_target_op="=",
                    stage_target_value=D(80), stage_target_unit="人")
    [found] = below_target(records(indicators=[missed, met]))
    assert found.code == "below_stage_target"
    assert "第1行" in found.message and "“0%”" in found.message and "“=100%”" in found.message


def test_upper_bound_is_missed_when_the_actual_is_higher():
    row = indicator(name="项目预算控制数", level1="成本指标", actual_raw="386,420.50元", actual_value=D("386420.5"),
                    actual_unit="元", stage_target_raw="≤300,000.00元", stage_target_op="<=",
                    stage_target_value=D(300000), stage_target_unit="元", target_op="<=", target_value=D(1250000))
    assert codes(below_target(records(indicators=[row]))) == ["below_stage_target"]
    lower = indicator(name="项目预算控制数", level1="成本指标", actual_value=D(200000), actual_unit="元",
                      stage_target_op="<=", stage_target_value=D(300000), stage_target_unit="元")
    assert outcome(lower, "monitoring") == "met"


def test_judgement_names_the_target_and_the_share_reached():
    stage = indicator(actual_value=D(183), actual_unit="人", target_op=">=", target_value=D(100),
                      stage_target_op="=", stage_target_value=D(80), stage_target_unit="人")
    assert judge(stage, "monitoring") == Judgement("met", "stage_target", D("228.75"))
    year = indicator(actual_value=D(5), actual_unit="场", target_op=">=", target_value=D(6), target_unit="场")
    assert judge(year, "self_evaluation") == Judgement("missed", "target", D("83.33"))
    cost = indicator(level1="成本指标", actual_value=D(90), target_op="<=", target_value=D(100))
    assert judge(cost, "evaluation") == Judgement("met", "target", None)  # no share of a ceiling
    assert judge(year, "monitoring") == Judgement("not_judged", reason="no_stage_target")


def test_checked_stores_the_judgement_on_every_row():
    rows = [indicator(row_no=1, actual_value=D(5), target_op=">=", target_value=D(6)),
            indicator(row_no=2, actual_raw="丰富")]
    result = checks.checked(records(report(report_type="self_evaluation"), indicators=rows))
    assert [(r.outcome, r.judged_against) for r in result.indicators] == [("missed", "target"), ("not_judged", None)]
    assert "below_target" in {p.code for p in result.problems}


@pytest.mark.parametrize("op, target, actual, level1, year_op, result", [
    ("=", "4", "3", "产出指标", "=", "missed"),      # =4期, 3期 done
    ("=", "4", "5", "产出指标", "=", "met"),         # more than planned is no miss
    ("=", "0", "2", "效益指标", "=", "missed"),      # 事故 0次
    ("=", "400", "134", "成本指标", "<=", "met"),    # a spending plan under a ≤ year target
    (">", "5", "5", "产出指标", ">", "missed"),
    ("<", "5", "4", "产出指标", "<", "met"),
])
def test_direction_of_a_target(op, target, actual, level1, year_op, result):
    row = indicator(level1=level1, actual_value=D(actual), target_op=year_op, target_value=D(target),
                    stage_target_op=op, stage_target_value=D(target))
    assert outcome(row, "monitoring") == result


def test_not_judged_qualitative_units_deleted_untracked():
    qualitative = indicator(target_raw="丰富", stage_target_raw="丰富", actual_raw="丰富")
    units = indicator(actual_value=D(5), actual_unit="场", stage_target_op=">=", stage_target_value=D(6),
                      stage_target_unit="人")
    deleted = indicator(actual_value=D(1), stage_target_op=">=", stage_target_value=D(6), adjustment="deleted")
    untracked = indicator(actual_value=D(1), stage_target_op=">=", stage_target_value=D(6), tracked=False)
    for row in (qualitative, units, deleted, untracked):
        assert outcome(row, "monitoring") == "not_judged"
    assert list(below_target(records(indicators=[qualitative, units, deleted, untracked]))) == []


def test_full_year_target_only_for_whole_year_reports():
    row = indicator(name="职工文体活动场次", actual_raw="5场", actual_value=D(5), actual_unit="场",
                    target_raw="≥6场", target_op=">=", target_value=D(6), target_unit="场")
    assert outcome(row, "monitoring") == "not_judged"  # a mid-year actual against the year target
    [found] = below_target(records(report(report_type="self_evaluation", cutoff_date=None), indicators=[row]))
    assert found.code == "below_target" and "“5场”" in found.message and "“≥6场”" in found.message


# --- table_prose_mismatch --------------------------------------------------------------------

def table_row(name="开展送温暖人数", actual="1000", unit="人", row_no=8):
    return indicator(name=name, row_no=row_no, actual_raw=f"={actual}{unit}", actual_value=D(actual),
                     actual_unit=unit, page=11)


def prose_warnings(indicators, figures) -> list:
    """table_prose_mismatch over figures linked to the rows as the facts stage links them."""
    indicators = with_concepts(indicators, default_matcher())
    linked = linked_figures(figures, indicators, default_matcher())
    return list(table_prose_mismatch(records(indicators=indicators, figures=linked)))


def test_name_key_drops_quotes_units_and_generic_endings():
    assert name_key("“携手小康”就业重点群体技能培训（人）") == "携手小康就业重点群体技能培训"
    assert name_key("开展送温暖人数") == name_key("开展送温暖活动") == "开展送温暖"


def test_total_in_prose_differs_from_the_table():
    prose = [figure(997, raw="997 人", sentence="累计慰问共 997 人；慰问 20 名困难教师。"),
             figure(20, raw="20 名", sentence="累计慰问共 997 人；慰问 20 名困难教师。"), figure(86)]
    [found] = prose_warnings([table_row()], prose)
    assert found.code == "table_prose_mismatch"
    for words in ("开展送温暖人数", "“997 人”", "第6页", "2.项目内容", "表4", "第8行", "第11页", "1000人"):
        assert words in found.message


@pytest.mark.parametrize("values", [[1000], [500, 300, 200], [1000, 20]])
def test_agreeing_prose_is_quiet(values):
    prose = [figure(v) for v in values]
    assert list(prose_warnings([table_row()], prose)) == []


def test_ambiguous_prose_is_not_judged():
    several = [figure(997), figure(20)]  # no figure stated as the total
    assert list(prose_warnings([table_row()], several)) == []
    other_unit = [figure(997, unit="人次")]
    assert list(prose_warnings([table_row()], other_unit)) == []
    two_rows = [table_row(), table_row(name="开展送温暖人次", unit="人", row_no=9)]
    assert list(table_prose_mismatch(records(indicators=two_rows, figures=[figure(997)]))) == []
    unrelated = [figure(997, label="职工书屋建设")]
    assert list(prose_warnings([table_row()], unrelated)) == []


def test_a_figure_told_in_other_words_is_linked_by_its_concept():
    """The text names the activity differently from the table (送温暖慰问职工 / 开展送温暖人数):
    both are the concept 慰问人数, so the figure is compared with that row."""
    told = [figure(997, label="春节送温暖慰问职工")]
    [linked] = linked_figures(told, with_concepts([table_row()], default_matcher()), default_matcher())
    assert (linked.concept_id, linked.indicator_table_no, linked.indicator_row_no) == ("condolence_persons", 4, 8)
    [found] = prose_warnings([table_row()], told)
    assert "“997人”" in found.message and "1000人" in found.message


@pytest.mark.parametrize("raw, value, qualifier, actual, contradicts", [
    ("180余人", 180, "more_than", 183, False), ("180余人", 180, "more_than", 195, True),
    ("30多人", 30, "more_than", 37, False), ("约1000人", 1000, "approx", 1050, False),
    ("约1000人", 1000, "approx", 1200, True), ("不足50人", 50, "less_than", 45, False),
    ("不足50人", 50, "less_than", 60, True), ("183人", 183, None, 180, True),
])
def test_qualified_figures_agree_as_written(raw, value, qualifier, actual, contradicts):
    told = [dataclasses.replace(figure(value, raw=raw), qualifier=qualifier)]
    assert bool(prose_warnings([table_row(actual=str(actual))], told)) is contradicts


def test_only_head_counts_are_compared():
    courses = [FigureRow("r1", "count", D(4), "个", None, "基层工会培养文化骨干培训班", "4个", None, 5, "4个课程。")]
    row = table_row(name="基层工会培养文化骨干培训班数量", actual="5", unit="个")
    assert list(prose_warnings([row], courses)) == []


# --- missing_field and run_checks ------------------------------------------------------------

def test_missing_fields_one_warning_each():
    rep = report(budget_yuan=None, spent_yuan=None, cutoff_date=None)
    found = list(missing_field(records(rep)))
    assert codes(found) == ["missing_field"] * 4
    assert "预算" in found[0].message and "支出" in found[1].message and "截止日期" in found[2].message
    assert "指标表" in found[3].message


def test_a_monitoring_table_without_stage_targets_is_missing_them():
    rep = report()  # monitoring
    found = list(missing_field(records(rep, indicators=[indicator(target_raw="≥100人", actual_raw="80人")])))
    assert codes(found) == ["missing_field"] and "本阶段目标" in found[0].message
    evaluation = report(report_type="self_evaluation", cutoff_date=None)
    assert list(missing_field(records(evaluation, indicators=[indicator(target_raw="≥100人")]))) == []


def test_checked_fills_the_report_judgement():
    late = checks.checked(records(report(execution_rate_pct=D("27.45")), indicators=[indicator(stage_target_raw="≥80人")]))
    assert late.report.computed_execution_rate_pct == D("27.46")  # 1345368 / 4900000, rounded
    assert late.report.behind_schedule is True and late.report.missing_parts is None
    no_cutoff = checks.checked(records(report(cutoff_date=None, budget_yuan=None)))
    assert no_cutoff.report.behind_schedule is None and no_cutoff.report.computed_execution_rate_pct is None
    assert no_cutoff.report.missing_parts == "budget_yuan, cutoff_date, indicators"


def test_self_evaluation_needs_no_cutoff():
    rep = report(report_type="self_evaluation", cutoff_date=None)
    assert list(missing_field(records(rep, indicators=[indicator()]))) == []


def test_run_checks_makes_warnings_of_stage_check():
    problems = checks.run_checks(records(report(execution_rate_pct=D(30)), indicators=[indicator(stage_target_raw="≥80人")]))
    assert {(p.severity, p.stage, p.report_id, p.source_file) for p in problems} == {("warning", "check", "r1", "r.pdf")}
    assert Counter(p.code for p in problems) == Counter({"rate_mismatch": 1, "behind_schedule": 1})
    assert checks.run_checks(Records("x.pdf", "x.pdf", None)) == []


def test_a_crashing_check_is_recorded_not_raised(monkeypatch):
    def broken(_records):
        raise ZeroDivisionError("boom")
        yield
    monkeypatch.setattr(checks, "rate_mismatch", broken)
    problems = checks.run_checks(records(indicators=[indicator()]))
    assert [p.code for p in problems if "rate_mismatch" in p.message] == ["check_failed"]


# --- end to end: variants and untouched samples ----------------------------------------------

def _expectations(path: Path) -> dict:
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}


VARIANT_SPECS = _expectations(VARIANTS / "variants.json")
SAMPLE_SPECS = _expectations(VARIANTS / "samples.json")


@lru_cache(maxsize=None)
def check_warnings(path: str) -> tuple:
    result = process.process_file(path).records
    assert result.report is not None, result.problems
    return tuple(p for p in result.problems if p.stage == "check")


def assert_exactly(found: tuple, expected: list[dict]) -> None:
    assert Counter(p.code for p in found) == Counter(e["code"] for e in expected), [p.message for p in found]
    unmatched = list(found)
    for e in expected:  # each expected warning claims one found warning with all its words
        hit = next((p for p in unmatched if p.code == e["code"] and all(w in p.message for w in e["contains"])), None)
        assert hit is not None, f"no {e['code']} warning with {e['contains']} among {[p.message for p in unmatched]}"
        unmatched.remove(hit)
    assert all(p.severity == "warning" for p in found)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("name", sorted(VARIANT_SPECS))
def test_variant_gives_exactly_the_expected_warnings(name, fmt):
    assert_exactly(check_warnings(str(VARIANTS / f"{name}.{fmt}")), VARIANT_SPECS[name]["expected"])


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("name", sorted(SAMPLE_SPECS))
def test_untouched_sample_gives_only_its_real_warnings(name, fmt):
    found = check_warnings(str(ROOT / "samples" / f"{name}.{fmt}"))
    assert not [p for p in found if p.code in ("rate_mismatch", "missing_field", "check_failed")]
    assert_exactly(found, SAMPLE_SPECS[name])


def test_variant_sources_are_current():
    """The committed variant sources are what make_variants.py makes of samples/sources."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_variants", VARIANTS / "make_variants.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, variant in VARIANT_SPECS.items():
        committed = (VARIANTS / "sources" / f"{name}.txt").read_text(encoding="utf-8")
        assert committed.split("\n", 1)[1] == module.variant_source(variant), name
