"""The Dask executor and the Parquet sink: same rows as a local run, nothing lost when a worker dies.

These tests start real `distributed.LocalCluster`s of two worker processes (a few seconds each,
the slowest tests of the suite): marked `slow`, `-m "not slow"` leaves them out.
"""
from __future__ import annotations

import io
import os
import signal
from decimal import Decimal
from pathlib import Path

import cloudpickle
import dask
import duckdb
import pytest

pytest.importorskip("distributed")
from distributed import Client, LocalCluster  # noqa: E402

from perfreports import batch, cli  # noqa: E402
from perfreports.executors import dask_cluster  # noqa: E402
from perfreports.storage import parquet, store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(str(p) for p in (ROOT / "samples").iterdir()
                 if p.suffix in (".pdf", ".docx") and not p.name.endswith(".scan.pdf"))
IGNORED = {"ingested_at"}  # differs between runs

slow = pytest.mark.slow  # starts a LocalCluster of two worker processes


@pytest.fixture(scope="module")
def client():
    """One cluster for the module; a task is given up after its second dying worker."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                             dashboard_address=None)
    dask_client = Client(local)
    yield dask_client
    dask_client.close()
    local.close()


def table_rows(con, table: str) -> list[tuple]:
    names = [c.sql for c in store.columns(table) if c.name not in IGNORED]
    return sorted(con.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall(), key=repr)


def dataset(db: Path) -> dict[str, list[tuple]]:
    with store.open_store(db, read_only=True) as con:
        return {t: table_rows(con, t) for t in store.DATASET_TABLES}


def ingest_with(client, paths, db: Path, **options) -> batch.Tally:
    tally = batch.Tally(total=len(paths))
    sink = batch.DuckDBSink(str(db))
    try:
        for processed in dask_cluster.process_with_dask(paths, client=client, **options):
            tally.add(sink.write(processed))
    finally:
        sink.close()
    return tally


@slow
def test_dask_gives_the_rows_of_a_local_run(client, tmp_path):
    local = tmp_path / "local.duckdb"
    batch.ingest(batch.IngestOptions(tuple(SAMPLES), db=str(local)), stream=io.StringIO())
    on_dask = tmp_path / "dask.duckdb"
    tally = ingest_with(client, SAMPLES, on_dask, chunk=3)  # refilled as tasks finish
    assert (tally.loaded, tally.failed) == (len(SAMPLES), 0)
    expected = dataset(local)
    assert expected["reports"] and expected["indicators"] and expected["figures"]
    assert dataset(on_dask) == expected


@slow
def test_shipped_bytes_give_the_same_rows(client, tmp_path, monkeypatch):
    local = tmp_path / "local.duckdb"
    batch.ingest(batch.IngestOptions(tuple(SAMPLES[:2]), db=str(local)), stream=io.StringIO())
    shipped = tmp_path / "shipped.duckdb"
    ingest_with(client, SAMPLES[:2], shipped, ship_bytes=True)
    assert dataset(shipped) == dataset(local)
    with store.open_store(shipped, read_only=True) as con:  # the client's path and mtime, not the worker's
        files = con.execute("SELECT source_path, mtime FROM files ORDER BY 1").fetchall()
    assert [p for p, _ in files] == sorted(SAMPLES[:2])
    assert all(abs(m.timestamp() - os.stat(p).st_mtime) < 1e-3 for p, m in files)


@slow
def test_unreadable_and_unchanged_files_on_dask(client, tmp_path, monkeypatch):
    missing = str(tmp_path / "gone.pdf")
    db = tmp_path / "db.duckdb"
    first = ingest_with(client, [SAMPLES[0], missing], db)
    assert (first.loaded, first.failed) == (1, 1)
    with store.open_store(db) as con:
        unchanged = store.ingested(con)
        assert con.execute("SELECT code FROM problems WHERE source_path = ?", [missing]).fetchall() \
            == [("file_not_found",)]
    for ship_bytes in (False, True):
        again = ingest_with(client, [SAMPLES[0]], db, unchanged=unchanged, ship_bytes=ship_bytes)
        assert again.skipped == 1
    # a changed file is read on a worker, never on the client
    monkeypatch.setattr(dask_cluster, "process_file", None)
    changed = ingest_with(client, [SAMPLES[0]], db, unchanged={SAMPLES[0]: "0" * 64}, ship_bytes=True)
    assert (changed.loaded, changed.skipped) == (1, 0)


def _crash_on_docx(given: str, opened: str, skip_sha256=None, read=None):
    """A task whose worker process dies on every .docx: the scheduler gives up after retries."""
    if given.endswith(".docx"):
        os._exit(13)
    return dask_cluster.run_document(given, opened, skip_sha256, read)


@slow
def test_a_document_that_kills_every_worker_becomes_a_problem(client, monkeypatch):
    cloudpickle.register_pickle_by_value(__import__(__name__))  # workers cannot import tests/
    monkeypatch.setattr(dask_cluster, "run_document", _crash_on_docx)
    try:
        paths = [s for s in SAMPLES if s.endswith(".pdf")][:1] + \
                [s for s in SAMPLES if s.endswith(".docx")][:1]
        outcomes = {p.records.source_path: p for p in
                    dask_cluster.process_with_dask(paths, client=client)}
    finally:
        cloudpickle.unregister_pickle_by_value(__import__(__name__))
    pdf, docx = outcomes[paths[0]], outcomes[paths[1]]
    assert not pdf.failed
    assert docx.failed and [p.code for p in docx.records.problems] == ["worker_lost"]
    assert docx.file.report_id and docx.records.problems[0].stage == "extract"


@slow
def test_killing_a_worker_mid_batch_loses_no_document(client, tmp_path):
    copies = []
    for n in range(4):  # 24 documents, distinct paths
        for sample in SAMPLES:
            copy = tmp_path / f"{n}-{Path(sample).name}"
            copy.write_bytes(Path(sample).read_bytes())
            copies.append(str(copy))
    db = tmp_path / "db.duckdb"
    tally = batch.Tally(total=len(copies))
    sink = batch.DuckDBSink(str(db))
    killed = []
    try:
        for processed in dask_cluster.process_with_dask(copies, client=client, chunk=8):
            tally.add(sink.write(processed))
            if not killed:  # after the first result: one worker process dies with work in flight
                pids = client.run(os.getpid)
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
    finally:
        sink.close()
    assert killed and tally.done == len(copies)
    with store.open_store(db, read_only=True) as con:  # copies share a report_id: count paths
        files = dict(con.execute("SELECT source_path, status FROM files").fetchall())
        failed = {r[0] for r in con.execute(
            "SELECT source_path FROM problems WHERE severity = 'error'").fetchall()}
    assert set(files) == set(copies)
    assert {p for p, status in files.items() if status == "failed"} <= failed
    assert tally.loaded + tally.failed == len(copies)


@slow
def test_parquet_dataset_holds_the_rows_of_the_store(client, tmp_path):
    out = tmp_path / "dataset"
    paths = SAMPLES + [str(tmp_path / "gone.pdf")]
    sink = parquet.ParquetSink(out, batch=4)  # several batches: several files per partition
    for processed in dask_cluster.process_with_dask(paths, client=client):
        sink.write(processed)
    sink.close()
    db = tmp_path / "db.duckdb"
    batch.ingest(batch.IngestOptions(tuple(paths), db=str(db)), stream=io.StringIO())
    expected = dataset(db)
    con = duckdb.connect()
    for table in store.DATASET_TABLES:
        names = [c.sql for c in store.columns(table) if c.name not in IGNORED]
        glob = str(out / table / "*" / "*.parquet")
        got = sorted(con.execute(f"SELECT {', '.join(names)} FROM read_parquet('{glob}', "
                                 "hive_partitioning = true)").fetchall(), key=repr)
        assert got == expected[table], table
    # pyarrow too: decimals stay decimal128(20,4), fiscal_year comes back from the folder names
    reports = parquet.read(out, "reports")
    assert str(reports.schema.field("budget_yuan").type) == "decimal128(20, 4)"
    assert sorted({r["fiscal_year"] for r in reports.to_pylist()}) == [2022, 2023, 2024]
    assert Decimal("4900000") in {r["budget_yuan"] for r in reports.to_pylist()}
    problems = parquet.read(out, "problems").to_pylist()
    assert any(p["fiscal_year"] is None and p["code"] == "file_not_found" for p in problems)
    figures = parquet.read(out, "figures").to_pylist()
    years = dict(con.execute(f"SELECT report_id, fiscal_year FROM read_parquet("
                             f"'{out / 'reports' / '*' / '*.parquet'}', hive_partitioning = true)"
                             ).fetchall())
    assert all(f["fiscal_year"] == years[f["report_id"]] for f in figures)


def test_parquet_rerun_skips_unchanged_files(tmp_path):
    out = tmp_path / "dataset"
    options = batch.IngestOptions(tuple(SAMPLES[:2]), db="unused.duckdb", out_parquet=str(out))
    first = batch.ingest(options, stream=io.StringIO())
    again = batch.ingest(options, stream=io.StringIO())
    assert (first.loaded, again.skipped) == (2, 2)
    assert parquet.read(out, "reports").num_rows == 2
    assert not Path("unused.duckdb").exists()


@slow
def test_command_line_on_a_running_scheduler(client, tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    address = client.scheduler.address
    argv = ["ingest", *SAMPLES[:2], "--db", str(db), "--executor", "dask", "--scheduler", address]
    assert cli.main(argv) == 0
    assert "2 loaded, 0 failed" in capsys.readouterr().out
    assert cli.main(argv + ["--ship-bytes"]) == 0  # unchanged: nothing sent
    assert "0 loaded, 0 failed, 2 skipped" in capsys.readouterr().out
    out = tmp_path / "dataset"
    assert cli.main(["ingest", SAMPLES[0], "--out-parquet", str(out), "--workers", "1"]) == 0
    assert f"ingested into {out}" in capsys.readouterr().out
    assert parquet.read(out, "reports").num_rows == 1


def test_scheduler_and_ship_bytes_need_the_dask_executor(tmp_path, capsys):
    for option in (["--scheduler", "tcp://localhost:8786"], ["--ship-bytes"]):
        assert cli.main(["ingest", SAMPLES[0], "--db", str(tmp_path / "db"), *option]) == 2
        assert "need --executor dask" in capsys.readouterr().err
