"""Stage 1: read a file into the common `Document` model, whatever its format."""
from __future__ import annotations

import zipfile
from pathlib import Path

from perfreports.extract.errors import ExtractError
from perfreports.extract.limits import DEFAULT_LIMITS, Limits, check_file_size
from perfreports.extract.model import Block, Cell, Document, Heading, Paragraph, Table


# (leading bytes, what a person would call such a file)
_NOT_REPORT_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a gzip archive"),
)


def extract(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF, DOCX or legacy .doc/.wps file (recognised from its bytes, not its name) into a
    `Document`, within `limits` (extract/limits.py).

    Raises `ExtractError` for input that is not a readable report file.
    """
    path = Path(path)
    kind = sniff(path)
    check_file_size(path, limits)
    if kind == "pdf":
        from perfreports.extract.pdf import read_pdf_checked
        try:
            return read_pdf_checked(path, limits)
        except ExtractError as error:
            if error.code == "unreadable_pdf" and _is_cut_off(path):
                raise ExtractError("truncated_pdf", "The PDF is cut off (its end is missing): the "
                                                    "copy or download was incomplete.") from error
            raise
    if kind == "legacy":
        from perfreports.extract.legacy import read_legacy_checked
        return read_legacy_checked(path, limits)
    from perfreports.extract.docx import read_docx_checked
    return read_docx_checked(path, limits)


def sniff(path: Path) -> str:
    """`pdf`, `docx` or `legacy` (an OLE file: .doc, .wps or an encrypted DOCX) from the file's
    first bytes; `ExtractError` for anything else."""
    with path.open("rb") as f:
        head = f.read(8)
    if not head:
        raise ExtractError("empty_file", "The file is empty (0 bytes).")
    if head.startswith(b"%PDF-") or (b"%PDF-" in _first_kilobyte(path)):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "legacy"
    if head.startswith(b"PK\x03\x04"):
        if _is_docx_zip(path):
            return "docx"
        raise ExtractError("unsupported_format", "The file is a ZIP archive but not a Word (.docx) document.")
    for signature, description in _NOT_REPORT_SIGNATURES:
        if head.startswith(signature):
            raise ExtractError("unsupported_format", f"The file is {description}, not a PDF or DOCX report.")
    looks_like = "a text file" if _is_text(path) else "an unknown binary format"
    raise ExtractError("unsupported_format", f"The file is {looks_like}, not a PDF or DOCX report.")


def _is_cut_off(path: Path) -> bool:
    """PDF objects at the start but no `%%EOF` marker near the end: the file stops early."""
    with path.open("rb") as f:
        head = f.read(65536)
        f.seek(max(0, f.seek(0, 2) - 2048))
        return b"endobj" in head and b"%%EOF" not in f.read()


def _first_kilobyte(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(1024)


def _is_docx_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        raise ExtractError("unreadable_docx", "The file starts like a DOCX (ZIP) but the archive is damaged.")


def _is_text(path: Path) -> bool:
    sample = _first_kilobyte(path)
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as error:  # a cut multi-byte character at the end is still text
        return error.start >= len(sample) - 3


__all__ = ["extract", "ExtractError", "Limits", "DEFAULT_LIMITS", "Document", "Block", "Cell", "Heading", "Paragraph", "Table"]
