"""`pipeline.py explain FILE`: how each table of one document was read, to see why it gave the
rows it gave (cf. pdfplumber's `debug_tablefinder`).

For every table: where it stands and how it was found (`TableQuality`: ruled or from the
alignment of text, pages, page breaks joined, lowest OCR confidence), its caption, whether it is
an indicator table (and which one, for a continuation), each column's header path and the role
read from it, how many body rows became indicator rows and why others did not, and its grid.
Nothing is written anywhere; the document's text is printed with control characters escaped.
"""
from __future__ import annotations

from pathlib import Path

from perfreports.extract import extract
from perfreports.extract.model import Document, Table
from perfreports.facts.indicators import IndicatorTable, TablePart, group_tables, read_part, table_parts
from perfreports.facts.indicators.header import Header
from perfreports.storage.export import display_width
from perfreports.terminal import plural, printable

CELL_WIDTH = 14  # display columns per grid cell


def explain(path: str | Path, max_rows: int = 15) -> list[str]:
    """The lines `explain` prints for the document at `path` (raises `ExtractError` when unreadable)."""
    document = extract(Path(path))
    parts, _ = table_parts(document)
    groups, _ = group_tables(parts)
    group_of = {id(part): group for group in groups for part in group.parts}
    lines = [f"{printable(Path(path).name)}: {_document_summary(document, parts, groups)}"]
    for part in parts:
        lines += [""] + table_lines(part, group_of.get(id(part)), max_rows)
    return lines


def _document_summary(document: Document, parts: list[TablePart], groups: list[IndicatorTable]) -> str:
    pages = f", {plural(document.pages, 'page')}" if document.pages else ""
    return (f"{document.source_format}{pages}, {plural(len(parts), 'table')}, "
            f"{plural(len(groups), 'indicator table')}")


def table_lines(part: TablePart, group: IndicatorTable | None, max_rows: int) -> list[str]:
    table = part.table
    lines = [f"table {part.order} · {_found(table)}"]
    if part.caption is not None:
        caption = part.caption
        number = f"表{caption.number}" + (f"-{caption.sub}" if caption.sub else "") if caption.number else "续表"
        lines.append(f"  caption: {number} {printable(caption.title or '')}".rstrip())
    if group is None:
        lines.append("  not an indicator table: no header row names the level columns (一级/二级/三级指标)")
        return lines + grid_lines(part.grid, max_rows)
    which = group.parts.index(part)
    lines.append(f"  indicator table 表{group.table_no}" + (f", continued (part {which + 1} of {len(group.parts)})"
                                                           if which else ""))
    header = part.header or Header(range(0, 0), group.header.columns, group.header.texts)
    lines += header_lines(header, printed=part.header is not None)
    result = read_part(table, part.grid, header, ("", ""))
    if result.problem:
        lines.append(f"  rows: none read — {printable(result.problem)}")
    else:
        skipped = result.body_count - len(result.rows) - len(result.bad_rows)
        lines.append(f"  rows: {result.body_count} in the body → {len(result.rows)} indicator rows, "
                     f"{skipped} skipped (subtotals, notes, blank), {len(result.bad_rows)} rejected")
        lines += [f"    rejected: {printable(reason)}" for reason in result.bad_rows]
    return lines + grid_lines(part.grid, max_rows)


def _found(table: Table) -> str:
    quality = table.quality
    pages = table.pages
    where = (f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}–{pages[-1]}") if pages else "no page"
    how = "ruled" if quality.ruled else "unruled (columns from the alignment of text)"
    parts = [where, how, f"{table.n_rows} rows × {table.n_cols} columns"]
    if quality.seams:
        parts.append(f"{plural(quality.seams, 'page break')} joined")
    if quality.split_from_previous:
        parts.append("cut from the block above (same table number)")
    if table.lowest_confidence is not None:
        parts.append(f"OCR, lowest confidence {table.lowest_confidence:.2f}")
    return " · ".join(parts)


def header_lines(header: Header, printed: bool) -> list[str]:
    if printed:
        first, last = header.rows.start + 1, header.rows.stop
        title = f"  header: row {first}" if first == last else f"  header: rows {first}–{last}"
    else:
        title = "  header: not repeated, the first part's"
    lines = [title]
    for column in header.columns:
        role = column.key or ("— (label)" if column.role == "label" else "— kept in other_columns")
        lines.append(f"    col {column.index + 1:<2} {printable(column.name) or '(blank)'} → {role}")
    return lines


def grid_lines(grid: list[list[str]], max_rows: int) -> list[str]:
    lines = ["  grid:"]
    for r, row in enumerate(grid[:max_rows]):
        lines.append((f"    {r + 1:>3} | " + " | ".join(_fit(printable(text)) for text in row)).rstrip())
    if len(grid) > max_rows:
        lines.append(f"    … {plural(len(grid) - max_rows, 'more row')} (--rows N shows more)")
    return lines


def _fit(text: str) -> str:
    """`text` cut or padded to CELL_WIDTH display columns."""
    if display_width(text) > CELL_WIDTH:
        while display_width(text) > CELL_WIDTH - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (CELL_WIDTH - display_width(text))
