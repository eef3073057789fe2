"""The decision tests speak as the reports tests' partnership: banks and a PSP ask, operators
push call signals, the helpdesk files the reports that list mule accounts."""

from __future__ import annotations

import pytest

from fraudlink.database import Database
from tests.reports.partnership import Partnership, build_partnership


@pytest.fixture
def partnership(database: Database) -> Partnership:
    return build_partnership(database)
