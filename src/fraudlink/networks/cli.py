"""``fraudlink networks``: find the mule networks in the reports, and list them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.audit.service import Actor
from fraudlink.console import console, open_database, print_json, progress_bar, say
from fraudlink.database import utcnow
from fraudlink.i18n import format_amount, terminal_language, translate
from fraudlink.networks import service
from fraudlink.networks.schemas import network_out
from fraudlink.reports.vocabulary import FraudType
from fraudlink.settings import Settings

app = typer.Typer(
    help="Mule networks: accounts and numbers behind many victims.", no_args_is_help=True
)


@app.command("build")
def build(
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild every network instead of adding new reports.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Show no progress bar.")] = False,
) -> None:
    """Find the networks: from the reports that arrived since the last build (every report the
    first time, after a change of the warning lists or the cap, or with --full)."""
    settings = Settings()
    database = open_database(settings)
    with database.transaction() as session:
        rules = service.Rules.of(session, settings)
        first, total = service.reports_to_read(session, full=full, rules=rules)
        with progress_bar(quiet=quiet) as progress:
            task = progress.add_task(
                translate("networks.cli_reading", terminal_language()), total=total
            )
            built = service.build(
                session,
                rules=rules,
                now=utcnow(),
                full=full,
                progress=lambda last_id: progress.update(
                    task, completed=min(last_id - first, total)
                ),
            )
            progress.update(task, completed=total)
    say(
        "networks.cli_built_full" if built.full else "networks.cli_built_increment",
        reports=built.reports_read,
        written=built.networks_written,
        removed=built.networks_removed,
        networks=built.networks,
        excluded=built.excluded,
    )


@app.command("list")
def list_networks(
    since: Annotated[
        datetime | None, typer.Option(help="Only networks active on or after this date.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Only networks active on or before this date.")
    ] = None,
    min_size: Annotated[
        int, typer.Option(help="Only networks of this many identifiers or more.")
    ] = 2,
    fraud_type: Annotated[
        FraudType | None, typer.Option(help="Only networks with reports of this fraud type.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every network with its identifiers and reports.")
    ] = False,
) -> None:
    """The networks of the last build, in the order they were found. Each listing is audited."""
    filters = service.Filters(
        since=_aware(since), until=_aware(until), min_size=min_size, fraud_type=fraud_type
    )
    with open_database().transaction() as session:
        networks = service.search(session, filters=filters)
        ids = [network.id for network in networks]
        members = service.members_of(session, network_ids=ids)
        reports = service.reports_of(session, network_ids=ids) if as_json else {}
        service.record_search(session, actor=Actor.operator(), filters=filters, shown=len(ids))
        shown = [
            network_out(
                network,
                members[network.id],
                reports.get(network.id, []),
                service.edges_of(session, network_id=network.id) if as_json else [],
            )
            for network in networks
        ]
    if as_json:
        print_json(json.dumps([item.model_dump(mode="json") for item in shown], indent=2))
        return
    language = terminal_language()
    table = Table(title=translate("networks.cli_list_title", language))
    for column in ("id", "size", "reports", "damage", "fraud_types", "central"):
        table.add_column(translate(f"networks.cli_column_{column}", language))
    for item in shown:
        table.add_row(
            str(item.id),
            str(item.size),
            str(item.report_count),
            f"€ {format_amount(item.damage_cents, language)}",
            ", ".join(item.fraud_types),
            item.central[0].value if item.central else "",
        )
    console.print(table)


def _aware(moment: datetime | None) -> datetime | None:
    """A date typed on the command line is UTC unless it says otherwise."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
