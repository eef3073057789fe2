"""The action plan's pages: every signed-in partner reads it, the programme keeps it.

The forms go through the same service functions as the API, so a change made here is checked
and audited alike; each answers with a redirect (Post/Redirect/Get), or with the page again and
the reason at the field when it is refused.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.actions import service
from fraudlink.actions.models import Action
from fraudlink.actions.service import FIRST_YEAR, LAST_YEAR, SETTABLE, THEMES
from fraudlink.actions.vocabulary import Status
from fraudlink.database import utcnow
from fraudlink.errors import DomainError, InvalidInput
from fraudlink.i18n import LOCAL_TIME_ZONE, Language
from fraudlink.web.dependencies import (
    CsrfDep,
    LanguageDep,
    SessionDep,
    SmallRowId,
    ensure_csrf_token,
)
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(require_page())]
Manager = Annotated[Principal, Depends(require_page(Permission.ACTION_MANAGE))]
PAGE = "/actions"
Done = Literal["added", "saved", "carried_over"]


def _year_of(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(
            "actions.year_out_of_range", field="year", first=FIRST_YEAR, last=LAST_YEAR
        ) from None


def _plan_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    year: int | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    known = service.years(session)
    this_year = utcnow().astimezone(LOCAL_TIME_ZONE).year
    shown = year or (this_year if this_year in known or not known else known[-1])
    return render(
        request,
        "actions.html",
        {
            "plan": service.year_plan(session, year=shown),
            "years": sorted({*known, shown}),
            "may_manage": principal.can(Permission.ACTION_MANAGE),
            "themes": THEMES,
            "statuses": SETTABLE,
            "values": {"year": str(shown), "status": Status.PLANNED.value},
            "errors": {},
            **context,
        },
        status_code=status_code,
    )


def _action_page(
    request: Request,
    session: Session,
    principal: Principal,
    action: Action,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    carried_to = service.continuations(session, action_ids=[action.id]).get(action.id)
    return render(
        request,
        "action.html",
        {
            "action": action,
            "carried_to": carried_to,
            "may_manage": principal.can(Permission.ACTION_MANAGE),
            "may_carry_over": action.status in (Status.PLANNED, Status.RUNNING),
            "statuses": SETTABLE,
            "values": {"status": action.status.value, "notes": action.notes},
            "errors": {},
            **context,
        },
        status_code=status_code,
    )


def _status_of(error: DomainError) -> int:
    return 409 if error.kind == "conflict" else 400


@router.get(PAGE, response_class=HTMLResponse)
def show_plan(
    request: Request,
    session: SessionDep,
    principal: Reader,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    done: Done | None = None,
) -> HTMLResponse:
    ensure_csrf_token(request)
    return _plan_page(request, session, principal, year=year, done=done)


@router.post(PAGE, response_model=None, dependencies=[CsrfDep])
def add_action(
    request: Request,
    session: SessionDep,
    principal: Manager,
    language: LanguageDep,
    year: Annotated[str, Form()] = "",
    theme: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    partners: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = Status.PLANNED.value,
    notes: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Partners come as one line, separated by commas: "Politie, NVB, Slachtofferhulp"."""
    try:
        action = service.create(
            session,
            year=_year_of(year),
            theme=theme,
            title=title,
            owner=owner,
            partners=partners.split(","),
            status=status,
            notes=notes,
            actor=principal.actor,
        )
    except DomainError as error:
        session.rollback()
        values = {
            "year": year,
            "theme": theme,
            "title": title,
            "owner": owner,
            "partners": partners,
            "status": status,
            "notes": notes,
        }
        shown = year.strip()
        return _plan_page(
            request,
            session,
            principal,
            year=int(shown) if shown.isdigit() and FIRST_YEAR <= int(shown) <= LAST_YEAR else None,
            status_code=_status_of(error),
            values=values,
            errors={error.field or "add_form": error.message(language)},
        )
    return RedirectResponse(
        f"{PAGE}?year={action.year}&done=added#action-{action.id}", status_code=303
    )


@router.get(f"{PAGE}/{{action_id}}", response_class=HTMLResponse)
def show_action(
    request: Request,
    action_id: SmallRowId,
    session: SessionDep,
    principal: Reader,
    done: Done | None = None,
) -> HTMLResponse:
    ensure_csrf_token(request)
    action = service.get(session, action_id=action_id)
    return _action_page(request, session, principal, action, done=done)


@router.post(f"{PAGE}/{{action_id}}", response_model=None, dependencies=[CsrfDep])
def change_action(
    request: Request,
    action_id: SmallRowId,
    session: SessionDep,
    principal: Manager,
    language: LanguageDep,
    status: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    action = service.get(session, action_id=action_id)
    try:
        # A carried-over action's form has no status to choose: it keeps its own.
        service.update(session, action, status=status or None, notes=notes, actor=principal.actor)
    except DomainError as error:
        values = {"status": status, "notes": notes}
        return _refused(
            request, session, principal, action_id, language, error, "change_form", values=values
        )
    return RedirectResponse(f"{PAGE}/{action_id}?done=saved", status_code=303)


@router.post(f"{PAGE}/{{action_id}}/carry-over", response_model=None, dependencies=[CsrfDep])
def carry_over(
    request: Request,
    action_id: SmallRowId,
    session: SessionDep,
    principal: Manager,
    language: LanguageDep,
) -> HTMLResponse | RedirectResponse:
    action = service.get(session, action_id=action_id)
    try:
        continuation = service.carry_over(session, action, actor=principal.actor)
    except DomainError as error:
        return _refused(request, session, principal, action_id, language, error, "carry_form")
    return RedirectResponse(f"{PAGE}/{continuation.id}?done=carried_over", status_code=303)


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    action_id: int,
    language: Language,
    error: DomainError,
    form: str,
    *,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """The action's page again, as stored, with the typed values and the reason at its field."""
    session.rollback()
    action = service.get(session, action_id=action_id)
    field = error.field if error.field in {"status", "notes"} and form == "change_form" else form
    extra: dict[str, Any] = {"errors": {field: error.message(language)}}
    if values is not None:
        extra["values"] = values
    return _action_page(request, session, principal, action, status_code=_status_of(error), **extra)
