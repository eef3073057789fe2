"""Schema migrations (Alembic): the same scripts build SQLite and PostgreSQL databases."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from fraudlink.database import make_engine

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
