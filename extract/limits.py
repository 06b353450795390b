"""How much one file may take, so that one hostile or broken file can never take the machine.

Checked before the work they bound is done: a file, a PDF's page count, the pages needing OCR
and a DOCX's unpacked size are `too_large` (the file is refused, nothing read); a page whose
rendering for OCR would exceed `max_page_pixels` is `page_too_large` (left out, the rest read).
The worker processes of a batch are also capped in memory (`worker_memory_mb`, executors/workers.py):
whatever a file does, its worker fails alone. Every limit is an `ingest` option.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from perfreports.extract.errors import ExtractError

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file_mb: int = 500
    max_pages: int = 5000  # pages of one PDF
    max_ocr_pages: int = 500  # pages of one PDF that need OCR (about 10 s each)
    max_page_pixels: int = 60_000_000  # a page rendered for OCR at 200 dpi; A3 is 9.7 million
    max_docx_mb: int = 300  # the unpacked size of a DOCX's parts
    worker_memory_mb: int = 4096  # address space of a worker process; 0: no cap


DEFAULT_LIMITS = Limits()


def check_file_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise ExtractError("too_large", f"The file is {size / MB:.0f} MB, more than the limit of "
                                        f"{limits.max_file_mb} MB (--max-file-mb): not read.")


def check_page_count(pages: int, limits: Limits) -> None:
    if pages > limits.max_pages:
        raise ExtractError("too_large", f"The PDF has {pages} pages, more than the limit of {limits.max_pages} "
                                        f"(--max-pages): not read.")


def check_ocr_pages(pages: int, limits: Limits) -> None:
    if pages > limits.max_ocr_pages:
        raise ExtractError("too_large", f"{pages} pages have no text layer and would need OCR, more than the "
                                        f"limit of {limits.max_ocr_pages} (--max-ocr-pages): not read.")


def page_pixels(width_pt: float, height_pt: float, scale: float) -> int:
    return int(width_pt * scale) * int(height_pt * scale)


def check_docx_size(path: Path, limits: Limits) -> None:
    """The parts of a DOCX unpacked (as their headers declare: zipfile reads no more than that)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # the reader says what is wrong with it
    if unpacked > limits.max_docx_mb * MB:
        raise ExtractError("too_large", f"The DOCX unpacks to {unpacked / MB:.0f} MB, more than the limit of "
                                        f"{limits.max_docx_mb} MB (--max-docx-mb): not read (a ZIP bomb?).")
