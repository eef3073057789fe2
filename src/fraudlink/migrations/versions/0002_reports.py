"""Reports with their payments, identifiers and recipients; partner domains; advice given.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import fraudlink.database

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "report_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_report_counters")),
    )
    op.create_table(
        "partner_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_domains_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_domains")),
        sa.UniqueConstraint("domain", name=op.f("uq_partner_domains_domain")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "web",
                "api",
                "import",
                name="report_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reporting_partner_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column(
            "fraud_type",
            sa.Enum(
                "bank_helpdesk",
                "purchase",
                "sale",
                "romance",
                "investment",
                "friend_in_need",
                "phishing",
                "identity",
                "invoice",
                "mule_recruitment",
                "other",
                name="fraud_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("fraud_type_suggested", sa.Boolean(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone_call",
                "sms",
                "whatsapp",
                "email",
                "marketplace",
                "social_media",
                "website",
                "dating_app",
                "in_person",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "age_band",
            sa.Enum(
                "under_18",
                "18-29",
                "30-49",
                "50-69",
                "70+",
                name="age_band",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("aangifte_made", sa.Boolean(), nullable=False),
        sa.Column("aangifte_reference", sa.String(length=64), nullable=True),
        sa.Column("aangifte_wanted", sa.Boolean(), nullable=False),
        sa.Column("contact_consent", sa.Boolean(), nullable=False),
        sa.Column("victim_bank_code", sa.String(length=16), nullable=True),
        sa.Column("victim_iban_token", sa.String(length=64), nullable=True),
        sa.Column("victim_iban_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("narrative_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column(
            "usernames", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("total_loss_cents", sa.BigInteger(), nullable=False),
        sa.Column("advice_rules_version", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["reporting_partner_id"],
            ["partners.id"],
            name=op.f("fk_reports_reporting_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_reports_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_reports_reference")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_fraud_type_occurred_at", ["fraud_type", "occurred_at"], unique=False
        )
        batch_op.create_index("ix_reports_reported_at", ["reported_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reports_victim_iban_token"), ["victim_iban_token"], unique=False
        )

    op.create_table(
        "advice_given",
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("followed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_advice_given_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "step_id", name=op.f("pk_advice_given")),
    )
    with op.batch_alter_table("advice_given", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advice_given_step_id"), ["step_id"], unique=False)

    op.create_table(
        "advice_outcomes",
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("money_back", sa.Boolean(), nullable=True),
        sa.Column("amount_back_cents", sa.BigInteger(), nullable=True),
        sa.Column("advice_clear", sa.Boolean(), nullable=True),
        sa.Column("updated_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_advice_outcomes_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_advice_outcomes")),
    )
    op.create_table(
        "report_identifiers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_identifiers_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_identifiers")),
    )
    with op.batch_alter_table("report_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_identifiers_report_id"), ["report_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_report_identifiers_token"), ["token"], unique=False)

    op.create_table(
        "report_payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
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
                name="payment_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("beneficiary_kind", sa.String(length=16), nullable=True),
        sa.Column("beneficiary", sa.String(length=128), nullable=True),
        sa.Column("beneficiary_token", sa.String(length=64), nullable=True),
        sa.Column("beneficiary_bank_code", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_payments_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_payments")),
    )
    with op.batch_alter_table("report_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_payments_beneficiary_token"), ["beneficiary_token"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_payments_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "report_recipients",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "reasons", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("routed_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_report_recipients_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_recipients_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_recipients")),
        sa.UniqueConstraint("report_id", "partner_id", name=op.f("uq_report_recipients_report_id")),
    )
    with op.batch_alter_table("report_recipients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_recipients_partner_id_id", ["partner_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_report_recipients_partner_id_id")

    op.drop_table("report_recipients")
    with op.batch_alter_table("report_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_payments_report_id"))
        batch_op.drop_index(batch_op.f("ix_report_payments_beneficiary_token"))

    op.drop_table("report_payments")
    with op.batch_alter_table("report_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_identifiers_token"))
        batch_op.drop_index(batch_op.f("ix_report_identifiers_report_id"))

    op.drop_table("report_identifiers")
    op.drop_table("advice_outcomes")
    with op.batch_alter_table("advice_given", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advice_given_step_id"))

    op.drop_table("advice_given")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_victim_iban_token"))
        batch_op.drop_index("ix_reports_reported_at")
        batch_op.drop_index("ix_reports_fraud_type_occurred_at")

    op.drop_table("reports")
    op.drop_table("partner_domains")
    op.drop_table("report_counters")
