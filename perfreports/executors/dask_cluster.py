"""Run the per-document stages as Dask tasks on a Dask distributed cluster.

`process_with_dask(paths, ...)` has the contract of `executors.local.process_all`: it yields one
`Processed` per input path, in completion order, and a document's failure never raises — it is a
`problems` row. Each document is one task (`run_document`, or `run_bytes` with `ship_bytes`) that
calls the same `process_file` as a local run, so a cluster gives the same rows. Results
come back to the client as plain frozen dataclasses; the caller writes them (one writer).

What Dask retries: a task whose worker dies (killed, out of memory, machine lost) is rescheduled
on another worker by the scheduler; once it has been on `distributed.scheduler.allowed-failures`
+ 1 dying workers (default 3 + 1) it ends as `KilledWorker`, here a `worker_lost` problem. A task
that raises (not a document failure — `process_file` turns those into problems — but e.g. a
MemoryError) is retried `retries` times, then becomes a `stage_failed` problem. Not enforced: the
per-document `--timeout` of the local pool (a Dask task cannot be stopped from outside).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from concurrent.futures import CancelledError
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Iterator

from distributed import Client, KilledWorker, LocalCluster, as_completed

from perfreports.facts.records import Problem, Records
from perfreports.storage.store import FileRow
from perfreports.process import Processed, ReadOptions, failed_file, file_row, one_line, process_file

RETRIES = 2  # re-runs of a task that raised; worker deaths are counted by the scheduler
MIN_IN_FLIGHT = 16  # tasks submitted ahead; at least twice the cluster's threads


class ClusterLost(OSError):
    """The client lost the scheduler: the run stops (files written so far stay written)."""


# pdfium is not thread-safe: one document at a time in a worker process, however many threads.
_ONE_AT_A_TIME = threading.Lock()


def run_document(given: str, opened: str, skip_sha256: str | None = None,
                 read: ReadOptions = ReadOptions()) -> Processed:
    """The task for a file on a filesystem the worker sees: `opened` is the absolute path."""
    with _ONE_AT_A_TIME:
        return as_given(process_file(opened, skip_sha256, read), opened, given)


def run_bytes(given: str, data: bytes, mtime: datetime | None,
              read: ReadOptions = ReadOptions()) -> Processed:
    """The task for a file sent as bytes: written to a temporary folder under its own name."""
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="perfreports-") as folder:
        opened = os.path.join(folder, Path(given).name)
        with open(opened, "wb") as f:
            f.write(data)
        return as_given(process_file(opened, read=read), opened, given, mtime)


def as_given(processed: Processed, opened: str, given: str, mtime: datetime | None = None) -> Processed:
    """`processed` as if the file had been read at the path `given` (and with `mtime`)."""
    if opened == given and mtime is None:
        return processed
    records = processed.records
    report = replace(records.report, source_path=given) if records.report is not None else None
    problems = tuple(replace(p, message=p.message.replace(opened, given)) for p in records.problems)
    records = replace(records, source_path=given, report=report, problems=problems)
    file = replace(processed.file, source_path=given)
    if mtime is not None:
        file = replace(file, mtime=mtime)
    return replace(processed, records=records, file=file)


# --- the client side ------------------------------------------------------------------------

def process_with_dask(paths: list[str], scheduler: str | None = None, *, ship_bytes: bool = False,
                      unchanged: dict[str, str] | None = None, chunk: int | None = None,
                      workers: int | None = None, retries: int = RETRIES,
                      client: Client | None = None,
                      read: ReadOptions = ReadOptions()) -> Iterator[Processed]:
    """`process_file` over `paths` as Dask tasks, in completion order.

    On the cluster at `scheduler` (`tcp://host:8786`), on `client` when given, else on a local
    cluster of `workers` processes. At most `chunk` tasks are submitted ahead (default: twice
    the cluster's threads, at least 16), refilled as tasks finish. `unchanged` maps a path to
    the SHA-256 it was ingested with: such a file is skipped while its bytes stay the same.
    With `ship_bytes` the client reads each file and sends its bytes (workers need no shared
    filesystem); otherwise workers open the absolute path.
    """
    unchanged = unchanged or {}
    with _connect(scheduler, client, workers) as dask_client:
        pending = iter(paths)
        in_flight: dict = {}  # future -> the path as given
        finished = as_completed()
        skipped: list[Processed] = []
        window = _Window(dask_client, chunk)

        def refill() -> None:
            while len(in_flight) < window.size():
                given = next(pending, None)
                if given is None:
                    return
                future = _submit(dask_client, given, unchanged.get(given), ship_bytes, retries, read)
                if isinstance(future, Processed):  # decided here without a task
                    skipped.append(future)
                    continue
                in_flight[future] = given
                finished.add(future)

        refill()
        while skipped or in_flight:
            while skipped:
                yield skipped.pop()
            if not in_flight:
                refill()
                continue
            future = next(finished)
            given = in_flight.pop(future)
            yield _outcome(future, given)
            future.release()
            refill()


class _connect:
    """The client to use, and the local cluster started for this run (closed at the end)."""

    def __init__(self, scheduler: str | None, client: Client | None, workers: int | None):
        self.scheduler, self.client, self.workers = scheduler, client, workers
        self.owned: list = []

    def __enter__(self) -> Client:
        if self.client is not None:
            return self.client
        if self.scheduler is None:
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            self.owned.append(cluster)
            self.client = Client(cluster)
        else:
            self.client = Client(self.scheduler)
        self.owned.insert(0, self.client)
        return self.client

    def __exit__(self, *exc) -> None:
        for thing in self.owned:  # the client first, then the cluster it ran on
            thing.close()


class _Window:
    """How many tasks to keep submitted: fixed, or twice the threads of the cluster now (asked
    again every few seconds, as workers come and go)."""

    def __init__(self, client: Client, chunk: int | None, every: float = 5.0):
        self.client, self.chunk, self.every = client, chunk, every
        self.asked, self.threads = -every, 0

    def size(self) -> int:
        if self.chunk:
            return self.chunk
        if time.monotonic() - self.asked >= self.every:
            self.asked = time.monotonic()
            self.threads = sum(self.client.nthreads().values())
        return max(MIN_IN_FLIGHT, 2 * self.threads)


def _submit(client: Client, given: str, skip_sha256: str | None, ship_bytes: bool, retries: int,
            read: ReadOptions):
    if not ship_bytes:
        return client.submit(run_document, given, os.path.abspath(given), skip_sha256, read,
                             retries=retries, pure=False)
    try:
        data = Path(given).read_bytes()
        mtime = datetime.fromtimestamp(os.stat(given).st_mtime)
    except OSError:
        return process_file(given)  # the client's own problems row (file_not_found …)
    if skip_sha256 is not None and hashlib.sha256(data).hexdigest() == skip_sha256:
        file, _ = file_row(given)  # the client has the bytes: no task for an unchanged file
        return Processed(Records(file.source_file, given, file.report_id), file, skipped=True)
    # Bytes go inline with the task (not scattered): if the worker dies, the scheduler still
    # holds them and can run the task elsewhere.
    return client.submit(run_bytes, given, data, mtime, read, retries=retries, pure=False)


def _outcome(future, given: str) -> Processed:
    try:
        return future.result()
    except KilledWorker as err:
        return _lost(given, "worker_lost",
                     "The Dask workers running this file died every time it was tried "
                     f"({one_line(err)}); it may crash or exhaust the memory of a worker.")
    except CancelledError as err:
        raise ClusterLost(f"the Dask cluster cancelled the work ({one_line(err)})") from err
    except Exception as err:  # the task itself raised after its retries: not the document's rows
        return _lost(given, "stage_failed",
                     f"extract failed on the Dask worker: {type(err).__name__}: {one_line(err)}")


def _lost(given: str, code: str, message: str) -> Processed:
    file, unreadable = file_row(given)
    if unreadable is not None:  # the client may not see the file: keep the worker's story
        file = FileRow(given, Path(given).name, None, None)
    return failed_file(file, Problem.error(code, message, stage="extract", source_file=file.source_file,
                                           report_id=file.report_id))
