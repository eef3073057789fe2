"""The networks tests' data: the demo's first reports, built into networks."""

from __future__ import annotations

import pytest

from fraudlink.database import Database
from fraudlink.settings import Settings
from tests.networks.helpers import build, load_demo

DEMO_REPORTS = 1500  # enough for every planted network to turn up in several reports


@pytest.fixture
def demo(database: Database, settings: Settings) -> Database:
    load_demo(database, settings, reports=DEMO_REPORTS)
    build(database, settings)
    return database
