"""Table captions (`表 4 项目产出目标、效果目标对比表`, `续表1`, `表2-1`) and `单位：` lines.

A caption's number is the number right after 表: in `表2 2023年度…` it is 2, the year belongs
to the title, also when the space between them was lost (`表22023年度…`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from perfreports.extract.model import Block, Heading, Paragraph, Table
from perfreports.facts.indicators.header import squash
from perfreports.normalize import parse_value

# Matched on NFKC text: `表 4 …`, `附表1：…`, `表二 …`, `表2-1 …`, `表1（续）`, `续表1`, `续表`. A bare 续
# must stand alone: `表1续建项目…` is titled 续建项目. A number running into a year (`表22023年度`)
# stops before the year.
CAPTION = re.compile(
    r"^(?P<cont>续)?(?:附)?表\s*(?P<num>\d{1,3}?(?=(?:19|20)\d{2}\s*年)|\d+|[〇零一二两三四五六七八九十]+)?"
    r"(?:\s*-\s*(?P<sub>\d+))?"
    r"\s*(?P<cont2>\(续表?\)|续表?(?=\s|$))?\s*[:.．、—\-]?\s*(?P<title>.*)$", re.S)
UNIT_LINE = re.compile(r"^[（(]?单位[：:]([^（()）,，;；]+)")
_MAX_TITLE = 60


@dataclass(frozen=True)
class Caption:
    number: int | None  # None only for a bare `续表`
    title: str | None
    sub: int | None = None  # `表2-1` → 1
    continues: bool = False  # `续表1`, `表1（续）`

    def continues_table(self, table_no: int, sub: int | None) -> bool:
        """Whether this caption names the rest of table `table_no`: `续表` or the same number."""
        if self.number is None:
            return self.continues
        return (self.number, self.sub) == (table_no, sub)


def parse_caption(block: Block | None) -> Caption | None:
    if not isinstance(block, (Paragraph, Heading)):
        return None
    match = CAPTION.match(unicodedata.normalize("NFKC", block.text).strip())
    if not match:
        return None
    title = squash(match["title"])
    continues = bool(match["cont"] or match["cont2"])
    if len(title) > _MAX_TITLE or (match["num"] is None and not (continues and not title)):
        return None  # a sentence that happens to start with 表N
    number = parse_value(match["num"]) if match["num"] else None
    if match["num"] and (number is None or number.value is None):
        return None
    sub = int(match["sub"]) if match["sub"] else None
    if sub is not None:  # `表2-1`, `表2-2`: both table 2, told apart by their titles
        title = f"（{match['num']}-{sub}）{title}"
    return Caption(int(number.value) if number else None, title or None, sub, continues)


def table_unit(blocks: tuple[Block, ...], i: int) -> str | None:
    """The unit of table `i` from a `单位：万元` line just above it."""
    above = blocks[i - 1] if i > 0 else None
    match = UNIT_LINE.match(squash(above.text)) if isinstance(above, Paragraph) else None
    return match.group(1) if match else None


def table_caption(blocks: tuple[Block, ...], i: int) -> Caption | None:
    """The caption just above table `i` (a `单位：万元` line may stand between), else just below
    it — unless the line below opens the next table (then it is that table's caption)."""
    j = i - 1
    if j > 0 and isinstance(blocks[j], Paragraph) and UNIT_LINE.match(squash(blocks[j].text)):
        j -= 1
    above = parse_caption(blocks[j]) if j >= 0 else None
    if above:
        return above
    below = blocks[i + 1] if i + 1 < len(blocks) else None
    after_below = blocks[i + 2] if i + 2 < len(blocks) else None
    return None if isinstance(after_below, Table) else parse_caption(below)
