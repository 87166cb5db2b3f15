"""A number as a person entered it, where a percentage may be written as one: the one rule every reader
of an actual value (and of the report workbook's percent column) applies.

A liaison who types 72% into Excel or LibreOffice gets a cell holding 0.72 with a percent number format;
one who types into a text cell, a web form or an API client may write "72%", "72 %", "72％" or "７２％".
All of these mean 72 where the value is a percentage (a target whose unit is "%", or a task's progress):

    read_actual(0.72, number_format="0%", percentage=True)  -> Decimal("72")
    read_actual("７２％", percentage=True)                     -> Decimal("72")
    read_actual(0.72, percentage=True)                        -> Decimal("0.72")  (a plain number stays)
    read_actual("72%", percentage=False)                      -> PercentNotAllowed

A percentage given where the value is not one (a target counted in 个, say) is refused rather than taken
as 72 or 0.72: either guess could record a wrong figure without anyone noticing.

`parse_digits` reads whole numbers as forms, headers and workbook cells write them: ASCII digits and
nothing else (`str.isdigit()` is true of "²" and "①", which `int()` refuses, and `int()` refuses more
than 4300 digits). `plain_number` is the other direction: a stored Decimal as people write it (90.0000 -> "90").

Pure: no database, no settings. Callers phrase "not a number" for where the value came from;
`percent_refusal` is the one message for a percentage where none belongs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

from tasks.i18n import _

__all__ = [
    "parse_digits",
    "plain_number",
    "MAX_VALUE",
    "NotANumber",
    "PercentNotAllowed",
    "TypedNumber",
    "is_percent_format",
    "is_percent_unit",
    "percent_refusal",
    "read_actual",
    "read_number",
]

# DecimalField(max_digits=16, decimal_places=4) holds less than this.
MAX_VALUE = Decimal("1e12")
# A float from a cell is read to the 15 significant digits spreadsheets keep: 0.1 + 0.2 is 0.3.
_SPREADSHEET = Context(prec=15)

# Parts of an Excel number format that show text rather than format the number: quoted text, an
# escaped character, a [colour], [condition] or [$currency-locale] code, a padding (_x) or fill (*x).
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
# After NFKC normalisation (full-width digits, "％", "．" and "，" become ASCII; spaces become " ").
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_MINUS_SIGNS = str.maketrans({"\u2212": "-"})  # the typographic minus sign


class NotANumber(ValueError):
    """Neither a number nor a percentage (text, a date, a boolean, infinity, too large)."""


class PercentNotAllowed(ValueError):
    """A percentage where the value is not one; `typed` is what was read ("72%")."""

    def __init__(self, typed: TypedNumber) -> None:
        super().__init__(str(typed))
        self.typed = typed


@dataclass(frozen=True)
class TypedNumber:
    """`value` as the person means it (72 for "72%" and for 0.72 shown as 72%); `percent` when it was
    written as a percentage (a % sign, or a percent number format)."""

    value: Decimal
    percent: bool = False

    def __str__(self) -> str:
        """As the person saw it: "72%", "72.5%", "87"."""
        shown = plain_number(self.value) if self.value else "0"
        return f"{shown}%" if self.percent else shown


def is_percent_unit(unit: str | None) -> bool:
    """Whether a target's unit makes its values percentages ("%" or the full-width "％")."""
    return unicodedata.normalize("NFKC", unit or "").strip() == "%"


def is_percent_format(number_format: str | None) -> bool:
    """Whether a spreadsheet number format shows its number times 100 with a % sign ("0%", "0.00%",
    "#,##0.0%;[Red]-0.0%"). A quoted or escaped % ('0"%"', '0\\%') is text and does not scale."""
    if not number_format or "%" not in number_format:
        return False
    return "%" in _LITERALS.sub("", number_format)


def read_number(value: object, number_format: str | None = None) -> TypedNumber | None:
    """What a cell, form field or JSON value holds; None when blank; NotANumber when it is no number.

    A number in a cell with a percent format is a fraction: it is multiplied by 100 exactly (the
    Decimal of the float's shortest repr to 15 significant digits, so 0.725 gives 72.5, not
    72.49999…). A text may end with a
    half- or full-width % sign; full-width digits, points and thousands separators are read as ASCII.
    """
    if value is None or isinstance(value, TypedNumber):  # None, or read already (the API's readings)
        return value
    if isinstance(value, str):
        return _read_text(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        # Dates and times (openpyxl gives them for date-formatted cells), booleans, anything else.
        raise NotANumber(value)
    number = _SPREADSHEET.create_decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    percent = is_percent_format(number_format)
    if percent and number.is_finite():
        number = number.scaleb(2)
    return TypedNumber(_checked(number, value), percent)


def read_actual(value: object, *, percentage: bool, number_format: str | None = None) -> Decimal | None:
    """The value meant, for a place that holds a percentage (`percentage`) or not; None when blank.

    NotANumber when it is no number; PercentNotAllowed when it is written as a percentage where the
    value is not one."""
    typed = read_number(value, number_format)
    if typed is None:
        return None
    if typed.percent and not percentage:
        raise PercentNotAllowed(typed)
    return typed.value


def percent_refusal(typed: object, unit: str | None) -> str:
    """The message for a PercentNotAllowed: what was typed and the target's unit."""
    if (unit or "").strip():
        return _(
            "“%(value)s” is a percentage, but this target is counted in %(unit)s: "
            "enter a plain number in %(unit)s, without the %% sign."
        ) % {"value": typed, "unit": unit.strip()}
    return _(
        "“%(value)s” is a percentage, but this target is not measured in %%: enter a plain number, "
        "without the %% sign."
    ) % {"value": typed}


def _is_other_digit(char: str) -> bool:
    """A digit that is neither ASCII nor full-width ("²", "①", "١"): NFKC would make "²" a 2."""
    return char.isdigit() and not ("0" <= char <= "9" or "０" <= char <= "９")


def _read_text(value: str) -> TypedNumber | None:
    if any(_is_other_digit(char) for char in value):
        raise NotANumber(value)
    text = unicodedata.normalize("NFKC", value).translate(_MINUS_SIGNS).strip()
    if not text:
        return None
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise NotANumber(value)
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets Decimal's syntax through
        raise NotANumber(value) from None
    return TypedNumber(_checked(number, value), percent)


def _checked(number: Decimal, value: object) -> Decimal:
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise NotANumber(value)
    if number.as_tuple().exponent > 0:  # 1E+2 (0.72 × 100 is 72, but 1 × 100 is 1E+2): 100
        number = number.quantize(Decimal(1))
    return number


def plain_number(value: object) -> str:
    """A number as people write it: 90.0000 -> "90", 12.5000 -> "12.5", never in scientific notation;
    "" for None, and anything that is not a number as its text."""
    if value is None:
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    return format(number.normalize(), "f")


# Enough for any 64-bit id (19 digits); smaller numbers (a percentage) are bounded by their caller.
MAX_DIGITS = 19


def parse_digits(value: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """`value` (a string of digits only: strip it first where spaces are allowed) as an int, else None."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value.lstrip("0")) > max_digits:
        return None
    return int(value)
