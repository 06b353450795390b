"""What the Dask engine costs: files/s on a 2-worker LocalCluster against the local pool of 2 workers.

    python benchmarks/dask_speed.py [COPIES]     # default 10: the 6 sample PDFs/DOCX copied 10 times

Both read the same files into a fresh DuckDB store (the client writes, as in `pipeline.py ingest`).
Prints files/s for the local process pool (`--executor local --workers 2`), for Dask including
starting the cluster (what one `--executor dask` run on a laptop pays), for Dask on a running
cluster whose workers have read a document before (what a long-lived cluster pays), and the
same with `--ship-bytes`.
"""
from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy

from distributed import Client, LocalCluster

from perfreports import batch
from perfreports.executors.dask_cluster import process_with_dask

WORKERS = 2


def copies(folder: Path, n: int) -> list[str]:
    samples = sorted(p for p in (ROOT / "samples").iterdir()
                     if p.suffix in (".pdf", ".docx") and not p.name.endswith(".scan.pdf"))
    paths = []
    for i in range(n):
        for sample in samples:
            copy = folder / f"{i:03d}-{sample.name}"
            shutil.copyfile(sample, copy)
            paths.append(str(copy))
    return paths


def on_dask(client: Client, paths: list[str], db: Path, **options) -> int:
    sink = batch.DuckDBSink(str(db))
    try:
        done = sum(not sink.write(p).failed for p in process_with_dask(paths, client=client, **options))
    finally:
        sink.close()
    return done


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = copies(folder, n)
        lines = []

        start = time.perf_counter()
        options = batch.IngestOptions(tuple(paths), db=str(folder / "local.duckdb"), workers=WORKERS)
        tally = batch.ingest(options, stream=io.StringIO())
        assert tally.loaded == len(paths)
        lines.append(("local process pool, 2 workers", time.perf_counter() - start))

        start = time.perf_counter()
        cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        started = time.perf_counter() - start
        try:
            assert on_dask(client, paths, folder / "dask-cold.duckdb") == len(paths)
            lines.append(("dask LocalCluster, 2 workers, incl. start", time.perf_counter() - start))
            lines.append(("  of which starting the cluster", started))
            for name, options in (("dask, running cluster (warm workers)", {}),
                                  ("dask, running cluster, --ship-bytes", {"ship_bytes": True})):
                start = time.perf_counter()
                assert on_dask(client, paths, folder / f"dask-{len(lines)}.duckdb", **options) == len(paths)
                lines.append((name, time.perf_counter() - start))
        finally:
            client.close()
            cluster.close()

    print(f"{len(paths)} files (the 6 samples × {n}), 2 workers each\n")
    print(f"    {'':44} {'seconds':>8} {'files/s':>8}")
    for name, seconds in lines:
        rate = "" if name.startswith("  ") else f"{len(paths) / seconds:8.2f}"
        print(f"    {name:44} {seconds:8.1f} {rate:>8}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
