"""A scanned page made ready for reading: rendered, seal removed, lighting flattened, turned upright, levelled.

    render_page → page_gray (red seal out) → flatten_lighting → (scan.py: lines found, turned
    upright by lines_run_down / turn and the recogniser's 180° class) → estimate_skew / deskew
    → without_creases (a fold) → without_faint_marks (a seal on a grey page)

Archives scan government documents: set in Song/FangSong type, stamped with a red seal, lying a
little askew on the glass, a landscape table fed in sideways, one page darker than the next,
folded in two or three. Each
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
    r, g, b = cv2.split(rgb)
    red = cv2.subtract(r, cv2.max(g, b)) > 40
    if np.count_nonzero(red) < _RED_SHARE * red.size:
        return (0.299 * r + 0.587 * g + 0.114 * b).astype(np.uint8), None
    gray = r.copy()
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
    # a piece of a faint rule between two dark ones is short, but the rule runs on through them
    broad[np.unique(labels[_straight_lines((gray < 235).astype(np.uint8)) & (patches > 0)])] = False
    out = gray.copy()
    out[broad[labels]] = 255
    return out


def without_creases(gray: np.ndarray) -> np.ndarray:
    """The levelled page with the crease of each fold taken out.

    A fold leaves a thin dark line across the whole sheet, slightly slanted; found as a table's
    rule it splits the rows it crosses and is read as `I` or `1` beside the text. A crease runs
    from edge to edge of the sheet, through the margins a table's rules never reach, and cuts
    across the table's upright rules instead of ending at them. Its shading is divided out
    (`_without_crease`), so the type and the rules it runs over stay.
    """
    out = gray
    for across in (True, False):
        image = out if across else out.T
        for line, half in _creases(image):
            image = _without_crease(image, line, half)
        out = image if across else image.T
    return np.ascontiguousarray(out)


_CREASE_EDGE = 0.03  # a crease reaches into the page's margins: within this share of both edges
_CREASE_COVER = 0.75  # ... and is dark along at least this share of the width
_MOST_CREASES = 2  # per direction (a letter folded in three); more such lines are a table's rules
_CREASE_SLOPES = np.arange(-0.035, 0.0351, 0.002)  # ±2°, 0.5 px of drift across a quarter-size page
_DARKER_THAN_PAPER = 200
_CREASE_CORE = 170  # the crease's core; its shadow on one side (not always divided out) is lighter
_CREASE_MARGIN = 0.08  # share of the width on either side where the crease alone crosses the margin


def _creases(gray: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """(polyfit line row = f(column), half thickness) of each crease across the page."""
    found = []
    for offset, slope in _crease_candidates(gray):
        fitted = _fitted_crease(gray, offset, slope)
        if fitted is None or any(_same_line(fitted[0], line, gray.shape[1]) for line, _half in found):
            continue
        if not _ends_rules(gray, *fitted):
            found.append(fitted)
    return found if len(found) <= _MOST_CREASES else []


def _same_line(a: np.ndarray, b: np.ndarray, width: int) -> bool:
    return abs(np.polyval(a, width / 2) - np.polyval(b, width / 2)) < 8


def _crease_candidates(gray: np.ndarray) -> list[tuple[float, float]]:
    """(row at the page's middle column, slope) of each line dark across a quarter-size page
    from edge to edge: the best slope per place."""
    import cv2

    dark = (gray < _DARKER_THAN_PAPER).astype(np.uint8) * 255
    small = cv2.resize(dark, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA) > 20
    h, w = small.shape
    ys, xs = np.nonzero(small)
    edge = max(int(_CREASE_EDGE * w), 2)
    pad = int(np.ceil(_CREASE_SLOPES.max() * w / 2)) + 2
    best: dict[int, tuple[int, float]] = {}
    for slope in _CREASE_SLOPES:
        rows = np.round(ys - slope * (xs - w / 2)).astype(int) + pad
        hit = np.zeros((h + 2 * pad, w), bool)
        hit[rows, xs] = True
        band = hit[:-2] | hit[1:-1] | hit[2:]  # three small rows: 12 pixels
        reaches_edges = (band[:, :edge].mean(1) > 0.5) & (band[:, -edge:].mean(1) > 0.5)
        for row in np.nonzero((band.sum(1) >= _CREASE_COVER * w) & reaches_edges)[0]:
            score = int(band[row].sum())
            if score > best.get(row, (0, 0.0))[0]:
                best[row] = (score, float(slope))
    places: list[tuple[int, int, float]] = []  # the best of each run of neighbouring rows
    previous = None
    for row in sorted(best):
        score, slope = best[row]
        if previous is not None and row - previous <= 3:
            if score > places[-1][1]:
                places[-1] = (row, score, slope)
        else:
            places.append((row, score, slope))
        previous = row
    return [((row + 1 - pad) * 4 + 1.5, slope) for row, _score, slope in places]


def _fitted_crease(gray: np.ndarray, offset: float, slope: float, window: int = 12):
    """The crease near row `offset` (at the middle column) fitted at full size through the dark
    middles of its core in the columns where it runs alone (no type or upright rule across it):
    (line, half thickness of its core), or None."""
    h, w = gray.shape
    xs = np.arange(w)
    rows = np.round(offset + slope * (xs - w / 2)).astype(int)[None, :] + np.arange(-window, window + 1)[:, None]
    seen = np.where((rows >= 0) & (rows < h), gray[np.clip(rows, 0, h - 1), xs], 255).astype(np.int16)
    count = (seen < _CREASE_CORE).sum(0)
    alone = (count >= 1) & (count <= 8)
    if alone.sum() < 0.3 * w:
        return None
    # every dark middle of a column votes (a rule near the crease has one in some columns): the
    # line through most of them, tried over slopes near the candidate's
    middle = np.zeros_like(seen, bool)
    middle[1:-1] = (seen[1:-1] < _CREASE_CORE) & (seen[1:-1] <= seen[:-2]) & (seen[1:-1] <= seen[2:])
    middle[:, ~alone] = False
    at, x = np.nonzero(middle)
    y = rows[at, x]
    best = (0, 0.0, 0.0)
    for tried in slope + np.arange(-0.004, 0.0041, 0.0002):
        intercepts = np.round(y - tried * x).astype(int)
        low = intercepts.min()
        counts = np.convolve(np.bincount(intercepts - low), np.ones(3, int), mode="same")
        if counts.max() > best[0]:
            best = (int(counts.max()), float(tried), float(low + np.argmax(counts)))
    near = np.abs(y - (best[1] * x + best[2])) <= 1.5
    if np.unique(x[near]).size < 0.3 * w:
        return None
    x, y = x[near], y[near]
    core = np.clip(y[None, :] + np.arange(-3, 4)[:, None], 0, h - 1)
    darkness = 255.0 - gray[core, x]
    centre = (darkness * core).sum(0) / np.maximum(darkness.sum(0), 1.0)  # to a fraction of a pixel
    return np.polyfit(x, centre, 1), float(np.clip(np.median(count[alone]) / 2 + 1, 2, 5))


def _around(gray: np.ndarray, line: np.ndarray, half: float, margin: int):
    """The strip of rows holding the crease, `margin` more on each side: (top row, strip, the
    crease's centre row in the strip per column, its band as a mask)."""
    h, w = gray.shape
    centre = np.polyval(line, np.arange(w))
    top = max(int(centre.min() - half) - margin, 0)
    strip = gray[top:min(int(np.ceil(centre.max() + half)) + margin + 1, h)]
    centre = centre - top
    band = np.abs(np.arange(strip.shape[0])[:, None] - centre[None, :]) <= half
    return top, strip, centre, band


_LEAST_RULE_RUN = int(14 * SCALE)  # pixels: longer than any stroke of body type


def _upright_runs(strip: np.ndarray, band: np.ndarray) -> np.ndarray:
    """Long straight runs of ink down the page outside the crease's band."""
    import cv2

    ink = ((strip < _DARKER_THAN_PAPER) & ~band).astype(np.uint8)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((_LEAST_RULE_RUN, 1), np.uint8)).astype(bool)


def _sides(centre: np.ndarray, half: float, height: int, reach: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Rows just above and just below the band, per column (`reach` rows each)."""
    above = np.floor(centre - half).astype(int)[None, :] - np.arange(1, reach + 1)[:, None]
    below = np.ceil(centre + half).astype(int)[None, :] + np.arange(1, reach + 1)[:, None]
    return np.clip(above, 0, height - 1), np.clip(below, 0, height - 1)


def _ends_rules(gray: np.ndarray, line: np.ndarray, half: float) -> bool:
    """Whether upright rules end at the line rather than cross it: a table's border, no crease."""
    _top, strip, centre, band = _around(gray, line, half, _LEAST_RULE_RUN + 4)
    crossing, ending = _upright_rules(strip, band, centre, half)
    return _count_runs(ending) >= 2 and _count_runs(ending) > _count_runs(crossing)


def _upright_rules(strip: np.ndarray, band: np.ndarray, centre: np.ndarray, half: float):
    """Per column, whether an upright rule crosses the band (a long run on one side, ink right
    next to the band on the other) or ends at it (no ink on the other side)."""
    down = _upright_runs(strip, band)
    above, below = _sides(centre, half, strip.shape[0])
    columns = np.arange(strip.shape[1])
    ink = strip < _DARKER_THAN_PAPER
    run_above, run_below = down[above, columns].any(0), down[below, columns].any(0)
    ink_above, ink_below = ink[above, columns].any(0), ink[below, columns].any(0)
    crossing = (run_above & ink_below) | (run_below & ink_above)
    ending = (run_above & ~ink_below) | (run_below & ~ink_above)
    return crossing, ending


def _count_runs(flags: np.ndarray) -> int:
    return int(np.count_nonzero(np.diff(flags.astype(np.int8)) == 1) + flags[0])


def _without_crease(gray: np.ndarray, line: np.ndarray, half: float, reach: int = 24) -> np.ndarray:
    """The page with the crease's shading divided out: how much darker than paper the crease
    makes each distance from its centre line, measured where it crosses the margins, is what
    the paper was multiplied by; ink under it (type, a rule it runs along) stays as dark as it
    was."""
    import cv2

    h, w = gray.shape
    xs = np.arange(w, dtype=np.float32)
    centre = np.polyval(line, xs).astype(np.float32)
    steps = np.arange(-reach, reach + 0.01, 0.5, dtype=np.float32)
    rows = centre[None, :] + steps[:, None]
    seen = cv2.remap(gray, np.broadcast_to(xs, rows.shape).copy(), rows, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    # measured where the crease crosses the page's margins: a rule can run under it all across
    # a table, type crosses it
    margins = (xs < _CREASE_MARGIN * w) | (xs > (1 - _CREASE_MARGIN) * w)
    alone = ((seen < _CREASE_CORE).sum(0) <= 2 * 8) & margins
    if alone.sum() < 10:
        return gray
    shade = np.minimum(np.median(seen[:, alone], axis=1) / 255.0, 1.0)
    top, bottom = max(int(centre.min()) - reach, 0), min(int(np.ceil(centre.max())) + reach + 1, h)
    offsets = np.arange(top, bottom, dtype=np.float32)[:, None] - centre[None, :]
    factor = np.where(np.abs(offsets) <= reach, np.interp(offsets, steps, shade), 1.0)
    strip = gray[top:bottom]
    flat = np.clip(strip / np.maximum(factor, 0.2), 0, 255)
    # the core varies along the crease more than a division can follow: in it, what is no
    # darker than the crease gets is paper, darker is ink under it
    darkest = np.percentile(seen[np.abs(steps) <= half][:, alone].min(0), 20)
    flat[(np.abs(offsets) <= half) & (strip >= 0.8 * darkest)] = 255
    out = gray.copy()
    out[top:bottom] = flat.astype(np.uint8)
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


_DARK_SHARE = 0.35  # of the way from the darkest ink to paper: darker than this is type
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
