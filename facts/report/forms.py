"""Report fields a form states in its own cells: label cells (项目名称 | 2023年…项目, 实施单位 | …),
the 项目资金 block (年初预算数 · 全年预算数 · 全年执行数 · 执行率 over a 年度资金总额 row) and the
period a column header names (1-7月执行数, 截至6月底完成值)."""
from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from perfreports.extract.model import Document, Paragraph, Table
from perfreports.facts.report import vocabulary as v
from perfreports.facts.report.candidates import Candidate
from perfreports.normalize import find_dates, parse_date, parse_value

_SPACE = re.compile(r"\s+")
_FIELD_LABELS = tuple((field, re.compile(pattern)) for field, pattern in v.FIELD_LABELS)
_FUNDING_COLUMNS = tuple((field, re.compile(pattern)) for field, pattern in v.FUNDING_COLUMNS)
_FORECAST = re.compile(v.FUNDING_FORECAST)
_TOTAL_ROW = re.compile(v.FUNDING_TOTAL_ROW)
_PART_ROW = re.compile(v.FUNDING_PART_ROW)
_INSTRUCTION = re.compile(v.INSTRUCTION)
_LINE_LABELS = {field: re.compile(pattern) for field, pattern in v.LINE_LABELS.items()}
_NEXT_LABEL = re.compile(r"[\u4e00-\u9fff]{2,8}[：:]|[。；;]")
_LABEL_VALUE = re.compile(r"^(?P<label>[^：:]{2,12})[：:](?P<value>.+)$")
_MONTH_RANGE = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[-—–至~到]\s*(\d{1,2})\s*月")
_MONTH_END = re.compile(r"截[至止]\s*(?:(\d{4})年)?(\d{1,2})月(底|末|(\d{1,2})日)")
FUNDING_FIELDS = ("budget_yuan", "received_yuan", "spent_yuan", "execution_rate_pct", "arrival_rate_pct")
_MONEY_UNITS = (("亿元", Decimal(10) ** 8), ("万元", Decimal(10) ** 4), ("千元", Decimal(1000)), ("元", Decimal(1)))


@functools.lru_cache(maxsize=1 << 16)  # cells repeat: a merged cell's text in every slot it covers
def norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", _SPACE.sub("", text or ""))


def tables(document: Document) -> Iterator[tuple[int, Table]]:
    """Every table with its 1-based order in the document."""
    order = 0
    for block in document.blocks:
        if isinstance(block, Table):
            order += not block.quality.split_from_previous
            yield order, block


def lines_above(document: Document, table: Table) -> str:
    """The two lines right above a table: its caption and `单位：元` line."""
    i = next(i for i, block in enumerate(document.blocks) if block is table)
    return " ".join(b.text for b in document.blocks[max(0, i - 2):i] if isinstance(b, Paragraph))


def distinct_cells(row: list[str]) -> list[tuple[int, str]]:
    """(column, text) of a grid row, a merged cell (copied into every column it covers) once."""
    out: list[tuple[int, str]] = []
    for c, text in enumerate(row):
        if norm(text) and (not out or norm(out[-1][1]) != norm(text)):
            out.append((c, text))
    return out


def label_field(text: str) -> str | None:
    label = norm(text)
    return next((field for field, pattern in _FIELD_LABELS if pattern.search(label)), None)


# --- label cells -----------------------------------------------------------------------------------

def label_cells(document: Document, year: int | None) -> Iterator[Candidate]:
    """A label cell and the cell right of it (`实施单位 | 某某中心`), or `label：value` in one cell."""
    for table_no, table in tables(document):
        for r, row in enumerate(table.grid()):
            cells = distinct_cells(row)
            row_label = cells[0][1] if cells else ""  # `项目资金（万元）` states the unit of the cells after it
            for i, (_, text) in enumerate(cells):
                found = _labelled(text, cells[i + 1][1] if i + 1 < len(cells) else None)
                if found is None:
                    continue
                field, raw = found
                value = field_value(field, raw, year, label=text + row_label)
                if value is not None:
                    yield Candidate(field, value, raw, "cell", table.row_page(r), table_no, r + 1)


def _labelled(text: str, right: str | None) -> tuple[str, str] | None:
    field = label_field(text)
    if field is not None:
        return (field, right) if right and label_field(right) is None else None
    match = _LABEL_VALUE.match(norm(text))
    if match and (field := label_field(match["label"])):
        return field, _NEXT_LABEL.split(match["value"], maxsplit=1)[0]
    return None


def field_value(field: str, raw: str, year: int | None, label: str = ""):
    """The value of a labelled field from the text after its label; None when it holds none.
    `label`: the label's own text, which may state the unit (`年度资金总额（万元）`)."""
    text = norm(raw)
    if not text or _INSTRUCTION.search(text):
        return None
    if field in ("project_name", "supervisor"):
        return text.rstrip("。；;，,")
    if field in FUNDING_FIELDS:
        return _funding_value(field, _NEXT_LABEL.split(text, maxsplit=1)[0], money_unit([label]))
    if field in ("agency", "unit"):
        return re.sub(r"\(\d+\)$|\(盖章\)$", "", text).rstrip("。；;，,") or None
    if field == "period":
        return period_of(text, year)
    if field in ("report_date", "cutoff_date"):
        dates = [d for _, _, d in find_dates(text, year) if d.precision in ("day", "month")]
        return dates[0].end if field == "cutoff_date" and dates else (dates[0].start if dates else None)
    return None


def period_of(text: str, year: int | None) -> tuple[date, date] | None:
    """`2024年1月1日—2024年12月31日`, `2024.1.1-2024.12.31`, `2024年度`: the first and last day."""
    dates = [d for _, _, d in find_dates(text, year) if d.precision in ("day", "period", "month", "year")]
    if not dates:
        return None
    if dates[0].precision == "period":  # a stated range; what follows is not its end
        return dates[0].start, dates[0].end
    if len(dates) >= 2:
        return dates[0].start, dates[1].end
    return (dates[0].start, dates[0].end) if dates[0].precision == "year" else None


def labelled_lines(document: Document, year: int | None) -> Iterator[Candidate]:
    """`填报日期：2024年2月28日`, `监控节点：截至…`, `项目期限：…` in a line or a cell, also several on
    one line (`项目负责人：…财务负责人：…填报日期：…`): the text after the label, up to the next label."""
    for block in document.blocks:
        if isinstance(block, Paragraph):
            yield from _labelled_in(block.text, year, block.page)
    for table_no, table in tables(document):
        for r, row in enumerate(table.grid()):
            for _, text in distinct_cells(row):
                for found in _labelled_in(text, year, table.row_page(r)):
                    yield Candidate(found.field, found.value, found.raw, "cell", found.page, table_no, r + 1)


def _labelled_in(text: str, year: int | None, page: int | None) -> Iterator[Candidate]:
    if _INSTRUCTION.search(text):
        return
    for field in ("report_date", "cutoff_date", "period"):
        for label in _LINE_LABELS[field].finditer(text):
            rest = _NEXT_LABEL.split(text[label.end():label.end() + 40], maxsplit=1)[0]
            value = field_value(field, rest, year)
            if value is not None:
                yield Candidate(field, value, text[label.start():label.end()] + rest, "line", page, sentence=text)


# --- the funding block -----------------------------------------------------------------------------

def funding_cells(document: Document, title_unit: str | None) -> Iterator[Candidate]:
    """Budget, spending, rates from a 项目资金 block: its header row names the columns, its total
    row (年度资金总额 / 总额 / 合计, else the first row with amounts) holds the values; the unit
    from the block's labels, its caption (`（单位：元）`), else the form's `金额单位：` line."""
    for table_no, table in tables(document):
        grid = table.grid()
        title_unit = " ".join(t for t in (lines_above(document, table), title_unit) if t)
        for h, row in enumerate(grid):
            columns = funding_columns(row)
            if "budget_yuan" not in columns.values() or len(columns) < 2:
                continue  # no budget column: a breakdown (by region, by item), not the project's block
            total = _total_row(grid, h, columns)
            if total is None:
                continue
            unit = money_unit([*row, *grid[total], *(r[0] for r in grid[h:total + 1]), title_unit or ""])
            for c, field in columns.items():  # a column may state its own unit: 实际支出（元）
                own = money_unit([row[c]], default=None)
                value = _funding_value(field, grid[total][c], own or unit)
                if value is not None:
                    yield Candidate(field, value, grid[total][c], "cell", table.row_page(total), table_no, total + 1)
            break


def funding_columns(row: list[str]) -> dict[int, str]:
    """Column → field of a funding header row; of two columns for one field the first pattern in
    `FUNDING_COLUMNS` wins (全年预算数 before 年初预算数)."""
    found: dict[str, tuple[int, int]] = {}  # field → (pattern rank, column)
    for c, text in distinct_cells(row):
        header = norm(text)
        if _FORECAST.search(header):
            continue
        for rank, (field, pattern) in enumerate(_FUNDING_COLUMNS):
            if pattern.search(header):
                if field not in found or rank < found[field][0]:
                    found[field] = (rank, c)
                break
    return {c: field for field, (_, c) in found.items()}


def _total_row(grid: list[list[str]], header: int, columns: dict[int, str]) -> int | None:
    rows = [r for r in range(header + 1, min(header + 8, len(grid)))
            if any(_is_number(grid[r][c]) for c in columns)]
    if not rows:
        return None
    for r in rows:
        label = next((norm(t) for c, t in distinct_cells(grid[r]) if c not in columns and not _is_number(t)
                      and not re.search(r"资金\(|预算执行情况|项目资金", norm(t))), "")
        if _TOTAL_ROW.search(label):
            return r
    return next((r for r in rows if not _PART_ROW.search(
        next((norm(t) for c, t in distinct_cells(grid[r]) if c not in columns), ""))), rows[0])


def _is_number(text: str) -> bool:
    value = parse_value(norm(text)) if norm(text) else None
    return value is not None and value.value is not None


def money_unit(texts: list[str], default: Decimal | None = Decimal(10) ** 4) -> Decimal | None:
    """The factor of the block's amounts from what its labels say (`项目资金（万元）`, `单位：元`);
    `default` (万元: forms print their funding in 万元) when none says."""
    joined = "".join(norm(t) for t in texts)
    for word, factor in _MONEY_UNITS:
        if re.search(rf"\({word}\)|单位[:：]?{word}|{word}\)", joined):
            return factor
    return default


def _funding_value(field: str, text: str, unit: Decimal) -> Decimal | None:
    value = parse_value(norm(text)) if norm(text) else None
    if value is None or value.value is None:
        return None
    if field.endswith("_pct"):
        return value.value if value.unit in ("%", None) else None
    if value.unit == "元":  # the cell writes its unit (`128.6万元`, `1,286,000元`)
        return value.value
    return (value.value * unit).normalize() if value.unit is None else None


# --- the period a column header names --------------------------------------------------------------

def header_cutoffs(document: Document, year: int | None) -> Iterator[Candidate]:
    """The end of the period a monitoring form's columns name: `1-7月执行数` → 7月31日,
    `截至6月底目标值` → 6月30日, `截至2024年9月30日`."""
    if year is None:
        return
    for table_no, table in tables(document):
        for r, row in enumerate(table.grid()[:12]):
            for _, text in distinct_cells(row):
                header = norm(text)
                if _is_number(text) or len(header) > 30:
                    continue
                end = _period_end(header, year)
                if end is not None:
                    yield Candidate("cutoff_date", end, text, "header", table.row_page(r), table_no, r + 1)


def _period_end(header: str, year: int) -> date | None:
    match = _MONTH_END.search(header)
    if match:
        month = int(match.group(2))
        year = int(match.group(1)) if match.group(1) else year
        day = int(match.group(4)) if match.group(4) else calendar.monthrange(year, month)[1]
        return date(year, month, day) if 1 <= month <= 12 else None
    match = _MONTH_RANGE.search(header)
    if match and re.search(r"执行|完成|目标", header):
        month = int(match.group(1))
        return date(year, month, calendar.monthrange(year, month)[1]) if 1 <= month <= 12 else None
    parsed = parse_date(header) if "截" in header else None
    return parsed.end if parsed and parsed.precision == "day" else None
