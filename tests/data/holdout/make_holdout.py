#!/usr/bin/env python3
"""Render the held-out evaluation set (tests/data/holdout/).

Every document is written once, by hand, as a small line-markup file in ``sources/<name>.txt``
and rendered by two or more *producers*, so the same content reaches the reader through
different PDF/DOCX writers, fonts and table styles.  The expected values in ``expected/`` are
typed by hand from what the rendered documents say; this script never writes them.

    python tests/data/holdout/make_holdout.py              # render every source
    python tests/data/holdout/make_holdout.py NAME [...]   # render some sources
    python tests/data/holdout/make_holdout.py --list       # show sources and producers
    python tests/data/holdout/make_holdout.py --manifest   # only rewrite holdout.json

Output files are named ``<name>.<producer>.<ext>``:

    wd   python-docx  -> <name>.wd.docx, and its PDF through LibreOffice Writer <name>.wd.pdf
    lo   HTML (old-style attributes) -> LibreOffice Writer -> <name>.lo.pdf and <name>.lo.docx
    cr   HTML + CSS printed by headless Chromium -> <name>.cr.pdf
    rl   reportlab platypus -> <name>.rl.pdf
    xc   openpyxl xlsx with real merged cells and print titles -> LibreOffice Calc -> <name>.xc.pdf

Source markup (one block per line; blank lines and lines starting with ``//`` are ignored)
-------------------------------------------------------------------------------------------

    %key value          document setting (see DEFAULTS below); ``%font.rl uming`` sets the
                        font for one producer only, ``%style.wd threeline`` the table style;
                        ``%family`` and ``%notes`` go to holdout.json
    .title TEXT         big centred bold title line (consecutive lines form one title)
    .subtitle TEXT      centred line, normal weight
    .center TEXT / .right TEXT / .left TEXT     one line, so aligned, no indent
    .p TEXT             body paragraph (first-line indent of two characters)
    .h1 / .h2 / .h3 TEXT    numbered headings written by hand (一、 / （一） / 1.), bold
    .toc TEXT|PAGE      contents line with a dot leader
    .pagebreak          new page
    .space N            N empty lines
    .note TEXT          small print (under a table)
    .table k=v ...      start a table; options: caption="表1 …" (printed above, centred, bold),
                        widths=2,3,5 (relative column widths), fs=9 (font size), repeat=N (the
                        first N rows repeat on every page), align=ccl… (column alignment),
                        valign=top|center|bottom, style.<producer>=<style>, pad=N (points)
    !| a | b |          header row (bold, shaded when the style shades headers)
    | a | b |           body row
    .endtable

Cells: ``^`` = merged with the cell above, ``<`` = merged with the cell to the left (a block
spanning rows and columns is its top-left text, ``<`` along its first row and ``^`` or ``<``
below), ``\\^`` and ``\\<`` are the literal characters, ``\\n`` a line break inside the cell,
a leading ``{l}``/``{c}``/``{r}`` aligns the cell, ``{b}`` makes it bold.

Table styles: grid (all rules), threeline (三线表: thick top and bottom rule, thin rule under the
header), novert (horizontal rules only), hlines (a thin rule under every row only), thickouter
(thick frame, thin inner grid, wide cell margins), none (no rules at all), zebra (Chromium: grid
with striped rows), partial (Chromium: rules only under rows and right of the first column),
shaded (grid with grey header rows).

Re-rendering needs LibreOffice (soffice) and Chromium; both run one file at a time.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUT = HERE

# ---------------------------------------------------------------------------------------------
# fonts

FONT_FAMILIES = {
    "noto-serif": "Noto Serif CJK SC",
    "noto-sans": "Noto Sans CJK SC",
    "wqy": "WenQuanYi Zen Hei",
    "uming": "AR PL UMing CN",
    "ukai": "AR PL UKai CN",
}
# reportlab embeds TrueType only (the Noto CJK faces are CFF)
RL_FONTS = {
    "wqy": ("WQY", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "uming": ("UMing", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "ukai": ("UKai", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
}

DEFAULTS = {
    "producers": "wd,cr",
    "font": "noto-serif",
    "font.title": "",  # face of title lines and headings, default = body face
    "size": "12",  # body size in points
    "title_size": "18",
    "orientation": "portrait",
    "margins": "25,20",  # top/bottom, left/right in mm
    "style": "grid",
    "footer": "none",  # none | page (第 N 页) | dash (- N -) | plain (N)
    "header": "",  # running header text
    "line": "1.4",  # line spacing factor of body text
    "calc_fit": "width",  # xc: width = fit to page width, none = 100 %
}


# ---------------------------------------------------------------------------------------------
# document model


@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1
    header: bool = False
    align: str | None = None
    bold: bool = False


@dataclass
class Table:
    grid: list[list[Cell | None]]  # None = covered by a merged cell
    header_rows: list[bool]
    opts: dict

    @property
    def ncols(self) -> int:
        return len(self.grid[0])

    def widths(self) -> list[float]:
        w = self.opts.get("widths")
        if w:
            ws = [float(x) for x in w.split(",")]
            assert len(ws) == self.ncols, (len(ws), self.ncols, self.opts)
        else:
            ws = [1.0] * self.ncols
        total = sum(ws)
        return [x / total for x in ws]

    def col_align(self, c: int) -> str:
        a = self.opts.get("align", "")
        return a[c] if c < len(a) else "c"

    def repeat(self) -> int:
        return int(self.opts.get("repeat", "0"))

    def opt(self, key: str, producer: str, default: str | None = None) -> str | None:
        return self.opts.get(f"{key}.{producer}") or self.opts.get(key) or default

    def valign(self, producer: str) -> str:
        return self.opts.get("valign." + producer) or self.opts.get("valign") or "center"

    def fs(self, producer: str, default: float) -> float:
        return float(self.opts.get("fs." + producer) or self.opts.get("fs") or default)

    def style(self, producer: str, doc: "Doc") -> str:
        return self.opts.get("style." + producer) or doc.get("style", producer)


@dataclass
class Block:
    kind: str
    text: str = ""
    arg: str = ""
    table: Table | None = None


@dataclass
class Doc:
    name: str
    meta: dict
    blocks: list[Block] = field(default_factory=list)

    def get(self, key: str, producer: str | None = None) -> str:
        if producer and f"{key}.{producer}" in self.meta:
            return self.meta[f"{key}.{producer}"]
        return self.meta.get(key, DEFAULTS.get(key, ""))

    def producers(self) -> list[str]:
        return [p.strip() for p in self.get("producers").split(",") if p.strip()]

    def font(self, producer: str) -> str:
        return self.get("font", producer)

    def title_font(self, producer: str) -> str:
        return self.get("font.title", producer) or self.font(producer)


def parse_opts(s: str) -> dict:
    opts = {}
    for m in re.finditer(r'([\w.]+)=("([^"]*)"|\S+)', s):
        opts[m.group(1)] = m.group(3) if m.group(3) is not None else m.group(2)
    return opts


def split_row(line: str) -> list[str]:
    body = line.strip()
    assert body.startswith("|") and body.endswith("|"), line
    body = body[1:-1]
    # a literal pipe is never needed in these documents
    return [c.strip() for c in body.split("|")]


def build_table(rows: list[tuple[bool, list[str]]], opts: dict) -> Table:
    ncols = len(rows[0][1])
    for i, (_, r) in enumerate(rows):
        assert len(r) == ncols, f"row {i} has {len(r)} cells, expected {ncols}: {r}"
    raw = [r for _, r in rows]
    grid: list[list[Cell | None]] = [[None] * ncols for _ in raw]
    covered = [[False] * ncols for _ in raw]
    for r, row in enumerate(raw):
        for c, tok in enumerate(row):
            if tok in ("^", "<"):
                assert covered[r][c], f"stray merge marker at row {r} col {c}: {row}"
                continue
            assert not covered[r][c], f"text in a covered cell at row {r} col {c}: {tok}"
            cs = 1
            while c + cs < ncols and raw[r][c + cs] == "<":
                cs += 1
            rs = 1
            while r + rs < len(raw) and raw[r + rs][c] == "^":
                rs += 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    if (rr, cc) != (r, c):
                        assert raw[rr][cc] in ("^", "<"), f"block at {r},{c} not covered at {rr},{cc}"
                        covered[rr][cc] = True
            text, align, bold = tok, None, False
            while True:
                m = re.match(r"^\{([lcrb])\}", text)
                if not m:
                    break
                if m.group(1) == "b":
                    bold = True
                else:
                    align = m.group(1)
                text = text[m.end():]
            text = text.replace("\\^", "^").replace("\\<", "<").replace("\\n", "\n")
            grid[r][c] = Cell(text, rs, cs, rows[r][0], align, bold)
    return Table(grid, [h for h, _ in rows], opts)


def parse(path: Path) -> Doc:
    doc = Doc(path.stem, {})
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if not line.strip() or line.startswith("//"):
            continue
        if line.startswith("%"):
            key, _, val = line[1:].partition(" ")
            doc.meta[key] = val.strip()
            continue
        if line.startswith(".table"):
            opts = parse_opts(line[len(".table"):])
            rows = []
            while not lines[i].startswith(".endtable"):
                t = lines[i].rstrip()
                i += 1
                if not t.strip() or t.startswith("//"):
                    continue
                header = t.startswith("!")
                rows.append((header, split_row(t[1:] if header else t)))
            i += 1
            doc.blocks.append(Block("table", table=build_table(rows, opts)))
            continue
        m = re.match(r"^\.(\w+)\s?(.*)$", line)
        assert m, f"{path.name}: cannot read line {i}: {line}"
        kind, text = m.group(1), m.group(2)
        assert kind in {"title", "subtitle", "center", "right", "left", "p", "h1", "h2", "h3",
                        "toc", "pagebreak", "space", "note"}, f"{path.name}: unknown block .{kind}"
        arg = ""
        if kind == "toc":
            text, _, arg = text.rpartition("|")
        doc.blocks.append(Block(kind, text, arg))
    return doc


# ---------------------------------------------------------------------------------------------
# helpers


def run(cmd: list[str], cwd: Path | None = None, timeout: int = 240) -> None:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {r.stderr[-2000:]}")


def soffice_convert(src: Path, fmt: str, outdir: Path, infilter: str | None = None) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", fmt, "--outdir", str(outdir), str(src)]
        run(cmd)
    ext = fmt.split(":")[0]
    out = outdir / (src.stem + "." + ext)
    assert out.exists(), out
    return out


def page_mm(doc: Doc) -> tuple[float, float]:
    return (297.0, 210.0) if doc.get("orientation") == "landscape" else (210.0, 297.0)


def margins_mm(doc: Doc) -> tuple[float, float]:
    tb, lr = (float(x) for x in doc.get("margins").split(","))
    return tb, lr


# ---------------------------------------------------------------------------------------------
# producer: python-docx (wd)

def render_docx(doc: Doc, out: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    P = "wd"
    family = FONT_FAMILIES[doc.font(P)]
    tfamily = FONT_FAMILIES[doc.title_font(P)]
    size = float(doc.get("size", P))
    d = Document()
    sec = d.sections[0]
    w_mm, h_mm = page_mm(doc)
    if doc.get("orientation") == "landscape":
        sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(w_mm), Mm(h_mm)
    tb, lr = margins_mm(doc)
    sec.top_margin = sec.bottom_margin = Mm(tb)
    sec.left_margin = sec.right_margin = Mm(lr)
    text_w = w_mm - 2 * lr

    normal = d.styles["Normal"]
    normal.font.size = Pt(size)
    normal.font.name = family
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(a), family)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = float(doc.get("line", P))

    def set_font(run, fam=None, sz=None, bold=None):
        fam = fam or family
        run.font.name = fam
        r = run._element.get_or_add_rPr()
        rf = r.find(qn("w:rFonts"))
        if rf is None:
            rf = OxmlElement("w:rFonts")
            r.insert(0, rf)
        for a in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            rf.set(qn(a), fam)
        if sz:
            run.font.size = Pt(sz)
        if bold is not None:
            run.bold = bold

    def add_text(par, text, fam=None, sz=None, bold=None):
        parts = text.split("\n")
        for k, part in enumerate(parts):
            r = par.add_run(part)
            set_font(r, fam, sz, bold)
            if k < len(parts) - 1:
                r.add_break()

    def field_run(par, instr, sz):
        for kind in ("begin", None, "end"):
            r = par.add_run()
            set_font(r, sz=sz)
            if kind is None:
                it = OxmlElement("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = instr
                r._element.append(it)
            else:
                fc = OxmlElement("w:fldChar")
                fc.set(qn("w:fldCharType"), kind)
                r._element.append(fc)

    footer = doc.get("footer", P)
    if footer != "none":
        fp = sec.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pre, post = {"page": ("第 ", " 页"), "dash": ("- ", " -"), "plain": ("", "")}[footer]
        add_text(fp, pre, sz=9)
        field_run(fp, "PAGE", 9)
        add_text(fp, post, sz=9)
    if doc.get("header", P):
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(hp, doc.get("header", P), sz=9)

    def para(text, align=None, indent=False, fam=None, sz=None, bold=None, before=0, after=0):
        p = d.add_paragraph()
        if align:
            p.alignment = {"c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT,
                           "l": WD_ALIGN_PARAGRAPH.LEFT, "j": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        if indent:
            p.paragraph_format.first_line_indent = Pt((sz or size) * 2)
        p.paragraph_format.space_before = Pt(before)
        p.paragraph_format.space_after = Pt(after)
        add_text(p, text, fam, sz, bold)
        return p

    tsize = float(doc.get("title_size", P))
    pending_break = False
    for b in doc.blocks:
        if b.kind == "pagebreak":
            pending_break = True
            continue
        before_break = pending_break
        pending_break = False
        if b.kind == "title":
            p = para(b.text, "c", fam=tfamily, sz=tsize, bold=True, before=4, after=4)
        elif b.kind == "subtitle":
            p = para(b.text, "c", sz=size, after=4)
        elif b.kind == "center":
            p = para(b.text, "c")
        elif b.kind == "right":
            p = para(b.text, "r")
        elif b.kind == "left":
            p = para(b.text, "l")
        elif b.kind == "p":
            p = para(b.text, "j", indent=True)
        elif b.kind in ("h1", "h2", "h3"):
            sz = {"h1": size + 2, "h2": size + 1, "h3": size}[b.kind]
            fam = tfamily if b.kind == "h1" else family
            p = para(b.text, "l", fam=fam, sz=sz, bold=True, before=6 if b.kind == "h1" else 3,
                     after=3)
        elif b.kind == "toc":
            p = d.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Mm(text_w), WD_TAB_ALIGNMENT.RIGHT,
                                                      WD_TAB_LEADER.DOTS)
            if not re.match(r"^[一二三四五六七八九十]+、", b.text):
                p.paragraph_format.left_indent = Pt(size * 2)
            add_text(p, b.text + "\t" + b.arg)
        elif b.kind == "space":
            for _ in range(int(b.text or 1)):
                p = para("")
        elif b.kind == "note":
            p = para(b.text, "l", sz=max(size - 3, 8))
        elif b.kind == "table":
            if b.table.opts.get("caption"):
                p = para(b.table.opts["caption"], "c", fam=tfamily, bold=True, before=6, after=3)
                if before_break:
                    p.paragraph_format.page_break_before = True
                    before_break = False
            t = docx_table(d, b.table, doc, text_w, family, size, set_font, add_text)
            if before_break:
                # a page break before a table: an empty paragraph carrying the break
                pb = t._element.getprevious()
                p = d.add_paragraph()
                p.paragraph_format.page_break_before = True
                t._element.addprevious(p._element)
            continue
        else:
            raise ValueError(b.kind)
        if before_break:
            p.paragraph_format.page_break_before = True
    d.core_properties.author = doc.get("author") or ""
    d.core_properties.title = ""
    d.save(out)


def docx_table(d, t: Table, doc: Doc, text_w, family, size, set_font, add_text):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    P = "wd"
    style = t.style(P, doc)
    fs = t.fs(P, size - 2)
    nrows, ncols = len(t.grid), t.ncols
    table = d.add_table(rows=nrows, cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(text_w * w) for w in t.widths()]
    tblPr = table._tbl.tblPr
    # fixed layout so that LibreOffice keeps the given widths
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    for r in table.rows:
        for c, cell in enumerate(r.cells):
            cell.width = widths[c]
    grid_el = table._tbl.tblGrid
    for c, gc in enumerate(grid_el.findall(qn("w:gridCol"))):
        gc.set(qn("w:w"), str(int(widths[c].twips)))

    pad = t.opt("pad", P)
    if style == "thickouter" and not pad:
        pad = "5"
    if pad:
        mar = OxmlElement("w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            e = OxmlElement(f"w:{side}")
            e.set(qn("w:w"), str(int(float(pad) * 20)))
            e.set(qn("w:type"), "dxa")
            mar.append(e)
        tblPr.append(mar)

    # merges first, then text
    for r, row in enumerate(t.grid):
        for c, cell in enumerate(row):
            if cell and (cell.rs > 1 or cell.cs > 1):
                table.cell(r, c).merge(table.cell(r + cell.rs - 1, c + cell.cs - 1))
    valign = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP, "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM}.get(
        t.valign(P), WD_CELL_VERTICAL_ALIGNMENT.CENTER)
    shade_headers = style in ("novert", "shaded", "thickouter", "zebra")
    for r, row in enumerate(t.grid):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            dc = table.cell(r, c)
            dc.vertical_alignment = valign
            p = dc.paragraphs[0]
            al = cell.align or ("c" if cell.header else t.col_align(c))
            p.alignment = {"c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT,
                           "r": WD_ALIGN_PARAGRAPH.RIGHT}[al]
            p.paragraph_format.line_spacing = 1.0
            add_text(p, cell.text, sz=fs, bold=True if (cell.header or cell.bold) else None)
            if cell.header and shade_headers:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:color"), "auto")
                shd.set(qn("w:fill"), "D9D9D9" if style != "novert" else "DEEAF6")
                dc._tc.get_or_add_tcPr().append(shd)
    # repeated header rows
    for r in range(t.repeat()):
        trPr = table.rows[r]._tr.get_or_add_trPr()
        h = OxmlElement("w:tblHeader")
        trPr.append(h)

    # borders
    def border_el(tag, val, sz):
        e = OxmlElement(f"w:{tag}")
        e.set(qn("w:val"), val)
        e.set(qn("w:sz"), str(sz))
        e.set(qn("w:space"), "0")
        e.set(qn("w:color"), "000000")
        return e

    spec = {
        "grid": dict(top=4, bottom=4, left=4, right=4, insideH=4, insideV=4),
        "shaded": dict(top=4, bottom=4, left=4, right=4, insideH=4, insideV=4),
        "zebra": dict(top=4, bottom=4, left=4, right=4, insideH=4, insideV=4),
        "thickouter": dict(top=18, bottom=18, left=18, right=18, insideH=4, insideV=4),
        "novert": dict(top=8, bottom=8, insideH=4),
        "hlines": dict(insideH=4, bottom=4),
        "threeline": dict(top=12, bottom=12),
        "none": dict(),
    }[style]
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side in spec:
            borders.append(border_el(side, "single", spec[side]))
        else:
            borders.append(border_el(side, "nil", 0))
    tblPr.append(borders)
    if style == "threeline":
        last_header = max([i for i, h in enumerate(t.header_rows) if h and i < 4] or [0])
        if any(t.header_rows):
            for tc in table.rows[last_header]._tr.tc_lst:
                pr = tc.get_or_add_tcPr()
                tb = OxmlElement("w:tcBorders")
                tb.append(border_el("bottom", "single", 6))
                pr.append(tb)
    return table


# ---------------------------------------------------------------------------------------------
# producers: HTML for Chromium (cr) and for LibreOffice Writer (lo)

CSS_STYLES = {
    "grid": "td,th{border:0.6pt solid #000}",
    "shaded": "td,th{border:0.6pt solid #000} th{background:#d9d9d9}",
    "zebra": ("td,th{border:0.5pt solid #666} th{background:#dce6f1} "
              "tbody tr:nth-child(even) td{background:#f2f2f2}"),
    "partial": ("td,th{border:none;border-bottom:0.5pt solid #444} "
                "td:first-child,th:first-child{border-right:1pt solid #000} "
                "thead th{border-bottom:1.2pt solid #000;background:#eee} "
                "table{border-top:1.5pt solid #000;border-bottom:1.5pt solid #000}"),
    "threeline": ("td,th{border:none} table{border-top:1.5pt solid #000;border-bottom:1.5pt solid #000} "
                  "thead tr:last-child th{border-bottom:0.75pt solid #000}"),
    "novert": "td,th{border:none;border-top:0.5pt solid #000;border-bottom:0.5pt solid #000} th{background:#e8eef7}",
    "hlines": "td,th{border:none;border-bottom:0.4pt solid #000}",
    "thickouter": ("td,th{border:0.5pt solid #000;padding:5pt 6pt} table{border:2.2pt solid #000} "
                   "th{background:#d9d9d9}"),
    "none": "td,th{border:none}",
}


def html_doc(doc: Doc, producer: str) -> str:
    P = producer
    family = FONT_FAMILIES[doc.font(P)]
    tfamily = FONT_FAMILIES[doc.title_font(P)]
    size = float(doc.get("size", P))
    tsize = float(doc.get("title_size", P))
    tb, lr = margins_mm(doc)
    orient = doc.get("orientation")
    lo = producer == "lo"
    out = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title></title><style>"]
    if not lo:
        footer = doc.get("footer", P)
        fcontent = {"page": '"第 " counter(page) " 页"', "dash": '"- " counter(page) " -"',
                    "plain": "counter(page)"}.get(footer)
        out.append(f"@page{{size:A4 {orient};margin:{tb}mm {lr}mm;"
                   + (f"@bottom-center{{content:{fcontent};font-family:'{family}';font-size:9pt}}" if fcontent else "")
                   + (f"@top-center{{content:\"{doc.get('header', P)}\";font-family:'{family}';font-size:9pt;border-bottom:0.5pt solid #000}}" if doc.get('header', P) else "")
                   + "}")
    out.append(f"body{{font-family:'{family}';font-size:{size}pt;line-height:{doc.get('line', P)};margin:0}}")
    out.append(f".title{{font-family:'{tfamily}';font-size:{tsize}pt;font-weight:bold;text-align:center;margin:4pt 0}}")
    out.append(".subtitle,.center{text-align:center;margin:2pt 0} .right{text-align:right;margin:0} .left{margin:0}")
    out.append(f"p.p{{text-indent:2em;margin:0;text-align:justify}} .h1{{font-family:'{tfamily}';font-size:{size+2}pt;font-weight:bold;margin:8pt 0 3pt}}")
    out.append(f".h2{{font-size:{size+1}pt;font-weight:bold;margin:4pt 0 2pt}} .h3{{font-weight:bold;margin:2pt 0}}")
    out.append(".toc{display:flex;margin:0} .toc .t{white-space:nowrap} .toc .dots{flex:1;border-bottom:1pt dotted #000;margin:0 4pt 5pt} .toc.sub{padding-left:2em}")
    out.append(f".note{{font-size:{max(size-3, 8)}pt;margin:2pt 0}} .caption{{font-family:'{tfamily}';text-align:center;font-weight:bold;margin:8pt 0 3pt}}")
    out.append("table{border-collapse:collapse;width:100%;table-layout:fixed} td,th{padding:2pt 3pt;vertical-align:middle;line-height:1.25}")
    out.append("th{font-weight:bold} tr{page-break-inside:auto} .pb{page-break-before:always}")
    out.append("</style></head><body>")
    pending_break = False
    cols_open = False
    for b in doc.blocks:
        if b.kind == "pagebreak":
            pending_break = True
            continue
        pb = ' style="page-break-before:always"' if pending_break else ""
        pending_break = False
        e = html.escape(b.text).replace("\n", "<br>") if b.text else ""
        if b.kind == "title":
            out.append(f'<p class="title"{pb}>' + (f'<font size="5" face="{tfamily}"><b>{e}</b></font>' if lo else e) + "</p>")
        elif b.kind in ("subtitle", "center"):
            out.append(f'<p class="center" align="center"{pb}>{e}</p>')
        elif b.kind == "right":
            out.append(f'<p class="right" align="right"{pb}>{e}</p>')
        elif b.kind == "left":
            out.append(f'<p class="left"{pb}>{e}</p>')
        elif b.kind == "p":
            out.append(f'<p class="p"{pb}>{"　　" if lo else ""}{e}</p>')
        elif b.kind in ("h1", "h2", "h3"):
            out.append(f'<p class="{b.kind}"{pb}><b>{e}</b></p>')
        elif b.kind == "toc":
            sub = "" if re.match(r"^[一二三四五六七八九十]+、", b.text) else " sub"
            if lo:
                out.append(f'<p class="left">{"　　" if sub else ""}{e}……………………{html.escape(b.arg)}</p>')
            else:
                out.append(f'<p class="toc{sub}"{pb}><span class="t">{e}</span><span class="dots"></span><span>{html.escape(b.arg)}</span></p>')
        elif b.kind == "space":
            out.append("<p>&nbsp;</p>" * int(b.text or 1))
        elif b.kind == "note":
            out.append(f'<p class="note"{pb}>{e}</p>')
        elif b.kind == "table":
            t = b.table
            if t.opts.get("columns") == "open" and not lo:
                out.append('<div style="display:flex;gap:6mm">')
                cols_open = True
            if cols_open and not lo:
                out.append('<div style="flex:1">')
            if t.opts.get("caption"):
                out.append(f'<p class="caption" align="center"{pb}><b>{html.escape(t.opts["caption"])}</b></p>')
                pb = ""
            out.append(html_table(t, doc, producer, pb))
            if cols_open and not lo:
                out.append("</div>")
                if t.opts.get("columns") == "close":
                    out.append("</div>")
                    cols_open = False
    out.append("</body></html>")
    return "\n".join(out)


def html_table(t: Table, doc: Doc, producer: str, pb: str) -> str:
    lo = producer == "lo"
    style = t.style(producer, doc)
    size = float(doc.get("size", producer))
    fs = t.fs(producer, size - 2)
    tid = "t%d" % id(t)
    out = []
    if not lo:
        css = CSS_STYLES[style].replace("td,th", f"#{tid} td,#{tid} th").replace("th{", f"#{tid} th{{") \
            .replace("table{", f"#{tid}{{").replace("thead", f"#{tid} thead").replace("tbody", f"#{tid} tbody")
        out.append(f"<style>#{tid}{{font-size:{fs}pt}} {css}</style>")
        pad = t.opt("pad", producer)
        if pad:
            out.append(f"<style>#{tid} td,#{tid} th{{padding:{pad}pt}}</style>")
        va = t.valign(producer).replace("center", "middle")
        out.append(f"<style>#{tid} td{{vertical-align:{va}}}</style>")
        out.append(f'<table id="{tid}"{pb}>')
    else:
        border = "0" if style in ("none", "hlines", "threeline", "partial", "novert") else "1"
        rules = {"hlines": ' rules="rows"', "novert": ' rules="rows" frame="hsides"',
                 "threeline": ' frame="hsides" rules="groups"', "partial": ' frame="hsides" rules="rows"'}.get(style, "")
        if rules:
            border = "1"
        pad = t.opt("pad", producer, "3")
        out.append(f'<table width="100%" border="{border}"{rules} cellspacing="0" cellpadding="{pad}"{pb}>')
    if not lo:
        out.append("<colgroup>" + "".join(f'<col width="{w*100:.1f}%">' for w in t.widths()) + "</colgroup>")
    rep = t.repeat()
    for r, row in enumerate(t.grid):
        if r == 0 and rep:
            out.append("<thead>")
        if r == rep:
            out.append("<tbody>")
        cells = []
        for c, cell in enumerate(row):
            if cell is None:
                continue
            tag = "th" if cell.header else "td"
            attrs = ""
            if cell.rs > 1:
                attrs += f' rowspan="{cell.rs}"'
            if cell.cs > 1:
                attrs += f' colspan="{cell.cs}"'
            al = cell.align or ("c" if cell.header else t.col_align(c))
            attrs += ' align="%s"' % {"c": "center", "l": "left", "r": "right"}[al]
            if not lo:
                attrs += ' style="text-align:%s"' % {"c": "center", "l": "left", "r": "right"}[al]
            else:
                attrs += f' valign="{t.valign(producer).replace("center", "middle")}"'
                attrs += ' width="%d%%"' % round(100 * sum(t.widths()[c:c + cell.cs]))
                if cell.header and style in ("shaded", "zebra", "thickouter", "novert", "partial"):
                    attrs += ' bgcolor="#D9D9D9"'
            e = html.escape(cell.text).replace("\n", "<br>")
            if cell.bold and not cell.header:
                e = f"<b>{e}</b>"
            if lo:
                e = f'<font style="font-size:{fs}pt">{e}</font>'
            cells.append(f"<{tag}{attrs}>{e}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
        if rep and r == rep - 1:
            out.append("</thead>")
    if rep < len(t.grid):
        out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def render_chromium(doc: Doc, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (doc.name + ".html")
        src.write_text(html_doc(doc, "cr"), encoding="utf-8")
        prof = Path(tmp) / "profile"
        run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={prof}", "--no-pdf-header-footer", f"--print-to-pdf={out}",
             src.as_uri()])


def render_lo_html(doc: Doc, out_pdf: Path, out_docx: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (doc.name + ".html")
        src.write_text(html_doc(doc, "lo"), encoding="utf-8")
        # Writer (not Writer/Web) reads the HTML; the page setup comes from an ODT round trip
        odt = soffice_convert(src, "odt", Path(tmp), infilter="HTML (StarWriter)")
        fix_odt_page(odt, doc)
        pdf = soffice_convert(odt, "pdf", Path(tmp))
        shutil.move(pdf, out_pdf)
        dx = soffice_convert(odt, "docx:MS Word 2007 XML", Path(tmp))
        shutil.move(dx, out_docx)


def fix_odt_page(odt: Path, doc: Doc) -> None:
    """Set A4, orientation, margins and a page-number footer on every page style of the ODT."""
    import zipfile
    w_mm, h_mm = page_mm(doc)
    tb, lr = margins_mm(doc)
    footer = doc.get("footer", "lo")
    attrs = {"fo:page-width": f"{w_mm}mm", "fo:page-height": f"{h_mm}mm",
             "style:print-orientation": doc.get("orientation"), "fo:margin-top": f"{tb}mm",
             "fo:margin-bottom": f"{tb * 0.6 if footer != 'none' else tb}mm",
             "fo:margin-left": f"{lr}mm", "fo:margin-right": f"{lr}mm"}

    def props(m):
        tag = m.group(0)
        for k, v in attrs.items():
            if f'{k}="' in tag:
                tag = re.sub(rf'{k}="[^"]*"', f'{k}="{v}"', tag)
            else:
                tag = tag.replace("<style:page-layout-properties", f'<style:page-layout-properties {k}="{v}"', 1)
        return tag

    tmp = odt.with_suffix(".tmp")
    with zipfile.ZipFile(odt) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "styles.xml":
                s = data.decode("utf-8")
                s = re.sub(r"<style:page-layout-properties[^>]*>", props, s)
                if footer != "none":
                    pre, post = {"page": ("第 ", " 页"), "dash": ("- ", " -"), "plain": ("", "")}[footer]
                    ft = (f'<style:footer><text:p text:style-name="HoldoutFooter">{pre}'
                          f'<text:page-number text:select-page="current">1</text:page-number>{post}</text:p></style:footer>')
                    s = re.sub(r"(<style:master-page [^>]*?)/>", rf"\1>{ft}</style:master-page>", s)
                    s = s.replace("</office:styles>",
                                  '<style:style style:name="HoldoutFooter" style:family="paragraph">'
                                  '<style:paragraph-properties fo:text-align="center"/>'
                                  '<style:text-properties fo:font-size="9pt"/></style:style></office:styles>')
                    s = re.sub(r"<style:footer-style/>",
                               '<style:footer-style><style:header-footer-properties fo:min-height="6mm" '
                               'fo:margin-top="3mm"/></style:footer-style>', s)
                data = s.encode("utf-8")
            zout.writestr(item, data)
    tmp.replace(odt)


# ---------------------------------------------------------------------------------------------
# producer: reportlab (rl)

def render_reportlab(doc: Doc, out: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table as RTable,
                                    TableStyle)

    P = "rl"
    fkey, tkey = doc.font(P), doc.title_font(P)
    for k in {fkey, tkey}:
        name, path, idx = RL_FONTS[k]
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=idx))
    fname, tname = RL_FONTS[fkey][0], RL_FONTS[tkey][0]
    size = float(doc.get("size", P))
    tsize = float(doc.get("title_size", P))
    lead = float(doc.get("line", P))
    pagesize = landscape(A4) if doc.get("orientation") == "landscape" else A4
    tb, lr = margins_mm(doc)
    frame_w = pagesize[0] - 2 * lr * mm

    def ps(name, **kw):
        base = dict(fontName=fname, fontSize=size, leading=size * lead, wordWrap="CJK")
        base.update(kw)
        return ParagraphStyle(name, **base)

    st = {
        "title": ps("title", fontName=tname, fontSize=tsize, leading=tsize * 1.35, alignment=TA_CENTER,
                    spaceBefore=2, spaceAfter=4),
        "subtitle": ps("subtitle", alignment=TA_CENTER, spaceAfter=3),
        "center": ps("center", alignment=TA_CENTER),
        "right": ps("right", alignment=TA_RIGHT),
        "left": ps("left", alignment=TA_LEFT),
        "p": ps("p", alignment=TA_JUSTIFY, firstLineIndent=size * 2),
        "h1": ps("h1", fontName=tname, fontSize=size + 2, leading=(size + 2) * 1.5, spaceBefore=6, spaceAfter=2),
        "h2": ps("h2", fontName=tname, fontSize=size + 1, leading=(size + 1) * 1.5, spaceBefore=3),
        "h3": ps("h3", fontName=tname),
        "note": ps("note", fontSize=max(size - 3, 8), leading=max(size - 3, 8) * 1.3),
        "caption": ps("caption", fontName=tname, alignment=TA_CENTER, spaceBefore=6, spaceAfter=3),
    }

    footer = doc.get("footer", P)
    header = doc.get("header", P)

    def on_page(canvas, _doc):
        canvas.saveState()
        n = canvas.getPageNumber()
        if footer != "none":
            pre, post = {"page": ("第 ", " 页"), "dash": ("- ", " -"), "plain": ("", "")}[footer]
            canvas.setFont(fname, 9)
            canvas.drawCentredString(pagesize[0] / 2, tb * mm * 0.5, f"{pre}{n}{post}")
        if header:
            canvas.setFont(fname, 9)
            y = pagesize[1] - tb * mm * 0.6
            canvas.drawCentredString(pagesize[0] / 2, y, header)
            canvas.setLineWidth(0.5)
            canvas.line(lr * mm, y - 3, pagesize[0] - lr * mm, y - 3)
        canvas.restoreState()

    story = []
    for b in doc.blocks:
        e = html.escape(b.text).replace("\n", "<br/>")
        if b.kind == "pagebreak":
            story.append(PageBreak())
        elif b.kind == "space":
            story.append(Spacer(1, size * lead * int(b.text or 1)))
        elif b.kind in ("h1", "h2", "h3"):
            story.append(Paragraph(e, st[b.kind]))
        elif b.kind == "toc":
            sub = not re.match(r"^[一二三四五六七八九十]+、", b.text)
            label = ("　　" if sub else "") + e
            w = pdfmetrics.stringWidth(("　　" if sub else "") + b.text, fname, size)
            dots_w = frame_w - w - pdfmetrics.stringWidth(b.arg, fname, size) - 6
            n = max(int(dots_w / pdfmetrics.stringWidth(".", fname, size)), 3)
            story.append(Paragraph(label + "." * n + html.escape(b.arg), st["left"]))
        elif b.kind == "table":
            t = b.table
            if t.opts.get("caption"):
                story.append(Paragraph(html.escape(t.opts["caption"]), st["caption"]))
            story.append(rl_table(t, doc, frame_w, fname, tname, size, colors, TableStyle, RTable,
                                  Paragraph, ParagraphStyle, TA_CENTER, TA_LEFT, TA_RIGHT))
            story.append(Spacer(1, 4))
        else:
            story.append(Paragraph(e or "&nbsp;", st[b.kind]))
    sd = SimpleDocTemplate(str(out), pagesize=pagesize, leftMargin=lr * mm, rightMargin=lr * mm,
                           topMargin=tb * mm, bottomMargin=tb * mm, title="", author="",
                           creator="reportlab")
    sd.build(story, onFirstPage=on_page, onLaterPages=on_page)


def rl_table(t, doc, frame_w, fname, tname, size, colors, TableStyle, RTable, Paragraph,
             ParagraphStyle, TA_CENTER, TA_LEFT, TA_RIGHT):
    P = "rl"
    style = t.style(P, doc)
    fs = t.fs(P, size - 2)
    aligns = {"c": TA_CENTER, "l": TA_LEFT, "r": TA_RIGHT}
    styles = {}

    def pst(al, bold):
        key = (al, bold)
        if key not in styles:
            styles[key] = ParagraphStyle(f"c{al}{bold}{id(t)}", fontName=tname if bold else fname,
                                         fontSize=fs, leading=fs * 1.25, alignment=aligns[al],
                                         wordWrap="CJK")
        return styles[key]

    data = []
    spans = []
    for r, row in enumerate(t.grid):
        line = []
        for c, cell in enumerate(row):
            if cell is None:
                line.append("")
                continue
            al = cell.align or ("c" if cell.header else t.col_align(c))
            line.append(Paragraph(html.escape(cell.text).replace("\n", "<br/>"),
                                  pst(al, cell.header or cell.bold)))
            if cell.rs > 1 or cell.cs > 1:
                spans.append(("SPAN", (c, r), (c + cell.cs - 1, r + cell.rs - 1)))
        data.append(line)
    pad = float(t.opt("pad", P, "3"))
    cmds = [("VALIGN", (0, 0), (-1, -1), {"top": "TOP", "bottom": "BOTTOM"}.get(t.valign(P), "MIDDLE")),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.7), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.7)]
    cmds += spans
    n = len(t.grid)
    if style in ("grid", "shaded", "zebra"):
        cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    elif style == "thickouter":
        cmds += [("INNERGRID", (0, 0), (-1, -1), 0.3, colors.black), ("BOX", (0, 0), (-1, -1), 1.8, colors.black)]
    elif style == "hlines":
        for r in range(n):
            cmds.append(("LINEBELOW", (0, r), (-1, r), 0.4, colors.black))
        cmds.append(("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black))
    elif style == "threeline":
        last_header = max([i for i, h in enumerate(t.header_rows) if h and i < 4] or [0])
        cmds += [("LINEABOVE", (0, 0), (-1, 0), 1.5, colors.black),
                 ("LINEBELOW", (0, last_header), (-1, last_header), 0.6, colors.black),
                 ("LINEBELOW", (0, -1), (-1, -1), 1.5, colors.black)]
    elif style == "none":
        pass
    else:
        raise ValueError(style)
    if style in ("shaded", "zebra", "thickouter"):
        for r, h in enumerate(t.header_rows):
            if h:
                cmds.append(("BACKGROUND", (0, r), (-1, r), colors.Color(0.86, 0.86, 0.86)))
    if style == "zebra":
        for r in range(n):
            if not t.header_rows[r] and r % 2 == 0:
                cmds.append(("BACKGROUND", (0, r), (-1, r), colors.Color(0.95, 0.95, 0.95)))
    widths = [frame_w * w for w in t.widths()]
    return RTable(data, colWidths=widths, repeatRows=t.repeat(), style=TableStyle(cmds),
                  splitByRow=1, splitInRow=0)


# ---------------------------------------------------------------------------------------------
# producer: openpyxl xlsx -> LibreOffice Calc (xc)

def column_map(table_widths: list[float], sheet_widths: list[float]) -> list[int]:
    """Spread a table's columns over the sheet's columns (a narrower table gets merged columns).

    Returns the first sheet column of every table column, plus the end."""
    k, n = len(table_widths), len(sheet_widths)
    if k == n:
        return list(range(n + 1))
    bounds, acc = [0], 0.0
    sheet_acc = [sum(sheet_widths[:i + 1]) for i in range(n)]
    for c in range(k - 1):
        acc += table_widths[c]
        # the sheet column boundary nearest to the table column boundary, at least one column each
        j = min(range(n), key=lambda i: abs(sheet_acc[i] - acc)) + 1
        j = max(j, bounds[-1] + 1)
        j = min(j, n - (k - 1 - c))
        bounds.append(j)
    bounds.append(n)
    return bounds


def render_calc(doc: Doc, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    P = "xc"
    family = FONT_FAMILIES[doc.font(P)]
    tfamily = FONT_FAMILIES[doc.title_font(P)]
    size = float(doc.get("size", P))
    tsize = float(doc.get("title_size", P))
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    tables = [b.table for b in doc.blocks if b.kind == "table"]
    ncols = max(t.ncols for t in tables)
    w_mm, _ = page_mm(doc)
    tb, lr = margins_mm(doc)
    text_w_chars = (w_mm - 2 * lr) / 2.1  # width units, roughly one digit each
    widths = max(tables, key=lambda t: t.ncols).widths()
    col_chars = [text_w_chars * w for w in widths]
    for c, wch in enumerate(col_chars):
        ws.column_dimensions[get_column_letter(c + 1)].width = round(wch, 1)
    thin = Side(style="thin", color="000000")
    medium = Side(style="medium", color="000000")
    none = Side(style=None)
    r = 1
    print_rows = None

    def line_height(text, width_chars, fs):
        # crude estimate: CJK characters are two width units
        lines = 0
        for part in text.split("\n"):
            units = sum(2 if ord(ch) > 0x2000 else 1 for ch in part) * fs / 11
            lines += max(1, int(units / max(width_chars - 1, 1) + 0.999))
        return lines * fs * 1.35 + 4

    for b in doc.blocks:
        if b.kind in ("title", "subtitle", "center", "right", "left", "p", "note", "h1", "h2", "h3"):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            cell = ws.cell(r, 1, b.text)
            fs = tsize if b.kind == "title" else (size - 2 if b.kind == "note" else size)
            cell.font = Font(name=tfamily if b.kind in ("title", "h1") else family, size=fs,
                             bold=b.kind in ("title", "h1", "h2", "h3"))
            cell.alignment = Alignment(horizontal={"title": "center", "subtitle": "center", "center": "center",
                                                   "right": "right"}.get(b.kind, "left"),
                                       vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = line_height(b.text, sum(col_chars), fs)
            r += 1
        elif b.kind == "space":
            r += int(b.text or 1)
        elif b.kind == "pagebreak":
            from openpyxl.worksheet.pagebreak import Break
            ws.row_breaks.append(Break(id=r - 1))
        elif b.kind == "table":
            t = b.table
            style = t.style(P, doc)
            fs = t.fs(P, size - 2)
            if t.opts.get("caption"):
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
                cell = ws.cell(r, 1, t.opts["caption"])
                cell.font = Font(name=tfamily, size=size, bold=True)
                cell.alignment = Alignment(horizontal="center")
                r += 1
            top = r
            if t.repeat():
                print_rows = f"{top}:{top + t.repeat() - 1}"
            if t.opts.get("print_titles"):
                a, bb = (int(x) for x in t.opts["print_titles"].split("-"))
                print_rows = f"{top + a - 1}:{top + bb - 1}"
            heights = [0.0] * len(t.grid)
            cmap = column_map(t.widths(), widths)  # table column -> first sheet column
            for rr, row in enumerate(t.grid):
                for c, cell in enumerate(row):
                    if cell is None:
                        continue
                    c0, c1 = cmap[c], cmap[c + cell.cs] - 1  # sheet columns, 0-based
                    x = ws.cell(top + rr, c0 + 1, cell.text)
                    x.font = Font(name=family, size=fs, bold=cell.header or cell.bold)
                    al = cell.align or ("c" if cell.header else t.col_align(c))
                    x.alignment = Alignment(horizontal={"c": "center", "l": "left", "r": "right"}[al],
                                            vertical={"top": "top", "bottom": "bottom"}.get(t.valign(P), "center"),
                                            wrap_text=True)
                    if cell.header and style in ("shaded", "zebra", "thickouter"):
                        x.fill = PatternFill("solid", fgColor="D9D9D9")
                    if cell.rs > 1 or c1 > c0:
                        ws.merge_cells(start_row=top + rr, start_column=c0 + 1,
                                       end_row=top + rr + cell.rs - 1, end_column=c1 + 1)
                    wch = sum(col_chars[c0:c1 + 1])
                    h = line_height(cell.text, wch, fs) / cell.rs
                    for k in range(cell.rs):
                        heights[rr + k] = max(heights[rr + k], h)
            for rr, h in enumerate(heights):
                ws.row_dimensions[top + rr].height = max(h, fs * 1.6)
            # borders on every grid position, merged or not
            n = len(t.grid)
            last_col = cmap[t.ncols] - 1
            for rr in range(n):
                for c in range(last_col + 1):
                    x = ws.cell(top + rr, c + 1)
                    if style == "none":
                        continue
                    if style == "hlines":
                        x.border = Border(bottom=thin, top=medium if rr == 0 else none)
                    elif style == "thickouter":
                        x.border = Border(left=medium if c == 0 else thin, right=medium if c == last_col else thin,
                                          top=medium if rr == 0 else thin, bottom=medium if rr == n - 1 else thin)
                    else:
                        x.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            r = top + n + 1
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = doc.get("orientation")
    if doc.get("calc_fit") == "width":
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = lr / 25.4
    ws.page_margins.top = ws.page_margins.bottom = tb / 25.4
    ws.print_options.horizontalCentered = True
    if print_rows:
        ws.print_title_rows = print_rows
    footer = doc.get("footer", P)
    if footer != "none":
        pre, post = {"page": ("第 ", " 页"), "dash": ("- ", " -"), "plain": ("", "")}[footer]
        ws.oddFooter.center.text = f"{pre}&P{post}"
        ws.oddFooter.center.size = 9
    ws.print_area = f"A1:{get_column_letter(ncols)}{r - 1}"
    with tempfile.TemporaryDirectory() as tmp:
        x = Path(tmp) / (doc.name + ".xlsx")
        wb.save(x)
        pdf = soffice_convert(x, "pdf", Path(tmp))
        shutil.move(pdf, out)


# ---------------------------------------------------------------------------------------------

def strip_pdf_dates(pdf: Path) -> None:
    """Nothing to strip: the PDFs keep their producers' metadata on purpose."""


def render(doc: Doc, only: set[str] | None = None) -> list[Path]:
    made = []
    for prod in doc.producers():
        if only and prod not in only:
            continue
        base = f"{doc.name}.{prod}"
        f = lambda ext: OUT / (base + ext)
        print(f"  {doc.name} [{prod}]", flush=True)
        if prod == "wd":
            dx = f(".docx")
            render_docx(doc, dx)
            with tempfile.TemporaryDirectory() as tmp:
                pdf = soffice_convert(dx, "pdf", Path(tmp))
                shutil.move(pdf, f(".pdf"))
            made += [dx, f(".pdf")]
        elif prod == "lo":
            render_lo_html(doc, f(".pdf"), f(".docx"))
            made += [f(".pdf"), f(".docx")]
        elif prod == "cr":
            render_chromium(doc, f(".pdf"))
            made.append(f(".pdf"))
        elif prod == "rl":
            render_reportlab(doc, f(".pdf"))
            made.append(f(".pdf"))
        elif prod == "xc":
            render_calc(doc, f(".pdf"))
            made.append(f(".pdf"))
        else:
            raise ValueError(f"{doc.name}: unknown producer {prod}")
    return made


PRODUCER_NAMES = {
    ("wd", "docx"): "python-docx",
    ("wd", "pdf"): "python-docx + LibreOffice Writer",
    ("lo", "pdf"): "HTML + LibreOffice Writer",
    ("lo", "docx"): "HTML + LibreOffice Writer (DOCX export)",
    ("cr", "pdf"): "HTML/CSS + Chromium",
    ("rl", "pdf"): "reportlab",
    ("xc", "pdf"): "openpyxl xlsx + LibreOffice Calc",
}


def pdf_pages(path: Path) -> int | None:
    r = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
    m = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else None


def write_manifest() -> None:
    """holdout.json: one entry per rendered file (metadata only, no expected values)."""
    import json
    entries = []
    for src in sorted(SOURCES.glob("*.txt")):
        d = parse(src)
        for prod in d.producers():
            for ext in ("docx", "pdf"):
                f = OUT / f"{d.name}.{prod}.{ext}"
                if not f.exists():
                    continue
                styles = sorted({b.table.style(prod, d) for b in d.blocks if b.kind == "table"})
                bits = [d.get("notes"), f"table style {'/'.join(styles)}", d.get("orientation")]
                if ext == "pdf":
                    bits.append(f"{pdf_pages(f)} pages")
                entries.append({"file": f.name, "source": d.name, "family": d.get("family"),
                                "producer": PRODUCER_NAMES[(prod, ext)],
                                "font": FONT_FAMILIES[d.font(prod)]
                                + ("" if d.title_font(prod) == d.font(prod)
                                   else f" (titles {FONT_FAMILIES[d.title_font(prod)]})"),
                                "format": ext, "notes": "; ".join(b for b in bits if b)})
    (OUT / "holdout.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    print(f"holdout.json: {len(entries)} files")


def main(argv: list[str]) -> None:
    names = [a for a in argv if not a.startswith("-")]
    only = None
    for a in argv:
        if a.startswith("--only="):
            only = set(a.split("=", 1)[1].split(","))
    paths = sorted(SOURCES.glob("*.txt"))
    if names:
        paths = [SOURCES / f"{n}.txt" for n in names]
    if "--manifest" in argv:
        write_manifest()
        return
    if "--list" in argv:
        for p in paths:
            d = parse(p)
            print(f"{d.name:45s} {','.join(d.producers()):16s} {d.get('font')}")
        return
    for p in paths:
        d = parse(p)
        render(d, only)
    write_manifest()


if __name__ == "__main__":
    main(sys.argv[1:])
