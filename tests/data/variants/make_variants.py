"""Render the self-contradicting sample variants of variants.json to DOCX and PDF.

    python tests/data/variants/make_variants.py          # every variant
    python tests/data/variants/make_variants.py NAME ...

Each variant is a base source of samples/sources with text replacements; its source is written
to sources/NAME.txt and rendered here with samples/make_samples.py (needs soffice).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "samples"))

import make_samples  # noqa: E402


def variant_source(spec: dict) -> str:
    text = (ROOT / "samples" / "sources" / f"{spec['base']}.txt").read_text(encoding="utf-8")
    for old, new in spec["replace"]:
        if old not in text:
            raise SystemExit(f"{spec['base']}: text to replace not found: {old!r}")
        text = text.replace(old, new)
    return text


def main(names: list[str]) -> None:
    specs = {k: v for k, v in json.loads((HERE / "variants.json").read_text(encoding="utf-8")).items()
             if not k.startswith("_")}
    (HERE / "sources").mkdir(exist_ok=True)
    for name, spec in specs.items():
        if names and name not in names:
            continue
        source = HERE / "sources" / f"{name}.txt"
        source.write_text(f"# variant of {spec['base']}, made by make_variants.py from variants.json\n"
                          + variant_source(spec), encoding="utf-8")
        make_samples.to_pdf(make_samples.render(source, HERE))
        print(f"rendered {name}.docx and .pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
