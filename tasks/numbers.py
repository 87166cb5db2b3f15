"""Whole numbers as forms, headers and workbook cells write them: ASCII digits, nothing else.

`str.isdigit()` is true of "²" and "①", which `int()` refuses (ValueError: a 500 where it was the
only check), and `int()` refuses more than 4300 digits; `parse_digits` is the check and the
conversion in one, None for anything that is not a plain whole number of at most `max_digits`.
"""

from __future__ import annotations

# Enough for any 64-bit id (19 digits); smaller numbers (a percentage) are bounded by their caller.
MAX_DIGITS = 19


def parse_digits(value: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """`value` (a string of digits only: strip it first where spaces are allowed) as an int, else None."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value.lstrip("0")) > max_digits:
        return None
    return int(value)
