"""The demo refund requests: every state, timings like the field's, each move a valid one, and
nothing added by a second run."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from random import Random

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fraudlink.audit.models import AuditEntry
from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.demo import recovery, service
from fraudlink.demo.recovery import Candidate, Move, Step
from fraudlink.recovery import register
from fraudlink.recovery.models import NawRelease, RecoveryEvent, RecoveryRequest
from fraudlink.recovery.schemas import RecoveryRequestIn
from fraudlink.recovery.service import TRANSITIONS, Rules, today
from fraudlink.recovery.vocabulary import FINAL_STATES, Action, Answer, State
from fraudlink.recovery.working_days import add_working_days, working_days_between
from fraudlink.reports.service import RoutingPolicy
from fraudlink.reports.vocabulary import PaymentMethod
from fraudlink.settings import Settings

# A fixed clock a week after the last demo report, so the open requests are the same every run.
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
RULES = Rules(
    require_aangifte=True,
    methods=frozenset({PaymentMethod.TRANSFER, PaymentMethod.INSTANT, PaymentMethod.IDEAL}),
    max_age_months=13,
    countries=frozenset({"NL"}),
    answer_working_days=5,
    wait_working_days=15,
    reminder_working_days=1,
    naw_retention_days=60,
)
PLANS = 3000


def candidate(random: Random) -> Candidate:
    reported_at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=random.randint(0, 24_000))
    draft = RecoveryRequestIn.model_validate(
        {
            "report_reference": "FL-2026-000001",
            "amount_cents": random.choice((99, 150, 2_500, 48_050, 1_250_000)),
            "paid_on": reported_at.date(),
            "beneficiary_iban": "NL97BUNQ2025876299",
            "method": "transfer",
            "aangifte_reference": "DEMO-PL2026-000001",
            "victim_consent": True,
        }
    )
    return Candidate(draft, reported_at, requester_id=1, receiver_id=2)


@pytest.fixture(scope="module")
def plans() -> list[tuple[Candidate, list[Step]]]:
    random = Random(7)  # noqa: S311 - test data
    drawn = [candidate(random) for _ in range(PLANS)]
    return [(drawn_one, recovery._plan(random, drawn_one, RULES)) for drawn_one in drawn]


def test_every_planned_move_is_a_transition_the_service_allows(
    plans: list[tuple[Candidate, list[Step]]],
) -> None:
    """Replayed against the state machine: no move the real service would refuse with 409."""
    for drawn, steps in plans:
        assert steps[0].move is Move.SEND
        assert all(earlier.at < later.at for earlier, later in pairwise(steps))
        state, returned = State.SENT, 0
        naw_possible_on = add_working_days(today(steps[0].at), RULES.wait_working_days)
        for step in steps[1:]:
            move: Answer | Action = step.reply.answer if step.reply else Action(step.move.value)
            assert (move, state) in TRANSITIONS, (move, state)
            target = TRANSITIONS[(move, state)]
            if move is Answer.RETURNED:
                assert step.reply is not None and step.reply.amount_cents is not None
                returned += step.reply.amount_cents
                assert returned <= drawn.draft.amount_cents
                if returned < drawn.draft.amount_cents:
                    target = state if state is State.NAW_REQUESTED else State.PARTIALLY_RETURNED
            if move is Action.REQUEST_NAW:
                assert today(step.at) >= naw_possible_on
            if move is Answer.REFUSED:
                assert step.reply is not None and step.reply.reason
            state = target
        assert state in set(State)


def test_most_first_answers_come_within_the_five_working_days(
    plans: list[tuple[Candidate, list[Step]]],
) -> None:
    delays = [
        working_days_between(today(steps[0].at), today(steps[1].at))
        for _drawn, steps in plans
        if len(steps) > 1 and steps[1].move is Move.ANSWER
    ]
    in_time = sum(delay <= RULES.answer_working_days for delay in delays) / len(delays)
    assert 0.75 < in_time < 0.95  # some late, as in the field
    never = sum(
        [step.move for step in steps] == [Move.SEND, Move.WITHDRAW]
        and steps[-1].reason == recovery.SILENT_WITHDRAWAL
        for _drawn, steps in plans
    ) / len(plans)
    assert 0 < never < 0.05  # and a few never answered at all (until the victim's bank gave up)


def test_released_names_and_addresses_are_plainly_invented(
    plans: list[tuple[Candidate, list[Step]]],
) -> None:
    released = [step.naw for _drawn, steps in plans for step in steps if step.naw is not None]
    assert released
    for naw in released:
        assert naw.name.endswith("(fictief)")
        assert naw.postcode.startswith("0")  # Dutch postcodes start at 1000
        assert naw.city in recovery.TOWNS


@pytest.fixture
def demo(settings: Settings, database: Database) -> Database:
    """The demo partnership, its 3000 reports and their refund requests up to ``NOW``."""
    with database.transaction() as session:
        service.load(session, actor=Actor.operator())
    service.load_reports(
        database, actor=Actor.operator(), policy=RoutingPolicy.from_settings(settings)
    )
    loaded = service.load_recovery(database, rules=RULES, now=NOW)
    assert loaded.made > 250
    assert (loaded.already_present, loaded.not_eligible) == (0, 0)
    return database


def test_the_demo_requests_show_every_state_with_plausible_timings_once(demo: Database) -> None:
    with demo.read_only() as session:
        requests = session.scalars(select(RecoveryRequest)).all()
        events = session.scalars(select(RecoveryEvent).order_by(RecoveryEvent.id)).all()
        releases = session.scalars(select(NawRelease)).all()
        rows = register.rows(session, partner_id=None, now=NOW)
        before = _counts(session)

    assert set(Counter(request.state for request in requests)) == set(State)
    for request in requests:
        assert request.sent_at <= NOW
        if request.first_answer_at is not None:
            assert request.sent_at < request.first_answer_at <= NOW
        assert (request.resolved_at is not None) == (request.state in FINAL_STATES)
        assert request.requester_reference is not None
        assert request.requester_reference.startswith(recovery.REFERENCE_PREFIX)
    # The history runs forward in time, as the moves were made.
    assert all(a.at <= b.at for a, b in pairwise(events))
    actions = Counter(event.action for event in events)
    assert actions[Action.REMIND] and actions[Action.ESCALATE]
    assert any(request.due_on and request.due_on < NOW.date() for request in requests), "overdue"
    # Released long ago: erased; released within the retention period: still sealed.
    assert {release.sealed is None for release in releases} == {True, False}

    figures = register.register(rows, rules=RULES)
    assert figures.total.requests == len(requests)
    assert figures.total.recovered_euros > 0
    assert figures.total.median_days_to_first_answer is not None
    assert 0.5 < figures.total.median_days_to_first_answer < 7
    assert "Mollie" in {receiver for _requester, receiver, _ in figures.by_pair}  # a PSP too

    again = service.load_recovery(demo, rules=RULES, now=NOW + timedelta(days=30))
    assert (again.made, again.already_present) == (0, len(requests))
    with demo.read_only() as session:
        assert _counts(session) == before


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(table)) or 0
        for table in (RecoveryRequest, RecoveryEvent, NawRelease, AuditEntry)
    )
