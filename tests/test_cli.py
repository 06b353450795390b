"""The command line: ingest/export/status over the stages, never losing a file."""
from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfreports import batch, cli, process
from perfreports.extract import ExtractError
from perfreports.extract.model import Document
from perfreports.storage import store
from test_store import seed_records

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "pipeline.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def fake_stages(monkeypatch):
    """extract() reads the file's text: `extract-error`, `boom`, `build-boom` or a report."""

    def fake_extract(path: Path, limits=None) -> Document:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        if text.startswith("extract-error"):
            raise ExtractError("not_a_report", "这不是绩效报告")
        if text.startswith("boom"):
            raise KeyError("cell")
        return Document("pdf", blocks=(), pages=1, warnings=((text.strip(), ""),))

    def fake_build(document, *, report_id, source_file, source_path, concepts=None):
        if document.warnings[0][0] == "build-boom":
            raise ZeroDivisionError("division by zero")
        return seed_records(report_id, source_path)

    monkeypatch.setattr(process.extract, "extract", fake_extract)
    monkeypatch.setattr(process, "build_records", fake_build)
    monkeypatch.setattr(process, "checked", lambda records, rules: records)


def make_inputs(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def rows(db: Path, sql: str) -> list[tuple]:
    with store.open_store(db, read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("command", [[], ["ingest"], ["export"], ["status"], ["compare"], ["doctor"], ["review"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_find_inputs_recursive_sorted_case_insensitive(tmp_path):
    make_inputs(tmp_path, **{"b.PDF": "", "a.docx": "", "notes.txt": "", "sub__c.Pdf": "",
                             "sub__d.doc": "", "sub__e.WPS": "", "sub__f.xls": ""})
    found = batch.find_inputs([str(tmp_path), str(tmp_path / "a.docx")])
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == [
        "a.docx", "b.PDF", "sub/c.Pdf", "sub/d.doc", "sub/e.WPS"]


def test_find_inputs_keeps_explicit_files_and_missing_paths(tmp_path):
    assert batch.find_inputs(["x/missing.pdf", "notes.txt"]) == ["x/missing.pdf", "notes.txt"]


def test_process_file_report_id_is_sha256_prefix(tmp_path, fake_stages):
    path = make_inputs(tmp_path, **{"a.pdf": "report"}) / "a.pdf"
    processed = process.process_file(str(path))
    digest = hashlib.sha256(b"report").hexdigest()
    assert processed.records.report_id == digest[:16]
    assert (processed.file.sha256, processed.file.size, processed.file.status) == (digest, 6, "loaded")


def test_process_file_extract_error_keeps_report_id(tmp_path, fake_stages):
    path = make_inputs(tmp_path, **{"a.pdf": "extract-error"}) / "a.pdf"
    records = process.process_file(str(path)).records
    assert records.report is None and records.report_id is not None
    [problem] = records.problems
    assert (problem.severity, problem.code, problem.stage, problem.message) == (
        "error", "not_a_report", "extract", "这不是绩效报告")
    assert problem.report_id == records.report_id


@pytest.mark.parametrize("text, stage, message", [
    ("boom", "extract", "extract failed: KeyError: 'cell'"),
    ("build-boom", "normalize", "normalize failed: ZeroDivisionError: division by zero"),
])
def test_process_file_stage_failure_becomes_a_problem(tmp_path, fake_stages, text, stage, message):
    path = make_inputs(tmp_path, **{"a.pdf": text}) / "a.pdf"
    [problem] = process.process_file(str(path)).records.problems
    assert (problem.code, problem.stage, problem.message) == ("stage_failed", stage, message)


def test_process_file_missing_file(tmp_path):
    processed = process.process_file(str(tmp_path / "gone.pdf"))
    assert processed.records.report_id is None
    assert [p.code for p in processed.records.problems] == ["file_not_found"]
    assert processed.file.status == "failed"


def test_ingest_handles_every_input(tmp_path, fake_stages, capsys):
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report", "sub__bad.docx": "extract-error",
                                             "crash.pdf": "boom"})
    db = tmp_path / "r.duckdb"
    status = cli.main(["ingest", str(inputs), str(tmp_path / "missing.pdf"), "--db", str(db),
                            "--workers", "1"])
    assert status == 0
    assert rows(db, "SELECT source_file FROM reports") == [("good.pdf",)]
    assert sorted(rows(db, "SELECT source_file, code FROM problems WHERE severity = 'error'")) == [
        ("bad.docx", "not_a_report"), ("crash.pdf", "stage_failed"), ("missing.pdf", "file_not_found")]
    assert sorted(rows(db, "SELECT source_file, status FROM files")) == [
        ("bad.docx", "failed"), ("crash.pdf", "failed"), ("good.pdf", "loaded"),
        ("missing.pdf", "failed")]
    out = capsys.readouterr()
    assert "4 files ingested" in out.out and "1 loaded, 3 failed" in out.out
    assert "青云谱区总工会" in out.out and "4900000" in out.out  # the loaded-reports table
    assert "[4/4]" in out.err  # plain progress lines when stderr is not a terminal


def test_reingest_does_not_duplicate(tmp_path, fake_stages):
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report", "bad.pdf": "extract-error"})
    db = tmp_path / "r.duckdb"
    for _ in range(2):
        assert cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "1"]) == 0
    counts = rows(db, "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM indicators), "
                      "(SELECT count(*) FROM problems), (SELECT count(*) FROM files)")
    assert counts == [(1, 2, 2, 2)]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the monkeypatched stages reach worker processes only when forked")
def test_ingest_with_worker_processes(tmp_path, fake_stages):
    inputs = make_inputs(tmp_path / "in", **{f"r{i}.pdf": f"report {i}" for i in range(5)},
                         **{"bad.pdf": "extract-error"})
    db = tmp_path / "r.duckdb"
    assert cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "3"]) == 0
    assert rows(db, "SELECT count(*) FROM reports") == [(5,)]
    assert rows(db, "SELECT code FROM problems WHERE severity = 'error'") == [("not_a_report",)]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the monkeypatched stages reach worker processes only when forked")
def test_a_dying_worker_still_leaves_a_row_per_file(tmp_path, fake_stages, monkeypatch):
    def die(path, limits=None):
        os._exit(1)

    monkeypatch.setattr(process.extract, "extract", die)
    inputs = make_inputs(tmp_path / "in", **{f"r{i}.pdf": f"report {i}" for i in range(3)})
    db = tmp_path / "r.duckdb"
    assert cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "2"]) == 0
    assert rows(db, "SELECT count(*), min(code), min(stage) FROM problems") == [
        (3, "stage_failed", "extract")]
    assert rows(db, "SELECT count(*) FROM files WHERE status = 'failed'") == [(3,)]


def test_identical_files_are_one_report(tmp_path, fake_stages, capsys):
    inputs = make_inputs(tmp_path / "in", **{"a.pdf": "report", "copy__a.pdf": "report"})
    db = tmp_path / "r.duckdb"
    assert cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "1"]) == 0
    assert rows(db, "SELECT count(*) FROM reports") == [(1,)]
    assert rows(db, "SELECT count(DISTINCT report_id), count(*) FROM files") == [(1, 2)]
    assert "1 file had the same bytes as another file" in capsys.readouterr().out


def test_load_failure_becomes_a_problem(tmp_path, fake_stages, monkeypatch):
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report"})
    db = tmp_path / "r.duckdb"
    real_write = store.write

    def failing_write(con, records, file=None, **options):
        if records.report is not None:
            raise ValueError("Rescaling Decimal value would cause data loss")
        real_write(con, records, file, **options)

    monkeypatch.setattr(store, "write", failing_write)
    assert cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "1"]) == 0
    assert rows(db, "SELECT code, stage FROM problems WHERE severity = 'error'") == [
        ("stage_failed", "load")]
    assert rows(db, "SELECT count(*) FROM reports") == [(0,)]
    assert rows(db, "SELECT status FROM files") == [("failed",)]


def test_export_and_status_commands(tmp_path, fake_stages, capsys):
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report", "bad.pdf": "extract-error"})
    db = tmp_path / "r.duckdb"
    cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "1"])
    for fmt, name in [("csv", "reports.csv"), ("parquet", "reports.parquet"), ("xlsx", "dataset.xlsx")]:
        assert cli.main(["export", "--db", str(db), "--out", str(tmp_path / fmt),
                              "--format", fmt]) == 0
        assert (tmp_path / fmt / name).exists()
    with (tmp_path / "csv" / "reports.csv").open(encoding="utf-8") as f:
        assert next(csv.DictReader(f))["spent_yuan"] == "1345368"
    capsys.readouterr()
    assert cli.main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "indicators  2 rows" in out and "not_a_report" in out


def test_unwritable_db_is_a_one_line_error(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n")
    result = run_cli("ingest", str(tmp_path / "a.pdf"), "--db", "/nonexistent/folder/r.duckdb")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: cannot open database")
    assert "Traceback" not in result.stderr


def test_export_of_a_missing_db_is_a_one_line_error(tmp_path):
    result = run_cli("export", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_bad_arguments_exit_2():
    assert run_cli("ingest").returncode == 2
    assert run_cli("ingest", "x", "--workers", "0").returncode == 2
    assert run_cli("export", "--out", "x", "--format", "json").returncode == 2


def _good_sample() -> Path | None:
    found = sorted(p for p in SAMPLES.glob("*") if p.suffix.lower() in (".pdf", ".docx"))
    return found[0] if found else None


@functools.cache
def _stages_ready() -> str | None:
    """Why the real-stages test cannot run yet, or None."""
    sample = _good_sample()
    if sample is None:
        return "no .pdf/.docx sample in samples/"
    from perfreports import extract
    from perfreports.facts.build import build_records
    try:
        document = extract.extract(sample)
        build_records(document, report_id="0" * 16, source_file=sample.name, source_path=str(sample))
    except NotImplementedError as err:
        return f"extract/facts not implemented yet ({err!r})"
    except Exception:  # a real failure: let the test run and show it
        return None
    return None


@pytest.mark.skipif(_stages_ready() is not None, reason=str(_stages_ready()))
def test_real_stages_text_file_renamed_pdf_is_a_problem_not_a_crash(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = _good_sample()
    (folder / good.name).write_bytes(good.read_bytes())
    (folder / "notes.pdf").write_text("这只是一个文本文件，不是PDF。\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    result = run_cli("ingest", str(folder), "--db", str(db), "--workers", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT source_file FROM reports") == [(good.name,)]
    bad = rows(db, "SELECT severity, stage, report_id FROM problems WHERE source_file = 'notes.pdf'")
    assert bad and all(severity == "error" and stage == "extract" and report_id
                       for severity, stage, report_id in bad)


def test_every_command_is_in_the_readme():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("no README.md yet")
    commands = cli.parser()._subparsers._group_actions[0].choices
    text = readme.read_text(encoding="utf-8")
    assert [c for c in commands if f"pipeline.py {c}" not in text] == []


@pytest.mark.parametrize("sink", ["duckdb", "parquet"])
def test_a_value_the_sink_cannot_hold_fails_that_document_only(tmp_path, fake_stages, monkeypatch,
                                                               sink, capsys):
    def build(document, *, report_id, source_file, source_path, concepts=None):
        records = seed_records(report_id, source_path)
        if source_file.startswith("huge"):  # 18 digits: more than decimal128(20,4) holds
            records = dataclasses.replace(records, report=dataclasses.replace(
                records.report, budget_yuan=1.2e17))
        return records

    monkeypatch.setattr(process, "build_records", build)
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report", "huge.pdf": "report 2"})
    out = tmp_path / ("out" if sink == "parquet" else "r.duckdb")
    option = ["--out-parquet", str(out)] if sink == "parquet" else ["--db", str(out)]
    assert cli.main(["ingest", str(inputs), *option, "--workers", "1"]) == 0
    if sink == "parquet":
        from perfreports.storage import parquet
        problems = [(p["source_file"], p["code"], p["stage"])
                    for p in parquet.read(out, "problems").to_pylist() if p["severity"] == "error"]
        files = sorted((f["source_file"], f["status"]) for f in parquet.read(out, "files").to_pylist())
        reports = parquet.read(out, "reports").num_rows
    else:
        problems = rows(out, "SELECT source_file, code, stage FROM problems WHERE severity = 'error'")
        files = sorted(rows(out, "SELECT source_file, status FROM files"))
        reports = rows(out, "SELECT count(*) FROM reports")[0][0]
    assert problems == [("huge.pdf", "stage_failed", "load")]
    assert files == [("good.pdf", "loaded"), ("huge.pdf", "failed")]
    assert reports == 1
    assert "1 loaded, 1 failed" in capsys.readouterr().out


def test_no_input_files_is_exit_2_and_creates_no_database(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    db = tmp_path / "r.duckdb"
    assert cli.main(["ingest", str(tmp_path / "in"), "--db", str(db)]) == 2
    assert "no .pdf, .docx, .doc or .wps files found" in capsys.readouterr().err
    assert not db.exists()


def test_options_that_do_nothing_are_warned_about(tmp_path, fake_stages, monkeypatch, capsys):
    monkeypatch.setattr(batch, "ingest", lambda options, stream=None: batch.Tally(total=len(options.paths)))
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report"})
    argv = ["ingest", str(inputs), "--workers", "1"]
    assert cli.main(argv + ["--out-parquet", str(tmp_path / "out")]) == 0
    assert "warning" not in capsys.readouterr().err  # the defaults are no choice of the user's
    assert cli.main(argv + ["--db", str(tmp_path / "r.duckdb"),
                                 "--out-parquet", str(tmp_path / "out")]) == 0
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("warning: --db is ignored with --out-parquet")
    assert cli.main(argv + ["--executor", "dask", "--timeout", "60"]) == 0
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("warning: --timeout is not enforced with --executor dask")


# --- a new user's first hour: the README's commands, as written --------------------------------

def readme_commands(section: str) -> list[str]:
    """The `python pipeline.py …` lines of a README section's code block (4-space indented)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in body.splitlines()
            if line.startswith("    ") and "python pipeline.py" in line]


def run_as_written(command: str, cwd: Path) -> subprocess.CompletedProcess:
    command = command.split("&& ")[-1]  # the install step before the ingest is not run here
    args = command.split()
    assert args[:2] == ["python", "pipeline.py"], command
    return run_cli(*args[2:], cwd=cwd)


def test_readme_quick_start_works_in_a_fresh_folder_without_options(tmp_path):
    """Every command of the quick start and the ones after it, in a new folder: no --db anywhere."""
    from parts import missing
    shutil.copytree(SAMPLES, tmp_path / "samples")
    [quick_start] = readme_commands("Quick start")
    assert quick_start.endswith("python pipeline.py ingest samples")
    after = readme_commands("Looking at what was loaded")
    assert {c.split()[2] for c in after} == {"status", "export", "compare", "doctor"}
    commands = [quick_start, *after]
    for command in commands:
        if " compare " in command and missing("CJK font"):
            continue  # compare needs a CJK font: test_compare checks the error it gives without one
        result = run_as_written(command, tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert (tmp_path / "reports.duckdb").is_file()
    assert {p.name for p in (tmp_path / "x").iterdir()} == {
        "reports.csv", "indicators.csv", "figures.csv", "problems.csv", "report_fields.csv", "indicator_cells.csv",
        "corrections.csv"}


def test_readme_sample_output_is_what_ingest_prints(tmp_path):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    printed = run_as_written(readme_commands("Quick start")[0], tmp_path).stdout.splitlines()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line.strip() for line in printed if line.startswith(("source_file", "qingyunpu", "xiling", "xindu"))]
    assert len(table) == 7
    assert "\n".join(f"    {line}" for line in table) in readme


@pytest.mark.parametrize("command", ["", "ingest", "export", "status", "compare", "doctor", "review"])
def test_help_imports_no_stage_code(command):
    """`--help` answers at once: no database, PDF, NLP or chart library is imported for it."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['pipeline.py', *{command.split()!r}, '--help']\n"
            "try:\n    runpy.run_path('pipeline.py', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "heavy = {'duckdb', 'spacy', 'pandas', 'pyarrow', 'matplotlib', 'pypdfium2', 'pdfplumber', "
            "'docx', 'cv2', 'dask', 'jieba', 'openpyxl', 'flask', 'werkzeug'}\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "usage:" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("how", ["--rules", "env"])
def test_a_bad_rules_file_is_exit_2_before_any_file_is_read(tmp_path, how):
    rules = tmp_path / "rules.toml"
    rules.write_text("[[behind_schedule]]\nby_month = 13\nmin_rate_pct = 25\nsource = 'x'\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    args = ["ingest", str(SAMPLES / "xindu-2024-monitoring.docx"), "--db", str(db)]
    env = {**os.environ, "PERFREPORTS_CHECK_RULES": str(rules)} if how == "env" else None
    if how == "--rules":
        args += ["--rules", str(rules)]
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), *args], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "by_month must be 1..12" in line
    assert ("--rules" if how == "--rules" else "PERFREPORTS_CHECK_RULES") in line
    assert not db.exists()


def test_rules_file_reaches_the_checks(tmp_path, fake_stages, monkeypatch):
    seen = []

    def checks(records, rules):
        seen.append(rules)
        return records

    monkeypatch.setattr(process, "checked", checks)
    rules = tmp_path / "rules.json"
    rules.write_text('{"behind_schedule": [{"by_month": 3, "min_rate_pct": 10, "source": "X"}]}',
                     encoding="utf-8")
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report"})
    assert cli.main(["ingest", str(inputs), "--db", str(tmp_path / "r.duckdb"), "--workers", "1",
                          "--timeout", "0", "--worker-memory-mb", "0", "--rules", str(rules)]) == 0  # read in this process
    [used] = seen
    assert [(t.by_month, t.source) for rule_set in used for t in rule_set.thresholds] == [(3, "X")]


def test_the_progress_line_of_a_failed_file_gives_the_message(tmp_path, fake_stages, capsys):
    inputs = make_inputs(tmp_path / "in", **{"bad.pdf": "extract-error"})
    cli.main(["ingest", str(inputs), "--db", str(tmp_path / "r.duckdb"), "--workers", "1"])
    assert "failed (not_a_report: 这不是绩效报告)" in capsys.readouterr().err


def test_counts_in_messages_are_singular_or_plural(tmp_path, fake_stages, capsys):
    inputs = make_inputs(tmp_path / "in", **{"bad.pdf": "extract-error"})
    db = tmp_path / "r.duckdb"
    cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "1"])
    assert "1 file ingested" in capsys.readouterr().out
    cli.main(["status", "--db", str(db)])
    out = capsys.readouterr().out
    assert "1 row in 1 file" in out and "reports     0 rows" in out and "1 files" not in out


def test_an_unexpected_error_is_one_line_and_the_traceback_comes_with_debug(tmp_path, fake_stages,
                                                                           monkeypatch, capsys):
    inputs = make_inputs(tmp_path / "in", **{"good.pdf": "report"})
    db = tmp_path / "r.duckdb"
    cli.main(["ingest", str(inputs), "--db", str(db), "--workers", "1"])
    capsys.readouterr()

    def broken(con):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(store, "status", broken)
    assert cli.main(["status", "--db", str(db)]) == 2
    assert capsys.readouterr().err == "error: RuntimeError: something broke\n"
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "status", "--db", str(db)])


def test_doctor_names_what_a_missing_part_disables_and_how_to_install_it(monkeypatch, capsys):
    from perfreports import doctor
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)  # no soffice, chromium, qpdf
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "missing  LibreOffice" in out and "apt-get install libreoffice-writer-nogui" in out
    assert ".doc/.wps files get `unsupported_format`" in out
    assert "missing  Chromium" in out and "missing  qpdf" in out


def test_a_crosswalk_wins_and_concepts_lists_what_is_left(tmp_path):
    sample = ROOT / "samples" / "xindu-2024-monitoring.docx"
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text("indicator,concept_id\n职工健康体检人数,condolence_persons\n普惠服务活动惠及职工人次,\n",
                         encoding="utf-8")
    assert run_cli("ingest", str(sample), "--concepts", str(crosswalk), cwd=tmp_path).returncode == 0
    rows = dict(store.open_store(tmp_path / "reports.duckdb", read_only=True).execute(
        "SELECT DISTINCT indicator, concept_how FROM indicators").fetchall())
    assert rows["职工健康体检人数"] == "crosswalk" and rows["普惠服务活动惠及职工人次"] is None
    listed = run_cli("concepts", "--out", "left.csv", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("16 of 18 quantitative indicator rows have a concept (89%)")
    assert "普惠服务活动惠及职工人次" in listed.stdout
    left = (tmp_path / "left.csv").read_text(encoding="utf-8").splitlines()
    assert left[0] == "indicator,concept_id,unit,documents" and any(l.startswith("普惠服务活动惠及职工人次,,") for l in left)


@pytest.mark.parametrize("text, says", [
    ("indicator,concept_id\n职工健康体检人数,no_such_concept\n", "unknown concept id no_such_concept"),
    ("name,id\n职工健康体检人数,condolence_persons\n", "header indicator,concept_id"),
])
def test_a_bad_crosswalk_is_one_line_before_any_file_is_read(tmp_path, text, says):
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text(text, encoding="utf-8")
    result = run_cli("ingest", str(ROOT / "samples"), "--concepts", str(crosswalk), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: --concepts: ") and says in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "reports.duckdb").exists()
