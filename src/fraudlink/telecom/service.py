"""Protected numbers and SMS sender names, call and SMS checks, call signals, and what payment
decisions may learn of a debtor's calls.

Partners protect the numbers and sender names they own. Operators ask, per call or message,
whether the presented number or name is spoofed (``rules.judge``, ``senders.skeleton``); every
blocked or warned call is stored as a spoofing event. Operators also push call signals (a
subscriber is in a call now, with this caller). No partner ever reads a signal: ``call_contexts``
hands signals and recent spoofed calls to payment decisions only, and only until they expire,
the purpose limitation that the planned basis in the Telecommunicatiewet asks for.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import (
    CursorResult,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import among, insert_for, table_of
from fraudlink.errors import Conflict, InvalidInput, NotFound
from fraudlink.identifiers import Identifier, IdentifierKind, InvalidIdentifier, parse
from fraudlink.indicators import service as indicator_service
from fraudlink.indicators.index import Entry, IndicatorIndex
from fraudlink.indicators.vocabulary import SightingKind
from fraudlink.partners import service as partner_service
from fraudlink.settings import Settings
from fraudlink.telecom import rules, senders
from fraudlink.telecom.models import (
    CallSignal,
    ProtectedNumber,
    SmsBlock,
    SmsSender,
    SpoofingEvent,
)
from fraudlink.telecom.rules import Judgement
from fraudlink.telecom.vocabulary import CallOrigin, CallReason, SmsReason, Verdict
from fraudlink.text import PRINTABLE

# Spoof counts look this far back; events are deleted after it, as nothing else needs them.
SPOOF_COUNT_WINDOW: Final = timedelta(days=30)
# A reported number that keeps calling adds one sighting per operator and hour: enough to keep
# its indicator current, without a change-feed entry (and webhook message) for every call.
SIGHTING_INTERVAL: Final = timedelta(hours=1)
MAX_LABEL: Final = 200
WITHHELD: Final = ""  # the caller token of a call from a withheld (anonymous) number
_PRINTABLE: Final = re.compile(PRINTABLE)


@dataclass(frozen=True)
class CallContext:
    """What the platform may tell a payment decision about its debtor's calls."""

    in_call: bool  # a non-expired call signal for the subscriber
    caller_reasons: frozenset[str]  # reason codes of those calls' callers (CallReason values)
    spoofed_call: bool  # a blocked/warned call to the subscriber within the memory window
    signal_ids: tuple[int, ...]  # the call signals used (for the decision's audit entry)


NO_CALLS = CallContext(False, frozenset(), False, ())


@dataclass(frozen=True)
class Windows:
    """How long what operators say about a subscriber's calls may be used."""

    after_call: timedelta  # a signal counts this long after its call ended
    longest_call: timedelta  # a signal of a call without an end counts this long after its start
    spoofed_call_memory: timedelta  # a blocked or warned call counts this long for its callee

    @classmethod
    def from_settings(cls, settings: Settings) -> Windows:
        return cls(
            timedelta(minutes=settings.call_signal_minutes),
            timedelta(minutes=settings.call_signal_max_call_minutes),
            timedelta(minutes=settings.spoofed_call_memory_minutes),
        )


@dataclass(frozen=True)
class Presented:
    """A phone number as it was given, parsed, with its pseudonym token."""

    number: Identifier
    token: str

    @classmethod
    def of(cls, text: str, *, field: str, token_of: Callable[[Identifier], str]) -> Presented:
        number = parse_number(text, field=field)
        return cls(number, token_of(number))


@dataclass(frozen=True)
class SmsJudgement:
    verdict: Verdict
    reasons: tuple[SmsReason, ...]


SMS_ALLOWED: Final = SmsJudgement(Verdict.ALLOW, ())


@dataclass(frozen=True)
class Purged:
    signals: int  # expired call signals deleted
    callees: int  # spoofing events whose callee was forgotten
    events: int  # spoofing events older than the counting window deleted
    sms_blocks: int  # blocked messages older than the counting window deleted


def parse_number(text: str, *, field: str) -> Identifier:
    """A phone number, or InvalidInput naming ``field`` with the parser's precise reason."""
    try:
        return parse(text, IdentifierKind.PHONE)
    except InvalidIdentifier as error:
        raise InvalidInput(f"identifiers.{error.code}", field=field, **error.params) from None


def _label(text: str | None) -> str | None:
    label = (text or "").strip()
    if not label:
        return None
    if len(label) > MAX_LABEL:
        raise InvalidInput("telecom.label_too_long", field="label", limit=MAX_LABEL)
    if not _PRINTABLE.match(label):
        raise InvalidInput("web.validation_control_character", field="label")
    return label


# Protected numbers


def protect(
    session: Session,
    *,
    partner_id: int,
    number: Presented,
    inbound_only: bool,
    label: str | None,
    actor: Actor,
) -> tuple[ProtectedNumber, bool]:
    """Protect a Dutch number of the partner; the same partner again updates it (audited only
    when something changed). Returns the number and whether it is new."""
    if not rules.is_dutch(number.number):
        raise InvalidInput("telecom.number_not_dutch", field="number")
    label = _label(label)
    existing = session.scalar(
        select(ProtectedNumber).where(ProtectedNumber.number == number.number.normalized)
    )
    if existing is not None:
        if existing.partner_id != partner_id:
            raise Conflict("telecom.number_taken", field="number", number=number.number.display)
        if (existing.inbound_only, existing.label) != (inbound_only, label):
            existing.inbound_only, existing.label = inbound_only, label
            _audit_number(session, actor, "telecom.number_update", existing)
        return existing, False
    protected = ProtectedNumber(
        partner_id=partner_id,
        number=number.number.normalized,
        token=number.token,
        inbound_only=inbound_only,
        label=label,
    )
    session.add(protected)
    try:
        session.flush()
    except IntegrityError:  # another partner protected it at the same moment
        raise Conflict(
            "telecom.number_taken", field="number", number=number.number.display
        ) from None
    _audit_number(session, actor, "telecom.number_protect", protected)
    return protected, True


def _audit_number(session: Session, actor: Actor, action: str, number: ProtectedNumber) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type="protected_number",
        subject_id=number.id,
        details={
            "partner_id": number.partner_id,
            "token": number.token,
            "inbound_only": number.inbound_only,
        },
    )


def protected_numbers(
    session: Session, *, partner_id: int | None = None
) -> Sequence[ProtectedNumber]:
    """The partner's protected numbers (every partner's without ``partner_id``)."""
    query = select(ProtectedNumber).order_by(ProtectedNumber.partner_id, ProtectedNumber.number)
    if partner_id is not None:
        query = query.where(ProtectedNumber.partner_id == partner_id)
    return session.scalars(query).all()


def get_protected(session: Session, *, number_id: int, partner_id: int) -> ProtectedNumber:
    """A partner's own protected number; another partner's is as unknown as a missing one."""
    protected = session.get(ProtectedNumber, number_id)
    if protected is None or protected.partner_id != partner_id:
        raise NotFound("telecom.number_not_found", field="number_id", number_id=number_id)
    return protected


def unprotect(session: Session, protected: ProtectedNumber, *, actor: Actor) -> None:
    _audit_number(session, actor, "telecom.number_unprotect", protected)
    session.delete(protected)


def spoof_counts(session: Session, *, tokens: Collection[str], now: datetime) -> dict[str, int]:
    """Blocked and warned calls presenting each number within SPOOF_COUNT_WINDOW, by token."""
    if not tokens:
        return {}
    rows = session.execute(
        select(SpoofingEvent.presented_token, func.count())
        .where(
            SpoofingEvent.presented_token.in_(list(tokens)),
            SpoofingEvent.checked_at > now - SPOOF_COUNT_WINDOW,
        )
        .group_by(SpoofingEvent.presented_token)
    )
    return dict(rows.all())


# SMS sender names


def register_sender(
    session: Session, *, partner_id: int, name: str, routes: Iterable[str], actor: Actor
) -> tuple[SmsSender, bool]:
    """Register a sender name with its routes; the same partner again replaces the routes.

    A name that looks like another partner's name is refused: otherwise it would be allowed
    where the other partner's name is protected. Returns the sender and whether it is new.
    """
    name = senders.valid_name(name)
    allowed = senders.valid_routes(routes)
    skeleton = senders.skeleton(name)
    existing = session.scalar(select(SmsSender).where(SmsSender.name == name))
    if existing is not None and existing.partner_id != partner_id:
        raise Conflict("telecom.sender_taken", field="name", name=name)
    similar = session.scalar(
        select(SmsSender.name)
        .where(SmsSender.skeleton == skeleton, SmsSender.partner_id != partner_id)
        .limit(1)
    )
    if similar is not None:
        raise Conflict("telecom.sender_lookalike_taken", field="name", name=name, similar=similar)
    if existing is not None:
        if existing.routes != allowed:
            existing.routes = allowed
            _audit_sender(session, actor, "telecom.sender_update", existing)
        return existing, False
    sender = SmsSender(partner_id=partner_id, name=name, skeleton=skeleton, routes=allowed)
    session.add(sender)
    try:
        session.flush()
    except IntegrityError:  # another partner registered it at the same moment
        raise Conflict("telecom.sender_taken", field="name", name=name) from None
    _audit_sender(session, actor, "telecom.sender_register", sender)
    return sender, True


def _audit_sender(session: Session, actor: Actor, action: str, sender: SmsSender) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type="sms_sender",
        subject_id=sender.id,
        details={"partner_id": sender.partner_id, "name": sender.name, "routes": sender.routes},
    )


def sms_senders(session: Session, *, partner_id: int | None = None) -> Sequence[SmsSender]:
    """The partner's sender names (every partner's without ``partner_id``)."""
    query = select(SmsSender).order_by(SmsSender.partner_id, SmsSender.name)
    if partner_id is not None:
        query = query.where(SmsSender.partner_id == partner_id)
    return session.scalars(query).all()


def get_sender(session: Session, *, sender_id: int, partner_id: int) -> SmsSender:
    sender = session.get(SmsSender, sender_id)
    if sender is None or sender.partner_id != partner_id:
        raise NotFound("telecom.sender_not_found", field="sender_id", sender_id=sender_id)
    return sender


def remove_sender(session: Session, sender: SmsSender, *, actor: Actor) -> None:
    _audit_sender(session, actor, "telecom.sender_remove", sender)
    session.delete(sender)


def block_counts(session: Session, *, sender_ids: Collection[int], now: datetime) -> dict[int, int]:
    """Blocked messages imitating each sender within SPOOF_COUNT_WINDOW, by sender id."""
    if not sender_ids:
        return {}
    rows = session.execute(
        select(SmsBlock.sender_id, func.count())
        .where(
            SmsBlock.sender_id.in_(list(sender_ids)),
            SmsBlock.checked_at > now - SPOOF_COUNT_WINDOW,
        )
        .group_by(SmsBlock.sender_id)
    )
    return dict(rows.all())


def check_sms(
    session: Session, *, principal: Principal, sender: str, route: str, now: datetime
) -> SmsJudgement:
    """Whether a message with this sender name may be delivered over this route.

    Only a block is stored and audited: it counts for the name that was imitated.
    """
    route = senders.valid_route(route, field="route")
    sender = sender.strip()
    registered = session.scalar(select(SmsSender).where(SmsSender.name == sender))
    if registered is not None:
        if route in registered.routes:
            return SMS_ALLOWED
        imitated, reason = registered, SmsReason.SENDER_ROUTE_NOT_ALLOWED
    else:
        similar = session.scalar(
            select(SmsSender)
            .where(SmsSender.skeleton == senders.skeleton(sender))
            .order_by(SmsSender.id)
            .limit(1)
        )
        if similar is None:
            return SMS_ALLOWED
        imitated, reason = similar, SmsReason.LOOKALIKE_SENDER
    session.add(
        SmsBlock(
            sender_id=imitated.id,
            operator_id=principal.partner_id,
            presented=sender,
            route=route,
            reason=reason,
            checked_at=now,
        )
    )
    audit_service.record(
        session,
        actor=principal.actor,
        action="telecom.sms_check",
        subject_type="sms_sender",
        subject_id=imitated.id,
        details={"verdict": Verdict.BLOCK.value, "reason": reason.value, "route": route},
    )
    return SmsJudgement(Verdict.BLOCK, (reason,))


# Calls


def _reported(entry: Entry | None) -> bool:
    return entry is not None and entry.listed_as_fraud


def judge_caller(
    session: Session,
    *,
    caller: Presented,
    origin: CallOrigin,
    operator_id: int,
    index: IndicatorIndex,
) -> Judgement:
    """The rules over a caller: its protection (and whose range it is in), and its reports.

    ``index`` must have caught up with the database (``index.catch_up``) just before.
    """
    protected = session.scalar(
        select(ProtectedNumber).where(ProtectedNumber.number == caller.number.normalized)
    )
    protection = None
    if protected is not None:  # only then is the directory of number ranges needed
        holder = partner_service.directory(session).number_holder(caller.number.normalized)
        protection = rules.Protection(protected.inbound_only, holder)
    return rules.judge(
        caller.number,
        origin=origin,
        operator_id=operator_id,
        protection=protection,
        reported=_reported(index.lookup(caller.token)),
    )


def check_call(
    session: Session,
    *,
    principal: Principal,
    caller: Presented | None,
    origin: CallOrigin,
    callee_token: str | None,
    index: IndicatorIndex,
    policy: indicator_service.Policy,
    windows: Windows,
    now: datetime,
) -> Judgement:
    """Judge a call at set-up; a block or warning is stored as a spoofing event and audited.

    A withheld number (``caller`` None) shows the callee nothing to be fooled by: allowed.
    Allowed calls leave no trace at all, neither a row nor an audit entry.
    """
    if caller is None:
        return rules.ALLOWED
    judgement = judge_caller(
        session, caller=caller, origin=origin, operator_id=principal.partner_id, index=index
    )
    if judgement.verdict is Verdict.ALLOW:
        return judgement
    sighting = CallReason.REPORTED_FRAUD_NUMBER in judgement.reasons and not _sighted(
        session, token=caller.token, operator_id=principal.partner_id, now=now
    )
    session.add(
        SpoofingEvent(
            operator_id=principal.partner_id,
            presented_token=caller.token,
            origin=origin,
            verdict=judgement.verdict,
            reasons=[reason.value for reason in judgement.reasons],
            sighting=sighting,
            callee_token=callee_token,
            callee_until=now + windows.spoofed_call_memory if callee_token else None,
            checked_at=now,
        )
    )
    if sighting:
        _add_sighting(session, principal=principal, token=caller.token, policy=policy, now=now)
    # The callee's token stays out of the audit log, which keeps entries for good: the spoofing
    # event forgets it after the memory window.
    audit_service.record(
        session,
        actor=principal.actor,
        action="telecom.call_check",
        subject_type="phone",
        subject_id=caller.token,
        details={
            "origin": origin.value,
            "verdict": judgement.verdict.value,
            "reasons": [reason.value for reason in judgement.reasons],
        },
    )
    return judgement


def _sighted(session: Session, *, token: str, operator_id: int, now: datetime) -> bool:
    """Whether the operator's checks already recorded a sighting of the number this hour."""
    return (
        session.scalar(
            select(SpoofingEvent.id)
            .where(
                SpoofingEvent.presented_token == token,
                SpoofingEvent.checked_at > now - SIGHTING_INTERVAL,
                SpoofingEvent.operator_id == operator_id,
                SpoofingEvent.sighting.is_(True),
            )
            .limit(1)
        )
        is not None
    )


def _add_sighting(
    session: Session,
    *,
    principal: Principal,
    token: str,
    policy: indicator_service.Policy,
    now: datetime,
) -> None:
    indicator = indicator_service.find(session, token=token)
    if indicator is None:  # the index was ahead of a rolled-back write: nothing to add to
        return
    indicator_service.add_sighting(
        session,
        indicator_id=indicator.id,
        partner_id=principal.partner_id,
        kind=SightingKind.CALL_RECEIVED,
        seen_at=now,
        count=1,
        actor=principal.actor,
        policy=policy,
    )


# Call signals


def record_call_signal(
    session: Session,
    *,
    principal: Principal,
    subscriber_token: str,
    caller: Presented | None,
    origin: CallOrigin,
    started_at: datetime,
    ended_at: datetime | None,
    index: IndicatorIndex,
    windows: Windows,
    now: datetime,
) -> datetime:
    """Store a subscriber's call in progress, with its caller judged; the same call (operator,
    subscriber, caller, start) again updates it, typically with its end. Returns when the
    signal expires. Only tokens are stored; the audit entry names the subscriber's token.
    """
    judgement = (
        rules.ALLOWED
        if caller is None
        else judge_caller(
            session, caller=caller, origin=origin, operator_id=principal.partner_id, index=index
        )
    )
    reasons = [reason.value for reason in judgement.reasons]
    expires_at = (
        ended_at + windows.after_call if ended_at is not None else started_at + windows.longest_call
    )
    upsert = insert_for(session)(table_of(CallSignal)).values(
        operator_id=principal.partner_id,
        subscriber_token=subscriber_token,
        caller_token=WITHHELD if caller is None else caller.token,
        origin=origin,
        reasons=reasons,
        started_at=started_at,
        ended_at=ended_at,
        expires_at=expires_at,
        received_at=now,
    )
    later = upsert.excluded
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["subscriber_token", "operator_id", "caller_token", "started_at"],
            set_={
                "origin": later.origin,
                "reasons": later.reasons,
                "ended_at": later.ended_at,
                "expires_at": later.expires_at,
                "received_at": later.received_at,
            },
        )
    )
    audit_service.record(
        session,
        actor=principal.actor,
        action="telecom.call_signal",
        subject_type="subscriber",
        subject_id=subscriber_token,
        details={"origin": origin.value, "reasons": reasons, "ended": ended_at is not None},
    )
    return expires_at


def call_contexts(
    session: Session, *, subscriber_tokens: Collection[str], now: datetime
) -> dict[str, CallContext]:
    """Only subscribers with something to tell appear; expired signals/events never count.

    Two indexed queries for the whole batch: the signals by their subscriber (the leading
    column of their unique index) and the spoofing events by their callee.
    """
    wanted = sorted(set(subscriber_tokens))
    if not wanted:
        return {}
    signals: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for signal_id, token, reasons in session.execute(
        select(CallSignal.id, CallSignal.subscriber_token, CallSignal.reasons).where(
            among(session, CallSignal.subscriber_token, wanted), CallSignal.expires_at > now
        )
    ):
        signals[token].append((signal_id, reasons))
    callees = session.scalars(
        select(SpoofingEvent.callee_token)
        .where(among(session, SpoofingEvent.callee_token, wanted), SpoofingEvent.callee_until > now)
        .distinct()
    )
    spoofed = {token for token in callees if token is not None}
    return {
        token: CallContext(
            in_call=token in signals,
            caller_reasons=frozenset(
                reason for _, reasons in signals.get(token, ()) for reason in reasons
            ),
            spoofed_call=token in spoofed,
            signal_ids=tuple(sorted(signal_id for signal_id, _ in signals.get(token, ()))),
        )
        for token in signals.keys() | spoofed
    }


def _rowcount(result: object) -> int:
    return int(cast("CursorResult[Any]", result).rowcount)


def purge(session: Session, *, now: datetime) -> Purged:
    """Forget what may no longer be used: expired signals, the callees of spoofing events past
    their memory window, and events and blocked messages past the counting window."""
    signals = session.execute(
        delete(CallSignal)
        .where(CallSignal.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    callees = session.execute(
        update(SpoofingEvent)
        .where(SpoofingEvent.callee_token.is_not(None), SpoofingEvent.callee_until <= now)
        .values(callee_token=None, callee_until=None)
        .execution_options(synchronize_session=False)
    )
    events = session.execute(
        delete(SpoofingEvent)
        .where(SpoofingEvent.checked_at <= now - SPOOF_COUNT_WINDOW)
        .execution_options(synchronize_session=False)
    )
    blocks = session.execute(
        delete(SmsBlock)
        .where(SmsBlock.checked_at <= now - SPOOF_COUNT_WINDOW)
        .execution_options(synchronize_session=False)
    )
    return Purged(_rowcount(signals), _rowcount(callees), _rowcount(events), _rowcount(blocks))
