"""Reading the review form's values: a QueryDict or a plain mapping, fields sent or left out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

_INTEGER = re.compile(r"[+-]?\d+")
_FALSE = {"", "0", "off", "false"}


def value_of(data: Mapping, key: str) -> str | None:
    """The last value sent for `key` (QueryDict or a mapping of lists or strings), None if absent."""
    values = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
    if values is None:
        return None
    if isinstance(values, str):
        return values
    values = list(values)
    return str(values[-1]) if values else None


def checked(data: Mapping, key: str) -> bool:
    value = value_of(data, key)
    return value is not None and value.strip().lower() not in _FALSE


def form_number(raw: str) -> int | float | str | None:
    """A number typed in a form; what isn't one is kept as typed, for the import to report."""
    text = raw.strip().replace(",", "")
    if not text:
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return raw.strip()
    if number.is_finite() and Decimal(repr(float(number))) == number:
        return float(number)
    return raw.strip()


def clean_text(raw: str) -> str:
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()
