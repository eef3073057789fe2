"""The figures of the reports: how many, how many victims and how much damage, by fraud type,
channel, age band, region and month; what rises and falls; what is new.

Counts come from running totals per month (``models.MonthlyCell``), not from the reports: the
whole months of a period are a few thousand cells however many reports there are, and only the
days of the months a period cuts into are counted from the reports themselves. Exact either way.
Victims are counted by account, an account named in several reports once: the reports, minus the
surplus reports of the few accounts named more than once (``_surplus``).

Months and dates are UTC (the stored time): a report made at 00:30 Dutch time on the first of a
month counts in the month before. Close enough for figures, and the same on both engines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement as Column

from fraudlink.errors import InvalidInput
from fraudlink.figures.models import (
    ALL,
    GROUPINGS,
    GROUPS,
    UNKNOWN,
    MonthlyCell,
    VictimAccount,
)
from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse
from fraudlink.indicators import service as indicator_service
from fraudlink.partners import service as partner_service
from fraudlink.reports.models import Report, ReportIdentifier
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, Region

EMERGING_DAYS: Final = 30
CLIMBING_MONTHS: Final = 3
WEB_KINDS: Final = (IdentifierKind.URL.value, IdentifierKind.DOMAIN.value)


class Dimension(StrEnum):
    FRAUD_TYPE = "fraud_type"
    CHANNEL = "channel"
    AGE_BAND = "age_band"
    REGION = "region"
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


def _key_column(session: Session, dimension: Dimension) -> Column[Any]:
    if dimension is Dimension.MONTH:
        return month_of(Report.occurred_at, _dialect(session))
    return plain(getattr(Report, dimension.value))


def _grouping(dimensions: Sequence[Dimension]) -> list[ColumnElement[bool]]:
    """The conditions that pick the one kind of cell that splits by ``dimensions``."""
    wanted = {dimension.value for dimension in dimensions} - {Dimension.MONTH.value}
    grouping = next(grouping for grouping in GROUPINGS if wanted <= set(grouping))
    return [getattr(MonthlyCell, column) == ALL for column in GROUPS if column not in grouping]


def _cell_column(dimension: Dimension) -> Column[Any]:
    return getattr(MonthlyCell, dimension.value)  # type: ignore[no-any-return]


def plain(column: Any) -> Column[str]:
    """A vocabulary column read as text. On SQLite, grouping by the bare ``fraud_type`` walks
    the index (fraud_type, occurred_at) and looks up every row from it: three times slower over a
    million reports than reading the table straight through, which an expression makes it do."""
    return cast(column, String)


def _key(value: Any) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(value, date):  # a cell's month
        return _label(value)
    return str(value.value if isinstance(value, StrEnum) else value)


def keys_of(dimension: Dimension) -> list[str]:
    """Every group a dimension can have, in the vocabulary's order (months have no fixed list)."""
    if dimension is Dimension.FRAUD_TYPE:
        return [member.value for member in FraudType]
    if dimension is Dimension.CHANNEL:
        return [member.value for member in Channel]
    if dimension is Dimension.AGE_BAND:
        return [*(member.value for member in AgeBand), UNKNOWN]
    if dimension is Dimension.REGION:
        return [*(member.value for member in Region), UNKNOWN]
    return []


@dataclass
class Tally:
    reports: int = 0
    damage_cents: int = 0


Key = tuple[str, ...]  # one group of each dimension asked for


def _whole_months(period: Period) -> tuple[date | None, date | None] | None:
    """The months the period covers whole: (first month, month after the last), either None
    when the period is open at that end; None when it covers no month whole."""
    first = None
    if period.start is not None:
        first = (
            period.start if period.start.day == 1 else _months_back(_month_start(period.start), -1)
        )
    after = None if period.end is None else _month_start(period.end + timedelta(days=1))
    if first is not None and after is not None and first >= after:
        return None
    return first, after


def counts(session: Session, dimensions: Sequence[Dimension], period: Period) -> dict[Key, Tally]:
    """Reports and damage per combination of groups of ``dimensions`` (none: the total), from the
    monthly totals for the whole months and from the reports for the days around them."""
    found: dict[Key, Tally] = {}

    def add(rows: Iterable[Any]) -> None:
        for *values, reports, damage in rows:
            tally = found.setdefault(tuple(_key(value) for value in values), Tally())
            tally.reports += int(reports or 0)
            tally.damage_cents += int(damage or 0)

    whole = _whole_months(period)
    edges = [period]  # the days counted from the reports
    if whole is not None:
        first, after = whole
        keys = [_cell_column(dimension) for dimension in dimensions]
        cells = select(
            *keys, func.sum(MonthlyCell.reports), func.sum(MonthlyCell.damage_cents)
        ).where(*_grouping(dimensions))
        if first is not None:
            cells = cells.where(MonthlyCell.month >= first)
        if after is not None:
            cells = cells.where(MonthlyCell.month < after)
        add(session.execute(cells.group_by(*keys)))
        edges = []
        if period.start is not None and first is not None and period.start < first:
            edges.append(Period(period.start, first - timedelta(days=1)))
        if period.end is not None and after is not None and after <= period.end:
            edges.append(Period(after, period.end))
    if edges:
        keys = [_key_column(session, dimension) for dimension in dimensions]
        add(
            session.execute(
                select(*keys, func.count(), func.sum(Report.total_loss_cents))
                .where(or_(*(and_(*edge.where(Report.occurred_at)) for edge in edges)))
                .group_by(*keys)
            )
        )
    return found


def _surplus(session: Session, dimensions: Sequence[Dimension], period: Period) -> dict[Key, int]:
    """Per combination of groups, the reports beyond the first of each victim's account named
    in more than one report: what counting reports counts too many victims."""
    keys = [_key_column(session, dimension) for dimension in dimensions]
    repeated = select(VictimAccount.token).where(VictimAccount.reports > 1)
    query = (
        select(*keys, func.count(), func.count(func.distinct(Report.victim_iban_token)))
        .where(Report.victim_iban_token.in_(repeated), *period.where(Report.occurred_at))
        .group_by(*keys)
    )
    return {
        tuple(_key(value) for value in values): reports - accounts
        for *values, reports, accounts in session.execute(query)
    }


def breakdown(session: Session, *, dimension: Dimension, period: Period) -> list[Group]:
    """Reports, victims and damage per group of ``dimension``, for reports that occurred in the
    period. Vocabulary groups come in the vocabulary's order, with empty groups left out; months
    in time order."""
    surplus = _surplus(session, [dimension], period)
    found = {
        key: Group(key, tally.reports, tally.reports - surplus.get((key,), 0), tally.damage_cents)
        for (key,), tally in counts(session, [dimension], period).items()
        if tally.reports
    }
    order = keys_of(dimension) or sorted(found)
    return [found[name] for name in order if name in found]


def total(session: Session, *, period: Period) -> Group:
    tally = counts(session, [], period).get((), Tally())
    victims = tally.reports - _surplus(session, [], period).get((), 0)
    return Group("total", tally.reports, victims, tally.damage_cents)


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


def _reports_by(session: Session, dimension: Dimension, start: date, end: date) -> dict[str, int]:
    """Reports per group of ``dimension`` that occurred from ``start`` up to ``end`` (excluded)."""
    period = Period(start, end - timedelta(days=1))
    return {key: tally.reports for (key,), tally in counts(session, [dimension], period).items()}


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
        _reports_by(session, Dimension.FRAUD_TYPE, start, end)
        for start, end in ((before, month), (month, after))
    ]
    by_channel = [
        _reports_by(session, Dimension.CHANNEL, start, end)
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
    previous = _reports_by(session, Dimension.FRAUD_TYPE, earlier, start)
    current = _reports_by(session, Dimension.FRAUD_TYPE, start, after)
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
