"""Dutch working days, in which the deadlines of bank-to-bank refund requests are counted.

A deadline of n working days is counted the way legal deadlines are under the Algemene
termijnenwet: Saturdays, Sundays and the generally recognised holidays (article 3) do not count.
Those holidays are New Year's Day (1 January), Good Friday (equated to them by decree), Easter
Monday, King's Day (27 April, or 26 April when the 27th is a Sunday), Liberation Day (5 May),
Ascension Day, Whit Monday, Christmas Day and Boxing Day (25 and 26 December). Easter Sunday and
Whit Sunday are Sundays anyway.

King's Day has fallen on 27 April since 2014; before that Queen's Day fell on 30 April. No
refund request on the platform predates 2014, so earlier years use the same rule rather than
history.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

_SATURDAY = 5
_SUNDAY = 6


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar: the anonymous computus of Meeus, Jones and Butcher.

    Easter is the first Sunday after the ecclesiastical full moon on or after 21 March; the
    steps below find that full moon from the 19-year lunar cycle, with the Gregorian corrections
    for skipped leap days and lunar drift per century, and then the Sunday after it.
    """
    golden = year % 19  # place in the 19-year cycle after which the moon phases repeat by date
    century, year_in_century = divmod(year, 100)
    skipped_leap_days, century_rest = divmod(century, 4)
    moon_drift = (century + 8) // 25
    lunar_correction = (century - moon_drift + 1) // 3
    # Days from 21 March to the ecclesiastical full moon.
    full_moon = (19 * golden + century - skipped_leap_days - lunar_correction + 15) % 30
    leap_years, year_rest = divmod(year_in_century, 4)
    # Days from that full moon to the Sunday after it.
    to_sunday = (32 + 2 * century_rest + 2 * leap_years - full_moon - year_rest) % 7
    # Moves the few full moons that would put Easter after 25 April a week back.
    late = (golden + 11 * full_moon + 22 * to_sunday) // 451
    month, day = divmod(full_moon + to_sunday - 7 * late + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def public_holidays(year: int) -> frozenset[date]:
    """The generally recognised holidays of a year, weekend or not; cached, as every count asks."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == _SUNDAY:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),  # Good Friday
            easter + timedelta(days=1),  # Easter Monday
            kings_day,
            date(year, 5, 5),
            easter + timedelta(days=39),  # Ascension Day
            easter + timedelta(days=50),  # Whit Monday
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < _SATURDAY and day not in public_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The day on which a deadline of `count` working days from `start` ends.

    The day of the request itself never counts, so a deadline of 0 working days ends on `start`.
    Deadlines are short, so stepping day by day costs nothing.
    """
    if count < 0:
        raise ValueError(f"a deadline counts forward, not {count} working days")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start`, up to and including `end`; 0 when end <= start.

    The inverse of add_working_days: it ends on `end` after this many working days when `end`
    is a working day, and before it otherwise. Statistics call this for every request, so it
    counts weekdays by whole weeks and subtracts the holidays on weekdays, per year.
    """
    if end <= start:
        return 0
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    holidays = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in public_holidays(year)
        if start < holiday <= end and holiday.weekday() < _SATURDAY
    )
    return weekdays - holidays


def _weekdays_through(day: date) -> int:
    """Weekdays from 1 January of year 1, a Monday, up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return 5 * weeks + min(rest, 5)
