"""Upkeep the server does by itself: forgetting call signals and callees when their time is up.

``call_contexts`` never uses anything expired, so the purge does not decide what counts; it
makes sure that what may no longer be used is also no longer kept.
"""

from __future__ import annotations

import asyncio
import logging

from fraudlink.database import Database, utcnow
from fraudlink.settings import Settings
from fraudlink.telecom import service

log = logging.getLogger(__name__)


def purge_once(database: Database) -> service.Purged:
    with database.transaction() as session:
        return service.purge(session, now=utcnow())


async def purge_regularly(database: Database, settings: Settings) -> None:
    """Every worker runs this; a purge is idempotent, so two at once do no harm."""
    while True:
        await asyncio.sleep(settings.telecom_purge_interval_seconds)
        try:
            purged = await asyncio.to_thread(purge_once, database)
            log.debug("purged telecom data: %s", purged)
        except Exception:  # a failed round must not stop the next one
            log.exception("purging call signals failed")
