"""``fraudlink telecom``: protect numbers for partners, list them, forget call signals now."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.audit.service import Actor
from fraudlink.console import console, fail, open_database, print_json, say
from fraudlink.database import keys_of, utcnow
from fraudlink.identifiers import Pseudonymiser
from fraudlink.partners import service as partner_service
from fraudlink.telecom import scheduled, service
from fraudlink.telecom.schemas import ProtectedNumberOut

app = typer.Typer(
    help="Protected numbers and SMS sender names, call checks and call signals.",
    no_args_is_help=True,
)


@app.command("protect")
def protect(
    number: Annotated[str, typer.Argument(help="A Dutch number: '020 228 88 00' or +31202288800.")],
    partner: Annotated[str, typer.Option(help="The partner that owns the number.")],
    inbound_only: Annotated[
        bool,
        typer.Option("--inbound-only", help="It never calls out: block every call presenting it."),
    ] = False,
    label: Annotated[str | None, typer.Option(help="What the number is, e.g. 'Helpdesk'.")] = None,
) -> None:
    """Protect a partner's number against spoofing; again for the same partner updates it."""
    with open_database().transaction() as session:
        owner = partner_service.get_by_name(session, name=partner)
        if Permission.NUMBER_PROTECT not in GRANTS[owner.type]:
            fail("telecom.cli_may_not_protect", partner=owner.name, type=owner.type.value)
        pseudonymiser = Pseudonymiser(keys_of(session).pseudonym)
        protected, created = service.protect(
            session,
            partner_id=owner.id,
            number=service.Presented.of(number, field="number", token_of=pseudonymiser.token),
            inbound_only=inbound_only,
            label=label,
            actor=Actor.operator(),
        )
        shown = ProtectedNumberOut.of(protected, spoofed=0).display
    say(
        "telecom.cli_protected" if created else "telecom.cli_updated",
        number=shown,
        partner=owner.name,
    )


@app.command("numbers")
def numbers(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Every partner's protected numbers, and how often each was seen spoofed in 30 days."""
    with open_database().read_only() as session:
        found = service.protected_numbers(session)
        counts = service.spoof_counts(session, tokens=[item.token for item in found], now=utcnow())
        owners = partner_service.directory(session).names
        rows = [
            (
                owners[item.partner_id],
                ProtectedNumberOut.of(item, spoofed=counts.get(item.token, 0)),
            )
            for item in found
        ]
    if as_json:
        listed = [{"partner": owner, **view.model_dump(mode="json")} for owner, view in rows]
        print_json(json.dumps(listed, indent=2))
        return
    table = Table("partner", "number", "inbound only", "label", "spoofed (30 days)")
    for owner, view in rows:
        table.add_row(
            owner,
            view.display,
            "yes" if view.inbound_only else "no",
            view.label or "",
            str(view.spoofed_last_30_days),
        )
    console.print(table)


@app.command("purge")
def purge() -> None:
    """Delete expired call signals and old events now; the server does it by itself as well."""
    purged = scheduled.purge_once(open_database())
    say(
        "telecom.cli_purged",
        signals=purged.signals,
        callees=purged.callees,
        events=purged.events,
        blocks=purged.sms_blocks,
    )
