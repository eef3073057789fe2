"""The one permission check of the API (a bearer key) and of the pages (a signed-in session)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fraudlink.access import service
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.errors import Unauthenticated
from fraudlink.web.dependencies import DatabaseDep, SessionDep
from fraudlink.web.navigation import return_path

SESSION_KEY_PREFIX = "key_prefix"
_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer fl_…`")


def require(permission: Permission | None = None) -> Callable[..., Principal]:
    """A route dependency: 401 without a valid key, 403 when the key lacks ``permission``."""

    def dependency(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise Unauthenticated("access.key_missing")
        principal = service.authenticate(session, token=credentials.credentials)
        if permission is not None:
            principal.require(permission)
        return principal

    return dependency


def require_without_writing(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """Like ``require``, checking the key on a read-only connection of its own (no ORM session).

    For a hot path that runs its own write transaction and keeps it short (on SQLite a write
    transaction holds the one write lock): that transaction notes the key's use itself, with
    ``service.record_uses``.
    """

    async def dependency(
        database: DatabaseDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise Unauthenticated("access.key_missing")
        with database.connect_read_only() as connection:
            principal = service.authenticate(
                connection, token=credentials.credentials, record_use=False
            )
        principal.require(permission)
        return principal

    return dependency


def require_page(permission: Permission | None = None) -> Callable[..., Principal]:
    """Like ``require`` for pages: a visitor who is not signed in is sent to the sign-in page."""

    def dependency(request: Request, session: SessionDep) -> Principal:
        prefix = request.session.get(SESSION_KEY_PREFIX)
        try:
            if not prefix:
                raise Unauthenticated("access.session_ended")
            principal = service.authenticate_signed_in(session, prefix=prefix)
        except Unauthenticated:
            request.session.clear()
            query = {"next": return_path(request)}
            if prefix:  # was signed in: tell the reader why they must sign in again
                query["ended"] = "1"
            location = f"/sign-in?{urlencode(query, safe='/')}"
            raise HTTPException(303, headers={"Location": location}) from None
        if permission is not None:
            principal.require(permission)
        return principal

    return dependency
