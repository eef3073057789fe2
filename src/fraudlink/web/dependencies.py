"""What every route may ask for: the settings, a database session, the reader's language."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session

from fraudlink.database import Database
from fraudlink.i18n import Language, negotiate, parse_language, translate
from fraudlink.settings import Settings

LANGUAGE_COOKIE = "fraudlink_lang"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed before the response is sent, or rolled back whole."""
    with get_database(request).session() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def get_language(request: Request) -> Language:
    """``?lang=`` wins, then the language the reader chose (cookie), then the browser's wish."""
    return (
        parse_language(request.query_params.get("lang"))
        or parse_language(request.cookies.get(LANGUAGE_COOKIE))
        or negotiate(request.headers.get("accept-language"))
    )


# The dependencies below are async wrappers: FastAPI runs a plain function dependency in a
# worker thread, a hand-off that costs more than these lookups themselves on the hot paths.
async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _language(request: Request) -> Language:
    return get_language(request)


async def _database(request: Request) -> Database:
    return get_database(request)


SettingsDep = Annotated[Settings, Depends(_settings)]
# scope="function": the commit happens before the response leaves, so a client never sees a
# success whose write then failed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LanguageDep = Annotated[Language, Depends(_language)]
# A row id in a path, bounded like its column (BigId: 64 bits, else 32): no row lies beyond,
# and the database would refuse the number rather than find nothing.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
SmallRowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
# A paging cursor: a row id (or 0 for the start), bounded for the same reason.
AfterId = Annotated[int, Query(ge=0, le=2**63 - 1, description="Rows after this id (paging).")]


def ensure_csrf_token(request: Request) -> None:
    """Give the visitor's session a form token, for a page that shows a form."""
    request.session.setdefault("csrf", secrets.token_urlsafe(32))


async def verify_csrf(request: Request) -> None:
    """Refuse a page form whose token does not match the session's (cross-site request forgery).

    The session cookie is SameSite=Strict already; the token also covers older browsers.
    """
    form = await request.form()
    expected = request.session.get("csrf")
    sent = form.get("csrf_token") or request.headers.get("x-csrf-token")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise HTTPException(403, detail=translate("web.csrf_failed", get_language(request)))


CsrfDep = Depends(verify_csrf)

DatabaseDep = Annotated[Database, Depends(_database)]
