"""``fraudlink indicators``: the indicator exchange's upkeep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.access.service import Principal
from fraudlink.audit.service import Actor
from fraudlink.console import open_database, print_json, say
from fraudlink.crypto import installation_keys
from fraudlink.i18n import terminal_language
from fraudlink.identifiers import Pseudonymiser
from fraudlink.indicators import interchange, service
from fraudlink.partners import service as partner_service
from fraudlink.settings import Settings

app = typer.Typer(help="Fraud indicators shared between partners.", no_args_is_help=True)


@app.command("expire")
def expire() -> None:
    """Expire indicators past their retention: they stop matching and their raw value is erased."""
    settings = Settings()
    with open_database(settings).transaction() as session:
        count = service.expire(
            session,
            retention=service.Retention.from_settings(settings),
            policy=service.Policy.from_settings(settings),
            actor=Actor.operator(),
        )
    say("indicators.expired", count=count)


REJECTED_SHOWN = 50


def _stop(line: str) -> NoReturn:
    typer.echo(line, err=True)
    raise typer.Exit(1)


@app.command("export")
def export_indicators(
    format_: Annotated[
        interchange.Format,
        typer.Option("--format", help="misp (one MISP event), stix (a STIX 2.1 bundle) or csv."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    partner: Annotated[
        str | None,
        typer.Option(help="Write what this partner may see: its raw values, tokens otherwise."),
    ] = None,
) -> None:
    """Write the listed indicators (active and disputed) for other tools; see docs/interchange.md.

    Without --partner: everything, with every stored value (for the operator's own use).
    """
    settings = Settings()
    language = terminal_language()
    with open_database(settings).transaction() as session:
        principal = None
        if partner is not None:
            reader = partner_service.get_by_name(session, name=partner)
            principal = Principal(
                key_id=0,
                key_prefix="operator",
                partner_id=reader.id,
                partner_name=reader.name,
                partner_type=reader.type,
                scopes=GRANTS[reader.type],
            )
        document, count = interchange.export(
            session,
            fmt=format_,
            principal=principal,
            policy=service.Policy.from_settings(settings),
            actor=Actor.operator(),
        )
        try:  # inside the transaction: no audit entry for a file that was never written
            output.write_text(document, encoding="utf-8")
        except OSError as error:
            _stop(
                interchange.text(
                    "file_unreadable", language, path=str(output), reason=error.strerror
                )
            )
    typer.echo(
        interchange.text("exported", language, count=count, path=str(output), format=format_.value)
    )


@app.command("import")
def import_indicators(
    file: Annotated[
        Path,
        typer.Argument(help="A MISP event, a STIX 2.1 bundle or a CSV file (read by content)."),
    ],
    partner: Annotated[
        str | None,
        typer.Option(help="The partner the indicators come from (default: the file's producer)."),
    ] = None,
    confirmed: Annotated[
        bool, typer.Option(help="The partner established these cases itself.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import indicators and sightings from MISP, STIX 2.1 or CSV; see docs/interchange.md.

    Usable items are listed as the partner's (warning lists apply); every item that is not
    imported is named on standard error with the reason. Exits 1 when any item was not imported.
    """
    settings = Settings()
    language = terminal_language()
    database = open_database(settings)
    partner_id = None
    if partner is not None:
        with database.read_only() as session:
            source = partner_service.get_by_name(session, name=partner)
        if Permission.INDICATOR_SUBMIT not in GRANTS[source.type]:
            _stop(interchange.text("partner_cannot_submit", language, name=source.name))
        partner_id = source.id
    keys = installation_keys(settings.resolved_secret_key_file)
    try:
        summary = interchange.import_file(
            database,
            file,
            partner_id=partner_id,
            actor=Actor.operator(),
            policy=service.Policy.from_settings(settings),
            token_of=Pseudonymiser(keys.pseudonym).token,
            confirmed=confirmed,
        )
    except interchange.InterchangeError as error:
        _stop(error.message(language))
    if as_json:
        print_json(json.dumps(summary.as_dict(language), ensure_ascii=False, indent=2))
    else:
        for rejected in summary.rejected[:REJECTED_SHOWN]:
            typer.echo(
                interchange.text(
                    "rejected_line",
                    language,
                    where=rejected.where,
                    reason=rejected.message(language),
                ),
                err=True,
            )
        if len(summary.rejected) > REJECTED_SHOWN:
            typer.echo(
                interchange.text(
                    "more_rejected", language, count=len(summary.rejected) - REJECTED_SHOWN
                ),
                err=True,
            )
        typer.echo(
            interchange.text(
                "imported",
                language,
                format=summary.format.value.upper(),
                listed=summary.listed,
                sightings=summary.sightings,
                rejected=len(summary.rejected),
            )
        )
    if summary.rejected:
        raise typer.Exit(1)
