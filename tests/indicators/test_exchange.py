"""The partners' indicator exchange: listings (one or a batch), lookups by value or token with
raw values only where role and marking allow, audited lookups, the change feed and sightings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient

from fraudlink.access.permissions import GRANTS
from fraudlink.access.service import Principal
from fraudlink.database import Database
from fraudlink.indicators import service
from fraudlink.indicators.models import Indicator
from fraudlink.indicators.vocabulary import Tlp
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner, bearer
from tests.indicators.exchange import (
    FRAUD_DOMAIN,
    FRAUD_EMAIL,
    FRAUD_IBAN,
    FRAUD_PHONE,
    FRAUD_URL,
    FRAUD_WALLET,
    audit_entries,
    client_for,
    days_ago,
    file_report,
    file_reports,
    fresh_iban,
    list_indicators,
    lookup,
    token_of,
)
from tests.reports.partnership import (
    ABN_AMRO,
    BAD_IBAN,
    HELPDESK,
    ING,
    KPN,
    MARKTPLAATS,
    MOLLIE,
    POLICE,
    PROSECUTION,
    RABOBANK,
    RESEARCH,
    VICTIM_SUPPORT,
    Partnership,
    count_rows,
)

# One partner of each type that may read indicators, to look through its eyes.
VIEWERS: Final = {
    PartnerType.BANK: ABN_AMRO,
    PartnerType.PSP: MOLLIE,
    PartnerType.TELECOM: KPN,
    PartnerType.MARKETPLACE: MARKTPLAATS,
    PartnerType.POLICE: POLICE,
    PartnerType.PROSECUTION: PROSECUTION,
    PartnerType.HELPDESK: HELPDESK,
    PartnerType.VICTIM_SUPPORT: VICTIM_SUPPORT,
}
# The partners that act on raw values (block a payment, open a case); see access/permissions.py.
RAW_READERS: Final = {
    PartnerType.BANK,
    PartnerType.PSP,
    PartnerType.POLICE,
    PartnerType.PROSECUTION,
}
OPEN_MARKINGS: Final = {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER}
EXCHANGE_TABLES: Final = ("indicators", "indicator_submissions", "audit_log")


def sees_raw(partner_type: PartnerType, tlp: Tlp, contributed: bool) -> bool:
    """What service.may_see_raw documents, written out independently."""
    if partner_type not in RAW_READERS:
        return False
    return tlp in OPEN_MARKINGS or contributed or partner_type is PartnerType.POLICE


# Listing


def test_one_listing_answers_201_with_the_indicator(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    response = client.post(
        "/v1/indicators",
        json={"value": "nl91 abna 0417 1643 00", "fraud_type": "invoice", "confirmed": True},
        headers=partnership.headers(ING),
    )
    assert response.status_code == 201, response.text
    [indicator] = response.json()["indicators"]
    assert indicator["kind"] == "iban"
    assert indicator["value"] == "NL91ABNA0417164300"
    assert indicator["token"] == token_of(database, "NL91ABNA0417164300")
    assert (indicator["report_count"], indicator["partner_count"]) == (0, 1)
    assert indicator["confirmed_count"] == 1
    assert indicator["fraud_types"] == ["invoice"]
    assert indicator["status"] == "active"
    assert indicator["shared_as_fraud"] is True
    assert indicator["confidence"] == pytest.approx(0.95 * 0.9, abs=1e-4)  # a bank's case
    [entry] = audit_entries(database, "indicator.submit")
    assert (entry.subject_type, entry.subject_id) == ("indicator", indicator["token"])
    assert entry.details == {"confirmed": True, "tlp": "amber"}


def test_a_batch_answers_201_with_its_indicators_in_order(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    values = [FRAUD_IBAN, FRAUD_PHONE, FRAUD_URL, FRAUD_DOMAIN, FRAUD_EMAIL, FRAUD_WALLET]
    indicators = list_indicators(
        client, partnership, [{"value": value, "fraud_type": "phishing"} for value in values]
    )
    assert [item["kind"] for item in indicators] == [
        "iban",
        "phone",
        "url",
        "domain",
        "email",
        "wallet",
    ]
    assert [item["token"] for item in indicators] == [token_of(database, value) for value in values]
    assert len({item["change"] for item in indicators}) == len(values)
    assert len(audit_entries(database, "indicator.submit")) == len(values)


def test_listing_a_value_again_updates_the_partners_word(
    client: TestClient, partnership: Partnership
) -> None:
    list_indicators(client, partnership, [{"value": FRAUD_IBAN, "fraud_type": "purchase"}])
    [again] = list_indicators(
        client, partnership, [{"value": FRAUD_IBAN, "fraud_type": "purchase", "confirmed": True}]
    )
    assert (again["partner_count"], again["confirmed_count"]) == (1, 1)
    [other] = list_indicators(
        client, partnership, [{"value": FRAUD_IBAN, "fraud_type": "sale"}], by=RABOBANK
    )
    assert (other["partner_count"], other["confirmed_count"]) == (2, 1)
    assert other["fraud_types"] == ["purchase", "sale"]


@pytest.mark.parametrize(
    ("listed", "position", "shown"),
    [
        pytest.param(["https://bit.ly/3abcDEF"], 0, "https://bit.ly/3abcDEF", id="shortener"),
        pytest.param([FRAUD_IBAN, "020-228 8800"], 1, "+31 20 228 8800", id="bank helpdesk"),
        pytest.param([FRAUD_IBAN, FRAUD_PHONE, "marktplaats.nl"], 2, None, id="partner domain"),
        pytest.param(["https://www.marktplaats.nl/v/x", FRAUD_IBAN], 0, None, id="partner url"),
        pytest.param([FRAUD_IBAN, "tinyurl.com"], 1, None, id="shortener domain"),
    ],
)
@pytest.mark.parametrize("as_batch", [True, False])
def test_a_warning_listed_value_answers_422_naming_its_position_and_writes_nothing(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    listed: list[str],
    position: int,
    shown: str | None,
    as_batch: bool,
) -> None:
    if not as_batch:
        listed, position = [listed[position]], 0
    headers = partnership.headers(ING)
    before = count_rows(database, EXCHANGE_TABLES)
    body: dict[str, Any] = (
        {"indicators": [{"value": value} for value in listed]} if as_batch else {"value": listed[0]}
    )
    response = client.post("/v1/indicators", json=body, headers=headers)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (f"indicators.{position}.value", "warning_listed")
    if shown is not None:
        assert shown in error["message"]
    assert count_rows(database, EXCHANGE_TABLES) == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"value": BAD_IBAN}, id="bad iban"),
        pytest.param({"value": "hallo"}, id="no known kind"),
        pytest.param({"value": FRAUD_IBAN, "kind": "phone"}, id="wrong kind"),
        pytest.param({"value": FRAUD_IBAN, "tlp": "white"}, id="tlp 1.0"),
        pytest.param({"value": FRAUD_IBAN, "fraud_type": "unknown"}, id="fraud type"),
        pytest.param({"value": ""}, id="empty"),
        pytest.param({"indicators": []}, id="empty batch"),
        pytest.param({"indicators": [{"value": FRAUD_IBAN}, {"value": "hallo"}]}, id="in batch"),
        pytest.param({"indicators": [{"value": FRAUD_IBAN, "extra": 1}]}, id="extra field"),
    ],
)
def test_an_invalid_listing_answers_422_and_writes_nothing(
    client: TestClient, partnership: Partnership, database: Database, body: dict[str, Any]
) -> None:
    headers = partnership.headers(ING)
    before = count_rows(database, EXCHANGE_TABLES)
    response = client.post("/v1/indicators", json=body, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]
    assert count_rows(database, EXCHANGE_TABLES) == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"value": BAD_IBAN}, "value", "iban_checksum"),
        ({"indicators": [{"value": FRAUD_IBAN}, {"value": "hallo"}]}, "indicators.1.value", ""),
    ],
)
def test_an_invalid_listing_names_the_value_at_fault(
    client: TestClient, partnership: Partnership, body: dict[str, Any], field: str, code: str
) -> None:
    response = client.post("/v1/indicators", json=body, headers=partnership.headers(ING))
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    assert errors[0]["code"] == (code or "unknown_kind")


# The standard of proof


@pytest.mark.parametrize(
    ("lister", "confirmed", "shared"),
    [
        (ING, True, True),
        (MOLLIE, True, True),
        (POLICE, True, True),
        (KPN, True, True),
        (ING, False, False),
        (POLICE, False, False),
    ],
)
def test_one_confirmed_case_meets_the_standard_of_proof_an_unconfirmed_listing_does_not(
    client: TestClient, partnership: Partnership, lister: str, confirmed: bool, shared: bool
) -> None:
    [indicator] = list_indicators(
        client, partnership, [{"value": FRAUD_IBAN, "confirmed": confirmed}], by=lister
    )
    assert indicator["shared_as_fraud"] is shared
    assert lookup(client, partnership, FRAUD_IBAN, by=POLICE)["shared_as_fraud"] is shared


def test_unconfirmed_listings_of_many_partners_do_not_meet_the_standard(
    client: TestClient, partnership: Partnership
) -> None:
    for lister in (ING, RABOBANK, ABN_AMRO, MOLLIE):
        list_indicators(client, partnership, [{"value": FRAUD_IBAN}], by=lister)
    found = lookup(client, partnership, FRAUD_IBAN)
    assert (found["partner_count"], found["shared_as_fraud"]) == (4, False)


@pytest.mark.parametrize("min_reports", [1, 2, 3])
def test_an_unconfirmed_listing_needs_the_configured_number_of_reports(
    settings: object, partnership: Partnership, min_reports: int
) -> None:
    with client_for(proof_min_reports=min_reports) as client:
        [listed] = list_indicators(client, partnership, [{"value": FRAUD_IBAN}])
        assert listed["shared_as_fraud"] is False
        for reports in range(1, min_reports + 1):
            file_report(client, partnership, ibans=[FRAUD_IBAN])
            found = lookup(client, partnership, FRAUD_IBAN)
            assert found["report_count"] == reports
            assert found["shared_as_fraud"] is (reports >= min_reports)


# The marking


@pytest.mark.parametrize(
    ("markings", "strictest"),
    [
        (["amber", "red"], "red"),
        (["red", "amber"], "red"),
        (["amber+strict", "amber"], "amber+strict"),
        (["amber", "amber+strict", "red", "amber"], "red"),
    ],
)
def test_the_marking_is_the_strictest_given(
    client: TestClient, partnership: Partnership, markings: list[str], strictest: str
) -> None:
    listers = [ING, RABOBANK, ABN_AMRO, MOLLIE]
    for lister, marking in zip(listers, markings, strict=False):
        list_indicators(client, partnership, [{"value": FRAUD_IBAN, "tlp": marking}], by=lister)
    assert lookup(client, partnership, FRAUD_IBAN, by=POLICE)["tlp"] == strictest


@pytest.mark.parametrize("marking", list(Tlp))
def test_a_value_first_listed_keeps_its_first_marking(
    client: TestClient, partnership: Partnership, marking: Tlp
) -> None:
    [indicator] = list_indicators(
        client, partnership, [{"value": FRAUD_IBAN, "tlp": marking.value}]
    )
    assert indicator["tlp"] == marking.value


def test_a_reports_indicator_is_amber_and_a_listing_cannot_loosen_it(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert lookup(client, partnership, FRAUD_IBAN)["tlp"] == "amber"
    [listed] = list_indicators(client, partnership, [{"value": FRAUD_IBAN, "tlp": "clear"}])
    assert listed["tlp"] == "amber"


# Lookups


def test_a_lookup_by_value_or_by_token_finds_the_same_indicator(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    headers = partnership.headers(ING)
    spaced = " ".join(FRAUD_IBAN[i : i + 4] for i in range(0, len(FRAUD_IBAN), 4))
    by_value = client.get("/v1/indicators", params={"value": spaced}, headers=headers)
    by_token = client.get(
        "/v1/indicators", params={"token": token_of(database, FRAUD_IBAN)}, headers=headers
    )
    assert by_value.status_code == by_token.status_code == 200
    assert by_value.json() == by_token.json()


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="neither"),
        pytest.param({"value": FRAUD_IBAN, "token": "a" * 64}, id="both"),
    ],
)
def test_a_lookup_needs_exactly_one_of_value_and_token(
    client: TestClient, partnership: Partnership, params: dict[str, str]
) -> None:
    response = client.get("/v1/indicators", params=params, headers=partnership.headers(ING))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("value", "value_or_token")


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"value": fresh_iban(1)}, 404, "value"),
        ({"token": "0" * 64}, 404, "token"),
        ({"value": "hallo"}, 422, "value"),
        ({"value": BAD_IBAN}, 422, "value"),
        ({"token": "XYZ"}, 422, "token"),
        ({"token": "A" * 64}, 422, "token"),
    ],
)
def test_an_unknown_or_invalid_lookup_names_the_parameter(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    params: dict[str, str],
    status: int,
    field: str,
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    response = client.get("/v1/indicators", params=params, headers=partnership.headers(ING))
    assert response.status_code == status
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert audit_entries(database, "indicator.lookup") == []


@pytest.mark.parametrize("viewer", [ING, KPN, POLICE, HELPDESK])
def test_every_lookup_is_audited_with_the_token_never_the_value(
    client: TestClient, partnership: Partnership, database: Database, viewer: str
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], values=[FRAUD_PHONE])
    token = token_of(database, FRAUD_IBAN)
    headers = partnership.headers(viewer)
    client.get("/v1/indicators", params={"value": FRAUD_IBAN}, headers=headers)
    client.get("/v1/indicators", params={"token": token}, headers=headers)
    client.get("/v1/indicators", params={"value": FRAUD_PHONE}, headers=headers)
    entries = audit_entries(database, "indicator.lookup")
    assert [entry.subject_id for entry in entries] == [
        token,
        token,
        token_of(database, FRAUD_PHONE),
    ]
    prefix = partnership.key(viewer).split("_")[1]
    for entry in entries:
        assert entry.subject_type == "indicator"
        assert entry.actor == f"key:{prefix}"
        assert entry.partner_id == partnership.ids[viewer]
    everything = json.dumps(
        [[entry.subject_id, entry.details] for entry in audit_entries(database, "indicator.lookup")]
    )
    assert FRAUD_IBAN not in everything
    assert FRAUD_PHONE not in everything


# Who sees raw values


@pytest.mark.parametrize("contributed", [True, False], ids=["contributed", "not contributed"])
@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("partner_type", list(VIEWERS))
def test_raw_values_follow_role_and_marking(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    partner_type: PartnerType,
    tlp: Tlp,
    contributed: bool,
) -> None:
    viewer = VIEWERS[partner_type]
    lister = viewer if contributed else RABOBANK
    [listed] = list_indicators(
        client, partnership, [{"value": FRAUD_IBAN, "tlp": tlp.value}], by=lister
    )
    raw = FRAUD_IBAN if sees_raw(partner_type, tlp, contributed) else None
    if contributed:
        assert listed["value"] == raw  # the listing's answer follows the same rule
    headers = partnership.headers(viewer)
    by_value = client.get("/v1/indicators", params={"value": FRAUD_IBAN}, headers=headers)
    by_token = client.get("/v1/indicators", params={"token": listed["token"]}, headers=headers)
    changes = client.get("/v1/indicators/changes", headers=headers).json()["indicators"]
    assert [by_value.json()["value"], by_token.json()["value"], changes[0]["value"]] == [raw] * 3
    for seen in (by_value.json(), by_token.json(), changes[0]):
        assert seen["token"] == listed["token"]  # the token and the counts go to every reader
        assert (seen["tlp"], seen["partner_count"]) == (tlp.value, 1)


@pytest.mark.parametrize("contributed", [True, False])
@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("partner_type", list(PartnerType))
def test_may_see_raw_is_what_its_docstring_says(
    partner_type: PartnerType, tlp: Tlp, contributed: bool
) -> None:
    principal = Principal(
        key_id=1,
        key_prefix="abcdefghijkl",
        partner_id=1,
        partner_name="Partner",
        partner_type=partner_type,
        scopes=GRANTS[partner_type],
    )
    indicator = Indicator(value=FRAUD_IBAN, tlp=tlp)
    expected = sees_raw(partner_type, tlp, contributed)
    assert service.may_see_raw(indicator, principal, contributed) is expected
    expired = Indicator(value=None, tlp=tlp)  # an expired indicator's value is erased
    assert service.may_see_raw(expired, principal, contributed) is False


def test_a_reports_indicator_is_raw_for_banks_and_tokens_only_for_operators(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN])
    assert lookup(client, partnership, FRAUD_IBAN, by=ING)["value"] == FRAUD_IBAN
    assert lookup(client, partnership, FRAUD_IBAN, by=KPN)["value"] is None
    # The helpdesk filed the report, yet has no need of raw values.
    assert lookup(client, partnership, FRAUD_IBAN, by=HELPDESK)["value"] is None


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/v1/indicators?value=NL91ABNA0417164300", None),
        ("get", "/v1/indicators/changes", None),
        ("post", "/v1/indicators", {"value": "NL91ABNA0417164300"}),
        ("post", "/v1/indicators/1/sightings", {"kind": "visited"}),
    ],
)
@pytest.mark.parametrize("partner_type", [PartnerType.RESEARCH, PartnerType.PROGRAMME])
def test_research_and_programme_keys_get_403(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    partner_type: PartnerType,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    if partner_type is PartnerType.RESEARCH:
        token = partnership.key(RESEARCH)
    else:
        add_partner(database, "Programmabureau", PartnerType.PROGRAMME)
        token = add_key(database, "Programmabureau")
    response = client.request(method, path, json=body, headers=bearer(token))
    assert response.status_code == 403
    assert "indicator:" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/v1/indicators?token=" + "0" * 64), ("get", "/v1/indicators/changes")],
)
def test_the_exchange_needs_a_key(client: TestClient, method: str, path: str) -> None:
    assert client.request(method, path).status_code == 401


# The change feed


def _walk(
    client: TestClient, headers: dict[str, str], since: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Every change after ``since``, page by page; the changes and the final cursor."""
    seen: list[dict[str, Any]] = []
    while True:
        page = client.get(
            "/v1/indicators/changes", params={"since": since, "limit": limit}, headers=headers
        )
        assert page.status_code == 200, page.text
        body = page.json()
        if not body["indicators"]:
            assert body["next_since"] == since
            return seen, since
        assert len(body["indicators"]) <= limit
        changes = [item["change"] for item in body["indicators"]]
        assert changes == sorted(changes)
        assert changes[0] > since
        assert body["next_since"] == changes[-1]
        seen += body["indicators"]
        since = body["next_since"]


@pytest.mark.parametrize("limit", [1, 2, 3, 500])
def test_the_change_feed_walks_every_change_once_in_order(
    client: TestClient, partnership: Partnership, database: Database, limit: int
) -> None:
    listed = [FRAUD_IBAN, FRAUD_PHONE, FRAUD_EMAIL, FRAUD_WALLET]
    list_indicators(client, partnership, [{"value": value} for value in listed])
    file_report(client, partnership, values=[FRAUD_URL, FRAUD_PHONE])  # the phone changes again
    headers = partnership.headers(POLICE)
    seen, cursor = _walk(client, headers, 0, limit)
    tokens = [item["token"] for item in seen]
    everything = [*listed, FRAUD_URL, FRAUD_DOMAIN]
    assert sorted(tokens) == sorted(token_of(database, value) for value in everything)
    assert tokens[-3:].count(token_of(database, FRAUD_PHONE)) == 1  # moved to its last change
    assert [item["change"] for item in seen] == sorted({item["change"] for item in seen})

    client.post(
        f"/v1/indicators/{seen[0]['id']}/sightings",
        json={"kind": "payment_attempted"},
        headers=partnership.headers(ING),
    )
    after, cursor_after = _walk(client, headers, cursor, limit)
    assert [item["token"] for item in after] == [seen[0]["token"]]
    assert cursor_after > cursor
    file_report(client, partnership, ibans=[fresh_iban(7)])
    latest, _ = _walk(client, headers, cursor_after, limit)
    assert [item["token"] for item in latest] == [token_of(database, fresh_iban(7))]


def test_reading_the_change_feed_is_audited_with_what_it_disclosed(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    list_indicators(client, partnership, [{"value": FRAUD_IBAN}, {"value": FRAUD_PHONE}])
    for name in (ING, KPN):
        client.get("/v1/indicators/changes", headers=partnership.headers(name))
    client.get("/v1/indicators/changes", params={"since": 10**6}, headers=partnership.headers(ING))
    bank, operator = audit_entries(database, "indicator.changes_read")  # not the empty poll
    assert bank.actor == f"key:{partnership.key(ING).split('_')[1]}"
    assert (bank.details["count"], bank.details["raw_values"]) == (2, 2)
    assert (operator.details["count"], operator.details["raw_values"]) == (2, 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": -1}, "since"), ({"limit": 0}, "limit"), ({"limit": 1001}, "limit")],
)
def test_a_bad_cursor_or_limit_answers_422(
    client: TestClient, partnership: Partnership, params: dict[str, int], field: str
) -> None:
    response = client.get("/v1/indicators/changes", params=params, headers=partnership.headers(ING))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


# Sightings


@pytest.mark.parametrize(
    "kind", ["payment_attempted", "call_received", "message_received", "visited", "false_positive"]
)
def test_a_sighting_answers_201_and_is_audited(
    client: TestClient, partnership: Partnership, database: Database, kind: str
) -> None:
    [indicator] = list_indicators(client, partnership, [{"value": FRAUD_PHONE}])
    seen_at = days_ago(1).replace(microsecond=0)
    response = client.post(
        f"/v1/indicators/{indicator['id']}/sightings",
        json={"kind": kind, "seen_at": seen_at.isoformat(), "count": 3},
        headers=partnership.headers(KPN),
    )
    assert response.status_code == 201, response.text
    sighting = response.json()
    assert (sighting["indicator_id"], sighting["kind"], sighting["count"]) == (
        indicator["id"],
        kind,
        3,
    )
    assert datetime.fromisoformat(sighting["seen_at"]) == seen_at
    [entry] = audit_entries(database, "indicator.sighting")
    assert entry.subject_id == indicator["token"]
    assert entry.details == {"kind": kind, "count": 3}
    assert entry.partner_id == partnership.ids[KPN]


def test_a_sighting_of_an_unknown_indicator_answers_404(
    client: TestClient, partnership: Partnership
) -> None:
    response = client.post(
        "/v1/indicators/999/sightings", json={"kind": "visited"}, headers=partnership.headers(ING)
    )
    assert response.status_code == 404
    assert [error["field"] for error in response.json()["errors"]] == ["indicator_id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "seen"}, "kind"),
        ({"kind": "visited", "count": 0}, "count"),
        ({"kind": "visited", "seen_at": "2026-01-01T10:00:00"}, "seen_at"),
        ({"kind": "visited", "extra": True}, "extra"),
    ],
)
def test_an_invalid_sighting_answers_422_naming_the_field(
    client: TestClient, partnership: Partnership, body: dict[str, Any], field: str
) -> None:
    [indicator] = list_indicators(client, partnership, [{"value": FRAUD_PHONE}])
    response = client.post(
        f"/v1/indicators/{indicator['id']}/sightings", json=body, headers=partnership.headers(ING)
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_sighting_in_the_future_answers_422(client: TestClient, partnership: Partnership) -> None:
    [indicator] = list_indicators(client, partnership, [{"value": FRAUD_PHONE}])
    response = client.post(
        f"/v1/indicators/{indicator['id']}/sightings",
        json={"kind": "call_received", "seen_at": days_ago(-365).isoformat()},
        headers=partnership.headers(KPN),
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["seen_at"]


def test_a_payment_attempt_moves_last_seen_and_an_older_one_does_not(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=100)
    before = lookup(client, partnership, FRAUD_IBAN)
    headers = partnership.headers(ING)
    path = f"/v1/indicators/{before['id']}/sightings"
    older = days_ago(120).isoformat()
    client.post(path, json={"kind": "payment_attempted", "seen_at": older}, headers=headers)
    assert lookup(client, partnership, FRAUD_IBAN)["last_seen"] == before["last_seen"]
    client.post(path, json={"kind": "payment_attempted"}, headers=headers)
    after = lookup(client, partnership, FRAUD_IBAN)
    assert abs(datetime.fromisoformat(after["last_seen"]) - days_ago(0)) < timedelta(minutes=1)
    assert after["first_seen"] == before["first_seen"]
    assert after["confidence"] > before["confidence"]  # recent again: no longer faded
    assert after["change"] > before["change"]


def test_a_false_positive_does_not_move_last_seen(
    client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership, 2, ibans=[FRAUD_IBAN], reported_days_ago=30)
    before = lookup(client, partnership, FRAUD_IBAN)
    client.post(
        f"/v1/indicators/{before['id']}/sightings",
        json={"kind": "false_positive"},
        headers=partnership.headers(ING),
    )
    after = lookup(client, partnership, FRAUD_IBAN)
    assert after["last_seen"] == before["last_seen"]
    assert after["confidence"] < before["confidence"]
