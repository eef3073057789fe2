"""The advice tests use the real app, with the advice routes included."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from fraudlink.app import create_app
from fraudlink.settings import Settings
from tests.advice.app import with_advice


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return with_advice(create_app(settings))
