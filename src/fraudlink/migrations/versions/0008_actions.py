"""Actions: the programme's action plan (Actieplan), per theme and year.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 22:38:02.715770
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import fraudlink.database
from fraudlink.migrations import grant_to_full_keys

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "programme_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "theme",
            sa.Enum(
                "prevention",
                "victim_support",
                "data_sharing",
                "interventions",
                "money_mules",
                "recovery_and_enforcement",
                name="action_theme",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column(
            "partners",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "running",
                "realised",
                "carried_over",
                name="action_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", fraudlink.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["programme_actions.id"],
            name=op.f("fk_programme_actions_carried_from_id_programme_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_actions")),
    )
    with op.batch_alter_table("programme_actions", schema=None) as batch_op:
        batch_op.create_index("ix_programme_actions_year_theme", ["year", "theme"], unique=False)
    grant_to_full_keys(op.get_bind(), GRANTED)


# Keys made with everything before this migration get its permissions.
GRANTED = {
    "police": ({"key:manage", "report:read_narrative", "indicator:read_raw"}, {"network:read"}),
    "prosecution": (
        {"key:manage", "report:read_narrative", "indicator:read_raw"},
        {"network:read"},
    ),
    "programme": ({"key:manage", "audit:read_all"}, {"action:manage", "network:read"}),
}


def downgrade() -> None:
    with op.batch_alter_table("programme_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_actions_year_theme")

    op.drop_table("programme_actions")
