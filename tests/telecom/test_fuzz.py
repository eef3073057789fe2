"""The telecom operations survive generated input from an operator's key, which reaches past
the 403 that the fuzz test's programme key gets from the call and SMS checks."""

from __future__ import annotations

from fastapi import FastAPI

from fraudlink.database import Database
from tests.reports.partnership import KPN, Partnership
from tests.test_openapi_fuzz import fuzz


def test_telecom_operations_survive_generated_input(
    app: FastAPI, database: Database, partnership: Partnership
) -> None:
    fuzz(app, partnership.key(KPN), paths="/v1/telecom")
