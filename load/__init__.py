"""Stage 3: keep the dataset rows in DuckDB (`load.store`) and export them (`load.export`)."""
