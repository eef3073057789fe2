"""Liveness and readiness probes for load balancers and operators."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fraudlink.web.dependencies import DatabaseDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok", "unavailable"]


@router.get("/health")
def health() -> Health:
    """The process is up. Deliberately touches nothing else: it is the benchmarks' baseline."""
    return Health(status="ok")


@router.get("/health/ready", response_model=Health, responses={503: {"model": Health}})
def ready(database: DatabaseDep) -> Health | JSONResponse:
    """The process can reach its database and is ready for traffic."""
    try:
        with database.read_only() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return Health(status="ok")
