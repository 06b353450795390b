"""Command line: ingest report files into the DuckDB store, export the dataset, show its status.

    python pipeline.py ingest PATH [PATH ...] [--db FILE] [--workers N]
    python pipeline.py export [--db FILE] --out DIR [--format csv|parquet|xlsx]
    python pipeline.py status [--db FILE]

Each file goes extract → facts → load; whatever fails becomes a `problems` row and the batch
goes on. Exit status 0 when every input was handled, 2 when the run itself could not proceed.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
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

SUFFIXES = {".pdf", ".docx"}
SUMMARY_ROWS = 30


@dataclass(frozen=True)
class Processed:
    """What one input file contributes: its rows and its bookkeeping row."""

    records: Records
    file: FileRow

    @property
    def failed(self) -> bool:
        return self.records.report is None


# --- one file --------------------------------------------------------------------------------

def process_file(path: str) -> Processed:
    """Read, extract and build the rows of one file. Never raises: failures become problems."""
    name = Path(path).name
    try:
        data = Path(path).read_bytes()
        mtime = datetime.fromtimestamp(os.stat(path).st_mtime)
    except OSError as err:
        code = "file_not_found" if isinstance(err, FileNotFoundError) else "unreadable_file"
        problem = _problem(name, code, "extract", f"cannot read {path}: {err.strerror or err}")
        return _outcome(Records(name, path, None, problems=(problem,)), FileRow(path, name, None, None))
    digest = hashlib.sha256(data).hexdigest()
    report_id = digest[:16]
    file = FileRow(path, name, report_id, digest, len(data), mtime)
    return _outcome(_records(path, name, report_id), file)


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
    """Files given, plus .pdf/.docx files found recursively in folders given, in sorted order.

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


def process_all(paths: list[str], workers: int) -> Iterator[Processed]:
    """`process_file` over `paths`, in worker processes when `workers` > 1 (completion order).

    The worker processes are started before this returns, so open the DuckDB store (whose
    threads a forked child must not inherit) only afterwards.
    """
    if workers <= 1 or len(paths) <= 1:
        return (process_file(p) for p in paths)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(paths)))
    futures = {pool.submit(process_file, p): p for p in paths}
    return _as_completed(pool, futures)


def _as_completed(pool: ProcessPoolExecutor, futures: dict) -> Iterator[Processed]:
    try:
        for future in as_completed(futures):
            yield _result(future, futures[future])
    finally:
        pool.shutdown(cancel_futures=True)


def _result(future, path: str) -> Processed:
    try:
        return future.result()
    except Exception as err:  # the worker process died (e.g. BrokenProcessPool)
        name = Path(path).name
        problem = _stage_failed(name, "extract", err, None)
        return _outcome(Records(name, path, None, problems=(problem,)), FileRow(path, name, None, None))


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


def ingest(db: str, paths: list[str], workers: int) -> list[Processed]:
    """Process every file and store its rows in `db`; progress on stderr. Results in input order."""
    load.store.open_store(db).close()  # an unusable db stops the run before any work
    results = process_all(paths, workers)
    con = load.store.open_store(db)
    done: dict[str, Processed] = {}
    try:
        with Progress(len(paths)) as progress:
            for processed in results:
                processed = store_one(con, processed)
                done[processed.file.source_path] = processed
                progress.update(processed)
    finally:
        results.close()
        con.close()
    return [done[p] for p in paths if p in done]


class Progress:
    """A tqdm bar on a terminal, one plain line per file otherwise."""

    def __init__(self, total: int, stream=None):
        stream = stream or sys.stderr
        self.total, self.stream, self.count, self.failures = total, stream, 0, 0
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm
            # shutil falls back to 80x24 where a pseudo-terminal reports 0x0 (tqdm would hide the bar)
            size = shutil.get_terminal_size()
            self.bar = tqdm(total=total, unit="file", file=stream, ncols=size.columns,
                            nrows=size.lines)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, processed: Processed) -> None:
        self.count += 1
        self.failures += processed.failed
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failures, refresh=False)
            self.bar.update(1)
            return
        codes = ", ".join(p.code for p in processed.records.problems if p.severity == "error")
        state = f"failed ({codes})" if processed.failed else "loaded"
        print(f"[{self.count}/{self.total}] {processed.records.source_path}: {state}",
              file=self.stream, flush=True)


# --- reporting -------------------------------------------------------------------------------

def summary_lines(results: list[Processed], db: str) -> list[str]:
    loaded = [r for r in results if not r.failed]
    files = f"{len(results)} file" + "s" * (len(results) != 1)
    lines = [f"{files} ingested into {db}: {len(loaded)} loaded, {len(results) - len(loaded)} failed"]
    duplicates = len(results) - len({r.records.report_id or r.records.source_path for r in results})
    if duplicates:
        lines.append(f"{duplicates} of the files had the same bytes as another file (stored once)")
    codes = Counter((p.severity, p.code) for r in results for p in r.records.problems)
    if codes:
        lines.append("problems: " + ", ".join(f"{code} {n} ({severity})"
                                              for (severity, code), n in sorted(codes.items())))
    failed = [r for r in results if r.failed]
    for r in failed[:SUMMARY_ROWS]:
        errors = ", ".join(p.code for p in r.records.problems if p.severity == "error")
        lines.append(f"  failed: {r.file.source_path} ({errors})")
    if len(failed) > SUMMARY_ROWS:
        lines.append(f"  ... and {len(failed) - SUMMARY_ROWS} more failed (see problems)")
    if loaded:
        lines += [""] + table_lines(loaded[:SUMMARY_ROWS])
        if len(loaded) > SUMMARY_ROWS:
            lines.append(f"... and {len(loaded) - SUMMARY_ROWS} more (python pipeline.py status)")
    return lines


def table_lines(loaded: list[Processed]) -> list[str]:
    header = ("source_file", "report_type", "fiscal_year", "agency", "budget_yuan",
              "indicators", "figures")
    rows = [header] + [_summary_row(p.records) for p in loaded]
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
    problems = [f"  {severity:<8} {code:<24} {n}" for severity, code, n in status["problems"]]
    return lines + ["problems:"] + problems


# --- command line ----------------------------------------------------------------------------

def cmd_ingest(args) -> int:
    paths = find_inputs(args.paths)
    results = ingest(args.db, paths, args.workers)
    if not paths:
        print(f"no .pdf or .docx files found in {', '.join(args.paths)}")
    print("\n".join(summary_lines(results, args.db)))
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
        description="Read .pdf/.docx files (folders are searched recursively) into the database; "
                    "re-ingesting the same bytes replaces their rows.")
    ingest_cmd.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    ingest_cmd.add_argument("--workers", type=_workers, default=_default_workers(), metavar="N",
                            help="worker processes (default: number of cores; 1 = in process)")
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


if __name__ == "__main__":
    sys.exit(main())
