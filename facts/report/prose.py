"""Report fields from the cover, the title, labelled lines and sentences of the prose."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import regex

from perfreports.extract.model import Document, Heading, Paragraph, Table
from perfreports.facts.nlp import metric_before
from perfreports.facts.report import vocabulary as v
from perfreports.facts.report.candidates import Candidate
from perfreports.facts.report.forms import period_of
from perfreports.normalize import find_dates, find_quantities, parse_date
from perfreports.normalize.values import kind_of_unit

# An agency: one or more place names (省/市/区/县…), then a name ending in an organisation word —
# longest words first, so 总工会 wins over 工会 and 委员会 over 委. 年 never belongs to a name
# (`2023年南昌县教育局`).
_NAME_CHAR = r"(?:(?![年由为对在向经的是将于从按把被给让等])\p{Han})"
_PLACE = rf"{_NAME_CHAR}{{1,8}}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗|镇|乡|街道)"
AGENCY = regex.compile(
    rf"(?:{_PLACE})+?{_NAME_CHAR}{{0,12}}?"
    r"(?:工会委员会|工会联合会|总工会|工会|委员会|办公室|办事处|联合会|协会|中心|局|委|院|馆|站|所|厅|部|宫|之家)"
)
_ASSESSOR = regex.compile(r"^\p{Han}[\p{Han}（）()]{3,40}(?:有限公司|有限责任公司|事务所|研究院|咨询中心|评估中心)$")
_YEAR = regex.compile(r"(20\d{2}|19\d{2})\s*年")
_YEAR_LINE = regex.compile(r"^[（(]?(20\d{2}|19\d{2})年度?[）)]?$")
_CUTOFF_CUES = regex.compile(r"监控时间节点|跟踪节点|监控节点|截[至止][到至]?")
_LINE_LABELS = {field: regex.compile(pattern) for field, pattern in v.LINE_LABELS.items()}
_INSTRUCTION = regex.compile(v.INSTRUCTION)
# Cover lines naming others: who commissioned or wrote the report.
_NOT_THE_AGENCY = regex.compile(r"委托单位|委托方|评价机构|评价单位|受托|编制单位|报送单位：.*财政")

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
_ADJUSTED = regex.compile(r"调整为|调整后|调增后|调减后|全年预算")


def paragraphs(document: Document) -> list[Paragraph]:
    return [b for b in document.blocks if isinstance(b, Paragraph)]


def leading_blocks(document: Document, limit: int = 12) -> list:
    """The cover: blocks before the first heading or table."""
    cover = []
    for block in document.blocks[:limit]:
        if isinstance(block, (Heading, Table)):
            break
        cover.append(block)
    return cover


# --- title and year --------------------------------------------------------------------------------

def find_title(document: Document) -> str | None:
    """Consecutive cover lines up to the one ending in 报告 or 表 (a title often wraps onto two
    lines). An agency or year line right above belongs to it too (`宜昌市西陵区总工会` / `2022年度…
    项目` / `绩效自评报告`), as the report names itself that way; dates, assessors, labels,
    attachment marks and document numbers do not."""
    lines = [b.text for b in leading_blocks(document)]
    for end, line in enumerate(lines):
        if regex.search(r"报告$|报告书$|表([（(][^）)]{1,12}[）)])?$", re.sub(r"\s+", "", line)) and not _is_cover_meta(line):
            start = end
            while start > 0 and end - start < 2 and not _is_cover_meta(lines[start - 1]):
                start -= 1
            if end + 1 < len(lines) and _YEAR_LINE.match(re.sub(r"\s+", "", lines[end + 1])):
                end += 1  # `（2023年度）` under a form's name belongs to it
            return regex.sub(r"\s+", "", "".join(lines[start:end + 1]))
    titled = [line for line in lines if not _is_cover_meta(line)]
    return regex.sub(r"\s+", "", titled[0]) if titled else None


def _is_cover_meta(line: str) -> bool:
    parsed = parse_date(line)
    return bool(
        (parsed and parsed.precision != "year")
        or _ASSESSOR.match(line)
        or regex.search(r"[：:。]|〔\d{4}〕|^附件\s*\d*$|^[(（]?(金额)?单位", line)
    )


def fiscal_year(title: str | None, document: Document, project: str | None = None) -> int | None:
    """The year of 年度 in the title (`2024年…对2023年度…评价报告`), else the project's year, else the
    title's first year, else the year the first pages name most."""
    of_year = regex.search(r"(20\d{2}|19\d{2})\s*年度", title or "")
    if of_year:
        return int(of_year.group(1))
    match = _YEAR.search(project or "") or _YEAR.search(title or "")
    if match:
        return int(match.group(1))
    years = Counter(int(m.group(1)) for m in _YEAR.finditer(document.text()[:3000]))
    return years.most_common(1)[0][0] if years else None


def title_year_period(title: str | None) -> Iterator[Candidate]:
    """A title naming a year (`2024年度…`) names the period too: the whole year."""
    match = regex.search(r"(20\d{2}|19\d{2})\s*年度", title or "")
    if match:
        year = int(match.group(1))
        yield Candidate("period", (date(year, 1, 1), date(year, 12, 31)), match.group(0), "title")


# --- project, agency, assessor, date from the cover and labelled text --------------------------------

def _section_text(document: Document, heading_words: str) -> Paragraph | None:
    """The first paragraph after a heading whose title matches `heading_words`."""
    pattern = regex.compile(heading_words)
    blocks = document.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Heading) and pattern.search(block.title):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(following, Paragraph):
                return following
    return None


def project_names(document: Document, title: str | None) -> Iterator[Candidate]:
    """Under a 项目名称 heading, after a 项目名称： label, else from the title
    (`2023年XX总工会工会经费项目1-10月份绩效运行监控报告` → `2023年工会经费项目`)."""
    section = _section_text(document, r"^项目名称$")
    if section:
        yield Candidate("project_name", section.text.rstrip("。.；; "), section.text, "line", section.page)
    for paragraph in paragraphs(document)[:80]:
        labelled = regex.search(r"项目名称(?:为|是|：|:)\s*[“\"《]?([^，。；”\"》\s]+)", paragraph.text)
        if labelled and not _INSTRUCTION.search(paragraph.text):
            yield Candidate("project_name", labelled.group(1), labelled.group(0), "line", paragraph.page,
                            sentence=paragraph.text)
            break
    subject = _section_subject(document)
    if subject:
        yield subject
    if title:
        match = regex.search(r"^(.*?项目)", title)
        if match:
            name = match.group(1)
            found = AGENCY.search(name)
            name = (name[:found.start()] + name[found.end():]) if found else name
            yield Candidate("project_name", name, title, "title")


def _section_subject(document: Document) -> Candidate | None:
    """The project the 项目基本情况 section opens with (`职工服务与帮扶项目是…`, `…项目由…组织实施`)."""
    section = _section_text(document, r"项目基本情况|项目概况|基本情况")
    if section is None:
        return None
    match = regex.match(r"([^，。；：:“”\s]{2,30}?项目)(?:是|由|为|系|于|，)", section.text)
    if match is None or AGENCY.match(match.group(1)):
        return None
    return Candidate("project_name", match.group(1), match.group(0), "sentence", section.page, sentence=section.text)


def agencies(document: Document, title: str | None) -> Iterator[Candidate]:
    """The implementing unit a line names (`实施单位为…`, `实施单位：…`), else the agency in the
    title or on the cover."""
    for paragraph in paragraphs(document)[:80]:
        for label in _LINE_LABELS["agency"].finditer(paragraph.text):
            found = AGENCY.match(paragraph.text, label.end()) or regex.match(
                r"[^，。；;,\s]{2,30}", paragraph.text[label.end():])
            if found and not _INSTRUCTION.search(paragraph.text):
                yield Candidate("agency", found.group(0), paragraph.text[label.start():found.end()], "line",
                                paragraph.page, sentence=paragraph.text)
    for source, text in (("title", title or ""), *(("cover", b.text) for b in leading_blocks(document))):
        if _NOT_THE_AGENCY.search(text):
            continue
        found = AGENCY.search(regex.sub(r"^\s*\d{4}\s*年度?", "", text))
        if found:
            yield Candidate("agency", found.group(0), text, source)


def with_region_prefix(agency: str, text: str) -> str:
    """The agency with the place names the report writes before it (`柯桥区总工会` →
    `绍兴市柯桥区总工会` where the text says so)."""
    longest = agency
    for match in regex.finditer(rf"((?:{_PLACE})+){regex.escape(agency)}", text):
        candidate = match.group(1) + agency
        while candidate != agency and not AGENCY.fullmatch(candidate):
            candidate = candidate[1:]
        if len(candidate) > len(longest) and candidate.endswith(agency):
            longest = candidate
    return longest


def assessors(document: Document) -> Iterator[Candidate]:
    """A third party named on the cover (a company, firm or institute); none for self reports."""
    for block in leading_blocks(document):
        if _ASSESSOR.match(block.text):
            yield Candidate("assessor", block.text, block.text, "cover", block.page)
    commissioned = regex.search(r"委托，?(\p{Han}{4,40}?(?:有限公司|事务所|研究院|中心))", document.text()[:2000])
    if commissioned:
        yield Candidate("assessor", commissioned.group(1), commissioned.group(0), "sentence")


def report_dates(document: Document) -> Iterator[Candidate]:
    """A date standing alone on the cover, else alone at the end (the signature)."""
    candidates = list(leading_blocks(document)) + [b for b in document.blocks[-4:] if isinstance(b, Paragraph)]
    for block in candidates:
        parsed = parse_date(block.text)
        if parsed and parsed.precision == "day" and len(block.text) <= 16:
            yield Candidate("report_date", parsed.start, block.text, "cover", block.page)


# --- period and cutoff -----------------------------------------------------------------------------

def periods(document: Document, year: int | None) -> Iterator[Candidate]:
    """Under a 起止 heading, or after a label (`项目期限：`, `实施周期为`, `起止时间：` …)."""
    section = _section_text(document, r"起止|实施期限|实施周期|项目周期|项目期限|实施期")
    if section:
        found = period_of(section.text, year)
        if found:
            yield Candidate("period", found, section.text, "line", section.page)
    for paragraph in paragraphs(document):
        for label in _LINE_LABELS["period"].finditer(paragraph.text):
            clause = regex.split(r"[。；;]", paragraph.text[label.end():], maxsplit=1)[0][:40]
            found = period_of(clause, year)
            if found:
                yield Candidate("period", found, paragraph.text[label.start():label.end() + len(clause)], "line",
                                paragraph.page, sentence=paragraph.text)


def cutoffs(document: Document, year: int | None) -> Iterator[Candidate]:
    """The monitoring node: a date right after 监控时间节点 / 截至 / 截止; the most stated one first.
    A month (截至2023年10月底) stands for its last day."""
    votes: Counter[date] = Counter()
    where: dict[date, tuple[Paragraph, str]] = {}
    for paragraph in paragraphs(document):
        if _INSTRUCTION.search(paragraph.text):
            continue
        for cue in _CUTOFF_CUES.finditer(paragraph.text):
            window = paragraph.text[cue.end():cue.end() + 24]
            dates = find_dates(window, year)
            if dates and dates[0][0] <= 3 and dates[0][2].precision in ("day", "month"):
                end = dates[0][2].end
                votes[end] += 3 if "节点" in cue.group(0) else 1
                where.setdefault(end, (paragraph, cue.group(0) + window[:dates[0][1]]))
    for end, _ in votes.most_common():
        paragraph, raw = where[end]
        yield Candidate("cutoff_date", end, raw, "sentence", paragraph.page, sentence=paragraph.text)


# --- funding sentences -----------------------------------------------------------------------------

def funding_sentences(document: Document) -> list[Candidate]:
    """Budget, funds in place, spending and the two rates, each clause that states one — for the
    budget, the adjusted one (全年预算调整为…) before the one at the start of the year; a report
    saying its funds are all in place (资金已全部到位) has them in place up to its budget."""
    found = [Candidate(field, value, raw, "sentence", paragraph.page, sentence=paragraph.text)
             for paragraph in paragraphs(document) if not _INSTRUCTION.search(paragraph.text)
             for field, value, raw in _funding_figures(paragraph.text)]
    found.sort(key=lambda c: c.field == "budget_yuan" and not _ADJUSTED.search(c.raw))
    budget = next((c.value for c in found if c.field == "budget_yuan"), None)
    if budget is not None and any(regex.search(r"资金已?全部到位|全额到位", p.text) for p in paragraphs(document)):
        found.append(Candidate("received_yuan", budget, "资金已全部到位", "sentence"))
    return found


def _funding_figures(text: str) -> Iterator[tuple[str, Decimal, str]]:
    """(column, value, raw) for each amount or rate whose clause names a funding metric right before it.

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
        yield _FUNDING_BY_METRIC[metric], value.value, text[clause_start:end]
