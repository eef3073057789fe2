"""Fixtures shared by every test: a fresh database per test on SQLite or PostgreSQL, the real app.

The suite runs on SQLite by default. Set FRAUDLINK_TEST_DATABASE_URL to a PostgreSQL URL (as
.ci/run does) and every test runs there instead: each pytest-xdist worker creates its own
database on that server, migrates it once, and empties it before each test. An unreachable
server fails the run; nothing is skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

from fraudlink.app import create_app
from fraudlink.crypto import installation_keys
from fraudlink.database import Database
from fraudlink.migrations import upgrade
from fraudlink.settings import Settings

# The browser fixtures (page, browser, base_url, api) serve every folder from one definition:
# a second session-wide Playwright in the same process would refuse to start.
pytest_plugins = ("tests.browser_fixtures",)
POSTGRESQL_URL = os.environ.get("FRAUDLINK_TEST_DATABASE_URL")
GENESIS_HASH = "0" * 64


def _worker_database_url(worker_id: str) -> URL:
    assert POSTGRESQL_URL is not None
    url = make_url(POSTGRESQL_URL)
    return url.set(database=f"{url.database}_{worker_id}")


def _recreate_postgresql_database(url: URL) -> None:
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()


def _drop_postgresql_database(url: URL) -> None:
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or this worker's PostgreSQL database."""
    if POSTGRESQL_URL:
        url = _worker_database_url(worker_id)
        _recreate_postgresql_database(url)
        rendered = url.render_as_string(hide_password=False)
        upgrade(rendered)
        yield rendered
        _drop_postgresql_database(url)
    else:
        path = tmp_path_factory.mktemp("template") / "fraudlink.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)


def _empty_postgresql_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        # Replica mode switches the audit log's append-only triggers off for this session only.
        connection.execute(text("SET session_replication_role = replica"))
        tables = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars()
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(
            text("INSERT INTO audit_chain_head (id, last_entry_id, last_hash) VALUES (1, 0, :h)"),
            {"h": GENESIS_HASH},
        )
    engine.dispose()


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    """A migrated, empty database for this test alone."""
    if POSTGRESQL_URL:
        _empty_postgresql_database(migrated_template)
        return migrated_template
    path = tmp_path / "fraudlink.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings of the installation under test; the CLI reads them from the environment."""
    monkeypatch.setenv("FRAUDLINK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FRAUDLINK_DATABASE_URL", database_url)
    # Tests deliver webhooks themselves, when they choose; the server's own loop stays asleep.
    monkeypatch.setenv("FRAUDLINK_WEBHOOK_INTERVAL_SECONDS", "3600")
    return Settings()


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    database = Database(
        settings.resolved_database_url, installation_keys(settings.resolved_secret_key_file)
    )
    yield database
    database.dispose()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client
