"""Demo refund requests (PNBF): the victims' banks ask for the money of the demo reports back.

Every request goes through the real recovery service, as the banks would through the API, with
a simulated clock: sent within three days of the report, answered after a realistic number of
working days (most within the five-day deadline, some late, a few never), then frozen and
returned, or no funds left and name and address asked and released, or closed, refused or
withdrawn. Moves of all requests run in the order of their simulated time, with the server's
daily upkeep in between, so reminders, escalations and erasures land in the history too. A
move whose time lies after ``now`` has not happened yet: recent requests are still open.

Names and addresses released here are invented and say so: ``(fictief)`` after the name,
postcodes starting with 0 (Dutch postcodes start at 1000) and towns that do not exist.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from random import Random
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fraudlink.access import service as access_service
from fraudlink.access.service import KeyMaterial, Principal
from fraudlink.database import Database, keys_of
from fraudlink.demo.reports import SEED
from fraudlink.errors import Conflict, SeveralInvalid
from fraudlink.i18n import LOCAL_TIME_ZONE
from fraudlink.partners import service as partner_service
from fraudlink.recovery import service as recovery_service
from fraudlink.recovery.schemas import AnswerIn, NawIn, RecoveryRequestIn
from fraudlink.recovery.service import Rules, today
from fraudlink.recovery.vocabulary import Answer
from fraudlink.recovery.working_days import add_working_days, is_working_day
from fraudlink.reports.models import Report

REFERENCE_PREFIX: Final = "DEMO-"  # the requesting bank's own case number: DEMO-<report>-<payment>
VICTIM_COUNTRY: Final = "NL"  # every demo victim banks in the Netherlands (demo/reports.py)
# Of the payments that qualify, the share whose victim's bank asks for the money back: about
# 300 requests, enough for every state and bank pair, few enough to load in seconds.
SHARE_ASKED_BACK: Final = 0.5
# Since the register exists, banks use the procedure more: of the last weeks' reports every
# qualifying payment is asked back (which also leaves open requests in every state today).
RECENT: Final = timedelta(days=90)
# The demo's own today: a few days after its last report, however much later it is loaded, so
# that the same requests are open (in every open state) on every run.
SETTLING: Final = timedelta(days=4)
UPKEEP_HOUR: Final = 7  # the daily upkeep of the simulation, Dutch time, before office hours

# Working days to the first answer: most within the five-day deadline, a tail of late ones.
ANSWER_DAYS: Final = (0, 1, 2, 3, 4, 5, 7, 9, 12, 16)
ANSWER_WEIGHTS: Final = (10, 22, 20, 15, 10, 8, 6, 4, 3, 2)
RELEASE_DAYS: Final = (1, 1, 2, 2, 3, 4, 5)
LATE_RELEASE_DAYS: Final = (7, 8, 10, 12)
SILENT_WORKING_DAYS: Final = 30  # after which the victim's bank gives up on a silent bank
CLOSING_WORKING_DAYS: Final = 60  # after which it closes a request that stays open otherwise

REFUSALS: Final = (
    "De rekeninghouder heeft aangetoond dat de betaling een geleverde dienst betrof.",
    "Op de rekening ligt beslag van het Openbaar Ministerie; terugbetaling loopt via de strafzaak.",
    "De rekeninghouder betwist de fraude; wij verwijzen het slachtoffer naar de civiele rechter.",
    "The account holder provided proof of delivery; we consider the payment legitimate.",
)
NAW_REFUSALS: Final = (
    "De politie vraagt de gegevens niet vrij te geven zolang het strafrechtelijk onderzoek loopt.",
)
WITHDRAWALS: Final = (
    "Het slachtoffer is door de eigen bank schadeloos gesteld.",
    "Het slachtoffer heeft het geld rechtstreeks van de verkoper teruggekregen.",
    "Het slachtoffer ziet af van verdere stappen.",
)
SILENT_WITHDRAWAL: Final = "Geen antwoord ontvangen; het slachtoffer kan naar de civiele rechter."
CLOSED_WITHDRAWAL: Final = "Dossier gesloten: het slachtoffer is gewezen op de civiele route."
# Invented on purpose: no real person is named, no real address is given.
FIRST_NAMES: Final = ("Sem", "Noor", "Daan", "Julia", "Luuk", "Emma", "Finn", "Tess", "Bram")
LAST_NAMES: Final = ("Verzinsel", "Fictiefsma", "van Bedenkum", "Demoraad", "de Proefhuizen")
STREETS: Final = ("Verzonnenstraat", "Demolaan", "Fictieweg", "Voorbeeldplein", "Nergenspad")
TOWNS: Final = ("Demodorp", "Verzinhuizen", "Fictiestad", "Nergensveen")


class Move(StrEnum):
    SEND = "send"
    ANSWER = "answer"
    REQUEST_NAW = "request_naw"
    RELEASE_NAW = "release_naw"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Step:
    at: datetime
    move: Move
    reply: AnswerIn | None = None
    naw: NawIn | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A demo report's payment that its victim's bank may ask back from another bank."""

    draft: RecoveryRequestIn
    reported_at: datetime
    requester_id: int
    receiver_id: int


@dataclass
class Plan:
    candidate: Candidate
    steps: list[Step]
    request_id: int | None = None
    stopped: bool = False  # not sent (already there, or not eligible): nothing more happens


@dataclass(frozen=True)
class Loaded:
    made: int
    already_present: int
    not_eligible: int


def load(database: Database, *, helpdesk_id: int, rules: Rules, now: datetime) -> Loaded:
    """Send, answer and settle the demo requests up to ``now``; a request already there (by its
    case number) is left alone, so a second run adds nothing."""
    with database.transaction() as session:
        random = Random(f"recovery-{SEED}")  # noqa: S311 - demo data, no secret
        candidates = list(_candidates(session, helpdesk_id=helpdesk_id, rules=rules))
        if candidates:
            now = min(now, max(item.reported_at for item in candidates) + SETTLING)
        plans = [
            Plan(candidate, _plan(random, candidate, rules))
            for candidate in candidates
            if random.random() < SHARE_ASKED_BACK or candidate.reported_at >= now - RECENT
        ]
        principals = acting_as(
            session,
            (
                partner_id
                for plan in plans
                for partner_id in (plan.candidate.requester_id, plan.candidate.receiver_id)
            ),
        )
        made = already_present = not_eligible = 0
        for at, planned in _in_time_order(plans, now=now):
            # Nothing read is used again: an empty session keeps every flush and update cheap.
            session.expunge_all()
            if planned is None:
                if made:  # the daily upkeep, while this run simulates the requests it sends
                    recovery_service.upkeep(session, rules=rules, now=at)
                continue
            plan, step = planned
            if plan.stopped:
                continue
            if step.move is not Move.SEND:
                _make(session, plan, step, principals, rules)
                continue
            try:
                request, created = recovery_service.send(
                    session,
                    plan.candidate.draft,
                    requester=principals[plan.candidate.requester_id],
                    rules=rules,
                    now=at,
                )
            # The configured conditions say no, or the payment is asked back already: not sent.
            except (SeveralInvalid, Conflict):
                not_eligible += 1
                plan.stopped = True
                continue
            if created:
                made += 1
                plan.request_id = request.id
            else:  # sent by an earlier run, which also made its later moves
                already_present += 1
                plan.stopped = True
    return Loaded(made=made, already_present=already_present, not_eligible=not_eligible)


def _make(
    session: Session, plan: Plan, step: Step, principals: dict[int, Principal], rules: Rules
) -> None:
    assert plan.request_id is not None
    requester = principals[plan.candidate.requester_id]
    receiver = principals[plan.candidate.receiver_id]
    request_id = plan.request_id
    if step.move is Move.ANSWER:
        assert step.reply is not None
        recovery_service.answer(
            session, request_id=request_id, reply=step.reply, principal=receiver, now=step.at
        )
    elif step.move is Move.REQUEST_NAW:
        recovery_service.request_naw(
            session, request_id=request_id, principal=requester, rules=rules, now=step.at
        )
    elif step.move is Move.RELEASE_NAW:
        assert step.naw is not None
        recovery_service.release_naw(
            session,
            request_id=request_id,
            naw=step.naw,
            principal=receiver,
            rules=rules,
            now=step.at,
        )
    else:
        recovery_service.withdraw(
            session, request_id=request_id, reason=step.reason, principal=requester, now=step.at
        )


def _in_time_order(
    plans: Sequence[Plan], *, now: datetime
) -> Iterator[tuple[datetime, tuple[Plan, Step] | None]]:
    """Every step of every plan up to ``now``, oldest first, with a daily upkeep (None) in
    between, from the day after the first request to ``now``."""
    steps = heapq.merge(
        *([(step.at, index, step) for step in plan.steps] for index, plan in enumerate(plans)),
        key=lambda item: item[0],
    )
    sends = [plan.steps[0].at for plan in plans]
    upkeeps = _daily(min(sends), now) if sends else iter(())
    upkeep_at = next(upkeeps, None)
    for at, index, step in steps:
        if at > now:
            break
        while upkeep_at is not None and upkeep_at <= at:
            yield upkeep_at, None
            upkeep_at = next(upkeeps, None)
        yield at, (plans[index], step)
    while upkeep_at is not None:
        yield upkeep_at, None
        upkeep_at = next(upkeeps, None)


def _daily(start: datetime, end: datetime) -> Iterator[datetime]:
    """Early on every working day: a deadline falls on one, and the weekend's runs would only
    bring an escalation or an erasure forward by a day or two (and cost a third more time)."""
    day = today(start) + timedelta(days=1)
    while (at := _local(day, UPKEEP_HOUR * 60)) <= end:
        if is_working_day(day):
            yield at
        day += timedelta(days=1)


def _candidates(session: Session, *, helpdesk_id: int, rules: Rules) -> Iterator[Candidate]:
    """The demo reports' transfers into an account at another participating bank or provider,
    of victims who made an aangifte and whose own bank is known, in the demo's order."""
    directory = partner_service.directory(session)
    reports = session.scalars(
        select(Report)
        .options(selectinload(Report.payments))
        .where(
            Report.reporting_partner_id == helpdesk_id,
            Report.external_id.like("demo-%"),
            Report.aangifte_made.is_(True),
            Report.victim_bank_code.is_not(None),
        )
        .order_by(Report.external_id)
    )
    for report in reports:
        assert report.victim_bank_code is not None
        requester_id = directory.account_holder(VICTIM_COUNTRY, report.victim_bank_code)
        for payment in report.payments:
            if (
                requester_id is None
                or payment.method not in rules.methods
                or payment.beneficiary_kind != "iban"
                or payment.beneficiary is None
                or payment.beneficiary_bank_code is None
            ):
                continue
            country = payment.beneficiary[:2]
            receiver_id = directory.account_holder(country, payment.beneficiary_bank_code)
            if receiver_id is None or receiver_id == requester_id:
                continue
            draft = RecoveryRequestIn.model_validate(
                {
                    "report_reference": report.reference,
                    "amount_cents": payment.amount_cents,
                    "paid_on": payment.paid_on,
                    "beneficiary_iban": payment.beneficiary,
                    "method": payment.method,
                    # The demo's victims say they made an aangifte but give no reference.
                    "aangifte_reference": report.aangifte_reference
                    or f"DEMO-PL{report.reported_at.year}-{report.id:06d}",
                    "victim_consent": True,
                    "requester_reference": f"{REFERENCE_PREFIX}{report.reference}-"
                    f"{payment.position}",
                }
            )
            yield Candidate(draft, report.reported_at, requester_id, receiver_id)


def acting_as(session: Session, partner_ids: Iterable[int]) -> dict[int, Principal]:
    """Each partner as it acts through its demo key (demo/service.py), with everything its
    type may do: the actor in the history and the audit log is that key, as through the API."""
    directory = partner_service.directory(session)
    demo_key = keys_of(session).demo
    principals = {}
    for partner_id in sorted(set(partner_ids)):
        name = directory.names[partner_id]
        material = KeyMaterial.derived(demo_key, name)
        key = access_service.find_key(session, prefix=material.prefix)
        partner_type = directory.types[partner_id]
        principals[partner_id] = Principal(
            key_id=key.id if key is not None else 0,
            key_prefix=material.prefix,
            partner_id=partner_id,
            partner_name=name,
            partner_type=partner_type,
            scopes=access_service.granted(partner_type),
        )
    return principals


# --- the story of one request ----------------------------------------------------------------


def _local(day: date, minute: int) -> datetime:
    """A Dutch wall-clock time on ``day``, in UTC as the database keeps it."""
    moment = time(minute // 60, minute % 60, tzinfo=LOCAL_TIME_ZONE)
    return datetime.combine(day, moment).astimezone(UTC)


def _office_hours(random: Random, day: date) -> datetime:
    return _local(day, random.randint(8 * 60 + 30, 17 * 60 + 30))


@dataclass
class _Story:
    """A request's steps as they will happen, each later than the one before."""

    random: Random
    rules: Rules
    amount_cents: int
    steps: list[Step] = field(default_factory=list)
    returned_cents: int = 0

    @property
    def last(self) -> datetime:
        return self.steps[-1].at

    def after(self, working_days: int) -> datetime:
        """Office hours ``working_days`` after the last step (0: a few hours later)."""
        if working_days == 0:
            return self.last + timedelta(minutes=self.random.randint(30, 240))
        return _office_hours(self.random, add_working_days(today(self.last), working_days))

    def add(
        self,
        at: datetime,
        move: Move,
        *,
        reply: AnswerIn | None = None,
        naw: NawIn | None = None,
        reason: str | None = None,
    ) -> None:
        self.steps.append(Step(at, move, reply=reply, naw=naw, reason=reason))

    def answer(self, working_days: int, answer: Answer, **details: object) -> None:
        reply = AnswerIn.model_validate({"answer": answer, **details})
        if answer is Answer.RETURNED:
            assert reply.amount_cents is not None
            self.returned_cents += reply.amount_cents
        self.add(self.after(working_days), Move.ANSWER, reply=reply)

    def withdraw(self, at: datetime, reason: str) -> None:
        self.add(at, Move.WITHDRAW, reason=reason)

    def part(self, low: float, high: float) -> int | None:
        """Whole euros, some but not all of what is still open (None when too little is)."""
        remaining = self.amount_cents - self.returned_cents
        euros = int(remaining * self.random.uniform(low, high)) // 100
        return euros * 100 if 0 < euros * 100 < remaining else None

    def return_rest(self, working_days: int) -> None:
        self.answer(
            working_days, Answer.RETURNED, amount_cents=self.amount_cents - self.returned_cents
        )


def _plan(random: Random, candidate: Candidate, rules: Rules) -> list[Step]:
    """What will happen to one request: its first answer, and what follows from it."""
    sent_at = candidate.reported_at + timedelta(minutes=random.randint(60, 3 * 24 * 60))
    story = _Story(random, rules, candidate.draft.amount_cents, [Step(sent_at, Move.SEND)])
    naw_possible_on = add_working_days(today(sent_at), rules.wait_working_days)
    opening = random.choices(
        ("frozen", "returned", "partial", "no_funds", "closed", "refused", "withdrawn", "silent"),
        (32, 8, 5, 25, 9, 7, 4, 4),
    )[0]
    if opening == "silent":  # no answer at all: reminded, escalated, then given up on
        story.withdraw(story.after(SILENT_WORKING_DAYS), SILENT_WITHDRAWAL)
        return story.steps
    if opening == "withdrawn":
        story.withdraw(story.after(random.randint(1, 4)), random.choice(WITHDRAWALS))
        return story.steps
    first = random.choices(ANSWER_DAYS, ANSWER_WEIGHTS)[0]
    if opening == "returned":
        story.return_rest(first)
    elif opening == "refused":
        story.answer(first, Answer.REFUSED, reason=random.choice(REFUSALS))
    elif opening == "partial" and (part := story.part(0.2, 0.8)) is not None:
        story.answer(first, Answer.RETURNED, amount_cents=part)
        _after_the_wait(story, naw_possible_on, naw=0.6, withdraw=0.1)
    elif opening == "frozen":
        _frozen(story, first, naw_possible_on)
    elif opening == "closed":
        story.answer(first, Answer.ACCOUNT_CLOSED)
        _after_the_wait(story, naw_possible_on, naw=0.6, withdraw=0.0)
    else:  # no funds, or too small an amount to return a part of
        story.answer(first, Answer.NO_FUNDS)
        _after_the_wait(story, naw_possible_on, naw=0.7, withdraw=0.1)
    if _still_open(story):
        # Nobody keeps a case open for years: the victim's bank closes what stays open long.
        story.withdraw(story.after(CLOSING_WORKING_DAYS), CLOSED_WITHDRAWAL)
    return story.steps


def _still_open(story: _Story) -> bool:
    last = story.steps[-1]
    if last.move is Move.ANSWER:
        assert last.reply is not None
        partly = last.reply.answer is Answer.RETURNED and story.returned_cents < story.amount_cents
        return partly or last.reply.answer not in {Answer.RETURNED, Answer.REFUSED}
    return last.move in {Move.SEND, Move.REQUEST_NAW}


def _frozen(story: _Story, first: int, naw_possible_on: date) -> None:
    """Frozen at once; most holders give the money back, some dispute, some let it come to NAW."""
    random = story.random
    held = (story.part(0.3, 0.9) if random.random() < 0.3 else None) or story.amount_cents
    story.answer(first, Answer.FROZEN, amount_cents=held)
    outcome = random.random()
    if outcome < 0.55:
        if held == story.amount_cents:
            story.return_rest(random.randint(2, 10))
        else:  # what was still there comes back; for the rest, the victim needs the holder's NAW
            story.answer(random.randint(2, 10), Answer.RETURNED, amount_cents=held)
            _after_the_wait(story, naw_possible_on, naw=0.5, withdraw=0.0)
    elif outcome < 0.65:
        story.answer(random.randint(3, 10), Answer.REFUSED, reason=random.choice(REFUSALS))
    elif outcome < 0.72:
        pass  # the holder is still talking to the bank: frozen it stays
    else:
        _after_the_wait(story, naw_possible_on, naw=0.85, withdraw=0.1)


def _after_the_wait(story: _Story, naw_possible_on: date, *, naw: float, withdraw: float) -> None:
    """After the beneficiary's time to pay back: ask for name and address, give up, or wait."""
    random = story.random
    day = max(
        add_working_days(naw_possible_on, random.choice((0, 0, 1, 2, 3, 5, 8))),
        add_working_days(today(story.last), 1),
    )
    choice = random.random()
    if choice < naw:
        story.add(_office_hours(random, day), Move.REQUEST_NAW)
        _release(story)
    elif choice < naw + withdraw:
        story.withdraw(_office_hours(random, day), random.choice(WITHDRAWALS))


def _release(story: _Story) -> None:
    """The beneficiary's bank releases name and address, mostly in time; or the holder pays up
    after all, or the bank refuses, or it never answers (escalated)."""
    random = story.random
    outcome = random.random()
    if outcome < 0.80:
        working_days = random.choice(RELEASE_DAYS)
    elif outcome < 0.88:
        working_days = random.choice(LATE_RELEASE_DAYS)
    elif outcome < 0.93:
        story.return_rest(random.randint(2, 8))
        return
    elif outcome < 0.96:
        story.answer(random.randint(2, 5), Answer.REFUSED, reason=random.choice(NAW_REFUSALS))
        return
    else:
        return
    naw = NawIn(
        name=f"{random.choice(FIRST_NAMES)} {random.choice(LAST_NAMES)} (fictief)",
        street=f"{random.choice(STREETS)} {random.randint(1, 180)}",
        postcode=f"0{random.randint(100, 999)} {random.choice(('XX', 'XY', 'ZZ'))}",
        city=random.choice(TOWNS),
    )
    story.add(story.after(working_days), Move.RELEASE_NAW, naw=naw)
