"""Name and address of the beneficiary (NAW): the whole path through the API, released to the
requesting bank only, every read audited, sealed at rest, and erased in time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from fraudlink.database import Database, utcnow
from fraudlink.recovery import service
from fraudlink.recovery.working_days import add_working_days
from fraudlink.settings import Settings
from tests.factories import add_key, bearer
from tests.recovery.helpers import (
    ENGLISH,
    NAW,
    add_programme,
    audit_actions,
    errors_of,
    file_report,
    naw_release,
    request_body,
    rules,
    send_api,
)
from tests.reports.partnership import (
    ABN_AMRO,
    ABN_IBAN,
    HELPDESK,
    ING,
    ING_IBAN,
    MOLLIE,
    MOLLIE_IBAN,
    RABO_IBAN,
    RABOBANK,
    Partnership,
    client_with,
)

LEGAL_BASIS = "Civil claim of the victim before the kantonrechter, case 2026/123 (PNBF)."


@pytest.fixture
def no_wait(
    partnership: Partnership, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The app with no waiting period: the whole procedure can be tried in one go."""
    with client_with(monkeypatch, recovery_wait_working_days="0") as client:
        yield client


def released(
    client: TestClient, partnership: Partnership, *, requester: str, victim: str, beneficiary: str
) -> tuple[int, str]:
    """Send, answer no funds, ask for name and address, release them; (request id, receiver)."""
    reference = file_report(client, partnership, victim_iban=victim)
    sent = send_api(
        client, partnership, request_body(reference, beneficiary_iban=beneficiary), by=requester
    )
    receiver = sent["receiver"]
    path = f"/v1/recovery/requests/{sent['id']}"
    answered = client.post(
        f"{path}/answer", json={"answer": "no_funds"}, headers=partnership.headers(receiver)
    )
    assert answered.json()["state"] == "no_funds", answered.text
    asked = client.post(f"{path}/naw-request", headers=partnership.headers(requester))
    assert asked.status_code == 200, asked.text
    assert (asked.json()["state"], asked.json()["awaiting"]) == ("naw_requested", receiver)
    assert asked.json()["due_on"] == add_working_days(service.today(utcnow()), 5).isoformat()
    release = client.post(
        f"{path}/naw",
        json={**NAW, "legal_basis": LEGAL_BASIS},
        headers=partnership.headers(receiver),
    )
    assert release.status_code == 200, release.text
    shown = release.json()
    assert (shown["state"], shown["naw_released"], shown["awaiting"]) == (
        "naw_released",
        True,
        None,
    )
    assert shown["resolved_at"] is not None
    assert [step["action"] for step in shown["history"]] == [
        "send",
        "answer",
        "request_naw",
        "release_naw",
    ]
    assert NAW["name"] not in release.text
    return sent["id"], receiver


@pytest.mark.parametrize(
    ("requester", "victim", "beneficiary"),
    [
        pytest.param(ING, ING_IBAN, ABN_IBAN, id="bank-to-bank"),
        pytest.param(ING, ING_IBAN, MOLLIE_IBAN, id="bank-to-psp"),
        pytest.param(MOLLIE, MOLLIE_IBAN, RABO_IBAN, id="psp-to-bank"),
    ],
)
def test_the_whole_procedure_works_through_the_api_and_only_the_requester_reads_the_naw(
    no_wait: TestClient,
    partnership: Partnership,
    database: Database,
    requester: str,
    victim: str,
    beneficiary: str,
) -> None:
    client = no_wait
    request_id, receiver = released(
        client, partnership, requester=requester, victim=victim, beneficiary=beneficiary
    )
    path = f"/v1/recovery/requests/{request_id}/naw"
    response = client.get(path, headers=partnership.headers(requester))
    assert response.status_code == 200, response.text
    naw = response.json()
    assert {name: naw[name] for name in NAW} == NAW
    assert (naw["request_id"], naw["legal_basis"]) == (request_id, LEGAL_BASIS)
    assert naw["erase_on"] == (service.today(utcnow()) + timedelta(days=60)).isoformat()

    programme = add_programme(database, partnership)
    stranger = next(name for name in (ING, ABN_AMRO, RABOBANK) if name not in {requester, receiver})
    for reader, status in [(receiver, 403), (programme, 403), (HELPDESK, 403), (stranger, 404)]:
        refused = client.get(path, headers=partnership.headers(reader))
        assert refused.status_code == status, (reader, refused.text)
        assert NAW["name"] not in refused.text
    for reader in (requester, receiver, programme):
        shown = client.get(
            f"/v1/recovery/requests/{request_id}", headers=partnership.headers(reader)
        )
        assert shown.status_code == 200
        assert NAW["name"] not in shown.text and NAW["street"] not in shown.text


def test_every_read_is_audited_and_a_refused_read_is_not_a_read(
    no_wait: TestClient, partnership: Partnership, database: Database
) -> None:
    client = no_wait
    request_id, receiver = released(
        client, partnership, requester=ING, victim=ING_IBAN, beneficiary=ABN_IBAN
    )
    path = f"/v1/recovery/requests/{request_id}/naw"
    assert audit_actions(database, "recovery.naw_read", request_id) == 0
    client.get(path, headers=partnership.headers(receiver))
    assert audit_actions(database, "recovery.naw_read", request_id) == 0
    for expected in (1, 2):
        assert client.get(path, headers=partnership.headers(ING)).status_code == 200
        assert audit_actions(database, "recovery.naw_read", request_id) == expected
    assert audit_actions(database, "recovery.release_naw", request_id) == 1


def test_a_key_without_recovery_read_naw_cannot_open_them(
    no_wait: TestClient, partnership: Partnership, database: Database
) -> None:
    client = no_wait
    request_id, _receiver = released(
        client, partnership, requester=ING, victim=ING_IBAN, beneficiary=ABN_IBAN
    )
    worker = add_key(database, ING, scopes=["recovery:work"])
    response = client.get(
        f"/v1/recovery/requests/{request_id}/naw", headers={**bearer(worker), **ENGLISH}
    )
    assert response.status_code == 403
    assert "recovery:read_naw" in response.json()["detail"]
    assert audit_actions(database, "recovery.naw_read") == 0
    # The same key still works the request itself.
    inbox = client.get("/v1/recovery/inbox", headers=bearer(worker))
    assert inbox.status_code == 200


def test_name_and_address_are_sealed_at_rest_and_kept_out_of_the_audit_log(
    no_wait: TestClient, partnership: Partnership, database: Database
) -> None:
    client = no_wait
    request_id, _receiver = released(
        client, partnership, requester=ING, victim=ING_IBAN, beneficiary=ABN_IBAN
    )
    client.get(f"/v1/recovery/requests/{request_id}/naw", headers=partnership.headers(ING))
    with database.read_only() as session:
        release = session.execute(text("SELECT * FROM recovery_naw_releases")).one()
        audit = session.execute(text("SELECT * FROM audit_log")).all()
        events = session.execute(text("SELECT * FROM recovery_events")).all()
    stored_bytes = b"".join(
        value if isinstance(value, bytes) else str(value).encode() for value in release
    )
    everywhere = repr(audit) + repr(events)
    for secret in NAW.values():
        assert secret.encode() not in stored_bytes
        assert secret not in everywhere
    assert LEGAL_BASIS in everywhere  # the legal basis is recorded, in the clear


def test_releasing_is_the_receivers_and_only_after_a_request(
    no_wait: TestClient, partnership: Partnership, database: Database
) -> None:
    client = no_wait
    reference = file_report(client, partnership)
    sent = send_api(client, partnership, request_body(reference), by=ING)
    path = f"/v1/recovery/requests/{sent['id']}"
    early = client.post(f"{path}/naw", json=dict(NAW), headers=partnership.headers(ABN_AMRO))
    assert early.status_code == 409
    assert errors_of(early) == {("state", "invalid_transition")}
    assert client.get(f"{path}/naw", headers=partnership.headers(ING)).status_code == 404
    # With no wait, the victim's bank may ask at once, even before an answer.
    assert client.post(f"{path}/naw-request", headers=partnership.headers(ING)).status_code == 200
    by_requester = client.post(f"{path}/naw", json=dict(NAW), headers=partnership.headers(ING))
    assert by_requester.status_code == 403
    release = client.post(f"{path}/naw", json=dict(NAW), headers=partnership.headers(ABN_AMRO))
    assert release.status_code == 200
    naw = client.get(f"{path}/naw", headers=partnership.headers(ING)).json()
    assert naw["legal_basis"] == service.DEFAULT_LEGAL_BASIS
    assert naw_release(database, sent["id"]) is not None


def test_name_and_address_are_erased_when_their_time_is_up(
    no_wait: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    client = no_wait
    request_id, _receiver = released(
        client, partnership, requester=ING, victim=ING_IBAN, beneficiary=ABN_IBAN
    )
    path = f"/v1/recovery/requests/{request_id}/naw"
    erase_on = client.get(path, headers=partnership.headers(ING)).json()["erase_on"]

    def upkeep(days: int) -> service.Upkept:
        with database.transaction() as session:
            return service.upkeep(
                session, rules=rules(settings), now=utcnow() + timedelta(days=days)
            )

    assert upkeep(59).erased == 0
    assert client.get(path, headers=partnership.headers(ING)).status_code == 200
    assert upkeep(60).erased == 1
    assert upkeep(61).erased == 0
    release = naw_release(database, request_id)
    assert release is not None
    assert (release.sealed, release.erased_at is not None) == (None, True)
    gone: Any = client.get(path, headers={**partnership.headers(ING), **ENGLISH})
    assert gone.status_code == 404
    assert errors_of(gone) == {("request_id", "naw_erased")}
    assert erase_on in gone.json()["detail"]
    assert audit_actions(database, "recovery.naw_erase", request_id) == 1
    # The request itself and its history stay in the register.
    shown = client.get(f"/v1/recovery/requests/{request_id}", headers=partnership.headers(ING))
    assert shown.json()["state"] == "naw_released"
