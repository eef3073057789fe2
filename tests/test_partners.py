"""The partner directory: who holds which bank codes and number ranges, so work can be routed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.errors import Conflict, InvalidInput
from fraudlink.partners import service
from fraudlink.partners.models import PartnerType
from tests.factories import OPERATOR, add_key, add_partner, bearer


def test_an_iban_is_routed_to_the_bank_holding_its_bank_code(database: Database) -> None:
    volksbank = add_partner(database, "de Volksbank", bank_codes=["SNSB", "ASNB", "RBRB"])
    mollie = add_partner(database, "Mollie", PartnerType.PSP, bank_codes=["MLLE"])
    with database.read_only() as session:
        directory = service.directory(session)
    assert directory.account_holder("NL", "ASNB") == volksbank
    assert directory.account_holder("NL", "MLLE") == mollie
    assert directory.account_holder("NL", "ABNA") is None
    assert directory.account_holder("BE", "ASNB") is None


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
        directory = service.directory(session)
    found = directory.number_holder(number)
    assert (directory.names[found] if found else None) == holder


def test_a_domain_is_routed_to_its_owner(database: Database) -> None:
    marketplace = add_partner(
        database, "Marktplaats", PartnerType.MARKETPLACE, domains=["www.Marktplaats.nl"]
    )
    with database.read_only() as session:
        directory = service.directory(session)
    assert directory.domain_holder("marktplaats.nl") == marketplace
    assert directory.domain_holder("marktplaats-veilig.nl") is None
    assert directory.of_type(PartnerType.MARKETPLACE) == [marketplace]
    assert directory.named("Marktplaats") == marketplace


def test_the_directory_is_read_once_a_session_and_knows_a_partner_added_in_it(
    database: Database,
) -> None:
    with database.transaction() as session:
        before = service.directory(session)
        assert service.directory(session) is before  # not read again
        bunq = service.create(
            session, name="bunq", partner_type=PartnerType.BANK, bank_codes=["BUNQ"], actor=OPERATOR
        )
        after = service.directory(session)
    assert before.named("bunq") is None
    assert after.named("bunq") == bunq.id
    assert after.account_holder("NL", "BUNQ") == bunq.id


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
