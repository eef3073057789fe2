"""The monthly totals behind the figures: kept while reports are stored, equal to counting the
reports again, and giving exact figures for any period, whole months or cut ones."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from fraudlink.figures import service, totals
from fraudlink.figures.models import MonthlyCell, VictimAccount
from fraudlink.figures.service import Dimension, Period
from fraudlink.migrations import alembic_config
from fraudlink.reports.models import Report
from tests.factories import OPERATOR
from tests.figures.filed import Body, expected
from tests.test_cli import fraudlink

DIMENSIONS = {
    Dimension.FRAUD_TYPE: "fraud_type",
    Dimension.CHANNEL: "channel",
    Dimension.AGE_BAND: "age_band",
    Dimension.REGION: "region",
    Dimension.MONTH: "month",
}


def snapshot(session: Session) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    cells = {tuple(row) for row in session.execute(select(*MonthlyCell.__table__.columns))}
    accounts = {tuple(row) for row in session.execute(select(*VictimAccount.__table__.columns))}
    return cells, accounts


def test_the_totals_kept_while_storing_equal_counting_the_reports_again(
    database: Database, filed: list[Body]
) -> None:
    with database.transaction() as session:
        kept = snapshot(session)
        by_channel = [cell for cell in kept[0] if cell[1] == "*"]
        assert sum(cell[-2] for cell in by_channel) == len(filed)
        assert sum(cell[-2] for cell in kept[0]) == 3 * len(filed)  # one cell of each grouping
        assert any(account[-1] > 1 for account in kept[1]), "some victims reported twice"
        totals.rebuild(session, actor=OPERATOR)
        assert snapshot(session) == kept


def periods(seed: int, count: int) -> list[Period]:
    """Periods that start and end on any day around the filed reports (2024-01 to 2025-12):
    cutting months, whole months, one day, open at either end."""
    draw = random.Random(seed)  # noqa: S311 - periods to test, not secrets
    made = [Period(), Period.year(2024), Period(date(2024, 3, 1), date(2024, 3, 31))]
    made += [
        Period(date(2024, 2, 29), date(2024, 2, 29)),
        Period(date(2024, 5, 7), date(2024, 5, 20)),
    ]
    for _ in range(count):
        start = date(2023, 12, 1) + timedelta(days=draw.randrange(800))
        end = start + timedelta(days=draw.randrange(400))
        shape = draw.randrange(4)
        made.append(Period(start if shape != 1 else None, end if shape != 2 else None))
    return made


@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_any_period_gives_the_counts_of_the_reports_in_it(
    database: Database, filed: list[Body], dimension: Dimension
) -> None:
    for period in periods(seed=len(dimension.value), count=12):
        inside = [
            body
            for body in filed
            if (period.start is None or period.start.isoformat() <= body["occurred_at"][:10])
            and (period.end is None or body["occurred_at"][:10] <= period.end.isoformat())
        ]
        with database.transaction() as session:
            found = service.breakdown(session, dimension=dimension, period=period)
            total = service.total(session, period=period)
        assert {
            group.key: (group.reports, group.victims, group.damage_euros) for group in found
        } == expected(inside, DIMENSIONS[dimension]), period
        assert (total.reports, total.victims, total.damage_euros) == expected(inside, "all").get(
            "all", (0, 0, 0.0)
        ), period


def test_rebuild_from_the_command_line_derives_regions_again_and_is_audited(
    database: Database, filed: list[Body]
) -> None:
    with database.transaction() as session:
        kept = snapshot(session)
        regions = dict(session.execute(select(Report.id, Report.region)).all())
        assert any(regions.values()), "the filed reports name postcodes"
        session.execute(update(Report).values(region=None))
        session.execute(text("DELETE FROM figures_monthly_cells"))
    code, out, err = fraudlink("figures", "rebuild")
    assert code == 0, out + err
    assert f"{len(kept[0])} cells" in out
    with database.transaction() as session:
        assert dict(session.execute(select(Report.id, Report.region)).all()) == regions
        assert snapshot(session) == kept
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "figures.rebuild"


def test_the_migration_counts_the_reports_stored_before_it(
    database_url: str, database: Database, filed: list[Body]
) -> None:
    """0010 fills the totals from the reports already there, which have no region yet."""
    with database.transaction() as session:
        cells, accounts = snapshot(session)
    # The cells by fraud type and region become one region, unknown, per fraud type and month.
    migrated: dict[tuple[Any, ...], list[int]] = {}
    for month, fraud_type, channel, age_band, region, reports, damage in cells:
        known = region if region in ("*", "unknown") else "unknown"
        summed = migrated.setdefault((month, fraud_type, channel, age_band, known), [0, 0])
        summed[0] += reports
        summed[1] += damage
    database.dispose()
    config = alembic_config(database_url)
    command.downgrade(config, "0009")
    command.upgrade(config, "head")
    with database.transaction() as session:
        migrated_cells, migrated_accounts = snapshot(session)
    assert migrated_accounts == accounts
    assert migrated_cells == {
        (*key, reports, damage) for key, (reports, damage) in migrated.items()
    }
