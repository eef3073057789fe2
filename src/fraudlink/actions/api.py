"""The action plan through the API: every partner reads it, the programme keeps it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.actions import service
from fraudlink.actions.models import Action
from fraudlink.actions.schemas import ActionIn, ActionList, ActionOut, ActionPatch
from fraudlink.actions.service import FIRST_YEAR, LAST_YEAR
from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.web.dependencies import SessionDep, SmallRowId
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1/actions", tags=["actions"])

Reader = Annotated[Principal, Depends(require())]
Manager = Annotated[Principal, Depends(require(Permission.ACTION_MANAGE))]
ERRORS = problem_responses(401, 403, 422)
ONE = {**ERRORS, **problem_responses(404)}
MOVE = {**ONE, **problem_responses(409)}


def _out(session: SessionDep, action: Action) -> ActionOut:
    carried_to = service.continuations(session, action_ids=[action.id])
    return ActionOut.of(action, carried_to_id=carried_to.get(action.id))


@router.get("", responses=problem_responses(401, 422))
def list_actions(
    _principal: Reader,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    theme: Theme | None = None,
    status: Status | None = None,
) -> ActionList:
    """The programme's actions (Actieplan), by year and theme; filter by year, theme, status."""
    found = service.list_actions(session, year=year, theme=theme, status=status)
    carried_to = service.continuations(session, action_ids=[action.id for action in found])
    return ActionList(
        actions=[ActionOut.of(action, carried_to_id=carried_to.get(action.id)) for action in found]
    )


@router.get("/{action_id}", responses={**problem_responses(401, 404, 422)})
def get_action(action_id: SmallRowId, _principal: Reader, session: SessionDep) -> ActionOut:
    return _out(session, service.get(session, action_id=action_id))


@router.post("", status_code=201, responses=ERRORS)
def add_action(body: ActionIn, principal: Manager, session: SessionDep) -> ActionOut:
    """Add an action to a year's plan (the programme only)."""
    action = service.create(
        session,
        year=body.year,
        theme=body.theme,
        title=body.title,
        owner=body.owner,
        partners=body.partners,
        status=body.status,
        notes=body.notes,
        actor=principal.actor,
    )
    return _out(session, action)


@router.patch("/{action_id}", responses=MOVE)
def change_action(
    action_id: SmallRowId, body: ActionPatch, principal: Manager, session: SessionDep
) -> ActionOut:
    """Change an action's title, owner, partners, status or notes; a field left out stays.

    A carried-over action keeps its status: 409.
    """
    action = service.update(
        session,
        service.get(session, action_id=action_id),
        title=body.title,
        owner=body.owner,
        partners=body.partners,
        status=body.status,
        notes=body.notes,
        actor=principal.actor,
    )
    return _out(session, action)


@router.post("/{action_id}/carry-over", status_code=201, responses=MOVE)
def carry_over(action_id: SmallRowId, principal: Manager, session: SessionDep) -> ActionOut:
    """Carry an unfinished action over to the next year: it becomes `carried_over`, and the
    answer is its continuation (201). A realised or already carried-over action answers 409."""
    continuation = service.carry_over(
        session, service.get(session, action_id=action_id), actor=principal.actor
    )
    return _out(session, continuation)
