"""The decisions page as a bank's fraud analysts use it, in Debian's Chromium: a decision made
through the API read with its reasons in Dutch and English, its outcome reported (and the
figures on the rules moving), the allow-list kept, and nobody else's decisions or page."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect

from fraudlink.database import Database
from fraudlink.decisions import pages, rulebook, rules
from fraudlink.decisions.vocabulary import Outcome, RuleSetStatus, Truth
from fraudlink.i18n import LANGUAGES, LOCAL_TIME_ZONE, Language, translate
from fraudlink.identifiers import IdentifierKind, parse
from tests.decisions.payments import LANDLORD, decide, payment, report_mule
from tests.factories import OPERATOR
from tests.pages.test_pages import sign_in, text
from tests.reports.partnership import ABN_AMRO, BAD_IBAN, ING, KPN, POLICE, Partnership

LIVE = "2026.11-1"
SHADOW = "2026.12-draft"


def load_shadow_rules(database: Database) -> None:
    """The shipped rules again under a new version, as a draft to compare beside them."""
    document = rules.bundled().document.replace(f'version: "{LIVE}"', f'version: "{SHADOW}"')
    with database.transaction() as session:
        rulebook.load_rules(session, document=document, status=RuleSetStatus.SHADOW, actor=OPERATOR)


def open_page(page: Page, base_url: str, partnership: Partnership, partner: str = ING) -> None:
    sign_in(page, base_url, partnership.key(partner))
    page.get_by_role("link", name=text("decisions.page_account_link")).click()
    expect(page).to_have_url(f"{base_url}/decisions")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("decisions.page_title"))


def recent(page: Page, language: Language = "nl") -> Locator:
    return page.get_by_role("table", name=text("decisions.page_recent_heading", language))


def figures_of(page: Page, version: str, language: Language = "nl") -> Locator:
    """The cells of one version's row: kind, decisions, alerts, precision, recall, stopped, ..."""
    table = page.get_by_role("table", name=text("decisions.page_sets_caption", language))
    return table.get_by_role("row").filter(has_text=version).get_by_role("cell")


def local(decision: dict[str, Any]) -> str:
    moment = datetime.fromisoformat(decision["decided_at"]).astimezone(LOCAL_TIME_ZONE)
    return moment.strftime("%d-%m-%Y %H:%M")


@pytest.mark.browser
def test_an_analyst_reads_a_decision_in_both_languages_and_reports_that_it_was_fraud(
    page: Page, base_url: str, client: TestClient, partnership: Partnership, database: Database
) -> None:
    load_shadow_rules(database)
    report_mule(client, partnership)
    decision = decide(client, partnership, payment(reference="ING-0001"))
    outcome = decision["outcome"]
    assert outcome in {"delay", "block"}

    open_page(page, base_url, partnership)
    row = recent(page).get_by_role("row").filter(has_text="ING-0001")
    expect(row.get_by_role("rowheader")).to_have_text(local(decision))
    expect(row).to_contain_text("€ 2.500,00")
    expect(row).to_contain_text(text(f"decisions.page_outcome_{outcome}"))
    expect(row).to_contain_text(str(decision["score"]))
    for reason in decision["reasons"]:
        expect(row).to_contain_text(reason["nl"])
    expect(row).to_contain_text(text("decisions.page_truth_unknown"))
    expect(page.get_by_text(text("decisions.page_shadow_explained"))).to_be_visible()
    live, shadow = figures_of(page, LIVE), figures_of(page, SHADOW)
    expect(live.nth(0)).to_have_text(text("decisions.page_kind_live"))
    expect(live.nth(3)).to_have_text(text("decisions.page_unknown"))  # precision
    expect(shadow.nth(0)).to_have_text(text("decisions.page_kind_shadow"))
    expect(shadow.nth(6)).to_have_text("100%")  # the same rules: the same outcome
    live_rules = page.get_by_role(
        "table", name=text("decisions.page_live_rules_caption", version=LIVE)
    )
    expect(
        live_rules.get_by_role("row").filter(has_text="creditor_reported_often")
    ).to_contain_text(
        text("decisions.page_outcome_delay")  # its floor
    )

    row.get_by_role(
        "button", name=text("decisions.page_report_confirmed_fraud", payment="ING-0001")
    ).click()
    expect(page).to_have_url(f"{base_url}/decisions?done=truth_saved#decision-{decision['id']}")
    expect(page.get_by_role("status")).to_have_text(text("decisions.page_done_truth_saved"))
    expect(row).to_contain_text(text("decisions.page_truth_confirmed_fraud"))
    for cells in (live, shadow):
        expect(cells.nth(3)).to_have_text("100%")  # precision
        expect(cells.nth(4)).to_have_text("100%")  # recall
        expect(cells.nth(5)).to_have_text(
            text("decisions.page_stopped_of", stopped="€ 2.500,00", fraud="€ 2.500,00")
        )
    per_rule = page.get_by_role(
        "table",
        name=text(
            "decisions.page_rules_caption", version=LIVE, kind=text("decisions.page_kind_live")
        ),
    )
    expect(per_rule.get_by_role("row").filter(has_text="creditor_reported_often")).to_have_text(
        re.compile(r"creditor_reported_often\s*1\s*1\s*0\s*100%")
    )

    page.goto("/language/en?next=/decisions")
    row = recent(page, "en").get_by_role("row").filter(has_text="ING-0001")
    expect(row).to_contain_text("€ 2,500.00")
    expect(row).to_contain_text(text(f"decisions.page_outcome_{outcome}", "en"))
    for reason in decision["reasons"]:
        expect(row).to_contain_text(reason["en"])
    expect(row).to_contain_text(text("decisions.page_truth_confirmed_fraud", "en"))
    # A second finding replaces the first: only the other one is offered.
    row.get_by_role(
        "button", name=text("decisions.page_report_false_alarm", "en", payment="ING-0001")
    ).click()
    expect(row).to_contain_text(text("decisions.page_truth_false_alarm", "en"))
    expect(figures_of(page, LIVE, "en").nth(3)).to_have_text("0%")  # precision


@pytest.mark.browser
def test_an_analyst_trusts_a_recipient_after_a_wrong_iban_and_removes_it_again(
    page: Page, base_url: str, partnership: Partnership
) -> None:
    open_page(page, base_url, partnership)
    expect(page.get_by_text(text("decisions.page_allow_none"))).to_be_visible()
    iban = page.get_by_label(text("decisions.page_iban_label"))
    expect(iban).to_have_accessible_description(text("decisions.page_iban_hint"))

    iban.fill(BAD_IBAN)
    page.get_by_label(text("decisions.page_note_label")).fill("Woonstichting")
    page.get_by_role("button", name=text("decisions.page_add_button")).click()
    error = text("identifiers.iban_checksum")
    expect(page.get_by_role("alert")).to_have_text(error)
    expect(iban).to_have_value(BAD_IBAN)
    expect(iban).to_have_attribute("aria-invalid", "true")
    expect(iban).to_have_accessible_description(re.compile(re.escape(error)))
    expect(page.get_by_label(text("decisions.page_note_label"))).to_have_value("Woonstichting")

    iban.fill(LANDLORD)
    page.get_by_role("button", name=text("decisions.page_add_button")).click()
    expect(page.get_by_role("status")).to_have_text(text("decisions.page_done_entry_added"))
    shown = parse(LANDLORD, IdentifierKind.IBAN).display
    table = page.get_by_role("table", name=text("decisions.page_allow_heading"))
    expect(table.get_by_role("row").filter(has_text=shown)).to_contain_text("Woonstichting")

    # The API's own limit on the note holds here too, named at its field.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        "/decisions/allow-list",
        form={"csrf_token": token or "", "creditor_iban": LANDLORD, "note": "x" * 201},
    )
    assert refused.status == 400
    assert 'id="note-error"' in refused.text()

    page.get_by_role("button", name=text("decisions.page_remove_label", iban=shown)).click()
    expect(page.get_by_role("status")).to_have_text(text("decisions.page_done_entry_removed"))
    expect(page.get_by_text(text("decisions.page_allow_none"))).to_be_visible()


@pytest.mark.browser
def test_a_bank_sees_and_judges_only_its_own_decisions(
    page: Page, base_url: str, client: TestClient, partnership: Partnership
) -> None:
    others = decide(client, partnership, payment(reference="ABN-0001"), by=ABN_AMRO)
    decide(client, partnership, payment(reference="ING-0002"))
    open_page(page, base_url, partnership)
    expect(recent(page).get_by_role("row").filter(has_text="ING-0002")).to_have_count(1)
    expect(page.get_by_text("ABN-0001")).to_have_count(0)

    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = page.request.post(
        f"/decisions/{others['id']}/outcome",
        form={"csrf_token": token or "", "truth": "confirmed_fraud"},
        max_redirects=0,
    )
    assert forged.status == 404


@pytest.mark.browser
@pytest.mark.parametrize("partner", [KPN, POLICE])
def test_telecom_and_police_staff_have_no_decisions_page(
    page: Page, base_url: str, partnership: Partnership, partner: str
) -> None:
    sign_in(page, base_url, partnership.key(partner))
    expect(page.get_by_role("link", name=text("decisions.page_account_link"))).to_have_count(0)
    response = page.goto("/decisions")
    assert response is not None
    assert response.status == 403


@pytest.mark.browser
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(page: Page, base_url: str) -> None:
    page.goto("/decisions")
    expect(page).to_have_url(f"{base_url}/sign-in?next=/decisions")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_the_page_composes_exists(language: Language) -> None:
    composed = [
        *(f"page_outcome_{outcome.value}" for outcome in Outcome),
        *(f"page_truth_{truth.value}" for truth in Truth),
        *(f"page_report_{truth.value}" for truth in Truth),
        *(f"page_kind_{status.value}" for status in (RuleSetStatus.LIVE, RuleSetStatus.SHADOW)),
        *(f"page_done_{done}" for done in get_args(pages.Done)),
    ]
    for key in composed:
        assert translate(f"decisions.{key}", language, payment="x")
