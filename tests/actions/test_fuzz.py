"""Schemathesis on the action plan's operations alone, with the programme's key: no 5xx, a
schema-valid request is never refused for its form, answers match the schema."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

EXAMPLES_PER_OPERATION = 25


def test_the_action_operations_survive_generated_input(app: FastAPI, programme_key: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if isinstance(result, Ok) and result.ok().path.startswith("/v1/actions")
    ]
    assert len(operations) == 5
    headers = {"Authorization": f"Bearer {programme_key}"}

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION * len(operations),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        case.call_and_validate(headers=headers)

    call()
