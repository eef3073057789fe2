"""The app under test with the advice routes, whether or not app.py includes them yet."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute

from fraudlink.advice import api, pages


def with_advice(app: FastAPI) -> FastAPI:
    """Include the advice routers unless the app already serves them (once the lead wires them)."""
    paths = {route.path for route in app.routes if isinstance(route, APIRoute)}
    if "/v1/advice" not in paths:
        app.include_router(api.router)
    if "/advice" not in paths:
        app.include_router(pages.router)
    return app
