"""``fraudlink figures``: look after the running totals behind the figures."""

from __future__ import annotations

import typer

from fraudlink.audit.service import Actor
from fraudlink.console import open_database, say
from fraudlink.figures import totals
from fraudlink.settings import Settings

app = typer.Typer(help="The figures of the reports.", no_args_is_help=True)


@app.command("rebuild")
def rebuild() -> None:
    """Count the figures' monthly totals again from the reports, and every report's province
    from its postcode area: after the table of postcode areas (reports/regions.toml) changed."""
    database = open_database(Settings())
    with database.transaction() as session:
        cells = totals.rebuild(session, actor=Actor.operator())
    say("figures.cli_rebuilt", cells=cells)
