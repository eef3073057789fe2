"""The databases of one benchmark run: SQLite in a temporary folder, and PostgreSQL (a database
of its own, made and dropped by the script) when ``FRAUDLINK_BENCH_DATABASE_URL`` names a server."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from fraudlink.settings import Settings


def sqlite_settings(directory: Path) -> Settings:
    """An SQLite installation in a folder of its own below ``directory``."""
    data_dir = directory / "sqlite"
    data_dir.mkdir()
    return Settings(data_dir=data_dir)


@contextmanager
def postgresql_settings(directory: Path) -> Iterator[Settings | None]:
    """An installation on a fresh PostgreSQL database, dropped afterwards; None when
    ``FRAUDLINK_BENCH_DATABASE_URL`` names no server."""
    server = os.environ.get("FRAUDLINK_BENCH_DATABASE_URL")
    if not server:
        yield None
        return
    url = fresh_postgresql(server)
    data_dir = directory / "postgresql"
    data_dir.mkdir()
    try:
        yield Settings(data_dir=data_dir, database_url=url)
    finally:
        drop_postgresql(url)


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
