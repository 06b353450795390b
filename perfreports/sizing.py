"""How much work each file of a batch is — pages with a text layer and pages that need OCR — for
the estimate of the time left. Counted by a process of its own, beside the run, so that a file
that hangs or crashes a PDF library cannot stop the batch; when it has not told yet (or cannot),
the estimate uses the files it has told about.

    python -m perfreports.sizing < paths   (NUL-separated)  →  `index<TAB>text pages<TAB>OCR pages` lines
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field

OCR_PAGE_COST = 100  # an OCR page takes about as long as 100 text pages (3 s against 30 ms)
_MOST_PAGES_LOOKED_AT = 2000  # per file: past this, pages are counted, not looked into


def pages_of(path: str) -> tuple[int, int]:
    """(pages with text, pages without any: OCR) of a PDF; a Word file counts as one text page."""
    if not path.lower().endswith(".pdf"):
        return 1, 0
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(path) as pdf:
        pages = len(pdf)
        ocr = 0
        for number in range(min(pages, _MOST_PAGES_LOOKED_AT)):
            page = pdf[number]
            text = page.get_textpage()
            ocr += text.count_chars() == 0
            text.close()
            page.close()
    return pages - ocr, ocr


def main() -> int:
    paths = sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\0")
    for index, path in enumerate(paths):
        try:
            text, ocr = pages_of(path)
        except Exception:  # noqa: BLE001 - a file it cannot open is the batch's to report
            text, ocr = 1, 0
        print(f"{index}\t{text}\t{ocr}", flush=True)
    return 0


@dataclass
class Sizer:
    """The sizing process of a batch and the work it has told about, by file index."""

    paths: list[str]
    work: dict[int, int] = field(default_factory=dict)  # text pages + OCR_PAGE_COST × OCR pages
    total: int = 0  # of `work`
    _process: subprocess.Popen | None = None
    _pending: bytes = b""

    def start(self) -> Sizer:
        try:
            self._process = subprocess.Popen([sys.executable, "-m", "perfreports.sizing"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self._process.stdin.write("\0".join(self.paths).encode("utf-8", "surrogateescape"))
            self._process.stdin.close()
            os.set_blocking(self._process.stdout.fileno(), False)
        except OSError:
            self._process = None  # no estimate by pages then, the batch goes on
        return self

    def poll(self) -> None:
        if self._process is None:
            return
        try:
            chunk = self._process.stdout.read() or b""
        except (OSError, ValueError):
            chunk = b""
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            index, text, ocr = (int(part) for part in line.split(b"\t"))
            self.work[index] = text + OCR_PAGE_COST * ocr
            self.total += self.work[index]

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._process is not None:
            self._process.wait()
            self._process.stdout.close()


if __name__ == "__main__":
    sys.exit(main())
