"""Stage 3: keep the dataset rows in DuckDB (`load.store`) and export them (`load.export`).

The constants the command line needs are here, so that `--help` imports no database code.
"""
DEFAULT_DB = "reports.duckdb"
EXPORT_FORMATS = ("csv", "parquet", "xlsx")
