"""Indicator concepts: how many quantitative rows of the hand-typed expected tables get a concept
(per family), precision on the hand-checked pairs, and the time a name takes.

    python benchmarks/concepts.py              # the tables
    python benchmarks/concepts.py -v           # and every unmatched quantitative name, every pair not as expected
    python benchmarks/concepts.py --all        # and what every distinct name got

Rows and pairs are read as tests/concept_cases.py says.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from concept_cases import DEVELOPMENT, FAMILIES, Pair, Row, checked_pairs, expected_rows  # noqa: E402

from perfreports.facts.concepts import Matcher, default_matcher, load_vocabulary  # noqa: E402


def concept_id(name: str, unit: str | None, level2: str | None = None) -> str | None:
    found = default_matcher().match(name, unit, level2)
    return found.concept.id if found else None


def coverage(rows: list[Row]) -> tuple[int, int]:
    quantitative = [r for r in rows if r.quantitative]
    return sum(concept_id(r.name, r.unit, r.level2) is not None for r in quantitative), len(quantitative)


def precision(pairs: list[Pair]) -> tuple[int, int, list[tuple[Pair, str | None]]]:
    """(right, given a concept, every pair not matched as expected)."""
    got = [(p, concept_id(p.name, p.unit)) for p in pairs]
    given = [(p, g) for p, g in got if g is not None]
    return sum(p.expected == g for p, g in given), len(given), [(p, g) for p, g in got if g != p.expected]


def per_name_microseconds(names: list[tuple[str, str | None, str | None]]) -> float:
    """A new matcher (nothing cached) after one warm-up name (jieba's dictionary, rapidfuzz)."""
    matcher = Matcher(load_vocabulary())
    matcher.match("走访慰问困难职工人数", "人")
    start = time.perf_counter()
    for name, unit, level2 in names:
        matcher.match(name, unit, level2)
    return (time.perf_counter() - start) / len(names) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--all", action="store_true", help="print what every distinct name got")
    args = parser.parse_args()
    rows = {family: expected_rows(family) for family in FAMILIES}

    print(f"{'family':<16}{'quantitative rows':>18}{'with a concept':>16}{'coverage':>10}")
    for label, family_rows in [*rows.items(), ("samples+corpus", [r for f in DEVELOPMENT for r in rows[f]])]:
        hit, total = coverage(family_rows)
        print(f"{label:<16}{total:>18}{hit:>16}{hit / total:>10.1%}")

    pairs = checked_pairs()
    right, given, wrong = precision(pairs)
    sources = Counter(p.source for p in pairs)
    print(f"\nchecked pairs: {len(pairs)} ({', '.join(f'{s} {n}' for s, n in sources.most_common())})")
    print(f"  given a concept: {given}, right: {right}, precision {right / given:.3f}")
    print(f"  expected a concept: {sum(p.expected is not None for p in pairs)}, "
          f"expected none: {sum(p.expected is None for p in pairs)}, not as expected: {len(wrong)}")

    names = sorted({(r.name, r.unit, r.level2) for f in rows.values() for r in f}, key=str)
    print(f"\n{per_name_microseconds(names):.0f} µs per name ({len(names)} distinct names, nothing cached)")

    if args.verbose:
        print("\nquantitative rows without a concept:")
        missed = Counter((r.family, r.name, r.unit) for f in rows.values() for r in f
                         if r.quantitative and concept_id(r.name, r.unit, r.level2) is None)
        for (family, name, unit), n in sorted(missed.items(), key=str):
            print(f"  {family:<8} {name} [{unit}] ×{n}")
        print("\npairs not matched as expected (name [unit]: expected → got):")
        for pair, got in wrong:
            print(f"  {pair.name} [{pair.unit}]: {pair.expected} → {got}  ({pair.source})")
    if args.all:
        by_concept = defaultdict(set)
        for name, unit, level2 in names:
            found = default_matcher().match(name, unit, level2)
            by_concept[f"{found.concept.id} ({found.how})" if found else "-"].add(f"{name} [{unit}]")
        for key in sorted(by_concept):
            print(f"\n{key}:\n  " + "\n  ".join(sorted(by_concept[key])))


if __name__ == "__main__":
    main()
