"""The victim's own words and account number are encrypted at rest, each bound to its report."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest
from cryptography.exceptions import InvalidTag
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select, update

from fraudlink.crypto import FieldCipher
from fraudlink.database import Database, keys_of
from fraudlink.reports import service
from fraudlink.reports.models import Report
from tests.reports.partnership import RABO_IBAN, Partnership, report, submit

NARRATIVE: Final = "Mijn buurman Kees de Vries uit Apeldoorn hoorde hoe de oplichter belde."


def _every_stored_value(database: Database) -> list[object]:
    """Every value in every table: what someone with a copy of the database can read."""
    metadata = MetaData()
    metadata.reflect(database.engine)
    with database.read_only() as session:
        return [
            value
            for table in metadata.sorted_tables
            for row in session.execute(table.select())
            for value in row
        ]


def _contains(value: object, needle: str) -> bool:
    if isinstance(value, bytes | bytearray | memoryview):
        return needle.encode() in bytes(value)
    return needle in str(value)


@pytest.fixture
def reference(client: TestClient, partnership: Partnership) -> str:
    receipt = submit(
        client, partnership, report(narrative=NARRATIVE, victim_iban=RABO_IBAN, external_id="e1")
    )
    reference: str = receipt["reference"]
    return reference


@pytest.mark.parametrize(
    "secret", [NARRATIVE, "Kees de Vries", RABO_IBAN], ids=["narrative", "name", "victim iban"]
)
def test_no_table_holds_the_victims_words_or_account_in_clear(
    database: Database, reference: str, secret: str
) -> None:
    values = _every_stored_value(database)
    assert any(_contains(value, reference) for value in values), "the report was stored"
    assert not [value for value in values if _contains(value, secret)]


def test_the_database_files_hold_no_narrative(database: Database, reference: str) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps its files on the server; the rows are checked above")
    assert database.engine.url.database is not None
    path = Path(database.engine.url.database)
    # WAL mode: recent pages may still be in the write-ahead log rather than the main file.
    files = [path, path.with_name(f"{path.name}-wal")]
    stored = b"".join(file.read_bytes() for file in files if file.exists())
    assert reference.encode() in stored
    assert NARRATIVE.encode() not in stored
    assert b"Kees" not in stored


def test_the_stored_narrative_is_ciphertext_that_decrypts_for_its_report(
    database: Database, reference: str
) -> None:
    with database.read_only() as session:
        stored = session.scalars(select(Report).where(Report.reference == reference)).one()
        cipher = FieldCipher(keys_of(session).fields)
    assert isinstance(stored.narrative_encrypted, bytes)
    assert NARRATIVE.encode() not in stored.narrative_encrypted
    assert service.narrative(stored, cipher) == NARRATIVE
    assert service.victim_iban(stored, cipher) == RABO_IBAN


def test_the_same_narrative_encrypts_differently_every_time(
    client: TestClient, partnership: Partnership, database: Database, reference: str
) -> None:
    submit(client, partnership, report(narrative=NARRATIVE, external_id="e2"))
    with database.read_only() as session:
        blobs = session.scalars(select(Report.narrative_encrypted)).all()
    assert len(set(blobs)) == 2


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("narrative_encrypted", "narrative_encrypted"),  # another report's story
        ("victim_iban_encrypted", "narrative_encrypted"),  # another field of the same kind
    ],
)
def test_a_ciphertext_copied_elsewhere_does_not_decrypt(
    client: TestClient,
    partnership: Partnership,
    database: Database,
    reference: str,
    source: str,
    target: str,
) -> None:
    other = submit(client, partnership, report(narrative="Iets anders.", external_id="e2"))
    with database.transaction() as session:
        blob = session.scalar(select(getattr(Report, source)).where(Report.reference == reference))
        session.execute(
            update(Report).where(Report.reference == other["reference"]).values({target: blob})
        )
    with database.read_only() as session:
        copied = session.scalars(select(Report).where(Report.reference == other["reference"]))
        cipher = FieldCipher(keys_of(session).fields)
        with pytest.raises(InvalidTag):
            service.narrative(copied.one(), cipher)


def test_a_report_without_a_narrative_stores_none(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    submit(client, partnership, report(narrative="   "))
    with database.read_only() as session:
        assert session.scalars(select(Report.narrative_encrypted)).one() is None
