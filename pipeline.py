"""Command line: ingest report files into the DuckDB store, export the dataset, show its status.

    python pipeline.py ingest PATH [PATH ...] [--db FILE] [--workers N] [--timeout SECONDS] [--force]
    python pipeline.py export [--db FILE] --out DIR [--format csv|parquet|xlsx]
    python pipeline.py status [--db FILE]

Each file goes extract → facts → load; whatever fails becomes a `problems` row and the batch
goes on. Files whose path and bytes were ingested before are skipped unless `--force`. Exit
status 0 when every input was handled, 2 when the run itself could not proceed.
"""
from __future__ import annotations

import argparse
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
import facts
import load.export
import load.store
from facts.records import Problem, Records
from load.store import FileRow
from workers import Lost, run as run_in_workers

SUFFIXES = {".pdf", ".docx", ".doc", ".wps"}
SUMMARY_ROWS = 30
DEFAULT_TIMEOUT = 1800.0  # seconds per document: a 720-page PDF takes ~10 s, OCR ~10 s a page


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

def process_file(path: str, skip_sha256: str | None = None) -> Processed:
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
    processed = _outcome(_records(path, name, file.report_id), file)
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


def _records(path: str, name: str, report_id: str) -> Records:
    try:
        document = extract.extract(Path(path))
    except extract.ExtractError as err:
        return _failed(path, name, report_id, _problem(name, err.code, "extract", err.message, report_id))
    except Exception as err:  # an internal bug in a stage: recorded, never dropped
        return _failed(path, name, report_id, _stage_failed(name, "extract", err, report_id))
    try:
        return facts.build(document, report_id=report_id, source_file=name, source_path=path)
    except Exception as err:
        return _failed(path, name, report_id, _stage_failed(name, "normalize", err, report_id))


def _outcome(records: Records, file: FileRow) -> Processed:
    status = "failed" if records.report is None else "loaded"
    return Processed(records, replace(file, status=status, ingested_at=datetime.now()))


def _failed(path: str, name: str, report_id: str | None, problem: Problem) -> Records:
    return Records(name, path, report_id, problems=(problem,))


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
                unchanged: dict[str, str] | None = None,
                before_fork=lambda: None) -> Iterator[Processed]:
    """`process_file` over `paths`, in completion order.

    In worker processes (each document stopped after `timeout` seconds, a `timeout` problem), or
    in this process when `workers` is 1 and there is no timeout. `unchanged` maps a path to the
    SHA-256 it was ingested with: such files are skipped while their bytes stay the same.
    `before_fork` runs before each worker process is started: close the DuckDB store there (a
    forked child must not inherit its threads).
    """
    tasks = [(path, (unchanged or {}).get(path)) for path in paths]
    if timeout is None and (workers <= 1 or len(paths) <= 1):
        return (process_file(*task) for task in tasks)
    return _in_workers(tasks, workers, timeout, before_fork)


def _process_task(task: tuple[str, str | None]) -> Processed:
    return process_file(*task)


def _in_workers(tasks, workers: int, timeout: float | None, before_fork) -> Iterator[Processed]:
    results = run_in_workers(_process_task, tasks, workers, timeout, before_fork)
    try:
        for (path, _), result in results:
            yield lost_file(path, result, timeout) if isinstance(result, Lost) else result
    finally:
        results.close()


def store_one(con: duckdb.DuckDBPyConnection, processed: Processed) -> Processed:
    """Write one file's rows; if that fails, write its problems plus a `load` problem instead."""
    try:
        load.store.write(con, processed.records, processed.file)
        return processed
    except Exception as err:  # recorded as a `load` problem; if even that fails, the run stops
        records = processed.records
        problem = _stage_failed(records.source_file, "load", err, records.report_id)
        failed = Records(records.source_file, records.source_path, records.report_id,
                         problems=records.problems + (problem,))
        fallback = Processed(failed, replace(processed.file, status="failed"))
        load.store.write(con, fallback.records, fallback.file)
        return fallback


def ingest(db: str, paths: list[str], workers: int, timeout: float | None = DEFAULT_TIMEOUT,
           force: bool = False, stream=None) -> Tally:
    """Process every file and store its rows in `db`, progress on `stream` (stderr).

    Files whose path and SHA-256 are in the `files` table already are skipped unless `force`.
    Each file is written in its own transaction, so a killed run loses only the files in flight.
    """
    with load.store.open_store(db) as con:  # an unusable db stops the run before any work
        unchanged = {} if force else load.store.ingested(con)
    writer = _Writer(db)
    tally = Tally(total=len(paths))
    results = process_all(paths, workers, timeout, unchanged, before_fork=writer.close)
    try:
        with Progress(tally, stream) as progress:
            for processed in results:
                if not processed.skipped:
                    processed = store_one(writer.connection(), processed)
                tally.add(processed)
                progress.update(processed)
    finally:
        results.close()
        writer.close()
    return tally


class _Writer:
    """The store's connection: opened when first needed, closed before a worker is forked."""

    def __init__(self, db: str):
        self.db, self.con = db, None

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.con = load.store.open_store(self.db)
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


@dataclass
class Tally:
    """Running counts of a batch plus the first rows for the summary; its size stays bounded."""

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
        codes = ", ".join(p.code for p in processed.records.problems if p.severity == "error")
        return f"failed ({codes})"
    pages = f"{processed.pages} pages, " if processed.pages else ""
    return f"loaded ({pages}{processed.seconds:.1f} s)"


# --- reporting -------------------------------------------------------------------------------

def summary_lines(tally: Tally, db: str) -> list[str]:
    files = f"{tally.done} file" + "s" * (tally.done != 1)
    hint = "; --force reads them again" if tally.skipped else ""
    lines = [f"{files} ingested into {db}: {tally.loaded} loaded, {tally.failed} failed, "
             f"{tally.skipped} skipped (unchanged since ingested{hint})"]
    read = tally.loaded + tally.failed
    if read:
        lines.append(f"read {read} files ({tally.pages} PDF pages) in {tally.seconds:.1f} s: "
                     f"{tally.files_per_second:.2f} files/s, {tally.pages_per_second:.1f} pages/s")
    if tally.duplicates:
        lines.append(f"{tally.duplicates} of the files had the same bytes as another file (stored once)")
    if tally.failed_by_code:
        lines.append("failed by code: " + _counts(tally.failed_by_code))
    if tally.warnings:
        lines.append("warnings: " + _counts(tally.warnings))
    for path, codes in tally.failed_files:
        lines.append(f"  failed: {path} ({codes})")
    if tally.failed > len(tally.failed_files):
        lines.append(f"  ... and {tally.failed - len(tally.failed_files)} more failed (see problems)")
    if tally.loaded_rows:
        lines += [""] + table_lines(tally.loaded_rows)
        if tally.loaded > len(tally.loaded_rows):
            lines.append(f"... and {tally.loaded - len(tally.loaded_rows)} more "
                         "(python pipeline.py status)")
    return lines


def _counts(counter: Counter) -> str:
    return ", ".join(f"{code} {n}" for code, n in sorted(counter.items()))


def table_lines(loaded_rows: list[tuple[str, ...]]) -> list[str]:
    header = ("source_file", "report_type", "fiscal_year", "agency", "budget_yuan",
              "indicators", "figures")
    rows = [header] + loaded_rows
    widths = [max(load.export.display_width(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def _summary_row(records: Records) -> tuple[str, ...]:
    report = records.report
    return (records.source_file, report.report_type or "", str(report.fiscal_year or ""),
            report.agency or "", load.export.format_decimal(report.budget_yuan),
            str(len(records.indicators)), str(len(records.figures)))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - load.export.display_width(text))


def status_lines(status: dict, db: str) -> list[str]:
    lines = [f"{db}:"]
    lines += [f"  {table:<11} {n} rows" for table, n in status["counts"].items()]
    if status["files"]:
        lines.append("files: " + ", ".join(f"{s} {n}" for s, n in status["files"].items()))
    if not status["problems"]:
        return lines + ["problems: none"]
    files = status["problem_files"]
    problems = [f"  {severity:<8} {code:<24} {n:>6} rows in {files[severity, code]} files"
                for severity, code, n in status["problems"]]
    return lines + ["problems:"] + problems


# --- command line ----------------------------------------------------------------------------

def cmd_ingest(args) -> int:
    if args.executor == "local" and (args.scheduler or args.ship_bytes):
        print("error: --scheduler and --ship-bytes need --executor dask", file=sys.stderr)
        return 2
    paths = find_inputs(args.paths)
    if args.executor == "local" and args.out_parquet is None:
        tally = ingest(args.db, paths, args.workers, args.timeout or None, args.force)
    else:  # a Dask cluster and/or a Parquet dataset: executors/
        import executors
        tally = executors.ingest(paths, db=args.db, out_parquet=args.out_parquet,
                                 executor=args.executor, scheduler=args.scheduler,
                                 ship_bytes=args.ship_bytes, workers=args.workers,
                                 timeout=args.timeout or None, force=args.force)
    if not paths:
        print(f"no .pdf, .docx, .doc or .wps files found in {', '.join(args.paths)}")
    print("\n".join(summary_lines(tally, args.out_parquet or args.db)))
    return 0


def cmd_export(args) -> int:
    con = load.store.open_store(args.db, read_only=True)
    try:
        written = load.export.export(con, args.out, args.format)
    finally:
        con.close()
    print("\n".join(f"wrote {p}" for p in written))
    return 0


def cmd_status(args) -> int:
    con = load.store.open_store(args.db, read_only=True)
    try:
        print("\n".join(status_lines(load.store.status(con), args.db)))
    finally:
        con.close()
    return 0

def cmd_compare(args) -> int:
    import load.compare  # matplotlib is loaded for this command only
    try:
        written = load.compare.compare(args.db, args.out, by=args.by)
    except load.compare.charts.FontMissing as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("\n".join(f"wrote {p}" for p in written))
    return 0



def _timeout(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no timeout) or more seconds, got {text}")
    return value


def _workers(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="pipeline.py", description="Turn budget-performance reports into a dataset.")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", default=load.store.DEFAULT_DB, metavar="FILE",
                    help=f"DuckDB database file (default: {load.store.DEFAULT_DB})")

    ingest_cmd = commands.add_parser(
        "ingest", parents=[db], help="read report files into the database",
        description="Read .pdf/.docx/.doc/.wps files (folders are searched recursively) into the "
                    "database; files ingested before with the same bytes are skipped, re-ingesting "
                    "the same bytes replaces their rows.")
    ingest_cmd.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    ingest_cmd.add_argument("--workers", type=_workers, default=_default_workers(), metavar="N",
                            help="worker processes (default: number of cores)")
    ingest_cmd.add_argument("--timeout", type=_timeout, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                            help="stop a document after this long, a `timeout` problem "
                                 f"(default: {DEFAULT_TIMEOUT:g}; 0 = none, and with --workers 1 "
                                 "the files are read in this process)")
    ingest_cmd.add_argument("--force", action="store_true",
                            help="read files again even when their path and bytes were ingested before")
    ingest_cmd.add_argument("--executor", choices=("local", "dask"), default="local",
                            help="where documents are read: local worker processes, or Dask tasks "
                                 "on the cluster of --scheduler (a local one of --workers processes "
                                 "without it); see README 'Running on a cluster'")
    ingest_cmd.add_argument("--scheduler", metavar="URL",
                            help="Dask scheduler address, e.g. tcp://HOST:8786 (with --executor dask)")
    ingest_cmd.add_argument("--ship-bytes", action="store_true",
                            help="send each file's bytes to the Dask workers (no shared filesystem)")
    ingest_cmd.add_argument("--out-parquet", metavar="DIR",
                            help="write a Parquet dataset partitioned by fiscal_year into DIR "
                                 "instead of the database")
    ingest_cmd.set_defaults(run=cmd_ingest)

    export_cmd = commands.add_parser(
        "export", parents=[db], help="write the dataset tables to files",
        description="Write reports, indicators, figures and problems as CSV or Parquet files, "
                    "or as one dataset.xlsx with a sheet per table.")
    export_cmd.add_argument("--out", required=True, metavar="DIR", help="output folder")
    export_cmd.add_argument("--format", choices=load.export.FORMATS, default="csv",
                            help="file format (default: csv)")
    export_cmd.set_defaults(run=cmd_export)

    status_cmd = commands.add_parser(
        "status", parents=[db], help="row counts and problems by code",
        description="Show row counts per table, files by status and problems by code.")
    status_cmd.set_defaults(run=cmd_status)

    compare_cmd = commands.add_parser(
        "compare", parents=[db], help="compare reports: summary.xlsx, charts, report.html",
        description="Write summary.xlsx (one row per report, indicators across years and agencies, "
                    "problems), PNG charts (execution rate against 序时进度, indicator achievement) and "
                    "a self-contained report.html; also (re)creates the views report_summary and "
                    "indicator_achievement in the database.")
    compare_cmd.add_argument("--out", required=True, metavar="DIR", help="output folder")
    compare_cmd.add_argument("--by", choices=("agency", "fiscal_year", "report_type"), default="agency",
                             help="order and group reports by (default: agency)")
    compare_cmd.set_defaults(run=cmd_compare)
    return main_parser


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (load.store.StoreError, duckdb.Error, OSError) as err:
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: every file reported done is stored; run the same command again to "
              "go on", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
