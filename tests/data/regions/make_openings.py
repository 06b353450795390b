#!/usr/bin/env python3
"""Write openings.json: the agency and title typed by hand in each expected report.json, and the
opening texts of one rendered file of that report (paragraphs, headings and table rows in reading
order, as `perfreports.extract` reads them, up to about 2,000 characters) — the input
tests/test_regions.py gives `province_of`. The expected provinces are typed in the test, not here.

    python tests/data/regions/make_openings.py
"""
from __future__ import annotations

import json
from pathlib import Path

from perfreports.extract import extract
from perfreports.facts.report import opening_texts as report_opening

ROOT = Path(__file__).resolve().parents[3]
SETS = {  # set name → (folder of rendered files, folder of expected report.json)
    "samples": (ROOT / "samples", ROOT / "samples" / "expected"),
    "corpus": (ROOT / "tests/data/corpus", ROOT / "tests/data/corpus/expected"),
    "holdout": (ROOT / "tests/data/holdout", ROOT / "tests/data/holdout/expected"),
}
LIMIT = 2000


def opening_texts(path: Path) -> list[str]:
    return report_opening(extract(path), LIMIT)


def rendered_file(folder: Path, name: str) -> Path:
    files = sorted(folder.glob(f"{name}.*docx")) or sorted(folder.glob(f"{name}.*pdf"))
    return files[0]


def main() -> None:
    openings = {}
    for set_name, (files, expected) in SETS.items():
        for report in sorted(expected.glob("*.report.json")):
            name = report.name.removesuffix(".report.json")
            fields = json.loads(report.read_text(encoding="utf-8"))
            path = rendered_file(files, name)
            openings[f"{set_name}/{name}"] = {"file": str(path.relative_to(ROOT)), "agency": fields.get("agency"),
                                              "title": fields.get("title"), "texts": opening_texts(path)}
            print(f"{set_name}/{name}: {path.name}, {len(openings[f'{set_name}/{name}']['texts'])} texts")
    out = Path(__file__).with_name("openings.json")
    out.write_text(json.dumps(openings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
