"""Archive-scale ingest: a batch made on the fly (the samples copied 20 times plus one file of every
kind of bad input) is fully accounted for, a second run skips it, and a run killed with SIGKILL
and run again ends with exactly the rows of an uninterrupted run. Also: the per-document timeout,
the killable worker pool, legacy .doc/.wps files and the progress bar."""
from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

from perfreports import cli, extract
from perfreports.executors import workers
from perfreports.batch import Progress, Tally
from perfreports.process import process_file
from perfreports.extract import legacy
from perfreports.storage import store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
COPIES = 20
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LOADED = "loaded"
TABLES = ("reports", "indicators", "figures", "problems", "files")


def text_samples() -> list[Path]:
    """The sample reports with a text layer (the scans need OCR: too slow to copy 20 times)."""
    return sorted(p for p in SAMPLES.iterdir()
                  if p.suffix in (".pdf", ".docx") and not p.name.endswith(".scan.pdf"))


def distinct_copy(source: Path, target: Path, n: int) -> None:
    """A copy of a sample whose bytes differ (so it is a report of its own) but read the same."""
    if source.suffix == ".pdf":
        target.write_bytes(source.read_bytes() + f"% copy {n}\n".encode())  # a comment after %%EOF
    else:
        shutil.copyfile(source, target)
        with zipfile.ZipFile(target, "a") as archive:
            archive.comment = f"copy {n}".encode()


def make_bad_inputs(folder: Path) -> dict[str, str]:
    """One file of every kind of awkward input; name → the expected problem code or LOADED."""
    seed = SAMPLES / "xindu-2024-monitoring"
    pdf = (seed.with_suffix(".pdf")).read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "random.pdf").write_bytes(bytes((i * 7919 + 13) % 251 for i in range(4000)))
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    shutil.copyfile(DATA / "encrypted-user-password.pdf", folder / "encrypted-user.pdf")
    shutil.copyfile(DATA / "encrypted-owner-only.pdf", folder / "encrypted-owner.pdf")
    page = pdfium.PdfDocument(seed.with_suffix(".pdf"))[0].render(scale=0.3).to_pil()
    page.save(folder / "image.pdf", format="PNG")
    with zipfile.ZipFile(folder / "archive.docx", "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    (folder / "notes.docx").write_text("这只是一个文本文件，不是Word文档。\n", encoding="utf-8")
    notice = docx.Document()
    notice.add_paragraph("关于召开2024年工会会员代表大会的通知")
    notice.add_paragraph("各基层工会：定于2024年5月10日上午9时召开会员代表大会，请准时参加。")
    notice.save(folder / "notice.docx")
    make_long_pdf(folder / "long-504-pages.pdf", 28)
    distinct_copy(seed.with_suffix(".pdf"), folder / "新都区 监控报告 2024 (副本).pdf", 0)
    ole = legacy.OLE_SIGNATURE + bytes(504)
    (folder / "encrypted.docx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(2000))
    expected = {
        "empty.pdf": "empty_file", "random.pdf": "unsupported_format",
        "truncated.pdf": "truncated_pdf", "encrypted-user.pdf": "encrypted_pdf",
        "encrypted-owner.pdf": LOADED, "image.pdf": "unsupported_format",
        "archive.docx": "unsupported_format", "notes.docx": "unsupported_format",
        "notice.docx": "not_a_report", "long-504-pages.pdf": LOADED,
        "新都区 监控报告 2024 (副本).pdf": LOADED, "encrypted.docx": "encrypted_docx",
    }
    if SOFFICE:  # legacy files are made by LibreOffice, and read with it
        for suffix in (".doc", ".wps"):
            make_legacy(seed.with_suffix(".docx"), folder / f"legacy{suffix}")
            expected[f"legacy{suffix}"] = LOADED
    else:
        (folder / "legacy.doc").write_bytes(ole + bytes(2000))
        expected["legacy.doc"] = "unsupported_format"
    return expected


def make_long_pdf(path: Path, times: int) -> None:
    """A PDF of the 18-page sample repeated `times` times."""
    source = pdfium.PdfDocument(SAMPLES / "qingyunpu-2023-monitoring.pdf")
    long = pdfium.PdfDocument.new()
    for _ in range(times):
        long.import_pages(source)
    long.save(path)


def make_legacy(source: Path, target: Path) -> None:
    work = target.parent / f"lo-{target.suffix[1:]}"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(work), str(source)],
                   capture_output=True, check=True, timeout=120)
    shutil.move(work / source.with_suffix(".doc").name, target)
    shutil.rmtree(work)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The batch folder (in sub-folders) and name → expected outcome."""
    folder = tmp_path_factory.mktemp("batch") / "archive"
    expected = make_bad_inputs(folder / "bad inputs")
    for n in range(COPIES):
        copies = folder / f"copy-{n:02d}"
        copies.mkdir(parents=True)
        for sample in text_samples():
            name = f"{sample.stem}-{n:02d}{sample.suffix}"
            distinct_copy(sample, copies / name, n + 1)
            expected[name] = LOADED
    return folder, expected


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "pipeline.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def rows(db: Path, sql: str) -> list[tuple]:
    with store.open_store(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table as a sorted list of rows, without the time each file was ingested."""
    result = {}
    with store.open_store(db, read_only=True) as con:
        for table in TABLES:
            names = [c.name for c in store.columns(table) if c.name != "ingested_at"]
            found = con.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
            result[table] = sorted(found, key=repr)
    return result


def differences(got: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> dict[str, dict]:
    """Per table, the rows only one snapshot holds (a readable failure instead of a long diff)."""
    found = {}
    for table in expected:
        extra, missing = set(got[table]) - set(expected[table]), set(expected[table]) - set(got[table])
        if extra or missing or len(got[table]) != len(expected[table]):
            found[table] = {"extra": sorted(extra, key=repr)[:5], "missing": sorted(missing, key=repr)[:5],
                            "rows": (len(got[table]), len(expected[table]))}
    return found


@pytest.fixture(scope="module")
def ingested(batch, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The batch ingested once, uninterrupted, with 2 workers."""
    folder, _ = batch
    db = tmp_path_factory.mktemp("db") / "full.duckdb"
    return db, run_cli("ingest", str(folder), "--db", str(db), "--workers", "2")


def test_every_file_is_loaded_or_has_its_problem(batch, ingested):
    _, expected = batch
    db, result = ingested
    assert result.returncode == 0, result.stderr[-3000:]
    files = dict(rows(db, "SELECT source_file, status FROM files"))
    assert sorted(files) == sorted(expected)
    in_reports = {name for (name,) in rows(
        db, "SELECT f.source_file FROM files f JOIN reports r USING (report_id)")}
    errors = dict(rows(db, "SELECT source_file, min(code) FROM problems WHERE severity = 'error' "
                           "GROUP BY source_file"))
    outcome = {name: LOADED if name in in_reports else errors.get(name) for name in files}
    assert outcome == expected
    long = rows(db, "SELECT pages, fiscal_year FROM reports WHERE source_file = 'long-504-pages.pdf'")
    assert long == [(504, 2023)]
    loaded = sum(code == LOADED for code in expected.values())
    assert f"{loaded} loaded, {len(expected) - loaded} failed, 0 skipped" in result.stdout
    assert "failed by code: " in result.stdout and "encrypted_pdf 1" in result.stdout
    assert "pages/s" in result.stderr  # the plain progress lines carry the rates


def test_messages_are_one_sentence(ingested):
    db, _ = ingested
    for code, message in rows(db, "SELECT code, message FROM problems WHERE severity = 'error'"):
        assert message and "\n" not in message and "Traceback" not in message, (code, message)


def test_second_run_skips_every_file(batch, ingested, tmp_path):
    _, expected = batch
    db = tmp_path / "again.duckdb"
    shutil.copyfile(ingested[0], db)
    result = run_cli("ingest", str(batch[0]), "--db", str(db), "--workers", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"0 loaded, 0 failed, {len(expected)} skipped" in result.stdout
    assert snapshot(db) == snapshot(ingested[0])


def test_force_reads_a_file_again(batch, ingested, tmp_path):
    db = tmp_path / "force.duckdb"
    shutil.copyfile(ingested[0], db)
    notice = batch[0] / "bad inputs" / "notice.docx"
    result = run_cli("ingest", str(notice), "--db", str(db), "--force")
    assert "1 file ingested" in result.stdout
    assert "0 loaded, 1 failed, 0 skipped" in result.stdout
    assert snapshot(db) == snapshot(ingested[0])


def test_killed_run_resumes_to_the_same_rows(batch, ingested, tmp_path):
    folder, expected = batch
    db = tmp_path / "killed.duckdb"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "pipeline.py"), "ingest", str(folder), "--db", str(db),
         "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    progress = 0
    while progress < 25:
        line = process.stderr.readline()
        assert line, "the run ended before it could be killed"
        progress += line.startswith("[")
    workers_of_run = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    _assert_gone(workers_of_run)
    wal = db.with_name(db.name + ".wal")
    assert wal.exists() and wal.stat().st_size > 0  # commits not yet checkpointed: DuckDB must replay them
    written = rows(db, "SELECT count(*) FROM files")[0][0]
    assert progress <= written < len(expected)  # every file reported done survived the kill

    result = run_cli("ingest", str(folder), "--db", str(db), "--workers", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{written} skipped" in result.stdout
    assert differences(snapshot(db), snapshot(ingested[0])) == {}


def _children(pid: int) -> list[int]:
    """Worker processes of `pid` (Linux /proc), to check they die with it."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _assert_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists()
                 and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]]
    assert not alive, f"worker processes {alive} outlived the killed run"


# --- the per-document timeout and the worker pool ------------------------------------------------

fork_only = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                               reason="the monkeypatched stage reaches worker processes only when forked")


@fork_only
def test_a_hanging_document_times_out_and_the_batch_goes_on(tmp_path, monkeypatch, capsys):
    real_extract = extract.extract

    def hang_on_slow(path, *args, **kwargs):
        if Path(path).name.startswith("slow"):
            time.sleep(600)
        return real_extract(path, *args, **kwargs)

    monkeypatch.setattr(extract, "extract", hang_on_slow)
    folder = tmp_path / "in"
    folder.mkdir()
    seed = SAMPLES / "xindu-2024-monitoring.docx"
    for n, name in enumerate(["a.docx", "slow.docx", "b.docx", "c.docx"]):
        distinct_copy(seed, folder / name, n)
    db = tmp_path / "r.duckdb"
    process_file(str(seed))  # the forked workers start with the language pipeline built
    started = time.monotonic()
    assert cli.main(["ingest", str(folder), "--db", str(db), "--workers", "2",
                          "--timeout", "6"]) == 0
    assert time.monotonic() - started < 60
    assert rows(db, "SELECT source_file, code, message FROM problems WHERE severity = 'error'") == [
        ("slow.docx", "timeout", "Reading the file took longer than the timeout of 6 s, so it was "
                                 "stopped (raise --timeout to give it more time).")]
    assert rows(db, "SELECT count(*) FROM reports") == [(3,)]
    assert sorted(rows(db, "SELECT source_file, status FROM files WHERE sha256 IS NOT NULL")) == [
        ("a.docx", "loaded"), ("b.docx", "loaded"), ("c.docx", "loaded"), ("slow.docx", "failed")]
    assert "failed by code: timeout 1" in capsys.readouterr().out


def _pool_task(item):
    seconds, exit_code = item
    if exit_code is not None:
        os._exit(exit_code)
    time.sleep(seconds)
    return os.getpid()


def test_pool_kills_late_items_and_replaces_dead_workers():
    items = [(0, None), (30, None), (0, None), (0, 3), (0, None), (0, None)]
    forks = []
    started = time.monotonic()
    results = list(workers.run(_pool_task, items, 2, timeout=1.5, before_fork=lambda: forks.append(1)))
    assert time.monotonic() - started < 15
    assert sorted(map(repr, (item for item, _ in results))) == sorted(map(repr, items))
    outcome = {item: result for item, result in results}
    assert outcome[(30, None)].reason == "timeout" and outcome[(30, None)].seconds >= 1.5
    assert (outcome[(0, 3)].reason, outcome[(0, 3)].exitcode) == ("died", 3)
    assert all(isinstance(pid, int) for item, pid in outcome.items() if item[1] is None and item[0] == 0)
    assert len(forks) >= 2  # the start, and before each replacement worker


def test_pool_with_nothing_to_do_starts_no_worker():
    assert list(workers.run(_pool_task, [], 2, timeout=1, before_fork=pytest.fail)) == []


# --- legacy files, progress --------------------------------------------------------------------

def test_legacy_file_without_libreoffice_says_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    path = tmp_path / "old report.doc"
    path.write_bytes(legacy.OLE_SIGNATURE + bytes(600))
    with pytest.raises(extract.ExtractError) as error:
        extract.extract(path)
    assert error.value.code == "unsupported_format"
    assert "install LibreOffice (libreoffice-writer-nogui)" in error.value.message


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_reads_like_its_docx(batch):
    seed = SAMPLES / "xindu-2024-monitoring.docx"  # the source of the batch's legacy files
    converted = process_file(str(batch[0] / "bad inputs" / "legacy.doc")).records
    original = process_file(str(seed)).records
    assert converted.report.source_format == "doc"
    assert len(converted.indicators) == len(original.indicators) > 0
    assert converted.report.budget_yuan == original.report.budget_yuan


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_shows_pages_per_second_and_failures():
    tally = Tally(total=2)
    terminal = _Terminal()
    loaded = process_file(str(SAMPLES / "xindu-2024-monitoring.pdf"))
    failed = process_file(str(SAMPLES / "no-such-file.pdf"))
    with Progress(tally, terminal) as progress:
        for processed in (loaded, failed):
            tally.add(processed)
            progress.update(processed)
    shown = terminal.getvalue()
    assert "2/2" in shown and "pages/s" in shown and "1 failed" in shown
    assert (tally.loaded, tally.failed, tally.pages) == (1, 1, 7)


def test_legacy_conversion_timeout_kills_the_converter_it_started(tmp_path, monkeypatch):
    """soffice is a launcher that starts soffice.bin: both go at the timeout."""
    pid_file = tmp_path / "converter.pid"
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'first line' >&2\necho 'Error: source file could not be "
                    f"loaded' >&2\nsleep 300 &\necho $! > '{pid_file}'\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy, "CONVERT_SECONDS", 1)
    path = tmp_path / "old.doc"
    path.write_bytes(legacy.OLE_SIGNATURE + bytes(600))
    (tmp_path / "work").mkdir()
    started = time.monotonic()
    with pytest.raises(extract.ExtractError) as error:
        legacy.convert_to_docx(path, tmp_path / "work", str(fake))
    assert time.monotonic() - started < 10
    assert error.value.code == "unreadable_doc"
    assert "within 1 s" in error.value.message and "\n" not in error.value.message
    assert "Error: source file could not be loaded" in error.value.message
    _assert_gone([int(pid_file.read_text())])


def test_pool_worker_dead_while_idle_is_reported_died_and_the_run_goes_on(monkeypatch):
    real_send = workers._Worker.send

    def die_then_send(worker, item):
        if item == (0.01, None):  # the worker dies after its first result, before this item
            worker.process.kill()
            worker.process.join()
        real_send(worker, item)

    monkeypatch.setattr(workers._Worker, "send", die_then_send)
    items = [(0, None), (0.01, None), (0.02, None)]
    outcome = dict(workers.run(_pool_task, items, 1, timeout=None))
    assert sorted(outcome) == sorted(items)
    assert (outcome[(0.01, None)].reason, outcome[(0.01, None)].exitcode) == ("died", -signal.SIGKILL)
    assert isinstance(outcome[(0, None)], int) and isinstance(outcome[(0.02, None)], int)


def test_pool_a_result_waiting_in_the_pipe_is_not_a_timeout():
    worker = workers._Worker(multiprocessing.get_context(), _pool_task)
    try:
        worker.send((0, None))
        assert worker.conn.poll(10)
        item, result = worker.outcome([], timeout=0)  # `ready` from before the result came
        assert item == (0, None) and result == worker.process.pid
    finally:
        worker.stop()
