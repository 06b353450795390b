"""The words values are written with, as data: comparison signs, qualifiers, units (written →
canonical), the unit → figure kind table, cells that say "nothing here". `values.py` reads them.
Adding a unit or a sign word is a change here only.
"""
from __future__ import annotations

# The one unit → figure kind table. 百分点 (a gap between two percents) is in percent points, so
# it is a percent figure, though its unit stays 百分点; a rate (元/人) has the kind of its numerator.
KIND_BY_UNIT = {"元": "money", "%": "percent", "百分点": "percent", "人": "persons", "人次": "person_times"}

SIGNS = {
    **dict.fromkeys([">=", "≥", "≧", "⩾", "大于等于", "大于或等于", "不低于", "不少于", "不小于"], ">="),
    **dict.fromkeys(["<=", "≤", "≦", "⩽", "小于等于", "小于或等于", "不高于", "不超过", "不大于", "不多于"], "<="),
    **dict.fromkeys(["==", "=", "等于"], "="),
    **dict.fromkeys([">", "大于", "高于", "超过", "多于"], ">"),
    **dict.fromkeys(["<", "小于", "低于", "少于"], "<"),
}
PREFIXES = {
    **dict.fromkeys(["约", "大约", "大概", "近", "将近", "接近", "约为"], "approx"),
    **dict.fromkeys(["逾", "超"], "more_than"),
    **dict.fromkeys(["不足", "不到"], "less_than"),
}
SUFFIXES = {
    **dict.fromkeys(["左右", "上下"], "approx"),
    **dict.fromkeys(["以上", "及以上"], "more_than"),
    **dict.fromkeys(["以下", "及以下", "以内", "之内"], "less_than"),
}
OP_OF_WORD = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "之内": "<=",
              "不足": "<", "不到": "<", "逾": ">", "超": ">"}

# written unit → canonical unit; the second set are also ordinary words in prose (十分, 一本,
# 两条线, 派出所) and are only read in a table cell.
UNITS = {
    "元": "元", "%": "%", "人次": "人次", "人/次": "人次", "个人": "人", "人": "人", "名": "人", "位": "人",
    "场次": "场", "个月": "月", "个百分点": "百分点", "百分点": "百分点", "次": "次", "场": "场", "个": "个",
    "家": "家", "项": "项", "期": "期", "批": "批", "户": "户", "天": "天", "篇": "篇", "件": "件",
    "座": "座", "台": "台", "套": "套", "份": "份", "课时": "课时", "学时": "学时", "小时": "小时",
}
CELL_ONLY_UNITS = {"分": "分", "所": "所", "处": "处", "条": "条", "类": "类", "本": "本", "册": "册", "门": "门",
                   "节": "节", "周": "周",
                   "百分比": "%", "工作日": "工作日", "个工作日": "工作日", "分钟": "分钟", "公里": "公里"}  # no 年/月/日: "≤12月" in a 时效 cell is a deadline, not 12 months
CELL_UNITS = UNITS | CELL_ONLY_UNITS
# Words that state a target's comparison in a table cell only (in prose 达到95% is a fact, not a target):
# 正向/反向 are the 指标性质 of budget systems (higher/lower is better).
CELL_SIGNS = SIGNS | {"达到": ">=", "达": ">=", "正向": ">=", "反向": "<="}
# A unit no table above knows is still a unit in a cell (`≥6架`, `3起`, `20公里`): one or two
# Chinese characters right after the number, but not a date or deadline word (`12月底前`, `3年内`).
ANY_CELL_UNIT = r"(?![年月日号时底前后内中余多以约左上下共之及完达为的和或至到])[\u4e00-\u9fff]{1,2}"
# What a cell prints for "nothing here" (besides runs of dashes, slashes and dots).
NON_VALUES = {"", "无", "空", "暂无", "不适用", "/", "\\", "n/a", "na", "null", "none", "nan", "—", "-", "－", "空白"}
