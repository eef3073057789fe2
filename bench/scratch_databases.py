"""A PostgreSQL database of its own for one benchmark run, made and dropped by the script."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, make_url, text


def fresh_postgresql(url: str) -> str:
    """A new, empty database on the server of ``url`` (named after it and the moment)."""
    parsed = make_url(url)
    fresh = parsed.set(database=f"{parsed.database}_{time.time_ns()}")
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{fresh.database}"'))
    server.dispose()
    return fresh.render_as_string(hide_password=False)


def drop_postgresql(url: str) -> None:
    parsed = make_url(url)
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    server.dispose()
