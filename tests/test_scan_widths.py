"""Full or half width of ％ > < = on scans (extract/scan_widths.py): measured on ink masks drawn
here, then on two corpus scans whose tables mix both forms (Kai: the full-width forms are drawn
larger; Hei: drawn the same and set with wide margins)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parts import missing

if missing("OCR engine"):
    pytest.skip(str(missing("OCR engine")), allow_module_level=True)

from perfreports.extract.ocr import OcrBox  # noqa: E402
from perfreports.extract.scan_widths import settle_widths  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "scans" / "corpus"

DIGIT = (11, 16)  # width, height in pixels, as a 10.5 pt digit at 200 dpi


def line(*glyphs: tuple[int, int, int]) -> tuple[np.ndarray, OcrBox]:
    """A mask holding one glyph per (gap before, width, height), bottoms aligned, and its box."""
    mask = np.zeros((40, 300), np.uint8)
    x = 5
    for gap, width, height in glyphs:
        x += gap
        mask[30 - height:30, x:x + width] = 255
        x += width
    return mask, OcrBox(5, 2, x, 31, "", 0.9)


def read(text: str, *glyphs) -> str:
    mask, box = line(*glyphs)
    return settle_widths(mask, OcrBox(box.x0, box.top, box.x1, box.bottom, text, 0.9)).text


def digits(n: int, gap: int = 2, size: tuple[int, int] = DIGIT) -> list[tuple[int, int, int]]:
    return [(gap, *size) for _ in range(n)]


def test_a_percent_twice_a_digit_wide_is_full_width_and_one_a_digit_wide_is_not():
    assert read("96%", *digits(2), (2, 22, 22)) == "96％"
    assert read("96%", *digits(2), (2, 12, 16)) == "96%"
    assert read("96％", *digits(2), (2, 12, 16)) == "96%"  # the recogniser's full width undone too


def test_a_percent_drawn_like_a_digit_but_set_apart_is_full_width():
    hei_digit = (14, 18)
    assert read("98%", *digits(2, 1, hei_digit), (6, 17, 18)) == "98％"
    assert read("98%", *digits(2, 1, hei_digit), (1, 17, 18)) == "98%"


def test_a_greater_than_as_tall_as_a_digit_is_full_width_a_low_one_is_not():
    assert read(">20台", (0, 16, 16), *digits(2), (3, 26, 26)) == "＞20台"
    assert read(">20台", (0, 12, 10), *digits(2), (3, 26, 26)) == ">20台"


def test_an_equals_sign_is_told_by_its_width_or_its_margin():
    assert read("=8批", (0, 17, 7), (7, *DIGIT), (3, 26, 26)) == "＝8批"
    assert read("=100%", (0, 10, 7), (3, *DIGIT), (2, 11, 16), (2, 11, 16), (2, 12, 16)) == "=100%"


def test_a_sign_after_the_chinese_text_is_measured_from_the_right():
    assert read("提高10%", (0, 26, 26), (2, 26, 26), (2, 8, 16), (2, *DIGIT), (2, 22, 22)) == "提高10％"


def test_a_line_whose_glyphs_cannot_be_told_apart_stays_as_read():
    assert read("96%", *digits(2), (0, 22, 22)) == "96%"  # % run into the 6: two glyphs for three chars
    assert read("<1%", (0, 12, 10), (4, 5, 16), (2, 12, 16)) == "<1%"  # a 1 is no measure of width
    assert read("%", (0, 22, 22)) == "%"  # no digit beside it


SCANS = ("xiaodian-2023-monitor-stage.ukai.skew+colour.scan.pdf", "xiaodian-2023-monitor-stage.wqy-zenhei.plain.scan.pdf")
PRINTED = {  # indicator: (target, stage target) as printed

    "建设职工子女托管服务点": ("＞10所", "＞8所"),
    "为服务点配置空调": ("＞20台", "＞20台"),
    "服务点消防验收合格率": ("100%", "100%"),
    "安全事故发生率": ("＜0.5%", "＜0.5%"),
    "职工家长满意度": ("≥90%", "≥90%"),
}


@pytest.mark.parametrize("name", SCANS)
def test_a_scanned_table_keeps_full_and_half_width_signs_as_printed(name):
    from perfreports.process import process_file

    rows = {row.indicator: (row.target_raw, row.stage_target_raw)
            for row in process_file(str(CORPUS / name)).records.indicators}
    assert {name_: rows.get(name_) for name_ in PRINTED} == PRINTED
