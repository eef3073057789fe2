"""The page /account/protected-numbers through TestClient and the real sign-in: one
organisation's numbers and names only, refusals at their field, a form token on every form."""

from __future__ import annotations

import re
from typing import Any, Final

import httpx2
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from fraudlink.database import Database
from fraudlink.i18n import Language, translate
from fraudlink.telecom.models import ProtectedNumber, SmsSender
from tests.reports.partnership import ABN_AMRO, ING, KPN, POLICE, RESEARCH, Partnership
from tests.telecom.screening import (
    BANK_LINE,
    POLICE_LINE,
    check_call,
    check_sms,
    protect,
    register_sender,
    rows,
)
from tests.webhooks.test_webhook_pages import form_token, sign_in

PAGE: Final = "/account/protected-numbers"


def shows(response: httpx2.Response, key: str, language: Language = "nl", **params: Any) -> bool:
    return str(escape(translate(key, language, **params))) in response.text


@pytest.fixture
def csrf(client: TestClient, partnership: Partnership) -> str:
    """Staff of ING are signed in."""
    return sign_in(client, partnership.key(ING))


def add_number(client: TestClient, csrf: str, number: str, **fields: Any) -> httpx2.Response:
    return client.post(PAGE, data={"csrf_token": csrf, "number": number, **fields})


def add_sender(client: TestClient, csrf: str, name: str, routes: str) -> httpx2.Response:
    return client.post(f"{PAGE}/senders", data={"csrf_token": csrf, "name": name, "routes": routes})


def test_the_account_page_links_to_the_page_which_shows_the_own_organisation_only(
    client: TestClient, partnership: Partnership, csrf: str
) -> None:
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    protect(client, partnership, BANK_LINE, by=ING, inbound_only=True, label="Klantenservice")
    register_sender(client, partnership, "ING", ["KPN-A2P"])
    check_call(client, partnership, BANK_LINE, "international")
    check_sms(client, partnership, "1NG", "KPN-A2P")
    check_sms(client, partnership, "ING", "CHEAP-HUB")

    account = client.get("/account")
    assert f'href="{PAGE}"' in account.text
    assert shows(account, "telecom.page_account_link")
    page = client.get(PAGE)

    assert page.status_code == 200
    assert shows(page, "telecom.page_intro")
    assert "+31 20 228 8800" in page.text
    assert "+31 900 8844" not in page.text
    assert "Klantenservice" in page.text
    assert re.search(r"<td>ja</td>\s*<td>1</td>", page.text)  # inbound only; spoofed once
    assert re.search(r"<code>KPN-A2P</code></td>\s*<td>2</td>", page.text)  # blocked twice
    english = client.get(f"{PAGE}?lang=en")
    assert shows(english, "telecom.page_intro", "en")
    assert shows(english, "telecom.page_col_spoofed", "en", days=30)


def test_adding_and_removing_a_number(
    client: TestClient, csrf: str, database: Database, partnership: Partnership
) -> None:
    added = add_number(client, csrf, "020 228 88 00", label="Klantenservice", inbound_only="true")

    assert added.url.path == PAGE
    assert added.url.params["done"] == "number_saved"
    assert shows(added, "telecom.page_done_number_saved")
    (stored,) = rows(database, ProtectedNumber)
    assert (stored.number, stored.label, stored.inbound_only) == (
        BANK_LINE,
        "Klantenservice",
        True,
    )
    label = translate("telecom.page_unprotect_label", "nl", number="+31 20 228 8800")
    assert f'aria-label="{escape(label)}"' in added.text

    removed = client.post(f"{PAGE}/{stored.id}/remove", data={"csrf_token": csrf})

    assert shows(removed, "telecom.page_done_number_removed")
    assert shows(removed, "telecom.page_numbers_none")
    assert rows(database, ProtectedNumber) == []


def test_adding_and_removing_a_sender_name(
    client: TestClient, csrf: str, database: Database
) -> None:
    added = add_sender(client, csrf, "ING", "kpn-a2p, ODIDO-A2P,")

    assert shows(added, "telecom.page_done_sender_saved")
    (stored,) = rows(database, SmsSender)
    assert stored.routes == ["KPN-A2P", "ODIDO-A2P"]
    assert "<code>ODIDO-A2P</code>" in added.text

    removed = client.post(f"{PAGE}/senders/{stored.id}/remove", data={"csrf_token": csrf})

    assert shows(removed, "telecom.page_done_sender_removed")
    assert rows(database, SmsSender) == []


@pytest.mark.parametrize(
    ("fields", "field", "key", "params"),
    [
        ({"number": "020 228"}, "number", "identifiers.phone_invalid", {}),
        ({"number": "+44 20 7946 0958"}, "number", "telecom.number_not_dutch", {}),
        (
            {"number": BANK_LINE, "label": "x" * 201},
            "label",
            "telecom.label_too_long",
            {"limit": 200},
        ),
    ],
)
def test_a_refused_number_is_explained_at_its_field(
    client: TestClient,
    csrf: str,
    database: Database,
    fields: dict[str, str],
    field: str,
    key: str,
    params: dict[str, Any],
) -> None:
    refused = add_number(client, csrf, inbound_only="true", **fields)

    assert refused.status_code == 400
    message = escape(translate(key, "nl", **params))
    assert f'id="{field}-error" role="alert">{message}</span>' in refused.text
    assert f'aria-describedby="{field}-hint {field}-error"' in refused.text
    assert f'value="{escape(fields[field])}"' in refused.text
    assert re.search(r'name="inbound_only" value="true"[^>]*checked', refused.text)
    assert rows(database, ProtectedNumber) == []


def test_another_partners_number_or_name_is_refused_at_its_field(
    client: TestClient, partnership: Partnership, csrf: str, database: Database
) -> None:
    protect(client, partnership, BANK_LINE, by=ABN_AMRO)
    register_sender(client, partnership, "ABN AMRO", ["KPN-A2P"], by=ABN_AMRO)

    number = add_number(client, csrf, BANK_LINE)
    name = add_sender(client, csrf, "ABN AMR0", "KPN-A2P")

    assert number.status_code == name.status_code == 400
    taken = escape(translate("telecom.number_taken", "nl", number="+31 20 228 8800"))
    assert f'id="number-error" role="alert">{taken}</span>' in number.text
    lookalike = escape(
        translate("telecom.sender_lookalike_taken", "nl", name="ABN AMR0", similar="ABN AMRO")
    )
    assert f'id="name-error" role="alert">{lookalike}</span>' in name.text
    assert 'value="ABN AMR0"' in name.text
    assert [item.partner_id for item in rows(database, ProtectedNumber)] == [
        partnership.ids[ABN_AMRO]
    ]


def test_another_partners_number_cannot_be_removed(
    client: TestClient, partnership: Partnership, csrf: str, database: Database
) -> None:
    theirs = protect(client, partnership, BANK_LINE, by=ABN_AMRO)["id"]
    name = register_sender(client, partnership, "ABN AMRO", ["KPN-A2P"], by=ABN_AMRO)["id"]

    assert client.post(f"{PAGE}/{theirs}/remove", data={"csrf_token": csrf}).status_code == 404
    gone = client.post(f"{PAGE}/senders/{name}/remove", data={"csrf_token": csrf})
    assert gone.status_code == 404
    assert len(rows(database, ProtectedNumber)) == len(rows(database, SmsSender)) == 1


def test_a_form_without_the_sessions_token_is_refused(
    client: TestClient, csrf: str, database: Database
) -> None:
    assert add_number(client, "forged", BANK_LINE).status_code == 403
    assert add_sender(client, "", "ING", "KPN-A2P").status_code == 403
    assert rows(database, ProtectedNumber) == []
    assert rows(database, SmsSender) == []
    added = add_number(client, csrf, BANK_LINE)
    (stored,) = rows(database, ProtectedNumber)
    refused = client.post(f"{PAGE}/{stored.id}/remove", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert form_token(added) == csrf
    assert len(rows(database, ProtectedNumber)) == 1


def test_research_has_no_such_page(client: TestClient, partnership: Partnership) -> None:
    sign_in(client, partnership.key(RESEARCH))
    assert client.get(PAGE).status_code == 403
    assert f'href="{PAGE}"' not in client.get("/account").text


def test_operators_protect_their_own_numbers_too(
    client: TestClient, partnership: Partnership
) -> None:
    csrf = sign_in(client, partnership.key(KPN))
    assert add_number(client, csrf, "+31612000000", label="KPN klantenservice").status_code == 200


def test_a_visitor_is_sent_to_sign_in_first(client: TestClient) -> None:
    answer = client.get(PAGE, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/sign-in?next={PAGE}"
