"""``fraudlink indicators``: the indicator exchange's upkeep."""

from __future__ import annotations

import typer

from fraudlink.audit.service import Actor
from fraudlink.console import open_database, say
from fraudlink.indicators import service
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
