"""Payment decisions: rule-set versions, decisions, debtor profiles, payees, allow-lists.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import fraudlink.database

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "decision_payees",
        sa.Column("creditor_token", sa.String(length=64), nullable=False),
        sa.Column("first_seen", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("payments", sa.BigInteger(), nullable=False),
        sa.Column(
            "names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("creditor_token", name=op.f("pk_decision_payees")),
    )
    op.create_table(
        "decision_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "live",
                "shadow",
                "retired",
                name="decision_rule_set_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("loaded_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_rule_sets")),
        sa.UniqueConstraint("revision", name=op.f("uq_decision_rule_sets_revision")),
        sa.UniqueConstraint("version", name=op.f("uq_decision_rule_sets_version")),
    )
    op.create_table(
        "decision_allow_list",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("creditor_token", sa.String(length=64), nullable=False),
        sa.Column("creditor_iban", sa.String(length=34), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_decision_allow_list_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_allow_list")),
    )
    with op.batch_alter_table("decision_allow_list", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_allow_list_partner_id_creditor_token",
            ["partner_id", "creditor_token"],
            unique=True,
        )

    op.create_table(
        "decision_profiles",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("debtor_token", sa.String(length=64), nullable=False),
        sa.Column("payments", sa.BigInteger(), nullable=False),
        sa.Column("amount_sum", sa.BigInteger(), nullable=False),
        sa.Column("amount_max", sa.BigInteger(), nullable=False),
        sa.Column(
            "creditors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_decision_profiles_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("partner_id", "debtor_token", name=op.f("pk_decision_profiles")),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("debtor_token", sa.String(length=64), nullable=False),
        sa.Column("creditor_token", sa.String(length=64), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "allow",
                "warn",
                "delay",
                "block",
                name="decision_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("shadow_version", sa.String(length=64), nullable=True),
        sa.Column(
            "shadow_outcome",
            sa.Enum(
                "allow",
                "warn",
                "delay",
                "block",
                name="decision_shadow_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("shadow_score", sa.Integer(), nullable=True),
        sa.Column(
            "shadow_codes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("used_call_signal", sa.Boolean(), nullable=False),
        sa.Column(
            "truth",
            sa.Enum(
                "confirmed_fraud",
                "false_alarm",
                name="decision_truth",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("truth_at", fraudlink.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_decisions_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decisions_partner_id_decided_at", ["partner_id", "decided_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_partner_id_decided_at")

    op.drop_table("decisions")
    op.drop_table("decision_profiles")
    with op.batch_alter_table("decision_allow_list", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_allow_list_partner_id_creditor_token")

    op.drop_table("decision_allow_list")
    op.drop_table("decision_rule_sets")
    op.drop_table("decision_payees")
