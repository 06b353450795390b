"""Indicator concepts: the same measure under the many names reports give it.

`vocabulary.toml` beside this file is the curated list of concepts (an analyst edits it; its
header says how). A `Matcher` gives an indicator name (with the row's unit and level-2 name) the
one concept it names, or None:

1. a user crosswalk (`load_crosswalk`: indicator name → concept id) wins, on the exact name
   after whitespace and punctuation are removed; an empty id there means "no concept";
2. the rules: every word group of a concept (`require`) has a word among the name's words and
   no `exclude` word is there;
3. fuzzy: the name is close to one concept's `examples` and clearly closer than to any other's.

Every step only takes a concept whose unit kind agrees with the row's unit. Precision first: a
name that fits two concepts gets none, unless one is `broader` than the other (the narrower
wins) or both are narrower kinds of one matching concept (that one wins).

    match = default_matcher().match("走访慰问困难职工人数", unit="人")
    match.concept.id, match.score, match.how   # condolence_hardship_persons, 0.95, rule
"""
from __future__ import annotations

import csv
import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Mapping

from perfreports.facts.records import IndicatorRow
from perfreports.normalize import kind_of_unit

VOCABULARY = Path(__file__).with_name("vocabulary.toml")
KINDS = ("persons", "person_times", "count", "money", "percent", "any")
RULE_SCORE = 0.95
FUZZY_THRESHOLD = 0.86  # rapidfuzz ratio / 100 to the nearest example
FUZZY_MARGIN = 0.06  # ... and at least this much closer than any other concept's example
_ID = re.compile(r"[a-z][a-z0-9_]*")
_FIELDS = {"id", "name", "kind", "counts", "broader", "require", "exclude", "units", "level2", "examples"}


class ConceptsError(ValueError):
    """A vocabulary or crosswalk file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Concept:
    id: str  # stable ASCII snake_case
    name: str  # Chinese display name
    kind: str  # unit kind: one of KINDS
    counts: str | None = None  # whom or what it counts
    broader: str | None = None  # id of the concept this one is a narrower kind of
    require: tuple[tuple[str, ...], ...] = ()  # word groups: every group needs one of its words
    exclude: tuple[str, ...] = ()  # words that rule the concept out
    units: tuple[str, ...] = ()  # canonical units allowed (within the kind); empty: any of the kind
    level2: tuple[str, ...] = ()  # words one of which the row's level-2 name must hold
    examples: tuple[str, ...] = ()  # indicator names seen in reports


@dataclass(frozen=True)
class ConceptMatch:
    concept: Concept
    score: float  # 0..1: crosswalk 1.0, rule 0.95, fuzzy the similarity to the nearest example
    how: str  # crosswalk, rule or fuzzy


# --- files ---------------------------------------------------------------------------------------

def load_vocabulary(path: str | Path | None = None) -> tuple[Concept, ...]:
    """The concepts of a vocabulary file (the shipped one by default), checked."""
    if path is None:
        return _default_vocabulary()
    return _read_vocabulary(Path(path))


@functools.cache
def _default_vocabulary() -> tuple[Concept, ...]:
    return _read_vocabulary(VOCABULARY)


def _read_vocabulary(path: Path) -> tuple[Concept, ...]:
    data = _read_toml(path)
    entries = data.get("concept")
    if not isinstance(entries, list) or not entries:
        raise ConceptsError(f"{path}: no [[concept]] entries")
    concepts = tuple(_concept(entry, f"{path}: concept {i}") for i, entry in enumerate(entries, 1))
    _check_ids(concepts, path)
    return concepts


def _concept(entry: object, where: str) -> Concept:
    if not isinstance(entry, dict):
        raise ConceptsError(f"{where}: not a table")
    where = f"{where} ({entry.get('id', 'no id')})"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ConceptsError(f"{where}: unknown field {', '.join(sorted(unknown))}")
    if not isinstance(entry.get("id"), str) or not _ID.fullmatch(entry["id"]):
        raise ConceptsError(f"{where}: id must be ASCII snake_case")
    if entry.get("kind") not in KINDS:
        raise ConceptsError(f"{where}: kind must be one of {', '.join(KINDS)}")
    concept = Concept(
        id=entry["id"], name=_text(entry, "name", where), kind=entry["kind"],
        counts=_text(entry, "counts", where, optional=True),
        broader=_text(entry, "broader", where, optional=True),
        require=tuple(_group(group, f"{where}: require") for group in _list(entry, "require", where)),
        exclude=_words(entry.get("exclude", []), f"{where}: exclude"),
        units=_words(entry.get("units", []), f"{where}: units"),
        level2=_words(entry.get("level2", []), f"{where}: level2"),
        examples=_words(entry.get("examples", []), f"{where}: examples"),
    )
    if not concept.require and not concept.examples:
        raise ConceptsError(f"{where}: needs `require` word groups or `examples`")
    return concept


def _text(entry: dict, key: str, where: str, optional: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConceptsError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _list(entry: dict, key: str, where: str) -> list:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise ConceptsError(f"{where}: {key} must be a list")
    return value


def _words(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise ConceptsError(f"{where}: must be a list of non-empty strings")
    return tuple(unicodedata.normalize("NFKC", w.strip()) for w in value)


def _group(value: object, where: str) -> tuple[str, ...]:
    words = _words(value, where)
    if not words:
        raise ConceptsError(f"{where}: a word group is empty")
    return words


def _check_ids(concepts: tuple[Concept, ...], path: Path) -> None:
    ids = [c.id for c in concepts]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ConceptsError(f"{path}: concept id {duplicate} appears twice")
    by_id = {c.id: c for c in concepts}
    for concept in concepts:
        seen = {concept.id}
        parent = concept.broader
        while parent is not None:
            if parent not in by_id:
                raise ConceptsError(f"{path}: {concept.id}: broader concept {parent} is not in the vocabulary")
            if parent in seen:
                raise ConceptsError(f"{path}: {concept.id}: broader concepts form a cycle")
            seen.add(parent)
            parent = by_id[parent].broader


def load_crosswalk(path: str | Path, vocabulary: Iterable[Concept] | None = None) -> dict[str, str]:
    """A user's indicator name → concept id file (CSV `indicator,concept_id` or TOML `[crosswalk]`),
    keyed by the normalised name. An empty id means the name has no concept."""
    path = Path(path)
    pairs = _crosswalk_toml(path) if path.suffix.lower() == ".toml" else _crosswalk_csv(path)
    known = {c.id for c in (load_vocabulary() if vocabulary is None else vocabulary)}
    crosswalk = {}
    for name, concept_id in pairs:
        if concept_id and concept_id not in known:
            raise ConceptsError(f"{path}: {name}: unknown concept id {concept_id}")
        if normalise_name(name):
            crosswalk[normalise_name(name)] = concept_id
    return crosswalk


def _crosswalk_toml(path: Path) -> list[tuple[str, str]]:
    table = _read_toml(path).get("crosswalk")
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConceptsError(f'{path}: needs a [crosswalk] table of "indicator name" = "concept_id"')
    return [(name, concept_id.strip()) for name, concept_id in table.items()]


def _crosswalk_csv(path: Path) -> list[tuple[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ConceptsError(f"{path}: cannot read: {_one_line(e)}") from e
    header = [c.strip() for c in rows[0]] if rows else []
    if header[:2] != ["indicator", "concept_id"]:
        raise ConceptsError(f"{path}: the first line must be the header indicator,concept_id (more columns may follow)")
    if any(len(row) < 2 for row in rows[1:] if row):
        raise ConceptsError(f"{path}: every line needs the two columns indicator,concept_id")
    return [(row[0], row[1].strip()) for row in rows[1:] if row]


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConceptsError(f"{path}: cannot read: {_one_line(e)}") from e


def _one_line(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text (save the file as UTF-8)"
    return " ".join(str(error).split())


# --- names and units -----------------------------------------------------------------------------

def normalise_name(name: str) -> str:
    """NFKC, without whitespace and punctuation: the key of a crosswalk entry."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


# The unit a name states when the row has none: 培训人数, 及时率, （人）, （万）.
_NAME_UNITS = (
    (re.compile(r"[(（]\s*(万元|万|元)\s*[)）]$"), "元"),
    (re.compile(r"[(（]\s*(人次)\s*[)）]$|人次$"), "人次"),
    (re.compile(r"[(（]\s*(人|名)\s*[)）]$|人数$"), "人"),
    (re.compile(r"[(（]\s*(户)\s*[)）]$|户数$"), "户"),
    (re.compile(r"[(（]\s*%\s*[)）]$|率$|满意度$|比例$|占比$"), "%"),
)


def unit_from_name(name: str) -> str | None:
    text = unicodedata.normalize("NFKC", name).strip()
    return next((unit for pattern, unit in _NAME_UNITS if pattern.search(text)), None)


def unit_fits(concept: Concept, unit: str | None) -> bool:
    """Whether a row in `unit` can measure `concept` (户 is a count, as `kind_of_unit` says)."""
    if concept.kind == "any":
        return True
    if unit is None or kind_of_unit(unit) != concept.kind:
        return False
    return not concept.units or unit in concept.units


# --- words ---------------------------------------------------------------------------------------

@functools.cache
def _jieba():
    import logging

    import jieba  # lazily: loading its dictionary takes a second

    jieba.setLogLevel(logging.WARNING)
    return jieba


def name_words(name: str) -> frozenset[str]:
    """Every word of the name and every run of adjacent words (jieba's search mode, which also
    gives the dictionary words inside a long word: 困难职工 → 困难, 职工, 困难职工). A rule word
    matches only on these boundaries: 农民 is a word of 培训农民人次, 运行费 none of 运行经费 (运行/经费)."""
    text = unicodedata.normalize("NFKC", name)
    tokens = list(_jieba().tokenize(text, mode="search"))
    starts = {start for _, start, _ in tokens}
    ends = {end for _, _, end in tokens}
    return frozenset(text[s:e] for s in starts for e in ends if e > s)


# --- matching ------------------------------------------------------------------------------------

class Matcher:
    def __init__(self, vocabulary: Iterable[Concept], crosswalk: Mapping[str, str] | None = None):
        self.concepts = tuple(vocabulary)
        self.by_id = {c.id: c for c in self.concepts}
        self.crosswalk = {normalise_name(k): v for k, v in (crosswalk or {}).items()}
        unknown = sorted({v for v in self.crosswalk.values() if v and v not in self.by_id})
        if unknown:
            raise ConceptsError(f"crosswalk names unknown concept ids: {', '.join(unknown)}")
        self._examples = [(normalise_name(e), c) for c in self.concepts for e in c.examples]
        self._match = functools.lru_cache(maxsize=20_000)(self._match_uncached)

    def match(self, name: str, unit: str | None = None, level2: str | None = None) -> ConceptMatch | None:
        """The concept `name` names, given the row's canonical unit and level-2 name; None when
        no concept or more than one fits."""
        if not name or not name.strip():
            return None
        return self._match(name, unit or unit_from_name(name), level2)

    def _match_uncached(self, name: str, unit: str | None, level2: str | None) -> ConceptMatch | None:
        key = normalise_name(name)
        if key in self.crosswalk:
            concept = self.by_id.get(self.crosswalk[key])
            if concept is None:  # an empty id: the user says this name has no concept
                return None
            if unit_fits(concept, unit):
                return ConceptMatch(concept, 1.0, "crosswalk")
        fits = [c for c in self.concepts if unit_fits(c, unit) and self._level2_fits(c, level2)]
        words = name_words(name)
        ruled = [c for c in fits if c.require and _rule_holds(c, words)]
        if ruled:
            concept = self._one_of(ruled)
            return ConceptMatch(concept, RULE_SCORE, "rule") if concept else None
        return self._fuzzy(key, words, fits)

    @staticmethod
    def _level2_fits(concept: Concept, level2: str | None) -> bool:
        return not concept.level2 or (level2 is not None and any(w in level2 for w in concept.level2))

    def _one_of(self, matched: list[Concept]) -> Concept | None:
        """The one concept of several that matched: drop every concept broader than another; of
        siblings left, the broader concept they share when it matched too; else none."""
        ids = {c.id for c in matched}
        narrowest = [c for c in matched if not any(c.id in self._ancestors(o) for o in matched)]
        if len(narrowest) == 1:
            return narrowest[0]
        parents = {c.broader for c in narrowest}
        if len(parents) == 1 and parents <= ids:
            return self.by_id[parents.pop()]
        return None

    def _ancestors(self, concept: Concept | None) -> set[str]:
        found = set()
        while concept is not None and concept.broader:
            found.add(concept.broader)
            concept = self.by_id.get(concept.broader)
        return found

    def _fuzzy(self, key: str, words: frozenset[str], fits: list[Concept]) -> ConceptMatch | None:
        from rapidfuzz import fuzz

        allowed = {c.id for c in fits if not any(w in words for w in c.exclude)}
        best: dict[str, float] = {}
        for example, concept in self._examples:
            if concept.id in allowed:
                score = fuzz.ratio(key, example) / 100
                best[concept.id] = max(score, best.get(concept.id, 0.0))
        if not best or max(best.values()) < FUZZY_THRESHOLD:
            return None
        top = max(best.values())
        near = [self.by_id[i] for i, score in best.items() if score > top - FUZZY_MARGIN]
        concept = self._one_of(near)
        return ConceptMatch(concept, round(best[concept.id], 3), "fuzzy") if concept else None


def _rule_holds(concept: Concept, words: frozenset[str]) -> bool:
    return (all(any(w in words for w in group) for group in concept.require)
            and not any(w in words for w in concept.exclude))


@functools.cache
def default_matcher(crosswalk: tuple[tuple[str, str], ...] = ()) -> Matcher:
    """The matcher of the shipped vocabulary with the user's `crosswalk` (name, concept id)
    pairs, built once per process."""
    return Matcher(load_vocabulary(), dict(crosswalk))


def with_concepts(rows: Iterable[IndicatorRow], matcher: Matcher) -> tuple[IndicatorRow, ...]:
    """`rows` with the concept each reports, matched on its name, its unit (the actual's, else
    the stage target's, else the target's) and its level-2 name."""
    out = []
    for row in rows:
        found = matcher.match(row.indicator, row.actual_unit or row.stage_target_unit or row.target_unit, row.level2)
        if found is not None:
            row = replace(row, concept_id=found.concept.id, concept=found.concept.name,
                          concept_score=Decimal(str(found.score)).quantize(Decimal("0.001")), concept_how=found.how)
        out.append(row)
    return tuple(out)


__all__ = ["Concept", "ConceptMatch", "ConceptsError", "Matcher", "default_matcher", "with_concepts", "load_crosswalk",
           "load_vocabulary", "normalise_name", "unit_from_name", "unit_fits", "name_words", "KINDS",
           "VOCABULARY"]
