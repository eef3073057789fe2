"""The programme's action plan: list, add and change actions, and carry unfinished ones over.

Every write is audited in the caller's transaction, so an action and its audit entry are saved
together or not at all. Carrying over writes two rows (the old action marked ``carried_over``
and its continuation in the next year) and two entries, again in that one transaction.

The yearly report reads a year through ``year_plan``; the pages, API and CLI through the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from fraudlink.actions.models import Action
from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import utcnow
from fraudlink.errors import Conflict, InvalidInput, NotFound
from fraudlink.text import PRINTABLE

# The integrated approach began in mid-2022: no action plan is older. The far bound only keeps
# typing mistakes (20255) out of the plan.
FIRST_YEAR: Final = 2022
LAST_YEAR: Final = 2100
MAX_TITLE: Final = 300  # the column's length
MAX_NAME: Final = 200  # an owner's or partner's name; the owner column's length
MAX_PARTNERS: Final = 30
MAX_NOTES: Final = 4000
THEMES: Final = tuple(Theme)  # the order of the Actieplan, which pages and lists follow
# Statuses a person may set; ``carried_over`` comes only with a continuation (``carry_over``).
SETTABLE: Final = (Status.PLANNED, Status.RUNNING, Status.REALISED)
_PRINTABLE: Final = re.compile(PRINTABLE)


@dataclass(frozen=True)
class YearPlan:
    """One year's plan as the yearly report and the page tell it."""

    year: int
    by_theme: tuple[tuple[Theme, tuple[Action, ...]], ...]  # every theme, in the plan's order
    counts: dict[Status, int]  # every status, zero included
    carried_to: dict[int, int]  # a carried-over action's id -> its continuation's id

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(action for _, actions in self.by_theme for action in actions)

    @property
    def realised(self) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if action.status is Status.REALISED)

    @property
    def carried_over(self) -> tuple[Action, ...]:
        """Unfinished in this year: each continues in the next year's plan."""
        return tuple(action for action in self.actions if action.status is Status.CARRIED_OVER)

    @property
    def continued(self) -> tuple[Action, ...]:
        """Actions of this year that continue one of the year before."""
        return tuple(action for action in self.actions if action.carried_from_id is not None)


# Input


def _text(value: str | None, *, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"actions.{field}_missing", field=field)
    if len(text) > limit:
        raise InvalidInput("actions.text_too_long", field=field, limit=limit)
    if not _PRINTABLE.match(text):
        raise InvalidInput("web.validation_control_character", field=field)
    return text


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            "actions.year_out_of_range", field="year", first=FIRST_YEAR, last=LAST_YEAR
        )
    return year


def _theme(theme: Theme | str) -> Theme:
    try:
        return Theme(theme)
    except ValueError:
        choices = ", ".join(THEMES)
        raise InvalidInput(
            "actions.theme_unknown", field="theme", theme=theme, choices=choices
        ) from None


def _status(status: Status | str) -> Status:
    try:
        chosen = Status(status)
    except ValueError:
        chosen = None
    if chosen is Status.CARRIED_OVER:
        raise InvalidInput("actions.status_carried_over_by_carry_over", field="status")
    if chosen is None:
        choices = ", ".join(SETTABLE)
        raise InvalidInput("actions.status_unknown", field="status", status=status, choices=choices)
    return chosen


def _partners(names: Iterable[str]) -> list[str]:
    """Names in the order given, each once; blank entries are dropped."""
    partners: list[str] = []
    for name in names:
        cleaned = _text(name, field="partners", limit=MAX_NAME, required=False)
        if cleaned and cleaned not in partners:
            partners.append(cleaned)
    if len(partners) > MAX_PARTNERS:
        raise InvalidInput("actions.partners_too_many", field="partners", limit=MAX_PARTNERS)
    return partners


# Reading


def list_actions(
    session: Session,
    *,
    year: int | None = None,
    theme: Theme | None = None,
    status: Status | None = None,
) -> list[Action]:
    """Actions by year, then in the plan's order of themes, then as they were added."""
    query = select(Action)
    if year is not None:
        query = query.where(Action.year == year)
    if theme is not None:
        query = query.where(Action.theme == theme)
    if status is not None:
        query = query.where(Action.status == status)
    found = session.scalars(query).all()
    return sorted(found, key=lambda action: (action.year, THEMES.index(action.theme), action.id))


def get(session: Session, *, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound("actions.not_found", field="action_id", action_id=action_id)
    return action


def years(session: Session) -> list[int]:
    """The years that have a plan, oldest first."""
    return list(session.scalars(select(Action.year).distinct().order_by(Action.year)))


def continuations(session: Session, *, action_ids: Iterable[int]) -> dict[int, int]:
    """For each of these actions that was carried over: the id of its continuation."""
    wanted = list(set(action_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Action.carried_from_id, Action.id).where(Action.carried_from_id.in_(wanted))
    )
    return {source: continuation for source, continuation in rows if source is not None}


def year_plan(session: Session, *, year: int) -> YearPlan:
    actions = list_actions(session, year=year)
    by_theme = tuple(
        (theme, tuple(action for action in actions if action.theme is theme)) for theme in THEMES
    )
    counts = {status: sum(action.status is status for action in actions) for status in Status}
    carried = [action.id for action in actions if action.status is Status.CARRIED_OVER]
    return YearPlan(year, by_theme, counts, continuations(session, action_ids=carried))


def find(session: Session, *, year: int, title: str) -> Action | None:
    """The action of this year with this title (the demo's way to add nothing twice)."""
    return session.scalars(
        select(Action).where(Action.year == year, Action.title == title).order_by(Action.id)
    ).first()


# Writing


def _details(action: Action) -> dict[str, object]:
    return {
        "year": action.year,
        "theme": action.theme.value,
        "title": action.title,
        "owner": action.owner,
        "partners": list(action.partners),
        "status": action.status.value,
        "carried_from_id": action.carried_from_id,
    }


def create(
    session: Session,
    *,
    year: int,
    theme: Theme | str,
    title: str,
    owner: str,
    partners: Iterable[str] = (),
    status: Status | str = Status.PLANNED,
    notes: str = "",
    actor: Actor,
) -> Action:
    now = utcnow()
    action = Action(
        year=_year(year),
        theme=_theme(theme),
        title=_text(title, field="title", limit=MAX_TITLE),
        owner=_text(owner, field="owner", limit=MAX_NAME),
        partners=_partners(partners),
        status=_status(status),
        notes=_text(notes, field="notes", limit=MAX_NOTES, required=False),
        carried_from_id=None,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="actions.create",
        subject_type="action",
        subject_id=action.id,
        details=_details(action),
    )
    return action


def update(
    session: Session,
    action: Action,
    *,
    title: str | None = None,
    owner: str | None = None,
    partners: Sequence[str] | None = None,
    status: Status | str | None = None,
    notes: str | None = None,
    actor: Actor,
) -> Action:
    """Change what is given (None: leave it); audited only when something changed.

    Every value is checked before anything changes, so a refusal leaves the action as it was.
    A carried-over action keeps its status: its continuation in the next year carries it on.
    """
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = _text(title, field="title", limit=MAX_TITLE)
    if owner is not None:
        changes["owner"] = _text(owner, field="owner", limit=MAX_NAME)
    if partners is not None:
        changes["partners"] = _partners(partners)
    if status is not None:
        changes["status"] = _status(status)
    if notes is not None:
        changes["notes"] = _text(notes, field="notes", limit=MAX_NOTES, required=False)
    changed = {name: value for name, value in changes.items() if getattr(action, name) != value}
    if "status" in changed and action.status is Status.CARRIED_OVER:
        raise Conflict("actions.already_carried_over", field="status", year=action.year + 1)
    if not changed:
        return action
    before = {name: _plain(getattr(action, name)) for name in changed}
    for name, value in changed.items():
        setattr(action, name, value)
    action.updated_at = utcnow()
    session.flush()
    # Notes can be long and say nothing the audit needs: the entry says that they changed.
    audit_service.record(
        session,
        actor=actor,
        action="actions.update",
        subject_type="action",
        subject_id=action.id,
        details={
            "changed": sorted(changed),
            "before": {name: value for name, value in before.items() if name != "notes"},
            "after": {name: _plain(value) for name, value in changed.items() if name != "notes"},
        },
    )
    return action


def _plain(value: object) -> object:
    if isinstance(value, Status | Theme):
        return value.value
    if isinstance(value, list):
        return list(value)
    return value


def carry_over(session: Session, action: Action, *, actor: Actor) -> Action:
    """Mark an unfinished action ``carried_over`` and start its continuation in the next year;
    returns the continuation, which keeps the action's status (planned or running).

    A realised action has nothing left to carry, and an action carries over once.
    """
    if action.status is Status.REALISED:
        raise Conflict("actions.realised_not_carried", field="status", action_id=action.id)
    if action.status is Status.CARRIED_OVER:
        raise Conflict("actions.already_carried_over", field="status", year=action.year + 1)
    if action.year + 1 > LAST_YEAR:
        raise Conflict("actions.year_out_of_range", field="year", first=FIRST_YEAR, last=LAST_YEAR)
    now = utcnow()
    continuation = Action(
        year=action.year + 1,
        theme=action.theme,
        title=action.title,
        owner=action.owner,
        partners=list(action.partners),
        status=action.status,
        notes="",
        carried_from_id=action.id,
        created_at=now,
        updated_at=now,
    )
    action.status = Status.CARRIED_OVER
    action.updated_at = now
    session.add(continuation)
    session.flush()
    audit_service.record_many(
        session,
        [
            audit_service.Event(
                actor,
                "actions.carry_over",
                "action",
                action.id,
                {"year": action.year, "continuation_id": continuation.id},
            ),
            audit_service.Event(
                actor, "actions.create", "action", continuation.id, _details(continuation)
            ),
        ],
    )
    return continuation
