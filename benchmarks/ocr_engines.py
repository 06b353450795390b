"""OCR engines on the scanned seed (tests/data/scans/qingyunpu-2023-monitoring.scan.pdf): s/page, ≥/≤ signs
and numbers kept, characters right, against the born-digital PDF's text of the same pages.

    OMP_THREAD_LIMIT=1 python benchmarks/ocr_engines.py [PAGE ...]    # default: 3 prose + 6 table pages

Engines: tesseract 5 `chi_sim` (Debian package, command line, one thread), RapidOCR as it comes
(`rapidocr-onnxruntime`, one thread), and RapidOCR as extract/scan.py uses it (deskewed page, sign
check on values). Needs the `ocr` extra and `tesseract-ocr-chi-sim`.
"""
from __future__ import annotations

import difflib
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's package first, not some other installed copy

from perfreports.extract import ocr, scan, scan_image

SEED = ROOT / "samples" / "qingyunpu-2023-monitoring"
NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")
PAGES = [2, 3, 5, 7, 8, 9, 10, 11, 12]


def squash(text: str) -> str:
    return regex.sub(r"\s+", "", text)


def truth(number: int) -> str:
    with pdfium.PdfDocument(f"{SEED}.pdf") as pdf:
        return squash(pdf[number - 1].get_textpage().get_text_range())


def tesseract(gray: np.ndarray) -> str:
    import cv2

    png = cv2.imencode(".png", gray)[1].tobytes()
    run = subprocess.run(["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "6"], input=png,
                         capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"), check=True)
    return squash(run.stdout.decode())


def rapidocr(gray: np.ndarray) -> str:
    return squash("".join(b.text for b in ocr.read_boxes(gray)))


def pipeline(gray: np.ndarray) -> str:
    level = scan_image.deskew(gray, scan_image.estimate_skew(gray))
    grids = scan.table_grids(level)
    boxes = [scan.check_sign(level, b) if scan._in_any(b, grids) else b for b in ocr.read_boxes(level)]
    return squash(scan.repair_text("".join(b.text for b in boxes)))


def kept(want: list[str], got: list[str]) -> int:
    pool = list(got)
    n = 0
    for item in want:
        if item in pool:
            pool.remove(item)
            n += 1
    return n


def main(pages: list[int]) -> None:
    ocr.read_boxes(np.full((64, 64), 255, np.uint8))  # load the model outside the timing
    with pdfium.PdfDocument(ROOT / "tests" / "data" / "scans" / f"{SEED.name}.scan.pdf") as pdf:
        images = {n: scan_image.page_gray(scan_image.render_page(pdf[n - 1]))[0] for n in pages}
    print(f"pages {pages}")
    for name, engine in (("tesseract chi_sim", tesseract), ("rapidocr", rapidocr), ("rapidocr + scan.py", pipeline)):
        seconds = signs = signs_total = numbers = numbers_total = 0
        ratio = []
        for n in pages:
            want = truth(n)
            start = time.perf_counter()
            got = engine(images[n])
            seconds += time.perf_counter() - start
            signs_total += sum(want.count(s) for s in "≥≤")
            signs += min(sum(got.count(s) for s in "≥≤"), sum(want.count(s) for s in "≥≤"))
            want_numbers = NUMBER.findall(want)
            numbers_total += len(want_numbers)
            numbers += kept(want_numbers, NUMBER.findall(got))
            ratio.append(difflib.SequenceMatcher(None, want, got, autojunk=False).ratio())
        print(f"{name:20} {seconds / len(pages):5.2f} s/page  signs {signs}/{signs_total}  "
              f"numbers {numbers}/{numbers_total}  character ratio {np.mean(ratio):.3f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or PAGES)
