"""Full or half width of the signs a scan shows only by their room: ％ or %, ＞ or >, ＜ or <, ＝ or =.

The recogniser reads both forms as the ASCII one, but the documents use both (`＞8所`, `>150篇`)
and the text is kept as printed. A full-width form has the advance of a Chinese character, twice
a digit's; a half-width one about a digit's. So the distance from the sign's centre to the
centre of the digit beside it, measured in digit advances (the distance between neighbouring
digits of the line, or of the page when the line has no two), is about 1 for a half-width > < =
and 1.5 for a full-width one, whatever the face draws. A half-width % is proportional and can
stand as far off as a full-width one, so it is told only by size: Song and Kai faces draw the
full-width forms larger (％ taller than a digit, ＞ as tall as one).
Each sign is found among the ink of its line (one glyph per column of ink for the digits and
signs before the first or after the last Chinese character); where the line does not allow
that, the text stays as read.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import regex

from perfreports.extract import ocr

_WIDE = {"%": "％", ">": "＞", "<": "＜", "=": "＝"}
_NARROW = {wide: narrow for narrow, wide in _WIDE.items()}
_HAN = regex.compile(r"\p{Han}")

# Centre to centre, in digit advances, from which a sign is full width. Not for %: a Latin face's
# proportional % beside its digits (Times, Arial: Word and LibreOffice set digits in the Western
# font) reaches 1.46, as far as a Hei face's ％ — only a ％ drawn taller than the digits tells.
_FULL_ADVANCE = {">": 1.2, "<": 1.2, "=": 1.2}
_TALLER = {"%": 1.2, ">": 0.85, "<": 0.85}  # digit heights from which a sign is drawn full width


def settle_page_widths(mask: np.ndarray, boxes: list[ocr.OcrBox]) -> list[ocr.OcrBox]:
    """`settle_widths` of every box of a page, a line with fewer than two digits measured by the
    page's digit advance (the median over all its boxes); each box's glyphs are found once."""
    placed = [_placed(mask, box) for box in boxes]
    steps = [step for text, glyphs in placed for step in _digit_steps(text, glyphs)]
    page_advance = float(np.median(steps)) if steps else None
    return [_settled(box, text, glyphs, page_advance) for box, (text, glyphs) in zip(boxes, placed)]


def settle_widths(mask: np.ndarray, box: ocr.OcrBox, page_advance: float | None = None) -> ocr.OcrBox:
    """The box with each %, >, <, = (or full-width form) made the width its ink shows; `mask` is
    the page's text ink (scan.text_ink), the box in its pixels."""
    return _settled(box, *_placed(mask, box), page_advance)


def _settled(box: ocr.OcrBox, text: str, glyphs: dict, page_advance: float | None) -> ocr.OcrBox:
    if not any(char in _WIDE or char in _NARROW for char in text):
        return box
    digits = {i: g for i, g in glyphs.items() if text[i].isdigit()}
    steps = _digit_steps(text, glyphs)
    advance = float(np.median(steps)) if steps else page_advance
    if not digits or not advance:
        return box
    chars = list(text)
    for i, glyph in glyphs.items():
        narrow = _NARROW.get(text[i], text[i])
        neighbour = next((j for j in (i + 1, i - 1) if j in digits), None)
        if narrow in _WIDE and neighbour is not None:
            wide = _is_wide(narrow, glyph, digits[neighbour], advance, digits)
            if wide is not None:
                chars[i] = _WIDE[narrow] if wide else narrow
    settled = "".join(chars)
    return box if settled == text else replace(box, text=settled)


def _placed(mask: np.ndarray, box: ocr.OcrBox) -> tuple[str, dict]:
    """The box's text without spaces and {char index: glyph} of the characters that can be placed."""
    text = "".join(box.text.split())
    if not any(char.isdigit() for char in text):
        return text, {}
    top, x0 = max(int(box.top), 0), max(int(box.x0), 0)
    crop = mask[top:int(np.ceil(box.bottom)) + 1, x0:int(np.ceil(box.x1)) + 1] > 0
    return text, _glyph_of_each_char(text, _column_glyphs(crop))


def _digit_steps(text: str, glyphs: dict) -> list[float]:
    return [_centre(glyphs[i + 1]) - _centre(glyphs[i]) for i in glyphs
            if i + 1 in glyphs and text[i].isdigit() and text[i + 1].isdigit()]


def _centre(glyph) -> float:
    return (glyph[0] + glyph[1]) / 2


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


def _is_wide(sign: str, glyph, digit, advance: float, digits: dict) -> bool | None:
    """Whether the sign's glyph is a full-width form; None when the digits give no measure."""
    heights = [g[3] - g[2] for g in digits.values()]
    height = float(np.median(heights))
    if height < 6 or max(heights) > 1.3 * min(heights) or glyph[3] - glyph[2] > 1.6 * height:
        return None  # specks, digits run together, or the sign ran into its neighbour
    if sign in _TALLER and glyph[3] - glyph[2] >= _TALLER[sign] * height:
        return True
    return sign in _FULL_ADVANCE and abs(_centre(glyph) - _centre(digit)) >= _FULL_ADVANCE[sign] * advance
