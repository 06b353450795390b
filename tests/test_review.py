"""The review workbench without a browser (Flask's test client): the queue's order and filters,
a file's page with its cell boxes, corrections posted through the forms, and what makes it safe —
escaping, CSRF, the local Host only, files only by report id."""
from __future__ import annotations

import dataclasses
import re
import signal
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="the review needs Flask: pip install -e '.[review]'")

from perfreports import process  # noqa: E402
from perfreports.facts.records import Problem  # noqa: E402
from perfreports.review import queries  # noqa: E402
from perfreports.review.app import create_app  # noqa: E402
from perfreports.storage import store  # noqa: E402
from perfreports.storage.corrections import Correction  # noqa: E402
from parts import needs_soffice  # noqa: E402
from test_store import seed_records  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "samples" / "xindu-2024-monitoring.pdf"
SAMPLE_DOCX = ROOT / "samples" / "xindu-2024-monitoring.docx"
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def sample_processed():
    return process.process_file(str(SAMPLE_PDF))


@pytest.fixture
def db(tmp_path, sample_processed) -> str:
    """A store with the xindu PDF as read, and three hand-made reports: one with an error and
    hostile text, one with warnings, one reviewed."""
    path = str(tmp_path / "r.duckdb")
    with store.open_store(path) as con:
        store.write(con, sample_processed.records, sample_processed.file)
        hostile = seed_records("1111111111111111", f"in/{HOSTILE}.pdf")
        hostile = dataclasses.replace(
            hostile, report=dataclasses.replace(hostile.report, title=HOSTILE, agency="甲区总工会", fiscal_year=2022),
            indicators=(dataclasses.replace(hostile.indicators[0], indicator=HOSTILE),) + hostile.indicators[1:],
            problems=(Problem("x.pdf", "error", "stage_failed", HOSTILE, "check"),))
        store.write(con, hostile)
        warned = seed_records("2222222222222222", "in/warned.pdf")
        store.write(con, dataclasses.replace(warned, problems=tuple(
            Problem("warned.pdf", "warning", "low_confidence", "OCR", "normalize") for _ in range(2))))
        done = seed_records("3333333333333333", "in/done.pdf")
        store.write(con, dataclasses.replace(done, problems=(Problem("d.pdf", "error", "stage_failed", "x", "check"),)))
        store.correct(con, Correction("3333333333333333", "document", "review", None, "reviewed", None, "me",
                                      datetime(2024, 5, 1)))
    return path


@pytest.fixture
def client(db):
    app = create_app(db, reviewer="审核员")
    with app.test_client() as client:
        yield client


def token(client, url: str = "/") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sample_id(client) -> str:
    return re.search(r'/doc/([0-9a-f]{16})">xindu', client.get("/").get_data(as_text=True)).group(1)


# --- the queue -------------------------------------------------------------------------------------

def test_the_queue_puts_errors_first_and_reviewed_files_last(db):
    with store.open_store(db, read_only=True) as con:
        entries = queries.queue(con)
    order = [e.report_id for e in entries]
    assert order[0] == "1111111111111111"  # an error
    assert order[1] == "2222222222222222"  # two low-confidence warnings
    assert order[-1] == "3333333333333333"  # reviewed, error or not
    assert entries[-1].state == "reviewed"
    assert entries[1].reasons == ["2 low OCR confidence"]


@pytest.mark.parametrize("query, expected", [
    ("agency=甲区总工会", ["1111111111111111"]),
    ("year=2022", ["1111111111111111"]),
    ("code=low_confidence", ["2222222222222222"]),
    ("state=reviewed", ["3333333333333333"]),
])
def test_the_queue_filters(client, query, expected):
    page = client.get(f"/?{query}").get_data(as_text=True)
    assert re.findall(r'data-href="/doc/([0-9a-f]{16})"', page) == expected


def test_the_queue_escapes_what_documents_say(client):
    page = client.get("/").get_data(as_text=True)
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


# --- a document ------------------------------------------------------------------------------------

def test_a_document_page_outlines_the_selected_rows_cells(client):
    report_id = sample_id(client)
    page = client.get(f"/doc/{report_id}?row=1-1").get_data(as_text=True)
    assert f'src="/doc/{report_id}/page/4.png"' in page  # the page row 1 stands on
    selected = re.findall(r'<rect class="cell [a-z ]*selected" data-key="1-1" x="([\d.]+)" y="([\d.]+)"', page)
    assert len(selected) >= 4  # level 1, level 2, name, target … of row 1
    image = client.get(f"/doc/{report_id}/page/4.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_document_page_escapes_what_documents_say(client):
    page = client.get("/doc/1111111111111111").get_data(as_text=True)
    assert HOSTILE not in page and "</script><script>" not in page
    assert "&lt;script&gt;" in page
    data = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data  # JSON for the script: \u003c, never a tag


def test_pages_are_served_only_for_files_of_the_store(client):
    assert client.get("/doc/ffffffffffffffff/page/1.png").status_code == 404
    assert client.get("/doc/..%2F..%2Fetc%2Fpasswd/page/1.png").status_code == 404
    assert client.get("/doc/1111111111111111/page/1.png").status_code == 404  # in/… is not there
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/doc/1111111111111111").status_code == 200  # its rows, without the page


def test_a_changed_file_is_not_shown(tmp_path, sample_processed):
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(SAMPLE_PDF.read_bytes())
    processed = process.process_file(str(copy))
    db = str(tmp_path / "c.duckdb")
    with store.open_store(db) as con:
        store.write(con, processed.records, processed.file)
    copy.write_bytes(SAMPLE_PDF.read_bytes() + b"\n%changed")
    with create_app(db).test_client() as client:
        page = client.get(f"/doc/{processed.records.report_id}").get_data(as_text=True)
    assert "has changed since it was ingested" in page


def test_every_response_carries_the_content_security_policy(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_only_local_host_names_are_answered(client):
    assert client.get("/", headers={"Host": "attacker.example:8765"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200


# --- corrections through the forms ----------------------------------------------------------------

def test_a_post_without_the_sessions_csrf_token_is_refused(client):
    report_id = sample_id(client)
    form = {"target": "row", "table_no": "1", "row_no": "1", "column": "actual_raw", "new_value": "9"}
    assert client.post(f"/doc/{report_id}/correct", data=form).status_code == 403
    assert client.post(f"/doc/{report_id}/correct", data={**form, "csrf_token": "guess"}).status_code == 403


def test_a_value_corrected_through_the_form_is_stored_and_shown(client, db):
    report_id = sample_id(client)
    form = {"csrf_token": token(client), "target": "row", "table_no": "1", "row_no": "2", "column": "target_raw",
            "new_value": "≥6个", "note": "原件为6个", "page": "4"}
    response = client.post(f"/doc/{report_id}/correct", data=form)
    assert response.status_code == 302 and response.location.endswith("?row=1-2&page=4#row-1-2")
    page = client.get(response.location).get_data(as_text=True)
    assert "target_raw corrected" in page
    assert re.search(r'<tr id="row-1-2" class="row corrected', page)
    with store.open_store(db, read_only=True) as con:
        assert con.execute("SELECT reviewer, note, new_value FROM corrections WHERE report_id = ?",
                           [report_id]).fetchall() == [("审核员", "原件为6个", "≥6个")]


def test_a_wrong_value_is_refused_with_a_message(client):
    report_id = sample_id(client)
    form = {"csrf_token": token(client), "target": "row", "table_no": "1", "row_no": "2",
            "column": "actual_value", "new_value": "six"}
    page = client.post(f"/doc/{report_id}/correct", data=form, follow_redirects=True).get_data(as_text=True)
    assert "not saved: actual_value: &#39;six&#39; is not a number" in page


def test_rows_added_removed_and_the_document_reviewed(client, db):
    report_id = sample_id(client)
    csrf = token(client)
    client.post(f"/doc/{report_id}/add", data={"csrf_token": csrf, "table_no": "1", "indicator": "补录指标",
                                               "level1": "产出", "target_raw": "≥3次", "actual_raw": "2次"})
    client.post(f"/doc/{report_id}/not-indicator", data={"csrf_token": csrf, "table_no": "1", "row_no": "1"})
    client.post(f"/doc/{report_id}/review", data={"csrf_token": csrf, "state": "reviewed"})
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        moved = client.post("/reviewer", data={"csrf_token": csrf, "reviewer": "李四", "next": elsewhere})
        assert moved.location == "/"  # never sent off this app
    with store.open_store(db, read_only=True) as con:
        assert con.execute("SELECT target, \"column\", status FROM corrections WHERE report_id = ? ORDER BY correction_id",
                           [report_id]).fetchall() == [("row", "added", "applied"), ("row", "not_indicator", "applied"),
                                                       ("document", "review", "applied")]
        assert con.execute("SELECT count(*) FROM indicators WHERE report_id = ? AND indicator = '补录指标' AND corrected",
                           [report_id]).fetchone() == (1,)
    queue = client.get("/").get_data(as_text=True)
    assert 'value="李四"' in queue
    assert re.search(rf'class="entry state-reviewed" tabindex="0"\s+data-href="/doc/{report_id}"', queue)


@needs_soffice
def test_a_word_file_is_shown_as_its_pdf_with_its_cells(tmp_path):
    processed = process.process_file(str(SAMPLE_DOCX))
    db = str(tmp_path / "w.duckdb")
    with store.open_store(db) as con:
        store.write(con, processed.records, processed.file)
    with create_app(db).test_client() as client:
        page = client.get(f"/doc/{processed.records.report_id}?row=1-1").get_data(as_text=True)
    assert "Shown as the PDF LibreOffice makes of this Word file" in page
    assert len(re.findall(r'<rect class="cell [a-z ]*selected" data-key="1-1"', page)) >= 4


# --- the command ------------------------------------------------------------------------------------

def test_the_review_command_serves_on_127_0_0_1_until_interrupted(db):
    server = subprocess.Popen([sys.executable, str(ROOT / "pipeline.py"), "review", "--db", db, "--port", "0"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200 and "Files to review" in response.read().decode("utf-8")
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0 and "review stopped" in err


def test_the_review_command_needs_a_database(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "review", "--db", str(tmp_path / "none.duckdb")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("error: no database at")
