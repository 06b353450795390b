"""Pages of a scan read in parallel inside a batch worker when the batch has idle cores
(perfreports.cores, perfreports.executors.workers, extract/scan.py): the cores are lent only
when the queue is empty, given back after, and the pages read by forked helpers are the pages
read alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from parts import missing
from perfreports import cores
from perfreports.executors import workers

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "tests" / "data" / "scans" / "corpus" / "gulou-2023-selfeval-continued.uming.skew+upside.scan.pdf"


def borrow_and_give_back(wanted: int) -> tuple[int, int]:
    first = cores.borrow_idle_cores(wanted)
    again = cores.borrow_idle_cores(wanted)  # nothing left while the first are out
    cores.return_cores(first + again)
    return first, again


def test_a_lone_file_borrows_the_idle_cores_and_no_more():
    assert list(workers.run(borrow_and_give_back, [5], 3, None)) == [(5, (2, 0))]
    assert list(workers.run(borrow_and_give_back, [1], 3, None)) == [(1, (1, 1))]  # one at a time


def test_no_core_is_idle_while_files_wait_for_the_only_worker():
    assert [r for _, r in workers.run(borrow_and_give_back, [4, 4, 4], 1, None)] == [(0, 0)] * 3


def test_outside_a_batch_nothing_is_lent():
    assert cores.borrow_idle_cores(4) == 0


def read_pages(numbers: tuple[int, ...]) -> dict:
    from perfreports.extract import scan

    return scan.read_scanned_pages(SCAN, list(numbers))


@pytest.mark.skipif(bool(missing("OCR engine")), reason=str(missing("OCR engine")))
def test_pages_read_by_helpers_are_the_pages_read_alone():
    (_, alone), = workers.run(read_pages, [(1, 2)], 1, None)  # one worker, no core to spare
    (_, shared), = workers.run(read_pages, [(1, 2)], 2, None)  # one idle core: a helper reads page 2
    assert set(shared) == {1, 2} and all(page.items for page in shared.values())
    assert shared == alone
