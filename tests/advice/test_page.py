"""The /advice page and the plan partial, read as HTML (the browser test is in tests/pages)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.advice import service
from fraudlink.advice.pages import WHEN_CHOICES
from fraudlink.advice.schemas import AdviceStep
from fraudlink.advice.service import Situation, Urgency
from fraudlink.i18n import LANGUAGES, Language, translate
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from fraudlink.web.templating import templates


def step_ids(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z0-9-]+)"', html)


def headings(html: str) -> list[str]:
    return re.findall(r'<h3 id="advice-[a-z_]+">([^<]+)</h3>', html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_composed_label_exists(language: Language) -> None:
    for fraud_type in FraudType:
        translate(f"reports.fraud_type_{fraud_type.value}", language)
        translate(f"reports.fraud_type_{fraud_type.value}_hint", language)
    for method in PaymentMethod:
        translate(f"reports.payment_method_{method.value}", language)
    for channel in Channel:
        translate(f"reports.channel_{channel.value}", language)
    for band in AgeBand:
        translate(f"reports.age_band_{band.value}", language)
    for urgency in Urgency:
        translate(f"advice.urgency_{urgency.value}", language)
    for _value, name in WHEN_CHOICES:
        translate(f"advice.when_{name}", language)


def test_the_page_without_answers_shows_the_form_only(client: TestClient) -> None:
    response = client.get("/advice")
    assert response.status_code == 200
    html = response.text
    assert translate("advice.form_fraud_type_legend") in html
    assert 'action="/advice#plan"' in html
    assert html.count('type="radio" name="fraud_type"') == len(FraudType)
    assert step_ids(html) == []
    assert 'role="alert"' not in html


def test_the_plan_appears_with_the_answers(client: TestClient) -> None:
    response = client.get(
        "/advice",
        params={"fraud_type": "bank_helpdesk", "hours_since": "6", "paid": "true"},
    )
    html = response.text
    expected = service.plan(Situation(FraudType.BANK_HELPDESK, hours_since=6, paid=True))
    assert step_ids(html) == [step.id for step in expected]
    assert step_ids(html)[0] == "call-bank-now"
    assert headings(html) == ["Nu direct", "Vandaag", "Deze week"]
    # The answers stay chosen, so the reader can change one and ask again.
    assert re.search(r'value="bank_helpdesk" required\s+aria-describedby="[^"]+"\s+checked', html)
    assert '<option value="6" selected>' in html
    assert re.search(r'name="paid" value="true" checked', html)


def test_the_page_speaks_english_when_asked(client: TestClient) -> None:
    response = client.get("/advice", params={"fraud_type": "identity", "lang": "en"})
    html = response.text
    assert '<html lang="en">' in html
    assert headings(html) == ["Today", "This week"]
    assert translate("reports.fraud_type_identity", "en") in html
    assert "report-to-cmi" in step_ids(html)


@pytest.mark.parametrize(
    "query",
    [
        {"hours_since": "6"},
        {"fraud_type": "bank"},
        {"fraud_type": "", "paid": "true"},
    ],
)
def test_a_form_sent_without_a_known_type_asks_for_it(
    client: TestClient, query: dict[str, str]
) -> None:
    response = client.get("/advice", params=query)
    assert response.status_code == 200
    assert translate("advice.form_fraud_type_missing") in response.text
    assert step_ids(response.text) == []


def test_odd_answers_are_read_leniently_never_as_an_error(client: TestClient) -> None:
    response = client.get(
        "/advice",
        params={
            "fraud_type": "purchase",
            "hours_since": "nan",
            "payment_method": ["transfer", "cheque"],
            "channel": "fax",
            "age_band": "old",
        },
    )
    assert response.status_code == 200
    expected = service.plan(
        Situation(FraudType.PURCHASE, payment_methods=frozenset({PaymentMethod.TRANSFER}))
    )
    assert step_ids(response.text) == [step.id for step in expected]


def render_plan(steps: list[Any], language: Language = "nl", **context: object) -> str:
    template = templates.env.get_template("advice_plan.html")

    def _(key: str, **params: object) -> str:
        return translate(key, language, **params)

    return template.render(steps=steps, _=_, **context)


def test_the_partial_numbers_on_across_the_groups_and_links_contacts() -> None:
    steps = service.plan(Situation(FraudType.IDENTITY, payment_methods=frozenset()))
    html = render_plan(steps)
    starts = [int(start) for start in re.findall(r'<ol start="(\d+)">', html)]
    sizes = [sum(1 for step in steps if step.urgency is urgency) for urgency in Urgency]
    assert starts == [1 + sum(sizes[:index]) for index, size in enumerate(sizes) if size]
    assert '<a href="tel:0889001000">Bel 088-900 10 00</a>' in html
    assert (
        '<a href="https://www.rvig.nl/centraal-meldpunt-identiteitsfraude">'
        "rvig.nl/centraal-meldpunt-identiteitsfraude</a>"
    ) in html


def test_the_partial_takes_steps_or_their_api_form_alike() -> None:
    """The report confirmation page includes the plan from a stored receipt, not from Steps."""
    steps = service.plan(Situation(FraudType.PURCHASE, hours_since=1, paid=True), "en")
    html = render_plan(steps, "en")
    assert render_plan([step.as_dict() for step in steps], "en") == html
    assert render_plan([AdviceStep.of(step) for step in steps], "en") == html


def test_the_partial_fits_the_heading_level_of_the_page_around_it() -> None:
    steps = service.plan(Situation(FraudType.PHISHING))
    assert '<h2 id="advice-now">Nu direct</h2>' in render_plan(steps, plan_heading_level=2)
    assert render_plan([]).count("<section") == 0
