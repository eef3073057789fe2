"""Webhook tests speak as the reports tests' partnership, to a real receiver on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from fraudlink.settings import Settings
from tests.reports.partnership import Partnership, build_partnership, client_with
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def partnership(database: Database) -> Partnership:
    return build_partnership(database)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app, accepting plain-http receivers on this machine (where the test receiver runs)."""
    with client_with(
        monkeypatch, webhook_allow_http="true", webhook_allow_private_networks="true"
    ) as client:
        yield client
