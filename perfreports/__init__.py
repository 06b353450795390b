"""perfreports: Chinese budget-performance reports (绩效监控/自评/评价报告) as a comparable dataset.

The stages, in the order a file goes through them (each imports only the ones before it):

    perfreports.extract    PDF/DOCX/scan → Document (pages, paragraphs, tables with cells)
    perfreports.normalize  text → values (amounts, units, signs, dates)
    perfreports.facts      Document → Records (reports, indicators, figures, report_fields rows)
    perfreports.checks     Records → warnings (missed targets, behind schedule, mismatches)
    perfreports.storage    Records → DuckDB store; exports, views, compare

and what runs them: `process` (one file), `executors` (many files, local or Dask), `batch` (a
run into a sink, with progress), `cli` (the command line). ARCHITECTURE.md has the map.

For analysts (`api.py`): `perfreports.load("reports.duckdb")` gives the dataset as pandas
DataFrames, `perfreports.read("report.pdf")` one document's rows without a database.
"""
from pathlib import Path as _Path

__version__ = "0.1.0"

# Run from a checkout (`python pipeline.py`, the benchmarks) the stages are the folders beside this
# package, as pyproject's package-dir maps them: found there first, whatever copy of the package
# some environment has installed. An installed wheel has them inside the package instead.
_CHECKOUT = _Path(__file__).resolve().parent.parent
if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "storage" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))


def load(db="reports.duckdb"):
    """The dataset of a store made by `ingest`, as DataFrames (`perfreports.api.Dataset`)."""
    from perfreports.api import load as load_store
    return load_store(db)


def read(path, **options):
    """One file's rows as DataFrames, without a database (`perfreports.api.read`)."""
    from perfreports.api import read as read_file
    return read_file(path, **options)
