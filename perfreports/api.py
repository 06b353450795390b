"""The dataset from Python, as pandas DataFrames (`perfreports.load`, `perfreports.read`).

    import perfreports
    ds = perfreports.load("reports.duckdb")      # a store made by `pipeline.py ingest`
    ds.reports, ds.indicators, ds.figures, ds.problems, ds.report_fields, ds.files
    ds.indicator_cells, ds.corrections                 # where rows were read; reviewers' corrections
    ds.documents, ds.report_summary, ds.indicator_achievement, ds.concept_trend   # the views
    ds.sql("SELECT concept, sum(actual_total) FROM concept_trend GROUP BY concept")

    one = perfreports.read("report.pdf")          # one document's rows, no database

Every frame is read once, when the dataset is made; the store is closed again. Money and rates
are floats in the frames (DECIMAL in the store: query the store itself for exact values).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from perfreports.storage import DEFAULT_DB


@dataclass(frozen=True)
class Dataset:
    reports: object  # pandas.DataFrame, each
    indicators: object
    figures: object
    problems: object
    report_fields: object
    files: object
    indicator_cells: object
    corrections: object
    documents: object
    report_summary: object
    indicator_achievement: object
    concept_trend: object

    def sql(self, query: str):
        """`query` (DuckDB SQL) over the frames above, by their names; a DataFrame."""
        import duckdb
        con = duckdb.connect()
        try:
            for f in fields(self):
                con.register(f.name, getattr(self, f.name))
            return con.execute(query).df()
        finally:
            con.close()


def load(db: str | Path = DEFAULT_DB) -> Dataset:
    """The dataset of the store `db` (an older store is upgraded first; `StoreError` when there
    is none or it is no store of this tool)."""
    from perfreports.storage.store import StoreError, open_store
    if not Path(db).is_file():
        raise StoreError(f"no database at {db} (run `python pipeline.py ingest PATH` first)")
    with open_store(db, read_only=True) as con:
        return _frames(con)


def read(path: str | Path, *, rules=None, concepts: tuple[tuple[str, str], ...] = ()) -> Dataset:
    """The rows of the one file at `path`, read as `ingest` reads it (a file that cannot be read
    gives its `problems` row, as in a store); `rules` and `concepts` as `ingest --rules/--concepts`."""
    from perfreports.checks.rules import DEFAULT_RULES
    from perfreports.process import ReadOptions, process_file
    from perfreports.storage.store import open_store, write
    processed = process_file(str(path), read=ReadOptions(rules=rules or DEFAULT_RULES, concepts=concepts))
    with open_store(":memory:") as con:
        write(con, processed.records, processed.file)
        return _frames(con)


def _frames(con) -> Dataset:
    return Dataset(**{f.name: con.execute(f"SELECT * FROM {f.name}").df() for f in fields(Dataset)})
