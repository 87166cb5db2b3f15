"""tasks.numbers.parse_digits: plain ASCII digits, or None (never a ValueError)."""

import pytest

from tasks.numbers import parse_digits


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0), ("7", 7), ("007", 7), ("9" * 19, 10**19 - 1), ("0" * 50 + "1", 1)]
)
def test_ascii_digits_are_read(text, value):
    assert parse_digits(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 7",
        "7 ",
        "-7",
        "+7",
        "7.0",
        "1e3",
        "1_000",
        "²",
        "①",
        "١٢",
        "７",
        "9" * 20,
        "9" * 5000,
        None,
        7,
        7.0,
    ],
)
def test_anything_else_is_none(text):
    assert parse_digits(text) is None


def test_a_smaller_bound():
    assert parse_digits("1234", max_digits=3) is None
    assert parse_digits("123", max_digits=3) == 123
