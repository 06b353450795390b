"""Every sentence the checks write, in one place (Chinese, for finance officers), and the number
formats they use."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MESSAGES = {
    "rate_mismatch.execution": (
        "报告所述资金执行率{stated}%与实际支出{spent}÷预算{budget}={computed}%不符"
        "{alternative}，差额超出按所印小数位四舍五入或截断的误差。"
    ),
    "rate_mismatch.execution_alternative": "（按到位资金{received}计算为{computed}%，也不相符）",
    "rate_mismatch.arrival": (
        "报告所述资金到位率{stated}%与到位资金{received}÷预算{budget}={computed}%不符，"
        "差额超出按所印小数位四舍五入或截断的误差。"
    ),
    "behind_schedule.progress": (
        "截至{cutoff}，资金执行率{rate}%低于序时进度{progress}%（已过{elapsed}个月，共{total}个月），"
        "相差{gap}个百分点。"
    ),
    "behind_schedule.rule": (
        "截至{cutoff}，资金执行率{rate}%低于预警规则（{source}）：{month}月底前执行率应达到{threshold}%。"
    ),
    "below_stage_target": (
        "{where}“{indicator}”实际完成{actual}，未达到本阶段目标{target}。"
    ),
    "below_target": (
        "{where}“{indicator}”实际完成{actual}，未达到年度目标{target}。"
    ),
    "table_prose_mismatch": (
        "“{indicator}”前后数字不一致：正文写“{raw}”（{prose_where}），"
        "{table_where}实际完成值为{actual}。"
    ),
    "missing_field.budget_yuan": "报告中找不到项目预算金额（预算安排），无法核对资金执行率。",
    "missing_field.spent_yuan": "报告中找不到实际支出金额，无法核对资金执行率。",
    "missing_field.cutoff_date": "监控报告中找不到监控截止日期（截至/监控时间节点），无法判断是否滞后于序时进度。",
    "missing_field.indicators": "报告中找不到绩效指标表（一级/二级/三级指标），无法核对绩效目标完成情况。",
    "missing_field.stage_targets": "监控报告的指标表没有本阶段目标值，无法判断各项指标是否按进度完成。",
    "check_failed": "检查“{check}”未能完成：{error}。",
}


def message(key: str, **values) -> str:
    return MESSAGES[key].format(**values)


def plain(value: Decimal, places: int = 2) -> str:
    """A number rounded to `places`, trailing zeros dropped: 27.456 → 27.46, 80.00 → 80."""
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(yuan: Decimal) -> str:
    """Yuan in 万元 with separators, up to 4 decimals: 1345368 → 134.5368万元, 386420.5 → 38.642万元."""
    wan = (yuan / 10000).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{wan:,.4f}".rstrip("0").rstrip(".")
    return f"{text}万元"


def day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def table_place(table_no: int, table_title: str | None, row_no: int, page: int | None) -> str:
    title = f"“{table_title}”" if table_title else ""
    at_page = f"（第{page}页）" if page else ""
    return f"表{table_no}{title}第{row_no}行{at_page}"


def prose_place(page: int | None, section: str | None) -> str:
    heading = section.split(" > ")[-1] if section else None
    parts = ([f"第{page}页"] if page else []) + ([f"“{heading}”下"] if heading else [])
    return "，".join(parts) or "正文"
