"""Full or half width of the signs a scan shows only by their room: ％ or %, ＞ or >, ＜ or <, ＝ or =.

The recogniser reads both forms as the ASCII one, but the documents use both (`＞8所`, `>150篇`)
and the text is kept as printed. A full-width form sits in a square the height of a Chinese
character, a half-width one in half of it, so on the page the full-width form is either drawn
larger than a digit beside it (Song and Kai faces: ％ twice a digit's width, ＞ as tall as a
digit) or drawn the same and set with wide margins (Hei faces: ％ five pixels from its number
where % is one). Each sign is found among the ink of its line (one glyph per column of ink for
the digits and signs before the first or after the last Chinese character) and measured
against the digits of the same line; where the line does not allow that, the text stays as read.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import regex

from perfreports.extract import ocr

_WIDE = {"%": "％", ">": "＞", "<": "＜", "=": "＝"}
_NARROW = {wide: narrow for narrow, wide in _WIDE.items()}
_HAN = regex.compile(r"\p{Han}")

_WIDER = 1.5  # a full-width form is at least this many digits wide (Song, Kai) ...
_TALLER = {"%": 1.2, ">": 0.85, "<": 0.85}  # ... or this many digits tall ...
_MARGIN = 0.2  # ... or set this many digit heights further from its number than digits are apart


def settle_widths(mask: np.ndarray, box: ocr.OcrBox) -> ocr.OcrBox:
    """The box with each %, >, <, = (or full-width form) made the width its ink shows; `mask` is
    the page's text ink (scan.text_ink), the box in its pixels."""
    text = "".join(box.text.split())
    if not any(char in _WIDE or char in _NARROW for char in text):
        return box
    top, x0 = max(int(box.top), 0), max(int(box.x0), 0)
    crop = mask[top:int(np.ceil(box.bottom)) + 1, x0:int(np.ceil(box.x1)) + 1] > 0
    glyphs = _glyph_of_each_char(text, _column_glyphs(crop))
    digits = {i: g for i, g in glyphs.items() if text[i].isdigit()}
    if not digits:
        return box
    chars = list(text)
    for i, glyph in glyphs.items():
        narrow = _NARROW.get(text[i], text[i])
        if narrow in _WIDE:
            wide = _is_wide(narrow, glyph, _neighbour_gap(i, glyphs, text), digits, text)
            if wide is not None:
                chars[i] = _WIDE[narrow] if wide else narrow
    settled = "".join(chars)
    return box if settled == text else replace(box, text=settled)


def _column_glyphs(crop: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(x0, x1, top, bottom) of each run of columns holding ink, left to right."""
    columns = np.concatenate([[False], crop.any(axis=0), [False]])
    edges = np.flatnonzero(columns[1:] != columns[:-1])
    glyphs = []
    for start, end in zip(edges[::2], edges[1::2]):
        rows = np.flatnonzero(crop[:, start:end].any(axis=1))
        glyphs.append((int(start), int(end), int(rows[0]), int(rows[-1]) + 1))
    return glyphs


def _glyph_of_each_char(text: str, glyphs: list) -> dict[int, tuple[int, int, int, int]]:
    """{char index: its glyph} for the characters before the first and after the last Chinese
    character (one glyph each); a line without Chinese must have one glyph per character."""
    han = [i for i, char in enumerate(text) if _HAN.match(char)]
    if not han:
        return dict(enumerate(glyphs)) if len(glyphs) == len(text) else {}
    placed = {i: glyphs[i] for i in range(min(han[0], len(glyphs)))}
    tail = len(text) - 1 - han[-1]
    if tail <= len(glyphs) - len(placed) - 1:
        placed.update({len(text) - k: glyphs[len(glyphs) - k] for k in range(1, tail + 1)})
    return placed


def _neighbour_gap(i: int, glyphs: dict, text: str) -> int | None:
    """White columns between the sign and the digit beside it (after a leading sign, before a
    trailing one)."""
    for j, before in ((i + 1, False), (i - 1, True)):
        if j in glyphs and text[j].isdigit():
            a, b = (glyphs[j], glyphs[i]) if before else (glyphs[i], glyphs[j])
            return b[0] - a[1]
    return None


def _is_wide(sign: str, glyph, gap: int | None, digits: dict, text: str) -> bool | None:
    """Whether the sign's glyph is a full-width form; None when the digits give no measure."""
    heights = [g[3] - g[2] for g in digits.values()]
    height = float(np.median(heights))
    if height < 6 or max(heights) > 1.3 * min(heights):
        return None  # specks or digits run together: no measure
    widths = [g[1] - g[0] for i, g in digits.items() if text[i] != "1"]  # a 1 is narrow
    width = float(np.median(widths)) if widths else None
    w, h = glyph[1] - glyph[0], glyph[3] - glyph[2]
    if h > 1.6 * height or (width and w > 3 * width):
        return None  # the sign ran into its neighbour
    if width and w >= _WIDER * width:
        return True
    if sign in _TALLER and h >= _TALLER[sign] * height:
        return True
    apart = _digit_spacing(digits, text)
    return gap is not None and gap - apart >= _MARGIN * height


def _digit_spacing(digits: dict, text: str) -> float:
    """Median white columns between neighbouring digits (1 when no two digits are neighbours)."""
    gaps = [digits[i + 1][0] - digits[i][1] for i in digits if i + 1 in digits]
    return float(np.median(gaps)) if gaps else 1.0
