"""Values as the reports print them → exact, comparable numbers, units, signs and dates.

    parse_value("≤490 万")            → Value(op="<=", value=Decimal("4900000"), unit="元", …)
    parse_value("30余名")             → Value(op="=", value=Decimal("30"), unit="人", qualifier="more_than", …)
    parse_date("1-10月", year=2023)   → ParsedDate(2023-01-01, 2023-10-31, "period", "1-10月")
    find_quantities("实际支出134.5368万元") → [(4, 14, Value(… value=Decimal("1345368"), unit="元" …))]

Nothing here raises on arbitrary text: what is not a value or a date is None (or an empty list).
`is_blank_value(text)` is the one test for a cell that prints "nothing here" (---, ／, 无, 暂无, 不适用 …).
"""
from perfreports.normalize.dates import ParsedDate, find_dates, parse_date
from perfreports.normalize.values import Value, find_quantities, hint_unit, is_blank_value, kind_of_unit, parse_value

__all__ = ["parse_value", "Value", "is_blank_value", "kind_of_unit", "parse_date", "ParsedDate", "find_quantities",
           "find_dates", "hint_unit"]
