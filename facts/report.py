"""The `reports` row: title page, 项目名称 / 起止日期 sections and the funding prose."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import regex

from extract.model import Document, Heading, Paragraph, Table
from facts.nlp import kind_of_unit, metric_before
from facts.records import ReportRow
from normalize import find_dates, find_quantities, parse_date

_REPORT_TYPES = (  # first match wins: 自评 before 评价, since 绩效自评 reports say 评价 too
    ("self_evaluation", regex.compile(r"自评")),
    ("monitoring", regex.compile(r"运行监控|绩效监控|监控报告|跟踪")),
    ("evaluation", regex.compile(r"评价")),
)
# An agency: one or more place names (省/市/区/县…), then a name ending in an organisation word —
# longest words first, so 总工会 wins over 工会 and 委员会 over 委. 年 never belongs to a name
# (`2023年南昌县教育局`).
_NAME_CHAR = r"(?:(?!年)\p{Han})"
_AGENCY = regex.compile(
    rf"(?:{_NAME_CHAR}{{1,8}}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗|镇|乡|街道))+?{_NAME_CHAR}{{0,12}}?"
    r"(?:工会委员会|工会联合会|总工会|工会|委员会|办公室|办事处|联合会|协会|中心|局|委|院|馆|站|所|厅|部)"
)
_AGENCY_LABEL = regex.compile(r"(?:项目实施单位|实施单位|项目单位|预算单位|单位名称|主管部门)[：:]\s*(\S+?)[。；;，,\s]*$")
_ASSESSOR = regex.compile(r"^\p{Han}[\p{Han}（）()]{3,40}(?:有限公司|有限责任公司|事务所|研究院|咨询中心|评估中心)$")
_YEAR = regex.compile(r"(20\d{2}|19\d{2})\s*年")
_CUTOFF_CUES = regex.compile(r"监控时间节点|跟踪节点|监控节点|截[至止][到至]?")
_CLAUSE_END = "。；;！？!?"


# The funding columns are the figures `facts.nlp.METRIC_CUES` labels with these metrics: one
# keyword table for the report row and the figures.
_FUNDING_BY_METRIC = {
    "预算": "budget_yuan",
    "到位资金": "received_yuan",
    "实际支出": "spent_yuan",
    "资金执行率": "execution_rate_pct",
    "到位率": "arrival_rate_pct",
}
# A figure after one of these is what the metric is compared with (执行率低于全省平均60%), not its value.
_COMPARISON = regex.compile(r"低于|高于|超过|超出|不足|少于|多于|相比|对比")
_CLAUSE_START = regex.compile(r"[，,。；;：:！!？?]")


def report_row(document: Document, *, report_id: str, source_file: str, source_path: str) -> ReportRow:
    paragraphs = [b for b in document.blocks if isinstance(b, Paragraph)]
    title = find_title(document)
    year = fiscal_year(title, document)
    period = project_period(document, year)
    return ReportRow(
        report_id=report_id,
        source_file=source_file,
        source_path=source_path,
        source_format=document.source_format,
        pages=document.pages,
        title=title,
        report_type=report_type(title or ""),
        fiscal_year=year,
        project_name=project_name(document, title),
        agency=agency(document, title),
        assessor=assessor(document),
        report_date=report_date(document),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        cutoff_date=cutoff_date(paragraphs, year),
        **funding(paragraphs),
    )


def _leading_blocks(document: Document, limit: int = 12) -> list:
    """The cover: blocks before the first heading or table."""
    cover = []
    for block in document.blocks[:limit]:
        if isinstance(block, (Heading, Table)):
            break
        cover.append(block)
    return cover


def find_title(document: Document) -> str | None:
    """Consecutive cover lines up to the one ending in 报告 (a title often wraps onto two lines).

    An agency or year line right above belongs to it too (`宜昌市西陵区总工会` / `2022年度…项目` /
    `绩效自评报告`), as the report names itself that way; dates, assessors, labels, attachment marks
    and document numbers do not."""
    lines = [b.text for b in _leading_blocks(document)]
    for end, line in enumerate(lines):
        if regex.search(r"报告$|报告书$", line):
            start = end
            while start > 0 and end - start < 2 and not _is_cover_meta(lines[start - 1]):
                start -= 1
            return regex.sub(r"\s+", "", "".join(lines[start:end + 1]))
    return regex.sub(r"\s+", "", lines[0]) if lines else None


def _is_cover_meta(line: str) -> bool:
    parsed = parse_date(line)
    return bool(
        (parsed and parsed.precision != "year")
        or _ASSESSOR.match(line)
        or regex.search(r"[：:。]|〔\d{4}〕|^附件\s*\d*$", line)
    )


def report_type(title: str) -> str:
    for name, pattern in _REPORT_TYPES:
        if pattern.search(title):
            return name
    return "other"


def fiscal_year(title: str | None, document: Document) -> int | None:
    """The year of 年度 in the title (`2024年…对2023年度…评价报告`), else the project's year, else the
    title's first year, else the year the first pages name most."""
    of_year = regex.search(r"(20\d{2}|19\d{2})\s*年度", title or "")
    if of_year:
        return int(of_year.group(1))
    match = _YEAR.search(_stated_project_name(document) or "") or _YEAR.search(title or "")
    if match:
        return int(match.group(1))
    years = Counter(int(m.group(1)) for m in _YEAR.finditer(document.text()[:3000]))
    return years.most_common(1)[0][0] if years else None


def _section_text(document: Document, heading_words: str) -> str | None:
    """The first paragraph after a heading whose title matches `heading_words`."""
    pattern = regex.compile(heading_words)
    blocks = document.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Heading) and pattern.search(block.title):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(following, Paragraph):
                return following.text
    return None


def _stated_project_name(document: Document) -> str | None:
    """The name under a 项目名称 heading or after a 项目名称： label."""
    stated = _section_text(document, r"^项目名称$")
    if stated:
        return stated.rstrip("。.；; ")
    labelled = regex.search(r"项目名称[：:]\s*([^，。；\s]+)", document.text())
    return labelled.group(1) if labelled else None


def project_name(document: Document, title: str | None) -> str | None:
    stated = _stated_project_name(document)
    if stated:
        return stated
    if title:  # `2023年XX总工会工会经费项目1-10月份绩效运行监控报告` → `2023年工会经费项目`
        match = regex.search(r"^(.*?项目)", title)
        if match:
            name = match.group(1)
            found = _AGENCY.search(name)
            return (name[:found.start()] + name[found.end():]) if found and found.start() > 0 else name
    return None


def agency(document: Document, title: str | None) -> str | None:
    for line in (b.text for b in document.blocks[:60] if isinstance(b, Paragraph)):
        labelled = _AGENCY_LABEL.search(line)
        if labelled:
            return labelled.group(1)
    for text in (title or "", *(b.text for b in _leading_blocks(document))):
        found = _AGENCY.search(regex.sub(r"^\s*\d{4}\s*年度?", "", text))
        if found:
            return found.group(0)
    return None


def assessor(document: Document) -> str | None:
    """A third party named on the cover (a company, firm or institute); None for self reports."""
    for block in _leading_blocks(document):
        if _ASSESSOR.match(block.text):
            return block.text
    commissioned = regex.search(r"委托，?(\p{Han}{4,40}?(?:有限公司|事务所|研究院|中心))", document.text()[:2000])
    return commissioned.group(1) if commissioned else None


def report_date(document: Document) -> date | None:
    """A date standing alone on the cover, else alone at the end (the signature)."""
    candidates = list(_leading_blocks(document)) + [b for b in document.blocks[-4:] if isinstance(b, Paragraph)]
    for block in candidates:
        parsed = parse_date(block.text)
        if parsed and parsed.precision == "day" and len(block.text) <= 16:
            return parsed.start
    return None


def project_period(document: Document, year: int | None) -> tuple[date, date] | None:
    texts = [_section_text(document, r"起止|实施期限|实施周期|项目周期") or ""]
    texts += [m.group(0) for m in regex.finditer(r"(?:起止日期|实施期限|实施周期|项目周期)[为是：:]?[^。；]{4,40}", document.text())]
    for text in texts:
        days = [d for _, _, d in find_dates(text, year) if d.precision in ("day", "period")]
        if days and days[0].precision == "period":  # a stated range is the period; what follows is not its end
            return days[0].start, days[0].end
        if len(days) >= 2:
            return days[0].start, days[1].end
    return None


def cutoff_date(paragraphs: list[Paragraph], year: int | None) -> date | None:
    """The monitoring node: a date right after 监控时间节点 / 截至 / 截止; the most stated one wins.

    A month (截至2023年10月底) stands for its last day."""
    votes: Counter[date] = Counter()
    for paragraph in paragraphs:
        for cue in _CUTOFF_CUES.finditer(paragraph.text):
            window = paragraph.text[cue.end():cue.end() + 24]
            dates = find_dates(window, year)
            if dates and dates[0][0] <= 3 and dates[0][2].precision in ("day", "month"):
                strong = 3 if "节点" in cue.group(0) else 1
                votes[dates[0][2].end] += strong
    return votes.most_common(1)[0][0] if votes else None


def funding(paragraphs: list[Paragraph]) -> dict[str, Decimal | None]:
    """Budget, funds in place, spending and the two rates, each from the first clause that states it."""
    found: dict[str, Decimal | None] = dict.fromkeys(_FUNDING_BY_METRIC.values())
    for paragraph in paragraphs:
        for name, value in _funding_figures(paragraph.text):
            if found[name] is None:
                found[name] = value
    if found["received_yuan"] is None and found["budget_yuan"] is not None and _all_in_place(paragraphs):
        found["received_yuan"] = found["budget_yuan"]
    return found


def _funding_figures(text: str):
    """(column, value) for each amount or rate whose clause names a funding metric right before it.

    As `facts.nlp.MetricLabeller` does: the cue must follow the previous figure, so a cue names
    only the first figure after it."""
    figures = sorted(
        [(start, end, value) for start, end, value in find_quantities(text)]
        + [(start, end, None) for start, end, _ in find_dates(text)],
        key=lambda figure: figure[0],
    )
    previous_end = 0
    for start, end, value in figures:
        kind = kind_of_unit(value.unit) if value is not None else None
        metric = metric_before(text, start, kind, previous_end) if kind else None
        previous_end = max(previous_end, end)
        if metric not in _FUNDING_BY_METRIC or value.value is None or value.unit not in ("元", "%"):
            continue
        clause_start = max((m.end() for m in _CLAUSE_START.finditer(text, 0, start)), default=0)
        if _COMPARISON.search(text, clause_start, start):
            continue
        yield _FUNDING_BY_METRIC[metric], value.value


def _all_in_place(paragraphs: list[Paragraph]) -> bool:
    return any(regex.search(r"资金已?全部到位|全额到位", p.text) for p in paragraphs)
