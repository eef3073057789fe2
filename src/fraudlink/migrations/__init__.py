"""Schema migrations (Alembic): the same scripts build SQLite and PostgreSQL databases."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from fraudlink.database import JSONDocument, make_engine

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def create_revision(database_url: str, message: str) -> None:
    """A new migration script, its operations proposed by comparing the models with the database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


def is_current(database_url: str) -> bool:
    """Whether the database has every migration this code expects."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            applied = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return applied == set(scripts.get_heads())


def grant_to_full_keys(
    connection: sa.Connection, grants: dict[str, tuple[set[str], set[str]]]
) -> None:
    """Give keys made "with everything" the permissions a migration adds to their type.

    Such a key holds the scopes of the moment it was made, so permissions added since would
    never reach it. ``grants`` maps a partner type to (marks, added): a key of that type holding
    all the marks (key management and the type's most sensitive earlier permissions) was made
    with everything and gets ``added``; a key its organisation narrowed to a task keeps what it
    was given.
    """
    keys = sa.table(
        "api_keys",
        sa.column("id", sa.Integer()),
        sa.column("partner_id", sa.Integer()),
        sa.column("scopes", JSONDocument),
    )
    partners = sa.table("partners", sa.column("id", sa.Integer()), sa.column("type", sa.String()))
    found = connection.execute(
        sa.select(keys.c.id, keys.c.scopes, partners.c.type).join(
            partners, partners.c.id == keys.c.partner_id
        )
    ).all()
    for key_id, scopes, partner_type in found:
        marks, added = grants.get(partner_type, (set(), set()))
        if added and marks <= set(scopes) and not added <= set(scopes):
            connection.execute(
                keys.update().where(keys.c.id == key_id).values(scopes=sorted(set(scopes) | added))
            )
