"""The words report fields are labelled with, as data: form labels, funding columns, document
kinds. Patterns are matched on text with whitespace removed and NFKC-normalised.
"""
from __future__ import annotations

from dataclasses import dataclass

# --- document kinds (`reports.report_type`) -------------------------------------------------------

@dataclass(frozen=True)
class ReportType:
    code: str  # the value of reports.report_type
    label: str  # its name in compare's tables and charts
    title: str  # a pattern of the title (or the first lines) that names this kind
    mid_year: bool = False  # actuals up to a cutoff date: judged against stage targets only, a cutoff expected


# First match wins: 自评 before 评价 (绩效自评 reports say 评价 too), 申报/目标表 before the rest.
# Adding a kind of report is one line here; every stage reads its kinds from this table.
REPORT_TYPES = (
    ReportType("self_evaluation", "自评", r"自评"),
    ReportType("monitoring", "监控", r"运行监控|绩效监控|监控报告|监控表|执行监控|跟踪|监控", mid_year=True),
    ReportType("evaluation", "评价", r"评价"),
    ReportType("other", "其他", r"申报表|目标表|绩效目标申报|目标申报|绩效目标表|调整表"),
)
OTHER_TYPE = REPORT_TYPES[-1]  # a report whose title names none of the kinds


def report_type(code: str | None) -> ReportType:
    """The entry of `code`; `other` for None or a code this version does not know."""
    return next((kind for kind in REPORT_TYPES if kind.code == code), OTHER_TYPE)


# Words of the genre: a title with one of these names a performance report or form.
REPORT_TITLE = r"绩效.*(报告|表)|(自评|监控|评价|跟踪)(报告|表)|绩效目标|项目支出绩效"
# Section headings reports of the genre print.
REPORT_HEADINGS = (r"项目基本情况|项目概况|绩效目标|绩效指标|指标完成情况|项目资金|资金(投入|使用|执行)|预算执行"
                   r"|存在(的)?问题|改进措施|整改|评价结论|自评结论|监控结论|绩效分析|偏差|纠偏")
# What other documents are: their signs in the title and the first lines.
NOT_REPORT_SIGNS = (
    ("a notice (通知)", r"通知$|的通知|会议通知|培训班|报名|参会|回执"),
    ("a letter (函)", r"函$|复函|的函|此复|特此函告|函告"),
    ("a contract (合同)", r"合同|协议书|甲方|乙方|违约"),
    ("a news article", r"记者|通讯员|讯[（(]|日电|报道"),
    ("a budget table (预算表)", r"部门预算|预算表|收支预算|支出预算表|经济分类"),
)

# --- form labels → fields --------------------------------------------------------------------------
# A label cell (or `label：value` in a line) and the field its value is. First match wins.
FIELD_LABELS = (
    ("project_name", r"^项目名称$"),
    ("agency", r"^(项目)?实施单位(（盖章）|\(盖章\))?$|^项目承担单位$"),
    ("unit", r"^项目单位$|^预算单位$|^单位名称$|^填报单位$|^申报单位$"),  # the agency when no 实施单位 is named
    ("budget_yuan", r"^(年度)?(资金总额|预算(资金|总额|金额|安排)?|项目(总)?预算|年度预算|项目资金|预算安排)(\((万元|元|亿元)\))?$"),
    ("received_yuan", r"^(资金到位|到位资金|实际到位(资金)?|资金到位数)(\((万元|元|亿元)\))?$"),
    ("spent_yuan", r"^(\d+-\d+月|全年)?(实际支出|支出数|执行数|实际执行)(\((万元|元|亿元)\))?$"),
    ("execution_rate_pct", r"^(\d+-\d+月)?(预算)?执行率$"),
    ("arrival_rate_pct", r"^(资金)?到位率$"),
    ("supervisor", r"^主管部门(及代码)?$|^主管单位$"),
    ("period", r"^(项目)?(实施期|实施期限|实施周期|期限|起止时间|起止日期|周期)$|^项目起止(时间|日期)?$|^项目期$"),
    ("report_date", r"^(填报|填表|报送|编制|评价|报告)日期$|^日期$"),
    ("cutoff_date", r"^(监控|跟踪)(时间)?节点$|^截止日期$|^数据截止日期$"),
)
# Labels in running text whose value ends at the clause: `项目期限：2023年1月1日至12月31日`.
LINE_LABELS = {
    "period": r"(项目期限|实施周期|项目实施期|实施期限|起止时间|起止日期|项目周期|项目起止时间)(为|是|：|:)",
    "agency": r"(项目实施单位|实施单位|项目承担单位)(均为|均是|为|是|：|:)",
    "project_name": r"项目名称(为|是|：|:)",
    "report_date": r"(填报|填表|报送|编制|评价|报告)日期(：|:)|(?<!截止)(?<!截至)(?<!起止)(?<!数据)(?<!出生)日期(：|:)",
    "cutoff_date": r"(监控|跟踪)(时间)?节点(为|是|：|:)|数据截止(日期|时间)(为|是|：|:)",
}

# --- the funding block of a form ----------------------------------------------------------------
# Column headers of a 项目资金 block → field. Order matters within a field: the first column found
# wins (the current budget before the one at the start of the year).
FUNDING_COLUMNS = (
    ("budget_yuan", r"调整后预算|全年预算|年度预算数(?!\(万元\)$)|^预算数|预算总额|批复预算"),
    ("budget_yuan", r"年初预算"),
    ("spent_yuan", r"全年执行数|预算执行数|\d+-\d+月执行数|执行数|实际支出|支出数|决算数"),
    ("execution_rate_pct", r"执行率"),
    ("received_yuan", r"到位(资金|数)|实际到位"),
    ("arrival_rate_pct", r"到位率"),
)
# A funding column that is not what happened: the year's forecast.
FUNDING_FORECAST = r"预计"
# The total row of the block; else the first row with amounts is.
FUNDING_TOTAL_ROW = r"^(年度资金总额|资金总额|总额|合计|总计|项目资金合计|资金合计)"
# Parts of the total, never the total.
FUNDING_PART_ROW = r"^(其中|[0-9一二三四]+[.、．]|当年财政|本年财政|上年结转|财政(专户)?|单位资金|其他资金|自筹)"

# Printed instructions of a form: never a statement (`执行率未达到100%的需说明原因`, `（100字以内）`).
INSTRUCTION = r"需说明|应说明|请说明|须说明|需填写|请填写|应填写|\(\d+字以内\)|（\d+字以内）|填写说明|填报说明|填表说明"
