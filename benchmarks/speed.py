"""How fast the whole pipeline reads born-digital PDFs, against bare PDF libraries on the same files.

    python benchmarks/speed.py [PDF or FOLDER ...]     # default: the sample PDFs (not the scans)

Prints ms/page (median of REPEAT runs) for bare pypdfium2 text, bare pdfplumber `extract_text`,
pdfplumber `extract_text` + `extract_tables`, and our full pipeline (extract + facts + checks + load into
DuckDB), the ratios between them, a per-stage profile of the pipeline, and the peak memory of
one process reading a 500-page PDF.
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy

import pdfplumber
import pypdfium2 as pdfium

from perfreports.facts.build import build_records
from perfreports.checks import checked
from perfreports.process import document_records
from perfreports.storage import store
from perfreports.extract import extract
from perfreports.extract.model import Document
from perfreports.facts.figures import figure_rows
from perfreports.facts.indicators import indicator_rows
from perfreports.facts.nlp import make_nlp
from perfreports.facts.records import Records
from perfreports.facts.report import read_report

REPEAT = 5
BIG_PAGES = 500


def inputs(args: list[str]) -> list[Path]:
    if not args:
        return sorted(p for p in (ROOT / "samples").glob("*.pdf") if not p.name.endswith(".scan.pdf"))
    found: list[Path] = []
    for arg in map(Path, args):
        found += sorted(arg.rglob("*.pdf")) if arg.is_dir() else [arg]
    return found


def median_ms(run) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pypdfium2_text(paths):
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()


def pdfplumber_text(paths, tables: bool = False):
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                if tables:
                    page.extract_tables()


def full_pipeline(paths, con):
    for path in paths:
        document = extract(path)
        records = document_records(document, report_id=path.stem[:16], source_file=path.name, source_path=str(path))
        store.write(con, records)


def stage_profile(paths, con) -> dict[str, float]:
    """Median ms spent in each stage over all files."""
    stages = {"extract": 0.0, "report row": 0.0, "indicators": 0.0, "figures": 0.0, "checks": 0.0, "load": 0.0}
    for path in paths:
        document: Document = extract(path)
        stages["extract"] += median_ms(lambda: extract(path))
        rows = indicator_rows(document, "x")[0]
        stages["report row"] += median_ms(lambda: read_report(document, rows, report_id="x", source_file="f",
                                                              source_path="p"))
        stages["indicators"] += median_ms(lambda: indicator_rows(document, "x"))
        stages["figures"] += median_ms(lambda: figure_rows(document, "x"))
        records: Records = build_records(document, report_id="x", source_file=path.name, source_path=str(path))
        stages["checks"] += median_ms(lambda: checked(records))
        stages["load"] += median_ms(lambda: store.write(con, records))
    return stages


def peak_memory_mb(pdf: Path) -> float:
    """Peak RSS of a fresh process that runs extract + facts on `pdf`."""
    code = (
        "from perfreports.facts.build import build_records; from perfreports.extract import extract; from pathlib import Path\n"
        "p = Path(%r); build_records(extract(p), report_id='x', source_file=p.name, source_path=str(p))\n"
    ) % (str(pdf),)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", code], check=True)
    return max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024


def big_pdf(source: Path, folder: Path) -> Path:
    """A PDF of BIG_PAGES pages made of `source`'s pages repeated."""
    src = pdfium.PdfDocument(str(source))
    big = pdfium.PdfDocument.new()
    while len(big) < BIG_PAGES:
        big.import_pages(src, list(range(min(len(src), BIG_PAGES - len(big)))))
    path = folder / "big.pdf"
    big.save(str(path))
    return path


def main(args: list[str]) -> None:
    paths = inputs(args)
    pages = sum(len(pdfium.PdfDocument(str(p))) for p in paths)
    print(f"{len(paths)} PDFs, {pages} pages, median of {REPEAT} runs\n")
    make_nlp()  # built once per worker process in real runs
    with tempfile.TemporaryDirectory() as tmp:
        con = store.open_store(Path(tmp) / "bench.duckdb")
        rows = [
            ("pypdfium2 text", median_ms(lambda: pypdfium2_text(paths))),
            ("pdfplumber extract_text", median_ms(lambda: pdfplumber_text(paths))),
            ("pdfplumber extract_text + extract_tables", median_ms(lambda: pdfplumber_text(paths, tables=True))),
            ("full pipeline (extract … load)", median_ms(lambda: full_pipeline(paths, con))),
        ]
        plumber_ms = rows[1][1]
        print(f"{'':42} {'ms/page':>8} {'÷ pdfplumber text':>18}")
        for name, ms in rows:
            print(f"{name:42} {ms / pages:8.1f} {ms / plumber_ms:18.2f}")
        profile = stage_profile(paths, con)
        total = sum(profile.values())
        print(f"\n{'pipeline stage':42} {'ms/page':>8} {'share':>18}")
        for name, ms in profile.items():
            print(f"{name:42} {ms / pages:8.2f} {ms / total:18.0%}")
        con.close()
        peak = peak_memory_mb(big_pdf(paths[0], Path(tmp)))
        print(f"\npeak RSS of one process on a {BIG_PAGES}-page PDF: {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
