"""Stage 2: turn a `Document` into dataset rows (reports, indicators, figures, problems)."""
from __future__ import annotations

from extract.model import Document
from facts.records import Records


def build(document: Document, *, report_id: str, source_file: str, source_path: str) -> Records:
    """All rows one document contributes to the dataset."""
    raise NotImplementedError  # lead engineer is writing this
