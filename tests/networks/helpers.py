"""Reports for the networks tests: the demo's first reports, or a few made by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from fraudlink.audit.service import Actor
from fraudlink.database import Database, utcnow
from fraudlink.demo import service as demo_service
from fraudlink.networks import service
from fraudlink.reports import importing
from fraudlink.reports.service import RoutingPolicy
from fraudlink.settings import Settings

_numbers = count(1)


def load_demo(database: Database, settings: Settings, *, reports: int) -> None:
    """The demo partners (their domains and protected numbers are warning-listed) and the
    first ``reports`` demo reports; a second call with more adds only the new ones."""
    with database.transaction() as session:
        demo_service.load(session, actor=Actor.operator())
    demo_service.load_reports(
        database,
        actor=Actor.operator(),
        policy=RoutingPolicy.from_settings(settings),
        count=reports,
    )


def build(database: Database, settings: Settings, *, full: bool = False) -> service.Built:
    with database.transaction() as session:
        rules = service.Rules.of(session, settings)
        return service.build(session, rules=rules, now=utcnow(), full=full)


def made(
    *,
    ibans: Sequence[str] = (),
    phones: Sequence[str] = (),
    urls: Sequence[str] = (),
    fraud_type: str = "bank_helpdesk",
    days_ago: int = 30,
    amount_cents: int = 100_000,
) -> dict[str, Any]:
    """A report in the shape of POST /v1/reports: a payment into each IBAN, the rest named."""
    occurred = datetime(2025, 6, 1, tzinfo=UTC) - timedelta(days=days_ago)
    return {
        "external_id": f"test-{next(_numbers)}",
        "fraud_type": fraud_type,
        "channel": "phone_call",
        "occurred_at": occurred.isoformat(),
        "payments": [
            {"amount_cents": amount_cents, "method": "transfer", "beneficiary_iban": iban}
            for iban in ibans
        ],
        "identifiers": [{"value": value} for value in (*phones, *urls)],
        "aangifte_made": False,
        "aangifte_wanted": False,
        "contact_consent": False,
    }


def add_reports(database: Database, settings: Settings, reports: Sequence[dict[str, Any]]) -> None:
    summary = importing.import_rows(
        database,
        iter(enumerate(reports, start=1)),
        partner_id=None,
        actor=Actor.operator(),
        policy=RoutingPolicy.from_settings(settings),
        language="en",
    )
    assert not summary.bad, summary.bad


def snapshot(database: Database) -> list[tuple[Any, ...]]:
    """The networks as content, without their ids (a rebuild numbers them anew)."""
    with database.read_only() as session:
        networks = service.search(session, filters=service.Filters(min_size=1))
        ids = [network.id for network in networks]
        members = service.members_of(session, network_ids=ids)
        reports = service.reports_of(session, network_ids=ids)
        edges = {network_id: service.edges_of(session, network_id=network_id) for network_id in ids}
        excluded = sorted(
            (item.token, item.reason, item.report_count)
            for item in service.exclusions(session, limit=100_000)
        )
        shown = sorted(
            (
                network.size,
                network.report_count,
                network.victim_count,
                network.damage_cents,
                tuple(network.fraud_types),
                network.first_seen,
                network.last_seen,
                tuple(
                    (m.rank, m.kind, m.value, m.report_count, m.paid_in_cents, m.degree)
                    for m in members[network.id]
                ),
                tuple(report.reference for report in reports[network.id]),
                tuple((e.source_rank, e.target_rank, e.weight) for e in edges[network.id]),
            )
            for network in networks
        )
    return [*shown, tuple(excluded)]


def now() -> datetime:
    return utcnow()
