"""The words indicator tables are printed with, as data: header words → column roles, level names,
closing rows. Adding a wording is a change here only (see ARCHITECTURE.md).

Patterns are matched on header text with every space and line break removed (`年度指标\\n值` →
`年度指标值`) and NFKC-normalised (full-width brackets and digits as ASCII).
"""
from __future__ import annotations

# --- header words → column roles ----------------------------------------------------------------

# The three level columns (any header cell of the column's path may name them).
LEVEL_HEADERS = {
    "level1": r"一级(指标|目标)",
    "level2": r"二级(指标|目标)",
    "level3": r"三级(指标|目标)",
}
# The level-3 column's header in tables that name level-1/level-2 but print no `三级…` header.
LEVEL3_ALIASES = r"^(指标名称|指标内容|具体指标|三级指标名称|绩效指标名称)$"
# A label spanning the indicator block (`绩效指标（90分）`) or the level columns: no column of its own.
LABEL_HEADERS = r"^(长期|中期|年度)?(绩效指标|指标|绩效目标|绩效指标体系|项目绩效指标)(\(.*\))?$"

# Columns read into a named field, by the header cell closest to the body (the leaf) first.
# Order matters: the first pattern that matches wins.
FIELD_HEADERS = (
    ("adjustment", r"调整类型|调整方式|调整情况"),
    ("tracked", r"是否跟踪"),
    ("explanation", r"指标解释|指标说明|指标值说明|说明$|解释$"),
    ("deviation_reason", r"偏差原因|原因分析|未完成原因|改进措施|偏差说明"),
    ("weight", r"分值|权重"),
    ("score", r"得分|^评分$|^评分值$|^分数$"),
    ("seq", r"^序号$"),
    ("note", r"^备注$"),
    ("progress", r"完成进度|进度|完成率$|完成比例"),
    ("tick", r"可能性"),
)
# Parents whose sub-columns hold ticks (√), not values: the cause of a deviation, the chance to
# reach the target (the central monitoring template, 财预〔2019〕136号).
TICK_PARENTS = r"偏差原因|原因分析|完成目标可能性|目标完成可能性"
TICK_WORDS = r"^(经费保障|制度保障|人员保障|硬件条件保障|其他|其它|确定能|有可能|完全不可能|不可能|可能)$"
# Sub-columns of a split target or actual: the comparison and the unit beside the number.
SIGN_HEADERS = r"^(指标性质|指标方向|指标属性|指标类型|运算符号?|符号|比较符|性质)$"
UNIT_HEADERS = r"^(度量单位|计量单位|单位)$"

# What a value column holds, from its own header text first, then its parents'.
STAGE_TARGET_WORDS = r"应完成|应达到"  # 本阶段应完成的绩效目标值: a target, though it says 完成
FORECAST_WORDS = r"预计|预测"
ACTUAL_WORDS = r"实际|完成值|完成情况|完成数|执行情况|执行数|实现值|实现情况|完成结果|达成值|(?<!应)完成$"
TARGET_WORDS = r"目标|指标值|计划|标准值|预期|年度指标|全年指标|期望值"
# When: the stage of a monitoring report, or the whole year. The column's own text decides first.
STAGE_WORDS = (r"\d+\s*[-—–~至到]\s*\d+\s*月|^\d+月|上半年|下半年|前[一二三四1-4]季度|第[一二三四1-4]季度"
               r"|季度末|季末|截[至止]|本阶段|阶段|本期|当期|跟踪|应完成|月底|月末|年中|中期")
FULL_YEAR_WORDS = r"全年|年度|年初|项目完成时|全周期|整体|总体"

# --- level names (shared/SCHEMA.md) ------------------------------------------------------------

LEVEL1_NAMES = {
    "成本指标": ("成本", "成本指标", "成本目标"),
    "产出指标": ("产出", "产出指标", "产出目标"),
    "效益指标": ("效益", "效益指标", "效益目标", "效果指标", "效果目标", "效果"),
    "满意度指标": ("满意度", "满意度指标", "满意度目标", "服务对象满意度指标"),
}
LEVEL2_NAMES = {
    "经济成本": ("经济成本", "经济成本指标"),
    "社会成本": ("社会成本", "社会成本指标"),
    "生态环境成本": ("生态环境成本", "生态环境成本指标", "生态成本"),
    "数量指标": ("数量指标", "产出数量", "数量"),
    "质量指标": ("质量指标", "产出质量", "质量"),
    "时效指标": ("时效指标", "产出时效", "时效"),
    "经济效益": ("经济效益", "经济效益指标"),
    "社会效益": ("社会效益", "社会效益指标"),
    "生态效益": ("生态效益", "生态效益指标"),
    "可持续影响": ("可持续影响", "可持续影响指标"),
    "服务对象满意度": ("服务对象满意度", "服务对象满意度指标", "满意度", "满意度指标",
                      "社会公众或服务对象满意度", "社会公众或服务对象满意度指标"),
}
# Which level-1 a level-2 belongs to, to tell a merged level-1 cell's true extent.
LEVEL2_PARENT = {
    "经济成本": "成本指标", "社会成本": "成本指标", "生态环境成本": "成本指标",
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标",
    "经济效益": "效益指标", "社会效益": "效益指标", "生态效益": "效益指标", "可持续影响": "效益指标",
    "服务对象满意度": "满意度指标",
}
# An unknown level name that still reads like one is kept quietly; anything else is reported.
LEVEL_LIKE = r"(指标|目标|成本|效益|效果|满意度|影响|数量|质量|时效|产出)$"
# What a level cell may carry besides the name: its points or weight, a number.
LEVEL_WEIGHT = r"[(（]\s*(?:权重|分值)?\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(分|%|％)?\s*[)）]"
LEVEL_NUMBERING = r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])"

# --- rows ---------------------------------------------------------------------------------------

# A row that ends the indicator block of a form: totals, the conclusion, problems, signatures.
CLOSING_ROWS = (r"^(合计|总分|总计|综合得分|得分合计|自评得分|评价得分|总得分)$"
                r"|^(评价结论|自评结论|绩效评价结论|综合评价结论|结论|存在问题|主要问题|问题及原因|存在的问题"
                r"|改进措施|整改措施|改进建议|意见建议|下一步措施|工作建议)"
                r"|^(项目负责人|财务负责人|单位负责人|负责人|填报人|填表人|联系人|联系电话|填报日期|填表日期|审核人)")
# Rows inside the block that are not indicators: group subtotals, notes.
SKIPPED_ROWS = r"^(小计|合计)$|^(注|说明|备注)\d*[：:]"

ADJUSTMENTS = (("原", "original"), ("新增", "added"), ("删除", "deleted"), ("调整", "modified"),
               ("修改", "modified"), ("变更", "modified"))
TRACKED = {"是": True, "否": False}
