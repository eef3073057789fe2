"""Each partner sees only what its role may see of a report, and every read is in the audit log."""

from __future__ import annotations

from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from fraudlink.database import Database, table_of, utcnow
from fraudlink.reports.models import Report, ReportRecipient
from tests.factories import add_key, bearer
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
    ODIDO,
    ODIDO_NUMBER,
    POLICE,
    PROSECUTION,
    RABO_IBAN,
    RABOBANK,
    RESEARCH,
    VICTIM_SUPPORT,
    WALLET,
    Partnership,
    report,
    routed,
    submit,
)

NARRATIVE: Final = (
    "Een medewerker van de bank belde, hij kende mijn naam. Codewoord ZEBRA-7731: "
    "ik moest alles naar een veilige rekening overmaken."
)
URL: Final = "https://www.marktplaats.nl/v/fietsen/m2024"
EMAIL: Final = "koper@marktplaats.nl"
USERNAME: Final = "fietsverkoper88"
# A report that reaches nearly everyone: two banks, the victim's bank, two operators, the
# marketplace and the police.
EVERYTHING: Final = report(
    fraud_type="bank_helpdesk",
    channel="phone_call",
    payments=[
        {"amount_cents": 250_000, "method": "transfer", "beneficiary_iban": ING_IBAN},
        {"amount_cents": 50_000, "method": "instant", "beneficiary_iban": ABN_IBAN},
        {"amount_cents": 10_000, "method": "crypto", "beneficiary_wallet": WALLET},
    ],
    identifiers=[
        {"value": KPN_NUMBER},
        {"value": ODIDO_NUMBER},
        {"value": URL},
        {"value": EMAIL},
        {"value": ABN_IBAN},
        {"value": USERNAME, "kind": "username"},
    ],
    victim_iban=RABO_IBAN,
    age_band="70+",
    aangifte_wanted=True,
    contact_consent=True,
    narrative=NARRATIVE,
)
ALL_PAYMENTS: Final = [ING_IBAN, ABN_IBAN, WALLET]
ALL_IDENTIFIERS: Final = [KPN_NUMBER, ODIDO_NUMBER, URL, EMAIL, ABN_IBAN]
AS_REPORTED: Final = {
    "aangifte_made": False,
    "aangifte_reference": None,
    "aangifte_wanted": True,
    "contact_consent": True,
}
FOLLOW_UP_FIELDS: Final = (
    "aangifte_made",
    "aangifte_reference",
    "aangifte_wanted",
    "contact_consent",
)


@pytest.fixture
def reference(client: TestClient, partnership: Partnership) -> str:
    receipt = submit(client, partnership, EVERYTHING)
    assert set(routed(receipt)) == {ING, ABN_AMRO, RABOBANK, KPN, ODIDO, MARKTPLAATS, POLICE}
    reference: str = receipt["reference"]
    return reference


def read(client: TestClient, partnership: Partnership, name: str, reference: str) -> Any:
    response = client.get(f"/v1/reports/{reference}", headers=partnership.headers(name))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("partner", "payments", "identifiers", "usernames", "victim_iban", "narrative", "follow_up"),
    [
        pytest.param(ING, [ING_IBAN], [], False, False, False, False, id="beneficiary bank"),
        pytest.param(
            ABN_AMRO, [ABN_IBAN], [ABN_IBAN], False, False, False, False, id="other beneficiary"
        ),
        pytest.param(RABOBANK, ALL_PAYMENTS, [], False, True, False, False, id="victim's bank"),
        pytest.param(KPN, [], [KPN_NUMBER], False, False, False, False, id="operator"),
        pytest.param(ODIDO, [], [ODIDO_NUMBER], False, False, False, False, id="other operator"),
        pytest.param(MARKTPLAATS, [], [URL, EMAIL], True, False, False, False, id="marketplace"),
        pytest.param(POLICE, ALL_PAYMENTS, ALL_IDENTIFIERS, True, True, True, True, id="police"),
        pytest.param(
            HELPDESK, ALL_PAYMENTS, ALL_IDENTIFIERS, True, True, True, True, id="submitter"
        ),
    ],
)
def test_each_role_sees_only_its_part(
    client: TestClient,
    partnership: Partnership,
    reference: str,
    partner: str,
    payments: list[str],
    identifiers: list[str],
    usernames: bool,
    victim_iban: bool,
    narrative: bool,
    follow_up: bool,
) -> None:
    shown = read(client, partnership, partner, reference)
    assert [payment["beneficiary"] for payment in shown["payments"]] == payments
    assert [identifier["value"] for identifier in shown["identifiers"]] == identifiers
    assert shown["usernames"] == ([USERNAME] if usernames else [])
    assert shown["victim_iban"] == (RABO_IBAN if victim_iban else None)
    assert shown["narrative"] == (NARRATIVE if narrative else None)
    follow_up_answers = {name: shown[name] for name in FOLLOW_UP_FIELDS}
    assert follow_up_answers == (AS_REPORTED if follow_up else dict.fromkeys(FOLLOW_UP_FIELDS))
    # What every recipient needs to act, whatever its role.
    assert (shown["reference"], shown["fraud_type"], shown["total_loss_cents"]) == (
        reference,
        "bank_helpdesk",
        310_000,
    )


@pytest.mark.parametrize("partner", [ING, ABN_AMRO, RABOBANK, KPN, ODIDO, MARKTPLAATS])
@pytest.mark.parametrize("path", ["/v1/inbox", "/v1/reports/{reference}"])
def test_the_narrative_never_reaches_banks_operators_or_marketplaces(
    client: TestClient, partnership: Partnership, reference: str, partner: str, path: str
) -> None:
    response = client.get(path.format(reference=reference), headers=partnership.headers(partner))
    assert response.status_code == 200
    assert reference in response.text
    for secret in (NARRATIVE, "ZEBRA-7731", "veilige rekening"):
        assert secret not in response.text


@pytest.mark.parametrize("partner", [ING, ABN_AMRO, KPN, ODIDO, MARKTPLAATS])
def test_only_the_victims_bank_and_casework_see_the_victims_account(
    client: TestClient, partnership: Partnership, reference: str, partner: str
) -> None:
    response = client.get(f"/v1/reports/{reference}", headers=partnership.headers(partner))
    assert RABO_IBAN not in response.text


def test_the_prosecution_sees_the_narrative_but_not_the_victims_follow_up(
    client: TestClient, partnership: Partnership, database: Database, reference: str
) -> None:
    # Routing never sends a report to the prosecution; give it one as a future rule (or a
    # police hand-over) would, to see what its role may see.
    with database.transaction() as session:
        report_id = session.scalar(select(Report.id).where(Report.reference == reference))
        session.execute(
            insert(table_of(ReportRecipient)),
            [
                {
                    "report_id": report_id,
                    "partner_id": partnership.ids[PROSECUTION],
                    "reasons": ["aangifte_wanted"],
                    "routed_at": utcnow(),
                }
            ],
        )
    shown = read(client, partnership, PROSECUTION, reference)
    assert shown["narrative"] == NARRATIVE
    assert [payment["beneficiary"] for payment in shown["payments"]] == ALL_PAYMENTS
    assert shown["victim_iban"] == RABO_IBAN
    assert {name: shown[name] for name in FOLLOW_UP_FIELDS} == dict.fromkeys(FOLLOW_UP_FIELDS)


def test_a_key_without_read_narrative_sees_everything_but_the_narrative(
    client: TestClient, partnership: Partnership, reference: str
) -> None:
    token = add_key(partnership.database, POLICE, scopes=["report:read"])
    shown = client.get(f"/v1/reports/{reference}", headers=bearer(token)).json()
    assert shown["narrative"] is None
    assert shown["victim_iban"] == RABO_IBAN
    assert [payment["beneficiary"] for payment in shown["payments"]] == ALL_PAYMENTS
    assert NARRATIVE not in client.get("/v1/inbox", headers=bearer(token)).text


@pytest.mark.parametrize("partner", [MOLLIE, PROSECUTION, VICTIM_SUPPORT, IDENTITY_DESK])
def test_a_partner_that_neither_submitted_nor_received_gets_404(
    client: TestClient, partnership: Partnership, reference: str, partner: str
) -> None:
    response = client.get(f"/v1/reports/{reference}", headers=partnership.headers(partner))
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "reference"
    inbox = client.get("/v1/inbox", params={"status": "all"}, headers=partnership.headers(partner))
    assert inbox.json()["items"] == []


def test_an_unknown_reference_is_404_like_a_foreign_one(
    client: TestClient, partnership: Partnership, reference: str
) -> None:
    unknown = client.get("/v1/reports/FL-1999-000001", headers=partnership.headers(POLICE))
    foreign = client.get(f"/v1/reports/{reference}", headers=partnership.headers(MOLLIE))
    assert unknown.status_code == foreign.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/inbox"),
        ("get", "/v1/reports/{reference}"),
        ("post", "/v1/inbox/1/acknowledge"),
    ],
)
def test_research_reads_no_reports(
    client: TestClient, partnership: Partnership, reference: str, method: str, path: str
) -> None:
    response = client.request(
        method, path.format(reference=reference), headers=partnership.headers(RESEARCH)
    )
    assert response.status_code == 403
    assert "report:read" in response.json()["detail"]


def _reads(client: TestClient, partnership: Partnership, partner: str) -> list[str]:
    entries = client.get(
        "/v1/audit", params={"action": "report.read"}, headers=partnership.headers(partner)
    ).json()["entries"]
    return [entry["subject_id"] for entry in entries]


@pytest.mark.parametrize("partner", [ING, KPN, POLICE])
def test_every_read_is_in_the_audit_log(
    client: TestClient, partnership: Partnership, reference: str, partner: str
) -> None:
    headers = partnership.headers(partner)
    assert _reads(client, partnership, partner) == []
    client.get("/v1/inbox", headers=headers)
    assert _reads(client, partnership, partner) == [reference]
    client.get(f"/v1/reports/{reference}", headers=headers)
    client.get("/v1/inbox", params={"status": "all"}, headers=headers)
    assert _reads(client, partnership, partner) == [reference] * 3


def test_a_refused_read_leaves_no_read_entry(
    client: TestClient, partnership: Partnership, reference: str
) -> None:
    client.get(f"/v1/reports/{reference}", headers=partnership.headers(MOLLIE))
    assert _reads(client, partnership, MOLLIE) == []


def test_an_inbox_item_is_acknowledged_once(
    client: TestClient, partnership: Partnership, reference: str
) -> None:
    headers = partnership.headers(ING)
    [item] = client.get("/v1/inbox", headers=headers).json()["items"]
    assert item["acknowledged_at"] is None
    acknowledge = f"/v1/inbox/{item['id']}/acknowledge"
    assert client.post(acknowledge, headers=headers).status_code == 204
    [done] = client.get("/v1/inbox", params={"status": "all"}, headers=headers).json()["items"]
    assert done["acknowledged_at"] is not None
    assert client.get("/v1/inbox", headers=headers).json()["items"] == []

    assert client.post(acknowledge, headers=headers).status_code == 204
    [again] = client.get("/v1/inbox", params={"status": "all"}, headers=headers).json()["items"]
    assert again["acknowledged_at"] == done["acknowledged_at"]
    entries = client.get(
        "/v1/audit", params={"action": "report.acknowledge"}, headers=headers
    ).json()["entries"]
    assert [entry["subject_id"] for entry in entries] == [reference]


@pytest.mark.parametrize("partner", [ABN_AMRO, HELPDESK, MOLLIE])
def test_another_partners_item_cannot_be_acknowledged(
    client: TestClient, partnership: Partnership, reference: str, partner: str
) -> None:
    [item] = client.get("/v1/inbox", headers=partnership.headers(ING)).json()["items"]
    response = client.post(
        f"/v1/inbox/{item['id']}/acknowledge", headers=partnership.headers(partner)
    )
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "item_id"
    [still_open] = client.get("/v1/inbox", headers=partnership.headers(ING)).json()["items"]
    assert still_open["acknowledged_at"] is None


def test_an_unknown_item_is_404(client: TestClient, partnership: Partnership) -> None:
    response = client.post("/v1/inbox/999999/acknowledge", headers=partnership.headers(ING))
    assert response.status_code == 404


def test_the_inbox_pages_oldest_first(client: TestClient, partnership: Partnership) -> None:
    references = [
        submit(client, partnership, report(victim_iban=RABO_IBAN, external_id=f"r{number}"))[
            "reference"
        ]
        for number in range(5)
    ]
    headers = partnership.headers(RABOBANK)
    seen: list[str] = []
    after_id = 0
    while True:
        page = client.get(
            "/v1/inbox", params={"after_id": after_id, "limit": 2}, headers=headers
        ).json()
        seen += [item["report"]["reference"] for item in page["items"]]
        if page["next_after_id"] is None:
            break
        after_id = page["next_after_id"]
    assert seen == references
