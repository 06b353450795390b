"""Where documents are processed (`local` worker processes or a `dask` cluster) and where their
rows go (the DuckDB store or a Parquet dataset): `ingest` combines the two for the command line.

The local pool with the DuckDB store is `pipeline.ingest`; this module runs the other
combinations with the same progress, tally and summary.
"""
from __future__ import annotations

from typing import Iterator

import load.store
import pipeline

EXECUTORS = ("local", "dask")


def ingest(paths: list[str], *, db: str, out_parquet: str | None = None, executor: str = "local",
           scheduler: str | None = None, ship_bytes: bool = False, workers: int = 1,
           timeout: float | None = None, force: bool = False, stream=None) -> pipeline.Tally:
    """Process `paths` with `executor` and write their rows to `out_parquet`, else to `db`.

    The sink is opened first (an unusable one stops the run before any work) and tells which
    files are unchanged since they were ingested; those are skipped unless `force`.
    """
    sink = _sink(db, out_parquet)
    tally = pipeline.Tally(total=len(paths))
    try:
        unchanged = {} if force else sink.ingested()
        results = _results(paths, executor, scheduler, ship_bytes, workers, timeout, unchanged,
                           before_fork=sink.before_fork)
        try:
            with pipeline.Progress(tally, stream) as progress:
                for processed in results:
                    if not processed.skipped:
                        processed = sink.write(processed)
                    tally.add(processed)
                    progress.update(processed)
        finally:
            results.close()
    finally:
        sink.close()
    return tally


def _results(paths, executor, scheduler, ship_bytes, workers, timeout, unchanged,
             before_fork) -> Iterator[pipeline.Processed]:
    if executor == "dask":
        from executors.dask_cluster import process_with_dask  # dask is imported for this only
        return process_with_dask(paths, scheduler, ship_bytes=ship_bytes, unchanged=unchanged,
                                 workers=workers)
    return iter(pipeline.process_all(paths, workers, timeout, unchanged, before_fork=before_fork))


def _sink(db: str, out_parquet: str | None):
    if out_parquet is not None:
        from load.parquet import ParquetSink
        return ParquetSink(out_parquet)
    return DuckDBSink(db)


class DuckDBSink:
    """The store as the only writer: each document in its own transaction (`pipeline.store_one`)."""

    def __init__(self, db: str):
        self.db = db
        self.con = load.store.open_store(db)

    def ingested(self) -> dict[str, str]:
        return load.store.ingested(self.connection())

    def connection(self):
        if self.con is None:
            self.con = load.store.open_store(self.db)
        return self.con

    def write(self, processed: pipeline.Processed) -> pipeline.Processed:
        return pipeline.store_one(self.connection(), processed)

    def before_fork(self) -> None:
        """A forked worker must not inherit DuckDB's threads: close, reopen when next needed."""
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
