"""Command line: ingest report files into the DuckDB store, export the dataset, show its status.

    python pipeline.py ingest PATH [PATH ...] [--db FILE] [--workers N] [--timeout SECONDS] [--force]
    python pipeline.py export [--db FILE] --out DIR [--format csv|parquet|xlsx]
    python pipeline.py status [--db FILE]

Each file goes extract → facts → load (`batch.py`); whatever fails becomes a `problems` row and
the batch goes on. Files whose path and bytes were ingested before are skipped unless `--force`. Exit
status 0 when every input was handled, 2 when the run itself could not proceed (also when no
input file was found).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

import duckdb

import load.export
import load.store
from batch import Tally, find_inputs, ingest, one_line

DEFAULT_TIMEOUT = 1800.0  # seconds per document: a 720-page PDF takes ~10 s, OCR ~10 s a page


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
    rows = [header] + sorted(loaded_rows)  # by file name: workers finish in any order
    widths = [max(load.export.display_width(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in rows]


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
    if not paths:
        print(f"error: no .pdf, .docx, .doc or .wps files found in {', '.join(args.paths)}",
              file=sys.stderr)
        return 2
    if args.db is not None and args.out_parquet:
        print("warning: --db is ignored with --out-parquet (the rows go to the Parquet dataset)",
              file=sys.stderr)
    if args.timeout is not None and args.executor == "dask":
        print("warning: --timeout is not enforced with --executor dask (README 'Running on a "
              "cluster')", file=sys.stderr)
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    db = args.db or load.store.DEFAULT_DB
    tally = ingest(paths, db=db, out_parquet=args.out_parquet, executor=args.executor,
                   scheduler=args.scheduler, ship_bytes=args.ship_bytes, workers=args.workers,
                   timeout=timeout or None, force=args.force)
    print("\n".join(summary_lines(tally, args.out_parquet or db)))
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
    ingest_cmd.add_argument("--timeout", type=_timeout, metavar="SECONDS",
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
    # None: not given (the defaults are applied in cmd_ingest, which warns about ignored options)
    ingest_cmd.set_defaults(run=cmd_ingest, db=None)

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
        print(f"error: {one_line(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: every file reported done is stored; run the same command again to "
              "go on", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
