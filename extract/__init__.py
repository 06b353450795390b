"""Stage 1: read a file into the common `Document` model, whatever its format."""
from __future__ import annotations

from pathlib import Path

from extract.model import Block, Cell, Document, Heading, Paragraph, Table


class ExtractError(Exception):
    """The input cannot be read as a report; `code` is the stable `problems` code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def extract(path: Path) -> Document:
    """Read a PDF or DOCX file (sniffed from its bytes, not its name) into a `Document`.

    Raises `ExtractError` for input that is not a readable report file.
    """
    raise NotImplementedError  # lead engineer is writing this


__all__ = ["extract", "ExtractError", "Document", "Block", "Cell", "Heading", "Paragraph", "Table"]
