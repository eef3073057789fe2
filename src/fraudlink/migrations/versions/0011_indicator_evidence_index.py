"""Indicator evidence index: refreshing an indicator named in many reports reads the index only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 04:20:00.000000
"""

from __future__ import annotations

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_indicator_reports_evidence",
        "indicator_reports",
        ["indicator_id", "partner_id", "fraud_type", "reported_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_indicator_reports_evidence", table_name="indicator_reports")
