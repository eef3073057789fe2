"""The figures of the reports: how many, how many victims and how much damage, by fraud type,
channel, age band and month; what rises and falls; what is new.

Every figure is one SQL query that groups in the database (GROUP BY), never a loop over report
objects: a million reports answer in well under a second. Each function takes a ``Period`` so the
yearly report can ask for one year and the dashboard for any range.

Months and dates are UTC (the stored time): a report made at 00:30 Dutch time on the first of a
month counts in the month before. Close enough for figures, and the same on both engines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import ColumnElement, String, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement as Column

from fraudlink.errors import InvalidInput
from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse
from fraudlink.indicators import service as indicator_service
from fraudlink.partners import service as partner_service
from fraudlink.reports.models import Report, ReportIdentifier
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType

UNKNOWN: Final = "unknown"  # the group of reports without an age band
EMERGING_DAYS: Final = 30
CLIMBING_MONTHS: Final = 3
WEB_KINDS: Final = (IdentifierKind.URL.value, IdentifierKind.DOMAIN.value)


class Dimension(StrEnum):
    FRAUD_TYPE = "fraud_type"
    CHANNEL = "channel"
    AGE_BAND = "age_band"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """Reports that occurred from ``start`` to ``end``, both days included (UTC); None: open."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def of(cls, *, year: int | None, start: date | None, end: date | None) -> Period:
        """A year, or a range of dates (either end may be left open), as a filter gives it."""
        if year is not None and (start is not None or end is not None):
            raise InvalidInput("figures.period_year_or_range", field="year")
        if year is not None:
            if not 2000 <= year <= 2100:
                raise InvalidInput("figures.period_year_invalid", field="year")
            return cls.year(year)
        if start is not None and end is not None and end < start:
            raise InvalidInput("figures.period_reversed", field="to")
        return cls(start, end)

    @property
    def start_at(self) -> datetime | None:
        return datetime.combine(self.start, time(), UTC) if self.start else None

    @property
    def end_before(self) -> datetime | None:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC) if self.end else None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }

    def where(self, moment: Any) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.start_at is not None:
            conditions.append(moment >= self.start_at)
        if self.end_before is not None:
            conditions.append(moment < self.end_before)
        return conditions


@dataclass(frozen=True)
class Group:
    """Reports, victims and damage of one group (a fraud type, a channel, a month, ...).

    ``victims`` counts a victim's account once however many reports name it; a report without
    the victim's account is one victim.
    """

    key: str
    reports: int
    victims: int
    damage_cents: int

    @property
    def damage_euros(self) -> float:
        return self.damage_cents / 100


@dataclass(frozen=True)
class Change:
    """Reports of one group in a recent span against the span before it."""

    key: str
    previous: int
    current: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_percent(self) -> float | None:
        """None when there was nothing before (a rise from zero has no percentage)."""
        return round(100 * self.change / self.previous, 1) if self.previous else None


@dataclass(frozen=True)
class MonthOnMonth:
    month: str  # the last complete month, "2025-06"
    previous_month: str
    by_fraud_type: list[Change]
    by_channel: list[Change]


@dataclass(frozen=True)
class Climbing:
    months: list[str]  # the recent months, oldest first
    previous_months: list[str]
    fraud_types: list[Change]  # only those that rose, the steepest first


@dataclass(frozen=True)
class EmergingDomain:
    domain: str
    first_named_at: datetime
    reports: int


@dataclass(frozen=True)
class Emerging:
    since: datetime  # first named on or after this moment ...
    until: datetime  # ... and before this one
    domains: list[EmergingDomain]


def month_of(moment: Any, dialect: str) -> Column[str]:
    """The month of a stored time ("2025-06"), in SQL: the engines spell it differently."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", moment), "YYYY-MM")
    return func.strftime("%Y-%m", moment)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _victims() -> Column[int]:
    # Distinct victims' accounts, plus one for every report that names none.
    return func.count(func.distinct(Report.victim_iban_token)) + func.coalesce(
        func.sum(case((Report.victim_iban_token.is_(None), 1), else_=0)), 0
    )


def _key_column(session: Session, dimension: Dimension) -> Column[Any]:
    if dimension is Dimension.MONTH:
        return month_of(Report.occurred_at, _dialect(session))
    return plain(getattr(Report, dimension.value))


def plain(column: Any) -> Column[str]:
    """A vocabulary column read as text. On SQLite, grouping by the bare ``fraud_type`` walks
    the index (fraud_type, occurred_at) and looks up every row from it: three times slower over a
    million reports than reading the table straight through, which an expression makes it do."""
    return cast(column, String)


def _key(value: Any) -> str:
    if value is None:
        return UNKNOWN
    return str(value.value if isinstance(value, StrEnum) else value)


def keys_of(dimension: Dimension) -> list[str]:
    """Every group a dimension can have, in the vocabulary's order (months have no fixed list)."""
    if dimension is Dimension.FRAUD_TYPE:
        return [member.value for member in FraudType]
    if dimension is Dimension.CHANNEL:
        return [member.value for member in Channel]
    if dimension is Dimension.AGE_BAND:
        return [*(member.value for member in AgeBand), UNKNOWN]
    return []


def breakdown(session: Session, *, dimension: Dimension, period: Period) -> list[Group]:
    """Reports, victims and damage per group of ``dimension``, for reports that occurred in the
    period. Vocabulary groups come in the vocabulary's order, with empty groups left out; months
    in time order."""
    key = _key_column(session, dimension).label("key")
    query = (
        select(key, func.count(), _victims(), func.coalesce(func.sum(Report.total_loss_cents), 0))
        .where(*period.where(Report.occurred_at))
        .group_by(key)
    )
    found = {
        _key(value): Group(_key(value), reports, int(victims), int(damage))
        for value, reports, victims, damage in session.execute(query)
    }
    order = keys_of(dimension) or sorted(found)
    return [found[name] for name in order if name in found]


def total(session: Session, *, period: Period) -> Group:
    query = select(
        func.count(), _victims(), func.coalesce(func.sum(Report.total_loss_cents), 0)
    ).where(*period.where(Report.occurred_at))
    reports, victims, damage = session.execute(query).one()
    return Group("total", reports, int(victims), int(damage))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(period: Period, *, today: date) -> date:
    """The first day of the last month that has ended by the period's end (or by today)."""
    end = min(period.end, today - timedelta(days=1)) if period.end else today - timedelta(days=1)
    following = end + timedelta(days=1)
    # A month is complete when the day after ``end`` starts a new month.
    return _month_start(end) if following.day == 1 else _months_back(_month_start(end), 1)


def _label(month: date) -> str:
    return month.strftime("%Y-%m")


def _counts_between(session: Session, column: Any, start: date, end: date) -> dict[str, int]:
    """Reports per value of ``column`` that occurred from ``start`` up to ``end`` (excluded)."""
    query = (
        select(column, func.count())
        .where(
            Report.occurred_at >= datetime.combine(start, time(), UTC),
            Report.occurred_at < datetime.combine(end, time(), UTC),
        )
        .group_by(column)
    )
    return {_key(value): count for value, count in session.execute(query)}


def _changes(
    keys: Iterable[str], previous: dict[str, int], current: dict[str, int]
) -> list[Change]:
    changes = [
        Change(key, previous.get(key, 0), current.get(key, 0))
        for key in keys
        if previous.get(key) or current.get(key)
    ]
    # The largest rise first, the largest fall last.
    return sorted(changes, key=lambda item: (-item.change, item.key))


def month_on_month(session: Session, *, period: Period, today: date) -> MonthOnMonth:
    """Reports per fraud type and channel in the last complete month of the period against the
    month before it, with the absolute and percentage change."""
    month = last_complete_month(period, today=today)
    before = _months_back(month, 1)
    after = _months_back(month, -1)
    by_type = [
        _counts_between(session, plain(Report.fraud_type), start, end)
        for start, end in ((before, month), (month, after))
    ]
    by_channel = [
        _counts_between(session, plain(Report.channel), start, end)
        for start, end in ((before, month), (month, after))
    ]
    return MonthOnMonth(
        month=_label(month),
        previous_month=_label(before),
        by_fraud_type=_changes(keys_of(Dimension.FRAUD_TYPE), *by_type),
        by_channel=_changes(keys_of(Dimension.CHANNEL), *by_channel),
    )


def climbing_fraud_types(
    session: Session, *, period: Period, today: date, months: int = CLIMBING_MONTHS
) -> Climbing:
    """Fraud types with more reports in the last ``months`` complete months of the period than
    in the ``months`` before; the steepest rise (in per cent, a rise from nothing first) first."""
    last = last_complete_month(period, today=today)
    start = _months_back(last, months - 1)
    earlier = _months_back(start, months)
    after = _months_back(last, -1)
    previous = _counts_between(session, plain(Report.fraud_type), earlier, start)
    current = _counts_between(session, plain(Report.fraud_type), start, after)
    rising = [
        change
        for change in _changes(keys_of(Dimension.FRAUD_TYPE), previous, current)
        if change.change > 0
    ]
    rising.sort(
        key=lambda item: (
            item.change_percent is not None,
            -(item.change_percent or 0.0),
            -item.change,
            item.key,
        )
    )
    return Climbing(
        months=[_label(_months_back(last, back)) for back in range(months - 1, -1, -1)],
        previous_months=[_label(_months_back(start, back)) for back in range(months, 0, -1)],
        fraud_types=rising,
    )


def emerging_domains(
    session: Session, *, period: Period, now: datetime, days: int = EMERGING_DAYS
) -> Emerging:
    """Web domains (the registrable domain of a reported URL or domain) that reports first named
    in the last ``days`` days before the period's end (or now), with the reports naming them.

    "First named" counts reports as they were made (``reported_at``): a domain seen before the
    window is not new, however old the fraud. Partners' own domains and the warning lists'
    (a marketplace, a bank) are never fraud domains, so they are left out.
    """
    until = min(period.end_before, now) if period.end_before else now
    since = until - timedelta(days=days)
    domain = ReportIdentifier.details["registrable_domain"].as_string().label("domain")
    first = func.min(Report.reported_at)
    query = (
        select(domain, first, func.count(func.distinct(ReportIdentifier.report_id)))
        .join(Report, Report.id == ReportIdentifier.report_id)
        .where(ReportIdentifier.kind.in_(WEB_KINDS), Report.reported_at < until)
        .group_by(domain)
        .having(first >= since)
    )
    found = [
        EmergingDomain(str(name), first_named_at, reports)
        for name, first_named_at, reports in session.execute(query)
        if name
    ]
    partner_domains = set(partner_service.directory(session).by_domain)
    kept = [item for item in found if not _benign(item.domain, partner_domains)]
    kept.sort(key=lambda item: (-item.reports, item.first_named_at, item.domain))
    return Emerging(since=since, until=until, domains=kept)


def _benign(domain: str, partner_domains: set[str]) -> bool:
    try:
        identifier = parse(domain, IdentifierKind.DOMAIN)
    except InvalidIdentifier:  # stored before a parser change: judge it by name only
        return domain in partner_domains
    return indicator_service.is_warning_listed(identifier, partner_domains)


def columns(groups: Sequence[Group]) -> list[dict[str, object]]:
    """A breakdown as JSON-ready rows."""
    return [
        {
            "key": group.key,
            "reports": group.reports,
            "victims": group.victims,
            "damage_euros": group.damage_euros,
        }
        for group in groups
    ]
