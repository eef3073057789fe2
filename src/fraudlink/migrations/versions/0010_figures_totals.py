"""Figures totals: reports per month and group, reports per victim account, and the victim's
postcode area and region on the report. The totals are filled from the reports already stored.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 00:46:47.839558
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

REGIONS = (
    "groningen",
    "friesland",
    "drenthe",
    "overijssel",
    "flevoland",
    "gelderland",
    "utrecht",
    "noord_holland",
    "zuid_holland",
    "zeeland",
    "noord_brabant",
    "limburg",
)


def upgrade() -> None:
    op.create_table(
        "figures_monthly_cells",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("fraud_type", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("damage_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month",
            "fraud_type",
            "channel",
            "age_band",
            "region",
            name=op.f("pk_figures_monthly_cells"),
        ),
    )
    op.create_table(
        "figures_victim_accounts",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_figures_victim_accounts")),
    )
    with op.batch_alter_table("figures_victim_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_figures_victim_accounts_repeated",
            ["token"],
            unique=False,
            sqlite_where=sa.text("reports > 1"),
            postgresql_where=sa.text("reports > 1"),
        )

    # Plain ADD COLUMN with its CHECK, the same on both engines: a batch would copy the reports
    # table, which other tables point at.
    op.add_column("reports", sa.Column("postcode_area", sa.String(length=4), nullable=True))
    regions = ", ".join(f"'{region}'" for region in REGIONS)
    op.execute(
        "ALTER TABLE reports ADD COLUMN region VARCHAR(32)"
        f" CONSTRAINT ck_reports_region CHECK (region IN ({regions}))"
    )

    op.create_index("ix_reports_occurred_at", "reports", ["occurred_at"])

    # Reports stored so far have no postcode area: their region is unknown. One kind of cell
    # per grouping; a column the cell does not split by holds "*".
    if op.get_bind().dialect.name == "postgresql":
        month = "date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date"
    else:
        month = "date(occurred_at, 'start of month')"
    groupings = {
        "fraud_type, '*', coalesce(age_band, 'unknown'), '*'": "fraud_type, age_band",
        "fraud_type, '*', '*', 'unknown'": "fraud_type",
        "'*', channel, '*', '*'": "channel",
    }
    for columns, groups in groupings.items():
        op.execute(
            "INSERT INTO figures_monthly_cells"  # noqa: S608 - constants of this migration
            " (month, fraud_type, channel, age_band, region, reports, damage_cents)"
            f" SELECT {month}, {columns}, count(*), coalesce(sum(total_loss_cents), 0)"
            f" FROM reports GROUP BY {month}, {groups}"
        )
    op.execute(
        "INSERT INTO figures_victim_accounts (token, reports)"
        " SELECT victim_iban_token, count(*) FROM reports"
        " WHERE victim_iban_token IS NOT NULL GROUP BY victim_iban_token"
    )


def downgrade() -> None:
    op.drop_index("ix_reports_occurred_at", table_name="reports")
    op.drop_column("reports", "region")
    op.drop_column("reports", "postcode_area")
    op.drop_index("ix_figures_victim_accounts_repeated", table_name="figures_victim_accounts")
    op.drop_table("figures_victim_accounts")
    op.drop_table("figures_monthly_cells")
