"""Accuracy over the samples and the development corpus: indicator rows (precision, recall, F1)
and `reports` fields, per family and per producer.

    python benchmarks/accuracy.py              # the tables
    python benchmarks/accuracy.py -v           # and every missed / wrong row and field
    python benchmarks/accuracy.py -k daan      # only files whose name contains `daan`

A row is right when every expected column (but row_no, table_title) equals what was read
(tests/goldens.py). A file of several families counts in each.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import goldens  # noqa: E402


class Tally:
    def __init__(self):
        self.expected = self.read = self.right = 0
        self.fields = self.fields_right = 0
        self.files = 0

    def add(self, match: goldens.RowMatch, fields: int, misses: int) -> None:
        self.files += 1
        self.expected += match.expected
        self.read += match.read
        self.right += match.right
        self.fields += fields
        self.fields_right += fields - misses

    def scores(self) -> tuple[float, float, float, float]:
        precision = self.right / self.read if self.read else (1.0 if not self.expected else 0.0)
        recall = self.right / self.expected if self.expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        fields = self.fields_right / self.fields if self.fields else 1.0
        return precision, recall, f1, fields


def print_row_diffs(match: goldens.RowMatch) -> None:
    """Each missed row against the read row of the same indicator name: only the columns that
    differ; rows with no counterpart whole."""
    name = match.columns.index("indicator")
    wrong = list(match.wrong)
    for key in match.missing:
        twin = next((w for w in wrong if w[name] == key[name]), None)
        if twin is None:
            print("  missing:", {c: v for c, v in zip(match.columns, key) if v})
            continue
        wrong.remove(twin)
        diffs = {c: f"{v!r} read {t!r}" for c, v, t in zip(match.columns, key, twin) if v != t}
        print(f"  {key[name]}:", diffs)
    for key in wrong:
        print("  extra:  ", {c: v for c, v in zip(match.columns, key) if v})


def table(title: str, groups: dict[str, Tally]) -> list[str]:
    lines = [f"{title:<34} {'files':>5} {'rows':>5} {'P':>6} {'R':>6} {'F1':>6} {'fields':>7}"]
    for name in sorted(groups):
        t = groups[name]
        p, r, f1, fields = t.scores()
        lines.append(f"{name:<34} {t.files:>5} {t.expected:>5} {p:>6.3f} {r:>6.3f} {f1:>6.3f} {fields:>7.3f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    parser.add_argument("-k", metavar="TEXT", help="only files whose name contains TEXT")
    parser.add_argument("-f", "--files", action="store_true", help="one line per file: rows right / expected / read")
    parser.add_argument("--holdout", action="store_true",
                        help="the held-out set (tests/data/holdout) instead of the samples and the corpus")
    args = parser.parse_args()
    by_family: dict[str, Tally] = defaultdict(Tally)
    by_producer: dict[str, Tally] = defaultdict(Tally)
    by_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total = Tally()
    kinds = {"reports loaded": [0, 0], "non-reports refused": [0, 0]}
    for case in goldens.holdout_cases() if args.holdout else goldens.all_cases():
        if args.k and args.k not in case.name:
            continue
        records = goldens.read(case.path)
        if goldens.is_non_report(case):
            refused = records.report is None and any(p.code == "not_a_report" for p in records.problems)
            kinds["non-reports refused"][0] += refused
            kinds["non-reports refused"][1] += 1
            if args.verbose and not refused:
                print(f"\n{case.name}: a non-report was loaded as {records.report.report_type}")
            continue
        kinds["reports loaded"][0] += records.report is not None
        kinds["reports loaded"][1] += 1
        match = goldens.match_indicators(case, records.indicators)
        misses = goldens.report_misses(case, records.report)
        expected_fields = [f for f in goldens.REPORT_FIELDS if f in (goldens.expected_report(case) or {})]
        for field in expected_fields:
            by_field[field][0] += 1
            by_field[field][1] += all(m[0] != field for m in misses)
        for tally in [total, by_producer[case.producer]] + [by_family[f] for f in case.families]:
            tally.add(match, len(expected_fields), len(misses))
        if args.files:
            print(f"{match.right:>4}/{match.expected:<4} read {match.read:<4} fields {len(misses):>2} wrong  {case.name}")
        if args.verbose and (match.missing or match.wrong or misses):
            print(f"\n{case.name}: rows {match.right}/{match.expected} right, {match.read} read")
            print_row_diffs(match)
            for field, want, got in misses:
                print(f"  field {field}: expected {want!r}, read {got!r}")
            for problem in records.problems:
                if problem.code in ("table_unparsed", "not_a_report", "unknown_level") or problem.severity == "error":
                    print(f"  problem {problem.code}: {problem.message}")
    print("\n".join(table("family", by_family)))
    print()
    print("\n".join(table("producer", by_producer)))
    print()
    print("\n".join(table("all", {"all": total})))
    print()
    for what, (right, n) in kinds.items():
        if n:
            print(f"{what:<34} {right:>3}/{n:<3} {right / n:.3f}")
    print()
    print("reports field                       right")
    for field in goldens.REPORT_FIELDS:
        n, right = by_field.get(field, (0, 0))
        if n:
            print(f"{field:<34} {right:>3}/{n:<3} {right / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
