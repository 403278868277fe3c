"""Dates at year, month or day precision, spans and Japanese era years."""

from __future__ import annotations

import pytest

from archive.content import dates


@pytest.mark.parametrize(
    "text, precision, human",
    [("1989", "year", "1989"), ("1989-06", "month", "June 1989"), ("1989-06-04", "day", "4 June 1989")],
)
def test_precision(text, precision, human):
    d = dates.parse(text)
    assert d.precision == precision and d.human() == human and d.iso() == text


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("1989-02-30", "not a real date"),
        ("1989-13", "no month 13"),
        ("1990-02-29", "not a real date"),
        ("89-06-04", "not an ISO 8601 date"),
        ("June 1989", "not an ISO 8601 date"),
        ("0000", "no year 0"),
    ],
)
def test_impossible_dates(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        dates.parse(text)


def test_unquoted_date_object_is_refused():
    import datetime

    with pytest.raises(ValueError, match="quoted string"):
        dates.parse(datetime.date(1989, 6, 4))


@pytest.mark.parametrize(
    "text, era",
    [
        ("1989-01-07", "Shōwa 64, 昭和64年"),
        ("1989-01-08", "Heisei 1, 平成元年"),
        ("1989", "Shōwa 64, 昭和64年 / Heisei 1, 平成元年"),
        ("1990-11-12", "Heisei 2, 平成2年"),
        ("1988-08", "Shōwa 63, 昭和63年"),
        ("2020-12-23", "Reiwa 2, 令和2年"),
    ],
)
def test_era(text, era):
    assert dates.parse(text).era() == era


def test_sorting_month_before_its_days():
    values = ["1989-06-04", "1989-06", "1989", "1988-08"]
    assert sorted(values, key=lambda v: dates.parse(v).sort_key()) == ["1988-08", "1989", "1989-06", "1989-06-04"]


def test_describe_span():
    start, end = dates.parse("1989-07-14"), dates.parse("1989-07-16")
    assert dates.describe(None, start, end) == "14–16 July 1989 (Heisei 1, 平成元年)"
    assert dates.describe(None, dates.parse("1988-08"), dates.parse("1990-11")).startswith("August 1988 – November 1990")
