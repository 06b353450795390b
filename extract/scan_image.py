"""A scanned page made ready for reading: rendered, seal removed, lighting flattened, turned upright, levelled.

    render_page → page_gray (red seal out) → flatten_lighting → (scan.py: lines found, turned
    upright by lines_run_down / turn and the recogniser's 180° class) → estimate_skew / deskew
    → without_faint_marks (a seal on a grey page)

Archives scan government documents: set in Song/FangSong type, stamped with a red seal, lying a
little askew on the glass, a landscape table fed in sideways, one page darker than the next. Each
step removes one of these before any text is looked for; the 180° question is settled later, by
the text detector and the recogniser (scan.py): lines of text, not ruling lines, tell a sideways
page, and only reading tells upside-down text from upright.
"""
from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium

DPI = 200
SCALE = DPI / 72  # pixels per point
MAX_SKEW = 3.0  # degrees searched either way
_RED_SHARE = 0.002  # a page with at least this share of clearly red pixels carries a seal (or red ink)


def render_page(page: pdfium.PdfPage) -> np.ndarray:
    """RGB pixels of the page at `DPI`."""
    return np.asarray(page.render(scale=SCALE).to_pil().convert("RGB"))


def page_gray(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Grayscale of the page, and where red ink (a seal, a red stamp over a table) is to be taken
    out (None when the page has none).

    Seen through the red channel, black type stays black, also where a seal covers it, while red
    ink turns light; what is red or next to red and light in the red channel (the fringes JPEG
    leaves around red strokes) is then made paper.
    """
    import cv2

    if rgb.ndim == 2:
        return rgb, None
    r, g, b = (rgb[:, :, i].astype(np.int16) for i in range(3))
    red = (r - np.maximum(g, b)) > 40
    if red.mean() < _RED_SHARE:
        return (0.299 * r + 0.587 * g + 0.114 * b).astype(np.uint8), None
    gray = rgb[:, :, 0].copy()
    near_red = cv2.dilate(red.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    return gray, near_red & (gray > 110)  # black type tinted by the seal's red stays


def flatten_lighting(gray: np.ndarray, seal: np.ndarray | None = None) -> np.ndarray:
    """The page with its paper made evenly white: uneven lighting, a darker page, the shadow of a
    fold divided out, and the seal's pixels made paper. The paper's brightness is what a maximum
    filter wider than any stroke leaves, smoothed (seal pixels count as white paper: the type
    under a seal is measured against the paper around it)."""
    import cv2

    seen = gray if seal is None else np.where(seal, 255, gray).astype(np.uint8)
    small = cv2.resize(seen, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    # 5 pixels here are 20 at 200 dpi: wider than any stroke, narrower than a fold's shadow
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    paper = cv2.GaussianBlur(paper, (0, 0), 2)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = np.clip(gray.astype(np.float32) * 255.0 / np.maximum(paper.astype(np.float32), 1.0), 0, 255)
    if seal is not None:
        flat[seal] = 255
    return flat.astype(np.uint8)


def without_faint_marks(gray: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """The levelled page with broad marks lighter than the type made paper: a seal on a grey scan
    (a red seal turns mid-grey, the type under it stays black), stains. A fold's crease is a
    straight line and stays, like a rule.

    Mid-grey is also the edge of every stroke, the whole of a hairline (the thin 一 of a Song
    face) and of a table ruled in 0.25 pt lines, so only pixels away from dark ink, in patches at
    least 3 pixels thick and of some size, are taken, and no patch holding a long straight line
    (with the short rules joined to it) nor one shaped like a piece of a rule (a spreadsheet's
    hairline borders scan light and dashed): a seal's ring, star and lettering, not a hairline or a
    rule. A seal joined to faint rules stays; one over dark rules is cut into patches by them.
    How dark the type is comes from its lines of text (`quads`): the median of the darkest
    pixels of each line, so a light face (thin strokes JPEG turns grey) is not taken for a seal.
    """
    import cv2

    type_level = _type_level(gray, quads)
    if type_level is None:
        return gray
    dark = (gray < type_level + _DARK_SHARE * (255 - type_level)).astype(np.uint8)
    near_dark = cv2.dilate(dark, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))).astype(bool)
    faint = ((gray < 235) & ~near_dark).astype(np.uint8)
    patches = cv2.erode(faint, np.ones((3, 3), np.uint8))
    for _ in range(4):  # grown back to the faint pixels they belong to
        patches = cv2.dilate(patches, np.ones((3, 3), np.uint8)) & faint
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(patches, connectivity=8)
    narrow = np.minimum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    long_ = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    line_like = (narrow <= _THICKEST_RULE_PX + 2) & (long_ >= 4 * narrow)  # a piece of a dashed rule
    broad = (stats[:, cv2.CC_STAT_AREA] >= _LEAST_MARK_AREA) & ~line_like
    broad[0] = False  # the background
    broad[np.unique(labels[_straight_lines(patches)])] = False
    out = gray.copy()
    out[broad[labels]] = 255
    return out


def _type_level(gray: np.ndarray, quads: np.ndarray) -> float | None:
    """The grey of the cores of the type's strokes: per line of text the 2nd percentile of its
    pixels, the median of these; None without lines."""
    h, w = gray.shape
    cores = []
    for quad in quads:
        x0, y0 = (max(int(v), 0) for v in quad.min(axis=0))
        x1, y1 = min(int(quad[:, 0].max()) + 1, w), min(int(quad[:, 1].max()) + 1, h)
        if x1 - x0 > 4 and y1 - y0 > 4:
            cores.append(np.percentile(gray[y0:y1, x0:x1], 2))
    return float(np.median(cores)) if cores else None


def _straight_lines(mask: np.ndarray) -> np.ndarray:
    """Where `mask` runs thin and straight across or down the page for longer than a seal's ring
    runs straight (a table's rules; not the seal's filled star)."""
    import cv2

    lines = np.zeros_like(mask)
    for kernel in ((_SHORTEST_RULE, 1), (1, _SHORTEST_RULE)):
        lines |= cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    thick = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((_THICKEST_RULE_PX + 1,) * 2, np.uint8))
    return (lines & ~cv2.dilate(thick, np.ones((3, 3), np.uint8))).astype(bool)


_DARK_SHARE = 0.45  # of the way from the darkest ink to paper: darker than this is type
_LEAST_MARK_AREA = 150  # pixels at 200 dpi; a Song hairline leaves at most about 60
_THICKEST_RULE_PX = 6  # pixels: a 2 pt rule, blurred
_SHORTEST_RULE = int(40 * SCALE)  # pixels: the 6-pixel ring of a 42 mm seal runs straight for 90


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """255 where there is ink: Otsu's threshold, but never above 200 (a nearly blank page)."""
    import cv2

    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.where(gray < min(level, 200), 255, 0).astype(np.uint8)


def _profile_sharpness(mask: np.ndarray, angle: float = 0.0, axis: int = 1) -> float:
    import cv2

    if angle:
        h, w = mask.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        mask = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = mask.sum(axis=axis, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum()) / max(len(profile), 1)


def turn(image: np.ndarray, quarter_turns: int) -> np.ndarray:
    """The image turned clockwise by `quarter_turns` × 90°."""
    return np.ascontiguousarray(np.rot90(image, -quarter_turns % 4))


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


def lines_run_down(quads: np.ndarray) -> bool:
    """Whether the lines of text found (quadrilaterals) mostly run down the page: it was scanned
    turned by 90°. (Ruling lines make no such call: a table has long lines both ways.)"""
    if len(quads) == 0:
        return False
    across = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    down = np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1)
    return down[down >= 1.5 * across].sum() > across[across >= 1.5 * down].sum()


def turn_quads(quads: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Quadrilaterals found on an image of `shape`, moved to where they are once it is turned by 180°."""
    h, w = shape[:2]
    turned = quads.copy()
    turned[:, :, 0] = w - 1 - quads[:, :, 0]
    turned[:, :, 1] = h - 1 - quads[:, :, 1]
    return turned[:, [2, 3, 0, 1]]  # the top-left corner is still listed first


def deskew_quads(quads: np.ndarray, shape: tuple[int, int], angle: float) -> np.ndarray:
    """Quadrilaterals moved as `deskew(image, angle)` moves the image they were found on."""
    import cv2

    if abs(angle) < 0.01 or len(quads) == 0:
        return quads
    h, w = shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    points = np.concatenate([quads, np.ones((*quads.shape[:2], 1), np.float32)], axis=2)
    return (points @ matrix.T).astype(np.float32)
