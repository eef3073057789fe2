"""Refund requests for the recovery tests: reports filed through the real API, request bodies,
and the service's moves at a chosen moment (every service function takes ``now``), so that a
test can let three weeks pass without waiting for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal, granted
from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from fraudlink.recovery import service
from fraudlink.recovery.models import NawRelease, RecoveryEvent, RecoveryRequest
from fraudlink.recovery.schemas import AnswerIn, NawIn, RecoveryRequestIn
from fraudlink.recovery.vocabulary import Action, Answer, State
from fraudlink.settings import Settings
from tests.factories import add_partner
from tests.reports.partnership import (
    ABN_AMRO,
    ABN_IBAN,
    ING,
    ING_IBAN,
    MOLLIE_IBAN,
    RABO_IBAN,
    RABOBANK,
    Partnership,
    iban,
    report,
    submit,
)

PROGRAMME: Final = "Programma Fraudeaanpak"
AANGIFTE: Final = "PL0900-2025123456"
# A Monday in the past, far enough back that every wait is over today, near enough that a
# payment a few weeks before it is within the 13 months.
MONDAY: Final = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)
PAID_ON: Final = date(2026, 8, 20)
NAW: Final[Mapping[str, str]] = {
    "name": "Jan Geldezel",
    "street": "Muilezelstraat 13",
    "postcode": "1234 AB",
    "city": "Zaandam",
}
ENGLISH: Final = {"Accept-Language": "en"}


def mule(bank_code: str = "ABNA", account: int = 9_000_001) -> str:
    """A money mule's account at the bank with this code (a valid Dutch IBAN)."""
    return iban(bank_code, account)


def add_programme(database: Database, partnership: Partnership) -> str:
    """The programme that keeps the central register, added to the partnership."""
    partnership.ids[PROGRAMME] = add_partner(database, PROGRAMME, PartnerType.PROGRAMME)
    return PROGRAMME


def file_report(
    client: TestClient,
    partnership: Partnership,
    *,
    victim_iban: str | None = ING_IBAN,
    aangifte_reference: str | None = None,
    beneficiaries: Sequence[str] = (),
    fraud_type: str = "bank_helpdesk",
) -> str:
    """A victim's report filed by the helpdesk through POST /v1/reports; its reference."""
    body = report(
        fraud_type=fraud_type,
        victim_iban=victim_iban,
        aangifte_reference=aangifte_reference,
        payments=[
            {"amount_cents": 250_000, "method": "transfer", "beneficiary_iban": beneficiary}
            for beneficiary in beneficiaries
        ]
        or None,
    )
    reference: str = submit(client, partnership, body)["reference"]
    return reference


def request_body(report_reference: str, **changes: Any) -> dict[str, Any]:
    """The contract's request (a transfer into an ABN AMRO account) with ``changes``; a value
    of None removes the field."""
    body = {
        "report_reference": report_reference,
        "amount_cents": 250_000,
        "paid_on": PAID_ON.isoformat(),
        "beneficiary_iban": ABN_IBAN,
        "method": "transfer",
        "aangifte_reference": AANGIFTE,
        "victim_consent": True,
        **changes,
    }
    return {name: value for name, value in body.items() if value is not None}


def send_api(
    client: TestClient, partnership: Partnership, body: Mapping[str, Any], *, by: str
) -> dict[str, Any]:
    """POST /v1/recovery/requests as ``by``; the new request."""
    response = client.post("/v1/recovery/requests", json=body, headers=partnership.headers(by))
    assert response.status_code == 201, response.text
    sent: dict[str, Any] = response.json()
    return sent


def answer_api(
    client: TestClient,
    partnership: Partnership,
    request_id: int,
    *,
    by: str,
    answer: str,
    **extra: Any,
) -> Any:
    return client.post(
        f"/v1/recovery/requests/{request_id}/answer",
        json={"answer": answer, **extra},
        headers={**partnership.headers(by), **ENGLISH},
    )


def principal(
    database: Database, name: str, scopes: frozenset[Permission] | None = None
) -> Principal:
    """Who acts in a service call: the partner ``name`` with all it is granted."""
    with database.read_only() as session:
        partner = partner_service.get_by_name(session, name=name)
        return Principal(
            key_id=0,
            key_prefix=f"test-{partner.id}",
            partner_id=partner.id,
            partner_name=partner.name,
            partner_type=partner.type,
            scopes=granted(partner.type) if scopes is None else scopes,
        )


def rules(settings: Settings, **changes: Any) -> service.Rules:
    base = service.Rules.from_settings(settings)
    return service.Rules(**{**vars(base), **changes})


def send_at(
    database: Database,
    settings: Settings,
    body: Mapping[str, Any],
    *,
    by: str,
    now: datetime = MONDAY,
) -> int:
    """Send a request at ``now`` through the service; its id."""
    with database.transaction() as session:
        request, created = service.send(
            session,
            RecoveryRequestIn.model_validate(body),
            requester=principal(database, by),
            rules=rules(settings),
            now=now,
        )
        assert created
        return request.id


def answer_at(
    database: Database,
    request_id: int,
    *,
    by: str,
    answer: Answer | str,
    now: datetime,
    amount_cents: int | None = None,
    reason: str | None = None,
) -> RecoveryRequest:
    with database.transaction() as session:
        return service.answer(
            session,
            request_id=request_id,
            reply=AnswerIn(answer=Answer(answer), amount_cents=amount_cents, reason=reason),
            principal=principal(database, by),
            now=now,
        )


def request_naw_at(
    database: Database, settings: Settings, request_id: int, *, by: str, now: datetime
) -> RecoveryRequest:
    with database.transaction() as session:
        return service.request_naw(
            session,
            request_id=request_id,
            principal=principal(database, by),
            rules=rules(settings),
            now=now,
        )


def release_naw_at(
    database: Database, settings: Settings, request_id: int, *, by: str, now: datetime
) -> RecoveryRequest:
    with database.transaction() as session:
        return service.release_naw(
            session,
            request_id=request_id,
            naw=NawIn.model_validate(NAW),
            principal=principal(database, by),
            rules=rules(settings),
            now=now,
        )


def withdraw_at(database: Database, request_id: int, *, by: str, now: datetime) -> RecoveryRequest:
    with database.transaction() as session:
        return service.withdraw(
            session,
            request_id=request_id,
            reason="The victim was paid by the webshop.",
            principal=principal(database, by),
            now=now,
        )


def drive(
    database: Database,
    settings: Settings,
    request_id: int,
    state: State,
    *,
    requester: str,
    receiver: str,
    amount_cents: int,
    sent: datetime = MONDAY,
) -> None:
    """Move a freshly sent request into ``state`` the way its banks would, day by day."""
    day = timedelta(days=1)
    later = sent + timedelta(days=30)  # after the three weeks' wait
    if state is State.SENT:
        return
    if state is State.WITHDRAWN:
        withdraw_at(database, request_id, by=requester, now=sent + day)
        return
    first: dict[State, tuple[Answer, int | None, str | None]] = {
        State.FROZEN: (Answer.FROZEN, None, None),
        State.PARTIALLY_RETURNED: (Answer.RETURNED, amount_cents // 2, None),
        State.RETURNED: (Answer.RETURNED, amount_cents, None),
        State.NO_FUNDS: (Answer.NO_FUNDS, None, None),
        State.ACCOUNT_CLOSED: (Answer.ACCOUNT_CLOSED, None, None),
        State.REFUSED: (Answer.REFUSED, None, "No fraud on this account."),
        State.NAW_REQUESTED: (Answer.NO_FUNDS, None, None),
        State.NAW_RELEASED: (Answer.NO_FUNDS, None, None),
    }
    reply, amount, reason = first[state]
    answer_at(
        database,
        request_id,
        by=receiver,
        answer=reply,
        now=sent + day,
        amount_cents=amount,
        reason=reason,
    )
    if state in {State.NAW_REQUESTED, State.NAW_RELEASED}:
        request_naw_at(database, settings, request_id, by=requester, now=later)
    if state is State.NAW_RELEASED:
        release_naw_at(database, settings, request_id, by=receiver, now=later + day)


def stored(database: Database, request_id: int) -> RecoveryRequest:
    with database.read_only() as session:
        return service.get(session, request_id=request_id)


def naw_release(database: Database, request_id: int) -> NawRelease | None:
    with database.read_only() as session:
        return session.scalar(select(NawRelease).where(NawRelease.request_id == request_id))


def count(database: Database, table: str) -> int:
    with database.read_only() as session:
        # The table names come from the tests, never from input.
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608


def audit_actions(database: Database, action: str, subject_id: int | None = None) -> int:
    """How many audit entries record ``action`` (on the request ``subject_id``)."""
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == str(subject_id))
    with database.read_only() as session:
        return int(session.scalar(query) or 0)


def events(database: Database, request_id: int, action: Action | None = None) -> int:
    query = (
        select(func.count())
        .select_from(RecoveryEvent)
        .where(RecoveryEvent.request_id == request_id)
    )
    if action is not None:
        query = query.where(RecoveryEvent.action == action)
    with database.read_only() as session:
        return int(session.scalar(query) or 0)


def errors_of(response: Any) -> set[tuple[str, str]]:
    """A problem document's errors: (field, code) each."""
    return {(error["field"], error["code"]) for error in response.json().get("errors", [])}


def fields_of(response: Any) -> set[str]:
    return {error["field"] for error in response.json().get("errors", [])}


def seed_register(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> dict[str, int]:
    """Seven requests with known timings (in whole days after sending), for the register.

    ING → ABN AMRO (bank helpdesk fraud), sent Monday 7 September 2026, € 1,000 each:
    returned in full after 1 day; frozen after 2, half returned after 5; no funds after 3;
    refused after 4; account closed after 10. ING → Mollie (purchase fraud), € 400, sent
    5 October, never answered. Rabobank → ABN AMRO (romance), € 600, sent 5 October, returned
    in full after 2 days.
    """
    helpdesk = file_report(client, partnership)
    purchase = file_report(client, partnership, fraud_type="purchase")
    romance = file_report(client, partnership, victim_iban=RABO_IBAN, fraud_type="romance")
    october = datetime(2026, 10, 5, 9, tzinfo=UTC)
    days = [timedelta(days=n) for n in range(11)]
    ids: dict[str, int] = {}
    for n, name in enumerate(("returned", "partly", "no_funds", "refused", "closed")):
        ids[name] = send_at(
            database,
            settings,
            request_body(helpdesk, amount_cents=100_000, paid_on=f"2026-08-0{n + 1}"),
            by=ING,
        )
    answer_at(
        database,
        ids["returned"],
        by=ABN_AMRO,
        answer=Answer.RETURNED,
        amount_cents=100_000,
        now=MONDAY + days[1],
    )
    answer_at(database, ids["partly"], by=ABN_AMRO, answer=Answer.FROZEN, now=MONDAY + days[2])
    answer_at(
        database,
        ids["partly"],
        by=ABN_AMRO,
        answer=Answer.RETURNED,
        amount_cents=50_000,
        now=MONDAY + days[5],
    )
    answer_at(database, ids["no_funds"], by=ABN_AMRO, answer=Answer.NO_FUNDS, now=MONDAY + days[3])
    answer_at(
        database,
        ids["refused"],
        by=ABN_AMRO,
        answer=Answer.REFUSED,
        reason="No fraud.",
        now=MONDAY + days[4],
    )
    answer_at(
        database, ids["closed"], by=ABN_AMRO, answer=Answer.ACCOUNT_CLOSED, now=MONDAY + days[10]
    )
    ids["unanswered"] = send_at(
        database,
        settings,
        request_body(purchase, amount_cents=40_000, beneficiary_iban=MOLLIE_IBAN),
        by=ING,
        now=october,
    )
    ids["rabobank"] = send_at(
        database, settings, request_body(romance, amount_cents=60_000), by=RABOBANK, now=october
    )
    answer_at(
        database,
        ids["rabobank"],
        by=ABN_AMRO,
        answer=Answer.RETURNED,
        amount_cents=60_000,
        now=october + days[2],
    )
    return ids
