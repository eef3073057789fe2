"""A victim reports once, and the partners read it: the report pages in Debian's Chromium.

A person fills in /report as a victim would (plain labels, "2.500,00", an IBAN with spaces),
gets a reference, a plan and a private link, and later answers through that link; partner staff
read the reports routed to them at /inbox, each seeing only what its role may see. Locators are
roles and labels, as a person (or a screen reader) finds things; the texts come from the message
catalogues and the advice rules, so a rewording changes one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import APIRequestContext, Browser, Locator, Page, expect
from sqlalchemy import func, select

from fraudlink.advice import service as advice_service
from fraudlink.database import Database
from fraudlink.i18n import LOCAL_TIME_ZONE as DUTCH_TIME
from fraudlink.i18n import Language, translate
from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse
from fraudlink.partners.models import PartnerType
from fraudlink.reports import forms
from fraudlink.reports.forms import parse_amount
from fraudlink.reports.models import Report
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from tests.factories import add_key, add_partner, bearer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partners")]

ING = "ING"
ABN_AMRO = "ABN AMRO"
POLICE = "Politie"
HELPDESK = "Fraudehelpdesk"
KPN = "KPN"
MARKTPLAATS = "Marktplaats"

IBAN = "NL91 ABNA 0417 1643 00"  # held by ABN AMRO (bank code ABNA)
IBAN_NORMALISED = "NL91ABNA0417164300"
BAD_IBAN = "NL91 ABNA 0417 1643 01"  # one digit off: the check digits no longer match
PHONE = "06-12345678"  # in KPN's range +31612
PHONE_E164 = "+31612345678"
SHOP = "www.marktplaats.nl/u/koopjesjan"
NARRATIVE = (
    "Een man belde namens de bank. Hij zei dat mijn rekening was gehackt en dat ik mijn geld "
    "naar een veilige rekening moest overmaken."
)
HI_MUM = "Hoi mam, dit is mijn nieuwe nummer, kun je een rekening betalen"
REFERENCE = re.compile(r"FL-\d{4}-\d{6}")
NO_SHARE = "\N{EN DASH}"  # the effectiveness page's mark for a share of nobody


def text(key: str, language: Language = "nl", /, **params: object) -> str:
    return translate(key, language, **params)


def hours_ago(hours: float) -> datetime:
    """A moment on a Dutch clock, to the minute, as a victim would enter it."""
    return (datetime.now(DUTCH_TIME) - timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def partners(database: Database) -> None:
    """The partners a report can be routed to: two banks, the police, a helpdesk, an operator
    and a marketplace, each holding what routing looks up."""
    add_partner(database, ING, bank_codes=["INGB"])
    add_partner(database, ABN_AMRO, bank_codes=["ABNA"])
    add_partner(database, POLICE, PartnerType.POLICE)
    add_partner(database, HELPDESK, PartnerType.HELPDESK)
    add_partner(database, KPN, PartnerType.TELECOM, number_ranges=["+31612"])
    add_partner(database, MARKTPLAATS, PartnerType.MARKETPLACE, domains=["marktplaats.nl"])


def report_count(database: Database) -> int:
    with database.read_only() as session:
        return session.scalar(select(func.count()).select_from(Report)) or 0


# Filling in the form as a victim would


@dataclass(frozen=True)
class Answers:
    """What a victim tells the form; the defaults are bank-helpdesk fraud three hours ago."""

    fraud_type: FraudType | None = FraudType.BANK_HELPDESK  # None: "I don't know"
    channel: Channel = Channel.PHONE_CALL
    occurred: datetime | None = field(default_factory=lambda: hours_ago(3))
    amount: str = "2.500,00"
    method: PaymentMethod = PaymentMethod.TRANSFER
    beneficiary: str = IBAN
    identifiers: tuple[str, ...] = (PHONE,)
    age_band: AgeBand = AgeBand.FROM_70
    aangifte: str = "wanted"
    narrative: str = NARRATIVE

    def plan(self, language: Language) -> list[advice_service.Step]:
        """The plan the advice rules give for these answers."""
        assert self.fraud_type is not None
        assert self.occurred is not None
        return advice_service.plan(
            advice_service.Situation(
                fraud_type=self.fraud_type,
                hours_since=(datetime.now(DUTCH_TIME) - self.occurred).total_seconds() / 3600,
                paid=True,
                payment_methods=frozenset({self.method}),
                channel=self.channel,
                age_band=self.age_band,
            ),
            language,
        )


def payment(page: Page, number: int, language: Language) -> Locator:
    return page.get_by_role(
        "group", name=text("reports.payment_legend", language, number=number), exact=True
    )


def fill_report(page: Page, answers: Answers, language: Language = "nl") -> None:
    """Fill in every step of the form on the open /report page, by its visible labels."""
    fraud_type_label = (
        text(f"reports.fraud_type_{answers.fraud_type.value}", language)
        if answers.fraud_type
        else text("reports.fraud_type_unsure", language)
    )
    page.get_by_role("radio", name=fraud_type_label).check()
    page.get_by_label(text("reports.question_channel", language)).select_option(
        label=text(f"reports.channel_{answers.channel.value}", language)
    )
    if answers.occurred is not None:
        page.get_by_label(text("reports.question_when", language)).fill(
            answers.occurred.strftime("%Y-%m-%d")
        )
        page.get_by_label(text("reports.question_time", language)).fill(
            answers.occurred.strftime("%H:%M")
        )
    first = payment(page, 1, language)
    first.get_by_label(text("reports.question_amount", language)).fill(answers.amount)
    first.get_by_label(text("reports.question_method", language)).select_option(
        label=text(f"reports.payment_method_{answers.method.value}", language)
    )
    if answers.occurred is not None:
        first.get_by_label(text("reports.question_paid_on", language)).fill(
            answers.occurred.strftime("%Y-%m-%d")
        )
    first.get_by_label(text("reports.question_beneficiary", language)).fill(answers.beneficiary)
    page.get_by_label(text("reports.question_identifiers", language)).fill(
        "\n".join(answers.identifiers)
    )
    page.get_by_role("radio", name=text(f"reports.age_band_{answers.age_band}", language)).check()
    page.get_by_role("radio", name=text(f"reports.aangifte_{answers.aangifte}", language)).check()
    page.get_by_role("checkbox", name=text("reports.question_consent", language)).check()
    page.get_by_label(text("reports.question_narrative", language)).fill(answers.narrative)


def submit(page: Page, language: Language = "nl") -> None:
    page.get_by_role("button", name=text("reports.form_submit", language)).click()


def report(page: Page, answers: Answers | None = None, language: Language = "nl") -> str:
    """Report on /report and wait for the receipt; returns the report's reference."""
    page.goto("/report")
    fill_report(page, answers or Answers(), language)
    submit(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("reports.received_title", language)
    )
    received = page.get_by_role("status").inner_text()
    match = REFERENCE.search(received)
    assert match is not None, received
    return match.group()


def plan_steps(page: Page) -> Locator:
    """The steps of the plan on the page: each urgency group is a region of numbered steps."""
    return page.get_by_role("main").get_by_role("region").get_by_role("listitem")


def follow_up_path(page: Page) -> str:
    """The private link on the received page, as a path on the server under test.

    The link names the installation's public address (``public_base_url``), not the port the
    test server happens to listen on; its path is what identifies the report.
    """
    # (No "/" in the pattern: Playwright 1.65 cannot parse a role name pattern with a slash.)
    href = page.get_by_role("link", name=re.compile(r"follow-up.FL-")).get_attribute("href")
    assert href is not None
    return urlsplit(href).path


@contextmanager
def signed_in(browser: Browser, base_url: str, token: str, path: str = "/inbox") -> Iterator[Page]:
    """Partner staff in their own browser, signed in with a key and looking at ``path``."""
    context = browser.new_context(base_url=base_url, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(path)
        expect(page).to_have_url(f"{base_url}/sign-in?next={path}")
        page.get_by_label(text("access.sign_in_key_label")).fill(token)
        page.get_by_role("button", name=text("access.sign_in_button")).click()
        expect(page).to_have_url(f"{base_url}{path}")
        yield page
    finally:
        context.close()


def inbox_card(page: Page, reference: str) -> Locator:
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(reference)))
    )


# The victim's report


def test_a_victim_reports_from_the_home_page_and_gets_a_plan_a_link_and_the_recipients(
    page: Page, base_url: str, database: Database
) -> None:
    answers = Answers()
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=text("web.home_report")).click()
    expect(page).to_have_url(f"{base_url}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.form_title"))

    fill_report(page, answers)
    submit(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    expect(page.get_by_role("status")).to_have_text(
        re.compile(
            re.escape(text("reports.received_reference", reference="@")).replace(
                "@", REFERENCE.pattern
            )
        )
    )
    assert report_count(database) == 1

    # The plan: bank-helpdesk fraud three hours ago puts "call your bank now" first.
    expect(page.get_by_role("heading", level=2, name=text("reports.plan_heading"))).to_be_visible()
    expected = answers.plan("nl")
    assert expected[0].id == "call-bank-now"
    call_bank_now = advice_service.step("call-bank-now").text("nl")
    now = page.get_by_role("region", name=text("advice.urgency_now"))
    expect(now.get_by_role("listitem").first).to_contain_text(call_bank_now)
    expect(plan_steps(page)).to_have_count(len(expected))
    expect(plan_steps(page)).to_contain_text([step.text for step in expected])

    # The private link, and who received the report and why.
    expect(page.get_by_role("heading", name=text("reports.private_link_heading"))).to_be_visible()
    assert re.fullmatch(r"/follow-up/FL-\d{4}-\d{6}/[\w-]{22}", follow_up_path(page))
    expect(page.get_by_role("heading", name=text("reports.routed_heading"))).to_be_visible()
    recipients = page.locator("#recipients li")
    waiting = f"({text('reports.not_yet_acknowledged')})"
    expect(recipients).to_have_text(
        [
            f"{ABN_AMRO}: {text('reports.reason_beneficiary_account')} {waiting}",
            f"{KPN}: {text('reports.reason_reported_number')} {waiting}",
            f"{POLICE}: {text('reports.reason_aangifte_wanted')}; "
            f"{text('reports.reason_loss_above_threshold')} {waiting}",
        ]
    )


def test_a_victim_reports_in_english_after_switching_language(page: Page, base_url: str) -> None:
    answers = Answers(identifiers=(PHONE, SHOP))
    page.goto("/report")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{base_url}/report")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.form_title", "en"))
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        text("reports.step_what", "en", step=1, steps=5)
    )

    fill_report(page, answers, "en")  # by the English labels: a Dutch label would not be found
    submit(page, "en")

    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title", "en"))
    expect(page.get_by_role("heading", level=2)).to_have_text(
        [
            text("reports.plan_heading", "en"),
            text("reports.private_link_heading", "en"),
            text("reports.routed_heading", "en"),
            text("reports.follow_up_heading", "en"),
        ]
    )
    now = page.get_by_role("region", name=text("advice.urgency_now", "en"))
    expect(now.get_by_role("listitem").first).to_contain_text(
        advice_service.step("call-bank-now").text("en")
    )
    expect(plan_steps(page)).to_contain_text([step.text for step in answers.plan("en")])
    recipients = page.locator("#recipients li")
    waiting = f"({text('reports.not_yet_acknowledged', 'en')})"
    expect(recipients).to_have_text(
        [
            f"{ABN_AMRO}: {text('reports.reason_beneficiary_account', 'en')} {waiting}",
            f"{KPN}: {text('reports.reason_reported_number', 'en')} {waiting}",
            f"{MARKTPLAATS}: {text('reports.reason_reported_domain', 'en')} {waiting}",
            f"{POLICE}: {text('reports.reason_aangifte_wanted', 'en')}; "
            f"{text('reports.reason_loss_above_threshold', 'en')} {waiting}",
        ]
    )


# Mistakes in the form


def test_an_invalid_iban_is_named_at_the_top_and_beside_the_field_and_nothing_is_stored(
    page: Page, database: Database
) -> None:
    with pytest.raises(InvalidIdentifier) as invalid:
        parse(BAD_IBAN, IdentifierKind.IBAN)
    assert invalid.value.code == "iban_checksum"
    message = text("identifiers.iban_checksum")
    answers = Answers(beneficiary=BAD_IBAN)
    page.goto("/report")
    fill_report(page, answers)
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        submit(page)

    assert answer.value.status == 422
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text(text("reports.form_errors_heading"))
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#payments-0-beneficiary")
    first = payment(page, 1, "nl")
    field_ = first.get_by_label(text("reports.question_beneficiary"))
    expect(field_).to_have_attribute("aria-invalid", "true")
    expect(field_).to_have_accessible_description(re.compile(re.escape(message)))
    expect(field_).to_have_value(BAD_IBAN)  # to correct, not to type again
    summary.get_by_role("link").click()
    expect(field_).to_be_focused()  # the summary's link leads the reader to the field

    # Everything else the person typed is still there.
    assert answers.occurred is not None
    expect(page.get_by_role("radio", name=text("reports.fraud_type_bank_helpdesk"))).to_be_checked()
    expect(page.get_by_label(text("reports.question_channel"))).to_have_value("phone_call")
    expect(page.get_by_label(text("reports.question_when"))).to_have_value(
        answers.occurred.strftime("%Y-%m-%d")
    )
    expect(page.get_by_label(text("reports.question_time"))).to_have_value(
        answers.occurred.strftime("%H:%M")
    )
    expect(first.get_by_label(text("reports.question_amount"))).to_have_value("2.500,00")
    expect(first.get_by_label(text("reports.question_method"))).to_have_value("transfer")
    expect(page.get_by_label(text("reports.question_identifiers"))).to_have_value(PHONE)
    expect(page.get_by_role("radio", name=text("reports.age_band_70+"))).to_be_checked()
    expect(page.get_by_role("radio", name=text("reports.aangifte_wanted"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=text("reports.question_consent"))).to_be_checked()
    expect(page.get_by_label(text("reports.question_narrative"))).to_have_value(NARRATIVE)
    # Only the one field is marked: nothing else claims to be wrong.
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)

    assert report_count(database) == 0  # never half a report

    # Corrected, the same form goes through.
    field_.fill(IBAN)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    assert report_count(database) == 1


@pytest.mark.parametrize(
    ("occurred", "errors"),
    [
        (None, [("reports.form_date_missing", "#occurred_on")]),
        # The payment's date is the same day, so it is named too, after the date of the fraud.
        (
            hours_ago(-72),
            [("reports.in_future", "#occurred_on"), ("reports.in_future", "#payments-0-paid_on")],
        ),
    ],
    ids=["missing", "in-the-future"],
)
def test_a_missing_or_future_date_is_named_at_the_date_field(
    page: Page, database: Database, occurred: datetime | None, errors: list[tuple[str, str]]
) -> None:
    page.goto("/report")
    fill_report(page, Answers(occurred=occurred))
    submit(page)

    links = page.get_by_role("alert").get_by_role("link")
    expect(links).to_have_text([text(key) for key, _ in errors])
    assert links.evaluate_all("links => links.map(link => link.getAttribute('href'))") == [
        target for _, target in errors
    ]
    date_field = page.get_by_label(text("reports.question_when"))
    expect(date_field).to_have_attribute("id", "occurred_on")
    expect(date_field).to_have_attribute("aria-invalid", "true")
    message = text(errors[0][0])
    expect(date_field).to_have_accessible_description(re.compile(re.escape(message)))
    assert report_count(database) == 0


def test_a_postcode_is_asked_beside_the_age_and_only_its_four_digits_are_kept(
    page: Page, database: Database
) -> None:
    page.goto("/report")
    fill_report(page, Answers())
    postcode = page.get_by_label(text("reports.question_postcode"))
    expect(postcode).to_have_accessible_description(text("reports.hint_postcode"))
    postcode.fill("0123 AB")  # no Dutch postcode starts with 0
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        submit(page)

    assert answer.value.status == 422
    message = text("reports.postcode_invalid")
    links = page.get_by_role("alert").get_by_role("link")
    expect(links).to_have_text([message])
    expect(links).to_have_attribute("href", "#postcode")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(postcode).to_have_accessible_description(re.compile(re.escape(message)))
    expect(postcode).to_have_value("0123 AB")
    assert report_count(database) == 0

    postcode.fill("3512 je")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    with database.read_only() as session:
        stored = session.scalars(select(Report)).one()
        assert (stored.postcode_area, stored.region) == ("3512", "utrecht")


def test_an_unsure_victim_sees_a_suggested_type_and_the_report_is_classified_by_its_story(
    page: Page,
) -> None:
    answers = Answers(fraud_type=None, channel=Channel.WHATSAPP, narrative="", aangifte="no")
    page.goto("/report")
    fill_report(page, answers)
    expect(page.get_by_role("radio", name=text("reports.fraud_type_unsure"))).to_be_checked()
    suggestion = page.get_by_role("status")
    expect(suggestion).to_have_text("")

    # The story last, typed key by key as a person types it: the page asks the classifier.
    narrative = page.get_by_label(text("reports.question_narrative"))
    with page.expect_response("**/v1/reports/classify") as classified:
        narrative.press_sequentially(HI_MUM)
    assert classified.value.json()["fraud_type"] == "friend_in_need"
    expect(suggestion).to_have_text(
        f"{text('reports.suggestion_lead')} {text('reports.fraud_type_friend_in_need')}"
    )

    submit(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    stored_as = Answers(
        fraud_type=FraudType.FRIEND_IN_NEED,
        channel=Channel.WHATSAPP,
        occurred=answers.occurred,
        aangifte="no",
    )
    plan = stored_as.plan("nl")
    assert "call-friend-on-known-number" in [step.id for step in plan]
    expect(plan_steps(page)).to_have_count(len(plan))
    expect(plan_steps(page)).to_contain_text([step.text for step in plan])


# The private follow-up link


def test_the_victim_answers_through_the_private_link_and_the_answers_are_kept(
    page: Page,
) -> None:
    reference = report(page)
    path = follow_up_path(page)
    ticked = [
        advice_service.step(step_id).text("nl")
        for step_id in ("call-bank-now", "hang-up-call-back")
    ]

    response = page.goto(path)
    assert response is not None
    assert response.headers["cache-control"] == "no-store"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("reports.follow_up_title", reference=reference)
    )
    steps = page.get_by_role("group", name=text("reports.follow_up_steps"))
    for step_text in ticked:
        steps.get_by_role("checkbox", name=step_text).check()
    money_back = page.get_by_role("group", name=text("reports.question_money_back"))
    money_back.get_by_role("radio", name=text("reports.answer_yes"), exact=True).check()
    page.get_by_label(text("reports.question_amount_back")).fill("150,00")
    clear = page.get_by_role("group", name=text("reports.question_advice_clear"))
    clear.get_by_role("radio", name=text("reports.answer_yes"), exact=True).check()
    with page.expect_request(lambda request: request.method == "POST") as saving:
        page.get_by_role("button", name=text("reports.follow_up_save")).click()

    expect(page.get_by_role("status")).to_have_text(text("reports.follow_up_saved"))
    # The page's address holds the secret; not even its own site is told it as a Referer.
    assert "referer" not in saving.value.all_headers()

    # Coming back later by the same link: the answers are there.
    page.goto(path)
    expect(page.get_by_role("status")).to_have_count(0)
    steps = page.get_by_role("group", name=text("reports.follow_up_steps"))
    checked = steps.get_by_role("checkbox", checked=True)
    expect(checked).to_have_count(2)
    for step_text in ticked:
        expect(steps.get_by_role("checkbox", name=step_text)).to_be_checked()
    money_back = page.get_by_role("group", name=text("reports.question_money_back"))
    expect(
        money_back.get_by_role("radio", name=text("reports.answer_yes"), exact=True)
    ).to_be_checked()
    amount = page.get_by_label(text("reports.question_amount_back")).input_value()
    assert parse_amount(amount) == 15000
    clear = page.get_by_role("group", name=text("reports.question_advice_clear"))
    expect(clear.get_by_role("radio", name=text("reports.answer_yes"), exact=True)).to_be_checked()


def test_a_private_link_with_a_wrong_token_is_not_found(
    page: Page, api: APIRequestContext, database: Database
) -> None:
    reference = report(page)
    path = follow_up_path(page)
    # Another report, from a reporting point: its number must not open with this secret either.
    sent = api.post(
        "/v1/reports",
        data={"fraud_type": "phishing", "channel": "sms", "occurred_at": "2025-03-01T10:00:00Z"},
        headers=bearer(add_key(database, HELPDESK)),
    )
    assert sent.status == 201, sent.text()
    other = sent.json()["reference"]

    for wrong in (f"/follow-up/{reference}/{'A' * 22}", path.replace(reference, other)):
        response = page.goto(wrong)

        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text(text("web.problem_not_found"))
        expect(page.get_by_role("alert")).to_have_text(text("web.problem_not_found_detail"))
        expect(page.get_by_role("checkbox")).to_have_count(0)


# Partner staff


def test_the_beneficiarys_bank_sees_the_payment_into_its_account_but_not_the_story(
    page: Page, browser: Browser, base_url: str, database: Database
) -> None:
    reference = report(page)
    abn_key = add_key(database, ABN_AMRO)
    ing_key = add_key(database, ING)

    with signed_in(browser, base_url, abn_key) as staff:
        expect(staff.get_by_role("heading", level=1)).to_have_text(text("reports.inbox_title"))
        card = inbox_card(staff, reference)
        expect(card).to_have_count(1)
        expect(card.get_by_role("heading")).to_have_text(
            f"{reference} · {text('reports.fraud_type_bank_helpdesk')}"
        )
        rows = card.get_by_role("row")
        expect(rows).to_have_count(2)  # the header and the one payment
        expect(rows.last).to_contain_text(IBAN_NORMALISED)
        expect(rows.last).to_contain_text(text("reports.payment_method_transfer"))
        expect(rows.last).to_contain_text(re.compile(r"€ 2\.?500[.,]00"))
        expect(card.get_by_text(NARRATIVE)).to_have_count(0)
        expect(card).not_to_contain_text("veilige rekening")
        expect(card).not_to_contain_text(PHONE_E164)  # KPN's business, not the bank's

    with signed_in(browser, base_url, ing_key) as other_bank:
        expect(other_bank.get_by_text(text("reports.inbox_empty"))).to_be_visible()
        expect(other_bank.get_by_role("article")).to_have_count(0)


def test_the_police_read_the_story_and_take_the_report_up(
    page: Page, browser: Browser, base_url: str, database: Database
) -> None:
    reference = report(page)
    follow_up = follow_up_path(page)
    police_key = add_key(database, POLICE)

    with signed_in(browser, base_url, police_key) as staff:
        card = inbox_card(staff, reference)
        expect(card.get_by_role("blockquote")).to_have_text(NARRATIVE)
        expect(card).to_contain_text(PHONE_E164)
        expect(card).to_contain_text(IBAN_NORMALISED)

        take_up = card.get_by_role(
            "button", name=text("reports.acknowledge_label", reference=reference)
        )
        expect(take_up).to_have_text(text("reports.acknowledge"))
        take_up.click()

        expect(staff).to_have_url(f"{base_url}/inbox")
        expect(inbox_card(staff, reference)).to_have_count(0)  # it left the open list
        expect(staff.get_by_text(text("reports.inbox_empty"))).to_be_visible()
        staff.get_by_role("link", name=text("reports.inbox_show_all")).click()
        taken_up = inbox_card(staff, reference)
        expect(taken_up).to_contain_text(
            re.compile(text("reports.acknowledged_on", date=r"\d\d-\d\d-\d{4}"))
        )
        expect(taken_up.get_by_role("button")).to_have_count(0)

    # The victim sees through the private link that the police took it up, the others not yet.
    page.goto(follow_up)
    recipients = page.locator("#recipients li")
    expect(recipients.filter(has_text=POLICE)).to_contain_text(
        re.compile(text("reports.acknowledged_on", date=r"\d\d-\d\d-\d{4}"))
    )
    expect(recipients.filter(has_text=ABN_AMRO)).to_contain_text(
        text("reports.not_yet_acknowledged")
    )


def test_the_effectiveness_page_shows_a_step_a_victim_answered(
    page: Page, browser: Browser, base_url: str, database: Database
) -> None:
    report(page)
    page.goto(follow_up_path(page))
    steps = page.get_by_role("group", name=text("reports.follow_up_steps"))
    call_bank_now = advice_service.step("call-bank-now").text("nl")
    steps.get_by_role("checkbox", name=call_bank_now).check()
    money_back = page.get_by_role("group", name=text("reports.question_money_back"))
    money_back.get_by_role("radio", name=text("reports.answer_yes"), exact=True).check()
    page.get_by_label(text("reports.question_amount_back")).fill("2500")
    clear = page.get_by_role("group", name=text("reports.question_advice_clear"))
    clear.get_by_role("radio", name=text("reports.answer_yes"), exact=True).check()
    page.get_by_role("button", name=text("reports.follow_up_save")).click()
    expect(page.get_by_role("status")).to_have_text(text("reports.follow_up_saved"))

    with signed_in(
        browser, base_url, add_key(database, HELPDESK), "/advice/effectiveness"
    ) as staff:
        expect(staff.get_by_role("heading", level=1)).to_have_text(text("advice.effect_title"))
        followed = staff.get_by_role("row").filter(has_text="call-bank-now")
        expect(followed.get_by_role("cell")).to_have_text(
            [
                re.compile(re.escape(call_bank_now[:40])),
                "1",  # shown
                "1",  # answered
                "100%",  # followed
                "100% (n=1)",  # money back among those who followed it
                f"{NO_SHARE} (n=0)",  # … and among those who did not
                "100%",  # found the advice clear
            ]
        )
        not_followed = staff.get_by_role("row").filter(has_text="hang-up-call-back")
        expect(not_followed.get_by_role("cell")).to_have_text(
            [
                re.compile("hang-up-call-back"),
                "1",
                "1",
                "0%",
                f"{NO_SHARE} (n=0)",
                "100% (n=1)",
                "100%",
            ]
        )


# Keyboard and labels


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    raise AssertionError(f"{target} is not reached with Tab in {limit} presses")


def date_keys(page: Page, day: date) -> str:
    """The digits a person types into a date field for ``day``, in the order the field shows.

    Chromium orders a date field's day, month and year boxes by the language of the browser
    itself, not by the page's language or the emulated locale: Debian's chromium without
    chromium-l10n shows mm/dd/yyyy even to a Dutch context. So ask a blank tab of this browser
    which order it uses, with a date whose day and month cannot be mistaken for each other.
    """
    probe = page.context.new_page()
    try:
        probe.set_content('<input type="date" aria-label="probe">')
        field_ = probe.get_by_label("probe")
        field_.press_sequentially("01022003")
        orders = {"2003-02-01": "%d%m%Y", "2003-01-02": "%m%d%Y"}
        shown = field_.input_value()
        assert shown in orders, f"a date field in an order this test does not know: {shown}"
        return day.strftime(orders[shown])
    finally:
        probe.close()


def test_the_report_form_can_be_completed_with_the_keyboard_alone(page: Page) -> None:
    # Yesterday at half past two: within the hours for "call your bank now", and a time that
    # reads the same on a 24-hour and a 12-hour clock field when typed as 1430.
    occurred = (datetime.now(DUTCH_TIME) - timedelta(days=1)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )
    keys = date_keys(page, occurred.date())
    page.goto("/report")

    # Step 1. A radio group is one Tab stop; the arrow keys choose within it.
    fraud_types = [*FraudType, None]  # the last choice is "I don't know", checked at first
    unsure = page.get_by_role("radio", name=text("reports.fraud_type_unsure"))
    tab_to(page, unsure)
    for _ in range(fraud_types.index(None) - fraud_types.index(FraudType.BANK_HELPDESK)):
        page.keyboard.press("ArrowUp")
    bank_helpdesk = page.get_by_role("radio", name=text("reports.fraud_type_bank_helpdesk"))
    expect(bank_helpdesk).to_be_focused()
    expect(bank_helpdesk).to_be_checked()

    page.keyboard.press("Tab")
    channel = page.get_by_label(text("reports.question_channel"))
    expect(channel).to_be_focused()
    page.keyboard.type(text("reports.channel_phone_call"))  # a closed list jumps to what is typed
    expect(channel).to_have_value("phone_call")

    page.keyboard.press("Tab")
    day = page.get_by_label(text("reports.question_when"))
    expect(day).to_be_focused()
    page.keyboard.type(keys)
    expect(day).to_have_value(occurred.strftime("%Y-%m-%d"))
    clock = page.get_by_label(text("reports.question_time"))
    tab_to(page, clock)
    page.keyboard.type("1430")
    expect(clock).to_have_value("14:30")

    # The rest: a checkbox with Space, the story typed, and Enter on the button.
    consent = page.get_by_role("checkbox", name=text("reports.question_consent"))
    tab_to(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    narrative = page.get_by_label(text("reports.question_narrative"))
    tab_to(page, narrative)
    page.keyboard.type(NARRATIVE)
    send = page.get_by_role("button", name=text("reports.form_submit"))
    tab_to(page, send)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    now = page.get_by_role("region", name=text("advice.urgency_now"))
    expect(now.get_by_role("listitem").first).to_contain_text(
        advice_service.step("call-bank-now").text("nl")
    )


def test_every_field_of_the_report_form_has_a_label(page: Page) -> None:
    page.goto("/report")
    fields = page.locator("form[action='/report']").locator(
        "input:not([type=hidden]), select, textarea"
    )
    assert fields.count() > 20
    for field_ in fields.all():
        expect(field_).to_have_accessible_name(re.compile(r"\w"))


# For people looking at the pages


def test_screenshots_of_the_filled_form_and_the_received_page(page: Page, tmp_path: Path) -> None:
    page.goto("/report")
    fill_report(page, Answers(identifiers=(PHONE, SHOP)))
    form_png = tmp_path / "report-form.png"
    page.screenshot(path=form_png, full_page=True)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    received_png = tmp_path / "report-received.png"
    page.screenshot(path=received_png, full_page=True)

    for path in (form_png, received_png):
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        print(f"screenshot: {path}")  # shown with pytest -s, or on failure


# Known problems, pinned until they are fixed. Each test waits for the page with a retrying
# assertion and then checks the problem once, so an expected failure costs no time-out.


def test_the_error_summary_takes_the_focus_when_the_form_comes_back(page: Page) -> None:
    page.goto("/report")
    fill_report(page, Answers(beneficiary=BAD_IBAN))
    submit(page)
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    page.wait_for_load_state("load")  # deferred scripts have run
    assert is_focused(summary)


def test_the_receipt_survives_a_reload_and_a_language_switch(
    page: Page, database: Database
) -> None:
    reference = report(page)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("reports.received_title"))
    assert report_count(database) == 1
    assert reference in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.get_by_role("heading", level=1).inner_text() == text("reports.received_title", "en")
    expect(page.get_by_role("status")).to_contain_text(reference)


def test_a_missing_channel_is_explained_in_the_victims_words(page: Page) -> None:
    page.goto("/report")
    fill_report(page, Answers())
    page.get_by_label(text("reports.question_channel")).select_option("")
    submit(page)
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#channel")
    assert "phone_call" not in summary.inner_text()


def test_a_too_long_aangifte_number_is_explained_in_characters_on_its_field(page: Page) -> None:
    page.goto("/report")
    fill_report(page, Answers(aangifte="made"))
    number = page.get_by_label(text("reports.question_aangifte_reference"))
    assert number.get_attribute("maxlength") == "64"  # the browser stops the typing first
    number.evaluate("input => input.removeAttribute('maxlength')")  # the server must too
    number.fill("PL0900-" + "1" * 70)
    submit(page)
    link = page.get_by_role("alert").get_by_role("link")
    expect(link).to_have_attribute("href", "#aangifte_reference")
    assert link.inner_text() == text("web.validation_string_too_long", max_length=64)
    assert number.get_attribute("aria-invalid") == "true"
    assert number.get_attribute("aria-describedby") == "aangifte_reference-error"


def test_switching_language_after_saving_the_follow_up_stays_on_the_follow_up_page(
    page: Page,
) -> None:
    report(page)
    path = follow_up_path(page)
    page.goto(path)
    page.get_by_role("button", name=text("reports.follow_up_save")).click()
    expect(page.get_by_role("status")).to_have_text(text("reports.follow_up_saved"))
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == path


def test_amounts_on_dutch_pages_are_written_the_dutch_way(
    page: Page, browser: Browser, base_url: str, database: Database
) -> None:
    reference = report(page)
    path = follow_up_path(page)
    page.goto(path)
    money_back = page.get_by_role("group", name=text("reports.question_money_back"))
    money_back.get_by_role("radio", name=text("reports.answer_yes"), exact=True).check()
    page.get_by_label(text("reports.question_amount_back")).fill("150,00")
    page.get_by_role("button", name=text("reports.follow_up_save")).click()
    expect(page.get_by_role("status")).to_have_text(text("reports.follow_up_saved"))
    assert page.get_by_label(text("reports.question_amount_back")).input_value() == "150,00"

    with signed_in(browser, base_url, add_key(database, ABN_AMRO)) as staff:
        card = inbox_card(staff, reference)
        expect(card).to_have_count(1)
        assert "€ 2.500,00" in card.inner_text()


def test_the_date_and_time_fields_are_as_large_as_the_other_fields(page: Page) -> None:
    page.goto("/report")
    channel = page.get_by_label(text("reports.question_channel"))
    expect(channel).to_be_visible()
    font_size = "element => getComputedStyle(element).fontSize"
    for label in ("reports.question_when", "reports.question_time"):
        field_ = page.get_by_label(text(label))
        assert field_.evaluate(font_size) == channel.evaluate(font_size), label


def test_a_fraud_of_today_without_a_time_is_never_in_the_future() -> None:
    """A day without a time counts as its noon, but not a noon still to come: a victim who
    reports in the morning what happened "today" is not told it lies in the future."""
    today = datetime.now(DUTCH_TIME).date()
    before = datetime.now(DUTCH_TIME)
    fields = {
        "fraud_type": "purchase",
        "channel": "website",
        "occurred_on": today.isoformat(),
    }
    filed = forms.to_report(fields, "nl")
    after = datetime.now(DUTCH_TIME)
    noon = datetime.combine(today, time(12), DUTCH_TIME)
    assert filed.occurred_at == min(noon, filed.occurred_at)
    assert filed.occurred_at <= after
    assert filed.occurred_at >= min(noon, before) - timedelta(seconds=1)
    yesterday = forms.to_report({**fields, "occurred_on": str(today - timedelta(days=1))}, "nl")
    assert yesterday.occurred_at == noon - timedelta(days=1)
