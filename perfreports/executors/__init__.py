"""Where many files are processed: `local` (this process, or worker processes stopped at a
deadline, built on `workers`) and `dask_cluster` (Dask tasks). Both run `process.process_file`
and yield `Processed` results in completion order; `batch.ingest` picks one and writes the rows.
"""
