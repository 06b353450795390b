"""The DuckDB store: one table per dataset table (shared/SCHEMA.md) plus `files` bookkeeping.

The table layouts are derived from the row dataclasses in `facts.records` (column order = field
order), so the DDL lives in one place: `TABLES` and `SQL_TYPES` below. Rows go in through Arrow
tables with an explicit schema, so a `Decimal` stays a `DECIMAL(20,4)` all the way.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pyarrow as pa

from perfreports.checks import checked
from perfreports.checks.rules import RuleSet
from perfreports.checks.targets import judge
from perfreports.facts.records import FieldRow, FigureRow, IndicatorCell, IndicatorRow, Problem, Records, ReportRow
from perfreports.storage import DEFAULT_DB  # noqa: F401 (re-exported)
from perfreports.storage.corrections import NOT_INDICATOR, Correction, CorrectionError, apply_corrections, \
    unmatched_problem, with_old_value
from perfreports.storage.views import VIEWS, documents_query

# 2: indicators.level1_weight, indicators.other_columns (added to older stores on open), table
#    report_fields (created on open)
# 3: indicators.outcome, judged_against, achievement_pct (added on open, and filled in for the
#    rows stored before: checks.targets.judge)
# 4: reports.document_id, province, computed_execution_rate_pct, time_progress_pct, behind_schedule,
#    missing_parts; indicators.not_judged_reason, concept_id, concept, concept_score, concept_how;
#    figures.concept_id, indicator_table_no, indicator_row_no
#    (added on open; null for rows read before: ingest with --force to fill them)
# 5: tables indicator_cells (where each indicator row's cells stand) and corrections (reviewers'
#    corrections, applied on top of the rows read); reports.corrected, indicators.corrected
#    (added on open, false for the rows stored before); figures.x0, top, x1, bottom, paragraph_no;
#    report_fields.x0, top, x1, bottom, col_no, paragraph_no (null for rows read before)
SCHEMA_VERSION = 5
DECIMAL_PLACES = 4
_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)


# The views are (re)made by the version that opens a store for writing; one opened read-only
# with other views is opened for writing once first (as for added columns).
VIEWS_DIGEST = hashlib.sha256("".join(VIEWS).encode("utf-8")).hexdigest()[:16]


class StoreError(Exception):
    """The database cannot be opened or does not hold the layout this code writes."""


@dataclass(frozen=True)
class FileRow:
    """One input path as last ingested (table `files`)."""

    source_path: str
    source_file: str
    report_id: str | None  # None when the bytes could not be read
    sha256: str | None
    size: int | None = field(default=None, metadata={"sql": "BIGINT"})
    mtime: datetime | None = None
    status: str = "loaded"  # loaded, failed
    ingested_at: datetime | None = None


@dataclass(frozen=True)
class ProblemRow(Problem):
    """A `Problem` as stored: plus the path it came from, so unreadable files can be replaced."""

    source_path: str | None = None


# table name -> row dataclass; the dataset tables first, in SCHEMA.md order.
TABLES: dict[str, type] = {
    "reports": ReportRow,
    "indicators": IndicatorRow,
    "figures": FigureRow,
    "report_fields": FieldRow,
    "problems": ProblemRow,
    "indicator_cells": IndicatorCell,
    "corrections": Correction,
    "files": FileRow,
}
# The rows one document's file contributes: replaced whenever the file is written again.
DATASET_TABLES = ("reports", "indicators", "figures", "problems", "report_fields", "indicator_cells")
# What `export` writes: those, and the reviewers' corrections (kept across re-ingests).
EXPORTED_TABLES = (*DATASET_TABLES, "corrections")

SQL_TYPES = {
    "str": ("VARCHAR", pa.string()),
    "int": ("INTEGER", pa.int32()),
    "BIGINT": ("BIGINT", pa.int64()),
    "Decimal": (f"DECIMAL(20,{DECIMAL_PLACES})", pa.decimal128(20, DECIMAL_PLACES)),
    "date": ("DATE", pa.date32()),
    "datetime": ("TIMESTAMP", pa.timestamp("us")),
    "bool": ("BOOLEAN", pa.bool_()),
    "float": ("DOUBLE", pa.float64()),
}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    arrow_type: pa.DataType

    @property
    def is_decimal(self) -> bool:
        return self.sql_type.startswith("DECIMAL")

    @property
    def sql(self) -> str:
        """The name quoted for SQL (`column` and `at` of table corrections are keywords)."""
        return f'"{self.name}"'


def sql_names(table: str, prefix: str = "") -> str:
    """The table's columns quoted, comma-separated, in field order (`prefix`: a table alias and dot)."""
    return ", ".join(prefix + c.sql for c in columns(table))


@functools.cache  # called for every table of every document written
def columns(table: str) -> tuple[Column, ...]:
    """Columns of `table` in field order, typed from the dataclass annotations."""
    return tuple(_column(table, f) for f in dataclasses.fields(TABLES[table]))


def _column(table: str, f: dataclasses.Field) -> Column:
    base = f.metadata.get("sql") or str(f.type).split("|")[0].strip()
    if base not in SQL_TYPES:
        raise TypeError(f"{table}.{f.name}: no SQL type for annotation {f.type!r}")
    return Column(f.name, *SQL_TYPES[base])


def ddl() -> list[str]:
    """Every CREATE statement of the store."""
    statements = ["CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"]
    for table in TABLES:
        cols = ", ".join(f"{c.sql} {c.sql_type}" for c in columns(table))
        statements.append(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
    return statements + list(VIEWS)  # analyst views (storage/views.py), replaced on every open


def hold_writer_lock(path: str | Path):
    """Take the store's writer lock (`FILE.lock` beside it) for as long as the returned file is
    open; `StoreError` when another run holds it. None for an in-memory store."""
    if str(path) == ":memory:":
        return _NoLock()
    lock_path = Path(f"{path}.lock")
    try:
        lock = open(lock_path, "a+", encoding="utf-8")
    except OSError as err:
        raise StoreError(f"cannot open database {path}: its lock file {lock_path.name} cannot be made "
                         f"({err.strerror or err})") from err
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.seek(0)
        holder = lock.read().strip()
        lock.close()
        raise StoreError(f"database {path} is in use by another ingest ({holder or 'another process'}); "
                         "wait for it to finish, or ingest into another --db") from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()}")
    lock.flush()
    return lock


class _NoLock:
    def close(self) -> None:
        pass


def open_store(path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (or, unless `read_only`, create) the store and check its layout. A store written by
    an earlier version gets the columns added since (also when opened `read_only`: it is
    upgraded first)."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as err:
        raise StoreError(f"cannot open database {path}: {_first_line(err)}") from err
    try:
        if not read_only:
            _create(con)
        _check_layout(con, path)
    except OutdatedStore:
        con.close()
        open_store(path).close()  # upgrades it
        return open_store(path, read_only=True)
    except BaseException:
        con.close()
        raise
    return con


class OutdatedStore(StoreError):
    """A store of an earlier schema version: it needs the columns added since."""


def _create(con: duckdb.DuckDBPyConnection) -> None:
    """Tables, columns added since the store was made (`ALTER TABLE … ADD COLUMN`), views."""
    statements = ddl()
    con.begin()
    for statement in statements[:len(TABLES) + 1]:
        con.execute(statement)
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if version is not None and version[0].isdigit() and int(version[0]) < SCHEMA_VERSION:
        _add_new_columns(con)
        if int(version[0]) < 3:
            _judge_stored_rows(con)
        if int(version[0]) < 5:
            for table in ("reports", "indicators"):
                con.execute(f"UPDATE {table} SET corrected = false WHERE corrected IS NULL")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", [str(SCHEMA_VERSION)])
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
                [str(SCHEMA_VERSION), SCHEMA_VERSION])
    for statement in statements[len(TABLES) + 1:]:
        con.execute(statement)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('views', ?)", [VIEWS_DIGEST])
    con.commit()


def _add_new_columns(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        found = _found_columns(con, table)
        expected = columns(table)
        if found and found == [c.name for c in expected[:len(found)]]:
            for column in expected[len(found):]:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column.sql} {column.sql_type}")


def _judge_stored_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Indicator rows stored before rows were judged get their judgement, as ingesting them
    again would give."""
    names = [c.name for c in columns("indicators")]
    stored = con.execute(f"SELECT {', '.join('i.' + n for n in names)}, r.report_type FROM indicators i "
                         "LEFT JOIN reports r USING (report_id)").fetchall()
    judgements = []
    for *values, report_type in stored:
        row = IndicatorRow(**dict(zip(names, values)))
        j = judge(row, report_type)
        judgements.append((j.outcome, j.against, j.achievement_pct, j.reason, row.report_id, row.table_no, row.row_no))
    con.executemany("UPDATE indicators SET outcome = ?, judged_against = ?, achievement_pct = ?, not_judged_reason = ? "
                    "WHERE report_id = ? AND table_no = ? AND row_no = ?", judgements)


def _found_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()]


def _check_layout(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    try:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException as err:
        raise StoreError(f"{path} is not a reports database (no meta table)") from err
    found_version = int(version[0]) if version and version[0].isdigit() else None
    if found_version is None or found_version > SCHEMA_VERSION:
        raise StoreError(f"{path} has schema version {version[0] if version else 'none'}, this tool "
                         f"reads version {SCHEMA_VERSION} and earlier")
    views = con.execute("SELECT value FROM meta WHERE key = 'views'").fetchone()
    if views is None or views[0] != VIEWS_DIGEST:
        raise OutdatedStore(f"{path}: its views are those of another version")
    for table in TABLES:
        found = _found_columns(con, table)
        expected = [c.name for c in columns(table)]
        if found != expected:
            if found == expected[:len(found)] and found_version < SCHEMA_VERSION:
                raise OutdatedStore(f"{path}: table {table} lacks the columns added since")
            raise StoreError(f"{path}: table {table} has columns {found}, expected {expected}; "
                             "ingest into a new database file")


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


# --- writing ---------------------------------------------------------------------------------

def write(con: duckdb.DuckDBPyConnection, records: Records, file: FileRow | None = None,
          rules: tuple[RuleSet, ...] | None = None) -> None:
    """Replace everything stored for this document by `records`, in one transaction.

    Rows of `records.report_id` are deleted first (and, for every path, the problems of earlier
    runs that could not read it, and the rows of the report it held before its bytes changed),
    so re-ingesting a path never duplicates a row. Identical bytes under several paths are one
    report whose rows name the first of those paths in sort order, whatever order they are
    written in (workers finish in any order): a later path only gets its `files` row.

    The reviewers' corrections of this file (same bytes, or same path) are applied on top of the
    rows (`storage.corrections`); one that no longer finds its row is kept, marked `unmatched`,
    with a `correction_unmatched` warning. `rules`: the behind_schedule rule sets a corrected
    document is checked again with (the default set when None).
    """
    tables = record_tables(records)  # a value the store cannot hold fails here, before the transaction
    with _transaction(con):
        documents = _documents_touched(con, records, file)
        if file is not None and _stored_under_an_earlier_path(con, records.report_id, file.source_path):
            tables = {}  # the same bytes: the rows naming the first path stand
            _delete(con, Records(records.source_file, records.source_path, None), file)
        else:
            corrected = _corrected(con, records, rules)
            if corrected is not records:
                records, tables = corrected, record_tables(corrected)
            _delete(con, records, file)
        if file is not None:
            tables["files"] = to_arrow("files", [file])
        for table, rows in tables.items():
            _insert(con, table, rows)
        for document_id in documents | {records.report.document_id if records.report else None} - {None}:
            _refresh_document_mismatch(con, document_id)


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection):
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        try:
            con.rollback()
        except duckdb.TransactionException:
            pass  # no transaction left to undo (the error came with the commit): keep the first error
        raise


# --- corrections -------------------------------------------------------------------------------

def _corrected(con: duckdb.DuckDBPyConnection, records: Records, rules: tuple[RuleSet, ...] | None) -> Records:
    """`records` with the stored corrections of its file applied, and those corrections updated
    to the rows they now apply to (or marked unmatched)."""
    if records.report is None:
        return records  # a file that could not be read: its corrections wait for one that can
    stored = stored_corrections(con, "report_id = ? OR source_path = ?", [records.report_id, records.source_path])
    if not stored:
        return records
    applied = apply_corrections(records, stored)
    con.executemany("UPDATE corrections SET report_id = ?, source_path = ?, row_no = ?, status = ? WHERE correction_id = ?",
                    [(c.report_id, c.source_path, c.row_no, c.status, c.correction_id) for c in applied.corrections])
    records = rechecked(applied.records, rules) if applied.changed else applied.records
    unmatched = tuple(unmatched_problem(c, records.source_file, records.report_id) for c in applied.corrections
                      if c.status == "unmatched" and c.target != "document")
    return dataclasses.replace(records, problems=records.problems + unmatched)


def rechecked(records: Records, rules: tuple[RuleSet, ...] | None = None) -> Records:
    """A corrected document judged and checked again: its rows' outcomes, the report's computed
    values and the checks' warnings made anew."""
    kept = tuple(p for p in records.problems if p.stage != "check")
    return checked(dataclasses.replace(records, problems=kept), rules)


def correct(con: duckdb.DuckDBPyConnection, correction: Correction,
            rules: tuple[RuleSet, ...] | None = None) -> Correction:
    """Store a reviewer's correction and apply it to the stored rows of its file, in one
    transaction; the correction as stored (its id, old value, the row's name as read).
    `CorrectionError` when it cannot be made (no such report or row, a value of the wrong kind)."""
    with _transaction(con):
        records = stored_records(con, correction.report_id)
        if records.report is None:
            raise CorrectionError(f"no report {correction.report_id!r} in the database")
        originals = _original_names(con, correction.report_id)
        correction = dataclasses.replace(with_old_value(records, correction, originals), correction_id=_next_correction_id(con))
        applied = apply_corrections(records, [correction], originals, strict=True)
        [done] = applied.corrections
        records = rechecked(applied.records, rules) if applied.changed else applied.records
        _insert(con, "corrections", to_arrow("corrections", [done]))
        if applied.changed:
            _delete(con, records, None)
            for table, rows in record_tables(records).items():
                _insert(con, table, rows)
            _refresh_document_mismatch(con, records.report.document_id or records.report_id)
    return done


def stored_corrections(con: duckdb.DuckDBPyConnection, where: str = "true", params: list | None = None) -> list[Correction]:
    """Corrections matching the SQL condition `where`, in the order they were made."""
    found = con.execute(f"SELECT {sql_names('corrections')} FROM corrections WHERE {where} "
                        "ORDER BY \"at\", correction_id", params or []).fetchall()
    names = [c.name for c in columns("corrections")]
    return [Correction(**dict(zip(names, row))) for row in found]


def _original_names(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[tuple[int, int], str]:
    """The name each corrected row of a report was read with (a renamed row is matched by it)."""
    return {(table_no, row_no): indicator for table_no, row_no, indicator in con.execute(
        "SELECT table_no, row_no, arg_min(indicator, correction_id) FROM corrections WHERE report_id = ? "
        "AND target = 'row' AND status = 'applied' AND \"column\" <> ? GROUP BY ALL",
        [report_id, NOT_INDICATOR]).fetchall()}


def _next_correction_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(correction_id), 0) + 1 FROM corrections").fetchall()[0][0]


def stored_records(con: duckdb.DuckDBPyConnection, report_id: str) -> Records:
    """The rows stored for one report, as the `Records` they were written from (corrections applied)."""
    rows = {table: _stored_rows(con, table, report_id) for table in DATASET_TABLES}
    report = rows["reports"][0] if rows["reports"] else None
    problems = tuple(Problem(**{k: v for k, v in _values(p).items() if k != "source_path"}) for p in rows["problems"])
    return Records(report.source_file if report else "", report.source_path if report else "", report_id,
                   report=report, indicators=tuple(rows["indicators"]), figures=tuple(rows["figures"]),
                   problems=problems, fields=tuple(rows["report_fields"]), cells=tuple(rows["indicator_cells"]))


def _stored_rows(con: duckdb.DuckDBPyConnection, table: str, report_id: str) -> list:
    names = [c.name for c in columns(table)]
    found = con.execute(f"SELECT {sql_names(table)} FROM {table} WHERE report_id = ? ORDER BY rowid",
                        [report_id]).fetchall()
    return [TABLES[table](**dict(zip(names, row))) for row in found]


def _documents_touched(con: duckdb.DuckDBPyConnection, records: Records, file: FileRow | None) -> set[str]:
    """The documents the rows about to be replaced belonged to (this report, and the report this
    path held before)."""
    paths = [file.source_path] if file is not None else []
    found = con.execute(
        "SELECT DISTINCT r.document_id FROM reports r WHERE r.document_id IS NOT NULL AND (r.report_id = ? "
        f"OR r.report_id IN (SELECT report_id FROM files WHERE source_path IN ({', '.join('?' * len(paths)) or 'NULL'})))",
        [records.report_id, *paths]).fetchall()
    return {document_id for (document_id,) in found}


def _refresh_document_mismatch(con: duckdb.DuckDBPyConnection, document_id: str) -> None:
    """The `document_mismatch` warnings of a document made again: one for each of its files when
    they state different values (`documents.disagreements`), none when they agree — the same
    whatever order its files were written in."""
    files = con.execute("SELECT report_id, source_file, source_path FROM reports WHERE document_id = ? "
                        "ORDER BY source_file, report_id", [document_id]).fetchall()
    con.execute("DELETE FROM problems WHERE code = 'document_mismatch' AND report_id IN "
                "(SELECT report_id FROM reports WHERE document_id = ?)", [document_id])
    disagreements = [d for (d,) in con.execute(f"SELECT disagreements FROM ({documents_query(one_document=True)})",
                                                [document_id]).fetchall() if d]
    if not disagreements or len(files) < 2:
        return
    rows = []
    for report_id, name, path in files:
        others = [other for _, other, _ in files if other != name]
        named = "、".join(others[:3]) + (f"等{len(others)}个文件" if len(others) > 3 else "")
        message = f"本文件与同一报告的其他文件（{named}）所载内容不一致：{disagreements[0]}。请核对哪一份是定稿。"
        rows.append(ProblemRow(**_values(Problem.warning("document_mismatch", message, stage="load",
                                                         source_file=name, report_id=report_id)), source_path=path))
    _insert(con, "problems", to_arrow("problems", rows))


def record_tables(records: Records) -> dict[str, pa.Table]:
    """The rows of one document as an Arrow table per dataset table (empty ones left out)."""
    _check_ids(records)
    # A problem always belongs to its document, so deleting by report_id also clears it.
    problems = [ProblemRow(**{**_values(p), "report_id": records.report_id},
                           source_path=records.source_path) for p in records.problems]
    rows = {
        "reports": [records.report] if records.report is not None else [],
        "indicators": list(records.indicators),
        "figures": list(records.figures),
        "problems": problems,
        "report_fields": list(records.fields),
        "indicator_cells": list(records.cells),
    }
    return {table: to_arrow(table, r) for table, r in rows.items() if r}


def _check_ids(records: Records) -> None:
    rows = ([records.report] if records.report else []) + [*records.indicators, *records.figures]
    stray = {r.report_id for r in rows} - {records.report_id}
    if stray:
        raise ValueError(f"rows with report_id {sorted(stray)} in records of {records.report_id}")


def _values(row) -> dict:
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}


def to_arrow(table: str, rows: list) -> pa.Table:
    cols = columns(table)
    schema = pa.schema([(c.name, c.arrow_type) for c in cols])
    data = {c.name: [_cell(c, getattr(r, c.name)) for r in rows] for c in cols}
    return pa.Table.from_pydict(data, schema=schema)


def _cell(column: Column, value):
    if value is None or not column.is_decimal:
        return value
    return to_decimal(value)


def to_decimal(value) -> Decimal:
    """An exact `Decimal` rounded to the store's 4 places; floats go through their shortest repr."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        raise TypeError(f"expected a Decimal, got {type(value).__name__} {value!r}")
    try:
        return Decimal(str(value) if isinstance(value, float) else value).quantize(_QUANTUM)
    except InvalidOperation as err:
        raise ValueError(f"number {value!r} does not fit DECIMAL(20,{DECIMAL_PLACES})") from err


def _delete(con: duckdb.DuckDBPyConnection, records: Records, file: FileRow | None) -> None:
    if records.report_id is not None:
        for table in DATASET_TABLES:
            con.execute(f"DELETE FROM {table} WHERE report_id = ?", [records.report_id])
    con.execute("DELETE FROM problems WHERE report_id IS NULL AND source_path = ?",
                [records.source_path])
    if file is not None:
        _delete_previous_report(con, file.source_path)
        con.execute("DELETE FROM files WHERE source_path = ?", [file.source_path])


def _stored_under_an_earlier_path(con: duckdb.DuckDBPyConnection, report_id: str | None, source_path: str) -> bool:
    if report_id is None:
        return False
    return con.execute("SELECT count(*) FROM files WHERE report_id = ? AND source_path < ?",
                       [report_id, source_path]).fetchone()[0] > 0


def _delete_previous_report(con: duckdb.DuckDBPyConnection, source_path: str) -> None:
    """Rows of the report this path held before its bytes changed — or, where other paths still
    hold those bytes, those rows renamed to the first of them."""
    previous = con.execute("SELECT report_id FROM files WHERE source_path = ? AND report_id IS NOT NULL",
                           [source_path]).fetchone()
    if previous is None:
        return
    holder = con.execute("SELECT min(source_path), arg_min(source_file, source_path) FROM files "
                         "WHERE report_id = ? AND source_path <> ?", [previous[0], source_path]).fetchone()
    if holder[0] is None:
        for table in DATASET_TABLES:
            con.execute(f"DELETE FROM {table} WHERE report_id = ?", [previous[0]])
        return
    for table in ("reports", "problems"):
        con.execute(f"UPDATE {table} SET source_path = ?, source_file = ? WHERE report_id = ? AND source_path = ?",
                    [*holder, previous[0], source_path])


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    names = sql_names(table)
    con.register("_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
    finally:
        con.unregister("_rows")


# --- reading ---------------------------------------------------------------------------------

def status(con: duckdb.DuckDBPyConnection) -> dict:
    """Row counts per table, files by status, problems by (severity, code): rows and files."""
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    files = dict(con.execute(
        "SELECT status, count(*) FROM files GROUP BY status ORDER BY status").fetchall())
    problems = con.execute(
        "SELECT severity, code, count(*) AS n FROM problems GROUP BY severity, code "
        "ORDER BY severity, n DESC, code").fetchall()
    problem_files = {(severity, code): n for severity, code, n in con.execute(
        "SELECT severity, code, count(DISTINCT coalesce(source_path, source_file)) FROM problems "
        "GROUP BY severity, code").fetchall()}
    return {"counts": counts, "files": files, "problems": problems, "problem_files": problem_files}


def unmatched_concepts(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[list[tuple], int, int]:
    """Quantitative indicator names without a concept, most documents first: (indicator, unit,
    documents, rows) up to `limit`; and how many quantitative rows there are, with a concept.
    One file per document (`documents`), so a report read as PDF and DOCX counts once."""
    quantitative = ("(i.actual_value IS NOT NULL OR i.target_value IS NOT NULL "
                    "OR i.stage_target_value IS NOT NULL)")
    names = con.execute(f"""
        SELECT i.indicator, coalesce(i.actual_unit, i.stage_target_unit, i.target_unit) AS unit,
               count(DISTINCT d.document_id) AS documents, count(*) AS n
        FROM indicators i JOIN documents d USING (report_id)
        WHERE i.concept_id IS NULL AND {quantitative}
        GROUP BY ALL ORDER BY documents DESC, n DESC, i.indicator LIMIT ?""", [limit]).fetchall()
    total, matched = con.execute(f"""
        SELECT count(*), count(i.concept_id) FROM indicators i JOIN documents d USING (report_id)
        WHERE {quantitative}""").fetchone()
    return names, total, matched


def ingested(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """path → SHA-256 of every file ingested before (loaded or failed) whose bytes could be read."""
    return dict(con.execute(
        "SELECT source_path, sha256 FROM files WHERE sha256 IS NOT NULL").fetchall())
