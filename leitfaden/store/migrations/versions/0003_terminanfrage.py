"""Appointment requests for support offers (GLF 1.000.3).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terminanfrage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("angebot_id", sa.String(80), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("von", sa.Time(), nullable=False),
        sa.Column("bis", sa.Time(), nullable=False),
        sa.Column("status", sa.String(20), server_default="angefragt", nullable=False),
        sa.Column("erstellt_am", sa.DateTime(), nullable=False),
        sa.Column("erstellt_von", sa.String(100), nullable=False),
        sa.CheckConstraint("status IN ('angefragt', 'bestaetigt', 'abgesagt')",
                           name=op.f("ck_terminanfrage_status")),
        sa.CheckConstraint("von < bis", name=op.f("ck_terminanfrage_von_vor_bis")),
        sa.ForeignKeyConstraint(
            ["angebot_id"], ["unterstuetzungsangebot.id"],
            name=op.f("fk_terminanfrage_angebot_id"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminanfrage")),
        sa.UniqueConstraint("conversation_id", "angebot_id", "datum",
                            name="uq_terminanfrage_gespraech_angebot_tag"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_terminanfrage_angebot_id"), "terminanfrage", ["angebot_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_terminanfrage_angebot_id"), table_name="terminanfrage")
    op.drop_table("terminanfrage")
