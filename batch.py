"""Ingest a batch of report files: each file goes extract → facts, its rows go to a sink.

    ingest(IngestOptions(paths, db=..., workers=N, ...)) -> Tally

The command line builds and checks the options once (`IngestOptions`, with the per-document
`ReadOptions` every worker gets), before any file is read. One file:
`process_file(path, read=ReadOptions()) -> Processed` never raises; whatever fails becomes a `problems`
row. Many files: `process_all` runs it in this process or in local worker processes (each file
stopped at a deadline), `executors.dask_cluster.process_with_dask` as Dask tasks. Where the rows
go: `DuckDBSink` (the store, one transaction per file) or `load.parquet.ParquetSink`, each
document through `write_one` (a document the sink refuses becomes a `load` problem). `ingest`
combines an executor with a sink, skips files ingested before unless `force`, and keeps a
`Tally` with `Progress` on stderr.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb

import extract
import load.export
import load.store
from checks.rules import DEFAULT_RULES, ThresholdRule
from facts.build import build_records
from facts.records import Problem, Records
from load.store import FileRow
from workers import Lost, run as run_in_workers

SUFFIXES = {".pdf", ".docx", ".doc", ".wps"}
SUMMARY_ROWS = 30  # failed files and loaded reports kept for the summary


@dataclass(frozen=True)
class ReadOptions:
    """What reading one document needs besides its path; sent along with every task."""

    rules: tuple[ThresholdRule, ...] = DEFAULT_RULES  # behind_schedule thresholds (checks.rules)


@dataclass(frozen=True)
class IngestOptions:
    """One ingest run, as the command line checked it."""

    paths: tuple[str, ...]  # the input files, found already (`find_inputs`)
    db: str = load.DEFAULT_DB
    out_parquet: str | None = None  # write a Parquet dataset here instead of the database
    executor: str = "local"  # local | dask
    scheduler: str | None = None  # Dask scheduler address (None: a local cluster)
    ship_bytes: bool = False  # send file bytes to the Dask workers
    workers: int = 1
    timeout: float | None = None  # seconds per document (local executor); None = no limit
    force: bool = False  # read files again even when unchanged since ingested
    read: ReadOptions = ReadOptions()


@dataclass(frozen=True)
class Processed:
    """What one input file contributes: its rows and its bookkeeping row."""

    records: Records
    file: FileRow
    skipped: bool = False  # path and bytes ingested before: nothing read, nothing to write
    seconds: float = 0.0  # time spent reading the file and building its rows

    @property
    def failed(self) -> bool:
        return not self.skipped and self.records.report is None

    @property
    def pages(self) -> int:
        """Pages read (PDF); 0 for DOCX and for files that were not loaded."""
        report = self.records.report
        return (report.pages or 0) if report is not None else 0


# --- one file --------------------------------------------------------------------------------

def process_file(path: str, skip_sha256: str | None = None, read: ReadOptions = ReadOptions()) -> Processed:
    """Read, extract and build the rows of one file. Never raises: failures become problems.

    A file whose SHA-256 is `skip_sha256` (its path and bytes were ingested before) is not
    extracted: the result is `skipped`.
    """
    started = time.monotonic()
    file, unreadable = file_row(path)
    name = file.source_file
    if unreadable is not None:
        return _outcome(Records(name, path, None, problems=(unreadable,)), file)
    if file.sha256 == skip_sha256:
        return Processed(Records(name, path, file.report_id), file, skipped=True)
    processed = _outcome(_records(path, name, file.report_id, read), file)
    return replace(processed, seconds=time.monotonic() - started)


def file_row(path: str) -> tuple[FileRow, Problem | None]:
    """The bookkeeping row of a file (SHA-256 read in chunks), or a problem when it cannot be read."""
    name = Path(path).name
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        stat = os.stat(path)
    except OSError as err:
        code = "file_not_found" if isinstance(err, FileNotFoundError) else "unreadable_file"
        problem = _problem(name, code, "extract", f"cannot read {path}: {err.strerror or err}")
        return FileRow(path, name, None, None), problem
    sha256 = digest.hexdigest()
    return FileRow(path, name, sha256[:16], sha256, stat.st_size,
                   datetime.fromtimestamp(stat.st_mtime)), None


def lost_file(path: str, lost: Lost, timeout: float | None) -> Processed:
    """The outcome of a file whose worker was killed at the deadline or died."""
    file, unreadable = file_row(path)
    name = file.source_file
    if lost.reason == "timeout":
        problem = _problem(name, "timeout", "extract",
                           f"Reading the file took longer than the timeout of {timeout:g} s, so it "
                           f"was stopped (raise --timeout to give it more time).", file.report_id)
    else:
        problem = _problem(name, "stage_failed", "extract",
                           f"extract failed: the worker process died (exit code {lost.exitcode}) "
                           "while reading the file.", file.report_id)
    problems = (problem,) if unreadable is None else (unreadable,)
    processed = _outcome(Records(name, path, file.report_id, problems=problems), file)
    return replace(processed, seconds=lost.seconds)


def _records(path: str, name: str, report_id: str, read: ReadOptions) -> Records:
    try:
        document = extract.extract(Path(path))
    except extract.ExtractError as err:
        return _failed(path, name, report_id, _problem(name, err.code, "extract", err.message, report_id))
    except Exception as err:  # an internal bug in a stage: recorded, never dropped
        return _failed(path, name, report_id, _stage_failed(name, "extract", err, report_id))
    try:
        return build_records(document, report_id=report_id, source_file=name, source_path=path,
                             rules=read.rules)
    except Exception as err:
        return _failed(path, name, report_id, _stage_failed(name, "normalize", err, report_id))


def _outcome(records: Records, file: FileRow) -> Processed:
    status = "failed" if records.report is None else "loaded"
    return Processed(records, replace(file, status=status, ingested_at=datetime.now()))


def _failed(path: str, name: str, report_id: str | None, problem: Problem) -> Records:
    return Records(name, path, report_id, problems=(problem,))


def one_line(err: BaseException) -> str:
    """An exception as one line for a message: its text with whitespace collapsed, else its type."""
    return " ".join(str(err).split()) or type(err).__name__


def _problem(name: str, code: str, stage: str, message: str, report_id: str | None = None) -> Problem:
    return Problem(source_file=name, severity="error", code=code, message=message, stage=stage,
                   report_id=report_id)


def _stage_failed(name: str, stage: str, err: BaseException, report_id: str | None) -> Problem:
    message = f"{stage} failed: {type(err).__name__}: {err}"
    return _problem(name, "stage_failed", stage, message, report_id)


# --- many files ------------------------------------------------------------------------------

def find_inputs(paths: list[str]) -> list[str]:
    """Files given, plus .pdf/.docx/.doc/.wps files found recursively in folders given, sorted.

    A path that does not exist is kept, so that it gets its `problems` row.
    """
    found: list[str] = []
    for given in paths:
        folder = Path(given)
        if folder.is_dir():
            found += sorted(str(p) for p in folder.rglob("*")
                            if p.suffix.lower() in SUFFIXES and p.is_file())
        else:
            found.append(given)
    return list(dict.fromkeys(found))


def process_all(paths: list[str], workers: int, timeout: float | None = None,
                unchanged: dict[str, str] | None = None, before_fork=lambda: None,
                read: ReadOptions = ReadOptions()) -> Iterator[Processed]:
    """`process_file` over `paths`, in completion order.

    In worker processes (each document stopped after `timeout` seconds, a `timeout` problem), or
    in this process when `workers` is 1 and there is no timeout. `unchanged` maps a path to the
    SHA-256 it was ingested with: such files are skipped while their bytes stay the same.
    `before_fork` runs before each worker process is started: close the DuckDB store there (a
    forked child must not inherit its threads).
    """
    tasks = [(path, (unchanged or {}).get(path), read) for path in paths]
    if timeout is None and (workers <= 1 or len(paths) <= 1):
        return (process_file(*task) for task in tasks)
    return _in_workers(tasks, workers, timeout, before_fork)


def _process_task(task: tuple[str, str | None, ReadOptions]) -> Processed:
    return process_file(*task)


def _in_workers(tasks, workers: int, timeout: float | None, before_fork) -> Iterator[Processed]:
    results = run_in_workers(_process_task, tasks, workers, timeout, before_fork)
    try:
        for (path, _, _), result in results:
            yield lost_file(path, result, timeout) if isinstance(result, Lost) else result
    finally:
        results.close()


# --- where the rows go -----------------------------------------------------------------------

def write_one(sink, processed: Processed) -> Processed:
    """Write one file's rows to `sink`; if that fails, write its problems plus a `load` problem
    instead, so that one bad value fails its document only."""
    try:
        return sink.write(processed)
    except Exception as err:  # recorded as a `load` problem; if even that fails, the run stops
        records = processed.records
        problem = _stage_failed(records.source_file, "load", err, records.report_id)
        failed = Records(records.source_file, records.source_path, records.report_id,
                         problems=records.problems + (problem,))
        return sink.write(Processed(failed, replace(processed.file, status="failed")))


class DuckDBSink:
    """The store as the only writer: each document in its own transaction."""

    def __init__(self, db: str):
        self.db = db
        self.con = load.store.open_store(db)

    def ingested(self) -> dict[str, str]:
        return load.store.ingested(self.connection())

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.con = load.store.open_store(self.db)
        return self.con

    def write(self, processed: Processed) -> Processed:
        load.store.write(self.connection(), processed.records, processed.file)
        return processed

    def before_fork(self) -> None:
        """A forked worker must not inherit DuckDB's threads: close, reopen when next needed."""
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _sink(db: str, out_parquet: str | None):
    if out_parquet is not None:
        from load.parquet import ParquetSink
        return ParquetSink(out_parquet)
    return DuckDBSink(db)


# --- the run ---------------------------------------------------------------------------------

def ingest(options: IngestOptions, stream=None) -> Tally:
    """Process `options.paths` with its executor and write their rows to `out_parquet`, else to
    `db`; progress on `stream` (stderr).

    The sink is opened first (an unusable one stops the run before any work) and tells which
    files are unchanged since they were ingested; those are skipped unless `force`. The DuckDB
    store writes each file in its own transaction, so a killed run loses only the files in flight.
    """
    sink = _sink(options.db, options.out_parquet)
    try:
        unchanged = {} if options.force else sink.ingested()
        tally = Tally(total=len(options.paths))
        results = _results(options, unchanged, before_fork=sink.before_fork)
        try:
            with Progress(tally, stream) as progress:
                for processed in results:
                    if not processed.skipped:
                        processed = write_one(sink, processed)
                    tally.add(processed)
                    progress.update(processed)
        finally:
            results.close()
    finally:
        sink.close()
    return tally


def _results(options: IngestOptions, unchanged: dict[str, str], before_fork) -> Iterator[Processed]:
    paths = list(options.paths)
    if options.executor == "dask":
        from executors.dask_cluster import process_with_dask  # dask is imported for this only
        return process_with_dask(paths, options.scheduler, ship_bytes=options.ship_bytes,
                                 unchanged=unchanged, workers=options.workers, read=options.read)
    return iter(process_all(paths, options.workers, options.timeout, unchanged,
                            before_fork=before_fork, read=options.read))


@dataclass
class Tally:
    """Running counts of a batch plus the first rows for the summary. Bounded but for one
    16-character report_id per distinct report read (to count files with the same bytes)."""

    total: int
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    loaded: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    duplicates: int = 0  # files with the same bytes as another file of this run
    failed_by_code: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    failed_files: list[tuple[str, str]] = field(default_factory=list)  # (path, codes), the first ones
    loaded_rows: list[tuple[str, ...]] = field(default_factory=list)  # summary rows, the first ones
    _report_ids: set[str] = field(default_factory=set)

    def add(self, processed: Processed) -> None:
        self.done += 1
        if processed.skipped:
            self.skipped += 1
            return
        records = processed.records
        if records.report_id is not None:
            self.duplicates += records.report_id in self._report_ids
            self._report_ids.add(records.report_id)
        self.warnings.update(p.code for p in records.problems if p.severity == "warning")
        if processed.failed:
            self.failed += 1
            errors = [p.code for p in records.problems if p.severity == "error"]
            self.failed_by_code[errors[0] if errors else "unknown"] += 1
            if len(self.failed_files) < SUMMARY_ROWS:
                self.failed_files.append((processed.file.source_path, ", ".join(errors)))
            return
        self.loaded += 1
        self.pages += processed.pages
        if len(self.loaded_rows) < SUMMARY_ROWS:
            self.loaded_rows.append(_summary_row(records))

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def files_per_second(self) -> float:
        """Files read (loaded or failed, not skipped) per second of the run."""
        return (self.loaded + self.failed) / max(self.seconds, 1e-9)

    @property
    def pages_per_second(self) -> float:
        return self.pages / max(self.seconds, 1e-9)


class Progress:
    """A tqdm bar on a terminal (files done/total, pages/s, failures so far); one plain line per
    file otherwise."""

    def __init__(self, tally: Tally, stream=None):
        stream = stream or sys.stderr
        self.tally, self.stream, self.bar = tally, stream, None
        if stream.isatty():
            from tqdm import tqdm
            tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked from here
            # shutil falls back to 80x24 where a pseudo-terminal reports 0x0 (tqdm would hide the bar)
            size = shutil.get_terminal_size()
            self.bar = tqdm(total=tally.total, unit="file", file=stream, ncols=size.columns,
                            nrows=size.lines)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, processed: Processed) -> None:
        t = self.tally
        rates = f"{t.pages_per_second:.1f} pages/s, {t.failed} failed"
        if self.bar is not None:
            skipped = f", {t.skipped} unchanged" if t.skipped else ""
            self.bar.set_postfix_str(rates + skipped, refresh=False)
            self.bar.update(1)
            return
        print(f"[{t.done}/{t.total}] {processed.records.source_path}: {_state(processed)} | "
              f"{t.files_per_second:.2f} files/s, {rates}", file=self.stream, flush=True)


def _state(processed: Processed) -> str:
    if processed.skipped:
        return "unchanged, skipped"
    if processed.failed:
        errors = [p for p in processed.records.problems if p.severity == "error"]
        return "failed (" + "; ".join(f"{p.code}: {one_line(p.message)}" for p in errors) + ")"
    pages = f"{processed.pages} pages, " if processed.pages else ""
    return f"loaded ({pages}{processed.seconds:.1f} s)"


def _summary_row(records: Records) -> tuple[str, ...]:
    report = records.report
    return (records.source_file, report.report_type or "", str(report.fiscal_year or ""),
            report.agency or "", load.export.format_decimal(report.budget_yuan),
            str(len(records.indicators)), str(len(records.figures)))
