"""Make a scanned rendition of each sample PDF: what an archive's scanner would give.

    python samples/make_scans.py            # every samples/*.pdf
    python samples/make_scans.py NAME ...   # only these (file stem, e.g. qingyunpu-2023-monitoring)

Each page is rasterised at 200 dpi in grayscale (pypdfium2), rotated by a fraction of a degree
(different per sample, as a sheet lies on the glass), given sensor noise and a few specks, and
JPEG-compressed (quality 70); the pages are written to `tests/data/scans/<name>.scan.pdf` as images only,
no text layer. The noise is seeded by the sample name, so re-running gives the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

HERE = Path(__file__).resolve().parent
# beside the tests, not in samples/: OCR takes minutes, and the quick-start ingest of samples/ must not
SCANS = HERE.parent / "tests" / "data" / "scans"
DPI = 200
JPEG_QUALITY = 70
# degrees, counter-clockwise; chosen per sample so the deskew is tested both ways
ROTATION = {
    "qingyunpu-2023-monitoring": 0.7,
    "xiling-2022-self-evaluation": -1.1,
    "xindu-2024-monitoring": 0.45,
}
DEFAULT_ROTATION = 0.8


def scan_page(page: pdfium.PdfPage, angle: float, rng: np.random.Generator) -> Image.Image:
    image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels * 0.92 + 8  # paper is not quite white, toner not quite black
    pixels += rng.normal(0, 4, pixels.shape)
    specks = rng.random(pixels.shape) < 0.0004
    pixels[specks] = rng.uniform(0, 120, specks.sum())
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def make_scan(pdf_path: Path) -> Path:
    name = pdf_path.name.removesuffix(".pdf")
    angle = ROTATION.get(name, DEFAULT_ROTATION)
    rng = np.random.default_rng(int(hashlib.sha256(name.encode()).hexdigest()[:8], 16))
    pdf = pdfium.PdfDocument(pdf_path)
    pages = []
    for page in pdf:
        buffer = io.BytesIO()  # JPEG round trip: the artefacts a scanner's compression leaves
        scan_page(page, angle, rng).save(buffer, format="JPEG", quality=JPEG_QUALITY)
        pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    pdf.close()
    out = SCANS / f"{name}.scan.pdf"
    # Pillow stores JPEG pages as they are (DCTDecode); fixed dates keep the bytes reproducible
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=DPI,
                  title=name, creationDate="D:20240101000000Z", modDate="D:20240101000000Z")
    return out


def main(names: list[str]) -> None:
    sources = sorted(HERE.glob("*.pdf"))
    for source in sources:
        if not names or source.stem in names:
            out = make_scan(source)
            print(f"{out.name}: {out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
