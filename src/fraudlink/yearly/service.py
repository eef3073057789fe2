"""The programme's yearly report (*Jaarbericht*), compiled from live data.

Each section reads one domain's own figures for the year, through that domain's service: what
the yearly report says is what the platform shows elsewhere, never a second count. The year is
the figures' (``figures.service.Period``): 1 January to 31 December, by UTC days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fraudlink.actions import service as action_service
from fraudlink.advice import outcomes as advice_outcomes
from fraudlink.decisions.metrics import Tally
from fraudlink.decisions.models import Decision
from fraudlink.decisions.vocabulary import Truth
from fraudlink.errors import InvalidInput
from fraudlink.figures import service as figures_service
from fraudlink.figures.service import Dimension, Period
from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.networks import service as network_service
from fraudlink.networks.models import Network
from fraudlink.recovery import register
from fraudlink.recovery.models import RecoveryRequest
from fraudlink.recovery.service import Rules
from fraudlink.telecom.models import SmsBlock, SpoofingEvent
from fraudlink.telecom.vocabulary import Verdict

FIRST_YEAR = 2020  # the programme's first yearly report; nothing before is kept here


@dataclass(frozen=True)
class Spoofing:
    calls_blocked: int
    calls_warned: int
    sms_blocked: int


@dataclass(frozen=True)
class YearlyReport:
    year: int
    generated_at: datetime
    recovery: register.Register
    advice: Sequence[advice_outcomes.StepEffect]
    decisions: Tally
    spoofing: Spoofing
    actions: action_service.YearPlan
    total: figures_service.Group
    by_dimension: dict[Dimension, list[figures_service.Group]]
    networks: list[Network]  # active in the year (as last built), most victims first


def compile_report(session: Session, *, year: int, rules: Rules, now: datetime) -> YearlyReport:
    period = Period.year(year)
    return YearlyReport(
        year=year,
        generated_at=now,
        recovery=_recovery(session, period, rules=rules, now=now),
        advice=advice_outcomes.effectiveness(session),
        decisions=_decisions(session, period),
        spoofing=_spoofing(session, period),
        actions=action_service.year_plan(session, year=year),
        total=figures_service.total(session, period=period),
        by_dimension={
            dimension: figures_service.breakdown(session, dimension=dimension, period=period)
            for dimension in Dimension
        },
        networks=_networks(session, period),
    )


def _recovery(
    session: Session, period: Period, *, rules: Rules, now: datetime
) -> register.Register:
    """The register of the requests sent in the year (their answers may come later)."""
    sent = period.where(RecoveryRequest.sent_at)
    return register.register(
        register.rows(session, partner_id=None, now=now, sent=sent), rules=rules
    )


def _networks(session: Session, period: Period) -> list[Network]:
    """The mule networks whose frauds fall (partly) in the year, as the last build found them."""
    filters = network_service.Filters(since=period.start_at, until=period.end_before)
    found = network_service.search(session, filters=filters)
    return sorted(found, key=lambda network: (-network.victim_count, network.id))


def _decisions(session: Session, period: Period) -> Tally:
    """Every bank's payment decisions of the year, scored against the truths reported."""
    tally = Tally()
    found = session.execute(
        select(Decision.outcome, Decision.truth, Decision.amount_cents)
        .where(*period.where(Decision.decided_at))
        .execution_options(yield_per=10_000)
    )
    for outcome, truth, amount_cents in found:
        fraud = None if truth is None else truth is Truth.CONFIRMED_FRAUD
        tally.add(outcome, (), fraud=fraud, amount_cents=amount_cents)
    return tally


def _spoofing(session: Session, period: Period) -> Spoofing:
    calls = dict(
        session.execute(
            select(SpoofingEvent.verdict, func.count())
            .where(*period.where(SpoofingEvent.checked_at))
            .group_by(SpoofingEvent.verdict)
        ).all()
    )
    sms = session.scalar(
        select(func.count()).select_from(SmsBlock).where(*period.where(SmsBlock.checked_at))
    )
    return Spoofing(
        calls_blocked=calls.get(Verdict.BLOCK, 0),
        calls_warned=calls.get(Verdict.WARN, 0),
        sms_blocked=sms or 0,
    )


def check_year(year: int, *, now: datetime) -> int:
    """A year the platform can report on: from the programme's first report to this year."""
    last = now.astimezone(LOCAL_TIME_ZONE).year
    if not FIRST_YEAR <= year <= last:
        raise InvalidInput("yearly.year_out_of_range", field="year", first=FIRST_YEAR, last=last)
    return year
