"""The central register's figures: what the letter says nobody could count before.

How many refund requests, how fast the first answer and the resolution came (median and 90th
percentile, in calendar days), and how much money came back, for every pair of banks, fraud
type and month. Percentiles are nearest-rank: always a time some request really took.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.partners import service as partner_service
from fraudlink.recovery.models import RecoveryRequest
from fraudlink.recovery.service import Rules, today
from fraudlink.recovery.vocabulary import FINAL_STATES, State
from fraudlink.recovery.working_days import working_days_between
from fraudlink.reports.models import Report

SECONDS_PER_DAY = 86_400
Key = TypeVar("Key", str, tuple[str, str])


@dataclass(frozen=True)
class Row:
    """One request, as much as the figures need."""

    requester: str
    receiver: str
    fraud_type: str
    sent_at: datetime
    first_answer_at: datetime | None
    resolved_at: datetime | None
    state: State
    amount_cents: int
    returned_cents: int
    overdue: bool

    # Computed once per request, however many groupings count it.
    @cached_property
    def sent_on(self) -> date:
        return today(self.sent_at)

    @cached_property
    def working_days_to_answer(self) -> int | None:
        if self.first_answer_at is None:
            return None
        return working_days_between(self.sent_on, today(self.first_answer_at))


@dataclass(frozen=True)
class Figures:
    requests: int
    answered: int
    resolved: int
    open: int
    overdue: int
    median_days_to_first_answer: float | None
    p90_days_to_first_answer: float | None
    answered_within_deadline_share: float | None  # first answer within the answer deadline
    median_days_to_resolution: float | None
    p90_days_to_resolution: float | None
    requested_euros: float
    recovered_euros: float
    recovered_share: float | None  # of the euros asked for
    money_back_share: float | None  # of the requests: some money came back


@dataclass(frozen=True)
class Register:
    total: Figures
    by_pair: list[tuple[str, str, Figures]]
    by_fraud_type: list[tuple[str, Figures]]
    by_month: list[tuple[str, Figures]]

    def as_dict(self) -> dict[str, object]:
        return {
            "total": asdict(self.total),
            "by_pair": [
                {"requester": requester, "receiver": receiver, **asdict(figures)}
                for requester, receiver, figures in self.by_pair
            ],
            "by_fraud_type": [
                {"fraud_type": fraud_type, **asdict(figures)}
                for fraud_type, figures in self.by_fraud_type
            ],
            "by_month": [{"month": month, **asdict(figures)} for month, figures in self.by_month],
        }

    def as_csv(self) -> str:
        """One table: a row per group (``group`` says which grouping, ``key`` which group)."""
        names = [field.name for field in fields(Figures)]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["group", "key", *names])
        groups: list[tuple[str, str, Figures]] = [
            ("total", "", self.total),
            *(("pair", f"{req} -> {rec}", figures) for req, rec, figures in self.by_pair),
            *(("fraud_type", key, figures) for key, figures in self.by_fraud_type),
            *(("month", key, figures) for key, figures in self.by_month),
        ]
        for group, key, figures in groups:
            values = asdict(figures)
            writer.writerow([group, key, *("" if values[n] is None else values[n] for n in names)])
        return out.getvalue()


def rows(
    session: Session,
    *,
    partner_id: int | None,
    now: datetime,
    sent: Sequence[ColumnElement[bool]] = (),
) -> list[Row]:
    """Every request (``partner_id``: only those the partner sent or received; ``sent``:
    conditions on when it was sent, such as a period's ``where(RecoveryRequest.sent_at)``)."""
    names = partner_service.directory(session).names
    query = select(
        RecoveryRequest.requester_id,
        RecoveryRequest.receiver_id,
        Report.fraud_type,
        RecoveryRequest.sent_at,
        RecoveryRequest.first_answer_at,
        RecoveryRequest.resolved_at,
        RecoveryRequest.state,
        RecoveryRequest.amount_cents,
        RecoveryRequest.returned_cents,
        RecoveryRequest.due_on,
    ).join(Report, Report.id == RecoveryRequest.report_id)
    query = query.where(*sent)
    if partner_id is not None:
        query = query.where(
            or_(
                RecoveryRequest.requester_id == partner_id,
                RecoveryRequest.receiver_id == partner_id,
            )
        )
    day = today(now)
    return [
        Row(
            requester=names[requester],
            receiver=names[receiver],
            fraud_type=fraud_type.value,
            sent_at=sent_at,
            first_answer_at=first_answer_at,
            resolved_at=resolved_at,
            state=state,
            amount_cents=amount,
            returned_cents=returned,
            overdue=due_on is not None and due_on < day,
        )
        for (
            requester,
            receiver,
            fraud_type,
            sent_at,
            first_answer_at,
            resolved_at,
            state,
            amount,
            returned,
            due_on,
        ) in session.execute(query)
    ]


def for_principal(
    session: Session, principal: Principal, *, rules: Rules, now: datetime
) -> Register:
    """The whole register for the programme; a bank's or provider's own requests for them."""
    oversees = principal.can(Permission.RECOVERY_OVERSEE)
    if not oversees:
        principal.require(Permission.RECOVERY_WORK)
    found = rows(session, partner_id=None if oversees else principal.partner_id, now=now)
    return register(found, rules=rules)


def register(requests: Sequence[Row], *, rules: Rules) -> Register:
    return Register(
        total=figures(requests, rules=rules),
        by_pair=[
            (requester, receiver, group)
            for (requester, receiver), group in _grouped(
                requests, lambda row: (row.requester, row.receiver), rules
            )
        ],
        by_fraud_type=_grouped(requests, lambda row: row.fraud_type, rules),
        by_month=_grouped(requests, lambda row: row.sent_on.strftime("%Y-%m"), rules),
    )


def _grouped(
    requests: Iterable[Row], key: Callable[[Row], Key], rules: Rules
) -> list[tuple[Key, Figures]]:
    groups: dict[Key, list[Row]] = {}
    for row in requests:
        groups.setdefault(key(row), []).append(row)
    return [(group, figures(members, rules=rules)) for group, members in sorted(groups.items())]


def figures(requests: Sequence[Row], *, rules: Rules) -> Figures:
    answered = [row for row in requests if row.first_answer_at is not None]
    to_answer = [_days(row.sent_at, row.first_answer_at) for row in answered]
    to_resolution = [_days(row.sent_at, row.resolved_at) for row in requests if row.resolved_at]
    in_time = [
        row.working_days_to_answer <= rules.answer_working_days
        for row in answered
        if row.working_days_to_answer is not None
    ]
    requested = sum(row.amount_cents for row in requests)
    recovered = sum(row.returned_cents for row in requests)
    return Figures(
        requests=len(requests),
        answered=len(answered),
        resolved=sum(row.state in FINAL_STATES for row in requests),
        open=sum(row.state not in FINAL_STATES for row in requests),
        overdue=sum(row.overdue for row in requests),
        median_days_to_first_answer=_median(to_answer),
        p90_days_to_first_answer=_nearest_rank(to_answer, 0.9),
        answered_within_deadline_share=_share(sum(in_time), len(in_time)),
        median_days_to_resolution=_median(to_resolution),
        p90_days_to_resolution=_nearest_rank(to_resolution, 0.9),
        requested_euros=requested / 100,
        recovered_euros=recovered / 100,
        recovered_share=_share(recovered, requested),
        money_back_share=_share(sum(row.returned_cents > 0 for row in requests), len(requests)),
    )


def _days(start: datetime, end: datetime | None) -> float:
    assert end is not None
    return (end - start).total_seconds() / SECONDS_PER_DAY


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _nearest_rank(values: Sequence[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)], 1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
