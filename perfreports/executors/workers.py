"""Worker processes that can be stopped: run a function over many items, with a deadline per item.

`concurrent.futures` cannot stop a task once it runs. Here every worker is a process with its own
pipe, so an item past its deadline is ended by killing its worker (with the worker's process
group, so that a converter it started goes too) and a fresh worker takes its place; a worker
that dies is replaced the same way. Workers die with the process that started them (Linux), so a
`kill -9` of the batch leaves no orphan behind.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

from perfreports import cores

_PR_SET_PDEATHSIG = 1
# The parent ends of every worker's pipe. A forked worker inherits them and closes them at once:
# a worker holding another's pipe open would keep that one from seeing its parent go.
_PARENT_ENDS: list[Connection] = []


@dataclass(frozen=True)
class Lost:
    """An item whose worker returned nothing: `timeout` (killed at the deadline) or `died`."""

    reason: str
    seconds: float
    exitcode: int | None = None


def run(function: Callable, items: Iterable, workers: int, timeout: float | None,
        before_fork: Callable[[], None] = lambda: None,
        memory_mb: int = 0) -> Iterator[tuple[object, object]]:
    """Yield `(item, function(item))` in completion order, or `(item, Lost(...))`.

    `memory_mb`: the address space each worker may take (RLIMIT_AS; 0: no cap). A worker past it
    fails its item (MemoryError, or it dies) and is replaced; the machine is never taken.

    `before_fork` is called before any worker process is started (also a replacement one), so
    the caller can close what a forked child must not inherit (a database with running threads).
    """
    pending = deque(items)
    context = multiprocessing.get_context()
    idle = cores.shared_counts(context)  # cores with nothing to do, lent to a worker's long scan
    pool: list[_Worker] = []

    def count_idle() -> None:
        cores.set_idle(idle, 0 if pending else workers - sum(w.item is not None for w in pool))

    try:
        if pending:
            before_fork()
            pool = [_Worker(context, function, memory_mb, idle) for _ in range(min(workers, len(pending)))]
        # before the first items go out, so that their workers see it
        cores.set_idle(idle, 0 if len(pending) > len(pool) else workers - len(pool))
        for worker in pool:
            worker.send(pending.popleft())
        while any(w.item is not None for w in pool):
            busy = [w for w in pool if w.item is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         _wait_seconds(busy, timeout))
            for worker in busy:
                outcome = worker.outcome(ready, timeout)
                if outcome is None:
                    continue
                item, result = outcome
                if isinstance(result, Lost):
                    pool.remove(worker)
                    worker.kill()
                    if pending:
                        before_fork()
                        worker = _Worker(context, function, memory_mb, idle)
                        pool.append(worker)
                if pending:
                    worker.send(pending.popleft())
                count_idle()
                yield item, result
    finally:
        for worker in pool:
            worker.stop()


def _wait_seconds(busy: list[_Worker], timeout: float | None) -> float | None:
    if timeout is None:
        return None
    first_deadline = min(w.started + timeout for w in busy)
    return max(0.0, first_deadline - time.monotonic())


class _Worker:
    def __init__(self, context, function: Callable, memory_mb: int = 0, idle: tuple | None = None):
        self.conn, child = context.Pipe()
        _PARENT_ENDS.append(self.conn)
        self.process = context.Process(target=_serve, args=(function, child, os.getpid(), memory_mb, idle),
                                       daemon=True)
        self.process.start()
        child.close()
        self.item = None
        self.started = 0.0

    def send(self, item) -> None:
        self.item, self.started = item, time.monotonic()
        try:
            self.conn.send(item)
        except OSError:  # it died while idle: make sure, and its sentinel reports the item `died`
            self.process.kill()

    def outcome(self, ready: list, timeout: float | None) -> tuple[object, object] | None:
        """`(item, result)` when the current item is finished one way or another, else None."""
        seconds = time.monotonic() - self.started
        expired = timeout is not None and seconds >= timeout
        if self.conn in ready or (expired and self.conn.poll()):  # `ready` may predate the result
            try:
                result = self.conn.recv()
            except (EOFError, OSError):
                result = self._died(seconds)
        elif self.process.sentinel in ready:
            result = self._died(seconds)
        elif expired:
            result = Lost("timeout", seconds)
        else:
            return None
        item, self.item = self.item, None
        return item, result

    def _died(self, seconds: float) -> Lost:
        self.process.join(1)
        return Lost("died", seconds, self.process.exitcode)

    def kill(self) -> None:
        """Kill the worker and whatever it started (it leads its own process group)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            self.process.kill()  # not yet its own group leader, or not on POSIX
        self.process.join()
        self._close()

    def stop(self) -> None:
        if self.item is None and self.process.is_alive():
            try:
                self.conn.send(None)
                self.process.join(2)
            except OSError:
                pass
        if self.process.is_alive():
            self.kill()
        else:
            self._close()

    def _close(self) -> None:
        self.conn.close()
        if self.conn in _PARENT_ENDS:
            _PARENT_ENDS.remove(self.conn)


def _serve(function: Callable, conn: Connection, parent_pid: int, memory_mb: int = 0,
           idle: tuple | None = None) -> None:
    """A worker's loop: receive an item, send back `function(item)`, until None or EOF."""
    cores.join(idle)
    for end in _PARENT_ENDS:
        end.close()
    _die_with_parent(parent_pid)
    if memory_mb:
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)  # its own group: the batch can kill it with its children, and a
        # Ctrl-C on the terminal reaches only the main process, which then stops the workers
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if item is None:
            return
        try:
            conn.send(function(item))
        except (BrokenPipeError, OSError):
            return


def _die_with_parent(parent_pid: int) -> None:
    """On Linux, have the kernel kill this worker when its parent dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: an orphaned worker still ends at EOF on its pipe
    if os.getppid() != parent_pid:  # the parent died before the call above
        os._exit(1)
