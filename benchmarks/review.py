"""How long the review takes to show a born-digital page with its cell boxes.

    python benchmarks/review.py [PDF ...]     # default: the sample PDFs

Each PDF is ingested into a fresh database; then, for every page that has indicator cells, the
document page (HTML: the rows, the cells as an SVG overlay and JSON) and the page image (PNG)
are requested through the app as a browser would, with an empty image cache (first view) and
again (cached). Prints the median and the slowest, in ms, and where the first view's time goes.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy

from perfreports.review import queries  # noqa: E402
from perfreports.review.app import create_app  # noqa: E402
from perfreports.review.pages import Pages, render_png  # noqa: E402
from perfreports.storage.store import open_store  # noqa: E402

BUDGET_MS = 300


def inputs(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    return sorted(p for p in (ROOT / "samples").glob("*.pdf") if not p.name.endswith(".scan.pdf"))


def ms(run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def measure(pdf: Path, folder: Path) -> list[dict]:
    db = str(folder / f"{pdf.stem}.duckdb")
    subprocess.run([sys.executable, str(ROOT / "pipeline.py"), "ingest", str(pdf), "--db", db, "--workers", "1"],
                   check=True, capture_output=True, cwd=ROOT)
    with open_store(db, read_only=True) as con:
        report_id = con.execute("SELECT report_id FROM reports").fetchone()[0]
        pages = [p for (p,) in con.execute("SELECT DISTINCT page FROM indicator_cells WHERE page IS NOT NULL "
                                           "ORDER BY page").fetchall()]
        source = queries.file_of(con, report_id)
    results = []
    for page in pages:
        app = create_app(db, pages=Pages(folder / "cache"))  # a fresh image cache: the first view of the page
        client = app.test_client()
        client.get("/")  # the session, as a browser coming from the queue has one
        html = ms(lambda: client.get(f"/doc/{report_id}?page={page}"))
        image = ms(lambda: client.get(f"/doc/{report_id}/page/{page}.png"))
        cached = ms(lambda: client.get(f"/doc/{report_id}?page={page}")) + ms(
            lambda: client.get(f"/doc/{report_id}/page/{page}.png"))
        sizes = app.extensions["review"].pages.page_set(source).sizes
        render = ms(lambda: render_png(Path(source.path), page, sizes[page - 1]))
        with open_store(db, read_only=True) as con:
            rows = ms(lambda: queries.document(con, report_id))
        results.append({"file": pdf.name, "page": page, "first": html + image, "html": html, "image": image,
                        "cached": cached, "render": render, "rows": rows})
    return results


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        results = [r for pdf in inputs(argv) for r in measure(pdf, Path(folder))]
    print(f"{'file':<36} {'page':>4} {'first view':>10} {'html':>7} {'png':>7} {'cached':>7}")
    for r in results:
        print(f"{r['file']:<36} {r['page']:>4} {r['first']:>10.1f} {r['html']:>7.1f} {r['image']:>7.1f} {r['cached']:>7.1f}")
    first = [r["first"] for r in results]
    print(f"\n{len(results)} born-digital pages with cells: first view (page HTML with its boxes + PNG) "
          f"median {statistics.median(first):.0f} ms, slowest {max(first):.0f} ms (budget {BUDGET_MS} ms); "
          f"cached median {statistics.median(r['cached'] for r in results):.0f} ms")
    print(f"of the first view: pypdfium2 render + PNG {statistics.median(r['render'] for r in results):.0f} ms, "
          f"the file's rows and cells from the store {statistics.median(r['rows'] for r in results):.0f} ms "
          "(median), the rest opening the store per request and the template")
    return 0 if max(first) < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
