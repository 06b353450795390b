"""Render the sample reports in samples/sources/*.txt to DOCX (python-docx) and PDF (LibreOffice).

    python samples/make_samples.py            # every source
    python samples/make_samples.py NAME ...   # only these (file stem, e.g. qingyunpu-2023-monitoring)

Source markup, one line per paragraph (blank lines and lines starting with `#` are ignored):

    @header TEXT          page-header line on every page but the cover (drawn with a rule below)
    @footer TEXT          page footer; `{PAGE}` becomes a PAGE field (default: `{PAGE}`)
    @size PT              body font size (default 12 = 小四)
    @heading_styles 1,2   heading levels rendered with Word "Heading N" styles; the others are
                          plain bold paragraphs (default: none, all plain bold)
    == TEXT               cover title line (bold, 22pt, centred)
    = TEXT                centred bold line (cover lines, 目 录, title above the body)
    > TEXT                right-aligned line (signature, date)
    .                     empty paragraph (vertical space)
    ~ ENTRY | PAGE        contents entry: ENTRY, a tab, PAGE at a right tab stop with dot leader
    ---                   page break
    表 N ...              table caption (centred, bold)
    @table widths=CM,CM,... [font=PT] [align=lcr...] [repeat] [noborders]
                          starts a table; the rows follow, the table ends at the first non-row line
    !| a | b | c |        header row (bold, centred); with `repeat` the leading header rows are
                          flagged w:tblHeader so they are repeated on every page
    | a | ^ | < |         body row; `^` = merged with the cell above (vMerge), `<` = merged with
                          the cell to the left (gridSpan); rows may break across pages
    anything else         body paragraph, first line indented 2 characters; a line that starts
                          with heading numbering (一、 （一） 1. 1、 （1） ①) and is short is a heading
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
CJK_FONT, LATIN_FONT = "Noto Serif CJK SC", "Times New Roman"
TEXT_WIDTH_CM = 21.0 - 2 * 2.8
ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
HEADING_LEVELS = [  # (level, pattern) — the numbering conventions of these reports
    (1, r"[一二三四五六七八九十]+、"),
    (2, r"[（(][一二三四五六七八九十]+[）)]"),
    (3, r"\d+[.、．]"),
    (4, r"[（(]\d+[）)]|[①-⑩]"),
]


def heading_level(line: str) -> int | None:
    """Level of a heading line, or None for running text (long lines or full sentences)."""
    if len(line) > 40 or line.endswith("。"):
        return None
    for level, pattern in HEADING_LEVELS:
        if re.match(pattern, line):
            return level
    return None


def set_fonts(rpr_owner, size: float | None = None, bold: bool | None = None) -> None:
    """Latin + East Asian font on a style or run (python-docx sets only the Latin one)."""
    font = rpr_owner.font
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rfonts = rpr_owner.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), CJK_FONT)


def add_run(paragraph, text: str, size: float, bold: bool = False):
    run = paragraph.add_run(text)
    set_fonts(run, size, bold)
    return run


def add_page_field(paragraph, template: str, size: float) -> None:
    before, _, after = template.partition("{PAGE}")
    if before:
        add_run(paragraph, before, size)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(add_run(paragraph, "1", size)._r)  # the run moves inside the field
    paragraph._p.append(field)
    if after:
        add_run(paragraph, after, size)


def bottom_rule(paragraph) -> None:
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def setup_document(settings: dict) -> Document:
    doc = Document()
    size = float(settings.get("size", 12))
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(2.8)
    section.different_first_page_header_footer = True  # no header/footer on the cover
    set_fonts(doc.styles["Normal"], size)
    for level in range(1, 5):
        style = doc.styles[f"Heading {level}"]
        set_fonts(style, size, bold=True)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.5
    if "header" in settings:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(header, settings["header"], 9)
        bottom_rule(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_field(footer, settings.get("footer", "{PAGE}"), 10.5)
    return doc


def paragraph(doc, text: str, size: float, *, bold=False, align=None, indent=True, style=None):
    p = doc.add_paragraph(style=style)
    p.paragraph_format.line_spacing = 1.5
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * size)
    if text:
        add_run(p, text, size, bold)
    return p


def table_options(line: str) -> dict:
    options = {"font": "10.5", "align": ""}
    for word in line.split()[1:]:
        key, _, value = word.partition("=")
        options[key] = value or True
    options["widths"] = [float(w) for w in options["widths"].split(",")]
    return options


def render_table(doc, options: dict, rows: list[tuple[bool, list[str]]]) -> None:
    ncols, size = len(options["widths"]), float(options["font"])
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.autofit = False
    for column, width in zip(table.columns, options["widths"]):
        column.width = Cm(width)  # w:gridCol, which LibreOffice lays out by
    if options.get("noborders"):
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "none")
            borders.append(element)
        table._tbl.tblPr.append(borders)
    else:
        table.style = doc.styles["Table Grid"]
    for r, (is_header, cells) in enumerate(rows):
        assert len(cells) == ncols, f"row {r + 1} has {len(cells)} cells, expected {ncols}: {cells}"
        if is_header and options.get("repeat") and all(h for h, _ in rows[:r]):
            table.rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            cell.width = Cm(options["widths"][c])
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            if text in ("^", "<"):
                continue
            p = cell.paragraphs[0]
            column_align = (options["align"] or "c" * ncols)[c]
            p.alignment = ALIGN["c" if is_header else column_align]
            add_run(p, text, size, bold=is_header)
    for r, (_, cells) in enumerate(rows):  # merge after filling: origins keep their text
        for c, text in enumerate(cells):
            if text == "<" and (c + 1 == ncols or cells[c + 1] != "<"):
                start = c
                while cells[start] == "<":
                    start -= 1
                table.cell(r, start).merge(table.cell(r, c))
            if text == "^" and (r + 1 == len(rows) or rows[r + 1][1][c] != "^"):
                start = r
                while rows[start][1][c] == "^":
                    start -= 1
                table.cell(start, c).merge(table.cell(r, c))


def render(source: Path, out_dir: Path) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    settings = {}
    for line in lines:
        if line.startswith("@") and not line.startswith("@table"):
            key, _, value = line[1:].partition(" ")
            settings[key] = value.strip()
    doc = setup_document(settings)
    size = float(settings.get("size", 12))
    styled = {int(x) for x in settings.get("heading_styles", "").split(",") if x}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#") or (line.startswith("@") and not line.startswith("@table")):
            continue
        if line.startswith("@table"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith(("|", "!|")):
                row = lines[i].strip()
                cells = [c.strip() for c in row.lstrip("!").strip("|").split("|")]
                rows.append((row.startswith("!"), cells))
                i += 1
            render_table(doc, table_options(line), rows)
        elif line == "---":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif line == ".":
            paragraph(doc, "", size, indent=False)
        elif line.startswith("== "):
            paragraph(doc, line[3:], 22, bold=True, align=ALIGN["c"], indent=False)
        elif line.startswith("= "):
            paragraph(doc, line[2:], 16, bold=True, align=ALIGN["c"], indent=False)
        elif line.startswith("> "):
            paragraph(doc, line[2:], size, align=ALIGN["r"], indent=False)
        elif line.startswith("~ "):
            entry, _, page = line[2:].rpartition("|")
            entry = entry.strip()
            p = paragraph(doc, f"{entry}\t{page.strip()}", size, indent=False)
            p.paragraph_format.line_spacing = 1.25
            p.paragraph_format.tab_stops.add_tab_stop(
                Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if heading_level(entry) != 1:  # sub-entries indented
                p.paragraph_format.left_indent = Pt(2 * size)
        elif re.match(r"表\s*\d+", line):
            paragraph(doc, line, size, bold=True, align=ALIGN["c"], indent=False)
        elif (level := heading_level(line)) is not None:
            style = f"Heading {level}" if level in styled else None
            paragraph(doc, line, size, bold=True, indent=level > 1, style=style)
        else:
            paragraph(doc, line, size)
    docx_path = out_dir / f"{source.stem}.docx"
    doc.save(docx_path)
    return docx_path


def to_pdf(docx_path: Path) -> None:
    subprocess.run(
        ["soffice", "-env:UserInstallation=file:///tmp/lo_profile_samples", "--headless",
         "--convert-to", "pdf", "--outdir", str(docx_path.parent), str(docx_path)],
        check=True, capture_output=True)


def main(names: list[str]) -> None:
    sources = sorted((HERE / "sources").glob("*.txt"))
    for source in sources:
        if names and source.stem not in names:
            continue
        to_pdf(render(source, HERE))
        print(f"rendered {source.stem}.docx and .pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
