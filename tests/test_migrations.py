"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from fraudlink.access import service as access_service
from fraudlink.access.models import ApiKey
from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.database import Base, Database
from fraudlink.migrations import alembic_config, is_current
from fraudlink.models import load_all_models
from fraudlink.partners import service as partner_service
from fraudlink.partners.models import PartnerType
from tests.factories import OPERATOR


def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    load_all_models()
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_test_database_is_current(database_url: str) -> None:
    assert is_current(database_url)


def test_downgrade_and_upgrade_again(database_url: str, database: Database) -> None:
    database.dispose()
    config = alembic_config(database_url)
    command.downgrade(config, "base")
    assert not is_current(database_url)
    command.upgrade(config, "head")
    assert is_current(database_url)


def test_keys_made_with_everything_get_the_permissions_added_since(
    database_url: str, database: Database
) -> None:
    """0007 and 0008 widen the keys made with every permission of their type; narrowed keys
    keep theirs."""
    before_recovery: dict[str, list[str]] = {
        "bank": sorted(
            GRANTS[PartnerType.BANK]
            - {
                Permission.DECISION_REQUEST,
                Permission.RECOVERY_WORK,
                Permission.RECOVERY_READ_NAW,
            }
        ),
        "narrowed": ["indicator:read", "partner:read"],
        "programme": sorted(
            GRANTS[PartnerType.PROGRAMME]
            - {Permission.RECOVERY_OVERSEE, Permission.ACTION_MANAGE, Permission.NETWORK_READ}
        ),
        "police": sorted(GRANTS[PartnerType.POLICE] - {Permission.NETWORK_READ}),
    }
    with database.transaction() as session:
        bank = partner_service.create(
            session, name="ING", partner_type=PartnerType.BANK, bank_codes=["INGB"], actor=OPERATOR
        )
        programme = partner_service.create(
            session, name="Programma", partner_type=PartnerType.PROGRAMME, actor=OPERATOR
        )
        police = partner_service.create(
            session, name="Politie", partner_type=PartnerType.POLICE, actor=OPERATOR
        )
        owner = {"programme": programme, "police": police}
        for label, scopes in before_recovery.items():
            access_service.create_key(
                session,
                partner=owner.get(label, bank),
                label=label,
                scopes=scopes,
                actor=OPERATOR,
            )
    database.dispose()
    config = alembic_config(database_url)
    command.downgrade(config, "0006")
    command.upgrade(config, "head")
    with database.read_only() as session:
        widened = {key.label: set(key.scopes) for key in session.scalars(select(ApiKey))}
    assert widened["bank"] == set(GRANTS[PartnerType.BANK])
    assert widened["narrowed"] == {"indicator:read", "partner:read"}
    assert widened["programme"] == set(GRANTS[PartnerType.PROGRAMME])
    assert widened["police"] == set(GRANTS[PartnerType.POLICE])
