"""Scanned pages (an image, no usable text layer) → the same `PageContent` a born-digital page gives.

    render_page → estimate_skew / deskew → ruling_edges → find_table_cells (as for born-digital
    PDFs) → OCR boxes → chars (in PDF points) → table cells and text lines

A page is rendered at 200 dpi, its tilt measured from the sharpness of its row profile (ruling
lines and text lines both make it peak when level) and undone, the ruling lines found by
morphology on the binarised image and handed to the same cell finder and grid code as the lines
drawn in a PDF. Each OCR box is spread into per-character boxes, so a cell gets exactly the
characters whose centres fall in it and prose lines are built by the same `chars_to_lines`.
Table cells keep the lowest OCR confidence of their text.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import regex

from perfreports.extract import ocr
from perfreports.extract.errors import ExtractError
from perfreports.extract.lines import TextLine
from perfreports.extract.page import PageContent, compose_page, find_table_cells, grid_of
from perfreports.extract.pdf_objects import PageObjects

DPI = 200
SCALE = DPI / 72  # pixels per point
MAX_SKEW = 3.0  # degrees searched either way
_UNUSABLE_SHARE = 0.5  # a text layer with at least this share of unmapped glyphs is not used


# ---- which pages --------------------------------------------------------------------------------

def needs_ocr(objects: PageObjects, has_images: bool) -> bool:
    """A page is read by OCR when it shows an image but has no text, or its text is mostly glyphs
    without a Unicode mapping (`(cid:…)`, private-use code points)."""
    chars = [c for c in objects.chars if not c["text"].isspace()]
    if not chars:
        return has_images
    return objects.unmapped_chars >= _UNUSABLE_SHARE * len(chars)


def has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


def pages_phrase(numbers: list[int], singular: str, plural: str) -> str:
    """`Page 4 was`, `Pages 1-7 were`: the pages and the verb that agrees with them."""
    if len(numbers) == 1:
        return f"Page {numbers[0]} {singular}"
    return f"Pages {page_ranges(numbers)} {plural}"


def page_ranges(numbers: list[int]) -> str:
    """`1-7, 9` for pages 1 to 7 and 9."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


# ---- image geometry -----------------------------------------------------------------------------

def render_page(page: pdfium.PdfPage) -> np.ndarray:
    """Grayscale pixels of the page at `DPI`."""
    return np.asarray(page.render(scale=SCALE, grayscale=True).to_pil().convert("L"))


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """255 where there is ink: Otsu's threshold, but never above 200 (a nearly blank page)."""
    import cv2

    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.where(gray < min(level, 200), 255, 0).astype(np.uint8)


def _profile_sharpness(mask: np.ndarray, angle: float) -> float:
    import cv2

    h, w = mask.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(gray: np.ndarray) -> float:
    """Degrees the page content is turned counter-clockwise (what `deskew` undoes).

    Rows of text and ruling lines give the sharpest row-sum profile when level: try angles
    coarse then fine on a quarter-size ink mask.
    """
    import cv2

    mask = ink_mask(gray)
    if not mask.any():
        return 0.0
    small = cv2.resize(mask, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.2)
    best = max(coarse, key=lambda a: _profile_sharpness(small, a))
    half = cv2.resize(mask, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    fine = np.arange(best - 0.2, best + 0.2 + 1e-9, 0.02)
    return -float(max(fine, key=lambda a: _profile_sharpness(half, a)))


def deskew(gray: np.ndarray, angle: float) -> np.ndarray:
    """The image turned back by `angle` degrees (white where the turn uncovers the border)."""
    import cv2

    if abs(angle) < 0.01:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def ruling_edges(gray: np.ndarray, scale: float = SCALE) -> list[dict]:
    """Horizontal and vertical ruling lines as pdfplumber-style edges, in points.

    Morphological opening with a long thin kernel keeps only runs of ink longer than any stroke
    of a character; a slight thickening across the line first bridges the one-pixel steps a
    residual tilt leaves.
    """
    import cv2

    mask = ink_mask(gray)
    edges = []
    for orientation, length, across in (("h", 25, (1, 3)), ("v", 15, (3, 1))):
        n = max(int(length * scale), 10)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if orientation == "h" else (1, n))
        thick = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, across[::-1]))
        lines = cv2.morphologyEx(thick, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if orientation == "h":
                middle = (y + h / 2) / scale
                edges.append(_edge("h", x / scale, (x + w) / scale, middle, middle))
            else:
                middle = (x + w / 2) / scale
                edges.append(_edge("v", middle, middle, y / scale, (y + h) / scale))
    return edges


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"orientation": orientation, "object_type": "line", "x0": x0, "x1": x1,
            "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top}


def table_grids(gray: np.ndarray) -> list:
    """The cell grid (`extract.page.Grid`, in points) of each ruled table on a level page image."""
    return [grid_of(cells) for cells in find_table_cells(ruling_edges(gray))]


# ---- OCR boxes → chars --------------------------------------------------------------------------

def _char_weight(char: str) -> float:
    return 0.55 if char.isascii() else 1.0


_SEPARATOR_READ_AS_POINT = regex.compile(r"(?<=\d)\.(?=\d{3}[.,])")


def repair_text(text: str) -> str:
    """Undo a confusion OCR makes and no number allows: a point followed by three digits and
    another separator is a thousands comma (`1,250.000.00` → `1,250,000.00`)."""
    return _SEPARATOR_READ_AS_POINT.sub(",", text)


def box_chars(box: ocr.OcrBox, scale: float = SCALE) -> list[dict]:
    """The box's text spread over its width as per-character boxes (in points), half-width for
    ASCII, each carrying the box's confidence."""
    text = repair_text("".join(box.text.split()))
    if not text:
        return []
    weights = [_char_weight(c) for c in text]
    total = sum(weights)
    width = (box.x1 - box.x0) / scale
    x, chars = box.x0 / scale, []
    top, bottom = box.top / scale, box.bottom / scale
    for char, weight in zip(text, weights):
        step = width * weight / total
        chars.append({"text": char, "x0": x, "x1": x + step, "top": top, "bottom": bottom,
                      "size": (bottom - top) * 0.85, "confidence": box.confidence})
        x += step
    return chars


def _snap_line_starts(lines: list[TextLine], tolerance: float = 2.0) -> list[TextLine]:
    """Lines starting within `tolerance` points of each other start at the same x (OCR boxes
    jitter by a point or two; the paragraph layout counts exact starts)."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].x0)
    groups: list[list[int]] = []
    for i in order:
        if groups and lines[i].x0 - lines[groups[-1][0]].x0 <= tolerance:
            groups[-1].append(i)
        else:
            groups.append([i])
    snapped = list(lines)
    for group in groups:
        x0 = float(np.median([lines[i].x0 for i in group]))
        for i in group:
            snapped[i] = replace(lines[i], x0=x0)
    return snapped


# ---- comparison signs ---------------------------------------------------------------------------

_MAY_START_WITH_SIGN = "0123456789≥≤<>=＜＞≧≦Zz"


def _in_any(box: ocr.OcrBox, grids, scale: float = SCALE) -> bool:
    cx, cy = (box.x0 + box.x1) / 2 / scale, (box.top + box.bottom) / 2 / scale
    return any(g.xs[0] <= cx <= g.xs[-1] and g.ys[0] <= cy <= g.ys[-1] for g in grids)


def check_sign(gray: np.ndarray, box: ocr.OcrBox) -> ocr.OcrBox:
    """The box with a ≥/≤ the recogniser misread (as `2`) or dropped put back.

    When the first glyph matches a sign's template, the rest of the box (right of the sign) is
    recognised again on its own, and the text becomes the sign plus that rest.
    """
    if not box.text or box.text[0] not in _MAY_START_WITH_SIGN:
        return box
    top, bottom = max(int(box.top), 0), min(int(np.ceil(box.bottom)), gray.shape[0])
    x0, x1 = max(int(box.x0), 0), min(int(np.ceil(box.x1)), gray.shape[1])
    crop = gray[top:bottom, x0:x1]
    if crop.size == 0:
        return box
    found = ocr.leading_sign(crop)
    if found is None:
        return box
    sign, _score, end = found
    if box.text[0] == sign:
        return box
    rest, confidence = ocr.read_line(np.pad(crop[:, end:], ((4, 4), (4, 4)), constant_values=255))
    if not rest:
        return box
    return replace(box, text=sign + rest.lstrip("≥≤<>=＜＞"), confidence=min(box.confidence, confidence))


# ---- one page -----------------------------------------------------------------------------------

def read_scanned_page(page: pdfium.PdfPage, number: int) -> PageContent:
    """The page's OCRed content, as `read_page` gives it for a page with a text layer."""
    _, height = page.get_size()
    gray = render_page(page)
    gray = deskew(gray, estimate_skew(gray))
    grids = table_grids(gray)
    boxes = [check_sign(gray, box) if _in_any(box, grids) else box for box in ocr.read_boxes(gray)]
    chars = [char for box in boxes for char in box_chars(box)]
    return compose_page(number, float(height), chars, grids, adjust_lines=_snap_line_starts)


def _read_pages_of(path: str, numbers: list[int]) -> dict:
    pdf = pdfium.PdfDocument(path)
    try:
        return {n: read_scanned_page(pdf[n - 1], n) for n in numbers}
    finally:
        pdf.close()


def read_scanned_pages(path: Path, numbers: list[int]) -> dict:
    """`read_scanned_page` of each page number, {number: PageContent}.

    In a main process with cores to spare the pages are OCRed in parallel worker processes; in a
    pipeline worker (which already runs one file per core) they are read one after the other.
    `ExtractError` (`no_text_layer`) when the OCR engine is not installed.
    """
    why_not = ocr.missing()
    if why_not is not None:
        raise ExtractError("no_text_layer", f"{pages_phrase(numbers, 'has', 'have')} no text layer "
                                            f"and cannot be read here: {why_not}.")
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, len(numbers))
    if workers < 2 or len(numbers) < 3 or multiprocessing.parent_process() is not None:
        return _read_pages_of(str(path), numbers)
    chunks = [numbers[i::workers] for i in range(workers)]
    # fork: spawn would re-run the caller's main module; the engine runs on one thread
    # (intra-op pool of one), so a forked copy of a loaded engine has no thread pool to hang on
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = pool.map(_read_pages_of, [str(path)] * workers, chunks)
        return {n: content for part in results for n, content in part.items()}
