"""Protected numbers in Debian's Chromium: a bank's staff protect a helpdesk line and a sender
name, see a refusal at its field, and remove both again, in Dutch and in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.pages.test_pages import sign_in, text
from tests.reports.partnership import ING, Partnership

pytestmark = pytest.mark.browser


def test_staff_protect_a_number_and_remove_it_again(
    page: Page, base_url: str, partnership: Partnership
) -> None:
    sign_in(page, base_url, partnership.key(ING))
    page.get_by_role("link", name=text("telecom.page_account_link")).click()
    expect(page).to_have_url(f"{base_url}/account/protected-numbers")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("telecom.page_title"))
    expect(page.get_by_text(text("telecom.page_numbers_none"))).to_be_visible()
    number = page.get_by_label(text("telecom.page_number_label"), exact=True)
    expect(number).to_have_accessible_description(text("telecom.page_number_hint"))

    # A foreign number: refused at the field, what was typed kept.
    number.fill("+44 20 7946 0958")
    page.get_by_role("button", name=text("telecom.page_protect_button")).click()
    error = text("telecom.number_not_dutch")
    expect(page.get_by_role("alert")).to_have_text(error)
    expect(number).to_have_value("+44 20 7946 0958")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_accessible_description(re.compile(re.escape(error)))

    number.fill("020 228 88 00")
    page.get_by_label(text("telecom.page_label_label")).fill("Klantenservice")
    page.get_by_role("checkbox", name=text("telecom.page_inbound_only_label")).check()
    page.get_by_role("button", name=text("telecom.page_protect_button")).click()
    expect(page.get_by_role("status")).to_have_text(text("telecom.page_done_number_saved"))
    table = page.get_by_role("table", name=text("telecom.page_numbers_heading"))
    row = table.get_by_role("row").filter(has_text="+31 20 228 8800")
    expect(row).to_contain_text("Klantenservice")
    expect(row).to_contain_text(text("telecom.page_yes"))

    row.get_by_role(
        "button", name=text("telecom.page_unprotect_label", number="+31 20 228 8800")
    ).click()
    expect(page.get_by_role("status")).to_have_text(text("telecom.page_done_number_removed"))
    expect(page.get_by_text(text("telecom.page_numbers_none"))).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)


def test_staff_register_a_sender_name_and_a_number_by_keyboard_in_english(
    page: Page, base_url: str, partnership: Partnership
) -> None:
    sign_in(page, base_url, partnership.key(ING))
    page.goto("/language/en?next=/account/protected-numbers")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("telecom.page_title", "en"))

    page.get_by_label(text("telecom.page_name_label", "en"), exact=True).fill("ING")
    routes = page.get_by_label(text("telecom.page_routes_label", "en"))
    expect(routes).to_have_accessible_description(text("telecom.page_routes_hint", "en"))
    routes.press_sequentially("kpn-a2p, odido-a2p")
    routes.press("Enter")  # sends the form
    expect(page.get_by_role("status")).to_have_text(text("telecom.page_done_sender_saved", "en"))
    senders = page.get_by_role("table", name=text("telecom.page_senders_heading", "en"))
    expect(senders.get_by_role("row").filter(has_text="ING")).to_contain_text("KPN-A2P, ODIDO-A2P")

    number = page.get_by_label(text("telecom.page_number_label", "en"), exact=True)
    number.press_sequentially("0900-8844")
    number.press("Enter")
    expect(page.get_by_role("status")).to_have_text(text("telecom.page_done_number_saved", "en"))
    numbers = page.get_by_role("table", name=text("telecom.page_numbers_heading", "en"))
    expect(numbers.get_by_role("row").filter(has_text="+31 900 8844")).to_contain_text(
        text("telecom.page_no", "en")
    )

    page.get_by_role(
        "button", name=text("telecom.page_remove_sender_label", "en", name="ING")
    ).press("Enter")
    expect(page.get_by_role("status")).to_have_text(text("telecom.page_done_sender_removed", "en"))
    expect(page.get_by_text(text("telecom.page_senders_none", "en"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="+31 900 8844")).to_have_count(1)
