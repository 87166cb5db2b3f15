"""`{{ value|plain_number }}`: a stored number as people write it (tasks/numbers.py), in every template."""

from django import template

from tasks.numbers import plain_number as _plain_number

register = template.Library()


@register.filter
def plain_number(value) -> str:
    return _plain_number(value)
