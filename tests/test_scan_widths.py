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


def read(text: str, *glyphs, page_advance: float | None = None) -> str:
    mask, box = line(*glyphs)
    return settle_widths(mask, OcrBox(box.x0, box.top, box.x1, box.bottom, text, 0.9), page_advance).text


def digits(n: int) -> list[tuple[int, int, int]]:
    return [(3, *DIGIT) for _ in range(n)]  # a digit advance of 14 pixels


def test_a_percent_as_far_off_as_a_proportional_one_stays_half_width():
    assert read("96%", *digits(2), (3, 12, 16)) == "96%"  # centres 14.5 apart: 1.04 advances
    assert read("96%", *digits(2), (8, 14, 16)) == "96%"  # 20.5 apart (1.46): a Times % beside Times digits
    assert read("96％", *digits(2), (3, 12, 16)) == "96%"  # the recogniser's full width undone too


def test_a_percent_drawn_taller_than_the_digits_is_full_width():
    assert read("96%", *digits(2), (3, 12, 22)) == "96％"  # Song and Kai faces


def test_a_leading_sign_is_measured_to_the_digit_after_it():
    assert read(">20台", (0, 12, 10), *digits(2), (3, 26, 26)) == ">20台"
    assert read(">20台", (0, 12, 10), (8, *DIGIT), (3, *DIGIT), (3, 26, 26)) == "＞20台"


def test_a_line_with_one_digit_is_measured_by_the_digits_of_the_page():
    equals_8 = [(0, 12, 7), (8, *DIGIT), (3, 26, 26)]
    assert read("=8批", *equals_8, page_advance=14) == "＝8批"
    assert read("=8批", (0, 12, 7), (3, *DIGIT), (3, 26, 26), page_advance=14) == "=8批"
    assert read("=8批", *equals_8) == "=8批"  # no measure at all: as read


def test_a_sign_after_the_chinese_text_is_measured_from_the_right():
    assert read("提高10%", (0, 26, 26), (2, 26, 26), (3, 8, 16), (3, *DIGIT), (3, 14, 22)) == "提高10％"


def test_a_line_whose_glyphs_cannot_be_told_apart_stays_as_read():
    assert read("96%", *digits(2), (0, 22, 22)) == "96%"  # % run into the 6: two glyphs for three chars
    assert read("%", (0, 22, 22), page_advance=14) == "%"  # no digit beside it


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
