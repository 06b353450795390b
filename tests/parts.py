"""Skip markers for tests that need an optional part the machine may lack (Debian packages, the
OCR extra), each with the reason and the command that installs it — the same checks as
`pipeline.py doctor`."""
from __future__ import annotations

import functools

import pytest

from perfreports import doctor

# The empty fontconfig configuration: fontconfig then lists no font at all.
EMPTY_FONTCONFIG = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    "<fontconfig></fontconfig>\n")


@functools.cache
def _parts() -> dict[str, doctor.Part]:
    return {part.name: part for part in doctor.check_parts()}


def missing(name: str) -> str | None:
    """Why the part `name` (as `doctor` names it) is missing, or None when installed."""
    part = _parts()[name]
    return None if part.found else f"{name} is not installed ({part.install})"


def needs(name: str):
    return pytest.mark.skipif(missing(name) is not None, reason=str(missing(name)))


needs_ocr = needs("OCR engine")
needs_soffice = needs("LibreOffice")
needs_cjk_font = needs("CJK font")
needs_chromium = needs("Chromium")
needs_qpdf = needs("qpdf")
