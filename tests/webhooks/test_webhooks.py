"""Webhooks: a partner's receiver gets new and changed indicators, signed, retried until it
takes them, and never more than the partner's key could read through the change feed."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database, utcnow
from fraudlink.settings import Settings
from fraudlink.webhooks import delivery, service
from fraudlink.webhooks.delivery import Round
from fraudlink.webhooks.models import Delivery, Webhook
from tests.factories import add_key, bearer
from tests.indicators.exchange import (
    FRAUD_IBAN,
    FRAUD_PHONE,
    audit_entries,
    file_report,
    fresh_iban,
    list_indicators,
    token_of,
)
from tests.reports.partnership import ING, KPN, MOLLIE, RESEARCH, Partnership, client_with
from tests.webhooks.receiver import Receiver, running_receiver

runner = CliRunner()


def subscribe(
    client: TestClient, partnership: Partnership, url: str, *, by: str = ING, **body: Any
) -> dict[str, Any]:
    """POST /v1/webhooks, which must answer 201; the webhook with its secret."""
    response = client.post(
        "/v1/webhooks", json={"url": url, **body}, headers=partnership.headers(by)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def deliver(database: Database, *, at: datetime | None = None) -> Round:
    return delivery.deliver_due(database, Settings(), now=at)


def webhook_row(database: Database, webhook_id: int) -> Webhook:
    with database.read_only() as session:
        webhook = session.get_one(Webhook, webhook_id)
        session.expunge_all()
        return webhook


def attempts(client: TestClient, partnership: Partnership, webhook_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=partnership.headers(ING))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


def test_a_reported_iban_reaches_the_receiver_signed_as_standard_webhooks_verify(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    assert created["secret"].startswith("whsec_")
    file_report(client, partnership, ibans=[FRAUD_IBAN])

    outcome = deliver(database)

    assert (outcome.delivered, outcome.failed) == (1, 0)
    (message,) = receiver.messages
    payload = Verifier(created["secret"]).verify(message.body, message.headers)
    assert payload["type"] == "indicators.changed"
    (indicator,) = payload["data"]["indicators"]
    assert indicator["token"] == token_of(database, FRAUD_IBAN)
    assert indicator["value"] == FRAUD_IBAN  # a bank may see raw values of AMBER reports
    assert payload["data"]["since"] == created["cursor"]
    assert payload["data"]["next_since"] == indicator["change"]
    assert (
        message.headers["webhook-id"]
        == f"wh{created['id']}-{created['cursor']}-{indicator['change']}"
    )
    with pytest.raises(WebhookVerificationError):
        Verifier(created["secret"]).verify(message.body.replace(b"iban", b"IBAN"), message.headers)
    assert webhook_row(database, created["id"]).cursor == indicator["change"]
    assert deliver(database) == Round()  # nothing new: nothing sent


def test_the_receiver_gets_what_the_change_feed_gives_the_same_key(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    with running_receiver() as operator_receiver:
        bank = subscribe(client, partnership, receiver.url, by=ING)
        operator = subscribe(client, partnership, operator_receiver.url, by=KPN)
        file_report(client, partnership, ibans=[FRAUD_IBAN])
        list_indicators(client, partnership, [{"value": fresh_iban(1), "tlp": "red"}], by=MOLLIE)
        deliver(database)
        for name, got, webhook in ((ING, receiver, bank), (KPN, operator_receiver, operator)):
            feed = client.get(
                "/v1/indicators/changes",
                params={"since": webhook["cursor"]},
                headers=partnership.headers(name),
            ).json()
            (message,) = got.messages
            assert message.document["data"]["indicators"] == feed["indicators"]
        bank_values = {
            item["value"] for item in receiver.messages[0].document["data"]["indicators"]
        }
        operator_values = {
            item["value"] for item in operator_receiver.messages[0].document["data"]["indicators"]
        }
    assert bank_values == {FRAUD_IBAN, None}  # the RED listing of another partner stays a token
    assert operator_values == {None}  # operators never get raw account numbers


def test_a_webhook_for_some_kinds_gets_only_those(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url, kinds=["phone"])
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    deliver(database)
    assert receiver.messages == []
    skipped_to = webhook_row(database, created["id"]).cursor
    assert skipped_to > created["cursor"]  # nothing to send: it moved past the IBAN
    file_report(client, partnership, values=[FRAUD_PHONE])
    deliver(database)
    (message,) = receiver.messages
    assert message.tokens == [token_of(database, FRAUD_PHONE)]


def test_a_failed_message_is_retried_later_under_the_same_id_until_it_is_taken(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    receiver.fail_next(2, status=503)
    now = utcnow()

    assert deliver(database, at=now).failed == 1
    webhook = webhook_row(database, created["id"])
    assert (webhook.failures, webhook.cursor) == (1, created["cursor"])
    assert webhook.next_attempt_at == now + service.BACKOFF_BASE
    assert deliver(database, at=now + timedelta(seconds=29)) == Round()  # still waiting
    assert deliver(database, at=now + timedelta(seconds=31)).failed == 1
    assert webhook_row(database, created["id"]).next_attempt_at == now + timedelta(seconds=91)
    assert deliver(database, at=now + timedelta(seconds=92)).delivered == 1

    log = attempts(client, partnership, created["id"])
    assert [(item["attempt"], item["succeeded"], item["status_code"]) for item in log] == [
        (3, True, 200),
        (2, False, 503),
        (1, False, 503),
    ]
    assert len({item["message_id"] for item in log}) == 1
    assert log[1]["error"] == "status"
    assert "503" in log[1]["error_message"]
    assert log[1]["response_excerpt"] == "receiver is down"
    assert webhook_row(database, created["id"]).failures == 0


def test_an_indicator_that_changes_during_retries_comes_in_the_next_message(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    subscribe(client, partnership, receiver.url)
    file_report(client, partnership, ibans=[FRAUD_IBAN, fresh_iban(1)])
    receiver.fail_next(1)
    now = utcnow()
    deliver(database, at=now)
    file_report(client, partnership, ibans=[FRAUD_IBAN])  # changes it again
    deliver(database, at=now + timedelta(minutes=1))
    first, second = receiver.messages
    assert first.tokens == [token_of(database, fresh_iban(1))]  # the range in flight, minus
    assert second.tokens == [token_of(database, FRAUD_IBAN)]  # what moved on
    assert second.document["data"]["indicators"][0]["report_count"] == 2


def test_after_fifteen_failures_the_webhook_switches_off_and_resumes_without_loss(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    receiver.fail_next(service.MAX_FAILURES)
    moment = utcnow()
    for _ in range(service.MAX_FAILURES):
        assert deliver(database, at=moment).failed == 1
        moment = webhook_row(database, created["id"]).next_attempt_at
    shown = client.get(f"/v1/webhooks/{created['id']}", headers=partnership.headers(ING)).json()
    assert (shown["state"], shown["disabled_reason"]) == ("disabled", "failing")
    assert shown["disabled_message"]
    assert shown["next_attempt_at"] is None
    assert audit_entries(database, "webhook.disable")[-1].details["reason"] == "failing"
    file_report(client, partnership, values=[FRAUD_PHONE])
    assert deliver(database, at=moment + timedelta(days=1)) == Round()

    switched_on = client.patch(
        f"/v1/webhooks/{created['id']}", json={"active": True}, headers=partnership.headers(ING)
    )
    assert switched_on.json()["state"] == "active"
    assert switched_on.json()["backlog"] == 2
    assert deliver(database).delivered == 2  # the message that failed, then what came since
    assert [message.tokens for message in receiver.messages] == [
        [token_of(database, FRAUD_IBAN)],
        [token_of(database, FRAUD_PHONE)],
    ]


def test_a_revoked_key_switches_the_webhook_off_and_another_key_switches_it_on(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    other_key = bearer(add_key(database, ING))
    prefix = partnership.key(ING).split("_")[1]
    assert client.delete(f"/v1/keys/{prefix}", headers=other_key).status_code == 204
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert deliver(database) == Round()
    assert webhook_row(database, created["id"]).disabled_reason == "key_revoked"
    assert receiver.messages == []
    client.patch(f"/v1/webhooks/{created['id']}", json={"active": True}, headers=other_key)
    assert deliver(database).delivered == 1
    assert receiver.messages[0].tokens == [token_of(database, FRAUD_IBAN)]


def test_a_new_secret_signs_alongside_the_old_one_for_a_day(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    rotated = client.post(
        f"/v1/webhooks/{created['id']}/secret", headers=partnership.headers(ING)
    ).json()
    assert rotated["secret"] != created["secret"]
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    deliver(database)
    file_report(client, partnership, values=[FRAUD_PHONE])
    deliver(database, at=utcnow() + timedelta(days=1, minutes=1))
    during, after = receiver.messages
    for message in (during, after):
        Verifier(rotated["secret"]).verify(message.body, message.headers)
    Verifier(created["secret"]).verify(during.body, during.headers)
    with pytest.raises(WebhookVerificationError):
        Verifier(created["secret"]).verify(after.body, after.headers)
    assert len(during.headers["webhook-signature"].split()) == 2


def test_a_test_message_shows_how_the_receiver_answers(
    client: TestClient, partnership: Partnership, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    url = f"/v1/webhooks/{created['id']}/test"
    taken = client.post(url, headers=partnership.headers(ING))
    assert taken.status_code == 200, taken.text
    assert (taken.json()["succeeded"], taken.json()["event"]) == (True, "webhook.test")
    (message,) = receiver.messages
    assert (
        Verifier(created["secret"]).verify(message.body, message.headers)["type"] == "webhook.test"
    )
    receiver.fail_next(1, status=401)
    refused = client.post(url, headers={**partnership.headers(ING), "Accept-Language": "en"})
    assert refused.json()["succeeded"] is False
    assert refused.json()["error_message"].startswith("Your receiver answered with status 401")


def test_an_unreachable_or_slow_receiver_is_logged_as_such(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with running_receiver() as gone:
        unreachable = gone.url
    first = subscribe(client, partnership, unreachable)
    second = subscribe(client, partnership, receiver.url)
    monkeypatch.setattr(delivery, "TIMEOUT", httpx2.Timeout(0.2))
    receiver.delay = 1.0
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert deliver(database).failed == 2
    assert attempts(client, partnership, first["id"])[0]["error"] == "connection"
    assert attempts(client, partnership, second["id"])[0]["error"] == "timeout"


def test_a_long_backlog_goes_in_batches_and_each_is_audited(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service, "BATCH_SIZE", 2)
    created = subscribe(client, partnership, receiver.url)
    file_report(client, partnership, ibans=[fresh_iban(number) for number in range(5)])
    outcome = deliver(database)
    assert (outcome.delivered, outcome.indicators) == (3, 5)
    ranges = [
        (m.document["data"]["since"], m.document["data"]["next_since"]) for m in receiver.messages
    ]
    assert [start for start, _ in ranges[1:]] == [end for _, end in ranges[:-1]]
    assert ranges[0][0] == created["cursor"]
    delivered = audit_entries(database, "indicator.webhook_delivery")
    assert [entry.details["count"] for entry in delivered] == [2, 2, 1]
    assert {entry.actor for entry in delivered} == {f"key:{partnership.key(ING).split('_')[1]}"}


def test_only_one_worker_claims_a_webhook(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    subscribe(client, partnership, receiver.url)
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    now = utcnow()
    with database.transaction() as session:
        first = service.claim_due(session, now=now)
    with database.transaction() as session:
        second = service.claim_due(session, now=now)
    with database.transaction() as session:
        after_the_lease = service.claim_due(session, now=now + service.LEASE + timedelta(seconds=1))
    assert (len(first), second, after_the_lease) == (1, [], first)


def test_a_new_webhook_starts_now_unless_asked_for_the_history(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    from_now = subscribe(client, partnership, receiver.url)
    with running_receiver() as history:
        everything = subscribe(client, partnership, history.url, since=0)
        deliver(database)
        assert history.messages[0].tokens == [token_of(database, FRAUD_IBAN)]
    assert receiver.messages == []
    assert (everything["backlog"], from_now["backlog"]) == (1, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://fraud.bank.example/hook"}, "url"),
        ({"url": "https://"}, "url"),
        ({"url": "https://user:secret@fraud.bank.example/hook"}, "url"),
        ({"url": "https://fraud.bank.example/hook", "kinds": ["fax"]}, "kinds.0"),
        ({"url": "https://fraud.bank.example/hook", "since": 10**9}, "since"),
        ({"url": "https://fraud.bank.example/hook", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field_and_nothing_is_stored(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    body: dict[str, Any],
    field: str,
) -> None:
    response = client.post("/v1/webhooks", json=body, headers=partnership.headers(ING))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}
    with database.read_only() as session:
        assert session.scalars(select(Webhook)).all() == []


def test_plain_http_is_refused_unless_the_operator_allows_it(
    settings: Settings, partnership: Partnership
) -> None:
    from fraudlink.app import create_app  # noqa: PLC0415 - the app without the test override

    with TestClient(create_app(Settings())) as strict:
        response = strict.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9/hook"},
            headers={**partnership.headers(ING), "Accept-Language": "en"},
        )
    assert response.status_code == 422
    assert "https://" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://[::ffff:192.168.1.1]/hook",
        "https://169.254.169.254/latest/meta-data",
    ],
)
def test_a_receiver_on_a_private_network_is_refused_unless_the_operator_allows_it(
    settings: Settings, partnership: Partnership, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    with client_with(monkeypatch, webhook_allow_http="true") as strict:
        response = strict.post(
            "/v1/webhooks",
            json={"url": url},
            headers={**partnership.headers(ING), "Accept-Language": "en"},
        )
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == "url"
    assert "private network" in error["message"]


def test_a_name_that_resolves_to_a_private_address_gets_nothing(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Names are checked when a message goes out: the name may point elsewhere by then."""
    with client_with(monkeypatch, webhook_allow_http="true") as strict:
        created = subscribe(strict, partnership, "https://hooks.bank.example/fraudlink")
        # No DNS here: the name resolves to the platform's own network, as a rebound name would.
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda *_args, **_kwargs: [(2, 1, 6, "", ("10.0.0.7", 443))],
        )
        file_report(strict, partnership, ibans=[FRAUD_IBAN])
        assert deliver(database).failed == 1
        tested = strict.post(
            f"/v1/webhooks/{created['id']}/test",
            headers={**partnership.headers(ING), "Accept-Language": "en"},
        ).json()
        logged = attempts(strict, partnership, created["id"])
    assert (tested["succeeded"], tested["error"], tested["status_code"]) == (False, "address", None)
    assert "private network" in tested["error_message"]
    assert logged[1]["error"] == "address"


def test_a_partner_sees_and_manages_only_its_own_webhooks(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url, by=ING)
    other = partnership.headers(MOLLIE)
    assert client.get("/v1/webhooks", headers=other).json() == {"webhooks": []}
    for method, path in (
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/secret"),
        ("POST", "/test"),
        ("GET", "/deliveries"),
    ):
        response = client.request(
            method,
            f"/v1/webhooks/{created['id']}{path}",
            headers=other,
            json={} if method == "PATCH" else None,
        )
        assert response.status_code == 404, (method, path, response.text)
    assert receiver.messages == []
    assert webhook_row(database, created["id"]).url == receiver.url
    (listed,) = client.get("/v1/webhooks", headers=partnership.headers(ING)).json()["webhooks"]
    assert "secret" not in listed


def test_webhooks_need_a_key_that_may_read_indicators(
    client: TestClient, partnership: Partnership
) -> None:
    assert client.get("/v1/webhooks").status_code == 401
    research = client.post(
        "/v1/webhooks",
        json={"url": "https://research.example/hook"},
        headers=partnership.headers(RESEARCH),
    )
    assert research.status_code == 403


def test_a_deleted_webhook_is_gone_with_its_log(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    client.post(f"/v1/webhooks/{created['id']}/test", headers=partnership.headers(ING))
    deleted = client.delete(f"/v1/webhooks/{created['id']}", headers=partnership.headers(ING))
    assert deleted.status_code == 204
    with database.read_only() as session:
        assert session.scalars(select(Delivery)).all() == []
    assert [entry.action for entry in audit_entries(database, "webhook.delete")] == [
        "webhook.delete"
    ]


def test_a_bad_update_changes_nothing(
    client: TestClient, partnership: Partnership, database: Database, receiver: Receiver
) -> None:
    created = subscribe(client, partnership, receiver.url)
    response = client.patch(
        f"/v1/webhooks/{created['id']}",
        json={"kinds": ["phone"], "url": "mailto:fraud@bank.example"},
        headers=partnership.headers(ING),
    )
    assert response.status_code == 422
    webhook = webhook_row(database, created["id"])
    assert (webhook.url, webhook.kinds) == (receiver.url, [])


def test_the_server_delivers_by_itself(
    settings: Settings,
    partnership: Partnership,
    monkeypatch: pytest.MonkeyPatch,
    receiver: Receiver,
) -> None:
    with client_with(
        monkeypatch,
        webhook_allow_http="true",
        webhook_allow_private_networks="true",
        webhook_interval_seconds="0.05",
    ) as client:
        subscribe(client, partnership, receiver.url)
        file_report(client, partnership, ibans=[FRAUD_IBAN])
        messages = receiver.wait_for(1)
    assert messages[0].tokens == [token_of(partnership.database, FRAUD_IBAN)]


def test_an_operator_delivers_and_lists_from_the_command_line(
    client: TestClient, partnership: Partnership, receiver: Receiver
) -> None:
    subscribe(client, partnership, receiver.url)
    with running_receiver() as failing:
        failing.fail_next(1)
        subscribe(client, partnership, failing.url, by=KPN)
        file_report(client, partnership, ibans=[FRAUD_IBAN])
        english = {"LANG": "en_GB.UTF-8"}
        delivered = runner.invoke(cli_app, ["webhooks", "deliver"], env=english)
    assert delivered.exit_code == 0, delivered.output
    assert delivered.stdout.strip() == "Messages delivered: 1 (indicators: 1); failed: 1."
    assert len(receiver.messages) == 1
    listed = runner.invoke(cli_app, ["webhooks", "list", "--failing"], env=english)
    assert listed.exit_code == 0, listed.output
    assert KPN in listed.stdout
    assert ING not in listed.stdout
