"""What a report states about one `reports` field, and where: a `Candidate` per place it is read.

Field readers (forms.py, prose.py) each give candidates; `report/__init__.py` takes the most
trusted and warns when two explicit statements disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SOURCES = ("cell", "line", "sentence", "title", "cover", "header")
# Statements a reader can hold against each other; a title or a header only suggests a value.
EXPLICIT = ("cell", "line", "sentence")


@dataclass(frozen=True)
class Candidate:
    field: str
    value: object  # str, int, date, Decimal, or (date, date) for the period
    raw: str  # the text it was read from
    source: str  # cell: a form's label cell or funding block; line: `label：value` in a line;
    #              sentence: prose; title / cover: the cover page; header: a table's column header
    page: int | None = None
    table_no: int | None = None  # the table's order among the document's tables
    row_no: int | None = None  # 1-based row of the table
    sentence: str | None = None

    def agrees_with(self, other: Candidate) -> bool:
        a, b = self.value, other.value
        if isinstance(a, Decimal) and isinstance(b, Decimal):
            return abs(a - b) <= max(Decimal("0.01"), max(abs(a), abs(b)) * Decimal("0.0001"))
        if isinstance(a, str) and isinstance(b, str):
            return a in b or b in a
        return a == b


def as_text(value) -> str | None:
    """A field value as text for `report_fields.value`."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return "/".join(as_text(v) or "" for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
