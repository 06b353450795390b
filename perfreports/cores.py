"""Cores a batch leaves idle, lent to the file a worker is reading (a long scan shares its pages
with forked helpers when the batch's queue is empty). The batch (executors.workers) owns the
counts and hands them to each worker process; the extract stage borrows from them."""
from __future__ import annotations

# In a worker: (idle, lent, lock) shared with the batch — how many cores have no file to read
# (its queue is empty and some workers are done, or there were fewer files than workers) and
# how many of them are lent out.
_SHARED: tuple | None = None


def shared_counts(context) -> tuple:
    """New counts for a batch run with `context` (a multiprocessing context)."""
    return context.Value("i", 0, lock=False), context.Value("i", 0, lock=False), context.Lock()


def set_idle(counts: tuple, idle: int) -> None:
    """The batch: `idle` cores have nothing to do now."""
    with counts[2]:
        counts[0].value = idle


def join(counts: tuple | None) -> None:
    """A worker process: borrow from these counts from now on."""
    global _SHARED
    _SHARED = counts


def borrow_idle_cores(wanted: int) -> int:
    """Take up to `wanted` of the batch's idle cores; 0 outside a batch worker or when none is
    idle. Give them back with `return_cores`."""
    if _SHARED is None or wanted <= 0:
        return 0
    idle, lent, lock = _SHARED
    with lock:
        taken = max(0, min(wanted, idle.value - lent.value))
        lent.value += taken
    return taken


def return_cores(count: int) -> None:
    if _SHARED is not None and count:
        _idle, lent, lock = _SHARED
        with lock:
            lent.value -= count
