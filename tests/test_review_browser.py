"""The review workbench in a real browser: Playwright (the Python package only) driving Debian's
Chromium — nothing is downloaded. A sample is ingested into a fresh database, the review is
served on a free port of 127.0.0.1, and a reviewer goes through it as a person would."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parts import missing

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "qingyunpu-2023-monitoring.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytest.importorskip("flask", reason="the review needs Flask: pip install -e '.[review]'")
pytest.importorskip("playwright.sync_api", reason="Playwright (the Python package) is not installed: "
                                                  "pip install -e '.[test]' (its own browsers are never downloaded)")
if missing("Chromium") or not Path(CHROMIUM).exists():
    pytest.skip(f"{missing('Chromium') or 'Chromium is not installed'}: the browser tests drive Debian's chromium",
                allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from perfreports.review.server import running  # noqa: E402

ROW = "4-2"  # 表4 row 2, “携手小康”就业重点群体技能培训(人): =183人 on page 11


def pipeline(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(ROOT / "pipeline.py"), *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "review.duckdb")
    pipeline("ingest", str(SAMPLE), "--db", path, "--workers", "1")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def wait_for_image(page, seconds: float = 10) -> None:
    """Until the page image has loaded (polled from here: the app's CSP forbids the eval that
    `page.wait_for_function` uses)."""
    image = page.locator("#page-image")
    deadline = time.monotonic() + seconds
    while not image.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the page image did not load"
        time.sleep(0.05)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_correction_made_in_the_browser_survives_a_forced_reingest_and_is_exported(db, browser, tmp_path):
    with running(db, reviewer="审核员") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        # the queue
        page.goto(url)
        expect(page.locator("table.queue tr.entry")).to_have_count(1)
        page.get_by_role("link", name="qingyunpu-2023-monitoring.pdf").click()
        page.wait_for_url("**/doc/**")
        page.wait_for_load_state("load")  # its script listens from here on
        # the document: click a row, see its cells on the page image
        expect(page.locator("#page-image")).to_be_visible()
        page.locator(f"tr#row-{ROW} td.name").click()
        expect(page.locator("#page-no")).to_have_text("11")
        expect(page.locator("#page-image")).to_have_attribute("src", "/" + page.url.split("/", 3)[3].split("?")[0]
                                                              + "/page/11.png")
        wait_for_image(page)
        boxes = page.locator(f"#boxes rect.selected[data-key='{ROW}']")
        expect(boxes).to_have_count(6)  # level 1, level 2 (merged cells, drawn once), name, target, stage target, actual
        image = page.locator("#page-image").bounding_box()
        for i in range(boxes.count()):
            box = boxes.nth(i).bounding_box()
            assert image["x"] <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"] + 1
            assert image["y"] <= box["y"] and box["y"] + box["height"] <= image["y"] + image["height"] + 1
        # correct the actual value
        expect(page.locator("#edit-value")).to_have_value("=183人")
        page.locator("#edit-value").fill("=185人")
        page.locator("#edit-note").fill("原件第11页为185人")
        page.locator("#save-correction").click()
        expect(page.locator(".flash.ok")).to_contain_text("actual_raw corrected")
        page.wait_for_load_state("load")
        expect(page.locator(f"tr#row-{ROW}")).to_have_class("row corrected selected")
        expect(page.locator(f"tr#row-{ROW} td.actual")).to_contain_text("=185人")
        expect(page.locator(f"#boxes rect.corrected[data-key='{ROW}']")).not_to_have_count(0)

        # the same file read again, the review still running
        pipeline("ingest", str(SAMPLE), "--db", db, "--force", "--workers", "1")
        page.reload()
        page.wait_for_load_state("load")
        expect(page.locator(f"tr#row-{ROW} td.actual")).to_contain_text("=185人")
        page.close()

    out = tmp_path / "export"
    pipeline("export", "--db", db, "--out", str(out))
    row = next(r for r in read_csv(out / "indicators.csv") if (r["table_no"], r["row_no"]) == ("4", "2"))
    assert (row["actual_raw"], row["actual_value"], row["corrected"]) == ("=185人", "185", "true")
    [correction] = read_csv(out / "corrections.csv")
    assert (correction["column"], correction["old_value"], correction["new_value"], correction["reviewer"],
            correction["status"]) == ("actual_raw", "=183人", "=185人", "审核员", "applied")
    assert len(read_csv(out / "indicator_cells.csv")) > 400


def test_keyboard_shortcuts_move_correct_and_mark_reviewed(db, browser):
    with running(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        page.wait_for_url("**/doc/**")
        page.wait_for_load_state("load")  # keys reach the page's script once it has loaded
        expect(page.locator("tr.row.selected")).to_have_count(1)
        first = page.locator("tr.row.selected").get_attribute("data-key")
        page.keyboard.press("j")
        expect(page.locator("tr.row.selected")).not_to_have_attribute("data-key", first)
        second = page.locator("tr.row.selected").get_attribute("data-key")
        page.keyboard.press("u")  # the unit of the actual, in the value field
        expect(page.locator("#edit-column")).to_have_value("actual_unit")
        expect(page.locator("#edit-value")).to_be_focused()
        page.keyboard.press("Control+a")
        page.keyboard.type("元")
        page.keyboard.press("Enter")
        expect(page.locator(".flash.ok")).to_contain_text("actual_unit corrected")
        page.wait_for_load_state("load")
        expect(page.locator(f"tr#row-{second}")).to_have_class("row corrected selected")
        page.keyboard.press("r")
        expect(page.locator("#review-state")).to_have_text("reviewed")
        page.keyboard.press("?")
        expect(page.locator("dialog#help")).to_be_visible()
        page.close()
