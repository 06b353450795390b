"""OCR on the scan corpus of issue 19 (tests/data/scans/, made by samples/make_scan_corpus.py):
seconds per page, indicator rows (precision, recall, F1), `reports` fields and ≥/≤ signs, per
file, per face and per degradation.

    python benchmarks/ocr.py                  # tests/data/scans/corpus/scans.json
    python benchmarks/ocr.py --holdout        # tests/data/scans/holdout/scans.json
    python benchmarks/ocr.py --tuning         # tests/data/scans/tuning/scans.json (make it first:
                                              #   python samples/make_scan_corpus.py --tuning)
    python benchmarks/ocr.py --only PATTERN   # files whose name contains PATTERN (or matches a glob)
    python benchmarks/ocr.py --jobs N         # N files at a time (default 1)
    python benchmarks/ocr.py --markdown       # the tables in Markdown (for the README)
    python benchmarks/ocr.py -v               # and every missed row, field and sign
    python benchmarks/ocr.py --born-digital   # the PDFs the scans were made of (text layer): the ceiling

Each file is read the way the pipeline reads it (perfreports.process.process_file: extract, then
the facts and checks) in a worker process, so its pages are OCRed one after the other on one core
(run with OMP_THREAD_LIMIT=1). Rows and fields are held to the born-digital expected files as
benchmarks/accuracy.py does (tests/goldens.py). A sign cell is a target_raw, stage_target_raw or
actual_raw whose expected text has ≥ or ≤; it is right when the read row of that indicator has the
same signs there (a missing row gets its sign cells wrong); `extra signs` counts ≥/≤ read where
none is printed. `F1 nfkc` compares the *_raw columns after NFKC on both sides (＞ read >, ％ read
% no longer count): a diagnosis, not the target. A file with several degradations counts in each. Target (issue 19): F1 ≥ 0.95, fields ≥ 0.95 and every sign right on each face and
degradation of the corpus; F1 ≥ 0.90 on the held-out set. Exit 2 when the OCR engine is missing.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import multiprocessing
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import goldens  # noqa: E402
from accuracy import Tally, print_row_diffs  # noqa: E402

SCANS = ROOT / "tests" / "data" / "scans"
SIGN_COLUMNS = ("target_raw", "stage_target_raw", "actual_raw")
SIGNS = "≥≤"
PROBLEM_CODES = ("table_unparsed", "not_a_report", "unknown_level", "low_confidence")


def why_not_ready() -> str | None:
    """Why OCR cannot run here, or None."""
    try:
        from perfreports.extract import ocr
    except Exception as error:  # noqa: BLE001 - any import failure is a reason to stop
        return f"perfreports cannot be imported ({error}); pip install -e '.[ocr]'"
    return ocr.missing()


# ---- one file -----------------------------------------------------------------------------------

@dataclass
class Result:
    file: str
    entry: dict
    pages: int
    seconds: float
    match: goldens.RowMatch
    right_nfkc: int  # rows right when *_raw are compared after NFKC (＞ → >, ％ → %, ， → ,)
    fields: int
    misses: list[tuple[str, str, str]]
    signs: int
    signs_right: int
    spurious: int
    sign_misses: list[tuple] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    failed: str | None = None


def _name(value) -> str:
    return "".join((value or "").split())


def sign_cells(expected: list[dict], rows) -> tuple[int, int, int, list[tuple]]:
    """(sign cells, right, spurious, misses): each expected row is paired with the read row of
    the same indicator name (the same table and row number first), else of the same number."""
    by_name, by_number = defaultdict(list), {}
    for row in rows:
        by_name[_name(row.indicator)].append(row)
        by_number[(str(row.table_no), str(row.row_no))] = row
    total = right = spurious = 0
    misses = []
    for e in expected:
        number = (e["table_no"], e["row_no"])
        named = by_name.get(_name(e["indicator"]), [])
        row = next((r for r in named if (str(r.table_no), str(r.row_no)) == number), None) or \
            (named[0] if named else by_number.get(number))
        for column in SIGN_COLUMNS:
            want = [c for c in e.get(column) or "" if c in SIGNS]
            got = [c for c in (getattr(row, column, None) or "") if c in SIGNS] if row is not None else None
            if want:
                total += 1
                right += want == got
                if want != got:
                    misses.append((e["table_no"], e["row_no"], e["indicator"], column, e.get(column),
                                   getattr(row, column, "<row missing>") if row is not None else "<row missing>",
                                   getattr(row, "page", None)))
            elif got:
                spurious += 1
                misses.append((e["table_no"], e["row_no"], e["indicator"], column, e.get(column),
                               getattr(row, column, None), getattr(row, "page", None)))
    return total, right, spurious, misses


def rows_right_nfkc(case: goldens.Case, rows) -> int:
    """Rows right as goldens.match_indicators counts them, but with full-width forms in the *_raw
    columns folded (NFKC) on both sides: how much of a miss is only ＞ read >, ％ read %."""
    expected = goldens.expected_indicators(case)
    columns = tuple(c for c in (expected[0] if expected else ()) if c not in goldens.NOT_COMPARED)

    def key(row) -> tuple[str, ...]:
        return tuple(unicodedata.normalize("NFKC", v) if c.endswith("_raw") else v
                     for c, v in zip(columns, goldens.row_key(row, columns)))

    return sum((Counter(key(e) for e in expected) & Counter(key(r) for r in rows)).values())


def case_of(entry: dict, path: Path) -> goldens.Case:
    expected = ROOT / entry["expected"]["indicators"]
    return goldens.Case(path, entry["source"], entry.get("family", ""), entry.get("producer", ""),
                        entry["face"], expected.parent)


def measure(entry: dict, path: Path) -> Result:
    """Read one file as the pipeline does and hold it to its expected files."""
    from perfreports.process import process_file

    case = case_of(entry, path)
    started = time.monotonic()
    processed = process_file(str(path))
    seconds = processed.seconds or (time.monotonic() - started)
    records = processed.records
    match = goldens.match_indicators(case, records.indicators)
    misses = goldens.report_misses(case, records.report)
    expected_report = goldens.expected_report(case) or {}
    fields = len([f for f in goldens.REPORT_FIELDS if f in expected_report])
    total, right, spurious, sign_misses = sign_cells(goldens.expected_indicators(case), records.indicators)
    problems = [(p.code, p.message) for p in records.problems
                if p.code in PROBLEM_CODES or p.severity == "error"]
    failed = None if records.report is not None else "; ".join(m for _, m in problems) or "no report row"
    return Result(entry["file"], entry, entry["pages"], seconds, match,
                  rows_right_nfkc(case, records.indicators), fields, misses, total, right,
                  spurious, sign_misses, problems, failed)


def _born_digital_path(entry: dict, folder: Path) -> Path:
    """The PDF the scan was made of: rendered again into `folder`, or the committed held-out PDF."""
    sys.path.insert(0, str(ROOT / "samples"))
    import make_scan_corpus as maker

    spec = maker.Spec(entry["origin"], entry["source"], entry["face"], entry["producer"], (), False)
    return maker.born_digital(spec, folder)


def run_one(job: tuple[dict, str, bool]) -> Result:
    entry, folder, born_digital = job
    if not born_digital:
        return measure(entry, Path(folder) / entry["file"])
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return measure(entry, _born_digital_path(entry, Path(tmp)))


# ---- tables -------------------------------------------------------------------------------------

class ScanTally(Tally):
    def __init__(self):
        super().__init__()
        self.pages = 0
        self.seconds = 0.0
        self.signs = self.signs_right = self.spurious = 0
        self.per_page: list[float] = []
        self.right_nfkc = 0

    def add_result(self, r: Result) -> None:
        self.add(r.match, r.fields, len(r.misses))
        self.right_nfkc += r.right_nfkc
        self.pages += r.pages
        self.seconds += r.seconds
        self.signs += r.signs
        self.signs_right += r.signs_right
        self.spurious += r.spurious
        self.per_page.append(r.seconds / max(r.pages, 1))

    def f1_nfkc(self) -> float:
        precision = self.right_nfkc / self.read if self.read else (1.0 if not self.expected else 0.0)
        recall = self.right_nfkc / self.expected if self.expected else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def meets(self, min_f1: float) -> bool:
        _, _, f1, fields = self.scores()
        return f1 >= min_f1 and fields >= 0.95 and self.signs_right == self.signs


COLUMNS = ("files", "pages", "rows", "P", "R", "F1", "F1 nfkc", "fields", "signs", "extra signs", "s/page", "target")


def table_rows(groups: dict[str, ScanTally], min_f1: float) -> list[list[str]]:
    out = []
    for name in sorted(groups, key=lambda n: (n == "all", n)):
        t = groups[name]
        p, r, f1, fields = t.scores()
        out.append([name, str(t.files), str(t.pages), str(t.expected), f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}",
                    f"{t.f1_nfkc():.3f}", f"{fields:.3f}", f"{t.signs_right}/{t.signs}", str(t.spurious),
                    f"{t.seconds / max(t.pages, 1):.1f}", "yes" if t.meets(min_f1) else "no"])
    return out


def render(title: str, rows: list[list[str]], markdown: bool) -> str:
    header = [title, *COLUMNS]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    return "\n".join("  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(row, widths)))
                     for row in [header, *rows])


def file_line(r: Result) -> str:
    p, rc, f1, _ = _scores(r)
    per_page = r.seconds / max(r.pages, 1)
    return (f"{r.pages:>2} p {r.seconds:6.1f} s {per_page:5.1f} s/p  P {p:.3f} R {rc:.3f} F1 {f1:.3f}  "
            f"fields {r.fields - len(r.misses):>2}/{r.fields:<2} signs {r.signs_right:>2}/{r.signs:<2}"
            f"{f' +{r.spurious}' if r.spurious else '   '}  {r.file}" + (f"  FAILED: {r.failed}" if r.failed else ""))


def _scores(r: Result) -> tuple[float, float, float, float]:
    t = Tally()
    t.add(r.match, r.fields, len(r.misses))
    return t.scores()


def print_misses(r: Result) -> None:
    print(f"\n{r.file}: rows {r.match.right}/{r.match.expected} right, {r.match.read} read")
    print_row_diffs(r.match)
    for field_, want, got in r.misses:
        print(f"  field {field_}: expected {want!r}, read {got!r}")
    for table_no, row_no, name, column, want, got, page in r.sign_misses:
        print(f"  sign 表{table_no} row {row_no} {name} {column}: expected {want!r}, read {got!r} (page {page})")
    for code, message in r.problems:
        print(f"  problem {code}: {message}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="the held-out scans (tests/data/scans/holdout)")
    parser.add_argument("--tuning", action="store_true", help="the tuning scans (tests/data/scans/tuning)")
    parser.add_argument("--manifest", type=Path, help="another scans.json")
    parser.add_argument("--only", metavar="PATTERN", help="files whose name contains PATTERN or matches it as a glob")
    parser.add_argument("--jobs", type=int, default=1, help="files read at a time (default 1)")
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    parser.add_argument("--born-digital", action="store_true",
                        help="read the PDFs the scans were made of instead (needs reportlab, the fonts)")
    args = parser.parse_args(argv)
    manifest = args.manifest or SCANS / ("holdout" if args.holdout else "tuning" if args.tuning else "corpus") / "scans.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    absent = [e["file"] for e in entries if not (manifest.parent / e["file"]).exists()]
    if absent:
        print(f"{len(absent)} files of {manifest} are not there (first: {absent[0]}); "
              "make them with samples/make_scan_corpus.py", file=sys.stderr)
        return 1
    if args.only:
        entries = [e for e in entries if args.only in e["file"] or fnmatch.fnmatch(e["file"], args.only)]
    if not entries:
        print(f"no file of {manifest} matches", file=sys.stderr)
        return 1
    why = None if args.born_digital else why_not_ready()
    if why is not None:
        print(f"cannot OCR here: {why}", file=sys.stderr)
        return 2
    min_f1 = 0.90 if args.holdout or "holdout" in str(manifest) else 0.95
    by_face: dict[str, ScanTally] = defaultdict(ScanTally)
    by_degradation: dict[str, ScanTally] = defaultdict(ScanTally)
    total = ScanTally()
    results = []
    jobs = [(e, str(manifest.parent), args.born_digital) for e in entries]
    started = time.monotonic()
    # worker processes even for --jobs 1: a page reader in a worker reads its pages one after the
    # other (extract/scan.py), so s/page is one core's
    with ProcessPoolExecutor(max_workers=max(args.jobs, 1), mp_context=multiprocessing.get_context("fork")) as pool:
        for r in pool.map(run_one, jobs):
            results.append(r)
            print(file_line(r), flush=True)
            if args.verbose and (r.match.missing or r.match.wrong or r.misses or r.sign_misses or r.failed):
                print_misses(r)
                print(flush=True)
            for tally in (total, by_face[r.entry["face"]], *(by_degradation[d] for d in r.entry["degradations"])):
                tally.add_result(r)
    print()
    what = f"{manifest.relative_to(ROOT) if manifest.is_relative_to(ROOT) else manifest}" + \
        (" (born-digital sources)" if args.born_digital else "")
    print(f"{what}: {len(results)} files, {total.pages} pages, {time.monotonic() - started:.0f} s wall, "
          f"median {statistics.median(total.per_page):.1f} s/page, target F1 ≥ {min_f1:.2f}, fields ≥ 0.95, every sign")
    print()
    print(render("face", table_rows(by_face, min_f1), args.markdown))
    print()
    print(render("degradation", table_rows(by_degradation, min_f1), args.markdown))
    print()
    print(render("all", table_rows({"all": total}, min_f1), args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
