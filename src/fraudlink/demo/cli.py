"""``fraudlink demo``: fill the database with the demo partnership and print its keys."""

from __future__ import annotations

import typer

from fraudlink.audit.service import Actor
from fraudlink.console import open_database, say
from fraudlink.database import utcnow
from fraudlink.demo import service
from fraudlink.demo.payments import PAYMENTS_FILE, write_payments_csv
from fraudlink.networks import service as network_service
from fraudlink.recovery.service import Rules
from fraudlink.reports.service import RoutingPolicy
from fraudlink.settings import Settings


def demo() -> None:
    """Load deterministic demo data (a second run changes nothing) and print the demo API keys.

    Partners with their keys, 3,000 reports, refund requests between their banks (PNBF), the
    action plan, and the mule networks of the reports.

    It also writes DATA_DIR/demo-payments.csv: labelled demo payments to backtest rules on.
    """
    settings = Settings()
    database = open_database(settings)
    with database.transaction() as session:
        partners = service.load(session, actor=Actor.operator())
    reports = service.load_reports(
        database, actor=Actor.operator(), policy=RoutingPolicy.from_settings(settings)
    )
    requests = service.load_recovery(database, rules=Rules.from_settings(settings), now=utcnow())
    plan = service.load_actions(database, actor=Actor.operator())
    with database.transaction() as session:
        # The mule networks of the demo reports; again: only reports that arrived since.
        networks = network_service.build(
            session, rules=network_service.Rules.of(session, settings), now=utcnow()
        )
    payments_file = settings.data_dir / PAYMENTS_FILE
    payments = write_payments_csv(payments_file)
    # Plain lines rather than a table: a key cut off or wrapped by a table cannot be copied.
    say("demo.keys_heading")
    width = max(len(partner.name) for partner in partners)
    for partner in partners:
        revoked = " (revoked)" if partner.key_revoked else ""
        typer.echo(f"  {partner.name:<{width}}  {partner.type.value:<14}  {partner.key}{revoked}")
    say("demo.loaded", count=len(partners))
    say("demo.payments_written", count=payments, path=payments_file)
    say("demo.reports_loaded", imported=reports.imported, present=reports.already_present)
    say("demo.recovery_loaded", made=requests.made, present=requests.already_present)
    say("actions.demo_loaded", made=plan.made, present=plan.present)
    say("demo.networks_built", networks=networks.networks)
