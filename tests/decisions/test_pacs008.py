"""Banks send payments as they hold them: ISO 20022 pacs.008 in XML or JSON."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.decisions.payments import CUSTOMER, LANDLORD, MULE, codes, report_mule
from tests.reports.partnership import ING, Partnership

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"


def transaction_xml(creditor: str, amount: str, reference: str) -> str:
    return f"""
    <CdtTrfTxInf>
      <PmtId><InstrId>I-{reference}</InstrId><EndToEndId>{reference}</EndToEndId></PmtId>
      <IntrBkSttlmAmt Ccy="EUR">{amount}</IntrBkSttlmAmt>
      <ChrgBr>SLEV</ChrgBr>
      <Dbtr><Nm>A. Klant</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>{CUSTOMER}</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>INGBNL2A</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>MLLENL2A</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>Veilige Rekening</Nm></Cdtr>
      <CdtrAcct><Id><IBAN>{creditor}</IBAN></Id></CdtrAcct>
    </CdtTrfTxInf>"""


def message_xml(*transactions: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE}">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>M-1</MsgId><CreDtTm>2026-11-29T10:15:00+01:00</CreDtTm>
      <NbOfTxs>{len(transactions)}</NbOfTxs>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
    </GrpHdr>
    {"".join(transactions)}
  </FIToFICstmrCdtTrf>
</Document>""".encode()


def message_json(*transactions: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "FIToFICstmrCdtTrf": {
            "GrpHdr": {"MsgId": "M-2", "CreDtTm": "2026-11-29T10:15:00+01:00"},
            "CdtTrfTxInf": [
                {
                    "PmtId": {"EndToEndId": reference},
                    "IntrBkSttlmAmt": {"Ccy": "EUR", "Amt": amount},
                    "DbtrAcct": {"Id": {"IBAN": CUSTOMER}},
                    "Cdtr": {"Nm": "Veilige Rekening"},
                    "CdtrAcct": {"Id": {"IBAN": creditor}},
                }
                for creditor, amount, reference in transactions
            ],
        }
    }


def post_xml(
    client: TestClient, partnership: Partnership, path: str, body: bytes, **params: str
) -> Any:
    return client.post(
        path,
        content=body,
        params=params,
        headers=partnership.headers(ING) | {"Content-Type": "application/xml"},
    )


def test_one_pacs008_xml_transfer_is_decided_with_the_query_extras(
    client: TestClient, partnership: Partnership
) -> None:
    report_mule(client, partnership)
    response = post_xml(
        client,
        partnership,
        "/v1/decisions",
        message_xml(transaction_xml(MULE, "2500.00", "E2E-1")),
        debtor_age_band="70+",
        new_creditor="true",
        channel="mobile",
    )
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["reference"] == "E2E-1"
    assert {"creditor_reported", "older_customer_large_new_creditor"} <= codes(decision)
    facts = next(item for item in decision["reasons"] if item["code"].startswith("older"))
    assert facts["facts"]["amount_cents"] == 250_000


def test_a_pacs008_batch_answers_per_transfer_in_order(
    client: TestClient, partnership: Partnership
) -> None:
    report_mule(client, partnership)
    xml = message_xml(
        transaction_xml(LANDLORD, "12.50", "E2E-A"), transaction_xml(MULE, "900", "E2E-B")
    )
    from_xml = post_xml(client, partnership, "/v1/decisions/batch", xml).json()["decisions"]
    body = message_json((LANDLORD, "12.50", "E2E-C"), (MULE, "900.00", "E2E-D"))
    from_json = client.post(
        "/v1/decisions/batch", json=body, headers=partnership.headers(ING)
    ).json()["decisions"]
    for decisions, references in ((from_xml, ["E2E-A", "E2E-B"]), (from_json, ["E2E-C", "E2E-D"])):
        assert [decision["reference"] for decision in decisions] == references
        assert "creditor_reported" not in codes(decisions[0])
        assert "creditor_reported" in codes(decisions[1])


def test_several_transfers_to_the_single_endpoint_are_refused(
    client: TestClient, partnership: Partnership
) -> None:
    xml = message_xml(transaction_xml(LANDLORD, "1", "A"), transaction_xml(LANDLORD, "2", "B"))
    response = post_xml(client, partnership, "/v1/decisions", xml)
    assert response.status_code == 422
    assert "/v1/decisions/batch" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (message_xml(transaction_xml(LANDLORD, "12.345", "A")), "IntrBkSttlmAmt"),
        (message_xml(transaction_xml(LANDLORD, "twelve", "A")), "IntrBkSttlmAmt"),
        (message_xml(transaction_xml("NL00BANK0123", "12", "A")), "payments.0.creditor_iban"),
        (message_xml(transaction_xml("", "12", "A")), "CdtrAcct.Id.IBAN"),
        (message_xml(), "CdtTrfTxInf"),
        (b"<Document><unclosed></Document>", "body"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>',
            "body",
        ),
    ],
)
def test_a_wrong_message_names_the_element(
    client: TestClient, partnership: Partnership, body: bytes, field: str
) -> None:
    response = post_xml(client, partnership, "/v1/decisions/batch", body)
    assert response.status_code == 422, response.text
    assert field in response.json()["errors"][0]["field"]
