"""``fraudlink actions``: the programme's action plan from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.actions import service
from fraudlink.actions.schemas import ActionOut
from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.audit.service import Actor
from fraudlink.console import console, open_database, print_json, say
from fraudlink.i18n import terminal_language, translate

app = typer.Typer(
    help="The programme's action plan (Actieplan): actions per year and theme.",
    no_args_is_help=True,
)


@app.command("list")
def list_actions(
    year: Annotated[int | None, typer.Option(help="Only this year's plan.")] = None,
    theme: Annotated[Theme | None, typer.Option(help="Only this theme.")] = None,
    status: Annotated[Status | None, typer.Option(help="Only actions with this status.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The actions, by year and theme, with owner, partners and status."""
    with open_database().read_only() as session:
        found = service.list_actions(session, year=year, theme=theme, status=status)
        carried_to = service.continuations(session, action_ids=[action.id for action in found])
        shown = [ActionOut.of(item, carried_to_id=carried_to.get(item.id)) for item in found]
    if as_json:
        print_json(json.dumps([item.model_dump(mode="json") for item in shown], indent=2))
        return
    language = terminal_language()
    table = Table(title=translate("actions.cli_list_title", language))
    for column in ("id", "year", "theme", "title", "owner", "partners", "status"):
        table.add_column(translate(f"actions.cli_column_{column}", language))
    for item in shown:
        table.add_row(
            str(item.id),
            str(item.year),
            translate(f"actions.theme_{item.theme.value}", language),
            item.title,
            item.owner,
            ", ".join(item.partners),
            translate(f"actions.status_{item.status.value}", language),
        )
    console.print(table)


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What the partners will do.")],
    year: Annotated[int, typer.Option(help="The plan's year.")],
    theme: Annotated[Theme, typer.Option(help="One of the six themes.")],
    owner: Annotated[str, typer.Option(help="The partner that leads it.")],
    partner: Annotated[
        list[str] | None, typer.Option("--partner", help="A partner that takes part (repeat).")
    ] = None,
    status: Annotated[Status, typer.Option(help="planned, running or realised.")] = Status.PLANNED,
    notes: Annotated[str, typer.Option(help="What to know about it.")] = "",
) -> None:
    """Add an action to a year's plan."""
    with open_database().transaction() as session:
        action = service.create(
            session,
            year=year,
            theme=theme,
            title=title,
            owner=owner,
            partners=partner or [],
            status=status,
            notes=notes,
            actor=Actor.operator(),
        )
        action_id = action.id
    say("actions.cli_added", action_id=action_id, year=year)


@app.command("set-status")
def set_status(
    action_id: Annotated[int, typer.Argument(help="The action's id (fraudlink actions list).")],
    status: Annotated[Status, typer.Argument(help="planned, running or realised.")],
    notes: Annotated[str | None, typer.Option(help="New notes as well.")] = None,
) -> None:
    """Change an action's status (and notes); carry over with ``actions carry-over``."""
    language = terminal_language()
    with open_database().transaction() as session:
        action = service.get(session, action_id=action_id)
        service.update(session, action, status=status, notes=notes, actor=Actor.operator())
    say(
        "actions.cli_status_set",
        action_id=action_id,
        status=translate(f"actions.status_{status.value}", language),
    )


@app.command("carry-over")
def carry_over(
    action_id: Annotated[int, typer.Argument(help="The unfinished action's id.")],
) -> None:
    """Carry an unfinished action over to the next year's plan."""
    with open_database().transaction() as session:
        action = service.get(session, action_id=action_id)
        continuation = service.carry_over(session, action, actor=Actor.operator())
        shown = (continuation.id, continuation.year)
    say("actions.cli_carried_over", action_id=action_id, continuation_id=shown[0], year=shown[1])
