"""The items of a page, top to bottom: text lines built from positioned chars (the unit both prose
and borderless tables are built from) and tables."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from perfreports.extract.model import Table

_WIDE_GAP = 1.5  # a gap wider than this many characters separates columns (or a contents entry's page number)


@dataclass(frozen=True)
class TextLine:
    text: str  # tabs mark wide gaps (contents entries), spaces narrow ones
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    segments: tuple[tuple[float, float, str], ...] = ()  # (x0, x1, text) pieces split at wide gaps
    chars: tuple[tuple[float, float, str], ...] = ()  # (x0, x1, text) of every char, left to right


@dataclass(frozen=True)
class PageTable:
    """A table as it stands on a page, among its text lines."""

    table: Table
    xs: tuple[float, ...]  # column boundaries (empty for a table without ruling lines)
    top: float
    bottom: float
    page: int



def chars_to_lines(chars: list[dict], page: int) -> list[TextLine]:
    """Group chars into lines by vertical position, left to right, marking gaps with spaces or tabs."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if char["text"].isspace():
            continue
        line = lines[-1] if lines else None
        if line and abs(char["top"] - line[0]["top"]) <= line[0]["size"] * 0.5:
            line.append(char)
        else:
            lines.append([char])
    return [_text_line(sorted(line, key=lambda c: c["x0"]), page) for line in lines]


def _text_line(chars: list[dict], page: int) -> TextLine:
    size = statistics.median(c["size"] for c in chars)
    parts = [chars[0]["text"]]
    segments, segment_start = [], 0
    for i, (before, char) in enumerate(zip(chars, chars[1:]), start=1):
        gap = char["x0"] - before["x1"]
        if gap > _WIDE_GAP * size:
            parts.append("\t")
            segments.append(_segment(chars[segment_start:i]))
            segment_start = i
        elif gap > 0.2 * size:
            parts.append(" ")
        parts.append(char["text"])
    segments.append(_segment(chars[segment_start:]))
    return TextLine(
        text="".join(parts), x0=chars[0]["x0"], x1=chars[-1]["x1"],
        top=min(c["top"] for c in chars), bottom=max(c["bottom"] for c in chars), size=size, page=page,
        segments=tuple(segments), chars=tuple((c["x0"], c["x1"], c["text"]) for c in chars),
    )


def _segment(chars: list[dict]) -> tuple[float, float, str]:
    return chars[0]["x0"], chars[-1]["x1"], "".join(c["text"] for c in chars)
