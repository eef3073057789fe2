"""The public check, GET /v1/check?value=…: reported or not, in bands, with advice, and nothing
personal. Issue 4's contract names the fields asserted here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.i18n import LOCAL_TIME_ZONE, Language, translate
from fraudlink.indicators.scheduled import expire_once
from fraudlink.settings import Settings
from tests.indicators.exchange import (
    FRAUD_DOMAIN,
    FRAUD_EMAIL,
    FRAUD_IBAN,
    FRAUD_PHONE,
    FRAUD_URL,
    FRAUD_WALLET,
    NARRATIVE,
    VICTIM_IBAN,
    check,
    days_ago,
    decide,
    file_report,
    file_reports,
    fresh_iban,
    list_indicators,
    naming,
    open_dispute,
)
from tests.reports.partnership import BAD_IBAN, Partnership, submit

CONTRACT_FIELDS = {"kind", "normalized", "reported", "reports_band", "fraud_types"}
CONTRACT_FIELDS |= {"last_reported", "advice"}
# Every field the answer has: the contract's, how to show the value, and the dispute flag.
ANSWER_FIELDS = CONTRACT_FIELDS | {"display", "disputed"}


def _today() -> str:
    return datetime.now(LOCAL_TIME_ZONE).date().isoformat()


def test_a_reported_iban_answers_with_every_contract_field(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], fraud_type="bank_helpdesk")
    answer = check(client, FRAUD_IBAN)
    assert set(answer) == ANSWER_FIELDS
    assert answer["kind"] == "iban"
    assert answer["normalized"] == FRAUD_IBAN
    assert answer["reported"] is True
    assert answer["reports_band"] == "1"
    assert answer["fraud_types"] == ["bank_helpdesk"]
    assert answer["last_reported"] == _today()
    assert answer["disputed"] is False
    assert answer["advice"] == [
        translate("indicators.check_iban_reported", "nl"),
        translate("indicators.prevent_bank_helpdesk", "nl"),
        translate("indicators.check_no_guarantee", "nl"),
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (FRAUD_IBAN, "iban"),
        (FRAUD_PHONE, "phone"),
        (FRAUD_URL, "url"),
        (FRAUD_DOMAIN, "domain"),
        (FRAUD_EMAIL, "email"),
        (FRAUD_WALLET, "wallet"),
    ],
)
def test_an_unreported_value_is_not_called_safe(
    client: TestClient, partnership: Partnership, value: str, kind: str
) -> None:
    answer = check(client, value)
    assert answer["kind"] == kind
    assert answer["reported"] is False
    assert answer["reports_band"] is None
    assert answer["fraud_types"] == []
    assert answer["last_reported"] is None
    assert answer["disputed"] is False
    assert answer["advice"] == [
        translate(f"indicators.check_{kind}_not_reported", "nl"),
        translate("indicators.check_no_guarantee", "nl"),
    ]
    assert "niet dat het veilig is" in answer["advice"][-1]


@pytest.mark.parametrize("reported", [True, False])
@pytest.mark.parametrize(
    ("accept_language", "language", "no_guarantee"),
    [
        (None, "nl", "geen meldingen betekent niet dat het veilig is"),
        ("nl-NL,nl;q=0.9", "nl", "geen meldingen betekent niet dat het veilig is"),
        ("en", "en", "no reports does not mean it is safe"),
        ("en-GB,en;q=0.9,nl;q=0.5", "en", "no reports does not mean it is safe"),
    ],
)
def test_advice_is_dutch_by_default_and_english_on_request(
    client: TestClient,
    partnership: Partnership,
    reported: bool,
    accept_language: str | None,
    language: Language,
    no_guarantee: str,
) -> None:
    if reported:
        file_report(client, partnership, values=[FRAUD_PHONE], fraud_type="friend_in_need")
    headers = {"Accept-Language": accept_language} if accept_language else {}
    advice = check(client, FRAUD_PHONE, **headers)["advice"]
    assert advice, "there is always advice"
    assert all(tip.strip() for tip in advice)
    assert no_guarantee in advice[-1]
    state = "reported" if reported else "not_reported"
    assert advice[0] == translate(f"indicators.check_phone_{state}", language)
    if reported:
        assert translate("indicators.prevent_friend_in_need", language) in advice


@pytest.mark.parametrize(
    ("reports", "band"),
    [(0, None), (1, "1"), (2, "2-5"), (5, "2-5"), (6, "6+"), (7, "6+")],
)
def test_reports_are_shown_in_bands(
    client: TestClient, partnership: Partnership, reports: int, band: str | None
) -> None:
    file_reports(client, partnership, reports, ibans=[FRAUD_IBAN])
    answer = check(client, FRAUD_IBAN)
    assert answer["reports_band"] == band
    assert answer["reported"] is (reports > 0)


def test_a_reports_iban_is_visible_to_the_check_at_once(
    client: TestClient, partnership: Partnership
) -> None:
    assert check(client, FRAUD_IBAN)["reported"] is False  # the index is loaded and current
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert check(client, FRAUD_IBAN)["reports_band"] == "1"
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert check(client, FRAUD_IBAN)["reports_band"] == "2-5"


@pytest.mark.parametrize(
    ("reported_days_ago", "band", "last_days_ago"),
    [
        pytest.param([400], None, None, id="one old report"),
        pytest.param([366], None, None, id="just over a year"),
        pytest.param([364], "1", 364, id="just under a year"),
        pytest.param([500, 400, 10], "1", 10, id="old ones do not count"),
        pytest.param([400, 390, 380, 370, 30, 20], "2-5", 20, id="two recent among old"),
        pytest.param([700, 600, 500, 400, 300, 200, 100], "2-5", 100, id="three of seven"),
    ],
)
def test_only_reports_of_the_last_twelve_months_count(
    client: TestClient,
    partnership: Partnership,
    reported_days_ago: list[int],
    band: str | None,
    last_days_ago: int | None,
) -> None:
    for days in reported_days_ago:
        file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=days)
    answer = check(client, FRAUD_IBAN)
    assert answer["reports_band"] == band
    assert answer["reported"] is (band is not None)
    expected = (
        None
        if last_days_ago is None
        else days_ago(last_days_ago).astimezone(LOCAL_TIME_ZONE).date().isoformat()
    )
    assert answer["last_reported"] == expected


def test_last_reported_is_the_dutch_date(client: TestClient, partnership: Partnership) -> None:
    # Half past eleven last night in UTC is already today in Amsterdam (UTC+1 or +2).
    late = days_ago(1).replace(hour=23, minute=30, second=0, microsecond=0)
    body = naming(ibans=[FRAUD_IBAN])
    body |= {"reported_at": late.isoformat(), "occurred_at": late.replace(hour=20).isoformat()}
    submit(client, partnership, body)
    expected = late.astimezone(LOCAL_TIME_ZONE).date()
    assert expected > late.date()
    assert check(client, FRAUD_IBAN)["last_reported"] == expected.isoformat()


@pytest.mark.parametrize(
    ("filed_as", "checked_as", "normalized"),
    [
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("NL91ABNA0417164300", "nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
        ("NL91ABNA0417164300", "IBAN: NL91-ABNA-0417-1643-00", "NL91ABNA0417164300"),
        ("06-12345678", "+31612345678", "+31612345678"),
        ("+31 6 12345678", "06 1234 5678", "+31612345678"),
        ("0031612345678", "(06) 12 34 56 78", "+31612345678"),
        ("https://www.nep-winkel.nl/deal", "HTTPS://WWW.Nep-Winkel.nl:443/deal#nu", None),
        ("Verkoper@Nep-Winkel.nl", "mailto:verkoper@nep-winkel.nl", "verkoper@nep-winkel.nl"),
    ],
)
def test_formatting_variants_of_one_value_get_the_same_answer(
    client: TestClient,
    partnership: Partnership,
    filed_as: str,
    checked_as: str,
    normalized: str | None,
) -> None:
    named: dict[str, Any] = (
        {"ibans": [filed_as]} if filed_as.upper().startswith("NL") else {"values": [filed_as]}
    )
    file_report(client, partnership, **named)
    file_report(client, partnership, **named)
    first, second = check(client, filed_as), check(client, checked_as)
    assert first == second
    assert (second["reported"], second["reports_band"]) == (True, "2-5")
    if normalized is not None:
        assert second["normalized"] == normalized


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("hallo", "unknown_kind"),
        ("hallo wereld", "unknown_kind"),
        ("12", "unknown_kind"),
        ("???", "unknown_kind"),
        ("@@", "unknown_kind"),
        (" ", "empty"),
        (BAD_IBAN, "iban_checksum"),
    ],
)
def test_a_value_of_no_known_kind_answers_422_naming_value(
    client: TestClient, value: str, code: str
) -> None:
    response = client.get("/v1/check", params={"value": value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("value", code)]


def test_a_check_without_a_value_answers_422_naming_value(client: TestClient) -> None:
    response = client.get("/v1/check")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["value"]


def test_the_answer_never_holds_personal_data_or_the_victims_words(
    client: TestClient, partnership: Partnership
) -> None:
    for _ in range(2):
        file_report(
            client,
            partnership,
            ibans=[FRAUD_IBAN],
            values=[FRAUD_PHONE],
            victim_iban=VICTIM_IBAN,
            narrative=NARRATIVE,
            age_band="70+",
            aangifte_reference="PL0900-2025123456",
            contact_consent=True,
        )
    for value in (FRAUD_IBAN, FRAUD_PHONE, VICTIM_IBAN):
        response = client.get("/v1/check", params={"value": value})
        assert set(response.json()) == ANSWER_FIELDS
        text = response.text
        for secret in (NARRATIVE, "Jansen", "Zwolle", "PL0900-2025123456", "70+", "FL-"):
            assert secret not in text
        if value != VICTIM_IBAN:
            assert VICTIM_IBAN not in text
    assert check(client, VICTIM_IBAN)["reported"] is False


def test_a_disputed_indicator_shows_disputed(client: TestClient, partnership: Partnership) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    open_dispute(client, FRAUD_IBAN)
    answer = check(client, FRAUD_IBAN)
    assert (answer["reported"], answer["disputed"], answer["reports_band"]) == (True, True, "1")


def test_a_cleared_indicator_is_not_reported(client: TestClient, partnership: Partnership) -> None:
    file_reports(client, partnership, 3, ibans=[FRAUD_IBAN])
    dispute = open_dispute(client, FRAUD_IBAN)
    decide(client, partnership, dispute["id"], "clear")
    answer = check(client, FRAUD_IBAN)
    assert answer["reported"] is False
    assert (answer["reports_band"], answer["fraud_types"], answer["last_reported"]) == (
        None,
        [],
        None,
    )
    assert answer["disputed"] is False


def test_an_expired_indicator_is_not_reported(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=40)
    file_report(client, partnership, values=[FRAUD_PHONE], reported_days_ago=40)
    assert check(client, FRAUD_IBAN)["reports_band"] == "1"
    assert expire_once(database, Settings(retention_days_by_kind={"iban": 30})) == 1
    assert check(client, FRAUD_IBAN)["reported"] is False
    assert check(client, FRAUD_PHONE)["reported"] is True  # phones are kept 730 days


def test_the_check_needs_no_key_and_ignores_a_bad_one(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    response = client.get(
        "/v1/check", params={"value": FRAUD_IBAN}, headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 200
    assert response.json()["reported"] is True


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_check_page_shows_band_and_advice(
    client: TestClient, partnership: Partnership, language: Language
) -> None:
    file_reports(client, partnership, 2, ibans=[FRAUD_IBAN], narrative=NARRATIVE)
    page = client.get("/check", params={"value": FRAUD_IBAN, "lang": language})
    assert page.status_code == 200
    assert translate("indicators.page_reported", language, band="2-5") in page.text
    assert translate("indicators.check_no_guarantee", language) in page.text
    assert NARRATIVE not in page.text
    assert VICTIM_IBAN not in page.text
    unknown = client.get("/check", params={"value": "hallo", "lang": language})
    assert unknown.status_code == 422
    nothing = client.get("/check", params={"value": fresh_iban(1), "lang": language})
    assert translate("indicators.page_not_reported", language) in nothing.text


def test_the_check_shows_only_the_fraud_types_of_reports(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], fraud_type="purchase")
    list_indicators(
        client, partnership, [{"value": FRAUD_IBAN, "fraud_type": "invoice", "tlp": "red"}]
    )
    answer = check(client, FRAUD_IBAN)
    assert answer["fraud_types"] == ["purchase"]
    assert translate("indicators.prevent_invoice", "nl") not in answer["advice"]


def test_the_check_shows_only_the_fraud_types_of_the_last_twelve_months(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(
        client, partnership, ibans=[FRAUD_IBAN], fraud_type="invoice", reported_days_ago=400
    )
    file_report(client, partnership, ibans=[FRAUD_IBAN], fraud_type="purchase")
    answer = check(client, FRAUD_IBAN)
    assert (answer["reports_band"], answer["fraud_types"]) == ("1", ["purchase"])
