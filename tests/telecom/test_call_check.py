"""The call check: an operator asks at call set-up whether the presented number is spoofed or
reported, and a block or warning is remembered as a spoofing event."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fraudlink.database import Database
from fraudlink.i18n import translate
from fraudlink.indicators.models import Sighting
from fraudlink.telecom.models import SpoofingEvent
from tests.indicators.exchange import (
    FRAUD_PHONE,
    audit_entries,
    file_report,
    file_reports,
    stored,
    token_of,
)
from tests.reports.partnership import ING, KPN, ODIDO, POLICE, Partnership
from tests.telecom.screening import (
    BANK_LINE,
    FOREIGN_NUMBER,
    KPN_LINE,
    ODIDO_MOBILE,
    POLICE_LINE,
    SUBSCRIBER,
    check_call,
    codes,
    protect,
    rows,
)

PATH = "/v1/telecom/calls/check"


def test_a_protected_inbound_only_number_from_another_network_is_blocked(
    client: TestClient, partnership: Partnership
) -> None:
    protect(client, partnership, "0900-8844", by=POLICE, inbound_only=True, label="Politie")

    dutch = check_call(client, partnership, POLICE_LINE, "domestic_network", by=KPN)
    english = client.post(
        PATH,
        json={"presented_number": "0900 8844", "origin": "domestic_network"},
        headers={**partnership.headers(KPN), "Accept-Language": "en"},
    ).json()

    assert dutch == {
        "verdict": "block",
        "reasons": [
            {
                "code": "do_not_originate",
                "message": translate("telecom.reason_do_not_originate", "nl"),
            }
        ],
    }
    assert english["reasons"][0]["message"] == translate("telecom.reason_do_not_originate", "en")
    assert check_call(client, partnership, POLICE_LINE, "own_network", by=ODIDO)["verdict"] == (
        "block"
    )


@pytest.mark.parametrize(
    ("by", "origin", "verdict", "reasons"),
    [
        (KPN, "own_network", "allow", []),
        (KPN, "domestic_network", "block", ["protected_number_outside_network"]),
        (ODIDO, "own_network", "block", ["protected_number_outside_network"]),
        (ODIDO, "domestic_network", "allow", []),
        (
            ODIDO,
            "international",
            "block",
            ["protected_number_abroad", "mobile_number_abroad"],
        ),
        (
            KPN,
            "international",
            "block",
            [
                "protected_number_abroad",
                "protected_number_outside_network",
                "mobile_number_abroad",
            ],
        ),
    ],
)
def test_a_protected_number_comes_only_from_the_network_that_holds_its_range(
    client: TestClient,
    partnership: Partnership,
    by: str,
    origin: str,
    verdict: str,
    reasons: list[str],
) -> None:
    protect(client, partnership, KPN_LINE, by=POLICE)  # in KPN's range +31613; may call out

    answer = check_call(client, partnership, KPN_LINE, origin, by=by)

    assert (answer["verdict"], codes(answer)) == (verdict, reasons)


@pytest.mark.parametrize(
    ("number", "origin", "verdict", "reasons"),
    [
        (BANK_LINE, "international", "block", ["domestic_number_abroad"]),
        ("088 722 67 67", "international", "block", ["domestic_number_abroad"]),
        ("0800-0024", "international", "block", ["domestic_number_abroad"]),
        (ODIDO_MOBILE, "international", "warn", ["mobile_number_abroad"]),
        (FOREIGN_NUMBER, "international", "allow", []),
        (BANK_LINE, "domestic_network", "allow", []),
        (ODIDO_MOBILE, "own_network", "allow", []),
    ],
)
def test_dutch_numbers_from_abroad(
    client: TestClient,
    partnership: Partnership,
    number: str,
    origin: str,
    verdict: str,
    reasons: list[str],
) -> None:
    answer = check_call(client, partnership, number, origin)
    assert (answer["verdict"], codes(answer)) == (verdict, reasons)


def test_a_number_reported_as_fraud_warns_and_is_sighted_once_an_hour_per_operator(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    file_report(client, partnership, values=[FRAUD_PHONE])
    assert check_call(client, partnership, FRAUD_PHONE, "own_network")["verdict"] == "allow"
    file_report(client, partnership, values=[FRAUD_PHONE])  # now up to the standard of proof

    first = check_call(client, partnership, FRAUD_PHONE, "own_network", by=KPN)
    check_call(client, partnership, FRAUD_PHONE, "domestic_network", by=KPN)
    check_call(client, partnership, FRAUD_PHONE, "domestic_network", by=ODIDO)

    assert (first["verdict"], codes(first)) == ("warn", ["reported_fraud_number"])
    indicator = stored(database, FRAUD_PHONE)
    assert indicator is not None
    with database.read_only() as session:
        sightings = session.execute(
            select(Sighting.partner_id, Sighting.kind, Sighting.count).where(
                Sighting.indicator_id == indicator.id
            )
        ).all()
    assert sorted(sightings) == sorted(
        [(partnership.ids[KPN], "call_received", 1), (partnership.ids[ODIDO], "call_received", 1)]
    )
    assert [event.sighting for event in rows(database, SpoofingEvent)] == [True, False, True]


def test_a_reported_number_that_is_also_spoofed_from_abroad_is_blocked(
    client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership, 2, values=["020 123 4567"])
    answer = check_call(client, partnership, "+31201234567", "international")
    assert (answer["verdict"], codes(answer)) == (
        "block",
        ["domestic_number_abroad", "reported_fraud_number"],
    )


def test_blocks_and_warnings_are_stored_and_audited_and_allowed_calls_leave_no_trace(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    protect(client, partnership, POLICE_LINE, by=POLICE, inbound_only=True)
    callee = token_of(database, SUBSCRIBER)

    check_call(client, partnership, BANK_LINE, "own_network", callee_token=callee)
    check_call(client, partnership, None, "international", callee_token=callee)
    assert rows(database, SpoofingEvent) == []
    assert audit_entries(database, "telecom.call_check") == []

    check_call(client, partnership, POLICE_LINE, "international", callee_token=callee)
    check_call(client, partnership, ODIDO_MOBILE, "international", by=ODIDO)

    blocked, warned = rows(database, SpoofingEvent)
    assert blocked.presented_token == token_of(database, POLICE_LINE)
    assert (blocked.operator_id, blocked.origin, blocked.verdict) == (
        partnership.ids[KPN],
        "international",
        "block",
    )
    assert blocked.reasons == [
        "do_not_originate",
        "protected_number_abroad",
        "domestic_number_abroad",
    ]
    assert blocked.callee_token == callee
    assert blocked.callee_until is not None
    assert blocked.callee_until > blocked.checked_at
    assert (warned.verdict, warned.reasons, warned.callee_token) == (
        "warn",
        ["mobile_number_abroad"],
        None,
    )
    first, second = audit_entries(database, "telecom.call_check")
    assert (first.subject_type, first.subject_id) == ("phone", blocked.presented_token)
    assert first.details == {
        "origin": "international",
        "verdict": "block",
        "reasons": blocked.reasons,
    }
    assert callee not in str(first.details)
    assert second.partner_id == partnership.ids[ODIDO]


def test_only_operators_check_calls(client: TestClient, partnership: Partnership) -> None:
    body = {"presented_number": BANK_LINE, "origin": "international"}
    refused = client.post(PATH, json=body, headers=partnership.headers(ING))
    assert refused.status_code == 403
    assert "telecom:screen" in refused.json()["detail"]
    assert client.post(PATH, json=body, headers=partnership.headers(POLICE)).status_code == 403
    assert client.post(PATH, json=body).status_code == 401


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"presented_number": "anonymous", "origin": "own_network"}, "presented_number", None),
        ({"presented_number": "+31 20 228", "origin": "own_network"}, "presented_number", None),
        ({"origin": "own_network"}, "presented_number", "missing"),
        ({"presented_number": BANK_LINE, "origin": "abroad"}, "origin", "enum"),
        ({"presented_number": BANK_LINE}, "origin", "missing"),
        (
            {"presented_number": BANK_LINE, "origin": "own_network", "callee_token": "06123"},
            "callee_token",
            "string_pattern_mismatch",
        ),
        (
            {"presented_number": BANK_LINE, "origin": "own_network", "callee": SUBSCRIBER},
            "callee",
            "extra_forbidden",
        ),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient,
    partnership: Partnership,
    body: dict[str, Any],
    field: str,
    code: str | None,
) -> None:
    response = client.post(PATH, json=body, headers=partnership.headers(KPN))
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == field
    if code is not None:
        assert error["code"] == code
