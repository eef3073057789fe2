"""Alembic's entry point: run migrations on the URL that fraudlink.migrations passes in."""

from __future__ import annotations

from alembic import context

from fraudlink.database import Base, make_engine
from fraudlink.models import load_all_models

load_all_models()
config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter a table by rebuilding it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
