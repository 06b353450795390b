"""Chars and ruling-line edges of a PDF page, read with pypdfium2.

pdfium parses a page about ten times faster than pdfminer (pdfplumber's parser), so every page is
read here; the table geometry then runs on pdfplumber's pure edge functions. Coordinates are
converted to pdfplumber's convention (points, origin top-left) so the rest of the stage does not
care where they came from.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_RULE_THICKNESS = 3.0  # points: a path thinner than this in one direction is a ruling line
_MIN_RULE_LENGTH = 3.0
# A char box lower than this share of the font size is the glyph's ink, not the line's height: it
# is widened to the line around the baseline (ascent share of the size above it).
_MIN_BOX_HEIGHT, _ASCENT = 0.6, 0.88
_BACKGROUND_SHARE = 0.3  # a filled path covering this share of the page is a background, not a cell


@dataclass(frozen=True)
class PageObjects:
    width: float
    height: float
    chars: list[dict]  # pdfplumber-style: text, x0, x1, top, bottom, size
    edges: list[dict]  # pdfplumber-style edges: orientation h/v, x0, x1, top, bottom
    unmapped_chars: int  # chars whose font has no Unicode mapping (text layer unusable)


def page_objects(page: pdfium.PdfPage) -> PageObjects:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars, unmapped = _chars(textpage, height)
    finally:
        textpage.close()
    return PageObjects(width=width, height=height, chars=chars, edges=_edges(page, height), unmapped_chars=unmapped)


def _chars(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[dict], int]:
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    per_index = len(text) == count  # else surrogate pairs: ask char by char
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    rect = pdfium_c.FS_RECTF()
    raw = textpage.raw
    chars, unmapped = [], 0
    for i in range(count):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        char = text[i] if per_index else chr(pdfium_c.FPDFText_GetUnicode(raw, i))
        if char in "\r\n":
            continue
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) or "\ue000" <= char <= "\uf8ff":
            unmapped += 1
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        top, bottom = rect.top, rect.bottom
        if top - bottom < _MIN_BOX_HEIGHT * size:
            # the box from the baseline: some fonts give each glyph its own ink box (一 is flat)
            pdfium_c.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y)
            top, bottom = origin_y.value + _ASCENT * size, origin_y.value - (1 - _ASCENT) * size
        chars.append({
            "text": char, "x0": rect.left, "x1": rect.right,
            "top": height - top, "bottom": height - bottom, "size": size,
        })
    return chars, unmapped


def _edges(page: pdfium.PdfPage, height: float) -> list[dict]:
    """Ruling lines as horizontal/vertical edges: thin path objects (a line, a hairline rectangle
    filled as a border), and the straight sides of other paths (a cell's rectangle, a table's
    outer box drawn as one path of four lines, a shaded header cell drawn without borders) — but
    for a fill covering much of the page (a background)."""
    edges = []
    width = page.get_width()
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        x0, y0, x1, y1 = obj.get_bounds()
        top, bottom = height - y1, height - y0
        if x1 - x0 >= _MIN_RULE_LENGTH and bottom - top <= _RULE_THICKNESS:
            middle = (top + bottom) / 2
            edges.append(_edge("h", x0, x1, middle, middle))
        elif bottom - top >= _MIN_RULE_LENGTH and x1 - x0 <= _RULE_THICKNESS:
            middle = (x0 + x1) / 2
            edges.append(_edge("v", middle, middle, top, bottom))
        elif x1 - x0 >= _MIN_RULE_LENGTH and bottom - top >= _MIN_RULE_LENGTH \
                and (x1 - x0) * (bottom - top) < _BACKGROUND_SHARE * width * height:
            edges += _segment_edges(obj, height)
    return edges


def _segment_edges(obj, height: float) -> list[dict]:
    """The horizontal and vertical straight segments of a path, in page coordinates."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj.raw, matrix)
    x, y = ctypes.c_float(), ctypes.c_float()
    edges, start, current = [], None, None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (matrix.a * x.value + matrix.c * y.value + matrix.e, matrix.b * x.value + matrix.d * y.value + matrix.f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            edges += _straight(current, point, height)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            edges += _straight(current, start, height)
            current = start
    return edges


def _straight(a: tuple[float, float], b: tuple[float, float], height: float) -> list[dict]:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) < 0.5 and abs(ax - bx) >= _MIN_RULE_LENGTH:
        return [_edge("h", min(ax, bx), max(ax, bx), height - ay, height - ay)]
    if abs(ax - bx) < 0.5 and abs(ay - by) >= _MIN_RULE_LENGTH:
        return [_edge("v", ax, ax, height - max(ay, by), height - min(ay, by))]
    return []


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "orientation": orientation, "object_type": "line",
        "x0": x0, "x1": x1, "top": top, "bottom": bottom,
        "width": x1 - x0, "height": bottom - top,
    }
