"""Ingest a batch of report files: each file through the stages, its rows to a sink.

    ingest(IngestOptions(paths, db=..., workers=N, ...)) -> Tally

The command line builds and checks the options once (`IngestOptions`, with the per-document
`ReadOptions` every worker gets), before any file is read. One file: `process.process_file`
(never raises). Many files: `executors.local.process_all` runs it in this process or in local
worker processes (each file stopped at a deadline), `executors.dask_cluster.process_with_dask` as
Dask tasks. Where the rows go: `DuckDBSink` (the store, one transaction per file) or
`storage.parquet.ParquetSink`, each document through `write_one` (a document the sink refuses
becomes a `load` problem). `ingest` combines an executor with a sink, skips files ingested before
unless `force`, and keeps a `Tally` with `Progress` on stderr.
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import duckdb

from perfreports import storage
from perfreports.executors.local import process_all
from perfreports.facts.records import Records
from perfreports.storage import export, store
from perfreports.process import Processed, ReadOptions, one_line, stage_failed
from perfreports.terminal import RECEIVED, Interrupted, printable

SUFFIXES = {".pdf", ".docx", ".doc", ".wps"}
SUMMARY_ROWS = 30  # failed files and loaded reports kept for the summary


@dataclass(frozen=True)
class IngestOptions:
    """One ingest run, as the command line checked it."""

    paths: tuple[str, ...]  # the input files, found already (`find_inputs`)
    db: str = storage.DEFAULT_DB
    out_parquet: str | None = None  # write a Parquet dataset here instead of the database
    executor: str = "local"  # local | dask
    scheduler: str | None = None  # Dask scheduler address (None: a local cluster)
    ship_bytes: bool = False  # send file bytes to the Dask workers
    workers: int = 1
    timeout: float | None = None  # seconds per document (local executor); None = no limit
    force: bool = False  # read files again even when unchanged since ingested
    read: ReadOptions = ReadOptions()


# --- many files ------------------------------------------------------------------------------

def find_inputs(paths: list[str]) -> list[str]:
    """Files given, plus the .pdf/.docx/.doc/.wps entries found in folders given (recursively,
    not following links to folders), sorted.

    Nothing is dropped silently: a path that does not exist, a link to nothing, a pipe or device
    named like a report and a folder that cannot be searched are kept, so that each gets its
    `problems` row (`process.file_row`).
    """
    found: list[str] = []
    for given in paths:
        if os.path.isdir(given):
            found += _search(given)
        else:
            found.append(given)
    return list(dict.fromkeys(found))


def _search(folder: str) -> list[str]:
    found, unsearchable = [], []
    for root, dirs, files in os.walk(folder, onerror=lambda err: unsearchable.append(err.filename)):
        dirs.sort()
        found += [os.path.join(root, name) for name in files if Path(name).suffix.lower() in SUFFIXES]
    return sorted(found) + sorted(unsearchable)


# --- where the rows go -----------------------------------------------------------------------

def write_one(sink, processed: Processed) -> Processed:
    """Write one file's rows to `sink`; if that fails, write its problems plus a `load` problem
    instead, so that one bad value fails its document only."""
    try:
        return sink.write(processed)
    except Exception as err:  # recorded as a `load` problem; if even that fails, the run stops
        records = processed.records
        problem = stage_failed(records.source_file, "load", err, records.report_id)
        failed = Records(records.source_file, records.source_path, records.report_id,
                         problems=records.problems + (problem,))
        return sink.write(Processed(failed, replace(processed.file, status="failed")))


class DuckDBSink:
    """The store as the only writer: each document in its own transaction, and the store's lock
    file held for the whole run (the connection is closed while workers are forked, when DuckDB's
    own lock is not held), so that a second ingest is refused at its start."""

    def __init__(self, db: str, rules=None):
        self.db = db
        self.rules = rules  # the rule sets a document with reviewers' corrections is checked again with
        self.lock = store.hold_writer_lock(db)
        try:
            self.con = store.open_store(db)
        except BaseException:
            self.lock.close()
            raise

    def ingested(self) -> dict[str, str]:
        return store.ingested(self.connection())

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.con = store.open_store(self.db)
        return self.con

    def write(self, processed: Processed) -> Processed:
        store.write(self.connection(), processed.records, processed.file, rules=self.rules)
        return processed

    def before_fork(self) -> None:
        """A forked worker must not inherit DuckDB's threads: close, reopen when next needed (the
        lock file stays held)."""
        if self.con is not None:
            self.con.close()
            self.con = None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        if self.lock is not None:
            self.lock.close()
            self.lock = None


def _sink(db: str, out_parquet: str | None, rules=None):
    if out_parquet is not None:
        from perfreports.storage.parquet import ParquetSink
        return ParquetSink(out_parquet)
    return DuckDBSink(db, rules)


# --- the run ---------------------------------------------------------------------------------

def ingest(options: IngestOptions, stream=None) -> Tally:
    """Process `options.paths` with its executor and write their rows to `out_parquet`, else to
    `db`; progress on `stream` (stderr).

    The sink is opened first (an unusable one stops the run before any work) and tells which
    files are unchanged since they were ingested; those are skipped unless `force`. The DuckDB
    store writes each file in its own transaction, so a killed run loses only the files in flight.
    """
    sink = _sink(options.db, options.out_parquet, options.read.rules)
    try:
        unchanged = {} if options.force else sink.ingested()
        tally = Tally(total=len(options.paths))
        with Interrupts() as interrupts, TimeLeft.of(options.paths) as time_left:
            results = _results(options, unchanged, before_fork=sink.before_fork)
            try:
                with Progress(tally, stream, time_left) as progress:
                    for processed in results:
                        with interrupts.deferred():  # a document is written and reported whole, or not at all
                            if not processed.skipped:
                                processed = write_one(sink, processed)
                            tally.add(processed)
                            progress.update(processed)
            finally:
                results.close()
    finally:
        sink.close()
    return tally


class Interrupts:
    """SIGINT and SIGTERM during a run. Outside a write they stop it at once (`Interrupted`); while
    a document is being written they wait until it is written and reported — an interrupt never
    leaves half a document, nor a document stored as failed because its write was cut."""

    def __init__(self):
        self.requested: int | None = None
        self.writing = False
        self.previous: dict[int, object] = {}

    def __enter__(self) -> Interrupts:
        for number in (signal.SIGINT, signal.SIGTERM):
            self.previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)

    def _handle(self, number: int, frame) -> None:
        self.requested = number
        if not self.writing:
            RECEIVED.append(number)
            raise Interrupted(number)

    @contextmanager
    def deferred(self):
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.requested is not None:
            raise Interrupted(self.requested)


def _results(options: IngestOptions, unchanged: dict[str, str], before_fork) -> Iterator[Processed]:
    paths = list(options.paths)
    if options.executor == "dask":
        from perfreports.executors.dask_cluster import process_with_dask  # dask is imported for this only
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


class TimeLeft:
    """The time a batch has left: the work of each file (pages, an OCR page counted as
    `OCR_PAGE_COST` text pages; perfreports/sizing.py, in a process beside the run) at the pace
    of the work done so far. Files not sized yet count as the mean of those that are."""

    def __init__(self, paths: list[str]):
        from perfreports.sizing import Sizer

        self.index = {path: i for i, path in enumerate(paths)}
        self.sizer = Sizer(list(paths)).start() if len(paths) > 1 else None
        self.started = time.monotonic()
        self.done_work = self.dropped_work = 0.0
        self.files_done = 0

    @classmethod
    @contextmanager
    def of(cls, paths):
        time_left = cls(list(paths))
        try:
            yield time_left
        finally:
            if time_left.sizer is not None:
                time_left.sizer.close()

    def _mean_work(self) -> float:
        return self.sizer.total / len(self.sizer.work) if self.sizer.work else 1.0

    def _work(self, path: str) -> float:
        return self.sizer.work.get(self.index.get(path, -1), self._mean_work())

    def add(self, processed: Processed) -> None:
        if self.sizer is None:
            return
        self.sizer.poll()
        work = self._work(processed.records.source_path)
        if processed.skipped:
            self.dropped_work += work
        else:
            self.done_work += work
            self.files_done += 1

    def seconds(self) -> float | None:
        if self.sizer is None or not self.files_done or not self.sizer.work:
            return None
        total = self.sizer.total + self._mean_work() * (len(self.index) - len(self.sizer.work))
        left = max(total - self.done_work - self.dropped_work, 0.0)
        return (time.monotonic() - self.started) * left / max(self.done_work, 1e-9)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """A tqdm bar on a terminal (files done/total, pages/s, failures so far, time left by
    pages); one plain line per file otherwise."""

    def __init__(self, tally: Tally, stream=None, time_left: TimeLeft | None = None):
        stream = stream or sys.stderr
        self.tally, self.stream, self.bar, self.time_left = tally, stream, None, time_left
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
        if self.time_left is not None:
            self.time_left.add(processed)
            left = self.time_left.seconds()
            if left is not None and t.done < t.total:
                rates += f", about {_duration(left)} left"
        if self.bar is not None:
            skipped = f", {t.skipped} unchanged" if t.skipped else ""
            self.bar.set_postfix_str(rates + skipped, refresh=False)
            self.bar.update(1)
            return
        print(f"[{t.done}/{t.total}] {printable(processed.records.source_path)}: {printable(_state(processed))} | "
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
            report.agency or "", export.format_decimal(report.budget_yuan),
            str(len(records.indicators)), str(len(records.figures)))
