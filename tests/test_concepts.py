"""Indicator concepts (facts/concepts): the shipped vocabulary on real indicator names, the
crosswalk, the unit kind, ambiguity, bad files, speed."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from concept_cases import DEVELOPMENT, checked_pairs, expected_rows
from perfreports.facts.concepts import (
    VOCABULARY,
    Concept,
    ConceptsError,
    Matcher,
    default_matcher,
    load_crosswalk,
    load_vocabulary,
    name_words,
    normalise_name,
)
from perfreports.normalize import kind_of_unit

UNIT_OF_KIND = {"persons": "人", "person_times": "人次", "money": "元", "percent": "%", "count": "个"}


def concept_id(name: str, unit: str | None, level2: str | None = None, matcher: Matcher | None = None):
    found = (matcher or default_matcher()).match(name, unit, level2)
    return found.concept.id if found else None


# --- the shipped vocabulary on real names ------------------------------------------------------

def test_checked_pairs_are_matched_with_high_precision():
    pairs = checked_pairs()
    known = {c.id for c in load_vocabulary()}
    assert len(pairs) >= 80
    assert sum(p.source not in DEVELOPMENT for p in pairs) >= len(pairs) / 2
    assert {p.expected for p in pairs} - {None} <= known, "a pair names a concept the vocabulary lacks"
    got = [(p, concept_id(p.name, p.unit)) for p in pairs]
    wrong = [(p, g) for p, g in got if g != p.expected]
    for p, g in wrong:
        print(f"{p.name} [{p.unit}] ({p.source}): expected {p.expected}, got {g}")
    given = [(p, g) for p, g in got if g is not None]
    precision = sum(p.expected == g for p, g in given) / len(given)
    found = sum(p.expected == g for p, g in got if p.expected) / sum(bool(p.expected) for p in pairs)
    print(f"precision {precision:.3f} over {len(given)} pairs given a concept; {found:.1%} of expected concepts found")
    assert precision >= 0.95
    assert found >= 0.85


def test_most_quantitative_rows_of_samples_and_corpus_get_a_concept():
    rows = [r for r in expected_rows(*DEVELOPMENT) if r.quantitative]
    missed = [r for r in rows if concept_id(r.name, r.unit, r.level2) is None]
    coverage = 1 - len(missed) / len(rows)
    print(f"coverage {coverage:.1%} of {len(rows)} quantitative rows; without a concept:")
    print("\n".join(f"  {r.file}: {r.name} [{r.unit}]" for r in missed))
    assert coverage >= 0.90


def test_a_match_always_agrees_with_the_rows_unit_kind():
    for row in expected_rows():
        found = default_matcher().match(row.name, row.unit, row.level2)
        if found and row.unit:
            assert found.concept.kind in ("any", kind_of_unit(row.unit)), (row, found.concept.id)


def test_every_example_gets_its_own_concept():
    """An example a rule sends elsewhere is a contradiction in the vocabulary file."""
    for concept in load_vocabulary():
        unit = concept.units[0] if concept.units else UNIT_OF_KIND.get(concept.kind)
        level2 = concept.level2[0] if concept.level2 else None
        for example in concept.examples:
            assert concept_id(example, unit, level2) == concept.id, (example, concept.id)


def test_the_same_name_in_another_unit_kind_is_another_concept_or_none():
    assert concept_id("走访慰问困难职工", "人") == "condolence_hardship_persons"
    assert concept_id("走访慰问困难职工", "户") == "condolence_hardship_households"
    assert concept_id("慰问一线职工", "人次") == "condolence_frontline_person_times"
    assert concept_id("职工技能培训", "人") == "training_persons"
    assert concept_id("职工技能培训", "人次") == "training_person_times"
    assert concept_id("职工技能培训", "期") == "training_sessions"
    assert concept_id("职工技能培训", "元") is None
    assert concept_id("职工技能培训", "%") is None
    assert concept_id("服务对象满意度", "人") is None
    assert concept_id("安全事故", "起") == "safety_incidents"
    assert concept_id("安全事故", "%") == "safety_incident_rate"
    assert concept_id("安全事故", "人") is None


def test_a_name_without_a_unit_takes_the_unit_it_states():
    assert concept_id("职工疗休养（人）", None) == "recuperation_persons"
    assert concept_id("下拨基层工会经费（万）", None) == "union_funds_allocated"
    assert concept_id("帮扶资金发放及时率", None) == "disbursement_timeliness_rate"
    assert concept_id("开展送温暖", None) is None  # persons or households: the unit would decide


def test_a_name_that_fits_two_concepts_gets_none():
    assert concept_id("培训心理辅导志愿者人数", "人") is None  # trained, or volunteers?
    assert concept_id("帮扶就业人数", "人") == "employment_persons"


def test_the_narrower_concept_wins_and_two_narrower_ones_give_their_broader_one():
    assert concept_id("走访慰问困难职工人数", "人") == "condolence_hardship_persons"  # not condolence_persons
    assert concept_id("开展送温暖人数", "人") == "condolence_persons"
    assert concept_id("工会阵地建设（职工之家、爱心驿站）", "家") == "union_facilities"
    assert concept_id("新建职工之家", "个") == "workers_homes"


def test_level2_words_are_required_where_a_concept_names_them():
    assert concept_id("工会经费金额", "元", "经济成本") == "union_funds_amount"
    assert concept_id("工会经费金额", "元", "数量指标") is None
    assert concept_id("工会经费金额", "元") is None


def test_fuzzy_matching_takes_a_misread_name_to_its_concept_within_the_unit_kind():
    found = default_matcher().match("职工健康休检人数", "人")  # 体 read as 休 by OCR
    assert (found.concept.id, found.how) == ("health_check_persons", "fuzzy")
    assert 0.86 <= found.score < 1
    assert default_matcher().match("职工健康休检人数", "元") is None
    assert default_matcher().match("职工思想政治素质", "%") is None


def test_fuzzy_matching_gives_none_between_two_equally_close_concepts():
    vocabulary = [Concept("a", "甲", "persons", examples=("职工甲类服务人数",)),
                  Concept("b", "乙", "persons", examples=("职工乙类服务人数",))]
    matcher = Matcher(vocabulary)
    assert matcher.match("职工甲类服务人数", "人").concept.id == "a"
    assert matcher.match("职工丙类服务人数", "人") is None


def test_rule_words_match_on_word_boundaries():
    words = name_words("困难职工帮扶户数")
    assert {"困难职工", "困难", "职工", "帮扶", "户数"} <= words
    assert "农民" in name_words("培训农民人次")
    assert "运行费" not in name_words("职工之家运行经费")  # 运行/经费: not a word of this name


# --- crosswalk ---------------------------------------------------------------------------------

def test_the_crosswalk_wins_over_the_rules(tmp_path: Path):
    path = tmp_path / "crosswalk.csv"
    path.write_text("indicator,concept_id\n走访慰问困难职工人数,condolence_persons\n"
                    "加强制度建设，提升服务水平,satisfaction\n开展送温暖人数,\n", encoding="utf-8")
    matcher = Matcher(load_vocabulary(), load_crosswalk(path))
    found = matcher.match("走访慰问 困难职工人数。", "人")  # spaces and punctuation do not count
    assert (found.concept.id, found.score, found.how) == ("condolence_persons", 1.0, "crosswalk")
    assert matcher.match("加强制度建设,提升服务水平", "%").how == "crosswalk"
    assert matcher.match("开展送温暖人数", "人") is None  # an empty id: no concept, whatever the rules say
    assert matcher.match("走访慰问困难职工户数", "户").how == "rule"


def test_a_toml_crosswalk_reads_the_same(tmp_path: Path):
    path = tmp_path / "crosswalk.toml"
    path.write_text('[crosswalk]\n"职工之家建设补助资金" = "unit_cost"\n', encoding="utf-8")
    assert concept_id("职工之家建设补助资金", "元", matcher=Matcher(load_vocabulary(), load_crosswalk(path))) == "unit_cost"


def test_a_crosswalk_entry_of_another_unit_kind_does_not_apply(tmp_path: Path):
    path = tmp_path / "crosswalk.csv"
    path.write_text("indicator,concept_id\n职工技能培训,training_persons\n", encoding="utf-8")
    matcher = Matcher(load_vocabulary(), load_crosswalk(path))
    assert matcher.match("职工技能培训", "人").how == "crosswalk"
    assert concept_id("职工技能培训", "期", matcher=matcher) == "training_sessions"


@pytest.mark.parametrize("name, text", [
    ("unknown.csv", "indicator,concept_id\n慰问人数,no_such_concept\n"),
    ("header.csv", "name,id\n慰问人数,condolence_persons\n"),
    ("columns.csv", "indicator,concept_id\n慰问人数\n"),
    ("unknown.toml", '[crosswalk]\n"慰问人数" = "no_such_concept"\n'),
    ("table.toml", '"慰问人数" = "condolence_persons"\n'),
    ("syntax.toml", '[crosswalk]\n"慰问人数" = \n'),
])
def test_a_bad_crosswalk_is_refused_in_one_line(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConceptsError) as error:
        load_crosswalk(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_an_unreadable_crosswalk_is_refused_in_one_line(tmp_path: Path):
    (tmp_path / "gbk.csv").write_bytes("indicator,concept_id\n慰问人数,condolence_persons\n".encode("gbk"))
    for path in (tmp_path / "missing.csv", tmp_path / "gbk.csv", tmp_path):
        with pytest.raises(ConceptsError) as error:
            load_crosswalk(path)
        assert "\n" not in str(error.value)


def test_a_matcher_refuses_a_crosswalk_naming_unknown_concepts():
    with pytest.raises(ConceptsError):
        Matcher(load_vocabulary(), {"慰问人数": "no_such_concept"})


# --- the vocabulary file -------------------------------------------------------------------------

GOOD = 'id = "a_b"\nname = "甲"\nkind = "persons"\nrequire = [["慰问"]]\n'


@pytest.mark.parametrize("text", [
    "[[concept]]\nid = \n",  # not TOML
    "[other]\nx = 1\n",  # no concepts
    "[[concept]]\n" + GOOD.replace('"a_b"', '"慰问"'),  # id not ASCII snake_case
    "[[concept]]\n" + GOOD.replace("a_b", "A-b"),
    "[[concept]]\n" + GOOD.replace('"persons"', '"people"'),  # unknown kind
    "[[concept]]\n" + GOOD + 'exclude_words = ["x"]\n',  # a misspelt field
    "[[concept]]\n" + GOOD + "[[concept]]\n" + GOOD,  # the same id twice
    "[[concept]]\n" + GOOD + 'broader = "missing"\n',
    "[[concept]]\n" + GOOD.replace("a_b", "a") + 'broader = "b"\n[[concept]]\n' + GOOD.replace("a_b", "b") + 'broader = "a"\n',
    "[[concept]]\n" + GOOD.replace('require = [["慰问"]]', 'require = ["慰问"]'),  # a group must be a list
    "[[concept]]\n" + GOOD.replace('require = [["慰问"]]', "require = [[]]"),  # an empty group
    "[[concept]]\n" + GOOD.replace('require = [["慰问"]]', ""),  # neither rules nor examples
    "[[concept]]\n" + GOOD.replace('name = "甲"', 'name = ""'),
    "[[concept]]\n" + GOOD + "units = \"户\"\n",  # units must be a list
])
def test_a_bad_vocabulary_is_refused_in_one_line(tmp_path: Path, text: str):
    path = tmp_path / "vocabulary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConceptsError) as error:
        load_vocabulary(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_a_missing_vocabulary_is_refused(tmp_path: Path):
    with pytest.raises(ConceptsError):
        load_vocabulary(tmp_path / "none.toml")


def test_a_good_vocabulary_file_is_read(tmp_path: Path):
    path = tmp_path / "vocabulary.toml"
    path.write_text("[[concept]]\n" + GOOD + 'counts = "职工"\nunits = ["人"]\nexamples = ["慰问职工人数"]\n',
                    encoding="utf-8")
    [concept] = load_vocabulary(path)
    assert concept == Concept("a_b", "甲", "persons", counts="职工", require=(("慰问",),), units=("人",),
                              examples=("慰问职工人数",))
    assert concept_id("春节慰问职工", "人", matcher=Matcher([concept])) == "a_b"


def test_the_shipped_vocabulary_and_its_matcher_are_loaded_once():
    assert VOCABULARY.is_file()
    assert load_vocabulary() is load_vocabulary()
    assert default_matcher() is default_matcher()
    ids = [c.id for c in load_vocabulary()]
    assert len(ids) == len(set(ids)) >= 60


def test_matching_takes_well_under_a_millisecond_a_name():
    names = sorted({(r.name, r.unit, r.level2) for r in expected_rows()}, key=str)
    matcher = Matcher(load_vocabulary())  # nothing cached but jieba's dictionary after the first name
    matcher.match("走访慰问困难职工人数", "人")
    start = time.perf_counter()
    for name, unit, level2 in names:
        matcher.match(name, unit, level2)
    per_name = (time.perf_counter() - start) / len(names)
    print(f"{per_name * 1e6:.0f} µs per name over {len(names)} names")
    assert per_name < 0.001


def test_the_crosswalk_template_of_the_concepts_command_reads_back(tmp_path: Path):
    """`pipeline.py concepts --out` writes indicator,concept_id,unit,documents: extra columns are notes."""
    path = tmp_path / "left.csv"
    path.write_text("indicator,concept_id,unit,documents\n慰问人数,condolence_persons,人,3\n书屋闲置率,,%,1\n",
                    encoding="utf-8")
    assert load_crosswalk(path) == {normalise_name("慰问人数"): "condolence_persons", normalise_name("书屋闲置率"): ""}
