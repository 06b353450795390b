"""The time a batch has left, by pages (perfreports/sizing.py and batch.TimeLeft)."""
from __future__ import annotations

import time
from pathlib import Path

from perfreports.batch import TimeLeft, _duration
from perfreports.sizing import OCR_PAGE_COST, Sizer, pages_of

ROOT = Path(__file__).resolve().parents[1]
TEXT_PDF = str(ROOT / "samples" / "xindu-2024-monitoring.pdf")
SCAN_PDF = str(ROOT / "tests" / "data" / "scans" / "xindu-2024-monitoring.scan.pdf")
DOCX = str(ROOT / "samples" / "xindu-2024-monitoring.docx")


def test_pages_are_counted_with_and_without_text():
    assert pages_of(TEXT_PDF) == (7, 0)
    assert pages_of(SCAN_PDF) == (0, 7)
    assert pages_of(DOCX) == (1, 0)


def test_the_sizing_process_tells_the_work_of_every_file_even_a_broken_one(tmp_path):
    broken = tmp_path / "broken\nname.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    sizer = Sizer([TEXT_PDF, SCAN_PDF, DOCX, str(broken)]).start()
    deadline = time.monotonic() + 60
    while len(sizer.work) < 4 and time.monotonic() < deadline:
        sizer.poll()
        time.sleep(0.05)
    sizer.close()
    assert sizer.work == {0: 7, 1: 7 * OCR_PAGE_COST, 2: 1, 3: 1}
    assert sizer.total == 7 + 7 * OCR_PAGE_COST + 2


class Done:
    def __init__(self, path, skipped=False):
        self.skipped = skipped
        self.records = type("R", (), {"source_path": path})()


def test_time_left_counts_what_is_left_at_the_pace_of_what_is_done():
    time_left = TimeLeft(["a.pdf", "b.pdf", "c.pdf"])
    time_left.sizer.close()
    time_left.sizer.work, time_left.sizer.total = {0: 10, 1: 10, 2: 100}, 120
    time_left.started = time.monotonic() - 6.0  # a.pdf (10 units) took 6 s
    time_left.add(Done("a.pdf"))
    assert abs(time_left.seconds() - 6.0 * 110 / 10) < 0.5
    time_left.add(Done("b.pdf", skipped=True))  # unchanged: its work is no longer ahead
    assert abs(time_left.seconds() - 6.0 * 100 / 10) < 0.5


def test_durations_read_as_clock_times():
    assert _duration(59) == "0:59"
    assert _duration(3725) == "1:02:05"
