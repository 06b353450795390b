"""Where documents are processed besides the local worker processes of `batch.process_all`:
`dask_cluster` runs them as Dask tasks. `batch.ingest` picks the executor and the sink.
"""
