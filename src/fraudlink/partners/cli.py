"""``fraudlink partners``: register and list the partner organisations."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.audit.service import Actor
from fraudlink.console import console, open_database, print_json, say
from fraudlink.partners import service
from fraudlink.partners.models import PartnerType
from fraudlink.partners.schemas import PartnerOut

app = typer.Typer(help="The partner organisations.", no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The organisation's name, e.g. 'ABN AMRO'.")],
    partner_type: Annotated[PartnerType, typer.Option("--type", help="What kind of partner.")],
    bank_code: Annotated[
        list[str] | None,
        typer.Option(help="A bank code it holds (banks, PSPs): ABNA, or BE:539. Repeatable."),
    ] = None,
    number_range: Annotated[
        list[str] | None,
        typer.Option(help="A number range it holds (telecom): +31612. Repeatable."),
    ] = None,
    domain: Annotated[
        list[str] | None,
        typer.Option(help="A web domain it owns: marktplaats.nl. Repeatable."),
    ] = None,
) -> None:
    """Register a partner organisation."""
    with open_database().transaction() as session:
        partner = service.create(
            session,
            name=name,
            partner_type=partner_type,
            bank_codes=bank_code or [],
            number_ranges=number_range or [],
            domains=domain or [],
            actor=Actor.operator(),
        )
        say("partners.added", name=partner.name, type=partner.type.value)


@app.command("list")
def list_partners(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the partner organisations with what they hold."""
    with open_database().read_only() as session:
        partners = [PartnerOut.of(partner) for partner in service.list_all(session)]
    if as_json:
        print_json(json.dumps([partner.model_dump(mode="json") for partner in partners], indent=2))
        return
    table = Table("name", "type", "bank codes", "number ranges", "domains")
    for partner in partners:
        table.add_row(
            partner.name,
            partner.type.value,
            ", ".join(f"{code.bank_code} ({code.bic or '?'})" for code in partner.bank_codes),
            ", ".join(partner.number_ranges),
            ", ".join(partner.domains),
        )
    console.print(table)
