"""Networks: mule networks found in the reports, their members, edges and reports.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 22:45:33.984142
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import fraudlink.database

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "network_builds",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_report_id", sa.BigInteger(), nullable=False),
        sa.Column("built_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_builds")),
    )
    op.create_table(
        "network_exclusions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_network_exclusions")),
    )
    op.create_table(
        "networks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("victim_count", sa.Integer(), nullable=False),
        sa.Column("damage_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "fraud_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_seen", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("built_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networks")),
    )
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.create_index("ix_networks_last_seen", ["last_seen"], unique=False)
        batch_op.create_index("ix_networks_size", ["size"], unique=False)

    op.create_table(
        "network_edges",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "network_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("source_rank", sa.Integer(), nullable=False),
        sa.Column("target_rank", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_edges_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_edges")),
    )
    with op.batch_alter_table("network_edges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_edges_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "network_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "network_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("paid_in_cents", sa.BigInteger(), nullable=False),
        sa.Column("payment_count", sa.Integer(), nullable=False),
        sa.Column("degree", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_members_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_members")),
    )
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_members_network_id"), ["network_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_network_members_token"), ["token"], unique=False)

    op.create_table(
        "network_reports",
        sa.Column(
            "network_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_reports_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_network_reports_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", "report_id", name=op.f("pk_network_reports")),
    )
    with op.batch_alter_table("network_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_reports_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("network_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_reports_report_id"))

    op.drop_table("network_reports")
    with op.batch_alter_table("network_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_members_token"))
        batch_op.drop_index(batch_op.f("ix_network_members_network_id"))

    op.drop_table("network_members")
    with op.batch_alter_table("network_edges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_edges_network_id"))

    op.drop_table("network_edges")
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.drop_index("ix_networks_size")
        batch_op.drop_index("ix_networks_last_seen")

    op.drop_table("networks")
    op.drop_table("network_exclusions")
    op.drop_table("network_builds")
