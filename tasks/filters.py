"""The bounded filters every FilterSet uses, on the pages and in the API: a query-string number is ASCII
digits within the filter's bounds, else a 400 (a form error on a page) naming the parameter, on every
database alike (a Decimal such as 3.4e+38 overflowed SQLite's integers: a 500)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

# The largest id a query parameter may name: 64-bit signed, the ids' type (BigAutoField) on SQLite
# and PostgreSQL alike. Larger numbers are refused (400) before they reach a query.
MAX_ID = 2**63 - 1
# More digits than any 64-bit integer has (after leading zeros).
MAX_DIGITS = len(str(MAX_ID)) + 1
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class WholeNumberField(forms.IntegerField):
    """An integer as a query string writes it: ASCII digits, optionally after a minus sign.

    forms.IntegerField also takes "1.0", "1_000" and other scripts' digits, which no client means;
    NumberFilter takes "1.5" and "3.4e+38" (a Decimal, which overflows SQLite's integers: a 500).
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not WHOLE_NUMBER.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        digits = digits.lstrip("0") or "0"
        if len(digits) > MAX_DIGITS:
            # Beyond any bound a filter here has (ids: 19 digits), so the bounds refuse it with their
            # message; int() itself refuses thousands of digits (ValueError).
            digits = "9" * MAX_DIGITS
        return int(sign + digits)


class IdField(WholeNumberField):
    """An object's id in a query string: a whole number from 1 to MAX_ID, else one message saying so."""

    def __init__(self, *, min_value: int = 1, max_value: int = MAX_ID, **kwargs) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def refusal(self) -> forms.ValidationError:
        return forms.ValidationError(
            _("Enter an id: a whole number from %(min)s to %(max)s.")
            % {"min": self.min_value, "max": self.max_value},
            code="invalid_id",
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise self.refusal() from None

    def run_validators(self, value) -> None:
        try:
            super().run_validators(value)
        except forms.ValidationError:
            raise self.refusal() from None


class IdFilter(django_filters.NumberFilter):
    """The filter of an id parameter (`task`, `department`): an IdField, so "1.5", "1e3" and anything
    outside 1..MAX_ID are 400 naming the parameter, on every database alike."""

    field_class = IdField

    def get_max_validator(self) -> None:
        return None  # NumberFilter's 1e50 for Decimals; IdField has its own bounds

    @property
    def schema_bounds(self) -> tuple[int, int]:
        """(minimum, maximum) for the OpenAPI schema (api/schema.py)."""
        return self.extra.get("min_value", 1), self.extra.get("max_value", MAX_ID)


class IntegerFilter(django_filters.Filter):
    # NumberFilter would accept "1.5" days.
    field_class = WholeNumberField

    @property
    def schema_bounds(self) -> tuple[int | None, int | None]:
        return self.extra.get("min_value"), self.extra.get("max_value")


class MonthInput(forms.DateInput):
    input_type = "month"


class MonthField(forms.DateField):
    """A month as YYYY-MM (what <input type="month"> sends), cleaned to its first day."""

    input_formats = ["%Y-%m"]
    widget = MonthInput(format="%Y-%m")
    # Month arithmetic and time zone conversion of year 1 or 9999 overflow; no ledger is that old or new.
    years = (1900, 2999)

    def clean(self, value):
        month = super().clean(value)
        if month is not None and not self.years[0] <= month.year <= self.years[1]:
            raise forms.ValidationError(
                _("Enter a month between %(first)s and %(last)s.")
                % {"first": self.years[0], "last": self.years[1]},
                code="month_range",
            )
        return month


class MonthFilter(django_filters.Filter):
    field_class = MonthField
