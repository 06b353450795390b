"""The extract stage on the real sample files and on broken input."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from perfreports.extract import ExtractError, extract
from perfreports.extract.model import Heading, Paragraph, Table

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.docx"))
SEED = "qingyunpu-2023-monitoring"


def prose(document):
    return [(type(b).__name__, getattr(b, "level", None), b.text) for b in document.blocks if not isinstance(b, Table)]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pdf_and_docx_give_the_same_prose_blocks(name):
    pdf, docx = extract(SAMPLES / f"{name}.pdf"), extract(SAMPLES / f"{name}.docx")
    assert prose(pdf) == prose(docx)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pdf_and_docx_give_the_same_tables(name):
    pdf, docx = extract(SAMPLES / f"{name}.pdf"), extract(SAMPLES / f"{name}.docx")
    pdf_tables = [b for b in pdf.blocks if isinstance(b, Table)]
    docx_tables = [b for b in docx.blocks if isinstance(b, Table)]
    assert [t.n_cols for t in pdf_tables] == [t.n_cols for t in docx_tables]
    for p, d in zip(pdf_tables, docx_tables):
        # a row cut by a page break is two grid rows in the PDF until the indicators stage joins it
        assert p.n_rows - len(p.seam_rows) <= d.n_rows <= p.n_rows
        assert p.grid()[0] == d.grid()[0]


def test_seed_structure():
    document = extract(SAMPLES / f"{SEED}.pdf")
    headings = [b for b in document.blocks if isinstance(b, Heading)]
    assert [h.title for h in headings if h.level == 1] == [
        "项目基本情况", "绩效目标的核对和确定情况", "项目资金投入情况", "项目绩效情况", "问题、纠偏措施和建议",
    ]
    assert document.pages == 18
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert [(t.n_cols, t.page) for t in tables] == [(4, 7), (4, 8), (8, 9), (6, 11)]
    # the three indicator tables each continue on the next page and come out as one table
    assert [sorted(set(t.row_pages)) for t in tables] == [[7, 8], [8], [9, 10], [11, 12]]


def test_headers_footers_and_contents_are_not_body_text():
    document = extract(SAMPLES / f"{SEED}.pdf")
    texts = [b.text for b in document.blocks if not isinstance(b, Table)]
    assert not [t for t in texts if t.isdigit() or t.startswith("目录") or t == "目 录"]
    assert texts.count("一、项目基本情况") == 1  # the contents entry is gone, the heading stays


def test_sentence_cut_by_a_page_break_is_one_paragraph():
    document = extract(SAMPLES / f"{SEED}.pdf")
    spanning = [b for b in document.blocks if isinstance(b, Paragraph) and len(b.page_starts) > 1]
    assert spanning, "the seed has paragraphs running over a page break"
    for paragraph in spanning:
        (_, first), (offset, second) = paragraph.page_starts[:2]
        assert second == first + 1
        assert paragraph.page_at(0) == first and paragraph.page_at(offset) == second
    # in the rendered seed, page 3 ends inside this sentence: `…维权服务力度，` | `深入推进…`
    sentence = "加大对职工群众的维权服务力度，深入推进工会改革创新"
    cut = [b for b in spanning if sentence in b.text]
    assert cut, "the sentence cut by the page break is one paragraph"
    start = cut[0].text.index(sentence)
    assert start < cut[0].page_starts[1][0] < start + len(sentence)


def test_merged_cells_carry_spans_in_both_formats():
    for suffix in ("pdf", "docx"):
        table = [b for b in extract(SAMPLES / f"{SEED}.{suffix}").blocks if isinstance(b, Table)][0]
        produce = [c for c in table.cells if c.text == "产出指标"]
        assert len(produce) == 1 and produce[0].rowspan > 10, suffix


@pytest.mark.parametrize("content, code", [
    (b"", "empty_file"),
    ("这不是PDF，只是一个文本文件。".encode(), "unsupported_format"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "unsupported_format"),
    # an OLE file (.doc/.wps) goes to LibreOffice, which cannot convert zeros; without it, unsupported
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
     "unreadable_doc" if shutil.which("soffice") or shutil.which("libreoffice") else "unsupported_format"),
    (bytes(range(256)) * 4, "unsupported_format"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 8, "unreadable_pdf"),
])
def test_bad_bytes_named_pdf_get_their_own_code(tmp_path, content, code):
    path = tmp_path / "报告 2023.pdf"
    path.write_bytes(content)
    with pytest.raises(ExtractError) as error:
        extract(path)
    assert error.value.code == code
    assert error.value.message


@pytest.mark.parametrize("member, content, code", [
    ("hello.txt", "hi", "unsupported_format"),  # a ZIP that is not a Word document
    ("word/document.xml", "<not xml", "unreadable_docx"),  # a damaged DOCX
])
def test_zip_that_is_not_a_readable_docx(tmp_path, member, content, code):
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, content)
    with pytest.raises(ExtractError) as error:
        extract(path)
    assert error.value.code == code


@pytest.mark.parametrize("name, code", [("encrypted-user-password.pdf", "encrypted_pdf"), ("truncated.pdf", "truncated_pdf")])
def test_locked_and_truncated_pdfs(name, code):
    with pytest.raises(ExtractError) as error:
        extract(DATA / name)
    assert error.value.code == code


def test_pdf_with_only_an_owner_password_is_read():
    assert extract(DATA / "encrypted-owner-only.pdf").pages == 3


def test_format_is_sniffed_not_taken_from_the_name(tmp_path):
    misnamed = tmp_path / "really-a-docx.pdf"
    misnamed.write_bytes((SAMPLES / f"{SEED}.docx").read_bytes())
    assert extract(misnamed).source_format == "docx"


@pytest.mark.parametrize("line, contents", [
    ("一、项目基本情况\t1", True),
    ("(一) 项目名称\t1", True),
    ("二、绩效目标的核对和确定情况 ........ 7", True),
    ("前言…………………………1", True),
    ("目 录", True),
    ("慰问困难职工\t35", False),  # a two-column line of prose or a borderless table, not a contents entry
    ("全年共开展培训活动  12", False),
    ("工会经费项目预算安排共计 490 万元", False),
])
def test_contents_entries_are_numbered_headings_or_dot_leaders(line, contents):
    from perfreports.extract.text import is_contents_line
    assert is_contents_line(line) is contents


# --- scans without the OCR engine: said, never a crash -----------------------------------------

def test_a_scan_without_the_ocr_engine_is_no_text_layer_saying_why(monkeypatch):
    from perfreports.extract import ocr
    monkeypatch.setattr(ocr, "missing", lambda: "the OCR engine cannot be loaded (No module named 'cv2'); "
                                                f"{ocr.INSTALL_HINT}")
    with pytest.raises(ExtractError) as error:
        extract(DATA / "scans" / "xindu-2024-monitoring.scan.pdf")
    assert error.value.code == "no_text_layer"
    assert "Pages 1-7" in error.value.message and "pip install '.[ocr]'" in error.value.message


def test_a_scanned_page_among_text_pages_without_the_ocr_engine_is_left_out_with_a_warning(
        monkeypatch, tmp_path):
    import pypdfium2 as pdfium

    from perfreports.extract import ocr
    monkeypatch.setattr(ocr, "missing", lambda: "no OCR here")
    mixed = pdfium.PdfDocument.new()
    with pdfium.PdfDocument(SAMPLES / "xindu-2024-monitoring.pdf") as text, \
            pdfium.PdfDocument(DATA / "scans" / "xindu-2024-monitoring.scan.pdf") as scan:
        mixed.import_pages(text, [0, 1, 2])
        mixed.import_pages(scan, [6])  # the signed last page, as a scan
    mixed.save(tmp_path / "mixed.pdf")
    mixed.close()
    document = extract(tmp_path / "mixed.pdf")
    assert (document.source_format, document.pages) == ("pdf", 4)
    assert document.warnings == (("ocr_pages", "Page 4 has no text layer and was not read: no OCR here."),)
    assert any("成都市新都区总工会" in b.text for b in document.blocks if not isinstance(b, Table))


def _chars(text: str, x0: float, top: float) -> list[dict]:
    return [{"text": ch, "x0": x0 + 10 * i, "x1": x0 + 10 * i + 10, "top": top, "bottom": top + 10, "size": 10}
            for i, ch in enumerate(text)]


def test_a_framed_line_is_text_not_a_table():
    """A one-row grid with text in one cell (a boxed title; large type's strokes on a scan) is a
    line of text; with text in two cells it is a table."""
    from perfreports.extract.lines import PageTable, TextLine
    from perfreports.extract.page import Grid, compose_page
    grid = Grid(xs=(0, 100, 200, 300), ys=(0, 20),
                boxes=((0, 0, 100, 20), (100, 0, 200, 20), (200, 0, 300, 20)), slots=((0, 1, 2),))
    framed = compose_page(1, 800, _chars("绩效监控报告", 5, 5), [grid])
    assert [type(item) for item in framed.items] == [TextLine] and framed.items[0].text == "绩效监控报告"
    table = compose_page(1, 800, _chars("指标", 5, 5) + _chars("完成", 105, 5), [grid])
    assert [type(item) for item in table.items] == [PageTable]
