"""Scanned PDFs: which pages need OCR, deskew, ruling lines → cell grid, signs, and the scanned
samples (tests/data/scans/*.scan.pdf, made by samples/make_scans.py) against the born-digital expected rows.

The scanned-sample tests OCR whole documents (≈2–6 s a page on one core) and need the `ocr`
extra; they are skipped when it is not installed. The seed's 18 pages run only with
PERFREPORTS_OCR_FULL=1; by default its six table pages are checked.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import numpy as np
import pytest

from perfreports.extract.model import Cell, Document, Paragraph, Table
from perfreports.extract.pdf_objects import PageObjects
from perfreports.extract.scan import cell_punctuation, needs_ocr, page_ranges, repair_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SCANS = ROOT / "tests" / "data" / "scans"
EXPECTED = SAMPLES / "expected"
SEED = "qingyunpu-2023-monitoring"

from parts import missing

if missing("OCR engine"):
    pytest.skip(str(missing("OCR engine")), allow_module_level=True)
import cv2  # noqa: E402


# --- which pages are OCRed -------------------------------------------------------------------

def objects(texts: str, unmapped: int = 0) -> PageObjects:
    chars = [{"text": t, "x0": 0, "x1": 1, "top": 0, "bottom": 1, "size": 10} for t in texts]
    return PageObjects(width=595, height=842, chars=chars, edges=[], unmapped_chars=unmapped)


def test_a_page_showing_an_image_without_chars_is_ocred():
    assert needs_ocr(objects(""), has_images=True)


def test_a_blank_page_is_not_ocred():
    assert not needs_ocr(objects(""), has_images=False)
    assert not needs_ocr(objects("   "), has_images=False)


def test_a_page_of_mostly_unmapped_glyphs_is_ocred():
    assert needs_ocr(objects("\ue001\ue002\ue003项目", unmapped=3), has_images=False)


def test_a_page_with_a_text_layer_is_not_ocred():
    assert not needs_ocr(objects("项目绩效运行监控报告", unmapped=1), has_images=True)


def test_page_ranges():
    assert page_ranges([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"


def test_a_thousands_comma_read_as_a_point_is_repaired():
    assert repair_text("1,250.000.00元") == "1,250,000.00元"
    assert repair_text("134.5368万元") == "134.5368万元"


def test_a_comma_read_as_a_semicolon_and_a_colon_after_a_sign_are_repaired():
    assert repair_text("≥15;000人") == "≥15,000人"
    assert repair_text("≥:90%") == "≥90%"
    assert repair_text("1;2345") == "1;2345"  # not a thousands group
    assert repair_text("时间：2023年") == "时间：2023年"  # a colon not after a sign stays


def test_punctuation_next_to_chinese_is_full_width_and_brackets_pair():
    assert repair_text("产出指标(40分）") == "产出指标（40分）"
    assert repair_text("加强制度建设,提高") == "加强制度建设，提高"
    assert repair_text("其中:财政拨款") == "其中：财政拨款"
    assert repair_text("(1)加强") == "（1）加强"
    assert repair_text("≥15,000人") == "≥15,000人"  # between digits: as read
    assert repair_text("(1)") == "(1)"


def test_punctuation_widths_are_settled_over_the_lines_of_a_cell():
    lines = [(0, None), (0, None), (1, None)]  # (cell, box): two lines of cell 0, one of cell 1
    read = [("产出指标", 0.9), ("(50分)", 0.8), ("(1)", 0.9)]
    assert cell_punctuation(lines, read) == [("产出指标", 0.9), ("（50分）", 0.8), ("(1)", 0.9)]


# --- image geometry --------------------------------------------------------------------------

def page_of_text_lines(width=1200, height=1600) -> np.ndarray:
    image = np.full((height, width), 255, np.uint8)
    for top in range(150, height - 150, 60):  # lines of "words"
        for left in range(150, width - 200, 90):
            cv2.rectangle(image, (left, top), (left + 70, top + 28), 0, -1)
    return image


def turned(image: np.ndarray, degrees: float) -> np.ndarray:
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


@pytest.mark.parametrize("degrees", [-1.7, -0.4, 0.0, 0.9, 2.0])
def test_skew_is_measured_and_undone(degrees):
    from perfreports.extract.scan_image import deskew, estimate_skew

    image = turned(page_of_text_lines(), degrees)
    angle = estimate_skew(image)
    assert abs(angle - degrees) <= 0.15  # 0.15° drifts 4 px over a 200 dpi A4 line: harmless
    assert abs(estimate_skew(deskew(image, angle))) <= 0.15


def ruled_table(scale: float) -> np.ndarray:
    """A 3×3 table at (100, 100)–(400, 250) points; the first row's first two cells are one."""
    image = np.full((int(842 * scale), int(595 * scale)), 255, np.uint8)
    px = lambda v: int(round(v * scale))  # noqa: E731
    for y in (100, 150, 200, 250):
        cv2.line(image, (px(100), px(y)), (px(400), px(y)), 0, 2)
    for x in (100, 400):
        cv2.line(image, (px(x), px(100)), (px(x), px(250)), 0, 2)
    cv2.line(image, (px(200), px(150)), (px(200), px(250)), 0, 2)  # not through the first row
    cv2.line(image, (px(300), px(100)), (px(300), px(250)), 0, 2)
    cv2.putText(image, "text", (px(310), px(130)), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    return image


def test_ruling_lines_give_the_cell_grid_with_spans():
    from perfreports.extract.scan import table_grids
    from perfreports.extract.scan_image import SCALE, deskew, estimate_skew

    image = turned(ruled_table(SCALE), 0.8)
    (grid,) = table_grids(deskew(image, estimate_skew(image)))
    assert [round(x) for x in grid.xs] == pytest.approx([100, 200, 300, 400], abs=2)
    assert [round(y) for y in grid.ys] == pytest.approx([100, 150, 200, 250], abs=2)
    assert grid.slots[0][0] == grid.slots[0][1] != grid.slots[0][2]  # the merged first cell
    assert len(set(grid.slots[1] + grid.slots[2])) == 6


NOTO_SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FACES = {"uming": "/usr/share/fonts/truetype/arphic/uming.ttc", "ukai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
         "wqy-zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "noto-serif": NOTO_SERIF}


def render_text(text: str, height_px: int = 30, font_file: str = NOTO_SERIF) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file, height_px)
    image = Image.new("L", (height_px * len(text) + 20, height_px + 16), 255)
    ImageDraw.Draw(image).text((6, 4), text, fill=0, font=font)
    return np.asarray(image)


@pytest.mark.skipif(not Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").exists(),
                    reason="fonts-noto-cjk not installed")
@pytest.mark.parametrize("text, sign", [("≥500人", "≥"), ("≤125万", "≤"), ("2500人", None),
                                        ("1,200人", None), ("100%", None), ("386,420.50元", None)])
def test_the_first_glyph_of_a_value_is_told_sign_or_digit(text, sign):
    from perfreports.extract.ocr import leading_sign

    found = leading_sign(render_text(text))
    assert (found[0] if found else None) == sign


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("text, sign", [("≥500人", "≥"), ("≤125万", "≤"), (">50人", ">"), ("<1%", "<")])
def test_a_sign_is_told_from_one_without_its_bar_in_the_song_kai_and_hei_faces(face, text, sign):
    from perfreports.extract.ocr import leading_sign

    if not Path(FACES[face]).exists():
        pytest.skip(f"{FACES[face]} not installed")
    found = leading_sign(render_text(text, font_file=FACES[face]))
    assert found is not None and found[0] == sign


@pytest.mark.skipif(not Path(FACES["ukai"]).exists(), reason="fonts-arphic-ukai not installed")
def test_a_sign_alone_in_its_cell_read_as_something_else_is_put_right():
    from perfreports.extract import ocr
    from perfreports.extract.scan import check_sign

    image = np.full((120, 200), 255, np.uint8)
    glyph = render_text("≥", font_file=FACES["ukai"])
    image[40:40 + glyph.shape[0], 60:60 + glyph.shape[1]] = glyph
    ys, xs = np.nonzero(image < 128)
    box = ocr.OcrBox(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1, "》", 0.35)
    assert check_sign(image, box).text == "≥"
    assert check_sign(image, box).confidence >= ocr.MIN_SCORE


SIGN_CROPS = SCANS / "signs"


@pytest.mark.parametrize("name", sorted(json.loads((SIGN_CROPS / "signs.json").read_text(encoding="utf-8"))))
def test_signs_cut_from_scans_are_read_as_printed(name):
    """Sign cells cut from scans of the corpus and the tuning set (signs.json: what the recogniser
    read, where the crop comes from): a Kai `>` whose best window cut its tip off (then it looked barred), `>=`
    typed as two characters (read `=`), a Kai ⩽ drawn with a slanted bar, a wide LXGW WenKai ≥
    (read `=`; its tip alone looked like a 1), a WenKai ⩾ whose best window reaches into the 9
    after it (read right, then "corrected" to `>`), `>=` in the small Latin glyphs of a Song face
    (read as nothing)."""
    from perfreports.extract import ocr
    from perfreports.extract.scan import check_sign

    case = json.loads((SIGN_CROPS / "signs.json").read_text(encoding="utf-8"))[name]
    image = cv2.imread(str(SIGN_CROPS / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    box = ocr.OcrBox(*case["box"], case["read"], case["confidence"])
    assert check_sign(image, box).text == case["expected"]


def stacked_cell(glyphs) -> np.ndarray:
    """The ink mask of a narrow cell (at 200 dpi) holding one character a line: each glyph given
    as the (top, bottom) rows of its strokes within a 26-pixel character."""
    mask = np.zeros((200, 60), np.uint8)
    for k, strokes in enumerate(glyphs):
        top = 20 + 34 * k
        for first, last in strokes:
            mask[top + first:top + last, 17:43] = 255
    return mask


def test_a_cell_set_one_character_a_line_keeps_its_flat_characters():
    """`一级指标` down a narrow cell: the 一 (one thin stroke) and the two strokes of a 二 are
    characters of their own — not specks, nor bits of the character below."""
    from perfreports.extract.scan import SCALE, cell_lines

    square = [(0, 26)]
    for first in ([(11, 14)], [(5, 8), (19, 22)]):  # 一, 二
        lines = cell_lines(stacked_cell([first, square, square, square]), (0, 0, 60 / SCALE, 200 / SCALE))
        assert len(lines) == 4
        (_x0, top, _x1, bottom), second = lines[0], lines[1]
        assert top <= 20 + first[0][0] and 20 + first[-1][1] <= bottom < second[1]
        assert bottom - top >= 16  # a character's height to read, not a 3-pixel sliver


def test_a_bar_or_a_speck_by_a_line_of_a_wide_cell_still_joins_it():
    from perfreports.extract.scan import SCALE, cell_lines

    mask = np.zeros((120, 300), np.uint8)
    mask[40:66, 20:280] = 255  # a line of text
    mask[70:73, 30:50] = 255  # the bar of a ≥ below its chevron
    assert len(cell_lines(mask, (0, 0, 300 / SCALE, 120 / SCALE))) == 1


# --- OCR confidence reaches the indicator rows -----------------------------------------------

def test_a_value_read_with_low_confidence_is_a_warning_naming_page_and_text():
    from perfreports.facts.indicators import indicator_rows

    header = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"]
    cells = [Cell(0, c, t, confidence=0.99) for c, t in enumerate(header)]
    cells += [Cell(1, c, t, confidence=0.99) for c, t in enumerate(["产出指标", "数量指标", "培训人数", "≥100人"])]
    cells.append(Cell(1, 4, "98人", confidence=0.42))
    table = Table(cells=tuple(cells), n_rows=2, n_cols=5, page=3, row_pages=(3, 3))
    rows, problems = indicator_rows(Document("scanned_pdf", (Paragraph("表 1 对比表", page=3), table)), "r")
    assert [r.actual_raw for r in rows] == ["98人"]
    assert [(p.code, p.severity, p.stage) for p in problems] == [("low_confidence", "warning", "normalize")]
    assert "第3页" in problems[0].message and "98人" in problems[0].message


# --- the scanned samples against the born-digital expected values ----------------------------

@functools.cache
def scanned(name: str, pages: tuple[int, ...] | None = None) -> Document:
    """The scanned sample extracted, or only some of its pages (copied into a temporary PDF)."""
    from perfreports.extract import extract

    source = SCANS / f"{name}.scan.pdf"
    if pages is None:
        return extract(source)
    import tempfile

    import pypdfium2 as pdfium

    part = pdfium.PdfDocument.new()
    with pdfium.PdfDocument(source) as whole:
        part.import_pages(whole, [p - 1 for p in pages])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.pages.pdf"
        part.save(path)
        part.close()
        return extract(path)


def report_misses(name: str, document: Document) -> tuple[list[tuple], int]:
    from perfreports.facts.indicators import indicator_rows
    from perfreports.facts.report import read_report
    from test_reports import COLUMNS, as_text

    expected = json.loads((EXPECTED / f"{name}.report.json").read_text(encoding="utf-8"))
    row = read_report(document, indicator_rows(document, "x")[0], report_id="x", source_file=name,
                      source_path=name).row
    misses = [("reports", column, expected[column], as_text(getattr(row, column)))
              for column in COLUMNS if as_text(getattr(row, column)) != expected[column]]
    return misses, len(COLUMNS)


def indicator_misses(name: str, document: Document, tables: set[str] | None = None) -> tuple[list[tuple], int, list]:
    from perfreports.facts.indicators import indicator_rows
    from test_indicators import expected_rows, same

    rows, problems = indicator_rows(document, "x")
    expected = [e for e in expected_rows(EXPECTED / f"{name}.indicators.csv") if tables is None or e["table_no"] in tables]
    got = {(str(r.table_no), str(r.row_no)): r for r in rows}
    misses, total = [], 0
    for e in expected:
        row = got.get((e["table_no"], e["row_no"]))
        for column in e:
            total += 1
            value = getattr(row, column) if row else "<row missing>"
            if row is None or not same(column, e[column], value):
                misses.append((f"表{e['table_no']} row {e['row_no']}", column, e[column], value))
    extra = [key for key in got if key not in {(e["table_no"], e["row_no"]) for e in expected}]
    misses += [(f"表{t} row {r}", "<unexpected row>", "", got[(t, r)].indicator) for t, r in extra]
    return misses, total, problems


def signs_wrong(name: str, document: Document, tables: set[str] | None = None) -> list[tuple]:
    from perfreports.facts.indicators import indicator_rows
    from test_indicators import expected_rows

    rows = {(str(r.table_no), str(r.row_no)): r for r in indicator_rows(document, "x")[0]}
    wrong = []
    for e in expected_rows(EXPECTED / f"{name}.indicators.csv"):
        if tables is not None and e["table_no"] not in tables:
            continue
        row = rows.get((e["table_no"], e["row_no"]))
        for column in ("target_raw", "stage_target_raw", "actual_raw"):
            want = [c for c in e.get(column, "") if c in "≥≤"]
            got = [c for c in (getattr(row, column, None) or "") if c in "≥≤"] if row else None
            if want != got:
                wrong.append((e["table_no"], e["row_no"], column, e.get(column), getattr(row, column, None)))
    return wrong


def check(name: str, document: Document, *, with_report: bool, tables: set[str] | None = None) -> None:
    misses, total = report_misses(name, document) if with_report else ([], 0)
    more, count, problems = indicator_misses(name, document, tables)
    misses, total = misses + more, total + count
    print(f"\n{name} (scanned): {total - len(misses)}/{total} fields right")
    for miss in misses:
        print("  miss:", *miss)
    for problem in problems:
        print("  problem:", problem.code, problem.message)
    assert signs_wrong(name, document, tables) == []
    assert (total - len(misses)) / total >= 0.95, misses
    assert not [p for p in problems if p.code == "table_unparsed"]


# Run in a process where no font file can be opened: PIL cannot load a font and nothing under
# /usr/share/fonts exists — as on a machine without fonts-noto-cjk, DejaVu or Liberation.
_WITHOUT_FONTS = """
import json, os, sys
import PIL.ImageFont
def no_font(*args, **kwargs):
    raise OSError("no font files on this machine")
PIL.ImageFont.truetype = PIL.ImageFont.FreeTypeFont = no_font
_exists = os.path.exists
os.path.exists = lambda path: not str(path).startswith("/usr/share/fonts") and _exists(path)
sys.path.insert(0, sys.argv[1])
from test_ocr import scanned, row_tuples
print(json.dumps(row_tuples(scanned(sys.argv[2], (4, 5)))))
"""


def row_tuples(document: Document) -> list[list]:
    from perfreports.facts.indicators import indicator_rows
    return [[r.table_no, r.row_no, r.indicator, r.target_raw, r.stage_target_raw, r.actual_raw]
            for r in indicator_rows(document, "x")[0]]


def test_ocr_reads_the_same_rows_without_any_font_installed():
    """The ≥/≤ templates ship with the package: the machine's fonts change nothing."""
    import subprocess
    import sys
    name = "xindu-2024-monitoring"
    result = subprocess.run([sys.executable, "-c", _WITHOUT_FONTS, str(Path(__file__).parent), name],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    with_fonts = row_tuples(scanned(name, (4, 5)))
    assert json.loads(result.stdout) == json.loads(json.dumps(with_fonts))
    assert sum("≥" in (r[3] or "") for r in with_fonts) >= 10  # the signs are there to be misread


def test_xindu_scan_gives_the_born_digital_rows():
    name = "xindu-2024-monitoring"
    document = scanned(name)
    assert document.source_format == "scanned_pdf"
    assert document.warnings == (("ocr_pages", "Pages 1-7 had no text layer and were read by OCR."),)
    check(name, document, with_report=True)


def test_xiling_scan_gives_the_born_digital_rows():
    check("xiling-2022-self-evaluation", scanned("xiling-2022-self-evaluation"), with_report=True)


def test_seed_scan_table_pages_7_to_12_give_the_born_digital_indicator_rows():
    check(SEED, scanned(SEED, (7, 8, 9, 10, 11, 12)), with_report=False, tables={"1", "3", "4"})


@pytest.mark.skipif(not os.environ.get("PERFREPORTS_OCR_FULL"), reason="whole seed scan (18 pages): PERFREPORTS_OCR_FULL=1")
def test_seed_scan_gives_the_born_digital_rows():
    check(SEED, scanned(SEED), with_report=True)


# --- a report printed by Word with a two-line bold header, scanned --------------------------

def test_a_two_line_bold_header_is_read_as_its_words_not_as_ruling_lines(tmp_path):
    """The stems of `指` over `标` in a narrow bold header cell line up like a ruling line, and the
    two lines of the cell touch: the grid must keep its 10 columns and the header its words
    (the development corpus's gansu report, Word → LibreOffice PDF, scanned as samples/make_scans.py does)."""
    import csv
    import io
    import sys
    from decimal import Decimal

    import pypdfium2 as pdfium
    from PIL import Image

    from perfreports.extract import extract
    from perfreports.facts.indicators import indicator_rows

    sys.path.insert(0, str(SAMPLES))
    from make_scans import scan_page

    source = ROOT / "tests" / "data" / "corpus" / "gansu-2022-evaluation-narrative.docx.pdf"
    pages, rng = [], np.random.default_rng(1)
    with pdfium.PdfDocument(source) as pdf:
        for page in pdf:
            buffer = io.BytesIO()
            scan_page(page, 0.6, rng).save(buffer, format="JPEG", quality=70)
            pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    scan = tmp_path / "gansu.scan.pdf"
    pages[0].save(scan, format="PDF", save_all=True, append_images=pages[1:], resolution=200)
    rows, _ = indicator_rows(extract(scan), "x")
    expected_csv = ROOT / "tests" / "data" / "corpus" / "expected" / "gansu-2022-evaluation-narrative.indicators.csv"
    expected = list(csv.DictReader(expected_csv.open(encoding="utf-8")))
    assert [(r.level1, r.indicator, r.target_op, r.weight) for r in rows] == [
        (e["level1"], e["indicator"], e["target_op"] or None, Decimal(e["weight"])) for e in expected]
