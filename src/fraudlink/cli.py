"""The ``fraudlink`` command: operators run the platform, its database and partners from here."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from fraudlink.access import cli as access_cli
from fraudlink.actions import cli as actions_cli
from fraudlink.advice import cli as advice_cli
from fraudlink.audit import cli as audit_cli
from fraudlink.console import CommandGroup, fail, say
from fraudlink.decisions import cli as decisions_cli
from fraudlink.demo import cli as demo_cli
from fraudlink.figures import cli as figures_cli
from fraudlink.identifiers import cli as identifiers_cli
from fraudlink.indicators import cli as indicators_cli
from fraudlink.migrations import create_revision, is_current, upgrade
from fraudlink.networks import cli as networks_cli
from fraudlink.partners import cli as partners_cli
from fraudlink.recovery import cli as recovery_cli
from fraudlink.reports import cli as reports_cli
from fraudlink.settings import Settings
from fraudlink.telecom import cli as telecom_cli
from fraudlink.webhooks import cli as webhooks_cli
from fraudlink.yearly import cli as yearly_cli

app = typer.Typer(
    cls=CommandGroup,
    help="fraudlink: report, share, check, decide, recover and learn together against fraud.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    say("migrations.up_to_date")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the migration changes.")],
) -> None:
    """For developers: write a new migration from the difference between models and database."""
    create_revision(Settings().resolved_database_url, message)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web pages and the API."""
    settings = Settings()
    if not is_current(settings.resolved_database_url):
        fail("migrations.not_current")
    say("web.serving", url=f"http://{host}:{port}")
    uvicorn.run(
        "fraudlink.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


app.add_typer(db_app, name="db")
app.add_typer(partners_cli.app, name="partners")
app.add_typer(access_cli.app, name="keys")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(identifiers_cli.app, name="identifiers")
app.add_typer(reports_cli.app, name="reports")
app.add_typer(advice_cli.app, name="advice")
app.add_typer(indicators_cli.app, name="indicators")
app.add_typer(webhooks_cli.app, name="webhooks")
app.add_typer(telecom_cli.app, name="telecom")
app.add_typer(decisions_cli.app, name="decisions")
app.add_typer(recovery_cli.app, name="recovery")
app.add_typer(networks_cli.app, name="networks")
app.add_typer(figures_cli.app, name="figures")
app.add_typer(actions_cli.app, name="actions")
app.add_typer(yearly_cli.app, name="report")
app.command("demo")(demo_cli.demo)


def main() -> None:
    app()
