"""Legacy Word (.doc) and WPS (.wps) files: converted to DOCX by LibreOffice, then read as DOCX.

Both are OLE compound files (they start with `OLE_SIGNATURE`), and so is a password-protected
DOCX: Office stores the encrypted package inside an OLE file, recognisable by its
`EncryptedPackage` stream. LibreOffice runs headless with a profile of its own in a temporary
folder, so that several workers can convert at the same time.
"""
from __future__ import annotations

import mmap
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from perfreports.extract.docx import read_docx_checked
from perfreports.extract.limits import DEFAULT_LIMITS, Limits
from perfreports.extract.errors import ExtractError
from perfreports.extract.model import Document

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT_SECONDS = 600  # a last resort; the batch's per-document --timeout normally comes first
INSTALL_HINT = "install LibreOffice (libreoffice-writer-nogui) to read .doc/.wps files"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # name of an OLE directory entry


def read_legacy_checked(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Convert a .doc/.wps file to DOCX and read that; `ExtractError` when it cannot be done."""
    if _is_encrypted_ooxml(path):
        raise ExtractError("encrypted_docx", "The file is a password-protected Word document "
                                             "(an encrypted DOCX); it cannot be read without the password.")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExtractError("unsupported_format", "The file is a legacy Word/WPS document (.doc/.wps): "
                                                 f"{INSTALL_HINT}.")
    with tempfile.TemporaryDirectory(prefix="perfreports-legacy-") as folder:
        docx = convert_to_docx(path, Path(folder), soffice)
        document = read_docx_checked(docx, limits)
    return replace(document, source_format="doc")


def convert_to_docx(path: Path, folder: Path, soffice: str) -> Path:
    """LibreOffice's DOCX rendering of `path`, written into `folder`."""
    suffix = path.suffix.lower() if path.suffix.lower() in (".doc", ".wps") else ".doc"
    source = folder / f"input{suffix}"  # a plain name: LibreOffice names its output after it
    shutil.copyfile(path, source)
    command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
               "--norestore", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)]
    # its own session: at the timeout the launcher goes with the soffice.bin it started
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
        raise ExtractError("unreadable_doc", f"LibreOffice did not finish converting the legacy "
                                             f"Word/WPS file within {CONVERT_SECONDS} s"
                                             f"{_said(stderr)}.") from None
    converted = folder / "out" / "input.docx"
    if not converted.is_file():
        raise ExtractError("unreadable_doc", "LibreOffice could not convert this legacy Word/WPS "
                                             "(OLE) file: it is damaged or password-protected.")
    return converted


def _said(stderr: bytes, lines: int = 3) -> str:
    """The last lines LibreOffice wrote to stderr, on one line, to end a message with."""
    last = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return f" (LibreOffice said: {' | '.join(last[-lines:])})" if last else ""


def _is_encrypted_ooxml(path: Path) -> bool:
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(_ENCRYPTED_PACKAGE) >= 0  # the OLE directory may be anywhere
