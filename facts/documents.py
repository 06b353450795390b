"""Which document a file holds: the PDF, the DOCX and the scan of one report share a
`document_id`, found from what the report says, not from its bytes.

The id is a digest of what names the report — agency, fiscal year, kind, project, cutoff date,
title — and of the names of its indicator rows (two projects of one union in one year have
different indicators). Amounts, targets and actuals are left out on purpose: two files of one
report that disagree on a value stay one document, and the `documents` view lists the fields
they disagree on.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from perfreports.facts.records import IndicatorRow, ReportRow

_SPACE = re.compile(r"\s+")


def document_id(report: ReportRow, indicators: Iterable[IndicatorRow]) -> str:
    """16 hex digits naming the report `report` and `indicators` are from."""
    names = sorted({_SPACE.sub("", row.indicator) for row in indicators})
    identity = (report.agency, report.fiscal_year, report.report_type, report.project_name,
                report.cutoff_date, report.title, *names)
    text = "\x1f".join("" if part is None else _SPACE.sub("", str(part)) for part in identity)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
