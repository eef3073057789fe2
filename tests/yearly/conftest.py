"""The yearly report tests: the partnership of the report and recovery tests."""

from __future__ import annotations

import pytest

from fraudlink.database import Database
from tests.reports.partnership import Partnership, build_partnership


@pytest.fixture
def partnership(database: Database) -> Partnership:
    return build_partnership(database)
