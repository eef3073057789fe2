"""Indicators with their report links, submissions, sightings and disputes; the change feed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import fraudlink.database

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_change_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "last_change", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_change_counter")),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "disputed",
                "cleared",
                "expired",
                name="indicator_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "tlp",
            sa.Enum(
                "clear",
                "green",
                "amber",
                "amber+strict",
                "red",
                name="tlp",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("first_seen", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("partner_count", sa.Integer(), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), nullable=False),
        sa.Column(
            "fraud_types", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("change", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("cleared_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("token", name=op.f("uq_indicators_token")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index("ix_indicators_change", ["change"], unique=False)

    op.create_table(
        "indicator_disputes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "indicator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "cleared",
                "upheld",
                name="dispute_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("statement_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("contact_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("opened_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["partners.id"], name=op.f("fk_indicator_disputes_decided_by_partners")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_disputes_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_disputes")),
    )
    with op.batch_alter_table("indicator_disputes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_disputes_indicator_id"), ["indicator_id"], unique=False
        )

    op.create_table(
        "indicator_sightings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "indicator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "payment_attempted",
                "call_received",
                "message_received",
                "visited",
                "false_positive",
                name="sighting_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("seen_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_sightings_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_indicator_sightings_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_sightings")),
    )
    with op.batch_alter_table("indicator_sightings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_sightings_indicator_id_id", ["indicator_id", "id"], unique=False
        )

    op.create_table(
        "indicator_submissions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "indicator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("fraud_type", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_submissions_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_indicator_submissions_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_submissions")),
        sa.UniqueConstraint(
            "indicator_id", "partner_id", name=op.f("uq_indicator_submissions_indicator_id")
        ),
    )
    op.create_table(
        "indicator_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "indicator_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fraud_type", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_reports_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_indicator_reports_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_indicator_reports_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_reports")),
        sa.UniqueConstraint(
            "indicator_id", "report_id", name=op.f("uq_indicator_reports_indicator_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("indicator_reports")
    op.drop_table("indicator_submissions")
    with op.batch_alter_table("indicator_sightings", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_sightings_indicator_id_id")

    op.drop_table("indicator_sightings")
    with op.batch_alter_table("indicator_disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_disputes_indicator_id"))

    op.drop_table("indicator_disputes")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index("ix_indicators_change")

    op.drop_table("indicators")
    op.drop_table("indicator_change_counter")
