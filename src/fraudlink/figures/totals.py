"""Keeping the running totals of the figures: added to in the transaction that stores reports,
and rebuilt from the reports on request (after the postcode table changed, say)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, String, cast, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import insert_for, table_of
from fraudlink.figures.models import (
    ALL,
    GROUPINGS,
    GROUPS,
    UNKNOWN,
    MonthlyCell,
    VictimAccount,
)
from fraudlink.reports.models import Report
from fraudlink.reports.regions import region_of


def _month_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date().replace(day=1)


def _text(value: StrEnum | str | None) -> str:
    if value is None:
        return UNKNOWN
    return value.value if isinstance(value, StrEnum) else value


def count_reports(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Add newly stored reports (their rows as inserted) to the totals.

    Cells and accounts are upserted in key order, so two batches adding to the same cells wait
    for each other instead of deadlocking.
    """
    cells: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        month = _month_of(row["occurred_at"])
        for grouping in GROUPINGS:
            key = (month, *(_text(row[group]) if group in grouping else ALL for group in GROUPS))
            cell = cells.setdefault(key, [0, 0])
            cell[0] += 1
            cell[1] += row["total_loss_cents"]
    accounts = Counter(row["victim_iban_token"] for row in rows if row["victim_iban_token"])
    # Core tables rather than the models: the same statement without the ORM's work per row.
    dialect_insert = insert_for(session)
    if cells:
        table = table_of(MonthlyCell)
        statement = dialect_insert(table)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["month", *GROUPS],
                set_={
                    "reports": table.c.reports + statement.excluded.reports,
                    "damage_cents": table.c.damage_cents + statement.excluded.damage_cents,
                },
            ),
            [
                {
                    "month": month,
                    **dict(zip(GROUPS, groups, strict=True)),
                    "reports": reports,
                    "damage_cents": damage,
                }
                for (month, *groups), (reports, damage) in sorted(cells.items())
            ],
        )
    if accounts:
        table = table_of(VictimAccount)
        statement = dialect_insert(table)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["token"],
                set_={"reports": table.c.reports + statement.excluded.reports},
            ),
            [{"token": token, "reports": count} for token, count in sorted(accounts.items())],
        )


def _month_column(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("month", func.timezone("UTC", Report.occurred_at)), Date)
    return func.date(Report.occurred_at, "start of month")


def rebuild(session: Session, *, actor: Actor) -> int:
    """Derive every report's region from its postcode area again, and the totals from the
    reports; returns the number of cells. One transaction: the figures never see half of it."""
    areas = [
        area
        for area in session.scalars(select(Report.postcode_area).distinct())
        if area is not None
    ]
    for area in areas:
        session.execute(
            update(Report).where(Report.postcode_area == area).values(region=region_of(area))
        )
    session.execute(delete(MonthlyCell))
    session.execute(delete(VictimAccount))
    month = _month_column(session)
    for grouping in GROUPINGS:
        split = {
            group: func.coalesce(cast(getattr(Report, group), String), UNKNOWN)
            for group in grouping
        }
        session.execute(
            insert(MonthlyCell).from_select(
                ["month", *GROUPS, "reports", "damage_cents"],
                select(
                    month,
                    *(split.get(group, literal(ALL)) for group in GROUPS),
                    func.count(),
                    func.coalesce(func.sum(Report.total_loss_cents), 0),
                ).group_by(month, *split.values()),
            )
        )
    session.execute(
        insert(VictimAccount).from_select(
            ["token", "reports"],
            select(Report.victim_iban_token, func.count())
            .where(Report.victim_iban_token.is_not(None))
            .group_by(Report.victim_iban_token),
        )
    )
    cells = session.scalar(select(func.count()).select_from(MonthlyCell)) or 0
    audit_service.record(
        session,
        actor=actor,
        action="figures.rebuild",
        subject_type="figures",
        subject_id="totals",
        details={"cells": cells, "postcode_areas": len(areas)},
    )
    return cells
