"""The action plan's pages: every signed-in partner reads the plan, the programme keeps it.

Through TestClient and the real sign-in first (who sees what, forms refused at their field with
the right status, the form token), then in Debian's Chromium the programme changes a status.
"""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from playwright.sync_api import Browser, expect

from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.i18n import LANGUAGES, Language, translate
from tests.actions.conftest import add
from tests.browser_fixtures import BROWSER_LOCALE
from tests.webhooks.test_webhook_pages import sign_in


def shows(response: httpx2.Response, key: str, language: Language = "nl", **params: Any) -> bool:
    return str(escape(translate(key, language, **params))) in response.text


class Staff:
    """Someone of one organisation, signed in on the pages (a client with its own cookies)."""

    def __init__(self, app: FastAPI, token: str) -> None:
        self.client = TestClient(app)
        self.csrf = sign_in(self.client, token)

    def get(self, path: str, **kwargs: Any) -> httpx2.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **fields: Any) -> httpx2.Response:
        return self.client.post(path, data={"csrf_token": self.csrf, **fields})


@pytest.fixture
def programme(app: FastAPI, programme_key: str) -> Staff:
    return Staff(app, programme_key)


@pytest.fixture
def bank(app: FastAPI, bank_key: str) -> Staff:
    return Staff(app, bank_key)


@pytest.fixture
def running(client: TestClient, programme_key: str) -> dict[str, Any]:
    """A running 2024 data-sharing action, added through the API."""
    return add(client, programme_key, year=2024, theme="data_sharing", title="Gegevensdeling")


def form(**changes: str) -> dict[str, str]:
    return {
        "year": "2025",
        "theme": "money_mules",
        "title": "Aanpak geldezels",
        "owner": "Politie",
        "partners": "Openbaar Ministerie, NVB",
        "status": "planned",
        "notes": "",
        **changes,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_of_the_vocabulary_exists(language: Language) -> None:
    for theme in Theme:
        assert translate(f"actions.theme_{theme.value}", language)
    for status in Status:
        assert translate(f"actions.status_{status.value}", language)
        assert translate(f"actions.page_count_{status.value}", language, count=1)


def test_the_account_page_links_to_the_plan_for_everyone(bank: Staff) -> None:
    assert 'href="/actions"' in bank.get("/account").text


@pytest.mark.parametrize("path", ["/actions", "/actions/1"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")


def test_a_partner_reads_the_plan_with_statuses_in_words_but_has_no_forms(
    bank: Staff, running: dict[str, Any]
) -> None:
    page = bank.get("/actions?year=2024")
    assert page.status_code == 200
    assert "Gegevensdeling" in page.text
    assert shows(page, "actions.theme_data_sharing")
    assert shows(page, "actions.status_running")
    assert shows(page, "actions.page_count_running", count=1)
    assert 'action="/actions"' not in page.text
    one = bank.get(f"/actions/{running['id']}")
    assert one.status_code == 200
    assert "/carry-over" not in one.text
    assert bank.post("/actions", **form()).status_code == 403
    assert bank.post(f"/actions/{running['id']}", status="realised").status_code == 403
    assert bank.post(f"/actions/{running['id']}/carry-over").status_code == 403


def test_the_programme_adds_an_action(programme: Staff) -> None:
    added = programme.post("/actions", **form())
    assert added.status_code == 200
    assert re.search(r"/actions\?year=2025&done=added$", str(added.url).split("#")[0])
    assert shows(added, "actions.page_done_added")
    assert "Aanpak geldezels" in added.text and "Openbaar Ministerie, NVB" in added.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"owner": ""}, "owner"),
        ({"year": "twintig"}, "year"),
        ({"year": "2200"}, "year"),
        ({"theme": "research"}, "theme"),
        ({"status": "carried_over"}, "status"),
    ],
)
def test_a_refused_action_is_shown_at_its_field_with_what_was_typed(
    programme: Staff, changes: dict[str, str], field: str
) -> None:
    refused = programme.post("/actions", **form(**changes))
    assert refused.status_code == 400
    assert f'id="{field}-error"' in refused.text
    typed = 'value="Politie"' if field == "title" else 'value="Aanpak geldezels"'
    assert typed in refused.text  # what was typed stays


def test_the_programme_changes_status_and_notes(programme: Staff, running: dict[str, Any]) -> None:
    path = f"/actions/{running['id']}"
    saved = programme.post(path, status="realised", notes="Afgerond in december.")
    assert saved.status_code == 200
    assert str(saved.url).endswith(f"{path}?done=saved")
    assert shows(saved, "actions.status_realised")
    assert "Afgerond in december." in saved.text
    assert "/carry-over" not in saved.text  # realised: nothing to carry


def test_carry_over_from_the_page_and_a_second_time_409(
    programme: Staff, running: dict[str, Any]
) -> None:
    path = f"/actions/{running['id']}"
    carried = programme.post(f"{path}/carry-over")
    assert carried.status_code == 200
    assert shows(carried, "actions.page_done_carried_over")
    assert f'href="{path}"' in carried.text  # continued from
    again = programme.post(f"{path}/carry-over")
    assert again.status_code == 409
    assert shows(again, "actions.already_carried_over", year=2025)
    plan = programme.get("/actions?year=2024")
    assert shows(plan, "actions.status_carried_over")
    assert shows(plan, "actions.page_continues_in", year=2025)
    notes = programme.post(path, status="", notes="Loopt door.")  # keeps its status
    assert notes.status_code == 200, notes.text


def test_every_form_needs_the_session_token(programme: Staff, running: dict[str, Any]) -> None:
    forged = programme.client.post("/actions", data=form())
    assert forged.status_code == 403
    forged = programme.client.post(f"/actions/{running['id']}/carry-over", data={})
    assert forged.status_code == 403


@pytest.mark.browser
def test_the_programme_changes_a_status_in_the_browser(
    browser: Browser, base_url: str, programme_key: str, running: dict[str, Any]
) -> None:
    context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
    try:
        tab = context.new_page()
        tab.goto("/sign-in")
        tab.get_by_label(translate("access.sign_in_key_label")).fill(programme_key)
        tab.get_by_role("button", name=translate("access.sign_in_button")).click()
        expect(tab).to_have_url(f"{base_url}/account")
        tab.get_by_role("link", name=translate("access.account_actions_link")).click()
        # The plan opens on the latest year that has one: 2024 here.
        expect(tab.get_by_role("heading", level=1)).to_have_text(
            translate("actions.page_title", year=2024)
        )
        tab.get_by_role("link", name="Gegevensdeling").click()
        expect(tab.locator(".lead")).to_contain_text(translate("actions.status_running"))
        tab.get_by_label(translate("actions.page_status_label"), exact=True).select_option(
            "realised"
        )
        tab.get_by_label(translate("actions.page_notes_label"), exact=True).fill("Afgerond.")
        tab.get_by_role("button", name=translate("actions.page_save_button")).click()
        expect(tab).to_have_url(f"{base_url}/actions/{running['id']}?done=saved")
        expect(tab.get_by_role("status")).to_have_text(translate("actions.page_done_saved"))
        expect(tab.locator(".lead")).to_contain_text(translate("actions.status_realised"))
    finally:
        context.close()
