"""Page images for the review: the pages of a file the store read, rendered by pypdfium2 and
kept in memory; a DOCX (or .doc/.wps) shown as the PDF LibreOffice makes of it, with its cells
found on those pages by reading that PDF as any PDF is read.

Only files the store names are opened (`queries.file_of`, by report id), and only while they
still have the size and modification time they were ingested with.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium

from perfreports.review.queries import CellBox, Row, SourceFile

RENDER_SCALE = 1.5  # pixels per point: 108 dpi, an A4 page 893 × 1263 pixels
MAX_PIXELS = 12_000_000  # a larger page is rendered smaller (a poster-sized page must not take the memory)
CACHED_IMAGES = 128
CONVERT_SECONDS = 180
PDF_FORMATS = ("pdf", "scanned_pdf")


class PageError(Exception):
    """A page that cannot be shown: the file is gone or changed, LibreOffice is missing, no such page."""


@dataclass(frozen=True)
class PageSet:
    """The pages a file is shown as: the PDF itself, or the one made of a Word file."""

    pdf: Path
    sizes: tuple[tuple[float, float], ...]  # (width, height) in points, page by page
    converted: bool  # made by LibreOffice from a Word file


class Pages:
    """Rendered pages in memory (least recently used dropped first), converted Word files in a
    folder of the server's own, removed when it stops."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or tempfile.mkdtemp(prefix="perfreports-review-"))
        self._lock = threading.Lock()  # pdfium is not thread-safe; the server is
        self._images: OrderedDict[tuple, bytes] = OrderedDict()
        self._sets: dict[tuple, PageSet] = {}
        self._docx_cells: dict[tuple, list[CellBox]] = {}
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-ahead")

    def close(self) -> None:
        self._ahead.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def render_ahead(self, source: SourceFile, page: int) -> None:
        """Start rendering a page the browser is about to ask for (while its HTML is made)."""
        def render() -> None:
            try:
                self.png(source, page)
            except PageError:
                pass  # the request for the image says why
        self._ahead.submit(render)

    def page_set(self, source: SourceFile) -> PageSet:
        """The file's pages; a Word file is converted once (`PageError` without LibreOffice)."""
        key = _unchanged(source)
        with self._lock:
            if key not in self._sets:
                pdf = Path(source.path) if source.source_format in PDF_FORMATS else self._convert(source)
                self._sets[key] = PageSet(pdf, _page_sizes(pdf), pdf != Path(source.path))
            return self._sets[key]

    def png(self, source: SourceFile, page: int) -> bytes:
        """Page `page` (1-based) as PNG, grey: the boxes drawn over it carry the colour."""
        pages = self.page_set(source)
        if not 1 <= page <= len(pages.sizes):
            raise PageError(f"no page {page}: the file has {len(pages.sizes)}")
        key = (_unchanged(source), page)
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
            image = render_png(pages.pdf, page, pages.sizes[page - 1])
            self._images[key] = image
            if len(self._images) > CACHED_IMAGES:
                self._images.popitem(last=False)
            return image

    def cells_of_word_file(self, source: SourceFile, rows: list[Row]) -> list[CellBox]:
        """The cells of a Word file's rows on the pages of its PDF: that PDF read as any PDF is,
        each row found again by its table and name."""
        pages = self.page_set(source)
        key = _unchanged(source)
        with self._lock:
            if key not in self._docx_cells:
                self._docx_cells[key] = cells_on_converted_pages(pages.pdf, rows)
            return self._docx_cells[key]

    def _convert(self, source: SourceFile) -> Path:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise PageError("a Word file is shown as its PDF, made by LibreOffice, which is not installed "
                            "(apt-get install libreoffice-writer-nogui): its rows are shown without the pages")
        return convert_to_pdf(Path(source.path), Path(tempfile.mkdtemp(dir=self.folder)), soffice)


def _unchanged(source: SourceFile) -> tuple:
    """The file's cache key, after checking it is still the file ingested (same size and time)."""
    try:
        stat = os.stat(source.path)
    except OSError as err:
        raise PageError(f"{source.path} cannot be opened any more ({err.strerror or err})") from err
    mtime = datetime.fromtimestamp(stat.st_mtime)
    if (source.size, source.mtime) != (stat.st_size, mtime) and source.size is not None:
        raise PageError(f"{source.path} has changed since it was ingested: ingest it again to review it")
    return source.path, stat.st_size, stat.st_mtime_ns


def _page_sizes(pdf: Path) -> tuple[tuple[float, float], ...]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return tuple(document.get_page_size(i) for i in range(len(document)))
    finally:
        document.close()


def render_png(pdf: Path, page: int, size: tuple[float, float]) -> bytes:
    """One page rendered at `RENDER_SCALE` (less for a page that would exceed `MAX_PIXELS`)."""
    scale = min(RENDER_SCALE, (MAX_PIXELS / max(size[0] * size[1], 1)) ** 0.5)
    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[page - 1].render(scale=scale, grayscale=True).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast; the page is cached after
    return out.getvalue()


def convert_to_pdf(path: Path, folder: Path, soffice: str) -> Path:
    """LibreOffice's PDF of a Word file, written into `folder` (a profile of its own there, so
    that it runs beside any other LibreOffice)."""
    source = folder / f"input{path.suffix.lower() or '.docx'}"
    shutil.copyfile(path, source)
    command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(folder / "out"), str(source)]
    try:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=CONVERT_SECONDS,
                       check=False, start_new_session=True)
    except subprocess.TimeoutExpired as err:
        raise PageError(f"LibreOffice did not convert {path.name} within {CONVERT_SECONDS} s") from err
    converted = folder / "out" / "input.pdf"
    if not converted.is_file():
        raise PageError(f"LibreOffice could not convert {path.name} to PDF")
    return converted


def cells_on_converted_pages(pdf: Path, rows: list[Row]) -> list[CellBox]:
    """Each row's cells as found in the PDF of its Word file: the PDF's rows read, each stored row
    matched to the one of its table with its name (the nearest in order of several)."""
    from perfreports import extract
    from perfreports.facts.indicators import indicator_rows_and_cells
    read, cells, _ = indicator_rows_and_cells(extract.extract(pdf), "converted")
    by_row: dict[tuple[int, int], list] = {}
    for cell in cells:
        by_row.setdefault((cell.table_no, cell.row_no), []).append(cell)
    out = []
    for row in rows:
        table_no, row_no, name = row.values["table_no"], row.values["row_no"], row.values["indicator"]
        same = ([r for r in read if r.table_no == table_no and r.indicator == name]
                or [r for r in read if (r.table_no, r.row_no) == (table_no, row_no)])  # renamed by a reviewer
        if not same:
            continue
        match = min(same, key=lambda r: abs(r.row_no - row_no))
        out += [CellBox(table_no, row_no, c.column, c.text, c.page, (c.x0, c.top, c.x1, c.bottom), c.confidence,
                        c.table_index, c.cell_row, c.cell_col) for c in by_row.get((match.table_no, match.row_no), [])]
    return out


def with_pages(rows: list[Row], cells: list[CellBox]) -> list[Row]:
    """Rows with the pages their (found) cells stand on."""
    pages: dict[tuple[int, int], list[int]] = {}
    for cell in cells:
        if cell.page is not None:
            pages.setdefault((cell.table_no, cell.row_no), []).append(cell.page)
    return [replace(row, pages=tuple(dict.fromkeys(pages.get((row.values["table_no"], row.values["row_no"]), ()))))
            for row in rows]
