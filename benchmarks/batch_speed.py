"""Batch ingest speed: files/s and pages/s with 1 and 2 worker processes, and the speed-up.

    python benchmarks/batch_speed.py [--copies N] [--workers 1 2 ...] [--repeat R]

The sample reports with a text layer (three PDFs, three DOCX files) are copied N times (default
10) into a temporary folder, each copy with bytes of its own so that every copy is a report, and
the folder is ingested into a fresh database per worker count, R times (default 3), the fastest
run counting (the machine may be busy with other work). Pages are PDF pages; "cpu s" is the
processor time of the run, all processes together (its workers and the writer), which other work
on the machine changes less than the elapsed time.
"""
from __future__ import annotations

import sys

import argparse
import io
import os
import resource
import shutil
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy

from perfreports import batch, cli


def copy_samples(folder: Path, copies: int) -> list[str]:
    samples = sorted(p for p in (ROOT / "samples").iterdir()
                     if p.suffix in (".pdf", ".docx") and not p.name.endswith(".scan.pdf"))
    for n in range(copies):
        for sample in samples:
            target = folder / f"{sample.stem}-{n:03d}{sample.suffix}"
            if sample.suffix == ".pdf":
                target.write_bytes(sample.read_bytes() + f"% copy {n}\n".encode())
            else:
                shutil.copyfile(sample, target)
                with zipfile.ZipFile(target, "a") as archive:
                    archive.comment = f"copy {n}".encode()
    return batch.find_inputs([str(folder)])


def measure(paths: list[str], workers: int, folder: Path, run: int) -> tuple[batch.Tally, float]:
    """The run's tally and its processor seconds (this process and its worker processes)."""
    db = Path(tempfile.mkdtemp(dir=folder)) / f"bench-{workers}-{run}.duckdb"
    before = _cpu_seconds()
    options = batch.IngestOptions(tuple(paths), db=str(db), workers=workers, timeout=cli.DEFAULT_TIMEOUT)
    tally = batch.ingest(options, stream=io.StringIO())
    assert tally.loaded == len(paths), f"{tally.failed} files failed: {tally.failed_by_code}"
    return tally, _cpu_seconds() - before


def _cpu_seconds() -> float:
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-speed-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        paths = copy_samples(folder / "in", args.copies)
        print(f"{len(paths)} files ({args.copies} copies of the 6 text samples), "
              f"{cli._default_workers()} cores")
        print(f"{'workers':>7}  {'seconds':>7}  {'files/s':>7}  {'pages/s':>7}  speed-up  "
              f"{'cpu s':>5}  load average (1 min) before")
        first = None
        for workers in args.workers:
            load = os.getloadavg()[0]
            tally, cpu = min((measure(paths, workers, folder, run) for run in range(args.repeat)),
                             key=lambda measured: measured[0].seconds)
            first = first or tally.seconds
            print(f"{workers:>7}  {tally.seconds:>7.1f}  {tally.files_per_second:>7.2f}  "
                  f"{tally.pages_per_second:>7.1f}  {first / tally.seconds:>7.2f}x  {cpu:>5.1f}  {load:>5.2f}")


if __name__ == "__main__":
    main()
