"""The application factory: one function that wires settings, keys, database and every domain."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from fraudlink import __version__
from fraudlink.access import api as access_api
from fraudlink.access import pages as access_pages
from fraudlink.actions import api as actions_api
from fraudlink.actions import pages as actions_pages
from fraudlink.advice import api as advice_api
from fraudlink.advice import pages as advice_pages
from fraudlink.audit import api as audit_api
from fraudlink.audit import pages as audit_pages
from fraudlink.crypto import installation_keys
from fraudlink.database import Database
from fraudlink.decisions import api as decisions_api
from fraudlink.decisions import pages as decisions_pages
from fraudlink.decisions.batcher import DecisionBatcher
from fraudlink.decisions.features import NameKeys
from fraudlink.decisions.rulebook import Rulebook
from fraudlink.figures import api as figures_api
from fraudlink.figures import pages as figures_pages
from fraudlink.identifiers import Pseudonymiser
from fraudlink.identifiers import api as identifiers_api
from fraudlink.indicators import api as indicators_api
from fraudlink.indicators import pages as indicators_pages
from fraudlink.indicators import service as indicator_service
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.indicators.scheduled import expire_daily
from fraudlink.networks import api as networks_api
from fraudlink.networks import pages as networks_pages
from fraudlink.partners import api as partners_api
from fraudlink.recovery import api as recovery_api
from fraudlink.recovery import pages as recovery_pages
from fraudlink.recovery.scheduled import upkeep_regularly
from fraudlink.reports import api as reports_api
from fraudlink.reports import pages as reports_pages
from fraudlink.settings import Settings
from fraudlink.telecom import api as telecom_api
from fraudlink.telecom import pages as telecom_pages
from fraudlink.telecom.scheduled import purge_regularly
from fraudlink.web import access_log, health, problems
from fraudlink.web import pages as web_pages
from fraudlink.web.ratelimit import Limits, create_rate_limiter, parse_networks
from fraudlink.web.security import SecurityHeadersMiddleware
from fraudlink.web.templating import STATIC_DIR
from fraudlink.webhooks import api as webhooks_api
from fraudlink.webhooks import pages as webhooks_pages
from fraudlink.webhooks.delivery import deliver_forever
from fraudlink.yearly import pages as yearly_pages

PAGE_SESSION_MAX_AGE = 8 * 3600  # a working day; then staff sign in again

DESCRIPTION = """
The API of fraudlink, the platform of the Dutch integrated approach against online fraud.

Partner systems authenticate with an API key of their organisation:
`Authorization: Bearer fl_…`. A request without a valid key answers 401, a key without
the needed permission 403. Errors are RFC 9457 problem details (`application/problem+json`)
whose `errors` list names each field at fault. Send `Accept-Language: en` for English
messages; Dutch is the default.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    keys = installation_keys(settings.resolved_secret_key_file)
    database = Database(settings.resolved_database_url, keys)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        upkeep = [
            asyncio.create_task(expire_daily(database, settings)),
            asyncio.create_task(deliver_forever(database, settings)),
            asyncio.create_task(purge_regularly(database, settings)),
            asyncio.create_task(upkeep_regularly(database, settings)),
        ]
        yield
        for task in upkeep:
            task.cancel()
        database.dispose()

    app = FastAPI(
        title="fraudlink",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs is served from vendored Swagger UI files: see web/pages.py
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.pseudonymiser = Pseudonymiser(keys.pseudonym)
    app.state.indicator_index = IndicatorIndex(indicator_service.Policy.from_settings(settings))
    app.state.rulebook = Rulebook()
    app.state.decision_batcher = DecisionBatcher(
        database, app.state.rulebook, app.state.indicator_index
    )
    app.state.name_keys = NameKeys(keys.payee_names)
    app.state.rate_limiter = create_rate_limiter(
        Limits(
            requests_per_minute=settings.check_requests_per_minute,
            distinct_values_per_hour=settings.check_distinct_values_per_hour,
            enumeration_penalty_seconds=settings.check_enumeration_penalty_seconds,
        ),
        redis_url=settings.redis_url.get_secret_value() if settings.redis_url else None,
    )
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.add_middleware(
        SessionMiddleware,
        secret_key=keys.session.hex(),
        session_cookie="fraudlink_session",
        max_age=PAGE_SESSION_MAX_AGE,
        same_site="strict",
        https_only=settings.public_base_url.startswith("https://"),
    )
    app.add_middleware(SecurityHeadersMiddleware)
    problems.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (
        health.router,
        partners_api.router,
        access_api.router,
        audit_api.router,
        identifiers_api.router,
        reports_api.router,
        advice_api.router,
        indicators_api.router,
        webhooks_api.router,
        telecom_api.router,
        decisions_api.router,
        recovery_api.router,
        recovery_pages.router,
        networks_api.router,
        networks_pages.router,
        actions_api.router,
        actions_pages.router,
        figures_api.router,
        figures_pages.router,
        web_pages.router,
        access_pages.router,
        audit_pages.router,
        reports_pages.router,
        advice_pages.router,
        indicators_pages.router,
        webhooks_pages.router,
        telecom_pages.router,
        decisions_pages.router,
        yearly_pages.router,
    ):
        app.include_router(router)
    logging.getLogger("fraudlink").setLevel(settings.log_level)
    access_log.install()
    return app
