"""Render the development corpus: tests/data/corpus/sources/*.txt, each by several producers.

    python samples/make_corpus.py              # every source, every producer it names
    python samples/make_corpus.py NAME ...     # only these sources (file stems)
    python samples/make_corpus.py --only html NAME ...   # only this producer of these sources

Every run rewrites tests/data/corpus/corpus.json (the manifest) from the sources' @-lines.
Tests use the committed files and need none of the producers.

Producers (output files in tests/data/corpus/)
    docx             python-docx document, real w:vMerge / w:gridSpan merges, page breaks and
                     landscape sections; <name>.docx, and <name>.docx.pdf by LibreOffice Writer
    html             an HTML page (border-collapse, rowspan/colspan, <thead> when the header
                     repeats) printed by headless Chromium: <name>.html.pdf (borders become thin
                     filled rectangles)
    reportlab-ruled  reportlab, embedded TrueType CJK font, Table with grid lines and SPAN
                     merges: <name>.reportlab-ruled.pdf
    reportlab-plain  reportlab with no ruling lines at all; columns by alignment only, a
                     vertically merged cell printed once, on its group's first row:
                     <name>.reportlab-plain.pdf
    xlsx             an openpyxl workbook (thin grey border on every cell, nothing merged, merged
                     cells' text repeated on every row, fit to page width) exported by
                     LibreOffice Calc: <name>.xlsx.pdf (the .xlsx itself is not kept). Forms
                     only: the text lines become rows of column A.

Source markup: the markup of samples/make_samples.py, extended. One line per paragraph; blank
lines and lines starting with `#` are ignored.

  document settings (anywhere outside a table)
    @producers P,P,...    the producers of this source (names above)
    @family F,F,...       families exercised (manifest only): self_eval_form, split_columns,
                          monitoring_form, target_form, narrative
    @notes TEXT           what the source exercises (manifest); @notes.PRODUCER TEXT adds a note
                          for one producer's file
    @font KEY             body font: noto-serif, noto-sans, wqy-zenhei, uming, ukai (default
                          noto-serif); @font.PRODUCER KEY overrides it for one producer.
                          reportlab embeds TrueType only: a Noto font falls back to wqy-zenhei
    @titlefont KEY        font of the == and = lines (default: the body font)
    @size PT              body font size (default 12)
    @titlesize PT         size of == lines (default 22)
    @landscape            every page landscape (A4)
    @cover                the first page is a cover: no page header or footer on it
    @header TEXT          page-header line (ruled below) on every page (but the cover)
    @footer TEXT|none     footer, `{PAGE}` = page number (default `{PAGE}`)
    @heading_styles 1,2   (docx) heading levels rendered with Word "Heading N" styles

  blocks
    == TEXT               title line (bold, @titlesize, centred)
    = TEXT                centred bold line
    > TEXT                right-aligned line
    : TEXT                left-aligned line without indent (form notes: 单位：万元, 填报单位：…)
    .                     empty paragraph
    ~ ENTRY | PAGE        contents entry with dot leader
    ---                   page break
    @section landscape    page break, then landscape pages (or `portrait`)
    表 N ...              table caption (centred, bold)
    heading / body        a short line starting with 一、 （一） 1. （1） ① is a bold heading,
                          anything else a body paragraph with a 2-character indent

  tables
    @table widths=CM,CM,... [font=PT] [align=lcr...] [repeat] [lines=grid|none]
           [levels=merged|first|repeat] [vertical=C,C,...]
        widths     column widths in cm
        font       cell font size (default 10.5)
        align      one letter per column for body cells (header cells are centred)
        repeat     the leading header rows are repeated on every page (docx w:tblHeader,
                   html <thead>, reportlab repeatRows, xlsx print titles)
        lines      grid (default) or none: ruling lines for docx and html (reportlab-ruled and
                   xlsx always rule, reportlab-plain never does)
        levels     how a vertically merged cell prints: merged (one merged cell: docx, html,
                   reportlab-ruled), first (text on the group's first row only, as
                   reportlab-plain always does), repeat (text on every row, as xlsx always does)
        vertical   0-based columns whose text prints one character per line (narrow level columns)
    !| a | b | c |        header row (bold, centred)
    | a | ^ | < |         body row; `^` = merged with the cell above, `<` = merged with the cell
                          to the left; `\\<` and `\\^` are a literal < and ^ (a sign cell);
                          `\\n` inside a cell is a line break (`年度指标\\n值`)
    @break                inside a table: a page break before the next row; a merged cell
                          running through it is cut (text on the first page only). html,
                          reportlab and xlsx honour it; LibreOffice cannot break a table
                          between two given rows, so a docx table breaks where the page is full

Tables break across pages wherever the page is full, inside merged cells too (reportlab is
taught to, see SplittingTable). Output is deterministic for reportlab (invariant=1);
LibreOffice and Chromium stamp a creation date, so their PDFs change bytes on every run.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.styles import Font as XlsxFont
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, TableStyle)
from reportlab.platypus import Table as ReportlabTable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_samples  # noqa: E402  (bottom_rule: the ruled page-header paragraph)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
SOURCES = CORPUS / "sources"
PRODUCERS = ("docx", "html", "reportlab-ruled", "reportlab-plain", "xlsx")
LO_PROFILE = "file:///tmp/lo_profile_corpus"
A4 = (21.0, 29.7)  # cm
MARGIN_CM = 2.2


# ---------------------------------------------------------------- fonts

@dataclass(frozen=True)
class Font:
    family: str        # fontconfig family, used by Word/LibreOffice, Chromium and Calc
    latin: str         # the Latin font set beside it in DOCX
    ttc: str | None    # TrueType collection reportlab can embed (subfont 0), None for CFF fonts


FONTS = {
    "noto-serif": Font("Noto Serif CJK SC", "Times New Roman", None),
    "noto-sans": Font("Noto Sans CJK SC", "Arial", None),
    "wqy-zenhei": Font("WenQuanYi Zen Hei", "WenQuanYi Zen Hei",
                       "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    "uming": Font("AR PL UMing CN", "AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc"),
    "ukai": Font("AR PL UKai CN", "AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc"),
}


# ---------------------------------------------------------------- the parsed source

UP, LEFT = "\x00^", "\x00<"  # a cell merged with the one above / to the left (`^`, `<`)
MERGED = (UP, LEFT)


@dataclass
class Row:
    cells: list[str]
    header: bool = False
    break_before: bool = False   # @break just above this row


@dataclass
class Table:
    widths: list[float]
    font: float = 10.5
    align: str = ""
    repeat: bool = False
    lines: str = "grid"
    levels: str | None = None    # None: the producer's own way
    vertical: frozenset[int] = frozenset()
    rows: list[Row] = field(default_factory=list)

    def column_align(self, c: int) -> str:
        return (self.align or "c" * len(self.widths))[c]

    def header_count(self) -> int:
        """Number of leading header rows (the ones `repeat` repeats)."""
        n = 0
        while n < len(self.rows) and self.rows[n].header:
            n += 1
        return n


@dataclass
class Block:
    kind: str    # title, centre, right, left, blank, toc, pagebreak, section, caption, heading, body
    text: str = ""
    level: int = 0


@dataclass
class Source:
    name: str
    settings: dict[str, str]
    blocks: list[Block | Table]

    def get(self, key: str, default: str = "") -> str:
        return self.settings.get(key, default)

    @property
    def producers(self) -> list[str]:
        return [p.strip() for p in self.get("producers", "docx").split(",")]

    def font_key(self, producer: str) -> str:
        key = self.get(f"font.{producer}", self.get("font", "noto-serif"))
        if producer.startswith("reportlab") and FONTS[key].ttc is None:
            return "wqy-zenhei"
        return key

    def title_font_key(self, producer: str) -> str:
        key = self.get("titlefont") or self.font_key(producer)
        if producer.startswith("reportlab") and FONTS[key].ttc is None:
            return self.font_key(producer)
        return key

    @property
    def size(self) -> float:
        return float(self.get("size", "12"))

    @property
    def footer(self) -> str | None:
        footer = self.get("footer", "{PAGE}")
        return None if footer == "none" else footer


HEADING_LEVELS = [
    (1, r"[一二三四五六七八九十]+、"),
    (2, r"[（(][一二三四五六七八九十]+[）)]"),
    (3, r"\d+[.、．]"),
    (4, r"[（(]\d+[）)]|[①-⑩]"),
]
LINE_KINDS = [("== ", "title"), ("= ", "centre"), ("> ", "right"), (": ", "left")]


def heading_level(line: str) -> int | None:
    """Level of a heading line, or None for running text (long lines or full sentences)."""
    if len(line) > 40 or line.endswith("。"):
        return None
    for level, pattern in HEADING_LEVELS:
        if re.match(pattern, line):
            return level
    return None


def parse_table_options(line: str) -> Table:
    options: dict[str, str | bool] = {}
    for word in line.split()[1:]:
        key, _, value = word.partition("=")
        options[key] = value or True
    widths = [float(w) for w in str(options["widths"]).split(",")]
    align = str(options.get("align", ""))
    assert not align or len(align) == len(widths), f"align={align} for {len(widths)} columns"
    return Table(
        widths=widths,
        font=float(options.get("font", 10.5)),
        align=align,
        repeat=bool(options.get("repeat")),
        lines=str(options.get("lines", "grid")),
        levels=options.get("levels") or None,
        vertical=frozenset(int(c) for c in str(options.get("vertical", "")).split(",") if c),
    )


def parse_cell(text: str) -> str:
    """A cell of a row line: the merge markers become UP/LEFT, `\\^` and `\\<` a literal ^ or <
    (a sign in a 指标性质 column), `\\n` a line break."""
    text = text.strip()
    if text in ("^", "<"):
        return UP if text == "^" else LEFT
    if text in ("\\^", "\\<"):
        return text[1]
    return text.replace("\\n", "\n")


def parse_row(line: str) -> Row:
    line = line.strip()
    cells = [parse_cell(c) for c in line.lstrip("!").strip("|").split("|")]
    return Row(cells, header=line.startswith("!"))


def parse_block(line: str) -> Block:
    for prefix, kind in LINE_KINDS:
        if line.startswith(prefix):
            return Block(kind, line[len(prefix):].strip())
    if line == ".":
        return Block("blank")
    if line == "---":
        return Block("pagebreak")
    if line.startswith("~ "):
        return Block("toc", line[2:].strip())
    if line.startswith("@section"):
        return Block("section", line.split()[1])
    if re.match(r"(续)?表\s*\d+", line):
        return Block("caption", line)
    level = heading_level(line)
    if level is not None:
        return Block("heading", line, level)
    return Block("body", line)


def parse_source(path: Path) -> Source:
    settings: dict[str, str] = {}
    blocks: list[Block | Table] = []
    table: Table | None = None
    pending_break = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if table is not None and (line.startswith(("|", "!|")) or line == "@break"):
            if line == "@break":
                pending_break = True
            else:
                row = parse_row(line)
                row.break_before, pending_break = pending_break, False
                assert len(row.cells) == len(table.widths), (
                    f"{path.name}: row has {len(row.cells)} cells, expected "
                    f"{len(table.widths)}: {row.cells}")
                table.rows.append(row)
            continue
        table = None
        if not line or line.startswith("#"):
            continue
        if line.startswith("@table"):
            table = parse_table_options(line)
            blocks.append(table)
        elif line.startswith("@") and not line.startswith("@section"):
            key, _, value = line[1:].partition(" ")
            settings[key] = (settings[key] + " " + value.strip()) if key in settings and \
                key.startswith("notes") else value.strip()
        else:
            blocks.append(parse_block(line))
    return Source(path.stem, settings, blocks)


# ---------------------------------------------------------------- table geometry

@dataclass(frozen=True)
class Span:
    row: int
    col: int
    rows: int
    cols: int


def spans(table: Table) -> dict[tuple[int, int], Span]:
    """Every origin cell (row, col) -> the rectangle it covers (`^` and `<` resolved)."""
    def origin(r: int, c: int) -> tuple[int, int]:
        while table.rows[r].cells[c] in MERGED:
            if table.rows[r].cells[c] == LEFT:
                c -= 1
            else:
                r -= 1
        return r, c

    extent: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(table.rows):
        for c in range(len(row.cells)):
            o = origin(r, c)
            box = extent.setdefault(o, [r, c, r, c, 0])
            box[2], box[3], box[4] = max(box[2], r), max(box[3], c), box[4] + 1
    boxes = {o: Span(o[0], o[1], b[2] - o[0] + 1, b[3] - o[1] + 1) for o, b in extent.items()}
    for o, box in boxes.items():
        assert box.rows * box.cols == extent[o][4], f"merged cell at {o} is not a rectangle"
    return boxes


def level_mode(table: Table, producer: str) -> str:
    """How a vertically merged cell prints with this producer: merged, first or repeat."""
    if producer == "xlsx":
        return "repeat"
    if producer == "reportlab-plain":
        return "first" if table.levels in (None, "merged") else table.levels
    return table.levels or "merged"


def flattened(table: Table, mode: str) -> list[list[str]]:
    """Cell texts with vertical merges undone: `first` leaves the continuation cells empty,
    `repeat` copies the text into them. Horizontal `<` markers are kept."""
    grid = [list(row.cells) for row in table.rows]
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text == UP:
                row[c] = grid[r - 1][c] if mode == "repeat" else ""
                if mode != "repeat" and grid[r - 1][c] == LEFT:
                    row[c] = LEFT
    return grid


def cell_text(table: Table, r: int, c: int, text: str, mode: str = "merged") -> str:
    """The printed text of a cell: one character per line in a `vertical` column (cells one
    column wide only: a label spanning into the next column prints across). Vertical text
    needs a merged cell as tall as the name: with `first` the name wraps instead."""
    row = table.rows[r]
    spanning = c + 1 < len(row.cells) and row.cells[c + 1] == LEFT
    if c in table.vertical and mode == "merged" and not spanning and "\n" not in text:
        return "\n".join(text)
    return text


def chunks_at_breaks(table: Table) -> list[list[int]]:
    """Row indices of the table split at its @break rows."""
    parts: list[list[int]] = [[]]
    for r, row in enumerate(table.rows):
        if row.break_before and parts[-1]:
            parts.append([])
        parts[-1].append(r)
    return parts


def page_size_cm(landscape: bool) -> tuple[float, float]:
    return (A4[1], A4[0]) if landscape else A4


# ---------------------------------------------------------------- producer: docx

def docx_fonts(owner, font: Font, size: float | None = None, bold: bool | None = None) -> None:
    """Latin + East Asian font on a style or run (python-docx sets only the Latin one)."""
    owner.font.name = font.latin
    if size:
        owner.font.size = Pt(size)
    if bold is not None:
        owner.font.bold = bold
    rfonts = owner.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), font.family)


class DocxWriter:
    """Builds one DOCX from a Source; `save` writes it."""

    def __init__(self, source: Source):
        self.source = source
        self.font = FONTS[source.font_key("docx")]
        self.title_font = FONTS[source.title_font_key("docx")]
        self.doc = Document()
        self.setup()

    def setup(self) -> None:
        section = self.doc.sections[0]
        self.orient(section, "landscape" if "landscape" in self.source.settings else "portrait")
        section.different_first_page_header_footer = "cover" in self.source.settings
        docx_fonts(self.doc.styles["Normal"], self.font, self.source.size)
        for level in range(1, 5):
            style = self.doc.styles[f"Heading {level}"]
            docx_fonts(style, self.font, self.source.size, bold=True)
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
            style.paragraph_format.line_spacing = 1.5
        if "header" in self.source.settings:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.run(header, self.source.get("header"), 9)
            make_samples.bottom_rule(header)
        if self.source.footer:
            footer = section.footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            before, _, after = self.source.footer.partition("{PAGE}")
            self.run(footer, before, 10.5)
            self.page_field(footer, 10.5)
            self.run(footer, after, 10.5)

    @staticmethod
    def orient(section, orientation: str) -> None:
        width, height = page_size_cm(orientation == "landscape")
        section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
        section.left_margin = section.right_margin = Cm(MARGIN_CM)

    def run(self, paragraph, text: str, size: float, bold: bool = False, font: Font | None = None):
        if not text:
            return None
        lines = text.split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        docx_fonts(run, font or self.font, size, bold)
        return run

    def page_field(self, paragraph, size: float) -> None:
        field_ = OxmlElement("w:fldSimple")
        field_.set(qn("w:instr"), "PAGE")
        field_.append(self.run(paragraph, "1", size)._r)
        paragraph._p.append(field_)

    def paragraph(self, text: str, *, size=None, bold=False, align="l", indent=True,
                  font=None, style=None):
        size = size or self.source.size
        p = self.doc.add_paragraph(style=style)
        p.paragraph_format.line_spacing = 1.5
        p.alignment = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
                       "r": WD_ALIGN_PARAGRAPH.RIGHT, "j": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * size)
        self.run(p, text, size, bold, font)
        return p

    def block(self, block: Block) -> None:
        size = self.source.size
        kind, text = block.kind, block.text
        if kind == "title":
            self.paragraph(text, size=float(self.source.get("titlesize", "22")), bold=True,
                           align="c", indent=False, font=self.title_font)
        elif kind == "centre":
            self.paragraph(text, size=max(size, 14), bold=True, align="c", indent=False,
                           font=self.title_font)
        elif kind in ("right", "left"):
            self.paragraph(text, align=kind[0], indent=False)
        elif kind == "blank":
            self.paragraph("", indent=False)
        elif kind == "pagebreak":
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "section":
            self.orient(self.doc.add_section(WD_SECTION.NEW_PAGE), text)
        elif kind == "toc":
            entry, _, page = text.rpartition("|")
            p = self.paragraph(f"{entry.strip()}\t{page.strip()}", indent=False)
            p.paragraph_format.line_spacing = 1.25
            width = page_size_cm("landscape" in self.source.settings)[0] - 2 * MARGIN_CM
            p.paragraph_format.tab_stops.add_tab_stop(
                Cm(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if heading_level(entry.strip()) != 1:
                p.paragraph_format.left_indent = Pt(2 * size)
        elif kind == "caption":
            self.paragraph(text, bold=True, align="c", indent=False)
        elif kind == "heading":
            styled = {int(x) for x in self.source.get("heading_styles").split(",") if x}
            style = f"Heading {block.level}" if block.level in styled else None
            self.paragraph(text, bold=True, indent=block.level > 1, style=style)
        else:
            self.paragraph(text, align="j")

    def table(self, table: Table) -> None:
        mode = level_mode(table, "docx")
        grid = flattened(table, mode) if mode != "merged" else [r.cells for r in table.rows]
        word = self.doc.add_table(rows=len(grid), cols=len(table.widths))
        word.autofit = False
        for column, width in zip(word.columns, table.widths):
            column.width = Cm(width)
        if table.lines == "none":
            word._tbl.tblPr.append(no_borders_xml())
        else:
            word.style = self.doc.styles["Table Grid"]
        heads = table.header_count()
        for r, cells in enumerate(grid):
            tr = word.rows[r]._tr
            if table.repeat and r < heads:
                tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for c, text in enumerate(cells):
                cell = word.cell(r, c)
                cell.width = Cm(table.widths[c])
                cell.vertical_alignment = (WD_ALIGN_VERTICAL.TOP if mode == "first"
                                           else WD_ALIGN_VERTICAL.CENTER)
                p = cell.paragraphs[0]
                p.paragraph_format.line_spacing = 1.0
                if text in MERGED:
                    continue
                align = "c" if table.rows[r].header else table.column_align(c)
                p.alignment = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
                               "r": WD_ALIGN_PARAGRAPH.RIGHT}[align]
                self.run(p, cell_text(table, r, c, text, mode), table.font, bold=table.rows[r].header)
        for (r, c), span in spans(table).items():
            if (span.rows > 1 and mode == "merged") or span.cols > 1:
                rows = span.rows if mode == "merged" else 1
                word.cell(r, c).merge(word.cell(r + rows - 1, c + span.cols - 1))

    def save(self, path: Path) -> None:
        for block in self.source.blocks:
            if isinstance(block, Table):
                self.table(block)
            else:
                self.block(block)
        self.doc.save(path)


def no_borders_xml():
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "none")
        borders.append(element)
    return borders


def produce_docx(source: Source, out: Path) -> list[Path]:
    docx_path = out / f"{source.name}.docx"
    DocxWriter(source).save(docx_path)
    pdf = soffice_pdf(docx_path, out / f"{source.name}.docx.pdf")
    return [docx_path, pdf]


# ---------------------------------------------------------------- producer: html

HTML_CSS = """
@page {{ size: A4 {orientation}; margin: {margin}cm;
  @bottom-center {{ content: {footer}; font-size: 10pt; font-family: {font}; }} }}
@page :first {{ @bottom-center {{ content: {first_footer}; }} }}
@page wide {{ size: A4 landscape; }}
@page tall {{ size: A4 portrait; }}
body {{ font-family: {font}; font-size: {size}pt; line-height: 1.5; margin: 0; }}
p {{ margin: 0; text-align: justify; }}
p.body {{ text-indent: 2em; }}
p.title {{ font-family: {title_font}; font-size: {title_size}pt; font-weight: bold;
  text-align: center; }}
p.centre {{ font-family: {title_font}; font-size: {centre_size}pt; font-weight: bold;
  text-align: center; }}
p.right {{ text-align: right; }}
p.caption {{ font-weight: bold; text-align: center; }}
p.heading {{ font-weight: bold; }}
p.toc {{ display: flex; }} p.toc span.dots {{ flex: 1; border-bottom: 1px dotted #000;
  margin: 0 4px 6px; }}
div.pagebreak {{ break-after: page; }}
section.wide {{ page: wide; }} section.tall {{ page: tall; }}
table {{ border-collapse: collapse; table-layout: fixed; margin: 2pt 0; }}
td, th {{ padding: 1pt 3pt; vertical-align: middle; line-height: 1.25; word-break: break-all; }}
table.grid td, table.grid th {{ border: 0.75pt solid #000; }}
th {{ font-weight: bold; text-align: center; }}
td.l {{ text-align: left; }} td.c {{ text-align: center; }} td.r {{ text-align: right; }}
td.top {{ vertical-align: top; }}
tr.break {{ break-before: page; }}
"""


def css_font(key: str) -> str:
    family = FONTS[key].family
    return f"'{family}', {'sans-serif' if 'Sans' in family or 'Hei' in family else 'serif'}"


def html_footer(template: str | None) -> str:
    if not template:
        return "none"
    before, _, after = template.partition("{PAGE}")
    return f'"{before}" counter(page) "{after}"'


def html_table(table: Table) -> str:
    mode = level_mode(table, "html")
    grid = flattened(table, mode) if mode != "merged" else [r.cells for r in table.rows]
    boxes = spans(table)
    heads = table.header_count() if table.repeat else 0
    cols = "".join(f'<col style="width:{w}cm">' for w in table.widths)
    out = [f'<table class="{"grid" if table.lines != "none" else "plain"}" '
           f'style="width:{sum(table.widths):.2f}cm; font-size:{table.font}pt">{cols}']
    for r, cells in enumerate(grid):
        row = table.rows[r]
        if r == 0 and heads:
            out.append("<thead>")
        if r == heads:
            out.append("</thead><tbody>" if heads else "<tbody>")
        out.append('<tr class="break">' if row.break_before else "<tr>")
        for c, text in enumerate(cells):
            if text in MERGED:
                continue
            box = boxes.get((r, c), Span(r, c, 1, 1))
            rowspan = box.rows if mode == "merged" else 1
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + \
                    (f' colspan="{box.cols}"' if box.cols > 1 else "")
            body = html.escape(cell_text(table, r, c, text, mode)).replace("\n", "<br>")
            if row.header:
                out.append(f"<th{attrs}>{body}</th>")
            else:
                cut = rowspan > 1 and any(table.rows[x].break_before
                                          for x in range(r + 1, r + rowspan))
                klass = table.column_align(c) + (" top" if mode == "first" or cut else "")
                out.append(f'<td class="{klass}"{attrs}>{body}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def html_block(block: Block) -> str:
    text = html.escape(block.text)
    if block.kind in ("title", "centre", "right", "caption"):
        return f'<p class="{block.kind}">{text}</p>'
    if block.kind == "left":
        return f"<p>{text}</p>"
    if block.kind == "blank":
        return "<p>&nbsp;</p>"
    if block.kind == "pagebreak":
        return '<div class="pagebreak"></div>'
    if block.kind == "toc":
        entry, _, page = block.text.rpartition("|")
        pad = "" if heading_level(entry.strip()) == 1 else ' style="padding-left:2em"'
        return (f'<p class="toc"{pad}><span>{html.escape(entry.strip())}</span>'
                f'<span class="dots"></span><span>{html.escape(page.strip())}</span></p>')
    if block.kind == "heading":
        indent = ' style="text-indent:2em"' if block.level > 1 else ""
        return f'<p class="heading"{indent}>{text}</p>'
    return f'<p class="body">{text}</p>'


def html_page(source: Source) -> str:
    landscape = "landscape" in source.settings
    css = HTML_CSS.format(
        orientation="landscape" if landscape else "portrait", margin=MARGIN_CM,
        font=css_font(source.font_key("html")), title_font=css_font(source.title_font_key("html")),
        size=source.size, title_size=source.get("titlesize", "22"),
        centre_size=max(source.size, 14), footer=html_footer(source.footer),
        first_footer="none" if "cover" in source.settings else html_footer(source.footer))
    parts = []
    for block in source.blocks:
        if isinstance(block, Table):
            parts.append(html_table(block))
        elif block.kind == "section":
            klass = "wide" if block.text == "landscape" else "tall"
            parts.append(f'</section><section class="{klass}">')
        else:
            parts.append(html_block(block))
    first = "wide" if landscape else "tall"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{html.escape(source.name)}</title><style>{css}</style></head><body>"
            f'<section class="{first}">' + "\n".join(parts) + "</section></body></html>")


def produce_html(source: Source, out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / f"{source.name}.html"
        page.write_text(html_page(source), encoding="utf-8")
        pdf = out / f"{source.name}.html.pdf"
        profile = Path(tmp) / "profile"
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf}", page.as_uri()],
            check=True, capture_output=True, timeout=180)
    return [pdf]


# ---------------------------------------------------------------- producers: reportlab

def reportlab_font(key: str) -> str:
    """Register a TrueType collection with reportlab once; its registered name."""
    if key not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(key, FONTS[key].ttc, subfontIndex=0))
    return key


class ReportlabWriter:
    """Builds one PDF from a Source with reportlab; `ruled` draws the table grid."""

    def __init__(self, source: Source, ruled: bool):
        self.source, self.ruled = source, ruled
        producer = "reportlab-ruled" if ruled else "reportlab-plain"
        self.font = reportlab_font(source.font_key(producer))
        self.title_font = reportlab_font(source.title_font_key(producer))
        size = source.size
        base = ParagraphStyle("body", fontName=self.font, fontSize=size, leading=size * 1.5,
                              wordWrap="CJK", alignment=4)
        self.styles = {
            "body": ParagraphStyle("body1", parent=base, firstLineIndent=2 * size),
            "left": ParagraphStyle("left", parent=base, alignment=0),
            "right": ParagraphStyle("right", parent=base, alignment=2),
            "caption": ParagraphStyle("caption", parent=base, alignment=1),
            "heading": ParagraphStyle("heading", parent=base, alignment=0),
            "title": ParagraphStyle("title", parent=base, fontName=self.title_font, alignment=1,
                                    fontSize=float(source.get("titlesize", "22")),
                                    leading=float(source.get("titlesize", "22")) * 1.5),
            "centre": ParagraphStyle("centre", parent=base, fontName=self.title_font,
                                     alignment=1, fontSize=max(size, 14),
                                     leading=max(size, 14) * 1.5),
        }

    def cell_style(self, size: float, align: str, bold: bool):
        return ParagraphStyle(f"cell{size}{align}{bold}", fontName=self.font, fontSize=size,
                              leading=size * 1.3, wordWrap="CJK",
                              alignment={"l": 0, "c": 1, "r": 2}[align])

    def paragraph(self, block: Block):
        text = html.escape(block.text)
        if block.kind == "blank":
            return Spacer(1, self.source.size * 1.5)
        if block.kind == "toc":
            entry, _, page = block.text.rpartition("|")
            indent = "" if heading_level(entry.strip()) == 1 else "　　"
            return TocLine(indent + entry.strip(), page.strip(), self.font, self.source.size)
        if block.kind == "heading" and block.level > 1:
            text = "　　" + text  # two ideographic spaces: the 2-character indent
        style = self.styles.get(block.kind, self.styles["body"])
        return Paragraph(text, style)

    def table(self, table: Table) -> list:
        """Flowables of one table: one reportlab Table per @break chunk, page breaks between."""
        flowables: list = []
        heads = list(range(table.header_count()))
        for i, rows in enumerate(chunks_at_breaks(table)):
            if i:
                flowables.append(PageBreak())
                if table.repeat:
                    rows = heads + rows
            flowables.append(self.table_chunk(table, rows, repeat=len(heads) if table.repeat else 0))
        return flowables

    def table_chunk(self, table: Table, rows: list[int], repeat: int):
        mode = level_mode(table, "reportlab-ruled" if self.ruled else "reportlab-plain")
        grid = flattened(table, mode) if mode != "merged" else [r.cells for r in table.rows]
        data, commands = [], [("VALIGN", (0, 0), (-1, -1), "TOP" if mode == "first" else "MIDDLE"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 3 if self.ruled else 5),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 3 if self.ruled else 5),
                              ("TOPPADDING", (0, 0), (-1, -1), 2),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
        for r in rows:
            row = table.rows[r]
            line = []
            for c, text in enumerate(grid[r]):
                if text in MERGED:
                    line.append("")
                    continue
                align = "c" if row.header else table.column_align(c)
                body = html.escape(cell_text(table, r, c, text, mode)).replace("\n", "<br/>")
                line.append(Paragraph(body, self.cell_style(table.font, align, row.header)))
            data.append(line)
        position = {r: i for i, r in enumerate(rows)}
        for (r, c), span in spans(table).items():
            if r not in position:
                continue
            covered = [position[x] for x in range(r, r + span.rows) if x in position] \
                if mode == "merged" else [position[r]]
            covered = contiguous(covered)
            if len(covered) > 1 or span.cols > 1:
                commands.append(("SPAN", (c, covered[0]), (c + span.cols - 1, covered[-1])))
        for (r, c), span in spans(table).items():  # a span cut by @break: its rest, empty
            rest = [position[x] for x in range(r, r + span.rows) if x in position and x > r]
            if mode == "merged" and r not in position and rest:
                commands.append(("SPAN", (c, rest[0]), (c + span.cols - 1, rest[-1])))
        if self.ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        return SplittingTable(data, colWidths=[w * cm for w in table.widths], repeatRows=repeat,
                              style=TableStyle(commands), hAlign="CENTER")

    def page_furniture(self, canvas, doc) -> None:
        if "cover" in self.source.settings and doc.page == 1:
            return
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(self.font, 9)
        if "header" in self.source.settings:
            canvas.drawCentredString(width / 2, height - 1.5 * cm, self.source.get("header"))
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN_CM * cm, height - 1.6 * cm, width - MARGIN_CM * cm, height - 1.6 * cm)
        if self.source.footer:
            canvas.setFont(self.font, 10.5)
            canvas.drawCentredString(width / 2, 1.2 * cm,
                                     self.source.footer.replace("{PAGE}", str(doc.page)))
        canvas.restoreState()

    def save(self, path: Path) -> None:
        templates = []
        for name in ("portrait", "landscape"):
            width, height = page_size_cm(name == "landscape")
            frame = Frame(MARGIN_CM * cm, MARGIN_CM * cm, (width - 2 * MARGIN_CM) * cm,
                          (height - 2 * MARGIN_CM) * cm, id=name)
            templates.append(PageTemplate(name, [frame], onPage=self.page_furniture,
                                          pagesize=(width * cm, height * cm)))
        if "landscape" in self.source.settings:
            templates.reverse()
        doc = BaseDocTemplate(str(path), pageTemplates=templates, title=self.source.name,
                              author="make_corpus", invariant=1)
        story: list = []
        for block in self.source.blocks:
            if isinstance(block, Table):
                story.extend(self.table(block))
            elif block.kind == "pagebreak":
                story.append(PageBreak())
            elif block.kind == "section":
                story.extend([NextPageTemplate(block.text), PageBreak()])
            else:
                story.append(self.paragraph(block))
        doc.build(story)


class SplittingTable(ReportlabTable):
    """A reportlab Table that may break between any two rows, also inside a merged cell (as
    Word does): the merged cell is cut, its text stays in the part on the first page. Plain
    reportlab never breaks inside a row span and moves the whole span to the next page."""

    def _getFirstPossibleSplitRowPosition(self, availHeight, ignoreSpans=0):  # noqa: N802
        return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)


def contiguous(indices: list[int]) -> list[int]:
    """The leading run of consecutive indices (a span never jumps over rows)."""
    run = indices[:1]
    for i in indices[1:]:
        if i != run[-1] + 1:
            break
        run.append(i)
    return run


class TocLine(Flowable):
    """A contents entry: text, a dotted leader, the page number at the right margin."""

    def __init__(self, text: str, page: str, font: str, size: float):
        super().__init__()
        self.text, self.page, self.font, self.size = text, page, font, size

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.size * 1.6

    def draw(self):
        canvas, y = self.canv, self.size * 0.4
        canvas.setFont(self.font, self.size)
        canvas.drawString(0, y, self.text)
        canvas.drawRightString(self.width, y, self.page)
        start = pdfmetrics.stringWidth(self.text, self.font, self.size) + 4
        end = self.width - pdfmetrics.stringWidth(self.page, self.font, self.size) - 4
        dot = pdfmetrics.stringWidth(".", self.font, self.size)
        if end > start:
            canvas.drawString(start, y, "." * int((end - start) / dot))


def produce_reportlab(source: Source, out: Path, ruled: bool) -> list[Path]:
    pdf = out / f"{source.name}.reportlab-{'ruled' if ruled else 'plain'}.pdf"
    ReportlabWriter(source, ruled).save(pdf)
    return [pdf]


# ---------------------------------------------------------------- producer: xlsx

CM_PER_CHAR = 0.19  # an Excel column-width unit (default font's digit + padding), near enough
PT_PER_CM = 28.35


def text_width_pt(text: str, size: float) -> float:
    """Printed width of a line, estimated: CJK and full-width signs one em, the rest half."""
    return sum(size if ord(ch) >= 0x2E80 or ch in "≥≤√—" else size * 0.55 for ch in text)


def wrap_lines(text: str, width_pt: float, size: float) -> list[str]:
    """Greedy character wrap of each line of `text` into `width_pt`."""
    lines = []
    for paragraph_ in text.split("\n"):
        line = ""
        for ch in paragraph_:
            if line and text_width_pt(line + ch, size) > width_pt:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def xlsx_cells(table: Table) -> list[list[tuple[str, list[str], bool]]]:
    """Per row and column: (text, printed lines, wraps in its own cell). A cell spanning columns
    is laid out over the span's width with explicit line breaks and overflows into the empty
    cells to its right (nothing is merged)."""
    boxes = spans(table)
    grid = flattened(table, "repeat")
    out = []
    for r, cells in enumerate(grid):
        row = []
        for c, text in enumerate(cells):
            if text == LEFT:
                row.append(("", [], True))
                continue
            box = boxes.get((r, c)) or boxes.get((r - 1, c)) or Span(r, c, 1, 1)
            cols = box.cols if box.col == c else 1
            width = sum(table.widths[c:c + cols]) * PT_PER_CM - 6
            lines = wrap_lines(text, width, table.font)
            row.append(("\n".join(lines) if cols > 1 else text, lines, cols == 1))
        out.append(row)
    return out


def xlsx_workbook(source: Source):
    font = FONTS[source.font_key("xlsx")].family
    title_font = FONTS[source.title_font_key("xlsx")].family
    tables = [b for b in source.blocks if isinstance(b, Table)]
    ncols = max(len(t.widths) for t in tables)
    widths = [max((t.widths[c] for t in tables if c < len(t.widths)), default=2.0)
              for c in range(ncols)]
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for c, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(c + 1)].width = round(width / CM_PER_CHAR, 1)
    grey = Side(style="thin", color="808080")
    border = Border(left=grey, right=grey, top=grey, bottom=grey)
    row_no = 0
    for block in source.blocks:
        if isinstance(block, Table):
            first = row_no + 1
            for r, cells in enumerate(xlsx_cells(block)):
                row_no += 1
                if block.rows[r].break_before:
                    sheet.row_breaks.append(Break(id=row_no - 1))
                header = block.rows[r].header
                for c, (text, lines, wraps) in enumerate(cells):
                    cell = sheet.cell(row=row_no, column=c + 1, value=text or None)
                    if text.startswith("="):
                        cell.data_type = "s"  # a target such as =100%, not a formula
                    cell.border = border
                    cell.font = XlsxFont(name=font, size=block.font, bold=header)
                    align = "center" if header and wraps else "left" if not wraps else \
                        {"l": "left", "c": "center", "r": "right"}[block.column_align(c)]
                    cell.alignment = Alignment(horizontal=align, vertical="center",
                                               wrap_text=wraps)
                height = max(len(lines) for _, lines, _ in cells if lines)
                sheet.row_dimensions[row_no].height = round(height * block.font * 1.25 + 4, 1)
            if block.repeat and block.header_count():
                sheet.print_title_rows = f"{first}:{first + block.header_count() - 1}"
            continue
        if block.kind == "pagebreak":
            sheet.row_breaks.append(Break(id=row_no))
            continue
        if block.kind not in ("title", "centre", "right", "left", "blank"):
            raise ValueError(f"{source.name}: xlsx renders forms only, not {block.kind} lines")
        row_no += 1
        column = {"title": ncols // 2 + 1, "centre": ncols // 2 + 1, "right": ncols}.get(
            block.kind, 1)
        cell = sheet.cell(row=row_no, column=column, value=block.text or None)
        size = float(source.get("titlesize", "16")) if block.kind == "title" else 10.5
        cell.font = XlsxFont(name=title_font if block.kind in ("title", "centre") else font,
                          size=size, bold=block.kind in ("title", "centre"))
        cell.alignment = Alignment(horizontal={"right": "right", "left": "left"}.get(
            block.kind, "center"), vertical="center", wrap_text=False)
        sheet.row_dimensions[row_no].height = round(size * 1.6, 1)
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if "landscape" in source.settings else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if source.footer:
        sheet.oddFooter.center.text = source.footer.replace("{PAGE}", "&P")
    return book


def produce_xlsx(source: Source, out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        book_path = Path(tmp) / f"{source.name}.xlsx"
        xlsx_workbook(source).save(book_path)
        return [soffice_pdf(book_path, out / f"{source.name}.xlsx.pdf")]


# ---------------------------------------------------------------- converters, manifest, main

def soffice_pdf(document: Path, target: Path) -> Path:
    """Convert with LibreOffice into a scratch folder, then move the PDF to `target`."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", f"-env:UserInstallation={LO_PROFILE}", "--headless", "--convert-to",
             "pdf", "--outdir", tmp, str(document)],
            check=True, capture_output=True, timeout=300)
        shutil.move(str(Path(tmp) / f"{document.stem}.pdf"), target)
    return target


def produce(source: Source, producer: str, out: Path) -> list[Path]:
    """Render `source` with one producer into `out`; the files written."""
    if producer not in PRODUCERS:
        raise ValueError(f"{source.name}: unknown producer {producer!r}")
    if producer == "docx":
        return produce_docx(source, out)
    if producer == "html":
        return produce_html(source, out)
    if producer == "xlsx":
        return produce_xlsx(source, out)
    return produce_reportlab(source, out, ruled=producer == "reportlab-ruled")


def manifest_entries(source: Source) -> list[dict]:
    entries = []
    families = source.get("family")
    for producer in source.producers:
        files = [f"{source.name}.docx", f"{source.name}.docx.pdf"] if producer == "docx" \
            else [f"{source.name}.{producer}.pdf"]
        for name in files:
            notes = " ".join(x for x in (source.get("notes"), source.get(f"notes.{producer}")) if x)
            entries.append({
                "file": name, "source": source.name, "family": families, "producer": producer,
                "font": source.font_key(producer),
                "format": "docx" if name.endswith(".docx") else "pdf", "notes": notes})
    return entries


def write_manifest(sources: list[Source]) -> None:
    entries = [e for s in sources for e in manifest_entries(s)]
    (CORPUS / "corpus.json").write_text(
        json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    only = None
    if argv[:1] == ["--only"]:
        only, argv = argv[1], argv[2:]
    sources = [parse_source(p) for p in sorted(SOURCES.glob("*.txt"))]
    for source in sources:
        if argv and source.name not in argv:
            continue
        for producer in source.producers:
            if only and producer != only:
                continue
            files = produce(source, producer, CORPUS)
            print(f"{source.name}: {producer} -> {', '.join(f.name for f in files)}")
    write_manifest(sources)


if __name__ == "__main__":
    main(sys.argv[1:])
