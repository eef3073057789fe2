"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from fraudlink.database import Base, Database
from fraudlink.migrations import alembic_config, is_current
from fraudlink.models import load_all_models


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
