"""Figures in Arabic (kg/numbers.py). Phrases written for the project."""

from __future__ import annotations

import pytest

from kg.arabic import analyse
from kg.numbers import qualifier_before, read_number


def value(phrase: str) -> int | None:
    tokens = analyse(phrase).tokens
    read = read_number(tokens, 0)
    return read[0] if read else None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("اثنا عشر مدنيا", 12),
        ("اثني عشر طفلا", 12),
        ("ستمئة شخص", 600),
        ("تسعمائة عنصر", 900),
        ("ثلاث مئة مقاتل", 300),
        ("ألف شخص", 1000),
        ("ألفي شخص", 2000),
        ("ثلاثين ألفا", 30_000),
        ("ألف ومئتي شخص", 1200),
        ("أحد عشر جنديا", 11),
    ],
)
def test_numbers_words_read(phrase, expected):
    assert value(phrase) == expected


@pytest.mark.parametrize(
    ("phrase", "qualifier"),
    [
        ("ما يزيد على 20 مدنيا", "more_than"),
        ("ما يربو على 30 قتيلا", "more_than"),
        ("أزيد من 40 شخصا", "more_than"),
        ("ما يناهز 50 قتيلا", "about"),
        ("ما يصل إلى 60 شخصا", "at_most"),
        ("ما لا يقل عن 70 مدنيا", "at_least"),
    ],
)
def test_numbers_qualifiers_before_with_alef_maqsura(phrase, qualifier):
    tokens = analyse(phrase).tokens
    figure = next(i for i, t in enumerate(tokens) if t.norm.isdigit())
    assert qualifier_before(tokens, figure) == qualifier
