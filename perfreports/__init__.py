"""perfreports: Chinese budget-performance reports (绩效监控/自评/评价报告) as a comparable dataset.

The stages, in the order a file goes through them (each imports only the ones before it):

    perfreports.extract    PDF/DOCX/scan → Document (pages, paragraphs, tables with cells)
    perfreports.normalize  text → values (amounts, units, signs, dates)
    perfreports.facts      Document → Records (reports, indicators, figures, report_fields rows)
    perfreports.checks     Records → warnings (missed targets, behind schedule, mismatches)
    perfreports.storage       Records → DuckDB store; exports, views, compare

and what runs them: `process` (one file), `executors` (many files, local or Dask), `batch` (a
run into a sink, with progress), `cli` (the command line). ARCHITECTURE.md has the map.
"""
__version__ = "0.1.0"
