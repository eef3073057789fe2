"""``fraudlink keys``: issue, list and revoke API keys of partners."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.access import service
from fraudlink.access.schemas import KeyOut
from fraudlink.audit.service import Actor
from fraudlink.console import console, open_database, print_json, say
from fraudlink.partners import service as partner_service

app = typer.Typer(help="API keys of partners.", no_args_is_help=True)


@app.command("create")
def create(
    partner: Annotated[str, typer.Option(help="Name of the partner the key acts for.")],
    label: Annotated[str, typer.Option(help="What the key is for.")] = "API key",
    scope: Annotated[
        list[str] | None,
        typer.Option(help="A permission of the key, e.g. audit:read. Repeatable; default all."),
    ] = None,
) -> None:
    """Issue a key. It is printed once, alone on the last line; only its hash is stored."""
    with open_database().transaction() as session:
        issued = service.create_key(
            session,
            partner=partner_service.get_by_name(session, name=partner),
            label=label,
            scopes=scope,
            actor=Actor.operator(),
        )
        say(
            "access.key_created_cli",
            prefix=issued.key.prefix,
            partner=partner,
            scopes=", ".join(issued.key.scopes),
        )
    typer.echo(issued.token)


@app.command("list")
def list_keys(
    partner: Annotated[str | None, typer.Option(help="Only this partner's keys.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List keys (never their secrets)."""
    with open_database().read_only() as session:
        partner_id = partner_service.get_by_name(session, name=partner).id if partner else None
        keys = [KeyOut.of(key) for key in service.list_keys(session, partner_id=partner_id)]
    if as_json:
        print_json(json.dumps([key.model_dump(mode="json") for key in keys], indent=2))
        return
    table = Table("prefix", "partner", "label", "scopes", "created", "revoked")
    for key in keys:
        table.add_row(
            key.prefix,
            key.partner,
            key.label,
            ", ".join(key.scopes),
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
        )
    console.print(table)


@app.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (its public name).")],
) -> None:
    """Revoke a key; it stops working with its next request."""
    with open_database().transaction() as session:
        key = service.revoke_key(session, prefix=prefix, actor=Actor.operator())
        say("access.key_revoked_cli", prefix=key.prefix)
