"""The indicator tests speak as the reports tests' partnership: banks, a PSP, operators, a
marketplace (whose domain marktplaats.nl is thereby warning-listed) and the casework side."""

from __future__ import annotations

import pytest

from fraudlink.database import Database
from tests.reports.partnership import Partnership, build_partnership


@pytest.fixture
def partnership(database: Database) -> Partnership:
    return build_partnership(database)
