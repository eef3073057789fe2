"""The recovery pages: banks and payment providers ask each other for the money back.

Through TestClient and the real sign-in first (each page, who may see it, refusals at their
field with the right status), then in Debian's Chromium the whole path a bank's and a payment
provider's staff walk: request, answer, name and address asked for, released and read, and the
victim following it on their private page without ever seeing a name.

The wait before name and address may be asked is 0 working days here (the setting's value for
trying the procedure out), so the whole path fits in one test; one test keeps the 3 weeks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database, utcnow
from fraudlink.i18n import Language, translate
from fraudlink.partners.models import PartnerType
from fraudlink.recovery import service
from fraudlink.recovery.models import RecoveryRequest
from fraudlink.settings import Settings
from fraudlink.web.charts import bar_chart
from tests.browser_fixtures import BROWSER_LOCALE
from tests.factories import add_key, add_partner
from tests.reports.partnership import (
    ABN_AMRO,
    ABN_IBAN,
    BAD_IBAN,
    ING,
    ING_IBAN,
    KPN,
    MOLLIE,
    MOLLIE_IBAN,
    RABOBANK,
    Partnership,
    client_with,
    report,
    submit,
)
from tests.webhooks.test_webhook_pages import sign_in

PROGRAMME: Final = "Programma Online Fraude"
AANGIFTE: Final = "PL0900-2025-123456"
HOLDER: Final = {
    "name": "Jan Testpersoon",
    "street": "Voorbeeldstraat 1",
    "postcode": "1011 AB",
    "city": "Amsterdam",
}


def text(key: str, language: Language = "nl", /, **params: Any) -> str:
    return translate(key, language, **params)


def shows(response: httpx2.Response, key: str, language: Language = "nl", **params: Any) -> bool:
    """Whether the page holds this message, as the template escapes it."""
    return str(escape(translate(key, language, **params))) in response.text


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """No wait before name and address may be asked: the whole path in one test."""
    monkeypatch.setenv("FRAUDLINK_RECOVERY_WAIT_WORKING_DAYS", "0")
    return Settings()


def paid_on() -> date:
    return datetime.now(UTC).date() - timedelta(days=3)


def file_report(
    client: TestClient, partnership: Partnership, beneficiary: str = ING_IBAN
) -> dict[str, Any]:
    """A victim of ABN AMRO paid 2.500,00 into ``beneficiary``; the receipt of their report."""
    return submit(
        client,
        partnership,
        report(
            fraud_type="bank_helpdesk",
            channel="phone_call",
            occurred_at=(datetime.now(UTC) - timedelta(days=3)).isoformat(),
            victim_iban=ABN_IBAN,
            aangifte_reference=AANGIFTE,
            payments=[
                {
                    "amount_cents": 250000,
                    "method": "transfer",
                    "paid_on": paid_on().isoformat(),
                    "beneficiary_iban": beneficiary,
                }
            ],
        ),
    )


def draft(reference: str, **changes: Any) -> dict[str, Any]:
    """The new-request form as ABN AMRO's staff fill it in."""
    return {
        "report_reference": reference,
        "amount": "2.500,00",
        "paid_on": paid_on().isoformat(),
        "beneficiary_iban": ING_IBAN,
        "method": "transfer",
        "aangifte_reference": "",
        "victim_consent": "true",
        **changes,
    }


def send(client: TestClient, csrf: str, reference: str, **changes: Any) -> httpx2.Response:
    fields = {key: value for key, value in draft(reference, **changes).items() if value is not None}
    return client.post("/recovery/new", data={"csrf_token": csrf, **fields})


def request_id_of(response: httpx2.Response) -> int:
    match = re.search(r"/recovery/requests/(\d+)\?done=sent", str(response.url))
    assert match is not None, response.url
    return int(match[1])


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
def abn(app: FastAPI, partnership: Partnership) -> Staff:
    return Staff(app, partnership.key(ABN_AMRO))


@pytest.fixture
def ing(app: FastAPI, partnership: Partnership) -> Staff:
    return Staff(app, partnership.key(ING))


@pytest.fixture
def programme(app: FastAPI, database: Database, partnership: Partnership) -> Staff:
    add_partner(database, PROGRAMME, PartnerType.PROGRAMME)
    return Staff(app, add_key(database, PROGRAMME))


@pytest.fixture
def receipt(client: TestClient, partnership: Partnership) -> dict[str, Any]:
    return file_report(client, partnership)


@pytest.fixture
def sent(abn: Staff, receipt: dict[str, Any]) -> int:
    """ABN AMRO has asked ING for its customer's 2.500,00; the request's id."""
    response = send(abn.client, abn.csrf, receipt["reference"])
    assert response.status_code == 200, response.text
    return request_id_of(response)


# --- who sees what ---------------------------------------------------------------------------


def test_the_account_page_links_to_the_pages_each_organisation_may_use(
    abn: Staff, programme: Staff, app: FastAPI, partnership: Partnership
) -> None:
    account = abn.get("/account")
    assert 'href="/recovery"' in account.text
    assert 'href="/recovery/register"' in account.text
    overseeing = programme.get("/account")
    assert 'href="/recovery"' not in overseeing.text
    assert 'href="/recovery/register"' in overseeing.text
    operator = Staff(app, partnership.key(KPN)).get("/account")
    assert "/recovery" not in operator.text


@pytest.mark.parametrize(
    "path", ["/recovery", "/recovery/new", "/recovery/register", "/recovery/register.csv"]
)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("path", ["/recovery", "/recovery/new", "/recovery/register"])
def test_an_operator_has_no_recovery_pages(
    app: FastAPI, partnership: Partnership, path: str
) -> None:
    operator = Staff(app, partnership.key(KPN))
    assert operator.get(path, headers={"Accept": "text/html"}).status_code == 403


def test_the_programme_has_no_inbox_and_cannot_send(programme: Staff) -> None:
    assert programme.get("/recovery").status_code == 403
    assert programme.get("/recovery/new").status_code == 403


def test_a_request_of_others_does_not_exist_for_a_stranger(
    app: FastAPI, partnership: Partnership, sent: int, programme: Staff
) -> None:
    rabobank = Staff(app, partnership.key(RABOBANK))
    assert rabobank.get(f"/recovery/requests/{sent}").status_code == 404
    assert rabobank.get("/recovery/requests/999999").status_code == 404
    # The programme oversees every request, but may not move one.
    overseen = programme.get(f"/recovery/requests/{sent}")
    assert overseen.status_code == 200
    assert "/answer" not in overseen.text
    assert "/withdraw" not in overseen.text


# --- a new request ---------------------------------------------------------------------------


def test_the_form_takes_the_report_reference_from_the_link(abn: Staff) -> None:
    form = abn.get("/recovery/new?report=FL-2025-000123")
    assert form.status_code == 200
    assert 'value="FL-2025-000123"' in form.text
    for method in ("transfer", "ideal", "card"):
        assert shows(form, f"reports.payment_method_{method}")


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("amount", {"amount": "twee euro"}, "reports.form_amount_invalid"),
        ("amount", {"amount": ""}, "recovery.page_amount_missing"),
        ("beneficiary_iban", {"beneficiary_iban": BAD_IBAN}, "identifiers.iban_checksum"),
        ("report_reference", {"report_reference": "FL-12"}, None),
        ("paid_on", {"paid_on": (date.today() + timedelta(days=9)).isoformat()}, None),
        ("method", {"method": "cheque"}, None),
    ],
)
def test_bad_input_is_refused_at_its_field(
    abn: Staff, receipt: dict[str, Any], field: str, changes: dict[str, str], message: str | None
) -> None:
    response = send(abn.client, abn.csrf, receipt["reference"], **changes)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', response.text)
    if message:
        assert shows(response, message)
    assert shows(response, "recovery.page_new_refused")
    # What was typed stays in the form.
    assert f'value="{escape(draft(receipt["reference"], **changes)["report_reference"])}"' in (
        response.text
    )


def test_an_unknown_report_is_named_at_its_field(abn: Staff) -> None:
    response = send(abn.client, abn.csrf, "FL-2025-999999")
    assert response.status_code == 422
    assert 'id="report_reference-error"' in response.text
    assert shows(response, "recovery.report_not_found", reference="FL-2025-999999")


def test_failed_conditions_are_named_with_the_checklist(
    abn: Staff, receipt: dict[str, Any], database: Database
) -> None:
    response = send(abn.client, abn.csrf, receipt["reference"], victim_consent=None, method="card")
    assert response.status_code == 422
    assert 'id="victim_consent-error"' in response.text
    assert 'id="method-error"' in response.text
    assert shows(response, "recovery.condition_victim_consent_failed")
    assert shows(response, "recovery.page_checks_failed")
    assert shows(response, "recovery.condition_aangifte_met")  # taken from the report
    assert shows(response, "recovery.condition_beneficiary_partner_met")
    with database.read_only() as session:
        assert session.scalars(select(RecoveryRequest)).all() == []


def test_the_conditions_can_be_checked_without_sending(
    abn: Staff, receipt: dict[str, Any], database: Database
) -> None:
    response = send(abn.client, abn.csrf, receipt["reference"], action="check")
    assert response.status_code == 200
    assert shows(response, "recovery.page_checks_all_met")
    assert response.text.count('class="check-met"') == 8
    with database.read_only() as session:
        assert session.scalars(select(RecoveryRequest)).all() == []


def test_a_sent_request_opens_on_its_page_and_a_second_one_is_refused(
    abn: Staff, ing: Staff, receipt: dict[str, Any], sent: int
) -> None:
    shown = abn.get(f"/recovery/requests/{sent}?done=sent")
    assert shows(shown, "recovery.page_done_sent")
    assert shows(shown, "recovery.state_sent")
    assert "€ 2.500,00" in shown.text
    assert AANGIFTE in shown.text
    assert shows(shown, "recovery.page_same_reports", count=1)
    assert shows(shown, "recovery.action_send")
    assert "/withdraw" in shown.text
    assert "/answer" not in shown.text

    again = send(abn.client, abn.csrf, receipt["reference"])
    assert again.status_code == 409
    assert 'id="beneficiary_iban-error"' in again.text
    assert shows(again, "recovery.duplicate", request_id=sent)

    inbox = ing.get("/recovery")
    assert f'href="/recovery/requests/{sent}"' in inbox.text
    assert shows(inbox, "recovery.page_todo_answer")
    sent_list = abn.get("/recovery")
    assert f'href="/recovery/requests/{sent}"' in sent_list.text
    assert shows(sent_list, "recovery.page_awaiting_none")


def test_the_same_own_case_number_sends_nothing_twice(
    abn: Staff, receipt: dict[str, Any], database: Database
) -> None:
    first = send(abn.client, abn.csrf, receipt["reference"], requester_reference="ABN-77")
    second = send(abn.client, abn.csrf, receipt["reference"], requester_reference="ABN-77")
    assert request_id_of(first) == request_id_of(second)
    with database.read_only() as session:
        assert len(session.scalars(select(RecoveryRequest)).all()) == 1


# --- moving a request ------------------------------------------------------------------------


def test_an_answer_is_checked_at_its_field(ing: Staff, sent: int) -> None:
    page = ing.get(f"/recovery/requests/{sent}")
    for answer in ("frozen", "returned", "no_funds", "account_closed", "refused"):
        assert f'value="{answer}"' in page.text
    missing = ing.post(f"/recovery/requests/{sent}/answer")
    assert missing.status_code == 422
    assert 'id="answer-error"' in missing.text
    no_amount = ing.post(f"/recovery/requests/{sent}/answer", answer="returned")
    assert no_amount.status_code == 422
    assert 'id="amount-error"' in no_amount.text
    assert shows(no_amount, "recovery.amount_missing")
    too_much = ing.post(f"/recovery/requests/{sent}/answer", answer="returned", amount="3000")
    assert too_much.status_code == 422
    assert shows(too_much, "recovery.amount_too_high", remaining="2500.00")
    assert 'value="3000"' in too_much.text
    no_reason = ing.post(f"/recovery/requests/{sent}/answer", answer="refused")
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.text


def test_a_partial_return_then_the_rest(ing: Staff, abn: Staff, sent: int) -> None:
    part = ing.post(f"/recovery/requests/{sent}/answer", answer="returned", amount="1.000,00")
    assert part.status_code == 200
    assert shows(part, "recovery.page_done_answered")
    assert shows(part, "recovery.state_partially_returned")
    assert "€ 1.000,00" in part.text
    rest = ing.post(f"/recovery/requests/{sent}/answer", answer="returned", amount="1500")
    assert shows(rest, "recovery.state_returned")
    assert shows(abn.get(f"/recovery/requests/{sent}"), "recovery.page_nobody")


def test_an_answer_the_state_does_not_allow_shows_the_page_again_with_409(
    ing: Staff, sent: int
) -> None:
    ing.post(f"/recovery/requests/{sent}/answer", answer="no_funds")
    again = ing.post(f"/recovery/requests/{sent}/answer", answer="frozen")
    assert again.status_code == 409
    assert shows(again, "recovery.invalid_transition", state="no_funds", move="frozen")
    assert shows(again, "recovery.state_no_funds")


def test_only_the_beneficiarys_bank_answers_and_only_the_victims_bank_withdraws(
    abn: Staff, ing: Staff, sent: int
) -> None:
    assert abn.post(f"/recovery/requests/{sent}/answer", answer="frozen").status_code == 403
    assert ing.post(f"/recovery/requests/{sent}/withdraw").status_code == 403
    assert ing.post(f"/recovery/requests/{sent}/naw-request").status_code == 403


def test_every_form_needs_the_session_token(abn: Staff, ing: Staff, sent: int) -> None:
    forged = ing.client.post(f"/recovery/requests/{sent}/answer", data={"answer": "frozen"})
    assert forged.status_code == 403
    assert abn.client.post("/recovery/new", data=draft("FL-2025-000001")).status_code == 403


def test_the_victims_bank_withdraws_with_a_reason(abn: Staff, ing: Staff, sent: int) -> None:
    withdrawn = abn.post(f"/recovery/requests/{sent}/withdraw", reason="Klant is schadeloos")
    assert shows(withdrawn, "recovery.page_done_withdrawn")
    assert shows(withdrawn, "recovery.state_withdrawn")
    assert "Klant is schadeloos" in ing.get(f"/recovery/requests/{sent}").text
    again = abn.post(f"/recovery/requests/{sent}/withdraw")
    assert again.status_code == 409


def test_name_and_address_wait_for_the_end_of_the_period(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, partnership: Partnership
) -> None:
    with client_with(monkeypatch, recovery_wait_working_days="15") as client:
        reference = file_report(client, partnership)["reference"]
        csrf = sign_in(client, partnership.key(ABN_AMRO))
        request_id = request_id_of(send(client, csrf, reference))
        page = client.get(f"/recovery/requests/{request_id}")
        assert "/naw-request" not in page.text
        match = re.search(r'id="naw-request-wait">([^<]+)<', page.text)
        assert match is not None
        assert "disabled" in page.text
        early = client.post(
            f"/recovery/requests/{request_id}/naw-request", data={"csrf_token": csrf}
        )
        assert early.status_code == 409
        assert 'role="alert"' in early.text
        assert "naw-request-wait" in early.text


def test_name_and_address_only_for_the_victims_bank_and_every_read_audited(
    abn: Staff, ing: Staff, sent: int, database: Database, app: FastAPI, partnership: Partnership
) -> None:
    ing.post(f"/recovery/requests/{sent}/answer", answer="no_funds")
    asked = abn.post(f"/recovery/requests/{sent}/naw-request")
    assert shows(asked, "recovery.page_done_naw_requested")
    form = ing.get(f"/recovery/requests/{sent}")
    assert "Voorbeeldwet" not in form.text
    assert escape("PNBF: name and address") in form.text  # the legal basis, prefilled
    empty = ing.post(f"/recovery/requests/{sent}/naw", name="", street="Dorpsstraat 2")
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.text
    assert 'value="Dorpsstraat 2"' in empty.text

    released = ing.post(f"/recovery/requests/{sent}/naw", **HOLDER)
    assert shows(released, "recovery.page_done_naw_released")
    assert HOLDER["name"] not in released.text
    assert "/naw/show" not in released.text
    assert HOLDER["name"] not in abn.get(f"/recovery/requests/{sent}").text
    assert ing.post(f"/recovery/requests/{sent}/naw/show").status_code == 403

    shown = abn.post(f"/recovery/requests/{sent}/naw/show")
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    for value in HOLDER.values():
        assert value in shown.text
    assert abn.post(f"/recovery/requests/{sent}/naw/show").status_code == 200

    # A colleague without recovery:read_naw has the button neither.
    colleague = Staff(app, add_key(database, ABN_AMRO, scopes=["recovery:work"]))
    assert "/naw/show" not in colleague.get(f"/recovery/requests/{sent}").text
    assert colleague.post(f"/recovery/requests/{sent}/naw/show").status_code == 403
    with database.read_only() as session:
        reads = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "recovery.naw_read")
        ).all()
    assert len(reads) == 2


# --- the register ----------------------------------------------------------------------------


def test_the_register_shows_figures_charts_and_the_csv(
    abn: Staff, ing: Staff, sent: int, programme: Staff, app: FastAPI, partnership: Partnership
) -> None:
    ing.post(f"/recovery/requests/{sent}/answer", answer="returned", amount="1000")
    page = abn.get("/recovery/register")
    assert page.status_code == 200
    assert shows(page, "recovery.page_register_intro_own")
    assert page.text.count('<svg class="chart"') == 3
    assert 'role="img"' in page.text
    assert f"{ABN_AMRO} → {ING}" in page.text
    assert "€ 2.500,00" in page.text  # asked for
    assert "€ 1.000,00" in page.text  # recovered
    assert "40%" in page.text
    assert shows(page, "reports.fraud_type_bank_helpdesk")
    assert not shows(page, "recovery.page_overdue_heading")

    csv = abn.get("/recovery/register.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    header, total, *_rest = csv.text.splitlines()
    assert header.startswith("group,key,requests,")
    assert total.startswith("total,,1,")

    overseen = programme.get("/recovery/register")
    assert shows(overseen, "recovery.page_register_intro_all")
    assert shows(overseen, "recovery.page_overdue_none")
    # A bank that took no part sees an empty register of its own.
    rabobank = Staff(app, partnership.key(RABOBANK)).get("/recovery/register")
    assert "<svg" not in rabobank.text


def test_the_programme_sees_overdue_requests_with_the_days_late(
    programme: Staff, sent: int, database: Database
) -> None:
    with database.transaction() as session:
        request = session.get(RecoveryRequest, sent)
        assert request is not None
        request.due_on = service.today(utcnow()) - timedelta(days=4)  # a Dutch date
    page = programme.get("/recovery/register")
    assert shows(page, "recovery.page_days_late", days=4)
    assert f'href="/recovery/requests/{sent}"' in page.text
    assert shows(page, "recovery.page_overdue")


def test_a_bar_chart_is_an_image_with_its_values_in_words() -> None:
    chart = bar_chart(
        [("2025-03", 2500.0), ("2025-04 <b>", 0.0)],
        label="Teruggehaald & meer",
        value_format=lambda value: f"€ {value:.2f}",
    )
    assert chart.startswith("<svg")
    assert 'role="img"' in chart
    assert "<title" in chart and "Teruggehaald &amp; meer</title>" in chart
    assert "2025-03: € 2500.00; 2025-04 &lt;b&gt;: € 0.00" in chart
    assert "<b>" not in chart
    assert 'width="0.0"' in chart  # a zero is an empty bar, not a division by zero
    assert "<title" in bar_chart([], label="Leeg", value_format=str)


# --- the victim ------------------------------------------------------------------------------


def test_the_victim_follows_the_request_without_a_name_or_the_account_number(
    client: TestClient, receipt: dict[str, Any], abn: Staff, ing: Staff, sent: int
) -> None:
    ing.post(f"/recovery/requests/{sent}/answer", answer="no_funds")
    abn.post(f"/recovery/requests/{sent}/naw-request")
    ing.post(f"/recovery/requests/{sent}/naw", **HOLDER)
    follow_up = client.get(receipt["follow_up_url"])
    assert follow_up.status_code == 200
    assert shows(follow_up, "reports.follow_up_recovery_heading")
    assert shows(follow_up, "recovery.state_naw_released")
    assert shows(
        follow_up,
        "reports.follow_up_recovery_asked",
        requester=ABN_AMRO,
        receiver=ING,
        amount="€ 2.500,00",
        account_end=ING_IBAN[-4:],
    )
    for value in HOLDER.values():
        assert value not in follow_up.text
    assert ING_IBAN not in follow_up.text


# --- in the browser --------------------------------------------------------------------------


@pytest.fixture
def staff(browser: Browser, base_url: str) -> Iterator[Any]:
    """Open a signed-in tab for a key, each in a browser context of its own."""
    contexts = []

    def open_tab(token: str) -> Page:
        context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
        contexts.append(context)
        tab = context.new_page()
        tab.goto("/sign-in")
        tab.get_by_label(text("access.sign_in_key_label")).fill(token)
        tab.get_by_role("button", name=text("access.sign_in_button")).click()
        expect(tab).to_have_url(f"{base_url}/account")
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("receiver", "beneficiary"), [(ING, ING_IBAN), (MOLLIE, MOLLIE_IBAN)], ids=["bank", "psp"]
)
def test_the_whole_path_through_the_pages(
    staff: Any,
    base_url: str,
    client: TestClient,
    partnership: Partnership,
    receiver: str,
    beneficiary: str,
) -> None:
    receipt = file_report(client, partnership, beneficiary)
    reference = receipt["reference"]

    # ABN AMRO, the victim's bank, checks the conditions and sends the request.
    victims_bank = staff(partnership.key(ABN_AMRO))
    victims_bank.get_by_role("link", name=text("access.account_recovery_link")).click()
    expect(victims_bank.get_by_role("heading", level=1)).to_have_text(
        text("recovery.page_inbox_title")
    )
    victims_bank.get_by_role("link", name=text("recovery.page_new_link")).click()
    victims_bank.get_by_label(text("recovery.page_report_label")).fill(reference)
    victims_bank.get_by_label(text("recovery.page_amount_label")).fill("2.500,00")
    victims_bank.get_by_label(text("recovery.page_paid_on_label")).fill(paid_on().isoformat())
    victims_bank.get_by_label(text("recovery.page_beneficiary_label")).fill(beneficiary)
    victims_bank.get_by_label(text("recovery.page_method_label")).select_option("transfer")
    victims_bank.get_by_role("button", name=text("recovery.page_send_button")).click()
    consent = victims_bank.get_by_label(text("recovery.page_consent_label"))
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(victims_bank.locator("#victim_consent-error")).to_have_text(
        text("recovery.condition_victim_consent_failed")
    )
    consent.check()
    victims_bank.get_by_role("button", name=text("recovery.page_check_button")).click()
    expect(victims_bank.get_by_text(text("recovery.page_checks_all_met"))).to_be_visible()
    victims_bank.get_by_role("button", name=text("recovery.page_send_button")).click()
    expect(victims_bank).to_have_url(re.compile(r"/recovery/requests/\d+\?done=sent$"))
    expect(victims_bank.get_by_role("status")).to_have_text(text("recovery.page_done_sent"))
    request_path = victims_bank.url.split("?")[0].removeprefix(base_url)

    # The beneficiary's bank or payment provider finds it in its inbox and answers.
    beneficiarys_bank = staff(partnership.key(receiver))
    beneficiarys_bank.goto("/recovery")
    awaiting = beneficiarys_bank.get_by_role("table", name=text("recovery.page_awaiting_heading"))
    row = awaiting.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(text("recovery.page_todo_answer"))
    expect(row).to_contain_text("€ 2.500,00")
    row.get_by_role("link").click()
    beneficiarys_bank.get_by_label(text("recovery.answer_no_funds")).check()
    beneficiarys_bank.get_by_role("button", name=text("recovery.page_answer_button")).click()
    expect(beneficiarys_bank.get_by_role("status")).to_have_text(
        text("recovery.page_done_answered")
    )

    # The victim's bank asks for name and address (no waiting period in this installation).
    victims_bank.goto(request_path)
    expect(victims_bank.get_by_text(text("recovery.state_no_funds")).first).to_be_visible()
    victims_bank.get_by_role("button", name=text("recovery.page_naw_request_button")).click()
    expect(victims_bank.get_by_role("status")).to_have_text(
        text("recovery.page_done_naw_requested")
    )

    # The beneficiary's bank releases them, the legal basis filled in already.
    beneficiarys_bank.goto("/recovery")
    row = (
        beneficiarys_bank.get_by_role("table", name=text("recovery.page_awaiting_heading"))
        .get_by_role("row")
        .filter(has_text=reference)
    )
    expect(row).to_contain_text(text("recovery.page_todo_release"))
    beneficiarys_bank.goto(request_path)
    expect(
        beneficiarys_bank.get_by_label(text("recovery.page_naw_legal_basis_label"))
    ).to_have_value(re.compile("^PNBF"))
    for field, value in zip(("name", "street", "postcode", "city"), HOLDER.values(), strict=True):
        beneficiarys_bank.get_by_label(text(f"recovery.page_naw_{field}_label"), exact=True).fill(
            value
        )
    beneficiarys_bank.get_by_role("button", name=text("recovery.page_release_button")).click()
    expect(beneficiarys_bank.get_by_role("status")).to_have_text(
        text("recovery.page_done_naw_released")
    )
    expect(
        beneficiarys_bank.get_by_role("button", name=text("recovery.page_naw_show_button"))
    ).to_have_count(0)
    expect(beneficiarys_bank.get_by_text(HOLDER["name"])).to_have_count(0)

    # Only the victim's bank sees them, and only after pressing the button.
    victims_bank.goto(request_path)
    expect(victims_bank.get_by_text(HOLDER["name"])).to_have_count(0)
    victims_bank.get_by_role("button", name=text("recovery.page_naw_show_button")).click()
    expect(victims_bank.get_by_role("heading", level=1)).to_contain_text(
        text("recovery.page_naw_title", id=request_path.rsplit("/", 1)[-1])
    )
    expect(victims_bank.locator("#naw")).to_contain_text(HOLDER["name"])
    expect(victims_bank.locator("#naw")).to_contain_text(HOLDER["city"])

    # The victim follows it on the private page: the state, never the name.
    victim = victims_bank.context.browser
    assert victim is not None
    tab = victim.new_context(locale=BROWSER_LOCALE).new_page()
    tab.goto(base_url + urlsplit(receipt["follow_up_url"]).path)
    recoveries = tab.locator("#recoveries")
    expect(recoveries).to_contain_text(text("recovery.state_naw_released"))
    expect(recoveries).to_contain_text(receiver)
    expect(recoveries).to_contain_text(ABN_AMRO)
    expect(tab.get_by_text(HOLDER["name"])).to_have_count(0)
    tab.context.close()


@pytest.mark.browser
def test_the_register_page_draws_its_charts_and_tables(
    staff: Any, client: TestClient, partnership: Partnership, database: Database
) -> None:
    for beneficiary in (ING_IBAN, MOLLIE_IBAN):
        reference = file_report(client, partnership, beneficiary)["reference"]
        response = client.post(
            "/v1/recovery/requests",
            json={
                "report_reference": reference,
                "amount_cents": 250000,
                "paid_on": paid_on().isoformat(),
                "beneficiary_iban": beneficiary,
                "method": "transfer",
                "victim_consent": True,
            },
            headers=partnership.headers(ABN_AMRO),
        )
        assert response.status_code == 201, response.text
    answered = client.post(
        f"/v1/recovery/requests/{response.json()['id']}/answer",
        json={"answer": "returned", "amount_cents": 100000},
        headers=partnership.headers(MOLLIE),
    )
    assert answered.status_code == 200, answered.text
    add_partner(database, PROGRAMME, PartnerType.PROGRAMME)

    tab = staff(add_key(database, PROGRAMME))
    tab.get_by_role("link", name=text("access.account_recovery_register_link")).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(text("recovery.page_register_title"))
    chart = tab.get_by_role("img", name=text("recovery.page_chart_recovered_by_month"))
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("€ 1.000,00")
    expect(tab.locator("svg.chart")).to_have_count(3)
    pairs = tab.get_by_role("table", name=text("recovery.page_pairs_heading"))
    mollie = pairs.get_by_role("row").filter(has_text=f"{ABN_AMRO} → {MOLLIE}")
    expect(mollie.get_by_role("cell").nth(0)).to_have_text("1")  # requests
    expect(mollie).to_contain_text("€ 1.000,00")
    expect(mollie).to_contain_text("40%")
    expect(pairs.get_by_role("row").filter(has_text=f"{ABN_AMRO} → {ING}")).to_contain_text(
        "€ 2.500,00"
    )
    expect(tab.get_by_role("link", name=text("recovery.page_csv_link"))).to_have_attribute(
        "href", "/recovery/register.csv"
    )
