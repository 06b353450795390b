"""The command line (`python pipeline.py …`, or `perfreports …` once installed): ingest report
files into the DuckDB store, export the dataset, compare, check the set-up.

    python pipeline.py ingest PATH [PATH ...] [--db FILE] [--workers N] [--timeout SECONDS] [--force] [--rules FILE]
    python pipeline.py export [--db FILE] --out DIR [--format csv|parquet|xlsx] [--csv-excel-safe]
    python pipeline.py status [--db FILE]
    python pipeline.py compare [--db FILE] [--by agency|fiscal_year|report_type] --out DIR
    python pipeline.py doctor
    python pipeline.py explain FILE [--rows N]
    python pipeline.py concepts [--db FILE] [--limit N] [--out FILE]
    python pipeline.py review [--db FILE] [--port 8765] [--reviewer NAME]

Each file goes extract → facts → checks → load (`batch.py`); whatever fails becomes a `problems` row and
the batch goes on. Options are checked once, before any file is read. Exit status 0 when every
input was handled, 2 when the run itself could not proceed, 130 after Ctrl-C (143 after SIGTERM:
the documents written so far stay, the one in flight is read again next time), 141 when the reader
of the output stopped reading (`… | head`), as for other Unix tools. Errors are one line;
`--debug` shows the traceback. The stages are imported by the command that needs them, so
`--help` stays fast.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections import Counter

from perfreports.storage import DEFAULT_DB, EXPORT_FORMATS
from perfreports.terminal import RECEIVED, plural, printable, stop_on_signals

DEFAULT_TIMEOUT = 1800.0  # seconds per document: a 720-page PDF takes ~10 s, OCR ~10 s a page
GROUPINGS = ("agency", "fiscal_year", "report_type")


class UsageError(Exception):
    """A bad option or argument, found before any file is read: exit 2 with this one line."""


# --- reporting -------------------------------------------------------------------------------

def summary_lines(tally, db: str) -> list[str]:
    hint = "; --force reads them again" if tally.skipped else ""
    lines = [f"{plural(tally.done, 'file')} ingested into {db}: {tally.loaded} loaded, {tally.failed} failed, "
             f"{tally.skipped} skipped (unchanged since ingested{hint})"]
    read = tally.loaded + tally.failed
    if read:
        lines.append(f"read {plural(read, 'file')} ({plural(tally.pages, 'PDF page')}) in {tally.seconds:.1f} s: "
                     f"{tally.files_per_second:.2f} files/s, {tally.pages_per_second:.1f} pages/s")
    if tally.duplicates:
        lines.append(f"{plural(tally.duplicates, 'file')} had the same bytes as another file (stored once)")
    if tally.failed_by_code:
        lines.append("failed by code: " + _counts(tally.failed_by_code))
    if tally.warnings:
        lines.append("warnings: " + _counts(tally.warnings))
    for path, codes in tally.failed_files:
        lines.append(f"  failed: {printable(path)} ({codes})")
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
    from perfreports.storage.export import display_width
    header = ("source_file", "report_type", "fiscal_year", "agency", "budget_yuan",
              "indicators", "figures")
    rows = [header] + sorted(tuple(printable(cell) for cell in row) for row in loaded_rows)  # by file name
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths)).rstrip()
            for row in rows]


def status_lines(status: dict, db: str) -> list[str]:
    lines = [f"{db}:"]
    lines += [f"  {table:<11} {plural(n, 'row')}" for table, n in status["counts"].items()]
    if status["files"]:
        lines.append("files: " + ", ".join(f"{s} {n}" for s, n in status["files"].items()))
    if not status["problems"]:
        return lines + ["problems: none"]
    files = status["problem_files"]
    problems = [f"  {severity:<8} {code:<24} {plural(n, 'row'):>9} in {plural(files[severity, code], 'file')}"
                for severity, code, n in status["problems"]]
    return lines + ["problems:"] + problems


# --- commands --------------------------------------------------------------------------------

def ingest_options(args):
    """The run's options, every one checked here, before any file is read."""
    from perfreports.batch import IngestOptions, find_inputs
    from perfreports.process import ReadOptions
    from perfreports.checks.rules import RulesError, configured_rules
    if args.executor == "local" and (args.scheduler or args.ship_bytes):
        raise UsageError("--scheduler and --ship-bytes need --executor dask")
    try:
        rules = configured_rules(args.rules)
    except RulesError as err:
        raise UsageError(str(err)) from err
    concepts = crosswalk(args.concepts) if args.concepts else ()
    from perfreports.extract.limits import Limits
    limits = Limits(**{name: getattr(args, name) for name in Limits.__dataclass_fields__})
    paths = find_inputs(args.paths)
    if not paths:
        raise UsageError(f"no .pdf, .docx, .doc or .wps files found in {', '.join(args.paths)}")
    if args.db is not None and args.out_parquet:
        warn("--db is ignored with --out-parquet (the rows go to the Parquet dataset)")
    if args.timeout is not None and args.executor == "dask":
        warn("--timeout is not enforced with --executor dask (README 'Running on a cluster')")
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    return IngestOptions(tuple(paths), db=args.db or DEFAULT_DB, out_parquet=args.out_parquet,
                         executor=args.executor, scheduler=args.scheduler, ship_bytes=args.ship_bytes,
                         workers=args.workers, timeout=timeout or None, force=args.force,
                         read=ReadOptions(rules=rules, concepts=concepts, limits=limits))


def crosswalk(path: str) -> tuple[tuple[str, str], ...]:
    """The user's (indicator name, concept id) pairs of `--concepts FILE`, checked against the
    vocabulary before any file is read."""
    from perfreports.facts.concepts import ConceptsError, load_crosswalk
    try:
        pairs = load_crosswalk(path)  # unknown concept ids are found here, before any file is read
    except ConceptsError as err:
        raise UsageError(f"--concepts: {err}") from err
    return tuple(sorted(pairs.items()))


def cmd_ingest(args) -> int:
    from perfreports.batch import ingest
    options = ingest_options(args)
    tally = ingest(options)
    print("\n".join(summary_lines(tally, options.out_parquet or options.db)))
    return 0


def cmd_export(args) -> int:
    from perfreports.storage.export import export
    from perfreports.storage.store import open_store
    con = open_store(_existing_db(args), read_only=True)
    try:
        if args.csv_excel_safe and args.format != "csv":
            raise UsageError("--csv-excel-safe is for --format csv (XLSX cells are always text, never formulas)")
        written = export(con, args.out, args.format, excel_safe=args.csv_excel_safe)
    finally:
        con.close()
    print("\n".join(f"wrote {p}" for p in written))
    return 0


def cmd_status(args) -> int:
    from perfreports.storage.store import open_store, status
    db = _existing_db(args)
    con = open_store(db, read_only=True)
    try:
        print("\n".join(status_lines(status(con), db)))
    finally:
        con.close()
    return 0


def cmd_concepts(args) -> int:
    import csv
    from perfreports.storage.store import open_store, unmatched_concepts
    db = _existing_db(args)
    with open_store(db, read_only=True) as con:
        names, total, matched = unmatched_concepts(con, args.limit)
    share = f" ({matched / total:.0%})" if total else ""
    print(f"{matched} of {plural(total, 'quantitative indicator row')} have a concept{share}; "
          f"names without one, most documents first:")
    rows = [("documents", "rows", "unit", "indicator")] + [(str(d), str(n), unit or "", name) for name, unit, d, n in names]
    print("\n".join(f"  {d:>9}  {n:>4}  {u:<6}  {printable(name)}" for d, n, u, name in rows))
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["indicator", "concept_id", "unit", "documents"])
            writer.writerows([name, "", unit or "", d] for name, unit, d, _ in names)
        print(f"wrote {args.out}: fill in concept_id (ids: facts/concepts/vocabulary.toml), then "
              f"ingest again with --force --concepts {args.out}")
    return 0


def cmd_compare(args) -> int:
    from perfreports.storage.charts import FontMissing, cjk_font_path
    from perfreports.storage.compare import compare
    db = _existing_db(args)
    try:
        cjk_font_path()  # before anything is written
    except FontMissing as err:
        raise UsageError(str(err)) from err
    written = compare(db, args.out, by=args.by)
    print("\n".join(f"wrote {p}" for p in written))
    return 0


def cmd_doctor(args) -> int:
    from perfreports.doctor import check_parts, report_lines
    print("\n".join(report_lines(check_parts())))
    return 0


def cmd_explain(args) -> int:
    from perfreports.explain import explain
    from perfreports.extract import ExtractError
    if not os.path.isfile(args.file):
        raise UsageError(f"no file at {args.file}")
    try:
        print("\n".join(explain(args.file, max_rows=args.rows)))
    except ExtractError as err:
        raise UsageError(f"{args.file} cannot be read ({err.code}): {err.message}") from err
    return 0


def cmd_review(args) -> int:
    from perfreports.checks.rules import RulesError, configured_rules
    db = _existing_db(args)
    try:
        from perfreports.review.server import serve
    except ImportError as err:  # the review extra is not installed
        raise UsageError(f"the review needs Flask: pip install -e '.[review]' ({err})") from err
    try:
        rules = configured_rules(None)
    except RulesError as err:
        raise UsageError(str(err)) from err
    try:
        serve(db, args.port, reviewer=args.reviewer, rules=rules, announce=lambda line: print(line, flush=True))
    except OSError as err:
        raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {err.strerror or err}") from err
    except KeyboardInterrupt:
        pass  # Ctrl-C is how it stops (the server itself may swallow it)
    print("review stopped", file=sys.stderr)
    return 0


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 0..65535, got {text}")
    return value


def _existing_db(args) -> str:
    db = args.db or DEFAULT_DB
    if not os.path.isfile(db):
        raise UsageError(f"no database at {db} (run `python pipeline.py ingest PATH` first, or "
                         "name one with --db FILE)")
    return db


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


# --- the parser ------------------------------------------------------------------------------

def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no timeout) or more seconds, got {text}")
    return value


# The ingest options of extract/limits.py (their defaults are repeated here, where `--help` needs
# them without importing the stages; a test keeps the two the same).
LIMIT_DEFAULTS = {"max_file_mb": 500, "max_pages": 5000, "max_ocr_pages": 500, "max_page_pixels": 60_000_000,
                  "max_docx_mb": 300, "worker_memory_mb": 4096}
LIMIT_OPTIONS = {
    "max_file_mb": "largest file read, in MB",
    "max_pages": "most pages of one PDF",
    "max_ocr_pages": "most pages of one PDF that need OCR",
    "max_page_pixels": "largest page rendered for OCR, in pixels at 200 dpi",
    "max_docx_mb": "largest unpacked DOCX, in MB",
    "worker_memory_mb": "memory a worker process may take, in MB; 0: no cap",
}


def _at_least_zero(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 0, got {text}")
    return value


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text}")
    return value


def _add_db(command: argparse.ArgumentParser) -> None:
    # default None, resolved by the command: ingest warns when a --db it ignores was given
    command.add_argument("--db", metavar="FILE", help=f"DuckDB database file (default: {DEFAULT_DB})")


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        description="Turn budget-performance reports into a dataset.")
    main_parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest_cmd = commands.add_parser(
        "ingest", help="read report files into the database",
        description="Read .pdf/.docx/.doc/.wps files (folders are searched recursively) into the "
                    "database; files ingested before with the same bytes are skipped, re-ingesting "
                    "the same bytes replaces their rows.")
    ingest_cmd.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    _add_db(ingest_cmd)
    ingest_cmd.add_argument("--workers", type=_at_least_one, default=_default_workers(), metavar="N",
                            help="worker processes (default: number of cores)")
    ingest_cmd.add_argument("--timeout", type=_timeout, metavar="SECONDS",
                            help="stop a document after this long, a `timeout` problem "
                                 f"(default: {DEFAULT_TIMEOUT:g}; 0 = none, and with --workers 1 "
                                 "the files are read in this process)")
    ingest_cmd.add_argument("--force", action="store_true",
                            help="read files again even when their path and bytes were ingested before")
    ingest_cmd.add_argument("--rules", metavar="FILE",
                            help="behind_schedule rule sets by province and year, a TOML/JSON file "
                                 "(default: the file PERFREPORTS_CHECK_RULES names, else the shipped "
                                 "checks/rules.toml: Sichuan's 川财绩〔2025〕10号 for Sichuan from 2025)")
    ingest_cmd.add_argument("--concepts", metavar="FILE",
                            help="your crosswalk of indicator names to concept ids (CSV indicator,concept_id "
                                 "or TOML [crosswalk]); it wins over the shipped vocabulary")
    limits = ingest_cmd.add_argument_group(
        "limits", "what one file may take; beyond them the file is refused (too_large) or the page "
                  "left out (page_too_large), with a problems row, and the batch goes on")
    for name, help_text in LIMIT_OPTIONS.items():
        kind = _at_least_zero if name == "worker_memory_mb" else _at_least_one
        limits.add_argument("--" + name.replace("_", "-"), type=kind, default=LIMIT_DEFAULTS[name],
                            metavar="N", help=f"{help_text} (default: {LIMIT_DEFAULTS[name]})")
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
        "export", help="write the dataset tables to files",
        description="Write reports, indicators, figures and problems as CSV or Parquet files, "
                    "or as one dataset.xlsx with a sheet per table.")
    _add_db(export_cmd)
    export_cmd.add_argument("--out", required=True, metavar="DIR", help="output folder")
    export_cmd.add_argument("--format", choices=EXPORT_FORMATS, default="csv",
                            help="file format (default: csv)")
    export_cmd.add_argument("--csv-excel-safe", action="store_true",
                            help="put ' before text cells starting with = + - @ (or tab, CR), so that a "
                                 "spreadsheet opening the CSV runs no formula (OWASP); numbers stay numbers")
    export_cmd.set_defaults(run=cmd_export)

    status_cmd = commands.add_parser(
        "status", help="row counts and problems by code",
        description="Show row counts per table, files by status and problems by code.")
    _add_db(status_cmd)
    status_cmd.set_defaults(run=cmd_status)

    concepts_cmd = commands.add_parser(
        "concepts", help="indicator names without a concept, by frequency",
        description="List the quantitative indicator names that got no concept from the vocabulary, "
                    "most documents first, to grow the vocabulary or your crosswalk (--concepts FILE "
                    "of ingest). --out writes them as a crosswalk CSV to fill in.")
    _add_db(concepts_cmd)
    concepts_cmd.add_argument("--limit", type=_at_least_one, default=40, metavar="N",
                              help="names listed (default: 40)")
    concepts_cmd.add_argument("--out", metavar="FILE", help="also write them as a crosswalk CSV")
    concepts_cmd.set_defaults(run=cmd_concepts)

    compare_cmd = commands.add_parser(
        "compare", help="compare reports: summary.xlsx, charts, report.html",
        description="Write summary.xlsx (one row per report, indicators across years and agencies, "
                    "problems), PNG charts (execution rate against 序时进度, indicator achievement) and "
                    "a self-contained report.html; also (re)creates the views report_summary and "
                    "indicator_achievement in the database.")
    _add_db(compare_cmd)
    compare_cmd.add_argument("--out", required=True, metavar="DIR", help="output folder")
    compare_cmd.add_argument("--by", choices=GROUPINGS, default="agency",
                             help="order and group reports by (default: agency)")
    compare_cmd.set_defaults(run=cmd_compare)

    doctor_cmd = commands.add_parser(
        "doctor", help="what is installed, and what each missing part disables",
        description="List the optional parts (OCR engine, LibreOffice, a CJK font, Chromium, qpdf): "
                    "found or missing, what a missing one disables and the command that installs it.")
    doctor_cmd.set_defaults(run=cmd_doctor)

    explain_cmd = commands.add_parser(
        "explain", help="show how each table of one file was read",
        description="For each table of FILE: where it stands and how it was found (ruled or from "
                    "the alignment of text, pages joined, OCR confidence), its caption, each "
                    "column's header path and the role read from it, how many rows became indicator "
                    "rows, and its grid. Reads the file only; nothing is stored.")
    explain_cmd.add_argument("file", metavar="FILE", help="a .pdf, .docx, .doc or .wps file")
    explain_cmd.add_argument("--rows", type=_at_least_one, default=15, metavar="N",
                             help="grid rows shown per table (default: 15)")
    explain_cmd.set_defaults(run=cmd_explain)

    review_cmd = commands.add_parser(
        "review", help="a local web app to check and correct what was read",
        description="Serve the review workbench on http://127.0.0.1:PORT/ (this machine only): the "
                    "files in order of what needs attention, each page with the cells its rows were read "
                    "from outlined, corrections of values, units, levels and rows stored as data (table "
                    "corrections) and applied in every view and export. Ctrl-C stops it.")
    _add_db(review_cmd)
    review_cmd.add_argument("--port", type=_port, default=8765, help="port on 127.0.0.1 (default: 8765; 0: any free one)")
    review_cmd.add_argument("--reviewer", metavar="NAME",
                            help="the name corrections carry (default: your login name; the page lets each reviewer set theirs)")
    review_cmd.set_defaults(run=cmd_review)
    return main_parser


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    stop_on_signals()  # Ctrl-C and SIGTERM as Interrupted, caught below
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt as err:
        return _interrupted(getattr(err, "signal", signal.SIGINT))
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except Exception as err:  # one line for the person at the terminal; the traceback with --debug
        if RECEIVED:  # a library turned the interrupt into its own error (DuckDB: Query interrupted)
            return _interrupted(RECEIVED[0])
        if args.debug:
            raise
        print(f"error: {printable(_one_line(err))}", file=sys.stderr)
        return 2


def _interrupted(number: int) -> int:
    print("interrupted: every file reported done is stored; run the same command again to go on",
          file=sys.stderr)
    return 128 + number


# Errors whose text says it all; any other exception is a bug, named by its type.
_SELF_EXPLAINING = ("UsageError", "StoreError", "RulesError")


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    if isinstance(err, OSError) or type(err).__name__ in _SELF_EXPLAINING or type(err).__module__ in ("duckdb", "_duckdb"):
        return text or type(err).__name__
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
