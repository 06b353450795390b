"""Render the glyph templates the OCR sign check compares against → extract/data/sign_templates.npz.

    python scripts/make_sign_templates.py

Run once, on a machine with the fonts below (Debian: fonts-noto-cjk, fonts-dejavu-core,
fonts-liberation2, fonts-arphic-uming, fonts-arphic-ukai, fonts-wqy-zenhei); the output is committed, so OCR gives the same results on every machine,
whatever fonts it has. Each template is the 96×96 binary image of one character (≥ ≤ > < =
or a digit) drawn at 64 px; `extract.ocr` crops and normalises it the same way as a scanned glyph.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "extract" / "data" / "sign_templates.npz"
CHARS = "≥≤><=0123456789"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    # the faces government documents are set in: Song/Ming, Kai, Hei
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def render(font: ImageFont.FreeTypeFont, char: str) -> np.ndarray:
    image = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(image).text((16, 8), char, fill=255, font=font)
    return np.asarray(image) > 127


def main() -> int:
    missing = [path for path in FONT_FILES if not Path(path).exists()]
    if missing:
        print("missing fonts (install fonts-noto-cjk fonts-dejavu-core fonts-liberation2 fonts-arphic-uming "
              "fonts-arphic-ukai fonts-wqy-zenhei): "
              + ", ".join(missing), file=sys.stderr)
        return 1
    chars, masks, fonts = [], [], []
    for path in FONT_FILES:
        font = ImageFont.truetype(path, 64)
        for char in CHARS:
            chars.append(char)
            masks.append(render(font, char))
            fonts.append(Path(path).name)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, chars=np.array(chars), fonts=np.array(fonts), masks=np.packbits(np.array(masks), axis=-1))
    print(f"wrote {len(chars)} templates to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
