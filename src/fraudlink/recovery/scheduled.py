"""Upkeep the server does by itself: reminders, escalations and erasing names and addresses."""

from __future__ import annotations

import asyncio
import logging

from fraudlink.database import Database, utcnow
from fraudlink.recovery import service
from fraudlink.settings import Settings

log = logging.getLogger(__name__)


def upkeep_once(database: Database, settings: Settings) -> service.Upkept:
    with database.transaction() as session:
        return service.upkeep(session, rules=service.Rules.from_settings(settings), now=utcnow())


async def upkeep_regularly(database: Database, settings: Settings) -> None:
    """Every worker runs this; each deadline is marked once, so two at once do no harm."""
    while True:
        await asyncio.sleep(settings.recovery_upkeep_interval_seconds)
        try:
            upkept = await asyncio.to_thread(upkeep_once, database, settings)
            log.debug("refund request upkeep: %s", upkept)
        except Exception:  # a failed round must not stop the next one
            log.exception("refund request upkeep failed")
