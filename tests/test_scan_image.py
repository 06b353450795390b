"""Page preparation for scans (extract/scan_image.py and the grid checks of extract/scan.py):
seals, lighting, folds, sideways and upside-down pages — on synthetic images, no OCR."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parts import missing

if missing("OCR engine"):
    pytest.skip(str(missing("OCR engine")), allow_module_level=True)
import cv2  # noqa: E402

from perfreports.extract import scan, scan_image  # noqa: E402

RED = (215, 35, 45)


def paper(height=600, width=800, colour=(250, 246, 232)) -> np.ndarray:
    return np.full((height, width, 3), colour, np.uint8)


def black_text(image: np.ndarray) -> np.ndarray:
    for top in range(80, image.shape[0] - 80, 50):  # lines of "characters", 24 px high
        for left in range(60, image.shape[1] - 60, 30):
            cv2.rectangle(image, (left, top), (left + 20, top + 24), (20, 20, 20), 3)
    return image


def stamped(image: np.ndarray, centre=(400, 300), radius=150) -> np.ndarray:
    """A red seal printed over the page: red ink multiplies what is under it (black stays black)."""
    seal = np.full_like(image, 255)
    cv2.circle(seal, centre, radius, RED, 9)
    cv2.circle(seal, centre, radius // 3, RED, -1)
    return (image.astype(np.uint16) * seal // 255).astype(np.uint8)


def test_a_red_seal_is_taken_out_and_the_type_under_it_stays():
    clean = black_text(paper())
    gray, seal = scan_image.page_gray(stamped(clean.copy()))
    page = scan_image.flatten_lighting(gray, seal)
    ink = cv2.cvtColor(clean, cv2.COLOR_RGB2GRAY) < 128
    under_seal = np.zeros(ink.shape, bool)
    cv2.circle(under_seal.view(np.uint8), (400, 300), 150, 1, 9)
    cv2.circle(under_seal.view(np.uint8), (400, 300), 50, 1, -1)
    assert (page[under_seal & ~ink] > 200).mean() > 0.97  # the seal is paper now
    assert (page[under_seal & ink] < 100).mean() > 0.9  # the characters it covered are not


def test_a_page_without_red_is_read_by_its_luminance():
    page = black_text(paper())
    gray, seal = scan_image.page_gray(page)
    assert seal is None
    assert np.array_equal(gray, cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) // 1) or abs(
        gray.astype(int) - cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)).max() <= 1


def test_uneven_lighting_and_a_fold_shadow_are_divided_out():
    page = black_text(paper(colour=(255, 255, 255)))[:, :, 0].astype(np.float32)
    xs = np.arange(page.shape[1])
    light = 0.55 + 0.45 * xs / xs[-1]  # dark on the left
    fold = 1 - 0.45 * np.exp(-((xs - 500) / 25.0) ** 2)  # a shadow band 60 px wide
    seen = (page * light * fold).astype(np.uint8)
    flat = scan_image.flatten_lighting(seen)
    blank_rows = flat[20:60]  # above the text
    assert blank_rows.min() > 200, "paper is paper everywhere"
    assert scan.ruling_edges(flat) == [] or all(e["orientation"] == "h" for e in scan.ruling_edges(flat))
    assert (flat[page < 100] < 128).mean() > 0.95  # and ink is ink


def test_a_thick_band_is_no_ruling_line_but_a_thin_line_is():
    image = np.full((800, 600), 255, np.uint8)
    image[:, 280:310] = 90  # a band of shadow 30 px wide, top to bottom
    cv2.line(image, (50, 400), (550, 400), 0, 3)
    edges = scan.ruling_edges(image)
    assert [e["orientation"] for e in edges] == ["h"]


def test_text_lines_running_down_the_page_mean_it_is_sideways():
    across = np.array([[[x, y], [x + 300, y], [x + 300, y + 30], [x, y + 30]]
                       for x in (100, 500) for y in range(100, 1000, 50)], np.float32)
    down = np.array([[[x, y], [x + 30, y], [x + 30, y + 300], [x, y + 300]]  # clockwise from top left
                     for y in (100, 500) for x in range(100, 1000, 50)], np.float32)
    assert not scan_image.lines_run_down(across)
    assert scan_image.lines_run_down(down)
    assert not scan_image.lines_run_down(np.zeros((0, 4, 2), np.float32))


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 700), st.floats(0, 500), st.floats(5, 90), st.floats(5, 90))
def test_quads_turned_twice_by_180_degrees_are_where_they_were(x, y, w, h):
    quad = np.array([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]], np.float32)
    once = scan_image.turn_quads(quad, (600, 800))
    assert once[0, 0, 0] == pytest.approx(800 - 1 - (x + w), abs=1e-3)
    assert once[0, 0, 1] == pytest.approx(600 - 1 - (y + h), abs=1e-3)
    assert np.allclose(scan_image.turn_quads(once, (600, 800)), quad, atol=1e-3)


def test_quads_follow_the_image_when_it_is_turned_and_levelled():
    image = np.full((600, 800), 255, np.uint8)
    cv2.rectangle(image, (500, 100), (520, 120), 0, -1)
    quad = np.array([[[500, 100], [520, 100], [520, 120], [500, 120]]], np.float32)
    turned = scan_image.turn(image, 2)
    ys, xs = np.nonzero(turned < 128)
    moved = scan_image.turn_quads(quad, image.shape)[0]
    assert (xs.min(), ys.min()) == pytest.approx((moved[:, 0].min(), moved[:, 1].min()), abs=1)
    level = scan_image.deskew(image, 2.0)
    ys, xs = np.nonzero(level < 128)
    centre = scan_image.deskew_quads(quad, image.shape, 2.0)[0].mean(axis=0)
    assert (xs.mean(), ys.mean()) == pytest.approx(tuple(centre), abs=1.5)


def test_the_strokes_of_large_type_inside_a_line_of_text_are_no_table():
    image = np.full((800, 1000), 255, np.uint8)
    for left in range(100, 700, 120):  # bold "characters" whose strokes cross like a grid
        cv2.rectangle(image, (left, 100), (left + 100, 190), 0, 6)
        cv2.line(image, (left + 50, 100), (left + 50, 190), 0, 6)
        cv2.line(image, (left, 145), (left + 100, 145), 0, 6)
    image = cv2.GaussianBlur(image, (3, 3), 0)  # scanned type has soft edges
    title = np.array([[[90, 92], [810, 92], [810, 198], [90, 198]]], np.float32)
    assert scan.table_grids(image) != []  # as ruling lines alone would have it
    assert scan.table_grids(image, title) == []


def quad(x0, top, x1, bottom) -> np.ndarray:
    """One line of text as the detector gives it."""
    return np.array([[[x0, top], [x1, top], [x1, bottom], [x0, bottom]]], np.float32)


def test_a_grey_seal_is_taken_out_and_type_and_hairlines_stay():
    """A red seal on a grey scan is mid-grey: its ring and star go, the black type under it and
    the thin grey hairline of a Song 一 (capped by a darker serif) stay."""
    page = np.full((600, 800), 255, np.uint8)
    for left in range(60, 740, 30):  # a line of type through the seal
        page[288:312, left:left + 20] = 25
    cv2.line(page, (300, 40), (330, 40), 150, 2)  # a hairline stroke ...
    page[37:44, 328:333] = 30  # ... ending in a dark serif
    ink = page < 128
    seal = np.full_like(page, 255)
    cv2.circle(seal, (400, 300), 150, 150, 5)
    cv2.circle(seal, (400, 300), 40, 150, -1)
    seen = np.minimum(page, seal)
    clean = scan_image.without_faint_marks(seen, quad(60, 288, 740, 312))
    away_from_type = cv2.dilate(ink.astype(np.uint8), np.ones((7, 7), np.uint8)) == 0
    assert (clean[(seal < 255) & away_from_type] == 255).mean() > 0.97  # the seal is paper now
    assert (clean[ink] == seen[ink]).all()  # the type under it is not touched
    assert (clean[39:42, 302:326] < 200).any(axis=0).all()  # the hairline is whole


def test_hairline_ruling_lines_are_no_faint_marks():
    """A table ruled with 0.25–0.3 pt lines shows them mid-grey at 200 dpi, blurred to 3 px by the
    scanner and JPEG: they bound the cells and stay, across the page and down it."""
    page = np.full((600, 800), 255, np.uint8)
    page[100:103, 50:750] = np.array([200, 150, 200], np.uint8)[:, None]  # a soft rule across ...
    page[50:550, 400:403] = np.array([200, 150, 200], np.uint8)[None, :]  # ... and one down the page
    page[300:330, 600:620] = 20  # some type
    for left in range(50, 750, 110):  # a dashed rule: a spreadsheet's hairline border, scanned
        page[500:503, left:left + 90] = np.array([200, 150, 200], np.uint8)[:, None]
    clean = scan_image.without_faint_marks(page, quad(600, 300, 620, 330))
    assert (clean[100:103, 50:750] == page[100:103, 50:750]).all()
    assert (clean[50:550, 400:403] == page[50:550, 400:403]).all()
    assert (clean[500:503] == page[500:503]).all()


def test_type_as_light_as_a_seal_stays():
    """A light face whose strokes JPEG turned mid-grey: no darker type on the page to tell a seal
    by, so nothing is taken (a dark table frame does not make the type faint)."""
    page = np.full((600, 800), 255, np.uint8)
    for top in (100, 200, 300):
        for left in range(60, 740, 30):
            page[top:top + 24, left:left + 20] = 160  # thick enough and big enough to be a "mark"
    page[40:46, 40:760] = 20  # the table's heavy frame
    lines = np.concatenate([quad(60, top, 740, top + 24) for top in (100, 200, 300)])
    assert (scan_image.without_faint_marks(page, lines) == page).all()


def ruled_table(height=1000, width=800, rows=(200, 300, 400, 500, 600), left=100, right=700) -> np.ndarray:
    """A white page with a table (rules 2 px) and a block of "type" in each cell."""
    page = np.full((height, width), 255, np.uint8)
    for y in rows:
        page[y:y + 2, left:right + 2] = 20
    for x in (left, (left + right) // 2, right):
        page[rows[0]:rows[-1] + 2, x:x + 2] = 20
    for top in rows[:-1]:
        for x0 in (left + 20, (left + right) // 2 + 20):
            for char in range(8):
                page[top + 35:top + 60, x0 + 30 * char:x0 + 30 * char + 22] = 30
                page[top + 40:top + 55, x0 + 30 * char + 4:x0 + 30 * char + 18] = 255  # a hollow glyph
    return page


def creased(page: np.ndarray, centre: float, slant_degrees: float, vertical: bool = False) -> np.ndarray:
    """The page with a fold's crease across it (down it): a dark core a few pixels wide, a soft
    shadow on one side, from edge to edge, slightly slanted — multiplying what is under it."""
    image = page.T if vertical else page
    h, w = image.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    d = y - (centre + (x - w / 2) * np.tan(np.radians(slant_degrees)))
    shade = 1 - 0.5 * np.exp(-d ** 2 / 2.5) - 0.25 * (d > 0) * np.exp(-d ** 2 / (2 * 12.0 ** 2))
    out = (image * np.clip(shade, 0, 1)).astype(np.uint8)
    return np.ascontiguousarray(out.T) if vertical else out


def row_count(page: np.ndarray) -> int:
    grids = scan.table_grids(page)
    return len(grids[0].slots) if len(grids) == 1 else -1


@pytest.mark.parametrize("centre, slant", [(352, 0.0), (302, 0.4), (450, -0.7)])
def test_a_fold_crease_is_taken_out_and_the_rules_and_type_under_it_stay(centre, slant):
    """The crease of a fold crosses the whole sheet: found as a rule it splits the rows it
    crosses. It goes; what it ran over (a rule nearly along it, the upright rules it crosses, type)
    stays as dark as before."""
    page = ruled_table()
    seen = creased(page, centre, slant)
    ink = page < 128
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert (seen[~near_ink] < 160).sum() > page.shape[1]  # the crease: as dark as type, across the page
    clean = scan_image.without_creases(seen)
    assert (clean[ink] < 128).mean() > 0.99
    assert (clean[~near_ink] > 200).mean() > 0.999  # the crease is paper
    assert row_count(clean) == row_count(page) == 4


def test_a_crease_down_a_page_goes_too():
    page = ruled_table()
    clean = scan_image.without_creases(creased(page, 250, 0.5, vertical=True))
    ink = page < 128
    assert (clean[ink] < 128).mean() > 0.99 and (clean[~ink] > 200).mean() > 0.995


def test_the_rules_of_a_table_reaching_the_edges_of_the_image_are_no_creases():
    """A table cropped tight: its rules run from edge to edge like a crease, but the upright rules
    end at its border and it has more than two of them."""
    page = ruled_table(width=604, left=1, right=601)
    assert (scan_image.without_creases(page) == page).all()
    bordered = ruled_table(width=604, left=1, right=601, rows=(200, 600))  # a frame alone
    assert (scan_image.without_creases(bordered) == bordered).all()


def test_a_short_piece_of_a_faint_rule_between_two_dark_ones_is_no_faint_mark():
    """A spreadsheet's hairline border between two rows drawn darker: the piece between them is
    short (and joined to a lighter stretch of one of them: no thin line), but the rule it
    belongs to runs on through them."""
    page = np.full((600, 800), 255, np.uint8)
    for y in (200, 250, 300):
        page[y:y + 2, 100:700] = 120  # darker rules, as dark as the type
    page[150:350, 400:402] = 160  # a faint upright rule crossing them
    page[150:350, 399] = 230
    page[150:350, 402] = 230  # its grey fringe
    page[249:253, 370:400] = 150  # a stretch of a dark rule scanned lighter, blurred: the piece is a T
    page[210:240, 150:170] = 20  # some type
    clean = scan_image.without_faint_marks(page, quad(150, 210, 170, 240))
    assert (clean[150:350, 400:402] == 160).all()


def test_light_hairline_rules_give_the_grid_but_the_edge_of_a_shadow_does_not():
    page = np.full((800, 700), 255, np.uint8)
    for y in (100, 200, 300, 400):
        page[y, 100:600] = 180  # hairline rules, 1 px, light grey
    for x in (100, 350, 600):
        page[100:401, x] = 180
    for top in (100, 200, 300):
        page[top + 40:top + 60, 150:300] = 30  # type
    xs = np.arange(700)
    shadow = (1 - 0.3 * (xs > 650)).astype(np.float32)  # a step of shadow down the page's edge
    seen = (page * shadow).astype(np.uint8)
    edges = scan.ruling_edges(seen)
    assert sorted(round(e["x0"] * scan.SCALE) for e in edges if e["orientation"] == "v") == [100, 350, 600]
    assert len([e for e in edges if e["orientation"] == "h"]) == 4


def test_a_grey_seal_on_a_page_whose_type_scanned_light_is_taken_out():
    """Uneven lighting and JPEG leave the type's cores at about 70, a seal's ring at about 150:
    the ring is still much lighter than the type and goes; the type stays."""
    page = np.full((600, 800), 255, np.uint8)
    for top in (100, 280, 460):
        for left in range(60, 740, 30):
            page[top:top + 24, left:left + 20] = 70
    seal = np.full_like(page, 255)
    cv2.circle(seal, (400, 300), 150, 150, 6)
    seen = np.minimum(page, seal)
    lines = np.concatenate([quad(60, top, 740, top + 24) for top in (100, 280, 460)])
    clean = scan_image.without_faint_marks(seen, lines)
    ink = page < 128
    away_from_type = cv2.dilate(ink.astype(np.uint8), np.ones((7, 7), np.uint8)) == 0
    assert (clean[(seal < 255) & away_from_type] == 255).mean() > 0.97
    assert (clean[ink] == seen[ink]).all()
