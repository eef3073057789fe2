"""The webhook pages: partner staff, signed in with a key, add, test and manage their webhooks.

Through TestClient and the real sign-in: a page shows one organisation's webhooks only, a
secret once, a refused address at its field, and every form needs the session's token.
"""

from __future__ import annotations

import re
from typing import Any, Final

import httpx2
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from standardwebhooks.webhooks import Webhook as Verifier

from fraudlink.database import Database
from fraudlink.i18n import Language, translate
from fraudlink.identifiers import IdentifierKind
from fraudlink.settings import Settings
from fraudlink.webhooks import service
from fraudlink.webhooks.models import DisabledReason, Webhook, WebhookState
from tests.indicators.exchange import FRAUD_IBAN, file_report
from tests.reports.partnership import ING, KPN, RESEARCH, Partnership, client_with
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_webhooks import deliver, subscribe, webhook_row

CSRF: Final = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET: Final = re.compile(r'id="secret"[^>]*value="(whsec_[^"]+)"')
RECEIVER: Final = "https://fraud.ing.example/fraudlink/webhook"


def shows(response: httpx2.Response, key: str, language: Language = "nl", **params: Any) -> bool:
    """Whether the page holds this message, as the template escapes it."""
    return str(escape(translate(key, language, **params))) in response.text


def sign_in(client: TestClient, token: str) -> str:
    """Sign in at /sign-in with a key; the form token of the new page session."""
    form = client.get("/sign-in")
    signed_in = client.post(
        "/sign-in", data={"csrf_token": form_token(form), "key": token, "next": "/account"}
    )
    assert signed_in.status_code == 200, signed_in.text
    return form_token(signed_in)


def form_token(page: httpx2.Response) -> str:
    match = CSRF.search(page.text)
    assert match is not None, "the page carries a form token"
    return match[1]


def secret_on(page: httpx2.Response) -> str:
    match = SECRET.search(page.text)
    assert match is not None, "the page shows a secret"
    return match[1]


def add(client: TestClient, csrf: str, url: str, **fields: Any) -> httpx2.Response:
    """Send the page's form that adds a webhook."""
    return client.post("/account/webhooks", data={"csrf_token": csrf, "url": url, **fields})


def act(
    client: TestClient, csrf: str, webhook_id: int, action: str, **fields: Any
) -> httpx2.Response:
    """Press a button of the webhook's page; the page it leads to."""
    return client.post(
        f"/account/webhooks/{webhook_id}/{action}", data={"csrf_token": csrf, **fields}
    )


def rows(database: Database) -> list[Webhook]:
    with database.read_only() as session:
        found = list(service.for_partner(session))
        session.expunge_all()
        return found


@pytest.fixture
def csrf(client: TestClient, partnership: Partnership) -> str:
    """An engineer of ING is signed in."""
    return sign_in(client, partnership.key(ING))


@pytest.fixture
def at_receiver(
    client: TestClient, csrf: str, database: Database, receiver: Receiver
) -> tuple[Webhook, str]:
    """ING's webhook to the test receiver, and the secret its page showed."""
    secret = secret_on(add(client, csrf, receiver.url))
    (webhook,) = rows(database)
    return webhook, secret


def test_the_account_page_links_to_the_webhooks_of_the_own_organisation_only(
    client: TestClient, partnership: Partnership, csrf: str
) -> None:
    subscribe(client, partnership, "https://fraud.kpn.example/hook", by=KPN)
    assert add(client, csrf, RECEIVER).status_code == 200

    account = client.get("/account")
    assert 'href="/account/webhooks"' in account.text
    assert shows(account, "webhooks.page_account_link")
    page = client.get("/account/webhooks")
    assert page.status_code == 200
    assert shows(page, "webhooks.page_intro")
    assert RECEIVER in page.text
    assert "fraud.kpn.example" not in page.text
    assert shows(page, "webhooks.page_all_kinds")
    assert shows(page, "webhooks.page_active")
    assert shows(page, "webhooks.page_never")
    assert shows(client.get("/account/webhooks?lang=en"), "webhooks.page_intro", "en")


def test_a_new_webhook_shows_its_secret_once(
    client: TestClient, csrf: str, database: Database
) -> None:
    created = add(client, csrf, RECEIVER, kinds=["phone", "iban"], everything="true")

    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    assert shows(created, "webhooks.page_created_heading", url=RECEIVER)
    assert shows(created, "webhooks.page_secret_once")
    secret = secret_on(created)
    (webhook,) = rows(database)
    assert (webhook.url, webhook.kinds, webhook.cursor) == (RECEIVER, ["iban", "phone"], 0)
    assert shows(created, "webhooks.page_kind_iban")
    later = client.get("/account/webhooks")
    assert RECEIVER in later.text
    assert "whsec_" not in later.text
    assert secret not in client.get(f"/account/webhooks/{webhook.id}").text


def test_without_everything_a_webhook_starts_at_the_latest_change(
    client: TestClient, partnership: Partnership, csrf: str, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    add(client, csrf, RECEIVER)
    (webhook,) = rows(database)
    assert webhook.cursor > 0
    assert webhook.kinds == []


def test_a_bad_address_is_refused_at_its_field_and_nothing_is_stored(
    client: TestClient, csrf: str, database: Database
) -> None:
    refused = add(client, csrf, "ftp://fraud.ing.example", kinds=["email"], everything="true")

    assert refused.status_code == 400
    message = escape(translate("webhooks.url_invalid_http", "nl"))
    assert f'id="url-error" role="alert">{message}</span>' in refused.text
    assert 'aria-describedby="url-hint url-error"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'value="ftp://fraud.ing.example"' in refused.text
    assert re.search(r'value="email"\s+checked', refused.text)
    assert re.search(r'name="everything" value="true"[^>]*checked', refused.text)
    assert rows(database) == []


def test_plain_http_is_refused_unless_the_operator_allows_it(
    settings: Settings, partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_with(monkeypatch, webhook_allow_http="false") as strict:
        refused = add(strict, sign_in(strict, partnership.key(ING)), "http://127.0.0.1/hook")
        assert refused.status_code == 400
        assert shows(refused, "webhooks.url_invalid")


def test_an_error_of_no_field_is_shown_above_the_form(
    client: TestClient, partnership: Partnership, csrf: str, database: Database
) -> None:
    for number in range(service.MAX_WEBHOOKS_PER_PARTNER):
        subscribe(client, partnership, f"{RECEIVER}/{number}")

    refused = add(client, csrf, RECEIVER)

    assert refused.status_code == 400
    limit = service.MAX_WEBHOOKS_PER_PARTNER
    message = escape(translate("webhooks.too_many", "nl", limit=limit))
    assert f'role="alert"><p>{message}</p>' in refused.text
    assert len(rows(database)) == limit


def test_another_partners_webhook_is_not_found(
    client: TestClient, partnership: Partnership, csrf: str, database: Database
) -> None:
    theirs = subscribe(client, partnership, "https://fraud.kpn.example/hook", by=KPN)["id"]

    assert client.get(f"/account/webhooks/{theirs}").status_code == 404
    assert client.get(f"/account/webhooks/{theirs}/delete").status_code == 404
    for action, fields in [("switch", {"active": "false"}), ("secret", {}), ("delete", {})]:
        assert act(client, csrf, theirs, action, **fields).status_code == 404
    page = client.get(f"/account/webhooks/{theirs}", headers={"accept": "text/html"})
    assert shows(page, "webhooks.not_found", webhook_id=theirs)
    (webhook,) = rows(database)
    assert webhook.state is WebhookState.ACTIVE


def test_switching_off_and_on_again(client: TestClient, csrf: str, database: Database) -> None:
    add(client, csrf, RECEIVER)
    (webhook,) = rows(database)

    off = act(client, csrf, webhook.id, "switch", active="false")

    assert off.url.path == f"/account/webhooks/{webhook.id}"
    assert shows(off, "webhooks.page_switched_off")
    assert shows(off, "webhooks.disabled_by_partner")
    assert shows(off, "webhooks.page_switch_on_button")
    assert shows(off, "webhooks.page_next_attempt_none")
    off_row = webhook_row(database, webhook.id)
    assert (off_row.state, off_row.disabled_reason) == (
        WebhookState.DISABLED,
        DisabledReason.BY_PARTNER,
    )

    on = act(client, csrf, webhook.id, "switch", active="true")

    assert shows(on, "webhooks.page_switched_on")
    assert shows(on, "webhooks.page_switch_off_button")
    assert webhook_row(database, webhook.id).state is WebhookState.ACTIVE


def test_deleting_asks_first_then_leads_back_to_the_list(
    client: TestClient, csrf: str, database: Database
) -> None:
    add(client, csrf, RECEIVER)
    (webhook,) = rows(database)
    detail = client.get(f"/account/webhooks/{webhook.id}")
    assert f'href="/account/webhooks/{webhook.id}/delete"' in detail.text

    confirm = client.get(f"/account/webhooks/{webhook.id}/delete")
    assert shows(confirm, "webhooks.page_delete_text", url=RECEIVER)
    deleted = act(client, form_token(confirm), webhook.id, "delete")

    assert deleted.url.path == "/account/webhooks"
    assert shows(deleted, "webhooks.page_deleted")
    assert shows(deleted, "webhooks.page_none")
    assert rows(database) == []


def test_a_form_without_the_sessions_token_is_refused(
    client: TestClient, csrf: str, database: Database
) -> None:
    assert add(client, "", RECEIVER).status_code == 403
    assert rows(database) == []
    add(client, csrf, RECEIVER)
    (webhook,) = rows(database)
    for action, fields in [("switch", {"active": "false"}), ("test", {}), ("delete", {})]:
        assert act(client, "forged", webhook.id, action, **fields).status_code == 403
    assert webhook_row(database, webhook.id).state is WebhookState.ACTIVE


def test_who_may_not_read_indicators_has_no_webhook_pages(
    client: TestClient, partnership: Partnership
) -> None:
    sign_in(client, partnership.key(RESEARCH))
    assert client.get("/account/webhooks").status_code == 403
    assert 'href="/account/webhooks"' not in client.get("/account").text


def test_a_visitor_is_sent_to_sign_in_first(client: TestClient) -> None:
    answer = client.get("/account/webhooks/1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/account/webhooks/1"


def test_a_test_message_arrives_signed_and_a_failed_one_is_explained(
    client: TestClient, csrf: str, receiver: Receiver, at_receiver: tuple[Webhook, str]
) -> None:
    webhook, secret = at_receiver

    tested = act(client, csrf, webhook.id, "test")

    assert tested.url.path == f"/account/webhooks/{webhook.id}"
    assert "tested" in tested.url.params
    assert shows(tested, "webhooks.page_test_ok", status=200)
    (message,) = receiver.messages
    assert Verifier(secret).verify(message.body, message.headers)["type"] == "webhook.test"

    receiver.fail_next(1)
    failed = act(client, csrf, webhook.id, "test")

    error = translate("webhooks.error_status", "nl", status=500)
    assert shows(failed, "webhooks.page_test_failed", error=error)
    log = failed.text.split(str(escape(translate("webhooks.page_log_heading", "nl"))))[1]
    assert log.count("<code>webhook.test</code>") == 2
    assert str(escape(error)) in log
    assert "<code>receiver is down</code>" in log
    assert str(escape(translate("webhooks.page_delivered", "nl", status=200))) in log


def test_the_log_shows_indicator_messages(
    client: TestClient, partnership: Partnership, csrf: str, database: Database, receiver: Receiver
) -> None:
    add(client, csrf, receiver.url, kinds=[IdentifierKind.IBAN.value])
    (webhook,) = rows(database)
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    deliver(database)

    page = client.get(f"/account/webhooks/{webhook.id}")

    assert re.search(r"<code>indicators.changed</code></td>\s*<td>1</td>\s*<td>1</td>", page.text)
    assert not shows(page, "webhooks.page_log_none")


def test_a_new_secret_is_shown_once_and_the_old_one_signs_along(
    client: TestClient, csrf: str, receiver: Receiver, at_receiver: tuple[Webhook, str]
) -> None:
    webhook, old = at_receiver

    rotated = act(client, csrf, webhook.id, "secret")

    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    new = secret_on(rotated)
    assert new != old
    assert shows(rotated, "webhooks.page_rotated_heading")
    act(client, csrf, webhook.id, "test")
    (message,) = receiver.messages
    for secret in (old, new):
        assert Verifier(secret).verify(message.body, message.headers)["type"] == "webhook.test"
    assert new not in client.get(f"/account/webhooks/{webhook.id}").text
