"""Telecom tests speak as the reports tests' partnership: banks, KPN and Odido with their number
ranges, the police, research. The browser fixtures are the page tests' own."""

from __future__ import annotations

import pytest

from fraudlink.database import Database
from tests.reports.partnership import Partnership, build_partnership


@pytest.fixture(autouse=True)
def _purge_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests purge themselves, when they choose; the server's own loop stays asleep."""
    monkeypatch.setenv("FRAUDLINK_TELECOM_PURGE_INTERVAL_SECONDS", "3600")


@pytest.fixture
def partnership(database: Database) -> Partnership:
    return build_partnership(database)
