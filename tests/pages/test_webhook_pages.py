"""Webhooks in Debian's Chromium: a bank's engineer adds one, tests it against a real receiver,
reads the delivery log, and manages it with the keyboard alone.

The receiver is the webhook tests' own HTTP server on loopback, so the app under test accepts
plain-http addresses here (and only here). The secret the page shows once is the one the
receiver verifies our signatures with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook as Verifier

from fraudlink.app import create_app
from fraudlink.database import Database
from fraudlink.settings import Settings
from tests.pages.test_pages import bank_with_key, sign_in, text
from tests.webhooks.receiver import Receiver, running_receiver

pytestmark = pytest.mark.browser


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app under test, accepting the receiver's plain-http address on loopback."""
    return create_app(
        settings.model_copy(
            update={"webhook_allow_http": True, "webhook_allow_private_networks": True}
        )
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def test_an_engineer_adds_a_webhook_and_tests_it_against_the_receiver(
    page: Page, base_url: str, database: Database, receiver: Receiver
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    page.get_by_role("link", name=text("webhooks.page_account_link")).click()
    expect(page).to_have_url(f"{base_url}/account/webhooks")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("webhooks.page_title"))
    expect(page.get_by_text(text("webhooks.page_none"))).to_be_visible()
    address = page.get_by_label(text("webhooks.page_url_label"))
    expect(address).to_have_accessible_description(text("webhooks.page_url_hint"))

    # Without a scheme: refused at the field, the typed address kept.
    typed = receiver.url.removeprefix("http://")
    address.fill(typed)
    page.get_by_role("button", name=text("webhooks.page_create_button")).click()
    error = text("webhooks.url_invalid_http")
    expect(page.get_by_role("alert")).to_have_text(error)
    expect(address).to_have_value(typed)
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_accessible_description(re.compile(re.escape(error)))

    address.fill(receiver.url)
    page.get_by_role("button", name=text("webhooks.page_create_button")).click()
    notice = page.get_by_role(
        "status", name=text("webhooks.page_created_heading", url=receiver.url)
    )
    expect(notice).to_contain_text(text("webhooks.page_secret_once"))
    secret = notice.get_by_label(text("webhooks.page_secret_label")).input_value()
    assert secret.startswith("whsec_")
    listed = page.get_by_role("row").filter(has=page.get_by_role("link", name=receiver.url))
    expect(listed).to_contain_text(text("webhooks.page_all_kinds"))
    expect(listed).to_contain_text(text("webhooks.page_active"))

    listed.get_by_role("link", name=receiver.url).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("webhooks.page_detail_title", url=receiver.url)
    )
    expect(page.get_by_label(text("webhooks.page_secret_label"))).to_have_count(0)  # once only
    expect(page.get_by_text(text("webhooks.page_log_none"))).to_be_visible()
    test_button = page.get_by_role("button", name=text("webhooks.page_test_button"))
    expect(test_button).to_have_accessible_description(text("webhooks.page_test_hint"))
    test_button.click()
    expect(page.get_by_role("status")).to_have_text(text("webhooks.page_test_ok", status=200))
    (message,) = receiver.messages
    assert Verifier(secret).verify(message.body, message.headers)["type"] == "webhook.test"

    # The receiver fails the next one: the page says why, and so does the log.
    receiver.fail_next(1)
    page.get_by_role("button", name=text("webhooks.page_test_button")).click()
    failure = text("webhooks.error_status", status=500)
    expect(page.get_by_role("alert")).to_have_text(text("webhooks.page_test_failed", error=failure))
    log = page.get_by_role("table", name=text("webhooks.page_log_heading"))
    newest, earlier = log.get_by_role("row").all()[1:]
    expect(newest).to_contain_text(failure)
    expect(newest).to_contain_text("receiver is down")
    expect(earlier).to_contain_text(text("webhooks.page_delivered", status=200))


def test_an_engineer_switches_a_webhook_off_and_on_and_deletes_it_by_keyboard_in_english(
    page: Page, base_url: str, database: Database, receiver: Receiver
) -> None:
    sign_in(page, base_url, bank_with_key(database))
    page.goto("/language/en?next=/account/webhooks")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("webhooks.page_title", "en"))

    page.get_by_role("checkbox", name=text("webhooks.page_kind_phone", "en")).press("Space")
    address = page.get_by_label(text("webhooks.page_url_label", "en"))
    address.press_sequentially(receiver.url)
    address.press("Enter")  # sends the form
    expect(
        page.get_by_role(
            "status", name=text("webhooks.page_created_heading", "en", url=receiver.url)
        )
    ).to_be_visible()
    listed = page.get_by_role("row").filter(has=page.get_by_role("link", name=receiver.url))
    expect(listed).to_contain_text(text("webhooks.page_kind_phone", "en"))

    listed.get_by_role("link", name=receiver.url).press("Enter")
    page.get_by_role("button", name=text("webhooks.page_switch_off_button", "en")).press("Enter")
    expect(page.get_by_role("status")).to_have_text(text("webhooks.page_switched_off", "en"))
    expect(page.get_by_role("table").first).to_contain_text(
        text("webhooks.disabled_by_partner", "en")
    )
    switch_on = page.get_by_role("button", name=text("webhooks.page_switch_on_button", "en"))
    expect(switch_on).to_have_accessible_description(text("webhooks.page_switch_on_hint", "en"))
    switch_on.press("Enter")
    expect(page.get_by_role("status")).to_have_text(text("webhooks.page_switched_on", "en"))

    page.get_by_role("link", name=text("webhooks.page_delete_link", "en")).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("webhooks.page_delete_title", "en")
    )
    page.get_by_role("button", name=text("webhooks.page_delete_button", "en")).press("Enter")
    expect(page).to_have_url(f"{base_url}/account/webhooks?deleted=true")
    expect(page.get_by_role("status")).to_have_text(text("webhooks.page_deleted", "en"))
    expect(page.get_by_role("link", name=receiver.url)).to_have_count(0)
