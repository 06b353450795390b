"""Number words as printed → exact `Decimal`s (never through float).

Arabic digits (half- or full-width, with or without thousands separators), Chinese numerals
(〇/零/两, composites such as 一千二百三十四万, financial capitals 壹贰叁…佰仟) and decimals
written with 点.  Integers go through cn2an; the digits after 点 are read one by one here,
because cn2an answers decimals with a float.
"""
from __future__ import annotations

import decimal
import re
from decimal import Decimal

import cn2an

# Full-width ASCII (FF01–FF5E) and the ideographic space, mapped one character to one
# character so that spans found in the translated text are spans of the original.
_FULL_TO_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20} | {
    ord("﹦"): ord("="), ord("﹤"): ord("<"), ord("﹥"): ord(">"), ord("﹪"): ord("%")}  # small forms
# In running prose a comma is punctuation (5次，100人; OCR often prints 5次,100人), except between
# digits, where it separates thousands: full-width before exactly three digits (１，０００元),
# half-width inside a whole digit group (1,200人, 4,900,000.00元). Half-width punctuation commas
# become full-width so that no number is read across them.
_FULL_TO_HALF_PROSE = {k: v for k, v in _FULL_TO_HALF.items() if k != ord("，")}
_FULL_WIDTH_THOUSANDS = re.compile(r"(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")
_DIGIT_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")

CN_DIGITS = "〇零一二两三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖"
CN_UNITS = "十拾百佰千仟万萬亿億"
CN_NUMERAL_CHARS = CN_DIGITS + CN_UNITS + "点"
CN_NUMERAL = re.compile(rf"[{CN_DIGITS}十拾][{CN_DIGITS}{CN_UNITS}]*(?:点[{CN_DIGITS}]+[万萬亿億]?)?")
ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")

_DIGIT_VALUE = {
    **dict.fromkeys("〇零", 0), **dict.fromkeys("一壹", 1), **dict.fromkeys("二两贰貳", 2),
    **dict.fromkeys("三叁參", 3), "四": 4, "肆": 4, "五": 5, "伍": 5, **dict.fromkeys("六陆陸", 6),
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_MAGNITUDE = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_MAX_CHARS = 40  # longer "numbers" are OCR noise or digit strings such as account numbers
# Room for 万亿-sized amounts with many decimals: the default 28 digits would round silently.
_EXACT = decimal.Context(prec=80, traps=[decimal.Inexact, decimal.InvalidOperation])


def to_halfwidth(text: str, *, prose: bool = False) -> str:
    """Full-width digits, signs and letters → ASCII, same length as the input.

    With `prose`, commas are read as running text has them: only a thousands separator
    becomes (or stays) `,`; every other comma is `，`.
    """
    if prose:
        return _punctuation_commas(_FULL_WIDTH_THOUSANDS.sub(",", text).translate(_FULL_TO_HALF_PROSE))
    return text.translate(_FULL_TO_HALF)


def _punctuation_commas(text: str) -> str:
    """Every half-width comma outside a digit group (1,200) → the full-width comma."""
    if "," not in text:
        return text
    pieces, last = [], 0
    for group in _DIGIT_GROUPS.finditer(text):
        pieces += [text[last:group.start()].replace(",", "，"), group.group()]
        last = group.end()
    pieces.append(text[last:].replace(",", "，"))
    return "".join(pieces)


def plain_decimal(number: Decimal) -> Decimal:
    """`number` without trailing zeros and never in exponent notation: 1345368, not 1.345368E+6."""
    number = number.normalize(_EXACT)
    if number.as_tuple().exponent > 0:
        number = number.quantize(Decimal(1), context=_EXACT)
    return number


def scale(number: Decimal, factor: int) -> Decimal:
    """`number` × `factor`, exactly."""
    return plain_decimal(_EXACT.multiply(number, Decimal(factor)))


def arabic_to_decimal(text: str) -> Decimal | None:
    """'4,900,000.00' → Decimal('4900000'); None unless the whole text is one Arabic number."""
    text = to_halfwidth(text).strip()
    if len(text) > _MAX_CHARS or not ARABIC.fullmatch(text):
        return None
    return plain_decimal(Decimal(text.replace(",", "")))


def chinese_to_decimal(text: str) -> Decimal | None:
    """'一千二百三十四万' → 12340000, '肆佰玖拾' → 490, '三点五' → 3.5; None if not a numeral."""
    text = text.strip()
    if len(text) > _MAX_CHARS or not CN_NUMERAL.fullmatch(text):
        return None
    whole, _, rest = text.partition("点")
    integer = _cn_integer(whole)
    if integer is None:
        return None
    if not rest:
        return Decimal(integer)
    magnitude = _MAGNITUDE.get(rest[-1], 1)
    fraction = "".join(str(_DIGIT_VALUE[c]) for c in rest.rstrip("万萬亿億"))
    return scale(Decimal(f"{integer}.{fraction}"), magnitude)


def _cn_integer(text: str) -> int | None:
    try:
        number = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError):  # malformed numerals: "十十", "十四五" (ValueError), "一亿一" (KeyError)
        return None
    return number if isinstance(number, int) else None


def to_decimal(text: str) -> Decimal | None:
    """Either kind of number, Arabic or Chinese; None if `text` is not exactly one number."""
    return arabic_to_decimal(text) if re.search(r"\d", to_halfwidth(text)) else chinese_to_decimal(text)
