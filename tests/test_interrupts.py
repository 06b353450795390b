"""Interrupts and a second writer: SIGINT or SIGTERM at any moment, then a rerun, gives the rows of
an uninterrupted run; a second ingest into a database in use is refused at its start."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_batch import differences, snapshot

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "samples", ROOT / "tests" / "data" / "variants"]


def start(db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "pipeline.py"), "ingest", *map(str, INPUTS), "--db", str(db),
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("whole") / "r.duckdb"
    run = start(db, "--workers", "2")
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err
    return snapshot(db)


# Delays from the start of the process: while Python starts, while the store opens, while workers
# read, while documents are written one after another; seeded, so a failure can be replayed.
DELAYS = sorted(random.Random(18).uniform(0.05, 6.0) for _ in range(6))


@pytest.mark.parametrize("delay, number", [(d, signal.SIGINT) for d in DELAYS] + [(d, signal.SIGTERM) for d in DELAYS[1::3]])
def test_an_interrupt_at_any_moment_then_a_rerun_gives_the_same_rows(tmp_path, uninterrupted, delay, number):
    db = tmp_path / "r.duckdb"
    run = start(db, "--workers", "2")
    time.sleep(delay)
    run.send_signal(number)
    out, err = run.communicate(timeout=600)
    assert run.returncode in (0, 128 + number), err  # 0: it had finished
    assert "Traceback" not in err, err
    if run.returncode:
        assert "interrupted: every file reported done is stored" in err
    again = start(db, "--workers", "2")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert differences(snapshot(db), uninterrupted) == {}


def test_a_second_ingest_is_refused_at_its_start_and_the_first_completes(tmp_path):
    db = tmp_path / "r.duckdb"
    first = start(db, "--workers", "1")
    assert first.stderr.readline().startswith("[1/")  # it runs
    second = start(db, "--workers", "1")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 2
    assert err.startswith(f"error: database {db} is in use by another ingest (pid {first.pid})")
    assert len(err.splitlines()) == 1
    rest, errors = first.communicate(timeout=600)
    assert first.returncode == 0, errors
    assert "0 failed" in rest


def test_the_lock_goes_with_the_run(tmp_path):
    db = tmp_path / "r.duckdb"
    for _ in range(2):  # a finished run leaves the database free
        run = start(db, "--workers", "1")
        run.communicate(timeout=600)
        assert run.returncode == 0
