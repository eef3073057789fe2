"""Telecom: protected numbers, SMS sender names, spoofing events, SMS blocks and call signals.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import fraudlink.database

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "telecom_call_signals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_token", sa.String(length=64), nullable=False),
        sa.Column("caller_token", sa.String(length=64), nullable=False),
        sa.Column(
            "origin",
            sa.Enum(
                "own_network",
                "domestic_network",
                "international",
                name="call_origin",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("started_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["partners.id"],
            name=op.f("fk_telecom_call_signals_operator_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telecom_call_signals")),
        sa.UniqueConstraint(
            "subscriber_token",
            "operator_id",
            "caller_token",
            "started_at",
            name=op.f("uq_telecom_call_signals_subscriber_token"),
        ),
    )
    with op.batch_alter_table("telecom_call_signals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_telecom_call_signals_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "telecom_protected_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("inbound_only", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_telecom_protected_numbers_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telecom_protected_numbers")),
        sa.UniqueConstraint("number", name=op.f("uq_telecom_protected_numbers_number")),
    )
    with op.batch_alter_table("telecom_protected_numbers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_telecom_protected_numbers_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "telecom_sms_senders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=11), nullable=False),
        sa.Column("skeleton", sa.String(length=32), nullable=False),
        sa.Column(
            "routes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_telecom_sms_senders_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telecom_sms_senders")),
        sa.UniqueConstraint("name", name=op.f("uq_telecom_sms_senders_name")),
    )
    with op.batch_alter_table("telecom_sms_senders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_telecom_sms_senders_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_telecom_sms_senders_skeleton"), ["skeleton"], unique=False
        )

    op.create_table(
        "telecom_spoofing_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("presented_token", sa.String(length=64), nullable=False),
        sa.Column(
            "origin",
            sa.Enum(
                "own_network",
                "domestic_network",
                "international",
                name="call_origin",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "verdict",
            sa.Enum(
                "allow",
                "warn",
                "block",
                name="telecom_verdict",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sighting", sa.Boolean(), nullable=False),
        sa.Column("callee_token", sa.String(length=64), nullable=True),
        sa.Column("callee_until", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["partners.id"],
            name=op.f("fk_telecom_spoofing_events_operator_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telecom_spoofing_events")),
    )
    with op.batch_alter_table("telecom_spoofing_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_telecom_spoofing_events_callee_token_callee_until",
            ["callee_token", "callee_until"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_telecom_spoofing_events_checked_at"), ["checked_at"], unique=False
        )
        batch_op.create_index(
            "ix_telecom_spoofing_events_presented_token_checked_at",
            ["presented_token", "checked_at"],
            unique=False,
        )

    op.create_table(
        "telecom_sms_blocks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("presented", sa.String(length=11), nullable=False),
        sa.Column("route", sa.String(length=32), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "sender_route_not_allowed",
                "lookalike_sender",
                name="sms_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("checked_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["partners.id"],
            name=op.f("fk_telecom_sms_blocks_operator_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["telecom_sms_senders.id"],
            name=op.f("fk_telecom_sms_blocks_sender_id_telecom_sms_senders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telecom_sms_blocks")),
    )
    with op.batch_alter_table("telecom_sms_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_telecom_sms_blocks_checked_at"), ["checked_at"], unique=False
        )
        batch_op.create_index(
            "ix_telecom_sms_blocks_sender_id_checked_at", ["sender_id", "checked_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("telecom_sms_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_telecom_sms_blocks_sender_id_checked_at")
        batch_op.drop_index(batch_op.f("ix_telecom_sms_blocks_checked_at"))

    op.drop_table("telecom_sms_blocks")
    with op.batch_alter_table("telecom_spoofing_events", schema=None) as batch_op:
        batch_op.drop_index("ix_telecom_spoofing_events_presented_token_checked_at")
        batch_op.drop_index(batch_op.f("ix_telecom_spoofing_events_checked_at"))
        batch_op.drop_index("ix_telecom_spoofing_events_callee_token_callee_until")

    op.drop_table("telecom_spoofing_events")
    with op.batch_alter_table("telecom_sms_senders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telecom_sms_senders_skeleton"))
        batch_op.drop_index(batch_op.f("ix_telecom_sms_senders_partner_id"))

    op.drop_table("telecom_sms_senders")
    with op.batch_alter_table("telecom_protected_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telecom_protected_numbers_partner_id"))

    op.drop_table("telecom_protected_numbers")
    with op.batch_alter_table("telecom_call_signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telecom_call_signals_expires_at"))

    op.drop_table("telecom_call_signals")
