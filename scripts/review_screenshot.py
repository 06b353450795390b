"""The README's picture of the review's document page: a sample ingested into a fresh database,
the review served in a thread, Debian's Chromium driven by Playwright (nothing downloaded).

    python scripts/review_screenshot.py [--out docs/review-document.png] [--chromium /usr/bin/chromium]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "qingyunpu-2023-monitoring.pdf"
ROW = "4-2"  # 表4 “携手小康”就业重点群体技能培训: its cells on page 11


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "review-document.png"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from perfreports.review.server import running
    from perfreports.storage import store
    from perfreports.storage.corrections import Correction
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "review.duckdb")
        subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "ingest", str(SAMPLE), "--db", db,
                        "--workers", "1"], check=True, capture_output=True, cwd=ROOT)
        with store.open_store(db) as con:  # one corrected row, to show the colour of a correction
            report_id = con.execute("SELECT report_id FROM reports").fetchone()[0]
            store.correct(con, Correction(report_id, "row", "actual_raw", None, "=5次", "checked against page 11",
                                          "reviewer", datetime.now(), table_no=4, row_no=3))
        with running(db, reviewer="reviewer") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1500, "height": 900})
            page.goto(f"{url}/doc/{report_id}?row={ROW}")
            image = page.locator("#page-image")
            while not image.evaluate("img => img.complete && img.naturalWidth > 0"):  # CSP: no wait_for_function
                time.sleep(0.05)
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
