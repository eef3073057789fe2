"""The application shell: probes, the OpenAPI document, problem details, languages, static files."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fraudlink.app import create_app
from fraudlink.database import Database
from fraudlink.i18n import negotiate, parse_language
from fraudlink.settings import Settings
from fraudlink.web.problems import PROBLEM_TYPES
from tests.factories import add_key, add_partner, bearer


def test_health_is_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_checks_the_database(client: TestClient) -> None:
    assert client.get("/health/ready").json() == {"status": "ok"}


def test_ready_reports_an_unreachable_database(data_dir: Path) -> None:
    settings = Settings(
        data_dir=data_dir, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/health/ready")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["title"] == "fraudlink"
    for path in ("/v1/me", "/v1/keys", "/v1/audit", "/v1/partners", "/v1/identifiers/parse"):
        assert path in document["paths"]
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    assert not any(path.startswith(("/account", "/sign-in")) for path in document["paths"])


def test_the_api_documentation_page_loads(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_an_unknown_api_path_is_a_problem_document(client: TestClient) -> None:
    response = client.get("/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"
    assert response.json()["instance"] == "/v1/nothing-here"


def test_a_browser_gets_an_html_error_page(client: TestClient) -> None:
    response = client.get("/nothing-here", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Niet gevonden" in response.text


def test_a_wrong_method_is_a_problem(client: TestClient) -> None:
    response = client.put("/health")
    assert response.status_code == 405
    assert response.json()["type"].endswith("/problems/method-not-allowed")


def test_malformed_json_names_the_problem(client: TestClient, database: Database) -> None:
    add_partner(database, "Testbank")
    response = client.post(
        "/v1/identifiers/parse",
        content=b"{not json",
        headers={"Content-Type": "application/json", **bearer(add_key(database, "Testbank"))},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "json_invalid"


@pytest.mark.parametrize("slug", sorted(PROBLEM_TYPES.values()))
def test_every_problem_type_has_a_page_in_both_languages(client: TestClient, slug: str) -> None:
    dutch = client.get(f"/problems/{slug}")
    english = client.get(f"/problems/{slug}", params={"lang": "en"})
    assert dutch.status_code == english.status_code == 200
    assert dutch.text != english.text


def test_the_language_switch_sets_a_cookie_and_returns_to_a_local_page(
    client: TestClient,
) -> None:
    response = client.get("/language/en", params={"next": "/docs"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/docs"
    assert "fraudlink_lang=en" in response.headers["set-cookie"]
    assert '<html lang="en">' in client.get("/").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "javascript:x"])
def test_the_language_switch_never_redirects_off_site(client: TestClient, target: str) -> None:
    response = client.get("/language/nl", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_an_unknown_language_is_not_found(client: TestClient) -> None:
    assert client.get("/language/fr", follow_redirects=False).status_code == 404


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "nl"),
        ("", "nl"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8,nl;q=0.7", "en"),
        ("fr, de", "nl"),
        ("nl;q=0.5, en;q=0.9", "en"),
        ("en;q=0, nl", "nl"),
        ("en;q=abc", "nl"),
    ],
)
def test_accept_language_negotiation(header: str | None, language: str) -> None:
    assert negotiate(header) == language


@pytest.mark.parametrize(("value", "language"), [("EN", "en"), ("nl-BE", "nl"), ("x", None)])
def test_language_codes(value: str, language: str | None) -> None:
    assert parse_language(value) == language


def test_static_assets_are_served_locally(client: TestClient) -> None:
    assert client.get("/static/fraudlink.css").status_code == 200
    script = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert script.status_code == 200
    assert "htmx" in script.text[:200]


def test_the_secret_key_is_created_private_and_never_logged(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings)) as client:
        client.get("/health")
    key_file = settings.resolved_secret_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = key_file.read_text().strip()
    assert len(bytes.fromhex(secret)) == 32
    assert secret not in caplog.text


def test_the_same_key_file_gives_the_same_keys(settings: Settings) -> None:
    first = create_app(settings)
    second = create_app(settings)
    assert first.state.database.session().info == second.state.database.session().info


@pytest.mark.parametrize("path", ["/", "/health", "/v1/me", "/docs"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
