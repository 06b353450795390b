"""Cell text → values: split sign/value/unit columns joined, the hint a bare number is read with,
level names made canonical with their weight taken off."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from perfreports.facts.indicators import vocabulary as v
from perfreports.facts.indicators.header import bracket_unit, squash
from perfreports.normalize import Value, hint_unit, is_blank_value, parse_value

_LEVEL1_LOOKUP = {raw: canon for canon, raws in v.LEVEL1_NAMES.items() for raw in raws}
_LEVEL2_LOOKUP = {raw: canon for canon, raws in v.LEVEL2_NAMES.items() for raw in raws}
_WEIGHT = re.compile(v.LEVEL_WEIGHT)
_NUMBERING = re.compile(v.LEVEL_NUMBERING)
_LEVEL_LIKE = re.compile(v.LEVEL_LIKE)
# A unit in brackets ending a name or header (NFKC-normalized): `指标值(万元)`, `目标值(单位:人)`.
# A sign column that says the target is a description, not a number.
_QUALITATIVE_SIGNS = ("定性",)


# --- level names --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LevelName:
    raw: str  # as printed, whitespace removed
    name: str  # numbering and annotation taken off
    weight: Decimal | None  # the points printed with it: `产出指标（50分）` → 50


def level_name(text: str | None) -> LevelName:
    raw = squash(text)
    plain = unicodedata.normalize("NFKC", raw)
    match = _WEIGHT.search(plain)
    weight = Decimal(match.group(1)) if match else None
    plain = _WEIGHT.sub("", plain)
    plain = re.sub(r"[(（][^()（）]*[)）]$", "", _NUMBERING.sub("", plain))
    return LevelName(raw, plain, weight)


def canonical_level1(name: str) -> str:
    """`产出` → `产出指标`, `产出指标（50分）` → `产出指标`; an unknown name is returned as given."""
    plain = level_name(name).name
    return _LEVEL1_LOOKUP.get(plain, name)


def canonical_level2(name: str) -> str:
    """`产出数量` → `数量指标`, `社会公众或服务对象满意度` → `服务对象满意度`; unknown names as given."""
    plain = level_name(name).name
    return _LEVEL2_LOOKUP.get(plain, name)


def is_level1_name(text: str) -> bool:
    return level_name(text).name in _LEVEL1_LOOKUP


def is_level2_name(text: str) -> bool:
    return level_name(text).name in _LEVEL2_LOOKUP


def is_level_name(text: str) -> bool:
    return is_level1_name(text) or is_level2_name(text)


def reads_like_level(text: str) -> bool:
    """An unknown level name that still reads like one (…指标, …效益)."""
    return bool(_LEVEL_LIKE.search(level_name(text).name))


def level2_parent(level2: str) -> str | None:
    return v.LEVEL2_PARENT.get(canonical_level2(level2))


# --- values -------------------------------------------------------------------------------------

def cell_text(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if is_blank_value(text) else text


def joined(sign: str | None, value: str | None, unit: str | None) -> str | None:
    """The text of a target or actual printed in split columns (`≥ | 15 | 个` → `≥15个`); a
    qualitative sign (`定性`) is no part of it. A lone part is itself."""
    sign, value, unit = (cell_text(t) for t in (sign, value, unit))
    if value is None:
        return None
    if sign in _QUALITATIVE_SIGNS:
        sign = None
    if unit and squash(value).endswith(squash(unit)):
        unit = None
    return "".join(part for part in (sign, value, unit) if part)


def parse(text: str | None, hint: str | None = None) -> Value | None:
    """`normalize.parse_value` on a non-empty cell (the value grammar lives in normalize/)."""
    return parse_value(text, hint=hint) if text else None


def number(text: str | None) -> Decimal | None:
    value = parse(cell_text(text))
    return value.value if value else None


def value_hint(indicator: str, column_unit: str | None, table_unit: str | None) -> str:
    """The hint for a bare number under `indicator`: its own bracketed unit first, then the unit
    in its column's header, then the table's `单位：` line — the latter only where it restates the
    unit the indicator has anyway (a money line sets 元 vs 万元 for money rows, not for counts)."""
    if bracket_unit(indicator):
        return indicator
    if column_unit:
        return f"{indicator}({column_unit})"
    if table_unit and hint_unit(indicator)[0] is not None and hint_unit(indicator)[0] == hint_unit(f"({table_unit})")[0]:
        return f"{indicator}({table_unit})"
    return indicator


def with_unit_of(value: Value | None, target: Value | None) -> Value | None:
    """An actual or stage target printed as a bare number takes the target's unit (`58` under a
    target of `≥60场`) — not for money, where the bare number may be in 元 or 万元."""
    if value is None or target is None or value.value is None or value.unit is not None \
            or target.unit in (None, "元"):
        return value
    return Value(value.op, value.value, target.unit, value.qualifier, value.raw, value.qualitative,
                 value.value_high)
