"""``fraudlink recovery``: the central register's figures, and the upkeep of deadlines."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.console import console, open_database, print_json, say
from fraudlink.database import utcnow
from fraudlink.i18n import format_amount, terminal_language, translate
from fraudlink.recovery import register, scheduled, service
from fraudlink.settings import Settings

app = typer.Typer(
    help="Refund requests between banks (PNBF): figures and upkeep.", no_args_is_help=True
)


def _cell(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if percent else f"{value:g}"


@app.command("stats")
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as JSON.")] = False,
) -> None:
    """The central register: requests, days to first answer and to resolution, money recovered
    (in total and by bank pair; --json also by fraud type and month)."""
    settings = Settings()
    with open_database(settings).read_only() as session:
        rows = register.rows(session, partner_id=None, now=utcnow())
    figures = register.register(rows, rules=service.Rules.from_settings(settings))
    if as_json:
        print_json(json.dumps(figures.as_dict(), indent=2))
        return
    language = terminal_language()
    table = Table(title=translate("recovery.cli_stats_title", language))
    for column in (
        "pair",
        "requests",
        "median_answer",
        "p90_answer",
        "median_resolution",
        "recovered",
        "share",
    ):
        table.add_column(translate(f"recovery.cli_column_{column}", language))
    pairs = [("", "", figures.total), *figures.by_pair]
    for requester, receiver, group in pairs:
        table.add_row(
            f"{requester} → {receiver}" if requester else translate("recovery.cli_total", language),
            str(group.requests),
            _cell(group.median_days_to_first_answer),
            _cell(group.p90_days_to_first_answer),
            _cell(group.median_days_to_resolution),
            f"€ {format_amount(round(group.recovered_euros * 100), language)}",
            _cell(group.recovered_share, percent=True),
        )
    console.print(table)


@app.command("upkeep")
def upkeep() -> None:
    """Send due reminders, escalate missed deadlines and erase expired names and addresses now
    (the server does this by itself every few minutes)."""
    settings = Settings()
    upkept = scheduled.upkeep_once(open_database(settings), settings)
    say(
        "recovery.cli_upkept",
        reminded=upkept.reminded,
        escalated=upkept.escalated,
        erased=upkept.erased,
    )
