"""Format-independent rules for text lines: whitespace, headings, contents entries.

Both backends call these, so a line is classified the same way in PDF and DOCX.
"""
from __future__ import annotations

import regex

from perfreports.extract.model import Heading

_CJK = r"\p{Han}\p{P}\p{S}"  # a space next to Chinese text or punctuation is a rendering artefact
_SPACE_IN_CJK = regex.compile(rf"(?<=[{_CJK}])[ \u3000\t]+|[ \u3000\t]+(?=[{_CJK}])")
_SPACES = regex.compile(r"[ \u3000\t\u00a0]+")

# (level, pattern of the numbering at the start of a line)
_NUMBERINGS = (
    (1, regex.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]")),
    (2, regex.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]")),
    (3, regex.compile(r"^\d{1,2}\s*(?:[、．]|\.(?!\d))")),
    (4, regex.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
    (5, regex.compile(r"^[①-⑳]")),
)
_SENTENCE_END = regex.compile(r"[。；;！!？?]")
_HEADING_MAX_CHARS = 40
# `一、项目基本情况 ........ 1`, `（一）项目名称\t1`: a dot leader, or a numbered heading then a wide gap,
# then the page number. An unnumbered line ending in a gap and a number is prose (`慰问困难职工\t35`).
_DOT_LEADER_ENTRY = regex.compile(r"^\S.{0,60}?[.…·・\-]{3,}\s*\d{1,3}$")
_GAP_ENTRY = regex.compile(r"^\S.{1,60}?(?:\t|\s{2,})\s*\d{1,3}$")
_CONTENTS_TITLE = regex.compile(r"^目\s*录$")


def clean_text(text: str) -> str:
    """Collapse runs of spaces; drop spaces between Chinese characters (line-wrap and justification artefacts)."""
    text = _SPACE_IN_CJK.sub("", text.replace("\r", "").replace("\n", ""))
    return _SPACES.sub(" ", text).strip()


def numbering_of(text: str) -> tuple[int, str] | None:
    """Level and numbering (`（一）`) when the text starts with a heading numbering."""
    for level, pattern in _NUMBERINGS:
        match = pattern.match(text)
        if match:
            return level, match.group(0)
    return None


def as_heading(text: str, page: int | None = None) -> Heading | None:
    """A `Heading` when the line is short, numbered and not a sentence; else None."""
    found = numbering_of(text)
    if found is None or len(text) > _HEADING_MAX_CHARS or _SENTENCE_END.search(text[:-1] if text.endswith("。") else text):
        return None
    level, numbering = found
    if not text[len(numbering):].strip():
        return None
    return Heading(text=text, level=level, numbering=numbering, page=page)


def is_contents_line(raw_line: str) -> bool:
    """True for the `目录` title and for contents entries ending in a page number."""
    line = raw_line.strip()
    if _CONTENTS_TITLE.match(line) or _DOT_LEADER_ENTRY.match(line):
        return True
    return bool(_GAP_ENTRY.match(line) and numbering_of(line))
