"""``fraudlink report yearly``: write the programme's yearly report (*Jaarbericht*)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fraudlink.console import open_database, say
from fraudlink.database import utcnow
from fraudlink.i18n import Language
from fraudlink.recovery.service import Rules
from fraudlink.settings import Settings
from fraudlink.yearly import render, service
from fraudlink.yearly.document import document

app = typer.Typer(help="Documents made from the platform's data.", no_args_is_help=True)


@app.command("yearly")
def yearly(
    year: Annotated[int, typer.Argument(help="The year to report on, e.g. 2025.")],
    output: Annotated[Path, typer.Option(help="The file to write.")],
    format_: Annotated[
        render.Format, typer.Option("--format", help="html, pdf or md.")
    ] = render.Format.HTML,
    language: Annotated[str, typer.Option(help="nl (default) or en.")] = "nl",
) -> None:
    """The yearly report: recovery register, the effect of the advice, spoofed calls and payment
    decisions, (and more as the platform counts it), from live data."""
    settings = Settings()
    now = utcnow()
    service.check_year(year, now=now)
    chosen: Language = "en" if language == "en" else "nl"
    with open_database(settings).read_only() as session:
        report = service.compile_report(
            session, year=year, rules=Rules.from_settings(settings), now=now
        )
    written = render.write(document(report, chosen), format_)
    output.write_bytes(written)
    say("yearly.cli_written", year=year, path=output, format=format_.value)
