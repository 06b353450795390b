"""The scan corpus of issue 19: development-corpus reports printed in several CJK faces, then
scanned badly (tests/data/scans/corpus/), and a held-out set in other faces with other seal and
degradation parameters (tests/data/scans/holdout/).

    python samples/make_scan_corpus.py                 # the corpus set and its scans.json
    python samples/make_scan_corpus.py --holdout       # the held-out set and its scans.json
    python samples/make_scan_corpus.py --tuning        # the tuning set (not committed, see below)
    python samples/make_scan_corpus.py NAME ...        # only files whose name contains NAME
    python samples/make_scan_corpus.py --out DIR ...   # write into DIR (no manifest written)
    python samples/make_scan_corpus.py --list          # the plan: file, pages, degradations

Corpus set: each source of CORPUS_SOURCES is rendered by make_corpus's `reportlab-ruled`
producer with its body and title font replaced by one face (uming = Song/Ming, ukai = Kai,
wqy-zenhei = Hei) into a temporary folder, rasterised at 200 dpi and degraded. Held-out set:
sources of tests/data/holdout rendered by make_holdout's `rl` producer in AR PL SungtiL GB
(`gbsn`, fonts-arphic-gbsn00lp) or AR PL KaitiM GB (`gkai`, fonts-arphic-gkai00mp), committed
held-out PDFs in Noto Serif/Sans CJK (Word/LibreOffice/Chromium output), and two development
sources not in the corpus set, in gbsn/gkai. The expected rows are the born-digital ones
(the sources' expected/ files). Tuning set (tests/data/scans/tuning/, only its scans.json is
committed; the PDFs are made again by this command): the corpus sources in more faces,
BabelStone Han (Ming), WenQuanYi Micro Hei, LXGW WenKai (Kai) and its light weight, and 15
committed development PDFs of Word, Chromium, Calc and unruled tables, with parameters between
the other two sets — for trying a rule on faces and producers it was not written on before the
held-out set is run.

Degradations (named; each file has a combination, see CORPUS_SET / HOLDOUT_SET):
    skew      every page turned by its own angle, 1–3° either way (others: under 0.3°)
    sideways  the main table page of a landscape report scanned sideways: turned ±90°, so the
              image is portrait with the text running up or down
    upside    a page turned 180° (the last page)
    lighting  uneven illumination (a smooth gradient and a vignette; holdout: a shadow from
              the book spine along one edge and a hot spot), the last page darker
    jpeg      JPEG quality 40–60 (holdout 32–45) instead of 75
    colour    an RGB scan on yellowish paper (holdout: grey-green recycled paper, blue-black
              toner) instead of grey
    seal      a red official seal — ring, five-pointed star, the agency's name on an arc in a
              CJK face (holdout: an oval double-ring 财务专用章 with a serial number) —
              semi-transparent over the signature/填报单位 line and over the last indicator rows
    fold      a fold across the main table page: a dark shadow band with a bright ridge
              (holdout: two folds, the letter folded in three)
    plain     none of the above
Every page also gets paper that is not quite white, sensor noise, a few specks and a JPEG
round trip. Grey pages stay grey (a red seal becomes a grey one, as a grey scanner sees it).

Everything random is seeded by the output file name, so re-running gives the same bytes
(Pillow writes JPEG pages as they are; the PDF dates are fixed). The pages are images only,
with no text layer. Needs reportlab, pdfplumber, pypdfium2, Pillow, numpy and the Debian fonts
fonts-arphic-uming, fonts-arphic-ukai, fonts-wqy-zenhei (corpus), fonts-arphic-gbsn00lp,
fonts-arphic-gkai00mp, fonts-noto-cjk (holdout), fonts-babelstone-han, fonts-wqy-microhei,
fonts-lxgw-wenkai (tuning); every set needs fonts-arphic-uming (the seals' lettering).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import logging
import math
import re
import sys
import unicodedata
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import make_corpus  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"
HOLDOUT = ROOT / "tests" / "data" / "holdout"
SCANS = ROOT / "tests" / "data" / "scans"
DPI = 200
PX = DPI / 72  # image pixels per PDF point
MM = DPI / 25.4  # image pixels per millimetre

FACES = {  # key: (family name, font file); the corpus faces come from make_corpus.FONTS
    "uming": ("AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc"),
    "ukai": ("AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc"),
    "wqy-zenhei": ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    "gbsn": ("AR PL SungtiL GB", "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"),
    "gkai": ("AR PL KaitiM GB", "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"),
    "noto-serif": ("Noto Serif CJK SC", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "noto-sans": ("Noto Sans CJK SC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "babelstone": ("BabelStone Han", "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"),
    "microhei": ("WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    "wenkai": ("LXGW WenKai", "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"),
    "wenkai-light": ("LXGW WenKai Light", "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Light.ttf"),
}
DEGRADATIONS = ("skew", "sideways", "upside", "lighting", "jpeg", "colour", "seal", "fold")
CORPUS_FACES = ("uming", "ukai", "wqy-zenhei")

# Eight reports: one-table 自评表 (zhanggong: forced break over two pages; xinluo: 元), a split
# two-row header (daan), monitoring forms with stage targets (xiaodian portrait, yaohai
# landscape), landscape 自评表 over two pages (qinzhou; fucheng 一体化), a narrative report whose
# 表2 continues under 续表2 on page 2 (gulou).
CORPUS_SOURCES = ("zhanggong-2023-selfeval-form", "xinluo-2024-selfeval-yuan", "daan-2024-split-tworow",
                  "xiaodian-2023-monitor-stage", "yaohai-2024-monitor-1to8", "qinzhou-2024-selfeval-form",
                  "fucheng-2023-selfeval-yth", "gulou-2023-selfeval-continued")
LANDSCAPE = {"yaohai-2024-monitor-1to8", "qinzhou-2024-selfeval-form", "fucheng-2023-selfeval-yth",
             "dongqu-2024-split-monitor"}

# source -> face -> degradations. `sideways` only on landscape reports; every face meets every
# degradation at least once (most twice) and has one plain file.
CORPUS_SET = {
    "zhanggong-2023-selfeval-form": {"uming": "skew+seal", "ukai": "lighting+colour+fold", "wqy-zenhei": "upside+jpeg"},
    "xinluo-2024-selfeval-yuan": {"uming": "plain", "ukai": "jpeg+seal", "wqy-zenhei": "skew+lighting"},
    "daan-2024-split-tworow": {"uming": "colour+fold", "ukai": "plain", "wqy-zenhei": "skew+seal"},
    "xiaodian-2023-monitor-stage": {"uming": "lighting+jpeg+seal", "ukai": "skew+colour", "wqy-zenhei": "plain"},
    "yaohai-2024-monitor-1to8": {"uming": "sideways+jpeg", "ukai": "seal+fold", "wqy-zenhei": "sideways+lighting+colour"},
    "qinzhou-2024-selfeval-form": {"uming": "lighting+fold", "ukai": "sideways+skew", "wqy-zenhei": "colour+jpeg+seal"},
    "fucheng-2023-selfeval-yth": {"uming": "sideways+skew+colour", "ukai": "jpeg+lighting", "wqy-zenhei": "sideways+fold"},
    "gulou-2023-selfeval-continued": {"uming": "upside+skew", "ukai": "upside+seal", "wqy-zenhei": "fold+seal+upside"},
}

# The tuning set (fonts-babelstone-han, fonts-wqy-microhei, fonts-lxgw-wenkai): the corpus sources
# with the degradations of CORPUS_SET, each face taking another's; the light weight of WenKai
# (thin strokes that JPEG turns grey) always with JPEG.
TUNING_SET = {source: {"babelstone": faces["ukai"], "microhei": faces["uming"], "wenkai": faces["wqy-zenhei"],
                       "wenkai-light": "+".join(sorted({*faces["uming"].split("+"), "jpeg"} - {"plain"}))}
              for source, faces in CORPUS_SET.items()}
# ... and committed development-corpus PDFs of other producers (Word, Chromium, Calc; Noto faces)
# and tables without rules (reportlab-plain): (source, producer, face, degradations)
TUNING_PDFS = (
    ("chengzhong-2023-monitor-q3", "docx", "noto-sans", "skew+seal"),
    ("donghu-2023-monitor-central", "docx", "noto-serif", "lighting+jpeg"),
    ("dali-2022-split-direction", "xlsx", "noto-sans", "colour+fold"),
    ("fuzhou-2025-target-decompose", "xlsx", "noto-serif", "upside+jpeg"),
    ("keqiao-2024-monitoring-narrative", "docx", "noto-serif", "skew+jpeg"),
    ("lanshan-2022-selfeval-form", "html", "noto-sans", "colour+seal"),
    ("nanxun-2025-target-apply", "docx", "noto-serif", "skew+fold"),
    ("qilihe-2024-monitor-tworow", "docx", "noto-serif", "lighting+seal"),
    ("shuangliu-2023-selfeval-narrative", "docx", "noto-sans", "jpeg+seal"),
    ("xiuzhou-2024-target-longterm", "xlsx", "noto-sans", "skew+fold"),
    ("zhuzhou-2023-selfeval-hunan", "docx", "noto-sans", "upside+lighting"),
    ("zhanggong-2023-selfeval-form", "html", "noto-serif", "skew+jpeg"),
    ("lanshan-2022-selfeval-form", "reportlab-plain", "wqy-zenhei", "skew"),
    ("xiuzhou-2024-target-longterm", "reportlab-plain", "uming", "jpeg+seal"),
    ("yunyan-2024-monitor-june", "reportlab-plain", "uming", "plain"),
)

# The held-out set: (origin, source, face, producer, degradations). origin `holdout-pdf` scans a
# committed tests/data/holdout PDF (its producer's face); `holdout-rl` renders a held-out source
# with make_holdout's reportlab producer in the face given; `corpus-rl` a development source not
# in CORPUS_SET with make_corpus's reportlab-ruled producer.
HOLDOUT_SET = (
    ("holdout-pdf", "kunshan-gh-2020-jk", "noto-serif", "cr", "skew+seal"),
    ("holdout-pdf", "luoyang-wlj-2024-split2", "noto-serif", "cr", "sideways+jpeg"),
    ("holdout-pdf", "songshan-wjw-2019-jk", "noto-serif", "lo", "sideways+colour+seal"),
    ("holdout-pdf", "wuhu-jyj-2024-sbb", "noto-serif", "wd", "lighting+fold"),
    ("holdout-pdf", "hunnan-fl-2020-zpb", "noto-sans", "cr", "skew+colour+fold"),
    ("holdout-pdf", "panyu-jyj-2023-zpb", "noto-sans", "cr", "seal+jpeg"),
    ("holdout-pdf", "shinan-wjj-2022-zpbg", "noto-sans", "lo", "upside+lighting"),
    ("holdout-pdf", "dalian-cl-2023-jk", "noto-sans", "xc", "sideways+lighting"),
    ("holdout-rl", "yuyao-wjj-2022-zpb", "gbsn", "rl", "seal+lighting"),
    ("holdout-rl", "baotou-kjj-2025-jk", "gbsn", "rl", "skew+jpeg"),
    ("holdout-rl", "shunde-wlj-2025-mbb", "gbsn", "rl", "upside+colour"),
    ("corpus-rl", "dongqu-2024-split-monitor", "gbsn", "reportlab-ruled", "sideways+fold"),
    ("holdout-rl", "zunyi-fl-2024-jk", "gkai", "rl", "seal+colour"),
    ("holdout-rl", "urumqi-kjj-2024-zpb", "gkai", "rl", "skew+fold+jpeg"),
    ("corpus-rl", "jinfeng-2024-monitor-parent", "gkai", "reportlab-ruled", "lighting+upside+seal"),
)


@dataclass(frozen=True)
class Style:
    """The parameters of one set: the held-out set is degraded differently."""

    base_jpeg: int = 75
    jpeg: tuple[int, int] = (40, 60)
    noise: float = 3.0
    skew: tuple[float, float] = (1.0, 3.0)
    paper_grey: int = 242
    ink_grey: int = 14
    paper_rgb: tuple[int, int, int] = (244, 235, 204)   # yellowish
    ink_rgb: tuple[int, int, int] = (30, 28, 34)
    seal: str = "round"
    seal_rgb: tuple[int, int, int] = (214, 32, 44)
    seal_opacity: float = 0.82
    lighting: str = "gradient"
    folds: int = 1


CORPUS_STYLE = Style()
HOLDOUT_STYLE = Style(base_jpeg=70, jpeg=(32, 45), noise=3.6, skew=(1.2, 2.8), paper_grey=236, ink_grey=24,
                      paper_rgb=(228, 232, 220), ink_rgb=(22, 26, 48), seal="oval", seal_rgb=(226, 58, 38),
                      seal_opacity=0.72, lighting="spine", folds=2)

TUNING_STYLE = Style(base_jpeg=72, jpeg=(36, 55), noise=3.3, paper_grey=238, ink_grey=20,
                     seal_rgb=(222, 48, 40), seal_opacity=0.76)


@dataclass
class Spec:
    """One scan to make."""

    origin: str   # corpus-rl, corpus-pdf, holdout-rl, holdout-pdf
    source: str
    face: str
    producer: str
    degradations: tuple[str, ...]
    holdout: bool
    tuning: bool = False

    @property
    def file(self) -> str:
        producer = f"{self.producer}." if self.origin == "corpus-pdf" else ""
        return f"{self.source}.{producer}{self.face}.{'+'.join(self.degradations) or 'plain'}.scan.pdf"

    @property
    def expected_dir(self) -> Path:
        return (HOLDOUT if self.origin.startswith("holdout") else CORPUS) / "expected"

    @property
    def style(self) -> Style:
        return HOLDOUT_STYLE if self.holdout else TUNING_STYLE if self.tuning else CORPUS_STYLE


def parse_degradations(text: str) -> tuple[str, ...]:
    names = tuple(d for d in text.split("+") if d != "plain")
    unknown = [d for d in names if d not in DEGRADATIONS]
    assert not unknown, f"unknown degradations {unknown}"
    return tuple(sorted(names, key=DEGRADATIONS.index))


def corpus_specs() -> list[Spec]:
    return [Spec("corpus-rl", source, face, "reportlab-ruled", parse_degradations(CORPUS_SET[source][face]), False)
            for source in CORPUS_SOURCES for face in CORPUS_FACES]


def tuning_specs() -> list[Spec]:
    return [Spec("corpus-rl", source, face, "reportlab-ruled", parse_degradations(d), False, tuning=True)
            for source, faces in TUNING_SET.items() for face, d in faces.items()] + [
        Spec("corpus-pdf", source, face, producer, parse_degradations(d), False, tuning=True)
        for source, producer, face, d in TUNING_PDFS]


def holdout_specs() -> list[Spec]:
    return [Spec(origin, source, face, producer, parse_degradations(d), True)
            for origin, source, face, producer, d in HOLDOUT_SET]


# ---------------------------------------------------------------- the born-digital PDF

def _make_holdout():
    """tests/data/holdout/make_holdout.py, imported once."""
    if "make_holdout" not in sys.modules:
        spec = importlib.util.spec_from_file_location("make_holdout", HOLDOUT / "make_holdout.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["make_holdout"] = module  # its dataclasses look themselves up there
        spec.loader.exec_module(module)
    return sys.modules["make_holdout"]


def born_digital(spec: Spec, folder: Path) -> Path:
    """The PDF the scan is made of: rendered into `folder`, or a committed held-out PDF."""
    if spec.origin == "holdout-pdf":
        return HOLDOUT / f"{spec.source}.{spec.producer}.pdf"
    if spec.origin == "corpus-pdf":
        return CORPUS / f"{spec.source}.{spec.producer}.pdf"
    out = folder / f"{spec.source}.{spec.face}.pdf"
    if spec.origin == "corpus-rl":
        if spec.face not in make_corpus.FONTS:  # a held-out face: reportlab embeds its TrueType
            make_corpus.FONTS[spec.face] = make_corpus.Font(FACES[spec.face][0], FACES[spec.face][0],
                                                            FACES[spec.face][1])
        source = make_corpus.parse_source(make_corpus.SOURCES / f"{spec.source}.txt")
        source.settings["font.reportlab-ruled"] = spec.face  # body and titles in the one face
        source.settings["titlefont"] = spec.face
        make_corpus.ReportlabWriter(source, ruled=True).save(out)
        return out
    holdout = _make_holdout()
    holdout.RL_FONTS.setdefault(spec.face, (f"Scan-{spec.face}", FACES[spec.face][1], 0))
    doc = holdout.parse(HOLDOUT / "sources" / f"{spec.source}.txt")
    doc.meta["font.rl"] = spec.face
    doc.meta["font.title.rl"] = spec.face
    holdout.render_reportlab(doc, out)
    return out


# ---------------------------------------------------------------- where things are printed

@dataclass
class Text:
    """The printed characters of one page, in content order, whitespace left out."""

    width: float
    height: float
    chars: list[dict]

    @property
    def string(self) -> str:
        return "".join(_nfkc(c["text"]) for c in self.chars)

    def find(self, text: str) -> list[tuple[float, float, float, float]]:
        """(x0, top, x1, bottom) of every occurrence of `text` (whitespace ignored)."""
        text = "".join(_nfkc(ch) for ch in "".join(text.split()))
        found, string, start = [], self.string, 0
        while text and (i := string.find(text, start)) >= 0:
            run = self.chars[i:i + len(text)]
            found.append((min(c["x0"] for c in run), min(c["top"] for c in run),
                          max(c["x1"] for c in run), max(c["bottom"] for c in run)))
            start = i + 1
        return found


def _nfkc(char: str) -> str:
    """One character as it reads (Chromium's Noto text has Kangxi radicals: ⼯ for 工)."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def page_texts(pdf: Path) -> list[Text]:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Chromium's Type 3 fonts have no FontBBox
    with pdfplumber.open(pdf) as document:
        return [Text(float(p.width), float(p.height), [c for c in p.chars if c["text"].strip()])
                for p in document.pages]


def expected_rows(spec: Spec) -> list[dict]:
    path = spec.expected_dir / f"{spec.source}.indicators.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def expected_report(spec: Spec) -> dict:
    return json.loads((spec.expected_dir / f"{spec.source}.report.json").read_text(encoding="utf-8"))


def locate(texts: list[Text], text: str, *, last: bool = True) -> tuple[int, tuple] | None:
    """(page index, bbox) of the last (or first) occurrence of `text`, or of its first four
    characters when a cell broke it over lines."""
    for probe in (text, text[:4]):
        hits = [(i, box) for i, t in enumerate(texts) for box in t.find(probe)]
        if hits:
            return hits[-1] if last else hits[0]
    return None


def table_page(texts: list[Text], rows: list[dict]) -> int:
    """Index of the page that prints the most indicator names."""
    counts = [sum(bool(t.find(r["indicator"][:5])) for r in rows) for t in texts]
    return max(range(len(texts)), key=lambda i: (counts[i], -i))


PAGE_NUMBER = re.compile(r"^[第\-—－\s]*\d+[页頁⻚\-—－\s]*$|^第\d+页共\d+页$")


def body_lines(text: Text) -> list[list[dict]]:
    """The page's printed lines top to bottom (chars grouped by baseline), page numbers left out."""
    lines: list[list[dict]] = []
    for char in sorted(text.chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        if lines and abs(lines[-1][-1]["bottom"] - char["bottom"]) < 3:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [line for line in lines if not PAGE_NUMBER.match("".join(_nfkc(c["text"]) for c in line))]


def seal_spots(texts: list[Text], rows: list[dict]) -> list[tuple[int, float, float]]:
    """Where the seals go, (page index, x, y) in points: over the last indicator rows (centred on
    the last row's target cell) and over the signature line (填报单位/盖章/日期, else the last
    printed line of the report)."""
    spots = []
    last = rows[-1]
    found = locate(texts, last["indicator"])
    if found:
        page, (x0, top, x1, bottom) = found
        y = (top + bottom) / 2 - 8
        targets = [b for b in texts[page].find(last["target_raw"][:3]) if abs((b[1] + b[3]) / 2 - y) < 30
                   and b[0] > x0] if last["target_raw"] else []
        x = targets[0][2] + 14 if targets else x1 + 70
        spots.append((page, x, y))
    prose = None
    for word in ("盖章", "填报单位", "填表单位", "填报日期", "填表日期", "报送日期", "评价机构", "报告日期"):
        prose = locate(texts, word)
        if prose:
            page, (x0, top, x1, bottom) = prose
            prose = (page, x1 + 55, (top + bottom) / 2)
            break
    if prose is None:  # a narrative report: its last lines are the signature and the date
        page = len(texts) - 1
        while page > 0 and not body_lines(texts[page]):
            page -= 1
        line = body_lines(texts[page])[-1]
        prose = (page, (min(c["x0"] for c in line) + max(c["x1"] for c in line)) / 2,
                 (min(c["top"] for c in line) + max(c["bottom"] for c in line)) / 2 - 8)
    if spots and prose[0] == spots[0][0] and math.dist(prose[1:], spots[0][1:]) < 110:
        page, x, y = prose  # too close to the first: along its own line, where it has most text
        tx, ty = spots[0][1:]
        dx = math.sqrt(max(120 ** 2 - (y - ty) ** 2, 0))
        line = [(c["x0"] + c["x1"]) / 2 for c in texts[page].chars if abs((c["top"] + c["bottom"]) / 2 - y) < 10]
        inside = [cx for cx in (tx + dx, tx - dx) if 60 < cx < texts[page].width - 60]
        prose = (page, max(inside, key=lambda cx: (sum(abs(m - cx) < 60 for m in line), cx)), y)
    return spots + [prose]


# ---------------------------------------------------------------- the seal

def _font(path: str, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def _glyph(char: str, font: ImageFont.FreeTypeFont, size: int) -> Image.Image:
    tile = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(tile).text((size, size), char, fill=255, font=font, anchor="mm")
    return tile


def _arc_text(mask: Image.Image, text: str, font: ImageFont.FreeTypeFont, size: int, centre, radii,
              span: float) -> None:
    """`text` along the upper arc of the ellipse `radii`, each character upright to the rim."""
    cx, cy = centre
    n = len(text)
    for i, char in enumerate(text):
        theta = math.radians(-span / 2 + (i + 0.5) * span / n)  # clockwise from 12 o'clock
        x, y = cx + radii[0] * math.sin(theta), cy - radii[1] * math.cos(theta)
        normal = math.degrees(math.atan2(radii[1] * math.sin(theta), radii[0] * math.cos(theta)))
        glyph = _glyph(char, font, size).rotate(-normal, resample=Image.BICUBIC)
        mask.paste(255, (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)


def _star(draw: ImageDraw.ImageDraw, centre, radius: float) -> None:
    cx, cy = centre
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.382
        a = math.radians(-90 + 36 * k)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(points, fill=255)


def seal_mask(style: Style, name: str, rng: np.random.Generator) -> Image.Image:
    """The seal's ink (L, 0..255), uneven as a stamp leaves it."""
    if style.seal == "round":  # an official 公章: 42 mm ring, star, the unit's name on an arc
        size = int(42 * MM)
        mask = Image.new("L", (size + 8, size + 8), 0)
        draw = ImageDraw.Draw(mask)
        c = (size + 8) / 2
        ring = int(1.2 * MM)
        draw.ellipse((4, 4, 4 + size, 4 + size), outline=255, width=ring)
        _star(draw, (c, c), size * 0.19)
        n = max(len(name), 1)
        span = min(250.0, 24.0 * n)
        radius = size / 2 - ring - size * 0.1
        glyph = int(min(size * 0.14, 0.95 * radius * math.radians(span / n)))
        _arc_text(mask, name, _font(FACES["uming"][1], glyph), glyph, (c, c), (radius, radius), span)
        label = "业务专用章"
        font = _font(FACES["uming"][1], int(size * 0.085))
        draw.text((c, c + size * 0.30), label, fill=255, font=font, anchor="mm")
    else:  # a 财务专用章: 45 x 30 mm oval, double ring, name on the arc, serial number below
        w, h = int(45 * MM), int(30 * MM)
        mask = Image.new("L", (w + 8, h + 8), 0)
        draw = ImageDraw.Draw(mask)
        draw.ellipse((4, 4, 4 + w, 4 + h), outline=255, width=int(1.0 * MM))
        inset = int(2.0 * MM)
        draw.ellipse((4 + inset, 4 + inset, 4 + w - inset, 4 + h - inset), outline=255, width=max(2, int(0.35 * MM)))
        c = ((w + 8) / 2, (h + 8) / 2)
        bold = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
        n = max(len(name), 1)
        glyph = int(min(h * 0.16, 0.9 * (w / 2) * math.radians(200 / n)))
        _arc_text(mask, name, _font(bold, glyph, 2), glyph, c, (w / 2 - inset - glyph * 0.75, h / 2 - inset - glyph * 0.75),
                  200)
        draw.text((c[0], c[1] + h * 0.08), "财务专用章", fill=255, font=_font(bold, int(h * 0.15), 2), anchor="mm")
        serial = "".join(str(d) for d in rng.integers(0, 10, 13))
        draw.text((c[0], c[1] + h * 0.30), serial, fill=255, font=_font(bold, int(h * 0.075), 2), anchor="mm")
    # a stamp is never even: smooth blotches of more and less ink, a few bare spots
    ink = np.asarray(mask, dtype=np.float32) / 255
    texture = rng.random((mask.height // 24 + 2, mask.width // 24 + 2)).astype(np.float32)
    texture = np.asarray(Image.fromarray((texture * 255).astype(np.uint8)).resize(mask.size, Image.BICUBIC),
                         dtype=np.float32) / 255
    ink *= 0.45 + 0.55 * texture
    ink[rng.random(ink.shape) < 0.04] *= 0.3
    mask = Image.fromarray(np.clip(ink * 255, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.9))
    return mask.rotate(float(rng.uniform(-25, 25)), resample=Image.BICUBIC, expand=True)


def stamp(image: np.ndarray, mask: Image.Image, centre: tuple[float, float], style: Style) -> None:
    """Multiply the seal's colour onto the RGB page (float 0..1) at `centre` (pixels): the ink
    lies over the print, and black text under it stays black."""
    ink = np.asarray(mask, dtype=np.float32) / 255 * style.seal_opacity
    h, w = ink.shape
    top, left = int(centre[1] - h / 2), int(centre[0] - w / 2)
    t0, l0 = max(top, 0), max(left, 0)
    t1, l1 = min(top + h, image.shape[0]), min(left + w, image.shape[1])
    if t1 <= t0 or l1 <= l0:
        return
    a = ink[t0 - top:t1 - top, l0 - left:l1 - left, None]
    colour = np.array(style.seal_rgb, dtype=np.float32) / 255
    image[t0:t1, l0:l1] *= 1 - a + a * colour


# ---------------------------------------------------------------- the scanner

def lighting_field(shape, rng: np.random.Generator, style: Style, darker: bool) -> np.ndarray:
    """Multiplier (≤ 1) of an unevenly lit page."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    y /= h
    x /= w
    if style.lighting == "gradient":  # light falls off across the page, corners darker
        a = rng.uniform(0, 2 * math.pi)
        ramp = (x - 0.5) * math.cos(a) + (y - 0.5) * math.sin(a)
        ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
        field_ = 1 - rng.uniform(0.22, 0.32) * ramp
        field_ *= 1 - rng.uniform(0.12, 0.2) * ((x - 0.5) ** 2 + (y - 0.5) ** 2) * 2
    else:  # a book spine's shadow along one edge and a lamp's hot spot
        edge = [x, 1 - x, y, 1 - y][int(rng.integers(0, 4))]
        field_ = 1 - rng.uniform(0.45, 0.6) * np.exp(-edge / rng.uniform(0.05, 0.09))
        hx, hy = rng.uniform(0.3, 0.7, 2)
        field_ *= 0.86 + 0.14 * np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / 0.08)
    if darker:
        field_ *= rng.uniform(0.74, 0.8)
    return field_.astype(np.float32)


def fold_field(shape, rng: np.random.Generator, position: float, vertical: bool = False) -> np.ndarray:
    """Multiplier of a fold: a dark core line, a soft shadow on one side, a bright ridge on the
    other; slightly slanted."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    if vertical:
        x, y, w, h = y, x, h, w
    slant = math.tan(math.radians(rng.uniform(-0.8, 0.8)))
    d = y - (position * h + (x - w / 2) * slant)
    width = rng.uniform(14, 26)
    shadow = rng.uniform(0.32, 0.45) * np.exp(-np.maximum(d, 0) ** 2 / (2 * width ** 2))
    shadow[d < 0] = rng.uniform(0.18, 0.26) * np.exp(-d[d < 0] ** 2 / (2 * (width / 2.5) ** 2))
    core = 0.45 * np.exp(-d ** 2 / 2.5)
    ridge = 0.06 * np.exp(-(d + width * 0.9) ** 2 / (2 * (width / 3) ** 2))
    return np.clip(1 - shadow - core + ridge, 0, 1.1).astype(np.float32)


def paper(image: np.ndarray, colour: bool, style: Style) -> np.ndarray:
    """White → paper, black → toner (per channel, so a red seal stays red on colour pages)."""
    if colour:
        p, k = np.array(style.paper_rgb, np.float32), np.array(style.ink_rgb, np.float32)
    else:
        p, k = np.full(3, style.paper_grey, np.float32), np.full(3, style.ink_grey, np.float32)
    return k + (p - k) * image


def rotate(image: np.ndarray, degrees: float, fill) -> np.ndarray:
    """Turn an RGB page (0..255 float) by `degrees` counter-clockwise: quarter turns exactly
    (the image changes shape), the rest within the scanner's frame."""
    quarter = round(degrees / 90) * 90
    if quarter % 360:
        image = np.rot90(image, k=(quarter // 90) % 4).copy()
    rest = degrees - quarter
    if abs(rest) > 1e-6:
        pil = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), "RGB")
        pil = pil.rotate(rest, resample=Image.BICUBIC, expand=False, fillcolor=tuple(int(v) for v in fill))
        image = np.asarray(pil, dtype=np.float32)
    return image


@dataclass
class Plan:
    """What happens to each page (1-based numbers in the manifest)."""

    pages: int
    turns: dict[int, int] = field(default_factory=dict)        # page -> 90, -90, 180
    skew: dict[int, float] = field(default_factory=dict)       # page -> degrees
    seals: list[tuple[int, float, float]] = field(default_factory=list)  # (page, x pt, y pt)
    folds: dict[int, list[tuple[float, bool]]] = field(default_factory=dict)  # page -> [(position, vertical)]
    lighting: list[int] = field(default_factory=list)
    darker: list[int] = field(default_factory=list)
    jpeg: int = 75
    colour: bool = False


def plan(spec: Spec, texts: list[Text], rows: list[dict], rng: np.random.Generator) -> Plan:
    style, d = spec.style, spec.degradations
    n = len(texts)
    main = table_page(texts, rows)
    p = Plan(n, jpeg=int(rng.integers(style.jpeg[0], style.jpeg[1] + 1)) if "jpeg" in d else style.base_jpeg,
             colour="colour" in d)
    for page in range(n):
        if "skew" in d:
            p.skew[page] = round(float(rng.uniform(*style.skew)) * (1 if rng.random() < 0.5 else -1), 2)
        else:
            p.skew[page] = round(float(rng.uniform(-0.3, 0.3)), 2)
    if "skew" in d and n > 1 and len({v > 0 for v in p.skew.values()}) == 1:
        p.skew[n - 1] = -p.skew[n - 1]  # both ways within one file
    if "sideways" in d:
        assert texts[main].width > texts[main].height, f"{spec.file}: sideways needs a landscape page"
        p.turns[main] = 90 if rng.random() < 0.5 else -90
    if "upside" in d:
        p.turns[n - 1] = 180
    if "seal" in d:
        p.seals = [(page, round(x, 1), round(y, 1)) for page, x, y in seal_spots(texts, rows)]
    if "fold" in d:
        # across the main table page, between 40 % and 60 % of its height (after any turn);
        # the held-out letters are folded in three
        if style.folds == 1:
            p.folds[main] = [(round(float(rng.uniform(0.4, 0.6)), 3), False)]
        else:
            p.folds[main] = [(round(float(rng.uniform(0.3, 0.36)), 3), False),
                             (round(float(rng.uniform(0.64, 0.7)), 3), False)]
    if "lighting" in d:
        p.lighting = list(range(n))
        p.darker = [n - 1]
    return p


def scan_page(page: pdfium.PdfPage, number: int, p: Plan, style: Style, seal: Image.Image | None,
              rng: np.random.Generator) -> Image.Image:
    image = np.asarray(page.render(scale=PX).to_pil().convert("RGB"), dtype=np.float32) / 255
    for at, x, y in p.seals:
        if at == number:
            stamp(image, seal, (x * PX, y * PX), style)
    image = paper(image, p.colour, style)
    fill = style.paper_rgb if p.colour else (style.paper_grey,) * 3
    image = rotate(image, p.turns.get(number, 0) + p.skew.get(number, 0.0), fill)
    shape = image.shape[:2]
    multiplier = np.ones(shape, np.float32)
    for position, vertical in p.folds.get(number, []):
        multiplier *= fold_field(shape, rng, position, vertical)
    if number in p.lighting:
        multiplier *= lighting_field(shape, rng, style, number in p.darker)
    image *= multiplier[..., None]
    if not p.colour:
        image = image @ np.array([0.299, 0.587, 0.114], np.float32)  # as PIL's convert("L")
    image += rng.normal(0, style.noise, image.shape).astype(np.float32)
    specks = rng.random(shape) < 0.0003
    if p.colour:
        image[specks] = rng.uniform(0, 120, (int(specks.sum()), 1))
    else:
        image[specks] = rng.uniform(0, 120, int(specks.sum()))
    pil = Image.fromarray(np.clip(image + 0.5, 0, 255).astype(np.uint8), "RGB" if p.colour else "L")
    buffer = io.BytesIO()  # the scanner's JPEG: Pillow keeps these bytes in the PDF (DCTDecode)
    pil.save(buffer, format="JPEG", quality=p.jpeg)
    return Image.open(io.BytesIO(buffer.getvalue()))


def seed(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:16], 16)


def make(spec: Spec, out_dir: Path) -> dict:
    """Write the scan of `spec` into `out_dir`; its manifest entry."""
    rng = np.random.default_rng(seed(spec.file))
    rows = expected_rows(spec)
    report = expected_report(spec)
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = born_digital(spec, Path(tmp))
        texts = page_texts(pdf_path)
        p = plan(spec, texts, rows, rng)
        name = report.get("agency") or report.get("assessor") or "绩效评价专用章"
        seal = seal_mask(spec.style, name, rng) if p.seals else None
        pdf = pdfium.PdfDocument(pdf_path)
        try:
            pages = [scan_page(pdf[i], i, p, spec.style, seal, rng) for i in range(len(pdf))]
        finally:
            pdf.close()
    out = out_dir / spec.file
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=DPI,
                  title=spec.file.removesuffix(".pdf"), creationDate="D:20240101000000Z",
                  modDate="D:20240101000000Z")
    return entry(spec, p, texts)


def entry(spec: Spec, p: Plan, texts: list[Text]) -> dict:
    numbered = lambda pages: sorted(i + 1 for i in pages)  # noqa: E731
    all_pages = list(range(p.pages))
    where = {
        "skew": numbered(all_pages) if "skew" in spec.degradations else [],
        "sideways": numbered(k for k, v in p.turns.items() if abs(v) == 90),
        "upside": numbered(k for k, v in p.turns.items() if v == 180),
        "lighting": numbered(p.lighting),
        "jpeg": numbered(all_pages) if "jpeg" in spec.degradations else [],
        "colour": numbered(all_pages) if p.colour else [],
        "seal": sorted({page + 1 for page, _, _ in p.seals}),
        "fold": numbered(p.folds),
    }
    folder = "tests/data/holdout/expected" if spec.origin.startswith("holdout") else "tests/data/corpus/expected"
    family = _families().get(spec.source, "")
    return {
        "file": spec.file,
        "source": spec.source,
        "origin": spec.origin,
        "producer": spec.producer,
        "face": spec.face,
        "font": FACES[spec.face][0],
        "family": family,
        "degradations": list(spec.degradations) or ["plain"],
        "pages": p.pages,
        "mode": "rgb" if p.colour else "grey",
        "degradation_pages": {k: v for k, v in where.items() if k in spec.degradations},
        "params": {
            "skew_degrees": {str(k + 1): v for k, v in p.skew.items()},
            "turn_degrees": {str(k + 1): v for k, v in p.turns.items()},
            "jpeg_quality": p.jpeg,
            "seal_centres_pt": [[page + 1, x, y] for page, x, y in p.seals],
            "folds": {str(k + 1): [pos for pos, _ in v] for k, v in p.folds.items()},
            "darker_pages": numbered(p.darker),
            "landscape_pages": [i + 1 for i, t in enumerate(texts) if t.width > t.height],
        },
        "expected": {"report": f"{folder}/{spec.source}.report.json",
                     "indicators": f"{folder}/{spec.source}.indicators.csv"},
    }


_FAMILIES: dict[str, str] = {}


def _families() -> dict[str, str]:
    if not _FAMILIES:
        for manifest in (CORPUS / "corpus.json", HOLDOUT / "holdout.json"):
            for e in json.loads(manifest.read_text(encoding="utf-8")):
                _FAMILIES.setdefault(e["source"], e["family"])
    return _FAMILIES


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only files whose name contains one of these")
    parser.add_argument("--holdout", action="store_true", help="the held-out set (tests/data/scans/holdout)")
    parser.add_argument("--tuning", action="store_true", help="the tuning set (tests/data/scans/tuning)")
    parser.add_argument("--out", type=Path, help="write here instead (no manifest)")
    parser.add_argument("--list", action="store_true", help="print the plan only")
    args = parser.parse_args(argv)
    specs = holdout_specs() if args.holdout else tuning_specs() if args.tuning else corpus_specs()
    folder = SCANS / ("holdout" if args.holdout else "tuning" if args.tuning else "corpus")
    if args.list:
        for spec in specs:
            print(spec.file)
        return 0
    chosen = [s for s in specs if not args.names or any(n in s.file for n in args.names)]
    fonts = {FACES[s.face][1] for s in chosen if s.face in FACES} | {FACES["uming"][1]}  # uming: seal lettering
    missing = sorted(font for font in fonts if not Path(font).exists())
    if missing:
        print("missing fonts (the Debian packages are listed in this script's docstring): "
              + ", ".join(missing), file=sys.stderr)
        return 1
    out = args.out or folder
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "scans.json"
    entries = {e["file"]: e for e in json.loads(manifest_path.read_text(encoding="utf-8"))} \
        if manifest_path.exists() else {}
    for spec in chosen:
        e = make(spec, out)
        entries[spec.file] = e
        size = (out / spec.file).stat().st_size
        print(f"{spec.file}: {e['pages']} pages, {size // 1024} KiB", flush=True)
    if args.out is None:
        names = [s.file for s in specs]
        manifest = [entries[n] for n in names if n in entries]
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
