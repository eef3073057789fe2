"""Recovery: refund requests between banks (PNBF), their history and released names and addresses.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 21:34:25.235608
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fraudlink.database
from fraudlink.migrations import grant_to_full_keys

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "recovery_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "transfer",
                "instant",
                "ideal",
                "card",
                "crypto",
                "gift_card",
                "cash",
                name="recovery_payment_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("beneficiary_iban", sa.String(length=34), nullable=False),
        sa.Column("beneficiary_token", sa.String(length=64), nullable=False),
        sa.Column("aangifte_reference", sa.String(length=64), nullable=True),
        sa.Column("victim_consent", sa.Boolean(), nullable=False),
        sa.Column("requester_reference", sa.String(length=64), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "sent",
                "frozen",
                "partially_returned",
                "returned",
                "no_funds",
                "account_closed",
                "refused",
                "naw_requested",
                "naw_released",
                "withdrawn",
                name="recovery_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("returned_cents", sa.BigInteger(), nullable=False),
        sa.Column("frozen_cents", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("awaiting_partner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("naw_possible_on", sa.Date(), nullable=False),
        sa.Column("sent_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_answer_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_for", sa.Date(), nullable=True),
        sa.Column("escalated_for", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["awaiting_partner_id"],
            ["partners.id"],
            name=op.f("fk_recovery_requests_awaiting_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["report_payments.id"],
            name=op.f("fk_recovery_requests_payment_id_report_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"], ["partners.id"], name=op.f("fk_recovery_requests_receiver_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_recovery_requests_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["partners.id"],
            name=op.f("fk_recovery_requests_requester_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_requests")),
        sa.UniqueConstraint(
            "requester_id", "requester_reference", name=op.f("uq_recovery_requests_requester_id")
        ),
    )
    with op.batch_alter_table("recovery_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recovery_requests_awaiting_partner_id_due_on",
            ["awaiting_partner_id", "due_on"],
            unique=False,
        )
        batch_op.create_index(
            "ix_recovery_requests_beneficiary_token", ["beneficiary_token"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recovery_requests_receiver_id"), ["receiver_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recovery_requests_report_id"), ["report_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recovery_requests_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index("ix_recovery_requests_sent_at", ["sent_at"], unique=False)

    op.create_table(
        "recovery_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "send",
                "answer",
                "request_naw",
                "release_naw",
                "withdraw",
                "remind",
                "escalate",
                name="recovery_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "sent",
                "frozen",
                "partially_returned",
                "returned",
                "no_funds",
                "account_closed",
                "refused",
                "naw_requested",
                "naw_released",
                "withdrawn",
                name="recovery_event_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_recovery_events_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["recovery_requests.id"],
            name=op.f("fk_recovery_events_request_id_recovery_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_events")),
    )
    with op.batch_alter_table("recovery_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_events_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "recovery_naw_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("released_by", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("released_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("erase_on", sa.Date(), nullable=False),
        sa.Column("erased_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["released_by"],
            ["partners.id"],
            name=op.f("fk_recovery_naw_releases_released_by_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["recovery_requests.id"],
            name=op.f("fk_recovery_naw_releases_request_id_recovery_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_naw_releases")),
        sa.UniqueConstraint("request_id", name=op.f("uq_recovery_naw_releases_request_id")),
    )
    grant_to_full_keys(op.get_bind(), GRANTED)


# Keys made with everything before this migration get its permissions (and decision:request,
# which 0006 added without reaching them).
GRANTED = {
    "bank": (
        {"key:manage", "report:read", "indicator:read_raw"},
        {"decision:request", "recovery:work", "recovery:read_naw"},
    ),
    "psp": (
        {"key:manage", "report:read", "indicator:read_raw"},
        {"decision:request", "recovery:work", "recovery:read_naw"},
    ),
    "programme": ({"key:manage", "audit:read_all"}, {"recovery:oversee"}),
}


def downgrade() -> None:
    op.drop_table("recovery_naw_releases")
    with op.batch_alter_table("recovery_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_events_request_id"))

    op.drop_table("recovery_events")
    with op.batch_alter_table("recovery_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_recovery_requests_sent_at")
        batch_op.drop_index(batch_op.f("ix_recovery_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_recovery_requests_report_id"))
        batch_op.drop_index(batch_op.f("ix_recovery_requests_receiver_id"))
        batch_op.drop_index("ix_recovery_requests_beneficiary_token")
        batch_op.drop_index("ix_recovery_requests_awaiting_partner_id_due_on")

    op.drop_table("recovery_requests")
