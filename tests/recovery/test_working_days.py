"""Working-day deadlines: the holidays as published, and counting that agrees with the calendar."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudlink.recovery.working_days import (
    add_working_days,
    easter_sunday,
    is_working_day,
    public_holidays,
    working_days_between,
)

# Easter Sundays as published in church calendars, a source independent of the computus.
KNOWN_EASTERS = {
    2000: date(2000, 4, 23),
    2001: date(2001, 4, 15),
    2002: date(2002, 3, 31),
    2003: date(2003, 4, 20),
    2004: date(2004, 4, 11),
    2005: date(2005, 3, 27),
    2006: date(2006, 4, 16),
    2007: date(2007, 4, 8),
    2008: date(2008, 3, 23),
    2009: date(2009, 4, 12),
    2010: date(2010, 4, 4),
    2011: date(2011, 4, 24),
    2012: date(2012, 4, 8),
    2013: date(2013, 3, 31),
    2014: date(2014, 4, 20),
    2015: date(2015, 4, 5),
    2016: date(2016, 3, 27),
    2017: date(2017, 4, 16),
    2018: date(2018, 4, 1),
    2019: date(2019, 4, 21),
    2020: date(2020, 4, 12),
    2021: date(2021, 4, 4),
    2022: date(2022, 4, 17),
    2023: date(2023, 4, 9),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2028: date(2028, 4, 16),
    2029: date(2029, 4, 1),
    2030: date(2030, 4, 21),
    # The extremes: the earliest and latest dates Easter can fall on.
    1818: date(1818, 3, 22),
    2285: date(2285, 3, 22),
    1943: date(1943, 4, 25),
    2038: date(2038, 4, 25),
}

HOLIDAYS = {
    2025: {
        date(2025, 1, 1),
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 4, 26),  # King's Day, a Saturday: the 27th is a Sunday
        date(2025, 5, 5),
        date(2025, 5, 29),  # Ascension Day
        date(2025, 6, 9),  # Whit Monday
        date(2025, 12, 25),
        date(2025, 12, 26),
    },
    2026: {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 5),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    },
    # Ascension Day fell on Liberation Day: one day off, counted once.
    2016: {
        date(2016, 1, 1),
        date(2016, 3, 25),
        date(2016, 3, 28),
        date(2016, 4, 27),
        date(2016, 5, 5),
        date(2016, 5, 16),
        date(2016, 12, 25),
        date(2016, 12, 26),
    },
}

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
counts = st.integers(min_value=0, max_value=300)


def _naive_between(start: date, end: date) -> int:
    return sum(
        is_working_day(start + timedelta(days=offset))
        for offset in range(1, (end - start).days + 1)
    )


@pytest.mark.parametrize(("year", "expected"), sorted(KNOWN_EASTERS.items()))
def test_easter_sunday_matches_the_published_dates(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_easter_is_a_sunday_between_22_march_and_25_april() -> None:
    for year in range(1583, 3000):
        easter = easter_sunday(year)
        assert easter.weekday() == 6, year
        assert date(year, 3, 22) <= easter <= date(year, 4, 25), year


@pytest.mark.parametrize(("year", "expected"), sorted(HOLIDAYS.items()))
def test_public_holidays(year: int, expected: set[date]) -> None:
    assert public_holidays(year) == expected


def test_kings_day_moves_to_saturday_only_when_the_27th_is_a_sunday() -> None:
    assert date(2025, 4, 27).weekday() == 6
    assert date(2025, 4, 26) in public_holidays(2025)
    assert date(2025, 4, 27) not in public_holidays(2025)
    assert date(2026, 4, 27).weekday() == 0
    assert date(2026, 4, 26) not in public_holidays(2026)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 12, 24), True),
        (date(2025, 12, 25), False),
        (date(2025, 12, 27), False),  # Saturday
        (date(2025, 12, 28), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 27), False),  # King's Day on a Monday
        (date(2026, 4, 28), True),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        # Sent Friday before Christmas: Mon 22, Tue 23, Wed 24, then Christmas and a weekend.
        (date(2025, 12, 19), 5, date(2025, 12, 30)),
        # Sent Maundy Thursday: Good Friday, the weekend and Easter Monday do not count.
        (date(2025, 4, 17), 3, date(2025, 4, 24)),
        # Sent on Good Friday itself, a holiday: counting starts after it all the same.
        (date(2026, 4, 3), 1, date(2026, 4, 7)),
        # King's Day on a Monday, then Liberation Day on a Tuesday.
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        (date(2026, 4, 24), 5, date(2026, 5, 4)),
        (date(2026, 4, 24), 6, date(2026, 5, 6)),
        (date(2025, 12, 19), 0, date(2025, 12, 19)),
        (date(2025, 12, 27), 0, date(2025, 12, 27)),
    ],
)
def test_add_working_days(start: date, count: int, due: date) -> None:
    assert add_working_days(start, count) == due
    assert working_days_between(start, due) == count


def test_a_negative_deadline_is_refused() -> None:
    with pytest.raises(ValueError, match="-1"):
        add_working_days(date(2025, 1, 6), -1)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 12, 19), date(2025, 12, 19)),
        (date(2025, 12, 30), date(2025, 12, 19)),
    ],
)
def test_no_working_days_between_a_day_and_an_earlier_one(start: date, end: date) -> None:
    assert working_days_between(start, end) == 0


def test_working_days_between_over_two_centuries_agrees_with_the_calendar() -> None:
    start, end = date(1950, 3, 7), date(2150, 11, 2)
    assert working_days_between(start, end) == _naive_between(start, end)


@given(start=days, count=counts)
def test_a_deadline_ends_on_a_working_day_after_the_start(start: date, count: int) -> None:
    due = add_working_days(start, count)
    if count:
        assert due > start
        assert is_working_day(due)
    else:
        assert due == start


@given(start=days, count=counts)
def test_working_days_between_inverts_add_working_days(start: date, count: int) -> None:
    assert working_days_between(start, add_working_days(start, count)) == count


@given(start=days, first=counts, second=counts)
def test_a_longer_deadline_ends_later(start: date, first: int, second: int) -> None:
    shorter, longer = sorted((first, second))
    if shorter == longer:
        assert add_working_days(start, shorter) == add_working_days(start, longer)
    else:
        assert add_working_days(start, shorter) < add_working_days(start, longer)


@given(start=days, span=st.integers(min_value=-10, max_value=400))
def test_working_days_between_agrees_with_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    between = working_days_between(start, end)
    assert between == _naive_between(start, end)
    if span >= 0:
        reached = add_working_days(start, between)
        assert reached <= end
        if span > 0 and is_working_day(end):
            assert reached == end
