"""Run `process_file` over many files in this process, or in local worker processes that can be
stopped at a deadline (`executors.workers`)."""
from __future__ import annotations

from typing import Iterator

from perfreports.executors.workers import Lost, run as run_in_workers
from perfreports.facts.records import Problem
from perfreports.process import Processed, ReadOptions, failed_file, file_row, process_file


def process_all(paths: list[str], workers: int, timeout: float | None = None,
                unchanged: dict[str, str] | None = None, before_fork=lambda: None,
                read: ReadOptions = ReadOptions()) -> Iterator[Processed]:
    """`process_file` over `paths`, in completion order.

    In worker processes (each document stopped after `timeout` seconds, a `timeout` problem; each
    worker's memory capped by `read.limits.worker_memory_mb`), or in this process when `workers`
    is 1 and there is neither a timeout nor a memory cap. `unchanged` maps a path to the
    SHA-256 it was ingested with: such files are skipped while their bytes stay the same.
    `before_fork` runs before each worker process is started: close the DuckDB store there (a
    forked child must not inherit its threads).
    """
    tasks = [(path, (unchanged or {}).get(path), read) for path in paths]
    if timeout is None and (workers <= 1 or len(paths) <= 1) and not read.limits.worker_memory_mb:
        return (process_file(*task) for task in tasks)
    return _in_workers(tasks, workers, timeout, before_fork, read.limits.worker_memory_mb)


def lost_file(path: str, lost: Lost, timeout: float | None) -> Processed:
    """The outcome of a file whose worker was killed at the deadline or died."""
    file, unreadable = file_row(path)
    if unreadable is not None:
        return failed_file(file, unreadable, lost.seconds)
    if lost.reason == "timeout":
        message = (f"Reading the file took longer than the timeout of {timeout:g} s, so it was "
                   "stopped (raise --timeout to give it more time).")
        problem = Problem.error("timeout", message, stage="extract", source_file=file.source_file,
                                report_id=file.report_id)
    else:
        message = (f"extract failed: the worker process died (exit code {lost.exitcode}) while "
                   "reading the file.")
        problem = Problem.error("stage_failed", message, stage="extract", source_file=file.source_file,
                                report_id=file.report_id)
    return failed_file(file, problem, lost.seconds)


def _process_task(task: tuple[str, str | None, ReadOptions]) -> Processed:
    return process_file(*task)


def _in_workers(tasks, workers: int, timeout: float | None, before_fork, memory_mb: int) -> Iterator[Processed]:
    results = run_in_workers(_process_task, tasks, workers, timeout, before_fork, memory_mb)
    try:
        for (path, _, _), result in results:
            yield lost_file(path, result, timeout) if isinstance(result, Lost) else result
    finally:
        results.close()
