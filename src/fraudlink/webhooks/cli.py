"""``fraudlink webhooks``: deliver by hand and see how every partner's webhooks stand."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fraudlink.console import console, open_database, say
from fraudlink.partners.models import Partner
from fraudlink.settings import Settings
from fraudlink.webhooks import delivery, service

app = typer.Typer(
    help="Webhooks that send partners new and changed indicators.", no_args_is_help=True
)


@app.command("deliver")
def deliver() -> None:
    """Send every webhook that is due its waiting messages now (the server does this itself)."""
    settings = Settings()
    outcome = delivery.deliver_due(open_database(settings), settings)
    say(
        "webhooks.deliver_done",
        delivered=outcome.delivered,
        indicators=outcome.indicators,
        failed=outcome.failed,
    )


@app.command("list")
def list_webhooks(
    failing: Annotated[bool, typer.Option(help="Only webhooks with failed attempts.")] = False,
) -> None:
    """Every partner's webhooks: address, state, position and failures."""
    table = Table("id", "partner", "url", "state", "cursor", "backlog", "failures", "last success")
    with open_database().read_only() as session:
        for webhook in service.for_partner(session):
            if failing and not webhook.failures:
                continue
            table.add_row(
                str(webhook.id),
                session.get_one(Partner, webhook.partner_id).name,
                webhook.url,
                webhook.state.value
                + (f" ({webhook.disabled_reason.value})" if webhook.disabled_reason else ""),
                str(webhook.cursor),
                str(service.backlog(session, webhook)),
                str(webhook.failures),
                f"{webhook.last_success_at:%Y-%m-%d %H:%M}" if webhook.last_success_at else "",
            )
    console.print(table)
