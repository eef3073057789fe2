"""Confidence as service.py's docstring states it, on cases worked out by hand, and the cap on
over-correlating values:

    confidence = (1 - 0.65^R * prod(1 - 0.5 t_p) * prod(1 - 0.95 t_c))
                 * 0.5^(days since last seen / 180) * 0.5^F

Trust t: police 1.0, bank and PSP 0.9, telecom 0.8, helpdesk and marketplace 0.7, victim
support 0.5. Evidence is put in through the API, reports dated with ``reported_at``.
"""

from __future__ import annotations

from typing import Final

import pytest
from fastapi.testclient import TestClient

from tests.indicators.exchange import (
    FRAUD_IBAN,
    check,
    client_for,
    file_report,
    file_reports,
    list_indicators,
    lookup,
)
from tests.reports.partnership import (
    ABN_AMRO,
    HELPDESK,
    ING,
    KPN,
    MARKTPLAATS,
    MOLLIE,
    POLICE,
    VICTIM_SUPPORT,
    Partnership,
)

# Half a day past the whole days, so that "days since last seen" is exactly the whole number.
HALF: Final = 0.5


@pytest.mark.parametrize(
    ("reported_days_ago", "expected"),
    [
        pytest.param([0], 0.35, id="one report: 1 - 0.65"),
        pytest.param([0, 0], 0.5775, id="two: 1 - 0.4225"),
        pytest.param([0, 0, 0], 0.725375, id="three: 1 - 0.274625"),
        pytest.param([0] * 6, 1 - 0.65**6, id="six"),
        pytest.param([180 + HALF, 180 + HALF], 0.5775 * 0.5, id="two, a half-life ago"),
        pytest.param([360 + HALF], 0.35 * 0.25, id="one, two half-lives ago"),
        pytest.param([90 + HALF], 0.35 * 0.5**0.5, id="one, half a half-life ago"),
        pytest.param([90 + HALF, 200], 0.5775 * 0.5**0.5, id="fading from the last one"),
        pytest.param([200, 90 + HALF], 0.5775 * 0.5**0.5, id="in any order"),
    ],
)
def test_reports_combine_like_independent_witnesses_and_fade(
    client: TestClient, partnership: Partnership, reported_days_ago: list[float], expected: float
) -> None:
    for days in reported_days_ago:
        file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=days or None)
    found = lookup(client, partnership, FRAUD_IBAN)
    assert found["confidence"] == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("listings", "expected"),
    [
        pytest.param([(ING, False)], 0.45, id="bank: 0.5 x 0.9"),
        pytest.param([(ING, True)], 0.855, id="bank case: 0.95 x 0.9"),
        pytest.param([(MOLLIE, True)], 0.855, id="psp case: 0.95 x 0.9"),
        pytest.param([(POLICE, False)], 0.5, id="police: 0.5 x 1.0"),
        pytest.param([(POLICE, True)], 0.95, id="police case: 0.95 x 1.0"),
        pytest.param([(KPN, True)], 0.76, id="telecom case: 0.95 x 0.8"),
        pytest.param([(HELPDESK, True)], 0.665, id="helpdesk case: 0.95 x 0.7"),
        pytest.param([(MARKTPLAATS, False)], 0.35, id="marketplace: 0.5 x 0.7"),
        pytest.param([(VICTIM_SUPPORT, False)], 0.25, id="victim support: 0.5 x 0.5"),
        pytest.param([(ING, True), (POLICE, True)], 1 - 0.145 * 0.05, id="two cases"),
        pytest.param([(ING, False), (ABN_AMRO, False)], 1 - 0.55 * 0.55, id="two banks"),
    ],
)
def test_partner_listings_weigh_by_confirmation_and_trust(
    client: TestClient, partnership: Partnership, listings: list[tuple[str, bool]], expected: float
) -> None:
    for lister, confirmed in listings:
        list_indicators(
            client, partnership, [{"value": FRAUD_IBAN, "confirmed": confirmed}], by=lister
        )
    assert lookup(client, partnership, FRAUD_IBAN)["confidence"] == pytest.approx(
        expected, abs=1e-4
    )


def test_reports_and_listings_combine(client: TestClient, partnership: Partnership) -> None:
    file_reports(client, partnership, 2, ibans=[FRAUD_IBAN])
    list_indicators(client, partnership, [{"value": FRAUD_IBAN}], by=ING)
    list_indicators(client, partnership, [{"value": FRAUD_IBAN, "confirmed": True}], by=POLICE)
    # 1 - 0.65^2 x (1 - 0.5 x 0.9) x (1 - 0.95 x 1.0) = 1 - 0.4225 x 0.55 x 0.05
    expected = 1 - 0.4225 * 0.55 * 0.05
    assert lookup(client, partnership, FRAUD_IBAN)["confidence"] == pytest.approx(
        expected, abs=1e-4
    )


def test_a_fresh_listing_ends_the_fading_of_old_reports(
    client: TestClient, partnership: Partnership
) -> None:
    file_report(client, partnership, ibans=[FRAUD_IBAN], reported_days_ago=180 + HALF)
    assert lookup(client, partnership, FRAUD_IBAN)["confidence"] == pytest.approx(0.175, abs=1e-4)
    list_indicators(client, partnership, [{"value": FRAUD_IBAN, "confirmed": True}], by=ING)
    # Last seen now: 1 - 0.65 x (1 - 0.95 x 0.9), not faded.
    expected = 1 - 0.65 * 0.145
    assert lookup(client, partnership, FRAUD_IBAN)["confidence"] == pytest.approx(
        expected, abs=1e-4
    )


@pytest.mark.parametrize(
    ("false_positives", "expected"),
    [
        pytest.param([], 0.5775, id="none"),
        pytest.param([ING], 0.5775 * 0.5, id="one partner"),
        pytest.param([ING, ING, ING], 0.5775 * 0.5, id="one partner thrice"),
        pytest.param([ING, KPN], 0.5775 * 0.25, id="two partners"),
        pytest.param([ING, KPN, POLICE], 0.5775 * 0.125, id="three partners"),
    ],
)
def test_each_partner_that_saw_a_false_positive_halves_confidence(
    client: TestClient, partnership: Partnership, false_positives: list[str], expected: float
) -> None:
    file_reports(client, partnership, 2, ibans=[FRAUD_IBAN])
    indicator_id = lookup(client, partnership, FRAUD_IBAN)["id"]
    for partner in false_positives:
        response = client.post(
            f"/v1/indicators/{indicator_id}/sightings",
            json={"kind": "false_positive"},
            headers=partnership.headers(partner),
        )
        assert response.status_code == 201
    found = lookup(client, partnership, FRAUD_IBAN)
    assert found["confidence"] == pytest.approx(expected, abs=1e-4)
    # A false positive weakens the evidence; it does not undo the standard of proof.
    assert found["shared_as_fraud"] is True


def test_other_sightings_leave_a_fresh_indicators_confidence_alone(
    client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership, 2, ibans=[FRAUD_IBAN])
    indicator_id = lookup(client, partnership, FRAUD_IBAN)["id"]
    for kind in ("payment_attempted", "call_received", "visited"):
        client.post(
            f"/v1/indicators/{indicator_id}/sightings",
            json={"kind": kind},
            headers=partnership.headers(ING),
        )
    assert lookup(client, partnership, FRAUD_IBAN)["confidence"] == pytest.approx(0.5775, abs=1e-4)


# The over-correlation cap


@pytest.mark.parametrize(("reports", "capped"), [(2, False), (3, False), (4, True), (6, True)])
def test_a_value_in_more_reports_than_the_cap_is_capped(
    settings: object, partnership: Partnership, reports: int, capped: bool
) -> None:
    with client_for(correlation_cap=3) as client:
        file_reports(client, partnership, reports, ibans=[FRAUD_IBAN])
        found = lookup(client, partnership, FRAUD_IBAN)
        assert found["report_count"] == reports
        assert found["capped"] is capped
        assert found["shared_as_fraud"] is not capped
        if capped:
            assert found["confidence"] == 0
        else:
            assert found["confidence"] == pytest.approx(1 - 0.65**reports, abs=1e-4)
        assert check(client, FRAUD_IBAN)["reported"] is not capped


def test_a_capped_value_stays_unshared_even_with_a_confirmed_case(
    settings: object, partnership: Partnership
) -> None:
    with client_for(correlation_cap=3) as client:
        file_reports(client, partnership, 4, ibans=[FRAUD_IBAN])
        [listed] = list_indicators(
            client, partnership, [{"value": FRAUD_IBAN, "confirmed": True}], by=POLICE
        )
        assert (listed["capped"], listed["confidence"], listed["shared_as_fraud"]) == (
            True,
            0,
            False,
        )


def test_the_default_cap_leaves_a_handful_of_reports_alone(
    client: TestClient, partnership: Partnership
) -> None:
    file_reports(client, partnership, 7, ibans=[FRAUD_IBAN])
    found = lookup(client, partnership, FRAUD_IBAN)
    assert (found["capped"], found["shared_as_fraud"]) == (False, True)
