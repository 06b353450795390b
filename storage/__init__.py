"""Stage 3: keep the dataset rows in DuckDB (`storage.store`) and export them (`storage.export`).

The constants the command line needs are here, so that `--help` imports no database code.
"""
DEFAULT_DB = "reports.duckdb"
EXPORT_FORMATS = ("csv", "parquet", "xlsx")
