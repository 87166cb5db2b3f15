"""tasks/numbers.py: a number as typed, where a percentage may be written as one."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tasks.numbers import (
    NotANumber,
    PercentNotAllowed,
    TypedNumber,
    is_percent_format,
    is_percent_unit,
    parse_digits,
    percent_refusal,
    read_actual,
    read_number,
)


class TestPercentFormats:
    @pytest.mark.parametrize(
        "number_format",
        ["0%", "0.0%", "0.00%", "#,##0%", "0.00%;[Red]-0.00%", '0.0"pct"%', "[$-804]0%"],
    )
    def test_formats_that_show_a_percentage(self, number_format):
        assert is_percent_format(number_format)

    @pytest.mark.parametrize(
        "number_format", [None, "", "General", "0", "0.00", '0"%"', "0\\%", "@", "yyyy-mm-dd"]
    )
    def test_formats_that_do_not(self, number_format):
        # A quoted or escaped % is text shown after the number, which is not scaled.
        assert not is_percent_format(number_format)


class TestFractionsInPercentFormattedCells:
    @pytest.mark.parametrize(
        ("value", "number_format", "expected"),
        [
            (0.72, "0%", Decimal("72")),
            (0.72, "0.0%", Decimal("72")),
            (0.725, "0.0%", Decimal("72.5")),
            (0.0725, "0.00%", Decimal("7.25")),
            (1, "0%", Decimal("100")),
            (0, "0%", Decimal("0")),
            (0.1 + 0.2, "0%", Decimal("30")),  # float noise is dropped at 15 significant digits
            (Decimal("0.72"), "0%", Decimal("72")),
        ],
    )
    def test_are_read_times_100_exactly(self, value, number_format, expected):
        typed = read_number(value, number_format)

        assert typed == TypedNumber(expected, percent=True)
        assert typed.value.as_tuple().exponent <= 0  # 100, not 1E+2
        assert read_actual(value, number_format=number_format, percentage=True) == expected

    def test_a_plain_number_stays_as_it_is(self):
        assert read_number(0.72) == TypedNumber(Decimal("0.72"))
        assert read_number(0.72, "General") == TypedNumber(Decimal("0.72"))
        assert read_actual(87, percentage=False) == Decimal("87")
        assert read_actual(0.72, percentage=True) == Decimal("0.72")
        assert read_actual(72.5, percentage=True, number_format="0.0") == Decimal("72.5")

    def test_a_percent_formatted_cell_is_refused_where_no_percentage_belongs(self):
        with pytest.raises(PercentNotAllowed) as refusal:
            read_actual(0.95, number_format="0%", percentage=False)

        assert str(refusal.value.typed) == "95%"

    def test_a_text_in_a_percent_formatted_cell_is_not_scaled(self):
        # The format applies to numbers; the text is what the person sees.
        assert read_number("0.72", "0%") == TypedNumber(Decimal("0.72"))


class TestTexts:
    @pytest.mark.parametrize(
        "text",
        ["72%", "72 %", " 72% ", "72％", "７２％", "７２%", "72\u00a0%", "72\u3000％", "72.0%", "+72%"],
    )
    def test_half_and_full_width_percentages(self, text):
        assert read_number(text) == TypedNumber(Decimal("72"), percent=True)
        assert read_actual(text, percentage=True) == Decimal("72")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("72", Decimal("72")),
            ("７２", Decimal("72")),
            ("７２．５", Decimal("72.5")),
            ("-5", Decimal("-5")),
            ("\u22125", Decimal("-5")),
            ("1,234.5", Decimal("1234.5")),
            ("１，２３４", Decimal("1234")),
            (".5", Decimal("0.5")),
            ("1e3", Decimal("1000")),
        ],
    )
    def test_plain_numbers(self, text, expected):
        assert read_number(text) == TypedNumber(expected)
        assert read_actual(text, percentage=False) == expected

    def test_decimal_percentages(self):
        assert read_actual("72.5%", percentage=True) == Decimal("72.5")
        assert read_actual("０．５％", percentage=True) == Decimal("0.5")

    @pytest.mark.parametrize("text", ["72%", "７２％", "72 %"])
    def test_a_percentage_is_refused_where_none_belongs(self, text):
        with pytest.raises(PercentNotAllowed) as refusal:
            read_actual(text, percentage=False)

        assert str(refusal.value.typed) == "72%"

    @pytest.mark.parametrize("blank", [None, "", "   ", "\u3000", "\u00a0"])
    def test_blanks_are_none(self, blank):
        assert read_number(blank) is None
        assert read_actual(blank, percentage=True) is None
        assert read_actual(blank, percentage=False) is None

    @pytest.mark.parametrize(
        "garbage",
        [
            "%",
            "72%%",
            "%72",
            "七十二%",
            "约九成",
            "72‰",
            "72 percent",
            "72,5",  # a decimal comma would be a guess: 72.5 or 725
            "1,23,4",
            "1_000",
            "0x10",
            "NaN",
            "nan%",
            "Infinity",
            "1e12",
            "72-",
            "1/2",
        ],
    )
    def test_garbage_is_not_a_number(self, garbage):
        with pytest.raises(NotANumber):
            read_number(garbage)
        with pytest.raises(NotANumber):
            read_actual(garbage, percentage=True)

    @pytest.mark.parametrize(
        "value",
        [
            True,
            False,
            datetime.date(2026, 3, 4),
            datetime.time(8, 0),
            datetime.timedelta(hours=1),
            float("inf"),
            float("nan"),
            1e12,
            [72],
            object(),
        ],
    )
    def test_other_values_are_not_numbers(self, value):
        with pytest.raises(NotANumber):
            read_number(value, "0%")


class TestShownAsTyped:
    @pytest.mark.parametrize(
        ("typed", "shown"),
        [
            (TypedNumber(Decimal("72"), percent=True), "72%"),
            (TypedNumber(Decimal("72.500"), percent=True), "72.5%"),
            (TypedNumber(Decimal("100"), percent=True), "100%"),
            (TypedNumber(Decimal("0.00")), "0"),
            (TypedNumber(Decimal("87")), "87"),
        ],
    )
    def test_str(self, typed, shown):
        assert str(typed) == shown


class TestUnits:
    @pytest.mark.parametrize("unit", ["%", "％", " % "])
    def test_percent_units(self, unit):
        assert is_percent_unit(unit)

    @pytest.mark.parametrize("unit", [None, "", "个", "个百分点", "百分点", "‰", "元"])
    def test_other_units(self, unit):
        # Percentage points are a difference of percentages, not a percentage: "5%" there is refused.
        assert not is_percent_unit(unit)

    def test_the_refusal_names_what_was_typed_and_the_unit(self):
        with translation.override("en"):
            assert percent_refusal("95%", "个") == (
                "“95%” is a percentage, but this target is counted in 个: enter a plain number in 个, "
                "without the % sign."
            )
            assert percent_refusal("95%", "") == (
                "“95%” is a percentage, but this target is not measured in %: enter a plain number, "
                "without the % sign."
            )


def test_templates_write_stored_numbers_as_people_do():
    from django.template import Context, Template

    rendered = Template(
        "{% load numbers %}{{ a|plain_number }} {{ b|plain_number }} {{ c|plain_number }}"
    ).render(Context({"a": Decimal("90.0000"), "b": Decimal("12.5000"), "c": None}))
    assert rendered == "90 12.5 "


# parse_digits: plain ASCII digits, or None (never a ValueError) ------------------------------


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


@pytest.mark.parametrize("text", ["²", "72²", "①", "١٢", "５²%"])
def test_digits_other_than_ascii_and_full_width_are_not_numbers(text):
    # NFKC would read "²" as 2 and "①" as 1: a figure nobody typed.
    with pytest.raises(NotANumber):
        read_number(text)
