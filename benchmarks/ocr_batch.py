"""Scanned files in a batch: seconds per page with one worker and with two, and what pages read in
parallel inside a worker gain when the batch has idle cores (issue 19: a long scan alone, or the
last file of a batch, no longer leaves the other cores idle).

    python benchmarks/ocr_batch.py              # the 18-page seed scan alone, then with a 2-page scan
    python benchmarks/ocr_batch.py FILE ...     # these files as one batch

Each run is `pipeline.py ingest FILES --workers N` into a fresh database (the OCR engine loads in
each run, as it would). Run with OMP_THREAD_LIMIT=1 on a machine of the kind the batch runs on.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "tests" / "data" / "scans"
BATCHES = {
    "one long scan": [SCANS / "qingyunpu-2023-monitoring.scan.pdf"],
    "long + short": [SCANS / "qingyunpu-2023-monitoring.scan.pdf",
                     SCANS / "corpus" / "gulou-2023-selfeval-continued.uming.skew+upside.scan.pdf"],
}


def seconds(files: list[Path], workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "ingest", *map(str, files),
                        "--db", str(Path(tmp) / "bench.duckdb"), "--workers", str(workers)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - started


def pages(files: list[Path]) -> int:
    return sum(len(pdfium.PdfDocument(str(f))) for f in files)


def main(argv: list[str]) -> int:
    batches = {"files given": [Path(a) for a in argv]} if argv else BATCHES
    print(f"{'batch':16} {'pages':>5} {'1 worker':>9} {'2 workers':>10} {'s/page 1':>9} {'s/page 2':>9} {'ratio':>6}")
    for name, files in batches.items():
        n = pages(files)
        one, two = seconds(files, 1), seconds(files, 2)
        print(f"{name:16} {n:5d} {one:8.1f}s {two:9.1f}s {one / n:9.2f} {two / n:9.2f} {one / two:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
