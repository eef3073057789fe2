"""The figures tests' partnership: the report tests' banks, operators and reporting points."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fraudlink.database import Database
from tests.figures.filed import Body, bodies
from tests.reports.partnership import Partnership, build_partnership, submit


@pytest.fixture
def partnership(database: Database) -> Partnership:
    return build_partnership(database)


@pytest.fixture
def filed(client: TestClient, partnership: Partnership) -> list[Body]:
    """Sixty reports filed through POST /v1/reports (``filed.bodies``)."""
    made = bodies()
    for body in made:
        submit(client, partnership, body)
    return made
