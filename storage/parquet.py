"""A Parquet dataset as the sink of an ingest run, for runs too large for one DuckDB file.

    DIR/reports/fiscal_year=2023/<run>-00000-0.parquet
    DIR/indicators/fiscal_year=2023/…   DIR/figures/…   DIR/indicator_cells/…   (each row under its
                                        report's fiscal_year; reviewers' corrections live in a store only)
    DIR/problems/fiscal_year=__HIVE_DEFAULT_PARTITION__/…   (no report, or no fiscal_year)
    DIR/files/<run>-00000-0.parquet     (bookkeeping: what was ingested, for skip-unchanged)

Hive-partitioned by `fiscal_year` (pyarrow, DuckDB, Spark, Polars read it: the partition
column comes back from the folder names, null for `__HIVE_DEFAULT_PARTITION__`). Columns and
types are those of the DuckDB tables (`storage.store.to_arrow`; money as decimal128(20,4)).

Documents are buffered and written every `batch` documents, each write new files named after
the run and the batch, so nothing is ever overwritten. On a rerun into the same DIR, files
whose path and bytes are in `files/` already are skipped (as with the DuckDB store); a changed
file, or every file with `--force`, adds its rows again — unlike the DuckDB store, the old rows
are not replaced, so read the newest run of a report_id, or write to a fresh DIR. A killed run
loses its unwritten batch; `files/` is written after the rows of a batch, so those documents
are read again on the next run.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from perfreports.storage.store import DATASET_TABLES, record_tables, to_arrow

PARTITION = "fiscal_year"
BATCH = 500  # documents per write


class ParquetSink:
    """Rows of processed documents, written as a Hive-partitioned Parquet dataset under `folder`."""

    def __init__(self, folder: str | Path, batch: int = BATCH):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)  # an unusable folder stops the run here
        self.batch = batch
        self.run = f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.parts = 0
        self._tables: dict[str, list[pa.Table]] = {t: [] for t in (*DATASET_TABLES, "files")}
        self._documents = 0

    def ingested(self) -> dict[str, str]:
        """path → SHA-256 of every file ingested before into this folder (the latest run wins)."""
        files = self.folder / "files"
        if not files.is_dir():
            return {}
        table = ds.dataset(files, format="parquet").to_table(
            columns=["source_path", "sha256", "ingested_at"])
        rows = sorted(table.to_pylist(), key=lambda r: r["ingested_at"] or datetime.min)
        return {r["source_path"]: r["sha256"] for r in rows if r["sha256"] is not None}

    def write(self, processed):
        """Buffer one document's rows (a `process.Processed`); written every `batch` documents."""
        records = processed.records
        year = records.report.fiscal_year if records.report is not None else None
        # every table built before any is buffered: a document refused here leaves nothing behind
        tables = {t: _with_partition(rows, year) for t, rows in record_tables(records).items()}
        tables["files"] = to_arrow("files", [processed.file])
        for table, rows in tables.items():
            self._tables[table].append(rows)
        self._documents += 1
        if self._documents >= self.batch:
            self.flush()
        return processed

    def flush(self) -> None:
        if not self._documents:
            return
        name = f"{self.run}-{self.parts:05d}-{{i}}.parquet"
        for table in (*DATASET_TABLES, "files"):  # files last: see the module's docstring
            parts = self._tables[table]
            if not parts:
                continue
            rows = pa.concat_tables(parts)
            partitioning = None
            if table != "files":
                partitioning = ds.partitioning(pa.schema([(PARTITION, pa.int32())]), flavor="hive")
            ds.write_dataset(rows, self.folder / table, format="parquet", partitioning=partitioning,
                             basename_template=name, existing_data_behavior="overwrite_or_ignore")
        self.parts += 1
        self._tables = {t: [] for t in self._tables}
        self._documents = 0

    def before_fork(self) -> None:
        """Nothing to close: no threads are running between writes."""

    def close(self) -> None:
        self.flush()


def _with_partition(rows: pa.Table, year: int | None) -> pa.Table:
    """`rows` with the partition column; `reports` has it already (it moves to the folder name)."""
    if PARTITION in rows.column_names:
        return rows
    return rows.append_column(PARTITION, pa.array([year] * rows.num_rows, pa.int32()))


def read(folder: str | Path, table: str) -> pa.Table:
    """One table of the dataset, `fiscal_year` restored from the folder names."""
    partitioning = None if table == "files" else ds.partitioning(
        pa.schema([(PARTITION, pa.int32())]), flavor="hive")
    path = Path(folder) / table
    if not path.is_dir():
        return pa.table({})
    return ds.dataset(path, format="parquet", partitioning=partitioning).to_table()
