"""Periodic upkeep that the server does by itself: expiring indicators once a day."""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.indicators import service
from fraudlink.settings import Settings

DAY: Final = 24 * 3600
FIRST_RUN_DELAY: Final = 60  # let the server start first
SCHEDULER: Final = Actor(name="system:scheduler")
log = logging.getLogger(__name__)


def expire_once(database: Database, settings: Settings) -> int:
    with database.transaction() as session:
        return service.expire(
            session,
            retention=service.Retention.from_settings(settings),
            policy=service.Policy.from_settings(settings),
            actor=SCHEDULER,
        )


async def expire_daily(database: Database, settings: Settings) -> None:
    """Run expiry a minute after start and then every day; every worker may, it is idempotent."""
    await asyncio.sleep(FIRST_RUN_DELAY)
    while True:
        try:
            count = await asyncio.to_thread(expire_once, database, settings)
            log.info("expired %d indicators", count)
        except Exception:  # a failed run must not stop the next one
            log.exception("expiring indicators failed")
        await asyncio.sleep(DAY)
