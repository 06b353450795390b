"""Hostile inputs: text from documents stays text in every file the tool writes and on the
terminal; odd files stay bounded; nothing is lost."""
from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from perfreports.storage import store
from perfreports.storage.export import export
from perfreports.storage.sheets import append_row, xlsx_text
from perfreports.terminal import printable
from test_store import SEED_ID, seed_records

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "=14个", "+86 123", "-3人", "@SUM(A1)", "=1+1"]


def hostile_records(texts: list[str]):
    """The seed records with document text replaced by `texts`: title, agency, indicator names and
    cells, a figure's sentence, a problem's message."""
    seed = seed_records()
    report = dataclasses.replace(seed.report, title=texts[0], agency=texts[1 % len(texts)])
    indicators = tuple(dataclasses.replace(row, indicator=texts[i % len(texts)], target_raw=texts[(i + 1) % len(texts)])
                       for i, row in enumerate(seed.indicators))
    figures = tuple(dataclasses.replace(f, sentence=texts[2 % len(texts)]) for f in seed.figures)
    return dataclasses.replace(seed, report=report, indicators=indicators, figures=figures)


@pytest.fixture
def con():
    connection = store.open_store(":memory:")
    yield connection
    connection.close()


def xlsx_cells(path: Path):
    book = load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("texts", [FORMULAS[:3], FORMULAS[3:]])
def test_an_xlsx_export_holds_no_formula_and_every_character(con, tmp_path, texts):
    store.write(con, hostile_records(texts))
    [path] = export(con, tmp_path, "xlsx")
    cells = xlsx_cells(path)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert set(texts) <= values  # read back exactly, not as formulas or their results


def test_control_characters_are_escaped_not_lost_nor_fatal(con, tmp_path):
    store.write(con, hostile_records(["标题\x1b[31m红", "单位\x00\x07", "句子\x0b。"]))
    [path] = export(con, tmp_path, "xlsx")
    values = {c.value for c in xlsx_cells(path)}
    assert {"标题\\u001b[31m红", "单位\\u0000\\u0007", "句子\\u000b。"} <= values


def test_csv_is_exact_by_default_and_excel_safe_on_request(con, tmp_path):
    store.write(con, hostile_records(FORMULAS))
    plain = {r["indicator"] for r in csv.DictReader(open(export(con, tmp_path / "plain")[1], encoding="utf-8"))}
    assert plain <= set(FORMULAS) and plain
    safe_files = export(con, tmp_path / "safe", excel_safe=True)
    rows = list(csv.DictReader(open(safe_files[1], encoding="utf-8")))
    assert {r["indicator"] for r in rows} == {"'" + text for text in plain}
    assert {r["target_value"] for r in rows} == {"200", "4900000"}  # numbers stay numbers
    [report] = csv.DictReader(open(safe_files[0], encoding="utf-8"))
    assert report["title"] == "'" + FORMULAS[0] and report["budget_yuan"] == "4900000"


def test_a_text_cell_is_never_a_formula():
    sheet = Workbook().active
    append_row(sheet, ["=1+1", 5, None, "普通"])
    assert [c.data_type for c in sheet[1]] == ["s", "n", "n", "s"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1, max_size=30), min_size=3, max_size=3))
def test_any_text_survives_every_export(tmp_path_factory, texts):
    """Whatever a document holds comes back from CSV and Parquet exactly, and from XLSX exactly
    but for the characters XML cannot hold, which are escaped."""
    folder = tmp_path_factory.mktemp("fuzz")
    with store.open_store(":memory:") as con:
        store.write(con, hostile_records(texts))
        titles = {}
        for fmt in ("csv", "parquet", "xlsx"):
            files = export(con, folder / fmt, fmt)
            if fmt == "csv":
                titles[fmt] = next(csv.DictReader(io.StringIO(files[0].read_bytes().decode("utf-8"), newline="")))["title"]
            elif fmt == "parquet":
                titles[fmt] = duckdb.execute(f"SELECT title FROM '{files[0]}'").fetchone()[0]
            else:
                sheet = load_workbook(files[0])["reports"]
                column = [c.value for c in sheet[1]].index("title")
                titles[fmt] = sheet.cell(row=2, column=column + 1).value
                assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert titles["csv"] == titles["parquet"] == texts[0]
    assert titles["xlsx"] == xlsx_text(texts[0])


def test_text_printed_to_a_terminal_cannot_drive_it():
    assert printable("报告\x1b]0;owned\x07\n名") == "报告\\u001b]0;owned\\u0007⏎名"
    assert printable("a\u202eb\u2028c") == "a\\u202eb\\u2028c"


# --- odd files ---------------------------------------------------------------------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from perfreports import batch  # noqa: E402
from perfreports.process import process_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def test_pipes_devices_and_dangling_links_get_a_problem_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "gone.docx").symlink_to(tmp_path / "nowhere.docx")
    found = batch.find_inputs([str(tmp_path), "/dev/zero"])
    assert found == [str(tmp_path / "gone.docx"), str(tmp_path / "pipe.pdf"), "/dev/zero"]
    problems = {Path(p).name: process_file(p).records.problems[0] for p in found}  # a pipe opened would block
    assert problems["pipe.pdf"].code == "unsupported_format" and "named pipe" in problems["pipe.pdf"].message
    assert problems["zero"].code == "unsupported_format" and "a device" in problems["zero"].message
    assert problems["gone.docx"].code == "file_not_found" and "symbolic link" in problems["gone.docx"].message


def test_a_folder_that_cannot_be_searched_is_a_problem_not_silence(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_walk = os.walk

    def walk(top, onerror=None, **kw):  # as for a folder without read permission (tests run as root)
        for root, dirs, files in real_walk(top, onerror=onerror, **kw):
            if root == str(locked):
                onerror(PermissionError(13, "Permission denied", root))
                dirs[:] = []
                continue
            yield root, dirs, files
    monkeypatch.setattr(os, "walk", walk)
    [found] = batch.find_inputs([str(tmp_path)])
    problem = process_file(found).records.problems[0]
    assert (found, problem.code) == (str(locked), "unreadable_file") and "could not be searched" in problem.message


def test_a_pipe_in_a_batch_does_not_hang_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.pdf")
    (folder / "report.docx").write_bytes((ROOT / "samples" / "xindu-2024-monitoring.docx").read_bytes())
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "ingest", str(folder), "/dev/zero",
                             "--workers", "2", "--timeout", "60"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1 loaded, 2 failed" in result.stdout and "unsupported_format 2" in result.stdout


def test_names_with_control_characters_are_escaped_on_the_terminal_and_in_workbooks(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = "报告\x1b[2J\n第二行.docx"
    (folder / name).write_bytes((ROOT / "samples" / "xiling-2022-self-evaluation.docx").read_bytes())
    run = lambda *args: subprocess.run([sys.executable, str(ROOT / "pipeline.py"), *args], cwd=tmp_path,  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    ingested = run("ingest", str(folder), "--workers", "1")
    assert ingested.returncode == 0, ingested.stderr
    assert "\x1b" not in ingested.stdout + ingested.stderr and "报告\\u001b[2J⏎第二行.docx" in ingested.stderr
    from parts import missing
    if missing("CJK font"):
        return
    compared = run("compare", "--out", "cmp")
    assert compared.returncode == 0, compared.stderr
    cells = xlsx_cells(tmp_path / "cmp" / "summary.xlsx")
    assert any(isinstance(c.value, str) and "报告\\u001b[2J" in c.value for c in cells)


# --- files that would take the machine ---------------------------------------------------------

import resource  # noqa: E402
import zipfile  # noqa: E402

from perfreports.cli import LIMIT_DEFAULTS  # noqa: E402
from perfreports.extract.limits import DEFAULT_LIMITS  # noqa: E402


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1, the first the catalog) with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def huge_page_pdf(path: Path, points: int = 14400) -> Path:
    """One image-only page of `points` × `points` (5 m square): OCR would render 1.6 billion pixels."""
    content = b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (points, points)
    path.write_bytes(pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>" % (points, points),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 64 >>\nstream\n" + bytes(range(0, 256, 4)) + b"\nendstream",
    ]))
    return path


def docx_bomb(path: Path, parts: int, megabytes_each: int) -> Path:
    """A DOCX whose `parts` parts unpack to `megabytes_each` MB each (400 MB in all, 400 KB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(parts):
            name = "word/document.xml" if n == 0 else f"word/media/part{n}.xml"
            with archive.open(name, "w", force_zip64=True) as part:
                for _ in range(megabytes_each):
                    part.write(b"<w:t>" + b"A" * ((1 << 20) - 11) + b"</w:t>")
    return path


def test_the_limits_of_the_command_line_are_those_of_the_stage():
    assert LIMIT_DEFAULTS == dataclasses.asdict(DEFAULT_LIMITS)


def test_a_huge_page_and_zip_bombs_are_problems_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    huge_page_pdf(folder / "poster.pdf")
    docx_bomb(folder / "one-part-bomb.docx", parts=1, megabytes_each=400)
    docx_bomb(folder / "many-parts-bomb.docx", parts=40, megabytes_each=10)
    (folder / "report.docx").write_bytes((ROOT / "samples" / "xindu-2024-monitoring.docx").read_bytes())
    measure = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "pipeline.py"), "ingest",
                             str(folder), "--workers", "2"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.splitlines()[-1]) / 1024
    assert peak_mb < 1536, f"a process reached {peak_mb:.0f} MB"
    assert "1 loaded, 3 failed" in result.stdout
    with store.open_store(tmp_path / "reports.duckdb", read_only=True) as con:
        codes = dict(con.execute("SELECT source_file, code FROM problems WHERE severity = 'error'").fetchall())
    assert codes == {"poster.pdf": "page_too_large", "one-part-bomb.docx": "too_large",
                     "many-parts-bomb.docx": "too_large"}


def test_a_large_page_among_readable_ones_is_left_out_with_a_warning(tmp_path, monkeypatch):
    from perfreports.extract import extract
    from perfreports.extract.limits import Limits
    scan = ROOT / "tests" / "data" / "scans" / "xiling-2022-self-evaluation.scan.pdf"
    small = Limits(max_page_pixels=1000)  # every page of the scan is "too large" now
    with pytest.raises(Exception) as error:
        extract(scan, small)
    assert getattr(error.value, "code", None) == "page_too_large" and "Pages 1-6" in error.value.message


@pytest.mark.parametrize("option, code", [("--max-file-mb=1", "too_large"), ("--max-pages=3", "too_large"),
                                          ("--max-ocr-pages=2", "too_large"), ("--worker-memory-mb=64", None)])
def test_each_limit_is_an_option_and_a_problem(tmp_path, option, code):
    scan = "ocr" in option or "file" in option  # the xiling scan: 2.5 MB, 6 pages to OCR
    source = ROOT / ("tests/data/scans/xiling-2022-self-evaluation.scan.pdf" if scan
                     else "samples/qingyunpu-2023-monitoring.pdf")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / source.name).write_bytes(source.read_bytes())
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "ingest", str(folder), option],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "0 loaded, 1 failed" in result.stdout, result.stdout + result.stderr
    if code:
        assert f"failed by code: {code} 1" in result.stdout
