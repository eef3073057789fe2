"""``fraudlink reports``: bulk import of reports from a reporting point's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.audit.service import Actor
from fraudlink.console import fail, open_database, print_json, progress_bar, say
from fraudlink.i18n import terminal_language, translate
from fraudlink.partners import service as partner_service
from fraudlink.reports import importing, service
from fraudlink.settings import Settings

app = typer.Typer(help="Fraud reports.", no_args_is_help=True)

BAD_ROWS_SHOWN = 50


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A .csv or .jsonl file (see docs/reports.md).")],
    partner: Annotated[
        str | None, typer.Option(help="The reporting point the reports came from.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes importing at once (default: the cores, at most 4)."),
    ] = None,
) -> None:
    """Import reports: good rows are imported, bad rows listed; a re-run imports nothing twice.

    Exits 1 when any row was rejected.
    """
    if not file.is_file():
        fail("reports.import_file_missing", path=str(file))
    settings = Settings()
    database = open_database(settings)
    with database.read_only() as session:
        source = partner_service.get_by_name(session, name=partner) if partner else None
    if source is not None and Permission.REPORT_SUBMIT not in GRANTS[source.type]:
        fail("reports.import_partner_not_reporting_point", partner=source.name)
    partner_id = source.id if source else None
    rows = list(importing.read_rows(file))
    # A file of one batch is not worth starting processes for.
    batches = -(-len(rows) // importing.BATCH_SIZE)
    workers = min(workers or importing.default_workers(), max(batches, 1))
    language = terminal_language()
    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task(file.name, total=len(rows))
        summary = importing.import_rows(
            database,
            iter(rows),
            partner_id=partner_id,
            actor=Actor.operator(),
            policy=service.RoutingPolicy.from_settings(settings),
            language=language,
            progress=lambda done: progress.advance(task, done),
            workers=workers,
        )
    if as_json:
        print_json(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        for bad in summary.bad[:BAD_ROWS_SHOWN]:
            for error in bad.errors:
                typer.echo(
                    translate("reports.import_bad_row", language, line=bad.line, **error), err=True
                )
        if len(summary.bad) > BAD_ROWS_SHOWN:
            typer.echo(
                translate(
                    "reports.import_more_bad_rows",
                    language,
                    count=len(summary.bad) - BAD_ROWS_SHOWN,
                ),
                err=True,
            )
        say(
            "reports.import_summary",
            imported=summary.imported,
            present=summary.already_present,
            bad=len(summary.bad),
        )
    if summary.bad:
        raise typer.Exit(1)
