"""OCR engines: text boxes with a confidence from a page image, fully offline.

RapidOCR (PP-OCRv4 detection and recognition as ONNX models shipped inside the
`rapidocr-onnxruntime` wheel) reads every page; tesseract `chi_sim` was measured and not taken: it
drops every ≥/≤ and decimal point of the tables (docs/ocr.md). RapidOCR in turn reads the ≥ of
CJK fonts as a `2` or drops it on noisy scans, so the first glyph of a value is checked against
glyph templates shipped with the package (`leading_sign`). The engine is loaded once per process and kept.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np


# Boxes RapidOCR scores below this are dropped by its default (0.5); we keep them down to this
# and let the confidence travel with the text, so a doubtful value is flagged, not lost.
MIN_SCORE = 0.3


@dataclass(frozen=True)
class OcrBox:
    """A piece of text found on the image, in pixels of that image."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    confidence: float  # 0..1
    engine: str = "rapidocr"


INSTALL_HINT = "pip install '.[ocr]' (and on Debian apt-get install libgl1 libglib2.0-0)"


def missing() -> str | None:
    """Why pages without a text layer cannot be read here (the OCR engine or OpenCV cannot be
    imported), or None when they can."""
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as err:  # also OSError-like ImportErrors: libGL.so.1 missing for cv2
        return f"the OCR engine cannot be loaded ({err}); {INSTALL_HINT}"
    return None


@functools.cache
def _rapidocr():
    from rapidocr_onnxruntime import RapidOCR
    # one thread per process: pages and files run in parallel processes instead
    return RapidOCR(use_cls=False, text_score=MIN_SCORE, intra_op_num_threads=1, inter_op_num_threads=1)


def load() -> None:
    """Load the engine now (before forking helpers, which then share it)."""
    _rapidocr()


# Text is looked for on the page at half the resolution it is read at: the detector finds the
# lines of a 200 dpi page as well at 100 dpi in a fifth of the time; each line is then cut from
# the full-resolution page for recognition.
_DETECTION_SCALE = 0.5
# The recogniser pads every image to at least 320×48 pixels. A table cell holding `≥5人` is about
# 100 wide, so most of the work on a table page went into padding (measured: half of it); lines
# are padded to 96 only. A lone glyph (`元` wrapped onto a line of its own) keeps the padding: the
# recogniser reads it much more surely with it (measured: 元 0.97 at 320, π at 96).
_NARROWEST_LINE = 96  # pixels at the recogniser's height of 48
_NARROWEST_GLYPH = 320
GLYPH_RATIO = 1.6  # width/height below which an image holds one glyph
_LONG_LINE = 8  # width/height above which a line is squeezed
_LONG_LINE_SQUEEZE = 0.75


def _rgb(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image


def detect_lines(image: np.ndarray) -> np.ndarray:
    """Quadrilaterals (n × 4 × 2, pixels of `image`) around the lines of text on a grayscale page."""
    import cv2

    engine = _rapidocr()
    small = cv2.resize(image, None, fx=_DETECTION_SCALE, fy=_DETECTION_SCALE, interpolation=cv2.INTER_AREA)
    quads, _ = engine.text_det(_rgb(small))
    if quads is None or len(quads) == 0:
        return np.zeros((0, 4, 2), np.float32)
    return (np.asarray(quads, np.float32) / _DETECTION_SCALE).astype(np.float32)


def line_images(image: np.ndarray, quads: np.ndarray) -> list[np.ndarray]:
    return _rapidocr().get_crop_img_list(_rgb(image), quads) if len(quads) else []


def recognise(images: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence of each image of one line of text (recognition only)."""
    glyphs = [i for i, image in enumerate(images) if image.shape[1] < GLYPH_RATIO * image.shape[0]]
    lines = sorted(set(range(len(images))) - set(glyphs))
    results: dict[int, tuple[str, float]] = {}
    for group, narrowest in ((glyphs, _NARROWEST_GLYPH), (lines, _NARROWEST_LINE)):
        if group:
            recogniser = _rapidocr().text_rec
            recogniser.rec_image_shape = [3, 48, narrowest]
            found, _ = recogniser([_rgb(_narrowed(images[i])) for i in group])
            results.update(zip(group, found))
    return [(results[i][0].strip(), float(results[i][1])) for i in range(len(images))]


def _narrowed(image: np.ndarray) -> np.ndarray:
    """A long line squeezed to 3/4 of its width: the recogniser's work grows with the width, and
    square CJK glyphs are read as well a quarter narrower (measured on the scanned samples: the
    same numbers, a third less time; at 0.6 digits start to merge). Short lines are left as they are."""
    import cv2

    h, w = image.shape[:2]
    if w <= _LONG_LINE * h:
        return image
    return cv2.resize(image, (int(w * _LONG_LINE_SQUEEZE), h), interpolation=cv2.INTER_AREA)


def read_boxes(image: np.ndarray, quads: np.ndarray | None = None) -> list[OcrBox]:
    """Text boxes of a grayscale page image, top to bottom (lines found by `detect_lines` unless given)."""
    quads = detect_lines(image) if quads is None else quads
    boxes = []
    for quad, (text, score) in zip(quads, recognise(line_images(image, quads))):
        if text and score >= MIN_SCORE:
            xs, ys = quad[:, 0], quad[:, 1]
            boxes.append(OcrBox(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), text, score))
    boxes.sort(key=lambda b: (b.top, b.x0))
    return boxes


_ORIENTATION_SAMPLE = 12  # the longest lines of a page asked which way up they are


def upside_down(image: np.ndarray, quads: np.ndarray) -> bool:
    """Whether the page's lines of text read upside down: most of its longest lines are
    classed as turned by 180° (the classifier shipped with the engine, made for this)."""
    if len(quads) == 0:
        return False
    widths = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    longest = quads[np.argsort(-widths)[:_ORIENTATION_SAMPLE]]
    _, labels, _ = _rapidocr().text_cls(line_images(image, longest))
    turned = sum(1 for label, score in labels if label == "180" and score > 0.8)
    return turned > len(labels) / 2


# ---- comparison signs ---------------------------------------------------------------------------
# The recognition model reads the ≥ of common CJK fonts (a chevron over a slanted bar) as a `2`
# or drops it when the scan is a little noisy. The first glyph of a value is therefore checked
# against glyph templates of ≥, ≤ and the digits. The templates ship with the package
# (data/sign_templates.npz, made by scripts/make_sign_templates.py), so the check gives the same
# answer on every machine, whatever fonts it has.

_SIGNS = "≥≤><="
TEMPLATES_FILE = Path(__file__).with_name("data") / "sign_templates.npz"
_GLYPH = 24  # templates and candidates are compared as 24×24 squares
SIGN_MARGIN = 0.05  # a sign must match this much better than the best digit


def _normalised(mask: np.ndarray) -> np.ndarray | None:
    """The ink of a binary glyph image cropped, padded to a square (aspect kept), 24×24, zero-mean."""
    import cv2

    ys, xs = np.nonzero(mask)
    if len(xs) < 6:
        return None
    glyph = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    h, w = glyph.shape
    side = max(h, w)
    square = np.zeros((side, side), np.float32)
    square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = glyph
    small = cv2.resize(square, (_GLYPH, _GLYPH), interpolation=cv2.INTER_AREA)
    small -= small.mean()
    norm = np.linalg.norm(small)
    return small / norm if norm else None


@functools.cache
def _templates() -> tuple[np.ndarray, np.ndarray]:
    """(the character of each template, the templates as rows of a matrix)."""
    with np.load(TEMPLATES_FILE) as data:
        chars, packed = data["chars"], data["masks"]
    masks = np.unpackbits(packed, axis=-1).astype(bool)  # 96 columns: a whole number of bytes
    glyphs = [(str(char), _normalised(mask)) for char, mask in zip(chars, masks)]
    kept = [(char, glyph.ravel()) for char, glyph in glyphs if glyph is not None]
    matrix = np.array([glyph for _, glyph in kept], np.float32).reshape(-1, _GLYPH ** 2)
    return np.array([char for char, _ in kept]), matrix


def leading_sign(crop: np.ndarray, margin: float = SIGN_MARGIN) -> tuple[str, float, int] | None:
    """The comparison sign (≥ ≤ > < =, with its match score and the x where it ends) when the
    first glyph of a grayscale crop of one line of text is one; None for a digit or anything else.
    A sign must match `margin` better than the best digit.

    The first glyph's right edge is not known (a sign may touch the digit after it, a ≥ is
    drawn in pieces), so windows from 0.3 to 1.4 text heights wide are tried and the best match
    of any window counts (for a digit, of a window that does not cut across a stroke).
    """
    import cv2

    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(count, bool)
    for i in range(1, count):  # specks and bits of ruling lines at the crop's edge are not glyphs
        x, y, w, h, area = stats[i]
        at_edge_h = y == 0 or y + h == ink.shape[0]
        at_edge_v = x == 0 or x + w == ink.shape[1]
        thin_line = (w > 3 * h and h <= 3 and at_edge_h) or (h > 3 * w and w <= 3 and at_edge_v)
        keep[i] = area >= 10 and not thin_line
    ink = keep[labels]
    columns = np.nonzero(ink.any(axis=0))[0]
    rows = np.nonzero(ink.any(axis=1))[0]
    chars, templates = _templates()
    if len(columns) == 0 or not len(chars):
        return None
    height = rows.max() - rows.min() + 1
    start = columns[0]
    # a digit is whole: its window had better not end across thick ink (the left tip of a wide
    # ≥ looks like a 1) but where strokes part or barely touch
    across = ink.sum(axis=0)
    is_sign, is_digit = np.isin(chars, list(_SIGNS)), np.char.isdigit(chars)
    best_sign, best_digit, whole_digit = (-1.0, "", 0), -1.0, -1.0
    for width in np.linspace(0.3 * height, 1.4 * height, 23):
        end = start + max(int(round(width)), 2)
        glyph = _normalised(ink[:, start:end])
        if glyph is None:
            continue
        scores = templates @ glyph.ravel()
        top = int(np.argmax(np.where(is_sign, scores, -2.0)))
        if scores[top] > best_sign[0]:
            best_sign = (float(scores[top]), str(chars[top]), end)
        digit_score = float(scores[is_digit].max())
        best_digit = max(best_digit, digit_score)
        if not (end < len(across) and across[end - 1] > 3 and across[end] > 3):  # not cut across
            whole_digit = max(whole_digit, digit_score)
    score, sign, end = best_sign
    digit = whole_digit if whole_digit > -1.0 else best_digit
    if not sign or score <= digit + margin:
        return None
    if sign in _WITH_OR_WITHOUT_BAR:  # ≥ and > differ by a bar only: look for it, not at the scores
        # in the window, the strokes that begin in its first half: not the next digit's
        first = (keep & (stats[:, cv2.CC_STAT_LEFT] < (start + end) / 2))[labels]
        sign = _WITH_OR_WITHOUT_BAR[sign][_has_bar_below(first[:, start:end])]
    return sign, score, end


_BAR_RATIO = 1.3  # measured on whole glyphs: > and < 0.9-1.15; ≤ with a slanted bar touching its arm 1.65
_WITH_OR_WITHOUT_BAR = {"≥": {True: "≥", False: ">"}, ">": {True: "≥", False: ">"},
                        "≤": {True: "≤", False: "<"}, "<": {True: "≤", False: "<"}}


def _has_bar_below(glyph: np.ndarray) -> bool:
    """Whether the ink of a first glyph (a binary crop of its columns) has a bar under
    a chevron, as ≥ and ≤ have: a flat bar is a row near the bottom with ink across most of the
    glyph; a slanted one (⩾) leaves clearly more ink in the lower half than in the upper; and
    flat or slanted, a line down the middle of the glyph crosses three strokes (the two arms
    and the bar) where one down a > or < crosses two."""
    rows = np.nonzero(glyph.any(axis=1))[0]
    columns = np.nonzero(glyph.any(axis=0))[0]
    if len(rows) < 4:
        return False
    glyph = glyph[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]
    height, width = glyph.shape
    flat = any(_longest_run(row) >= 0.6 * width for row in glyph[int(0.75 * height):])
    middle = glyph[:, int(0.3 * width):int(0.7 * width) + 1].astype(np.int8)
    crossings = (np.diff(middle, axis=0, prepend=0) == 1).sum(axis=0)
    upper, lower = glyph[:height // 2].sum(), glyph[(height + 1) // 2:].sum()
    return flat or lower >= _BAR_RATIO * max(upper, 1) or float(np.median(crossings)) >= 3


def _longest_run(row: np.ndarray) -> int:
    longest = current = 0
    for filled in row:
        current = current + 1 if filled else 0
        longest = max(longest, current)
    return longest


def read_line(image: np.ndarray) -> tuple[str, float]:
    """Recognition only (no detection) of an image holding one line of text."""
    [(text, score)] = recognise([image])
    return text, score
