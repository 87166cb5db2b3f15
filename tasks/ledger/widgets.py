"""Form widgets the stock ones are too slow for."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A single <select> rendered in Python rather than through a template per option.

    The stock Select renders each option with its own template: a few hundred options (a region's
    departments) cost tens of milliseconds per page. Same markup otherwise: attributes, the
    selected option, and optgroups are not used by its callers and not supported.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option_value,
                    " selected" if str(option_value) == chosen else "",
                    label,
                )
                for option_value, label in (("" if v is None else str(v), label) for v, label in self.choices)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)
