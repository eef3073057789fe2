"""API keys: 401 without a valid key, 403 without the permission, revocation that bites at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.access.models import ApiKey
from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.database import Database
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner, bearer

PROTECTED = [
    ("get", "/v1/me"),
    ("get", "/v1/partners"),
    ("get", "/v1/keys"),
    ("post", "/v1/keys"),
    ("delete", "/v1/keys/abcdefghijkl"),
    ("get", "/v1/audit"),
    ("post", "/v1/identifiers/parse"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_key_answers_401_with_a_problem(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["type"].endswith("/problems/unauthenticated")
    assert "Authorization: Bearer" in body["detail"]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-key",
        "fl_",
        "fl_abcdefghijkl",
        "fl_abcdefghijkl_wrongsecret",
        "xx_abcdefghijkl_secret",
    ],
)
def test_an_invalid_key_answers_401(client: TestClient, database: Database, token: str) -> None:
    add_partner(database, "Testbank")
    add_key(database, "Testbank")
    assert client.get("/v1/me", headers=bearer(token)).status_code == 401


def test_a_right_prefix_with_a_wrong_secret_is_refused(
    client: TestClient, database: Database
) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert client.get("/v1/me", headers=bearer(forged)).status_code == 401
    assert client.get("/v1/me", headers=bearer(token)).status_code == 200


def test_a_key_says_who_it_is(client: TestClient, database: Database) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank", scopes=["audit:read"])
    me = client.get("/v1/me", headers=bearer(token)).json()
    assert me == {
        "partner": "Testbank",
        "partner_type": "bank",
        "key_prefix": token.split("_")[1],
        "scopes": ["audit:read"],
    }


@pytest.mark.parametrize(
    ("scopes", "path", "missing"),
    [
        (["audit:read"], "/v1/partners", "partner:read"),
        (["partner:read"], "/v1/audit", "audit:read"),
        (["partner:read"], "/v1/keys", "key:manage"),
    ],
)
def test_a_key_without_the_scope_answers_403_naming_it(
    client: TestClient, database: Database, scopes: list[str], path: str, missing: str
) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank", scopes=scopes)
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 403
    assert missing in response.json()["detail"]


@pytest.mark.parametrize("partner_type", list(PartnerType))
def test_default_keys_get_exactly_what_their_partner_type_is_granted(
    client: TestClient, database: Database, partner_type: PartnerType
) -> None:
    add_partner(database, "Partner", partner_type)
    token = add_key(database, "Partner")
    scopes = client.get("/v1/me", headers=bearer(token)).json()["scopes"]
    assert set(scopes) == set(GRANTS[partner_type])
    parse = client.post(
        "/v1/identifiers/parse", json={"value": "06-12345678"}, headers=bearer(token)
    )
    assert parse.status_code == (200 if Permission.IDENTIFIER_PARSE in scopes else 403)


def test_research_may_not_receive_pseudonym_tokens(client: TestClient, database: Database) -> None:
    add_partner(database, "Universiteit", PartnerType.RESEARCH)
    with pytest.raises(Exception, match="identifier:parse"):
        add_key(database, "Universiteit", scopes=["identifier:parse"])


def test_revocation_takes_effect_with_the_next_request(
    client: TestClient, database: Database
) -> None:
    add_partner(database, "Testbank")
    admin = add_key(database, "Testbank")
    robot = client.post("/v1/keys", json={"label": "robot"}, headers=bearer(admin)).json()
    assert client.get("/v1/me", headers=bearer(robot["key"])).status_code == 200
    revoked = client.delete(f"/v1/keys/{robot['prefix']}", headers=bearer(admin))
    assert revoked.status_code == 204
    assert client.get("/v1/me", headers=bearer(robot["key"])).status_code == 401
    again = client.delete(f"/v1/keys/{robot['prefix']}", headers=bearer(admin))
    assert again.status_code == 204


def test_a_key_can_revoke_itself(client: TestClient, database: Database) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    prefix = token.split("_")[1]
    assert client.delete(f"/v1/keys/{prefix}", headers=bearer(token)).status_code == 204
    assert client.get("/v1/me", headers=bearer(token)).status_code == 401


def test_keys_are_stored_only_as_hashes(database: Database) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    with database.read_only() as session:
        stored = session.scalars(select(ApiKey)).one()
    secret = token.split("_", 2)[2]
    assert secret not in {stored.secret_hash, stored.prefix, stored.label}
    assert len(stored.secret_hash) == 64


def test_a_partner_cannot_touch_another_partners_keys(
    client: TestClient, database: Database
) -> None:
    add_partner(database, "Bank A")
    add_partner(database, "Bank B")
    token_a = add_key(database, "Bank A")
    token_b = add_key(database, "Bank B")
    prefix_b = token_b.split("_")[1]
    listed = client.get("/v1/keys", headers=bearer(token_a)).json()["keys"]
    assert [key["partner"] for key in listed] == ["Bank A"]
    response = client.delete(f"/v1/keys/{prefix_b}", headers=bearer(token_a))
    assert response.status_code == 404
    assert client.get("/v1/me", headers=bearer(token_b)).status_code == 200


def test_a_key_cannot_create_a_stronger_key(client: TestClient, database: Database) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank", scopes=["key:manage", "audit:read"])
    response = client.post(
        "/v1/keys",
        json={"label": "stronger", "scopes": ["partner:read"]},
        headers=bearer(token),
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "scopes"
    default = client.post("/v1/keys", json={"label": "same"}, headers=bearer(token)).json()
    assert default["scopes"] == ["audit:read", "key:manage"]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"label": "x", "scopes": ["nonsense"]}, "scopes.0", "enum"),
        ({"label": "x", "scopes": []}, "scopes", "too_short"),
        ({"scopes": ["audit:read"]}, "label", "missing"),
        ({"label": ""}, "label", "string_too_short"),
        ({"label": "x", "extra": 1}, "extra", "extra_forbidden"),
    ],
)
def test_bad_key_requests_name_the_field(
    client: TestClient, database: Database, body: dict[str, object], field: str, code: str
) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    response = client.post("/v1/keys", json=body, headers=bearer(token))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)


def test_errors_speak_dutch_by_default_and_english_on_request(
    client: TestClient, database: Database
) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    dutch = client.post("/v1/keys", json={"label": "x", "scopes": []}, headers=bearer(token))
    english = client.post(
        "/v1/keys",
        json={"label": "x", "scopes": []},
        headers={**bearer(token), "Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"},
    )
    assert dutch.json()["detail"] == "scopes: Geef minstens 1 waarde(n) op."
    assert english.json()["detail"] == "scopes: Give at least 1 value(s)."
    assert english.json()["title"] == "Invalid input"


def test_last_use_is_recorded(client: TestClient, database: Database) -> None:
    add_partner(database, "Testbank")
    token = add_key(database, "Testbank")
    client.get("/v1/me", headers=bearer(token))
    keys = client.get("/v1/keys", headers=bearer(token)).json()["keys"]
    assert keys[0]["last_used_at"] is not None
