"""What is installed of the optional parts, and what each missing one disables (`pipeline.py doctor`).

The pipeline never works around a missing part silently: a scan without the OCR engine is
`no_text_layer` saying so, a .doc without LibreOffice `unsupported_format`, `compare` without a
CJK font stops with an error. This lists them in one place, with the command that installs each.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Part:
    name: str
    found: str | None  # what is installed (version or path); None when missing
    used_for: str
    disables: str  # what is lost without it
    install: str  # the command that installs it


def check_parts() -> list[Part]:
    return [_ocr(), _libreoffice(), _cjk_font(), _review(),
            _program("Chromium", "chromium", "the report.html screenshot and the review's browser tests (tests only)",
                     "those tests are skipped", "apt-get install chromium"),
            _program("qpdf", "qpdf", "one PDF fuzz test (tests only)", "that test is skipped",
                     "apt-get install qpdf")]


def _ocr() -> Part:
    from perfreports.extract import ocr
    why_not = ocr.missing()
    found = None
    if why_not is None:
        import cv2
        found = f"rapidocr-onnxruntime {metadata.version('rapidocr-onnxruntime')}, OpenCV {cv2.__version__}"
    return Part("OCR engine", found, "scanned PDFs (pages without a text layer)",
                "scanned PDFs get `no_text_layer`; scanned pages among text pages are left out "
                "with an `ocr_pages` warning" + (f" [{why_not}]" if why_not else ""),
                "pip install -e '.[ocr]'; apt-get install libgl1 libglib2.0-0")


def _libreoffice() -> Part:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Part("LibreOffice", found, "legacy .doc/.wps files (converted to DOCX)",
                ".doc/.wps files get `unsupported_format`", "apt-get install libreoffice-writer-nogui")


def _cjk_font() -> Part:
    from perfreports.storage.charts import FONT_PACKAGE, FontMissing, cjk_font_path
    try:
        found = cjk_font_path()
    except FontMissing:
        found = None
    return Part("CJK font", found, "the charts of `compare`", "`compare` stops with an error",
                f"apt-get install {FONT_PACKAGE}")


def _review() -> Part:
    try:
        found = f"Flask {metadata.version('flask')}"
    except metadata.PackageNotFoundError:
        found = None
    return Part("Flask", found, "the review workbench (`pipeline.py review`)", "`review` stops with an error",
                "pip install -e '.[review]'")


def _program(name: str, command: str, used_for: str, disables: str, install: str) -> Part:
    return Part(name, shutil.which(command), used_for, disables, install)


def report_lines(parts: list[Part]) -> list[str]:
    lines = []
    for part in parts:
        if part.found:
            lines.append(f"ok       {part.name:<12} {part.found} — for {part.used_for}")
        else:
            lines.append(f"missing  {part.name:<12} for {part.used_for}: {part.disables}")
            lines.append(f"         {'':<12} install: {part.install}")
    missing = sum(part.found is None for part in parts)
    lines.append("everything is installed" if not missing else
                 f"{missing} of {len(parts)} optional parts missing (the rest of the pipeline works without them)")
    return lines
