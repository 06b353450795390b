"""Figures stage time per page, next to text extraction time per page, on the sample PDFs.

    python benchmarks/figures_speed.py [PDF ...]     # default: samples/*.pdf

The spaCy pipeline (jieba dictionary) is built once per process; that one-off cost is printed
separately and left out of the per-page figures.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import extract  # noqa: E402
from facts.figures import figure_rows  # noqa: E402
from facts.nlp import make_nlp  # noqa: E402

REPEAT = 5


def best_ms(run, repeat: int = REPEAT) -> float:
    """Median wall time of `run()` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(paths: list[Path]) -> None:
    start = time.perf_counter()
    make_nlp()
    print(f"pipeline build (once per process): {(time.perf_counter() - start) * 1000:.0f} ms")
    total_pages = total_extract = total_figures = 0.0
    for path in paths:
        document = extract(path)
        pages = document.pages or 1
        extract_ms = best_ms(lambda: extract(path))
        figures_ms = best_ms(lambda: figure_rows(document, "bench"))
        count = len(figure_rows(document, "bench"))
        total_pages += pages
        total_extract += extract_ms
        total_figures += figures_ms
        print(f"{path.name}: {pages} pages, {count} figures; text extraction {extract_ms / pages:.1f} ms/page, "
              f"figures {figures_ms / pages:.1f} ms/page")
    if total_pages:
        print(f"all samples: text extraction {total_extract / total_pages:.1f} ms/page, "
              f"figures stage {total_figures / total_pages:.1f} ms/page "
              f"({100 * total_figures / total_extract:.0f}% of extraction)")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or sorted((ROOT / "samples").glob("*.pdf")))
