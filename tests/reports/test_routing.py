"""Report once: every partner that must act gets the report in its inbox, and none other does."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.partners.models import PartnerType
from fraudlink.settings import Settings
from tests.factories import add_partner
from tests.reports.partnership import (
    ABN_AMRO,
    ABN_IBAN,
    HELPDESK,
    IDENTITY_DESK,
    ING,
    ING_IBAN,
    KPN,
    KPN_NUMBER,
    MARKTPLAATS,
    MOLLIE,
    MOLLIE_IBAN,
    ODIDO,
    ODIDO_NUMBER,
    POLICE,
    RABO_IBAN,
    RABOBANK,
    TRIODOS_IBAN,
    WALLET,
    Partnership,
    client_with,
    count_rows,
    iban,
    report,
    routed,
    submit,
)

DEFAULT_THRESHOLD = 100_000


def paid(amount_cents: int = 5000, **payment: Any) -> list[dict[str, Any]]:
    return [{"amount_cents": amount_cents, "method": "transfer", **payment}]


def reported(*values: str) -> list[dict[str, str]]:
    return [{"value": value} for value in values]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"payments": paid(beneficiary_iban=ING_IBAN)},
            {ING: ["beneficiary_account"]},
            id="beneficiary iban to its bank",
        ),
        pytest.param(
            {"payments": paid(beneficiary_iban=MOLLIE_IBAN)},
            {MOLLIE: ["beneficiary_account"]},
            id="beneficiary iban to its psp",
        ),
        pytest.param(
            {"identifiers": reported(" ".join(ABN_IBAN[at : at + 4] for at in range(0, 18, 4)))},
            {ABN_AMRO: ["beneficiary_account"]},
            id="reported iban to its bank",
        ),
        pytest.param(
            {"victim_iban": RABO_IBAN}, {RABOBANK: ["victim_account"]}, id="victim iban to own bank"
        ),
        pytest.param(
            {"identifiers": reported("06-12345678")},
            {KPN: ["reported_number"]},
            id="phone to the operator of its range",
        ),
        pytest.param(
            {"identifiers": reported(ODIDO_NUMBER)},
            {ODIDO: ["reported_number"]},
            id="phone to the other operator",
        ),
        pytest.param(
            {"identifiers": reported("https://www.marktplaats.nl/v/fietsen/m123")},
            {MARKTPLAATS: ["reported_domain"]},
            id="url on a partner domain",
        ),
        pytest.param(
            {"identifiers": reported("verkoper@marktplaats.nl")},
            {MARKTPLAATS: ["reported_domain"]},
            id="e-mail on a partner domain",
        ),
        pytest.param(
            {"identifiers": reported("https://link.marktplaats.nl/x")},
            {MARKTPLAATS: ["reported_domain"]},
            id="subdomain of a partner domain",
        ),
        pytest.param(
            {"aangifte_wanted": True}, {POLICE: ["aangifte_wanted"]}, id="aangifte wanted"
        ),
        pytest.param(
            {"fraud_type": "identity"}, {IDENTITY_DESK: ["identity_fraud"]}, id="identity fraud"
        ),
        pytest.param(
            {"payments": paid(DEFAULT_THRESHOLD)},
            {POLICE: ["loss_above_threshold"]},
            id="loss at the threshold",
        ),
        pytest.param({"payments": paid(DEFAULT_THRESHOLD - 1)}, {}, id="loss below the threshold"),
        pytest.param({"payments": paid(beneficiary_iban=TRIODOS_IBAN)}, {}, id="unknown bank code"),
        pytest.param({"victim_iban": TRIODOS_IBAN}, {}, id="victim at an unknown bank"),
        pytest.param(
            {"identifiers": reported("+31687654321")}, {}, id="phone in no partner's range"
        ),
        pytest.param(
            {"identifiers": reported("https://marktplaats-nl.com/v/fietsen")},
            {},
            id="lookalike domain",
        ),
        pytest.param(
            {"payments": paid(method="crypto", beneficiary_wallet=WALLET)}, {}, id="wallet"
        ),
        pytest.param(
            {"identifiers": [{"value": "fietsverkoper88", "kind": "username"}]},
            {},
            id="username",
        ),
        pytest.param({}, {}, id="nothing to route"),
    ],
)
def test_each_rule_routes_to_the_partner_that_must_act(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    changes: dict[str, Any],
    expected: dict[str, list[str]],
) -> None:
    receipt = submit(client, partnership, report(**changes))
    assert routed(receipt) == expected
    # The receipt tells the truth: exactly these inbox items exist, each with its reasons.
    assert count_rows(database, ("report_recipients",)) == {"report_recipients": len(expected)}
    for name, reasons in expected.items():
        [item] = client.get("/v1/inbox", headers=partnership.headers(name)).json()["items"]
        assert item["report"]["reference"] == receipt["reference"]
        assert item["report"]["reasons"] == sorted(reasons)


def test_aangifte_wanted_reaches_every_police_partner(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    add_partner(database, "Politie Eenheid Rotterdam", PartnerType.POLICE)
    receipt = submit(client, partnership, report(aangifte_wanted=True))
    assert routed(receipt) == {
        POLICE: ["aangifte_wanted"],
        "Politie Eenheid Rotterdam": ["aangifte_wanted"],
    }


@pytest.mark.parametrize(
    ("threshold", "loss", "police"),
    [
        ("50000", 49_999, False),
        ("50000", 50_000, True),
        ("50000", 50_001, True),
        ("0", 10_000_000, False),  # 0 switches the rule off
        ("1", 1, True),
    ],
)
def test_the_police_threshold_is_the_setting(
    settings: Settings,
    partnership: Partnership,
    monkeypatch: pytest.MonkeyPatch,
    threshold: str,
    loss: int,
    police: bool,
) -> None:
    with client_with(monkeypatch, police_threshold_cents=threshold) as client:
        receipt = submit(client, partnership, report(payments=paid(loss)))
    assert routed(receipt) == ({POLICE: ["loss_above_threshold"]} if police else {})


def test_the_identity_fraud_desk_is_the_partner_the_setting_names(
    settings: Settings, partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_with(monkeypatch, identity_fraud_desk=HELPDESK) as client:
        receipt = submit(client, partnership, report(fraud_type="identity"))
    assert routed(receipt) == {HELPDESK: ["identity_fraud"]}


@pytest.mark.parametrize(
    ("changes", "partner", "reasons"),
    [
        pytest.param(
            {"payments": paid(beneficiary_iban=ING_IBAN), "victim_iban": iban("INGB", 7654321)},
            ING,
            ["beneficiary_account", "victim_account"],
            id="bank of beneficiary and victim",
        ),
        pytest.param(
            {"aangifte_wanted": True, "payments": paid(DEFAULT_THRESHOLD)},
            POLICE,
            ["aangifte_wanted", "loss_above_threshold"],
            id="police for aangifte and loss",
        ),
        pytest.param(
            {
                "payments": paid(beneficiary_iban=ABN_IBAN) + paid(beneficiary_iban=ABN_IBAN),
                "identifiers": reported(ABN_IBAN),
            },
            ABN_AMRO,
            ["beneficiary_account"],
            id="one account three times",
        ),
        pytest.param(
            {"identifiers": reported(KPN_NUMBER, "+31613000000", "06-12345678")},
            KPN,
            ["reported_number"],
            id="three numbers of one operator",
        ),
    ],
)
def test_a_partner_found_twice_gets_one_item_with_every_reason_once(
    client: TestClient,
    partnership: Partnership,
    changes: dict[str, Any],
    partner: str,
    reasons: list[str],
) -> None:
    receipt = submit(client, partnership, report(**changes))
    assert routed(receipt) == {partner: reasons}
    items = client.get("/v1/inbox", headers=partnership.headers(partner)).json()["items"]
    assert len(items) == 1
    assert items[0]["report"]["reasons"] == sorted(reasons)


def test_one_report_reaches_everyone_at_once(client: TestClient, partnership: Partnership) -> None:
    receipt = submit(
        client,
        partnership,
        report(
            fraud_type="identity",
            payments=paid(60_000, beneficiary_iban=ING_IBAN)
            + paid(50_000, beneficiary_iban=MOLLIE_IBAN),
            victim_iban=RABO_IBAN,
            identifiers=reported(KPN_NUMBER, ODIDO_NUMBER, "https://www.marktplaats.nl/v/1"),
            aangifte_wanted=True,
        ),
    )
    assert routed(receipt) == {
        ING: ["beneficiary_account"],
        RABOBANK: ["victim_account"],
        MOLLIE: ["beneficiary_account"],
        KPN: ["reported_number"],
        ODIDO: ["reported_number"],
        MARKTPLAATS: ["reported_domain"],
        POLICE: ["aangifte_wanted", "loss_above_threshold"],
        IDENTITY_DESK: ["identity_fraud"],
    }


def test_the_longest_number_range_wins(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    add_partner(database, "MVNO", PartnerType.TELECOM, number_ranges=["+3161234"])
    receipt = submit(client, partnership, report(identifiers=reported(KPN_NUMBER, "+31612000000")))
    assert routed(receipt) == {"MVNO": ["reported_number"], KPN: ["reported_number"]}
