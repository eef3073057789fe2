"""A victim of bank-helpdesk fraud asks the advice page what to do, in Dutch and then in English.

The texts come from the message catalogue and the rules, so a rewording changes one place.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fraudlink.advice import service
from fraudlink.i18n import Language, translate

pytestmark = pytest.mark.browser


def text(key: str, language: Language = "nl", /, **params: object) -> str:
    return translate(key, language, **params)


def test_bank_helpdesk_fraud_a_few_hours_ago_puts_calling_the_bank_first(
    page: Page, base_url: str
) -> None:
    call_bank_now = service.step("call-bank-now")

    page.goto("/advice")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("advice.page_title"))
    page.get_by_role("radio", name=text("reports.fraud_type_bank_helpdesk")).check()
    page.get_by_label(text("advice.form_when_label")).select_option(label=text("advice.when_hours"))
    page.get_by_role("checkbox", name=text("advice.form_paid_label")).check()
    page.get_by_role("checkbox", name=text("reports.payment_method_instant")).check()
    page.get_by_role("button", name=text("advice.form_submit")).click()

    expect(page).to_have_url(re.compile(r"/advice\?fraud_type=bank_helpdesk&hours_since=6&"))
    plan = page.locator("#plan")
    expect(plan.get_by_role("heading", level=2)).to_have_text(text("advice.plan_heading"))
    expect(plan.get_by_role("heading", level=3).first).to_have_text(text("advice.urgency_now"))
    first_step = plan.get_by_role("listitem").first
    expect(first_step).to_have_text(call_bank_now.text("nl"))
    expect(first_step).to_contain_text("Bel nu uw bank op het nummer op uw bankpas")
    helpdesk = plan.get_by_role("link", name=text("advice.contact_phone", phone="088-786 73 72"))
    expect(helpdesk).to_have_attribute("href", "tel:0887867372")

    # The language switch keeps the answers: the same plan, now in English.
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/advice\?fraud_type=bank_helpdesk&hours_since=6&"))
    plan = page.locator("#plan")
    expect(plan.get_by_role("heading", level=3).first).to_have_text(
        text("advice.urgency_now", "en")
    )
    first_step = plan.get_by_role("listitem").first
    expect(first_step).to_have_text(call_bank_now.text("en"))
    expect(first_step).to_contain_text("Call your bank now on the number on your bank card")

    # The answers are folded away above the plan, and open to change them.
    page.get_by_text(text("advice.form_summary", "en")).click()
    expect(
        page.get_by_role("radio", name=text("reports.fraud_type_bank_helpdesk", "en"))
    ).to_be_checked()
