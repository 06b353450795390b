"""Scanned pages (an image, no usable text layer) → the same `PageContent` a born-digital page gives.

    render_page → upright_page (seal out, lighting flat, lines of text found, page turned upright
    and levelled: scan_image.py) → ruling_edges → find_table_cells (as for born-digital PDFs)
    → OCR boxes → chars (in PDF points) → table cells and text lines

A page is rendered at 200 dpi and made ready (scan_image.py), the ruling lines found by
morphology on the binarised image and handed to the same cell finder and grid code as the lines
drawn in a PDF. Each OCR box is spread into per-character boxes, so a cell gets exactly the
characters whose centres fall in it and prose lines are built by the same `chars_to_lines`.
Table cells keep the lowest OCR confidence of their text.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import regex

from perfreports import cores
from perfreports.extract import ocr
from perfreports.extract.errors import ExtractError
from perfreports.extract.lines import TextLine
from perfreports.extract.page import PageContent, compose_page, find_table_cells, grid_of
from perfreports.extract.pdf_objects import PageObjects
from perfreports.extract.scan_image import (SCALE, deskew, deskew_quads, estimate_skew, flatten_lighting, ink_mask,
                                            lines_run_down, page_gray, render_page, turn, turn_quads,
                                            without_creases, without_faint_marks)
from perfreports.extract.scan_widths import settle_page_widths

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


# ---- ruling lines -------------------------------------------------------------------------------

_THICKEST_RULE = 4.0  # points; thicker straight runs of ink are no table's ruling lines
_STROKE_LINES = 2.5  # an upright run of ink no longer than this many lines of text may be a stroke


def ruling_edges(gray: np.ndarray, scale: float = SCALE) -> list[dict]:
    """Horizontal and vertical ruling lines as pdfplumber-style edges, in points.

    Morphological opening with a long thin kernel keeps only runs of ink longer than any stroke
    of a character; a slight thickening across the line first bridges the one-pixel steps a
    residual tilt leaves.
    """
    import cv2

    mask = ink_mask(gray) | _faint_lines(gray)
    edges = []
    for orientation, length, across in (("h", 25, (1, 3)), ("v", 15, (3, 1))):
        n = max(int(length * scale), 10)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if orientation == "h" else (1, n))
        thick = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, across[::-1]))
        lines = cv2.morphologyEx(thick, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if (h if orientation == "h" else w) > _THICKEST_RULE * scale:
                continue  # a band of shadow (a fold), a bar of black: not a ruling line
            if orientation == "h":
                middle = (y + h / 2) / scale
                edges.append(_edge("h", x / scale, (x + w) / scale, middle, middle))
            else:
                middle = (x + w / 2) / scale
                edges.append(_edge("v", middle, middle, y / scale, (y + h) / scale))
    return edges


_FAINT_RULE = 215  # a hairline border (a spreadsheet's) scans this light


def _faint_lines(gray: np.ndarray) -> np.ndarray:
    """Thin light grey lines away from the dark: a hairline rule scanned light grey. Thin: darker
    than the paper a few pixels either side (the edge of a fold's shadow is no line); away from
    the dark: the grey fringe of type taken with it, a line of text would run as long as a rule."""
    import cv2

    near_dark = cv2.dilate(ink_mask(gray), np.ones((5, 5), np.uint8))
    thin = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, np.ones((7, 7), np.uint8)) > 30
    return np.where((gray < _FAINT_RULE) & thin & (near_dark == 0), 255, 0).astype(np.uint8)


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"orientation": orientation, "object_type": "line", "x0": x0, "x1": x1,
            "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top}


def table_grids(gray: np.ndarray, quads: np.ndarray | None = None) -> list:
    """The cell grid (`extract.page.Grid`, in points) of each ruled table on a level page image.

    Strokes of type can line up like ruling lines: the stems of a bold header set on two lines
    (`指` over `标`), the strokes of a large title. An upright run of ink lying mostly within the
    lines of text found on the page (`quads`) is such a stroke, and a "table" lying within one line
    of text is type, not a table.
    """
    if quads is None or len(quads) == 0:
        return [grid_of(cells) for cells in find_table_cells(ruling_edges(gray))]
    lines = np.stack([quads[:, :, 0].min(1), quads[:, :, 1].min(1), quads[:, :, 0].max(1), quads[:, :, 1].max(1)], 1) / SCALE
    # a stroke spans a line or two of type; a rule usually runs on (where lines of text may
    # be found across it: a spreadsheet's cells set close to their borders)
    short = _STROKE_LINES * float(np.median(lines[:, 3] - lines[:, 1]))
    edges = [e for e in ruling_edges(gray)
             if not (e["orientation"] == "v" and e["bottom"] - e["top"] <= short and _mostly_in_text(e, lines))]
    grids = [grid_of(cells) for cells in find_table_cells(edges)]
    return [g for g in grids if not _within_a_line(g, lines)]


def _mostly_in_text(edge: dict, lines: np.ndarray, share: float = 0.6) -> bool:
    """Whether most of an upright edge runs inside lines of text (boxes in points)."""
    x, top, bottom = edge["x0"], edge["top"], edge["bottom"]
    across = (lines[:, 0] + 1 < x) & (x < lines[:, 2] - 1)
    inside = np.clip(np.minimum(lines[across, 3], bottom) - np.maximum(lines[across, 1], top), 0, None).sum()
    return inside >= share * (bottom - top)


def _within_a_line(grid, lines: np.ndarray, tolerance: float = 2.0) -> bool:
    x0, top, x1, bottom = grid.xs[0], grid.ys[0], grid.xs[-1], grid.ys[-1]
    return bool(((lines[:, 0] <= x0 + tolerance) & (lines[:, 1] <= top + tolerance)
                 & (lines[:, 2] >= x1 - tolerance) & (lines[:, 3] >= bottom - tolerance)).any())


# ---- OCR boxes → chars --------------------------------------------------------------------------

def _char_weight(char: str) -> float:
    return 0.55 if char.isascii() else 1.0


_SEPARATOR_READ_AS_POINT = regex.compile(r"(?<=\d)\.(?=\d{3}[.,])")
_SEPARATOR_READ_AS_SEMICOLON = regex.compile(r"(?<=\d)[;；](?=\d{3}(?!\d))")
_COLON_AFTER_SIGN = regex.compile(r"(?<=^[≥≤<>=])[:;：；](?=\d)")
# Chinese text sets brackets, commas, colons and semicolons full width (GB/T 15834); a scan does
# not show the width, and the recogniser mixes both (`产出指标(40分）`). Next to a Chinese
# character they are taken as full width; between digits (`15,000`) they stay as read.
_FULL_WIDTH = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}
_PUNCTUATION_BY_HAN = regex.compile(r"(?<=\p{Han})[(),:;]|[(),:;](?=\p{Han})")
_HALF_PAIRED_BRACKETS = regex.compile(r"\((?P<inside>[^()（）]*)）|（(?P<inside>[^()（）]*)\)")


def repair_text(text: str) -> str:
    """Undo confusions OCR makes and no number allows: a point followed by three digits and
    another separator is a thousands comma (`1,250.000.00` → `1,250,000.00`), so is a semicolon
    between digits (`15;000`); a colon between a leading sign and its number is the sign's bar
    read twice (`≥:90%`). Punctuation next to Chinese characters is made full width."""
    text = _SEPARATOR_READ_AS_POINT.sub(",", text)
    text = _SEPARATOR_READ_AS_SEMICOLON.sub(",", text)
    text = _COLON_AFTER_SIGN.sub("", text)
    return punctuation_widths(text)


def punctuation_widths(text: str) -> str:
    """Brackets, commas, colons and semicolons next to a Chinese character made full width, and a
    bracket paired with a full-width one (`(1）` → `（1）`); the text keeps its length."""
    text = _PUNCTUATION_BY_HAN.sub(lambda m: _FULL_WIDTH[m.group()], text)
    return _HALF_PAIRED_BRACKETS.sub(r"（\g<inside>）", text)


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

_SIGN_LIKE = "≥≤<>=＜＞≧≦＝》《«»"  # what the recogniser makes of a comparison sign
_MAY_START_WITH_SIGN = "0123456789Zz" + _SIGN_LIKE


def _quad_in_any(quad: np.ndarray, grids, scale: float = SCALE) -> bool:
    cx, cy = quad[:, 0].mean() / scale, quad[:, 1].mean() / scale
    return any(g.xs[0] <= cx <= g.xs[-1] and g.ys[0] <= cy <= g.ys[-1] for g in grids)


# ---- table cells, read one by one -----------------------------------------------------------------

_CELL_INSET = 4  # pixels kept clear of a cell's ruling lines
_LINE_GAP = 3  # ink rows closer than this (pixels) belong to one line of text
_MIN_LINE_HEIGHT = 6  # pixels: lower bands of ink are specks or bits of a ruling line
_PAD = 6  # white pixels around a line cut out for recognition
_TALL_LINE = 1.7  # a band this many times the page's median line height holds several lines
_THIN_BAND = 8  # pixels: a band of ink this low is part of a line next to it ...
_THIN_BAND_GAP = 8  # ... when this close to it
_GROWN_LINE = 1.25  # ... unless, one character a line, that makes the line this many characters tall


def cell_lines(mask: np.ndarray, box: tuple[float, float, float, float], scale: float = SCALE):
    """(x0, top, x1, bottom) in pixels of each line of text in a cell: the cell's ink (ruling
    lines kept out by an inset) cut into bands by its row profile."""
    x0, top, x1, bottom = (int(round(v * scale)) for v in box)
    x0, top, x1, bottom = x0 + _CELL_INSET, top + _CELL_INSET, x1 - _CELL_INSET, bottom - _CELL_INSET
    inside = mask[max(top, 0):max(bottom, 0), max(x0, 0):max(x1, 0)]
    if inside.size == 0:
        return []
    rows = np.nonzero(inside.any(axis=1))[0]
    bands: list[list[int]] = []
    for r in rows:
        if bands and r - bands[-1][1] <= _LINE_GAP:
            bands[-1][1] = r
        else:
            bands.append([r, r])
    lines = []
    character = _stacked_character_height(inside, bands)
    for first, last in _with_thin_characters(inside, _with_thin_bands_joined(bands, character), character):
        band = inside[first:last + 1]
        columns = np.nonzero(band.any(axis=0))[0]
        if last - first + 1 >= _MIN_LINE_HEIGHT and band.sum() >= 255 * 15:
            lines.append((x0 + columns[0], top + first, x0 + columns[-1] + 1, top + last + 1))
    return lines


def _stacked_character_height(inside: np.ndarray, bands: list[list[int]]) -> int | None:
    """The height of a character when the cell is set one character a line (`一级指标` down a
    narrow cell: at least two lines, none wider than 1.5 of its height); None otherwise."""
    tall = [b for b in bands if b[1] - b[0] + 1 >= _THIN_BAND]
    if len(tall) < 2 or any(_band_width(inside, b) > 1.5 * (b[1] - b[0] + 1) for b in tall):
        return None
    return int(np.median([b[1] - b[0] + 1 for b in tall]))


def _band_width(inside: np.ndarray, band: list[int]) -> int:
    return int(np.count_nonzero(inside[band[0]:band[1] + 1].any(axis=0)))


def _with_thin_characters(inside: np.ndarray, bands: list[list[int]], height: int | None) -> list[list[int]]:
    """In a cell set one character a line, the thin bands are characters of their own: the
    strokes of a `二` joined, a `一` given a character's `height`."""
    if height is None:
        return bands
    out: list[list[int]] = []
    for band in bands:
        thin = band[1] - band[0] + 1 < _THIN_BAND
        if thin and out and out[-1][1] - out[-1][0] + 1 < _THIN_BAND and band[1] - out[-1][0] < height:
            out[-1][1] = band[1]  # the next stroke of the same character
        else:
            out.append(list(band))
    for band in out:
        if band[1] - band[0] + 1 < _THIN_BAND and _band_width(inside, band) >= 0.6 * height:
            middle = (band[0] + band[1]) // 2
            band[0], band[1] = max(middle - height // 2, 0), min(middle + height // 2, inside.shape[0] - 1)
    return out


def _with_thin_bands_joined(bands: list[list[int]], character: int | None = None) -> list[list[int]]:
    """A thin band of ink close above or below a line belongs to it: the bar of a `≥` or `≤` set
    apart from its chevron, an underline, the dot of a full stop on the baseline — unless the
    cell is set one character a line and the line would grow taller than a `character`: then
    the band is a character of its own (the `一` of `一级指标`)."""
    joined = [list(b) for b in bands]
    tallest = _GROWN_LINE * character if character else np.inf
    i = 0
    while i < len(joined):
        first, last = joined[i]
        if last - first + 1 < _THIN_BAND:
            above = (i > 0 and first - joined[i - 1][1] <= _THIN_BAND_GAP
                     and last - joined[i - 1][0] + 1 <= tallest)
            below = (i + 1 < len(joined) and joined[i + 1][0] - last <= _THIN_BAND_GAP
                     and joined[i + 1][1] - first + 1 <= tallest)
            if above or below:
                j = i - 1 if above else i + 1
                joined[j] = [min(joined[j][0], first), max(joined[j][1], last)]
                del joined[i]
                continue
        i += 1
    return joined


def _with_tall_lines_split(mask: np.ndarray, lines: list[tuple[int, tuple]]) -> list[tuple[int, tuple]]:
    """Lines of a cell (cell index, box) set so close that no blank row parted them (a bold header
    on two lines: `一级指` over `标`), split where their ink is thinnest near each expected line
    break. The height of one line is the page's median band."""
    if not lines:
        return lines
    height = float(np.median([b - t for _cell, (_x0, t, _x1, b) in lines]))
    split = []
    for cell, (x0, top, x1, bottom) in lines:
        count = int(round((bottom - top) / height)) if height >= _MIN_LINE_HEIGHT else 1
        if count < 2 or bottom - top < _TALL_LINE * height:
            split.append((cell, (x0, top, x1, bottom)))
            continue
        profile = (mask[top:bottom, x0:x1] > 0).sum(axis=1)
        cuts = [top]
        for k in range(1, count):
            expected = int(k * (bottom - top) / count)
            low, high = max(expected - int(0.3 * height), 1), min(expected + int(0.3 * height), len(profile) - 1)
            cuts.append(top + low + int(np.argmin(profile[low:high + 1])))
        cuts.append(bottom)
        pieces = [_ink_rows(mask, x0, x1, first, last) for first, last in zip(cuts, cuts[1:])]
        if any(piece is None or piece[1] - piece[0] < 0.75 * height for piece in pieces):
            split.append((cell, (x0, top, x1, bottom)))  # a line and a mark under it, not two lines
            continue
        for first, last in pieces:
            columns = np.nonzero(mask[first:last, x0:x1].any(axis=0))[0]
            split.append((cell, (x0 + columns[0], first, x0 + columns[-1] + 1, last)))
    return split


def _ink_rows(mask: np.ndarray, x0: int, x1: int, first: int, last: int) -> tuple[int, int] | None:
    """The rows from the first to the last with ink between `first` and `last`, None if none."""
    rows = np.nonzero(mask[first:last, x0:x1].any(axis=1))[0]
    return (first + rows[0], first + rows[-1] + 1) if len(rows) else None


def cell_boxes(gray: np.ndarray, grids, mask: np.ndarray | None = None) -> list[ocr.OcrBox]:
    """OCR boxes of the text of every table cell, read cell by cell on the grid the ruling lines
    give: no line of text can run over a cell border, and a lone digit is not missed. All lines of
    the page are recognised in one batch."""
    if not grids:
        return []
    mask = text_ink(gray) if mask is None else mask
    cells = [box for grid in grids for box in grid.boxes]
    lines = _with_tall_lines_split(mask, [(i, line) for i, box in enumerate(cells) for line in cell_lines(mask, box)])
    h, w = gray.shape
    images = [np.pad(gray[max(t - 3, 0):min(b + 3, h), max(x0 - 4, 0):min(x1 + 4, w)], _PAD, constant_values=255)
              for _cell, (x0, t, x1, b) in lines]
    read = cell_punctuation(lines, _glyphs_read_with_the_line_before(lines, images, ocr.recognise(images)))
    boxes = [ocr.OcrBox(float(x0), float(t), float(x1), float(b), text, score)
             for (_cell, (x0, t, x1, b)), (text, score) in zip(lines, read)]
    # a lone glyph or short mark the recogniser cannot read may be a sign in a column of its own
    # (指标性质): `>=` in the Latin glyphs of a Song face, half as tall as its digits
    return [box for box in boxes if (box.text and box.confidence >= ocr.MIN_SCORE) or _lone_glyph(box)
            or _unread_mark(box)]


def _glyphs_read_with_the_line_before(lines, images, read):
    """A glyph wrapped onto a line of its own (`标` under `一级指`) read again set after the line
    before it in its cell: alone, the recogniser reads a character without context (`棕`)."""
    again = [k for k in range(1, len(lines)) if lines[k][0] == lines[k - 1][0] and read[k - 1][0]
             and images[k].shape[1] < ocr.GLYPH_RATIO * images[k].shape[0]]
    joined = ocr.recognise([_side_by_side(images[k - 1], images[k]) for k in again])
    read = list(read)
    for k, (text, score) in zip(again, joined):
        before, rest = read[k - 1][0], text[len(read[k - 1][0]):]
        if text.startswith(before) and _ONE_HAN.fullmatch(rest):  # a wrapped character, not a speck
            read[k] = (rest, score)
    return read


_ONE_HAN = regex.compile(r"\p{Han}")


def cell_punctuation(lines, read):
    """Punctuation widths settled over the whole text of each cell, not line by line: a bracket
    wrapped to the start of a line (`产出指标` / `(50分）`) is next to the Chinese before it."""
    read = list(read)
    by_cell: dict[int, list[int]] = {}
    for k, (cell, _box) in enumerate(lines):
        by_cell.setdefault(cell, []).append(k)
    for ks in by_cell.values():
        texts = ["".join(read[k][0].split()) for k in ks]
        settled = punctuation_widths("".join(texts))
        for k, text in zip(ks, texts):
            piece, settled = settled[:len(text)], settled[len(text):]
            if piece != text:
                read[k] = (piece, read[k][1])
    return read


def _side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    height = max(left.shape[0], right.shape[0])
    pad = lambda image: np.pad(image, ((0, height - image.shape[0]), (0, 0)), constant_values=255)  # noqa: E731
    return np.concatenate([pad(left), pad(right)], axis=1)


def _lone_glyph(box: ocr.OcrBox) -> bool:
    return box.x1 - box.x0 < ocr.GLYPH_RATIO * (box.bottom - box.top)


def _unread_mark(box: ocr.OcrBox) -> bool:
    """A short box read as nothing or as no digit nor Chinese character, unsurely: `>=`, `>`."""
    short = box.x1 - box.x0 <= _SHORT_MARK * (box.bottom - box.top)
    return short and box.confidence < 0.8 and not _READABLE.search(box.text)


_SHORT_MARK = 3.2  # width/height of a box that may hold two signs
_READABLE = regex.compile(r"[\p{Han}\d]")


def text_ink(gray: np.ndarray) -> np.ndarray:
    """The ink mask without ruling lines and specks."""
    import cv2

    mask = ink_mask(gray)
    longest_stroke = int(20 * SCALE)  # pixels: no stroke of a character at 14 pt runs this long
    for kernel in ((longest_stroke, 1), (1, longest_stroke)):
        lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        mask = cv2.subtract(mask, cv2.dilate(lines, np.ones((3, 3), np.uint8)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] < 6
    specks[0] = False
    mask[specks[labels]] = 0
    return mask


_LEAST_SIGN_SCORE = 0.4  # template correlation below which no sign is called
# a lone glyph read this unsurely is a mark (a fleck of a seal, a fold), not a character
_LEAST_GLYPH_SCORE = 0.5
_LEAST_INK = 12  # dark pixels right of a sign that make a rest worth reading


def check_sign(gray: np.ndarray, box: ocr.OcrBox) -> ocr.OcrBox:
    """The box with the comparison sign (≥ ≤ > < =) the recogniser misread or dropped put right.

    The first glyph is matched against the sign templates; when it is a sign other than the one
    read, the text becomes that sign and the rest of the box (right of the sign) recognised
    again on its own — a sign read as a digit (`≥` as `2`), as another sign (`≥` as `》`) or
    dropped (`>=` read `=`). A box read as starting with a sign needs less evidence.
    """
    if box.text[:2] in (">=", "<="):
        return box  # `>=` printed as two characters was read as such
    unread_glyph = (_lone_glyph(box) and (not box.text or box.confidence < 0.8)) or _unread_mark(box)  # `》`, `#`
    if not unread_glyph and (not box.text or box.text[0] not in _MAY_START_WITH_SIGN):
        return box
    # a margin, so that no stroke of the text touches the crop's edge, where only bits of
    # ruling lines are expected (the flat bar of a ≥ would be taken for one)
    top, bottom = max(int(box.top) - 3, 0), min(int(np.ceil(box.bottom)) + 3, gray.shape[0])
    x0, x1 = max(int(box.x0) - 2, 0), min(int(np.ceil(box.x1)) + 2, gray.shape[1])
    crop = gray[top:bottom, x0:x1]
    if crop.size == 0:
        return box
    read_as_sign = box.text[:1] in _SIGN_LIKE or unread_glyph
    found = ocr.leading_sign(crop, margin=0.0 if read_as_sign else ocr.SIGN_MARGIN)
    if found is None or found[1] < _LEAST_SIGN_SCORE or box.text[:1] == found[0]:
        return box
    if found[0] == "=" and _is_han(box.text[:1]) and box.confidence >= 0.5:
        return box  # the `二` of `二级指标` set one character a line, read fairly surely
    sign, score, end = found
    rest = crop[:, end:]
    if (rest < 128).sum() < _LEAST_INK:  # a cell holding the sign alone
        return replace(box, text=sign, confidence=max(box.confidence, score)) if read_as_sign else box
    text, confidence = ocr.read_line(np.pad(rest, ((4, 4), (4, 4)), constant_values=255))
    if sign in "<>" and text.startswith("="):
        sign += "="  # `>=` typed as two characters
    text = text.lstrip(_SIGN_LIKE + ":;：；")
    if not text:
        return replace(box, text=sign, confidence=max(box.confidence, score)) if read_as_sign else box
    return replace(box, text=sign + text, confidence=min(box.confidence, confidence))




# ---- one page -----------------------------------------------------------------------------------

def read_scanned_page(page: pdfium.PdfPage, number: int) -> PageContent:
    """The page's OCRed content, as `read_page` gives it for a page with a text layer (in the
    points of the page as turned upright)."""
    gray, quads = upright_page(render_page(page))
    grids = table_grids(gray, quads)
    prose = ocr.read_boxes(gray, np.array([q for q in quads if not _quad_in_any(q, grids)], np.float32))
    mask = text_ink(gray)
    cells = settle_page_widths(mask, [check_sign(gray, box) for box in cell_boxes(gray, grids, mask)])
    cells = [box for box in cells if _sure_enough(box)]
    chars = [char for box in prose + cells for char in box_chars(box)]
    return compose_page(number, gray.shape[0] / SCALE, chars, grids, adjust_lines=_snap_line_starts)


def _is_han(char: str) -> bool:
    return regex.fullmatch(r"\p{Han}", char) is not None


def _sure_enough(box: ocr.OcrBox) -> bool:
    least = _LEAST_GLYPH_SCORE if _lone_glyph(box) else ocr.MIN_SCORE
    return bool(box.text) and box.confidence >= least


def upright_page(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page prepared for reading (seal out, lighting flat), turned so its text reads left to
    right, levelled, fold creases and faint marks out; with the lines of text found on it."""
    gray = flatten_lighting(*page_gray(rgb))
    quads = ocr.detect_lines(gray)
    if lines_run_down(quads):
        gray = turn(gray, 1)  # 90° or 270°: a wrong guess reads upside down, settled next
        quads = ocr.detect_lines(gray)
    if ocr.upside_down(gray, quads):
        quads = turn_quads(quads, gray.shape)
        gray = turn(gray, 2)
    angle = estimate_skew(gray)
    gray, quads = deskew(gray, angle), deskew_quads(quads, gray.shape, angle)
    return without_faint_marks(without_creases(gray), quads), quads


def _read_pages_of(path: str, numbers: list[int]) -> dict:
    pdf = pdfium.PdfDocument(path)
    try:
        return {n: read_scanned_page(pdf[n - 1], n) for n in numbers}
    finally:
        pdf.close()


def read_scanned_pages(path: Path, numbers: list[int]) -> dict:
    """`read_scanned_page` of each page number, {number: PageContent}.

    In a main process with cores to spare the pages are OCRed in parallel worker processes; in a
    pipeline worker (which already runs one file per core) they are read one after the other,
    unless the batch has idle cores (its queue is empty): then the pages are shared with forked
    helpers on those cores. `ExtractError` (`no_text_layer`) when the OCR engine is not installed.
    """
    why_not = ocr.missing()
    if why_not is not None:
        raise ExtractError("no_text_layer", f"{pages_phrase(numbers, 'has', 'have')} no text layer "
                                            f"and cannot be read here: {why_not}.")
    if multiprocessing.parent_process() is not None:
        return _read_pages_in_a_worker(str(path), numbers)
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, len(numbers))
    if workers < 2 or len(numbers) < 3:
        return _read_pages_of(str(path), numbers)
    chunks = [numbers[i::workers] for i in range(workers)]
    # fork: spawn would re-run the caller's main module; the engine runs on one thread
    # (intra-op pool of one), so a forked copy of a loaded engine has no thread pool to hang on
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = pool.map(_read_pages_of, [str(path)] * workers, chunks)
        return {n: content for part in results for n, content in part.items()}


def _read_pages_in_a_worker(path: str, numbers: list[int]) -> dict:
    """The pages read in a batch worker: one after the other, and whenever the batch has idle
    cores (its queue is empty, another worker has finished) the pages left are shared with one
    forked helper per idle core (a worker process may not start multiprocessing children). A
    helper that fails leaves its pages to be read here, so no page is lost."""
    left, pages, helpers = list(numbers), {}, []
    try:
        while left:
            borrowed = cores.borrow_idle_cores(len(left) - 1)
            if borrowed:
                ocr.load()  # before forking: the helpers share the loaded engine
                shares = [left[i::borrowed + 1] for i in range(borrowed + 1)]
                helpers += [(share, _fork_reader(path, share)) for share in shares[1:]]
                left = shares[0]
            pages.update(_read_pages_of(path, [left.pop(0)]))
        for share, (pid, pipe) in helpers:
            with os.fdopen(pipe, "rb") as reader:
                data = reader.read()
            os.waitpid(pid, 0)
            pages.update(pickle.loads(data) if data else _read_pages_of(path, share))
        return pages
    finally:
        cores.return_cores(len(helpers))


def _fork_reader(path: str, numbers: list[int]) -> tuple[int, int]:
    """(pid, read end of its pipe) of a forked process reading `numbers`; it writes the pickled
    pages, or nothing when it fails."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: same process group, so a batch that kills the worker kills it too
        os.close(read_end)
        try:
            data = pickle.dumps(_read_pages_of(path, numbers))
            with os.fdopen(write_end, "wb") as writer:
                writer.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, read_end
