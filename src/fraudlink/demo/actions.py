"""The demo's action plan: the actions of demo/actions.toml, added through the real service.

A 2024 action marked ``carried_over`` is added as it ran and then carried over, so its 2025
continuation exists as the programme would have made it. An action is known by its year and
title: one that is there already is left as it is, and a second run writes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from fraudlink.actions import service as action_service
from fraudlink.actions.vocabulary import Status
from fraudlink.audit.service import Actor

ACTIONS_FILE: Final = Path(__file__).parent / "actions.toml"
CARRIABLE: Final = (Status.PLANNED, Status.RUNNING)


@dataclass(frozen=True)
class Loaded:
    made: int  # actions added now, continuations included
    present: int  # actions that were there already


def entries() -> list[dict[str, Any]]:
    with ACTIONS_FILE.open("rb") as handle:
        found: list[dict[str, Any]] = tomllib.load(handle)["action"]
    return found


def load(session: Session, *, actor: Actor) -> Loaded:
    made = present = 0
    for entry in entries():
        action = action_service.find(session, year=entry["year"], title=entry["title"])
        if action is None:
            action = action_service.create(
                session,
                year=entry["year"],
                theme=entry["theme"],
                title=entry["title"],
                owner=entry["owner"],
                partners=entry.get("partners", ()),
                status=entry["status"],
                notes=entry.get("notes", ""),
                actor=actor,
            )
            made += 1
        else:
            present += 1
        if not entry.get("carried_over"):
            continue
        if action.id in action_service.continuations(session, action_ids=[action.id]):
            present += 1
            continue
        if action.status not in CARRIABLE:  # changed by hand since: left as it is
            continue
        continuation = action_service.carry_over(session, action, actor=actor)
        action_service.update(
            session,
            continuation,
            status=entry.get("continuation_status"),
            notes=entry.get("continuation_notes", ""),
            actor=actor,
        )
        made += 1
    return Loaded(made, present)
