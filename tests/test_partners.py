"""The partner directory: who holds which bank codes and number ranges, so work can be routed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.errors import Conflict, InvalidInput
from fraudlink.partners import service
from fraudlink.partners.models import PartnerType
from tests.factories import add_key, add_partner, bearer


def test_an_iban_is_routed_to_the_bank_holding_its_bank_code(database: Database) -> None:
    add_partner(database, "de Volksbank", bank_codes=["SNSB", "ASNB", "RBRB"])
    add_partner(database, "Mollie", PartnerType.PSP, bank_codes=["MLLE"])
    with database.read_only() as session:
        holder = service.account_holder(session, country_code="NL", bank_code="ASNB")
        psp = service.account_holder(session, country_code="NL", bank_code="MLLE")
        nobody = service.account_holder(session, country_code="NL", bank_code="ABNA")
        foreign = service.account_holder(session, country_code="BE", bank_code="ASNB")
    assert holder is not None and holder.name == "de Volksbank"
    assert psp is not None and psp.name == "Mollie"
    assert nobody is None
    assert foreign is None


@pytest.mark.parametrize(
    ("number", "holder"),
    [
        ("+31612345678", "Operator A"),
        ("+31613345678", "Operator B"),
        ("+31613999999", "Operator C"),
        ("+31201234567", None),
    ],
)
def test_a_number_is_routed_by_the_longest_matching_range(
    database: Database, number: str, holder: str | None
) -> None:
    add_partner(database, "Operator A", PartnerType.TELECOM, number_ranges=["+3161"])
    add_partner(database, "Operator B", PartnerType.TELECOM, number_ranges=["+316133"])
    add_partner(database, "Operator C", PartnerType.TELECOM, number_ranges=["+3161399"])
    with database.read_only() as session:
        found = service.number_holder(session, e164=number)
    assert (found.name if found else None) == holder


def test_a_bank_code_belongs_to_one_partner_only(database: Database) -> None:
    add_partner(database, "ABN AMRO", bank_codes=["ABNA"])
    with pytest.raises(Conflict) as raised:
        add_partner(database, "Copycat", bank_codes=["ABNA"])
    assert raised.value.field == "bank_codes"
    with database.read_only() as session:
        assert [partner.name for partner in service.list_all(session)] == ["ABN AMRO"]


@pytest.mark.parametrize("text", ["", "AB NA", "NL:", "nl:abna:x", "ABNA!"])
def test_malformed_bank_codes_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        service.parse_bank_code(text)


def test_a_bank_code_learns_its_bic_from_the_registry() -> None:
    assert service.parse_bank_code("ingb").bic == "INGBNL2A"
    assert service.parse_bank_code("NL:ZZZZ").bic is None


@pytest.mark.parametrize(("text", "prefix"), [("+31 6-12", "+31612"), ("+44", "+44")])
def test_number_prefixes_are_normalised(text: str, prefix: str) -> None:
    assert service.parse_number_prefix(text) == prefix


@pytest.mark.parametrize("text", ["0612", "+0612", "+", "+31a", "+1234567890123456"])
def test_malformed_number_prefixes_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        service.parse_number_prefix(text)


def test_partners_see_the_directory(client: TestClient, database: Database) -> None:
    add_partner(database, "ING", bank_codes=["INGB"])
    add_partner(database, "KPN", PartnerType.TELECOM, number_ranges=["+31612"])
    add_partner(database, "Politie", PartnerType.POLICE)
    token = add_key(database, "Politie")
    partners = client.get("/v1/partners", headers=bearer(token)).json()["partners"]
    assert [(partner["name"], partner["type"]) for partner in partners] == [
        ("ING", "bank"),
        ("Politie", "police"),
        ("KPN", "telecom"),
    ]
    assert partners[0]["bank_codes"] == [
        {"country_code": "NL", "bank_code": "INGB", "bic": "INGBNL2A"}
    ]
    assert partners[2]["number_ranges"] == ["+31612"]
