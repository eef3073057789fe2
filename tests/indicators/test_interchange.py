"""MISP, STIX 2.1 and CSV in and out: round trips, the libraries themselves reading our files,
other producers' files imported as far as they go, and raw values only where allowed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pytest
import stix2
from pymisp import MISPEvent
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from stix2patterns.validator import run_validator
from typer.testing import CliRunner

from fraudlink.access import service as access_service
from fraudlink.access.service import Principal
from fraudlink.audit.models import AuditEntry
from fraudlink.audit.service import Actor
from fraudlink.cli import app as cli_app
from fraudlink.crypto import installation_keys
from fraudlink.database import Database, keys_of
from fraudlink.identifiers import IdentifierKind, Pseudonymiser, parse
from fraudlink.indicators import interchange, service
from fraudlink.indicators.interchange import Format
from fraudlink.indicators.models import Indicator, Sighting, Submission
from fraudlink.indicators.vocabulary import IndicatorStatus, SightingKind, Tlp
from fraudlink.migrations import upgrade
from fraudlink.partners.models import PartnerType
from fraudlink.settings import Settings
from tests.conftest import (
    POSTGRESQL_URL,
    _drop_postgresql_database,
    _empty_postgresql_database,
    _recreate_postgresql_database,
)
from tests.factories import add_key, add_partner

DATA: Final = Path(__file__).parent.parent / "data" / "interchange"
OPERATOR: Final = Actor(name="cli:test")
POLICY: Final = service.Policy(min_reports=2, correlation_cap=50)
runner = CliRunner()

BANK: Final = "Noordbank"  # lists everything below
OTHER_BANK: Final = "Zuidbank"  # contributed nothing: sees raw values up to AMBER only
TELECOM: Final = "Belnet"  # no indicator:read_raw: tokens only
POLICE: Final = "Politie"  # sees every raw value
SOURCE: Final = "CERT Fraude"  # the producer the sample files name

# value, kind, marking, fraud type: every kind and every TLP level once at least.
LISTINGS: Final = (
    ("NL20INGB0001234567", IdentifierKind.IBAN, Tlp.AMBER, "purchase"),
    ("NL19ABNA0002345678", IdentifierKind.IBAN, Tlp.AMBER_STRICT, "bank_helpdesk"),
    ("+31612345678", IdentifierKind.PHONE, Tlp.GREEN, "bank_helpdesk"),
    ("https://www.nep-winkel.nl/aanbieding", IdentifierKind.URL, Tlp.CLEAR, "purchase"),
    ("nep-bezorging.nl", IdentifierKind.DOMAIN, Tlp.RED, "purchase"),
    ("verkoper@nep-winkel.nl", IdentifierKind.EMAIL, Tlp.AMBER, "phishing"),
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", IdentifierKind.WALLET, Tlp.GREEN, "investment"),
    ("0x52908400098527886e0f7030069857d2e4169ee7", IdentifierKind.WALLET, Tlp.AMBER, "investment"),
)
ORDER: Final = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)
SEEN_AT: Final = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def token_of(database: Database) -> Pseudonymiser:
    with database.read_only() as session:
        return Pseudonymiser(keys_of(session).pseudonym)


def seed(database: Database) -> dict[str, int]:
    """The partnership, and the bank's listings with a sighting and a false positive."""
    ids = {
        BANK: add_partner(database, BANK, PartnerType.BANK),
        OTHER_BANK: add_partner(database, OTHER_BANK, PartnerType.BANK),
        TELECOM: add_partner(database, TELECOM, PartnerType.TELECOM),
        POLICE: add_partner(database, POLICE, PartnerType.POLICE),
    }
    pseudonymiser = token_of(database)
    with database.transaction() as session:
        listed = service.submit(
            session,
            listings=[
                service.Listing(parse(value, kind), fraud_type, False, tlp)
                for value, kind, tlp, fraud_type in LISTINGS
            ],
            partner_id=ids[BANK],
            token_of=pseudonymiser.token,
            actor=OPERATOR,
            policy=POLICY,
        )
        # submit starts a new indicator at AMBER and only ever tightens it (see
        # test_clear_and_green_survive_a_round_trip): set the markings the listings meant.
        for indicator, (_, _, tlp, _) in zip(listed, LISTINGS, strict=True):
            indicator.tlp = tlp
        for kind, indicator, count in (
            (SightingKind.PAYMENT_ATTEMPTED, listed[0], 3),
            (SightingKind.FALSE_POSITIVE, listed[1], 1),
            (SightingKind.CALL_RECEIVED, listed[2], 1),
        ):
            service.add_sighting(
                session,
                indicator_id=indicator.id,
                partner_id=ids[TELECOM],
                kind=kind,
                seen_at=SEEN_AT,
                count=count,
                actor=OPERATOR,
                policy=POLICY,
            )
    return ids


@dataclass(frozen=True)
class Listed:
    kind: str
    value: str | None
    tlp: Tlp
    fraud_types: tuple[str, ...]


def listed(database: Database) -> set[Listed]:
    with database.read_only() as session:
        return {
            Listed(item.kind, item.value, item.tlp, tuple(item.fraud_types))
            for item in session.scalars(select(Indicator))
        }


def sightings(database: Database) -> set[tuple[str | None, SightingKind, int]]:
    with database.read_only() as session:
        return {
            (value, kind, count)
            for value, kind, count in session.execute(
                select(Indicator.value, Sighting.kind, Sighting.count).join(
                    Indicator, Indicator.id == Sighting.indicator_id
                )
            )
        }


def principal_of(database: Database, partner: str) -> Principal:
    token = add_key(database, partner)
    with database.transaction() as session:
        return access_service.authenticate(session, token=token)


def export(database: Database, fmt: Format, principal: Principal | None = None) -> str:
    with database.transaction() as session:
        document, _ = interchange.export(
            session, fmt=fmt, principal=principal, policy=POLICY, actor=OPERATOR
        )
    return document


def write(tmp_path: Path, fmt: Format, document: str) -> Path:
    path = tmp_path / f"export.{'csv' if fmt is Format.CSV else 'json'}"
    path.write_text(document)
    return path


def import_as(database: Database, path: Path, partner_id: int | None) -> interchange.ImportSummary:
    return interchange.import_file(
        database,
        path,
        partner_id=partner_id,
        actor=OPERATOR,
        policy=POLICY,
        token_of=token_of(database).token,
    )


def reasons(summary: interchange.ImportSummary) -> list[str]:
    return sorted(rejected.reason for rejected in summary.rejected)


@pytest.fixture(scope="session")
def other_template(migrated_template: str) -> Iterator[str]:
    """A second migrated database: another installation to import into."""
    if POSTGRESQL_URL:
        url = make_url(migrated_template)
        url = url.set(database=f"{url.database}_other")
        _recreate_postgresql_database(url)
        rendered = url.render_as_string(hide_password=False)
        upgrade(rendered)
        yield rendered
        _drop_postgresql_database(url)
    else:
        yield migrated_template


@pytest.fixture
def other_database(other_template: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh installation of its own: another database and another pseudonym key."""
    if POSTGRESQL_URL:
        _empty_postgresql_database(other_template)
        url = other_template
    else:
        path = tmp_path / "other.db"
        shutil.copyfile(other_template, path)
        url = f"sqlite:///{path}"
    database = Database(url, installation_keys(tmp_path / "other-secret.key"))
    yield database
    database.dispose()


# --- Round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(Format))
def test_an_export_imports_into_a_fresh_installation_as_the_same_indicators(
    database: Database, other_database: Database, tmp_path: Path, fmt: Format
) -> None:
    seed(database)
    path = write(tmp_path, fmt, export(database, fmt))
    importer = add_partner(other_database, BANK, PartnerType.BANK)

    summary = import_as(other_database, path, importer)

    assert summary.format is fmt
    assert summary.rejected == []
    assert summary.listed == len(LISTINGS)
    # The file carries every marking as it was, and the fresh installation keeps it.
    assert {(item.value, item.tlp) for item in interchange.read(path).items} >= {
        (value, tlp) for value, _, tlp, _ in LISTINGS if tlp in {Tlp.CLEAR, Tlp.GREEN}
    }
    assert listed(other_database) == listed(database)
    if fmt is not Format.CSV:  # CSV carries no sightings
        assert sightings(other_database) == sightings(database)


def test_clear_and_green_survive_a_round_trip(
    database: Database, other_database: Database, tmp_path: Path
) -> None:
    seed(database)
    path = write(tmp_path, Format.MISP, export(database, Format.MISP))
    import_as(other_database, path, add_partner(other_database, BANK, PartnerType.BANK))
    assert listed(other_database) == listed(database)


@pytest.mark.parametrize("fmt", list(Format))
def test_importing_the_same_file_twice_lists_and_sights_nothing_twice(
    database: Database, tmp_path: Path, fmt: Format
) -> None:
    ids = seed(database)
    path = write(tmp_path, fmt, export(database, fmt))
    before = sightings(database)

    first = import_as(database, path, ids[POLICE])
    second = import_as(database, path, ids[POLICE])

    assert first.rejected == second.rejected == []
    assert second.sightings == 0
    assert first.sightings == second.sightings_present
    with database.read_only() as session:
        assert len(session.scalars(select(Indicator)).all()) == len(LISTINGS)
        assert len(session.scalars(select(Sighting)).all()) == len(before) + first.sightings


def test_cleared_and_expired_indicators_are_not_exported(database: Database) -> None:
    seed(database)
    with database.transaction() as session:
        session.execute(
            update(Indicator).where(Indicator.kind == "url").values(status=IndicatorStatus.CLEARED)
        )
        session.execute(
            update(Indicator)
            .where(Indicator.kind == "domain")
            .values(status=IndicatorStatus.EXPIRED, value=None)
        )
    table = export(database, Format.CSV)
    assert "nep-winkel.nl/aanbieding" not in table
    assert ",domain," not in table
    assert len(table.strip().splitlines()) == 1 + len(LISTINGS) - 2


# --- The libraries read what we write --------------------------------------------------------


def test_pymisp_reads_our_event(database: Database) -> None:
    seed(database)
    event = MISPEvent()
    event.load(export(database, Format.MISP))

    assert {obj.name for obj in event.objects} == {"bank-account", "phone-number"}
    attributes = {attribute.value: attribute for attribute in event.attributes}
    for obj in event.objects:
        attributes |= {attribute.value: attribute for attribute in obj.attributes}
    assert attributes["NL20INGB0001234567"].type == "iban"
    assert attributes["INGBNL2A"].to_dict()["object_relation"] == "swift"
    assert attributes["+31612345678"].type == "phone-number"
    assert attributes["https://www.nep-winkel.nl/aanbieding"].type == "url"
    assert attributes["nep-bezorging.nl"].type == "domain"
    assert attributes["verkoper@nep-winkel.nl"].type == "email-src"
    assert attributes["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"].type == "btc"
    ethereum = attributes["0x52908400098527886e0f7030069857d2e4169ee7"]
    assert ethereum.type == "text"
    assert "Ethereum" in ethereum.comment
    strict = attributes["NL19ABNA0002345678"]
    assert {tag.name for tag in strict.tags} >= {
        "tlp:amber+strict",
        'fraudlink:fraud-type="bank_helpdesk"',
        'fraudlink:status="active"',
    }
    assert [
        (sighting.to_dict()["type"], sighting.to_dict()["source"]) for sighting in strict.sightings
    ] == [("1", "false_positive")]
    assert [s.to_dict()["source"] for s in attributes["NL20INGB0001234567"].sightings] == [
        "payment_attempted (3)"
    ]
    # One unconfirmed listing does not meet the standard of proof: not for detection.
    assert attributes["nep-bezorging.nl"].to_ids is False


def test_stix2_reads_our_bundle_and_every_pattern_is_valid(database: Database) -> None:
    seed(database)
    bundle = stix2.parse(export(database, Format.STIX), allow_custom=True)

    by_type: dict[str, list[Any]] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    indicators = by_type["indicator"]
    assert len(indicators) == len(LISTINGS)
    for indicator in indicators:
        assert run_validator(indicator.pattern, stix_version="2.1") == []
    patterns = {indicator.pattern for indicator in indicators}
    assert "[bank-account:iban = 'NL20INGB0001234567']" in patterns
    assert "[phone-number:value = '+31612345678']" in patterns
    assert "[url:value = 'https://www.nep-winkel.nl/aanbieding']" in patterns
    assert "[domain-name:value = 'nep-bezorging.nl']" in patterns
    assert "[email-addr:value = 'verkoper@nep-winkel.nl']" in patterns
    assert (
        "[cryptocurrency-wallet:value = '0x52908400098527886e0f7030069857d2e4169ee7']" in patterns
    )
    markings = {marking.id for marking in by_type["marking-definition"]}
    assert markings == {
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # CLEAR (STIX's WHITE)
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",  # GREEN
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",  # AMBER
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",  # AMBER+STRICT (OASIS)
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",  # RED
    }
    assert {obj.type for obj in by_type["url"]} == {"url"}
    assert len(by_type["bank-account"]) == 2
    assert [(s.count, s.x_fraudlink_kind) for s in by_type["sighting"]] == [
        (3, "payment_attempted"),
        (1, "call_received"),
    ]
    assert [o.opinion for o in by_type["opinion"]] == ["strongly-disagree"]


# --- Raw values only where allowed -----------------------------------------------------------


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        (TELECOM, set()),
        (OTHER_BANK, {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER}),
        (BANK, set(Tlp)),  # it contributed them all
        (POLICE, set(Tlp)),
    ],
)
def test_a_partner_receives_raw_values_only_where_it_may_and_tokens_otherwise(
    database: Database, fmt: Format, reader: str, raw: set[Tlp]
) -> None:
    seed(database)
    document = export(database, fmt, principal_of(database, reader))
    pseudonymiser = token_of(database)
    for value, kind, tlp, _ in LISTINGS:
        identifier = parse(value, kind)
        shown = identifier.normalized in document
        assert shown is (tlp in raw), (reader, value)
        assert pseudonymiser.token(identifier) in document


def test_a_token_only_export_comes_back_to_the_same_installation(
    database: Database, tmp_path: Path
) -> None:
    ids = seed(database)
    document = export(database, Format.MISP, principal_of(database, TELECOM))
    summary = import_as(database, write(tmp_path, Format.MISP, document), ids[TELECOM])
    assert summary.rejected == []
    assert summary.listed == len(LISTINGS)


def test_tokens_of_another_installation_are_reported_not_imported(
    database: Database, other_database: Database, tmp_path: Path
) -> None:
    seed(database)
    document = export(database, Format.STIX, principal_of(database, TELECOM))
    importer = add_partner(other_database, TELECOM, PartnerType.TELECOM)
    summary = import_as(other_database, write(tmp_path, Format.STIX, document), importer)
    assert summary.listed == 0
    assert set(reasons(summary)) == {"unknown_token"}


# --- Other producers' files ------------------------------------------------------------------


def test_a_bundle_of_another_producer_imports_what_it_can_and_reports_the_rest(
    database: Database,
) -> None:
    partner = add_partner(database, SOURCE, PartnerType.HELPDESK)

    summary = import_as(database, DATA / "other_producer_bundle.json", None)

    assert summary.listed == 3
    assert listed(database) == {
        Listed("domain", "goedkope-fietsen-outlet.nl", Tlp.RED, ("purchase",)),  # TLP 2.0 id
        Listed("iban", "NL30RABO0003456789", Tlp.AMBER_STRICT, ("romance",)),
        Listed("wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Tlp.RED, ("investment",)),
    }
    assert sightings(database) == {
        ("goedkope-fietsen-outlet.nl", SightingKind.VISITED, 4),
    }
    assert {(item.where, item.reason) for item in summary.rejected} == {
        ("indicator--5c1a9e3b-2f4d-4a6c-8e0b-1d3f5a7c9e02", "unsupported_pattern"),
        ("malware--7a9c1e3f-5b7d-4f9a-8c0e-2d4f6a8c0e12", "unsupported_stix_type"),
        ("x-unknown-thing--0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "unsupported_stix_type"),
        ("relationship--9b1d3f5a-7c9e-4b1d-8f3a-5c7e9b1d3f51", "relationship_unused"),
        ("x-misp-attribute--518b4bcb-a86b-4783-9457-391d548b605b", "unsupported_attribute_type"),
        ("sighting--3e5a7c9e-1b3d-4f5a-8c7e-9b1d3f5a7c92", "sighting_target_missing"),
    }
    with database.read_only() as session:
        owners = set(session.scalars(select(Submission.partner_id)))
    assert owners == {partner}
    for rejected in summary.rejected:
        assert rejected.message("en") and rejected.message("nl")


def test_a_misp_event_with_objects_markings_and_a_false_positive_imports(
    database: Database,
) -> None:
    add_partner(database, SOURCE, PartnerType.HELPDESK)

    summary = import_as(database, DATA / "misp_event.json", None)

    assert summary.format is Format.MISP
    assert listed(database) == {
        Listed("url", "https://ing-veilig-rekening.nl/verificatie", Tlp.RED, ("phishing",)),
        Listed("email", "beveiliging@ing-veilig-rekening.nl", Tlp.AMBER, ("bank_helpdesk",)),
        Listed("iban", "NL20INGB0001234567", Tlp.AMBER_STRICT, ("bank_helpdesk",)),
        Listed("phone", "+31612345678", Tlp.AMBER, ("bank_helpdesk",)),
    }
    assert sightings(database) == {
        ("NL20INGB0001234567", SightingKind.FALSE_POSITIVE, 1),
        ("+31612345678", SightingKind.CALL_RECEIVED, 1),
    }
    assert reasons(summary) == sorted(
        [
            "pap_forbids",  # the btc address carries PAP:RED
            "bic_not_account",
            "unsupported_attribute_type",  # ip-src
            "invalid_value",  # an IBAN with a wrong check digit
            "warning_listed",  # bit.ly
            "unsupported_object",  # a file object
            "expiration_sighting",
        ]
    )
    with database.read_only() as session:
        iban = session.scalars(select(Indicator).where(Indicator.kind == "iban")).one()
        phone = session.scalars(select(Indicator).where(Indicator.kind == "phone")).one()
    assert iban.confidence < phone.confidence  # a false positive halves confidence


def test_items_of_an_unknown_producer_are_reported(database: Database) -> None:
    summary = import_as(database, DATA / "misp_event.json", None)
    assert summary.listed == 0
    assert "unknown_source" in reasons(summary)


def test_a_csv_file_lists_its_good_rows_and_reports_the_others(
    database: Database, tmp_path: Path
) -> None:
    partner = add_partner(database, BANK, PartnerType.BANK)
    path = tmp_path / "list.csv"
    path.write_text(
        "kind,value,fraud_types,tlp,status\n"
        "iban,NL20 INGB 0001 2345 67,purchase;romance,TLP:RED,active\n"
        ",+31 6 12345678,,,\n"
        "iban,NL91ABNA0417164301,,,\n"
        "domain,bit.ly,,,\n"
        "url,https://nep-winkel.nl/,,ambr,\n"
        "url,https://nep-winkel.nl/,,,cleared\n"
        "fax,123,,,\n"
        ",,,,\n"
    )
    summary = import_as(database, path, partner)
    assert summary.listed == 2
    assert listed(database) == {
        Listed("iban", "NL20INGB0001234567", Tlp.RED, ("purchase",)),
        Listed("phone", "+31612345678", Tlp.AMBER, ("other",)),
    }
    assert [(item.where, item.reason) for item in summary.rejected] == [
        ("line 6", "unknown_tlp"),
        ("line 7", "status_not_listed"),
        ("line 8", "unknown_kind"),
        ("line 4", "invalid_value"),
        ("line 5", "warning_listed"),
    ]


def test_misp_csv_exports_are_read_by_their_type_column(database: Database, tmp_path: Path) -> None:
    partner = add_partner(database, BANK, PartnerType.BANK)
    path = tmp_path / "misp.csv"
    path.write_text(
        "uuid,event_id,category,type,value,comment,to_ids,date\n"
        "a1,1,Financial fraud,iban,NL20INGB0001234567,,1,1742551200\n"
        "a2,1,Network activity,ip-dst,192.0.2.1,,1,1742551200\n"
    )
    summary = import_as(database, path, partner)
    assert summary.listed == 1
    assert reasons(summary) == ["unsupported_attribute_type"]


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ('{"Event": {"info": "x"}}', Format.MISP),
        ('{"response": [{"Event": {"info": "x"}}]}', Format.MISP),
        ('[{"Event": {"info": "x"}}]', Format.MISP),
        ('  {"type": "bundle", "id": "bundle--1", "objects": []}', Format.STIX),
        ("kind,value\niban,NL20INGB0001234567\n", Format.CSV),
        ('{"type": "indicator"}', Format.CSV),
    ],
)
def test_the_format_is_recognised_from_the_content(content: str, fmt: Format) -> None:
    assert interchange.detect(content) is fmt


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\x00garbage", "file_unreadable"),
        (b'{"Event": {', "json_invalid"),
        (b'{"type": "indicator"}', "json_unknown"),
        (b"name,age\nJan,40\n", "csv_columns"),
    ],
)
def test_a_file_that_cannot_be_read_at_all_is_one_clear_error(
    database: Database, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "broken"
    path.write_bytes(content)
    with pytest.raises(interchange.InterchangeError) as raised:
        import_as(database, path, None)
    assert raised.value.name == reason
    assert "\n" not in raised.value.message("en")


def test_pap_amber_is_refused_and_pap_green_imported(database: Database, tmp_path: Path) -> None:
    partner = add_partner(database, BANK, PartnerType.BANK)
    event = {
        "Event": {
            "info": "pap",
            "Attribute": [
                {"type": "domain", "value": "nep-winkel.nl", "Tag": [{"name": "PAP:AMBER"}]},
                {"type": "domain", "value": "andere-winkel.nl", "Tag": [{"name": "pap:green"}]},
            ],
        }
    }
    path = tmp_path / "pap.json"
    path.write_text(json.dumps(event))
    summary = import_as(database, path, partner)
    assert summary.listed == 1
    assert [item.params["pap"] for item in summary.rejected] == ["PAP:AMBER"]


# --- The command line ------------------------------------------------------------------------


def fraudlink(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", list(Format))
def test_the_commands_export_and_import_each_format(
    settings: Settings, database: Database, tmp_path: Path, fmt: Format
) -> None:
    seed(database)
    output = tmp_path / f"indicators.{fmt.value}"

    code, out, err = fraudlink(
        "indicators", "export", "--format", fmt.value, "--output", str(output)
    )
    assert (code, err) == (0, "")
    assert out == f"{len(LISTINGS)} indicators written to {output} ({fmt.value}).\n"

    code, out, err = fraudlink("indicators", "import", str(output), "--partner", POLICE)
    assert (code, err) == (0, "")
    sighted = 0 if fmt is Format.CSV else 3
    assert out == (
        f"{fmt.value.upper()}: {len(LISTINGS)} indicators listed, {sighted} sightings added, "
        "0 items not imported.\n"
    )


def test_the_export_for_a_partner_holds_only_its_tokens(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    seed(database)
    output = tmp_path / "telecom.csv"
    code, _, _ = fraudlink(
        "indicators", "export", "--format", "csv", "--output", str(output), "--partner", TELECOM
    )
    assert code == 0
    assert "NL20INGB0001234567" not in output.read_text()


def test_the_import_command_names_what_it_rejected_and_exits_1(
    settings: Settings, database: Database
) -> None:
    add_partner(database, SOURCE, PartnerType.HELPDESK)
    code, out, err = fraudlink("indicators", "import", str(DATA / "misp_event.json"))
    assert code == 1
    assert out == "MISP: 4 indicators listed, 2 sightings added, 7 items not imported.\n"
    assert "attribute 4: a BIC names a bank, not an account\n" in err
    assert len(err.splitlines()) == 7

    code, out, _ = fraudlink("indicators", "import", str(DATA / "misp_event.json"), "--json")
    assert code == 1
    assert json.loads(out)["listed"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "File missing.json does not exist or is not a file.\n"),
        (["{broken}", "--partner", "Nobody"], None),
        (["{broken}", "--partner", "Hogeschool"], "Partner Hogeschool may not list indicators.\n"),
    ],
)
def test_the_import_command_fails_in_one_line(
    settings: Settings, database: Database, tmp_path: Path, args: list[str], message: str | None
) -> None:
    add_partner(database, "Hogeschool", PartnerType.RESEARCH)
    broken = tmp_path / "broken.json"
    broken.write_text('{"Event": ')
    args = [arg.replace("{broken}", str(broken)) for arg in args]
    code, out, err = fraudlink("indicators", "import", *args)
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    if message is not None:
        assert err == message


def test_an_unreadable_import_file_is_one_line(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, out, err = fraudlink("indicators", "import", str(path))
    assert (code, out) == (1, "")
    assert err == f"File {path} cannot be read: not UTF-8 at byte 0.\n"


def test_exports_are_audited_once_without_values(database: Database) -> None:
    seed(database)
    export(database, Format.MISP)
    with database.read_only() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "indicator.export")
        ).all()
    assert [entry.details["indicators"] for entry in entries] == [len(LISTINGS)]
    assert "NL20INGB" not in json.dumps([entry.details for entry in entries])
