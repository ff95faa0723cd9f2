"""Employees (Mitarbeiter) and their API tokens for the agent channel.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mitarbeiter",
        sa.Column("login", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rolle", sa.String(20), nullable=False),
        sa.Column("aktiv", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.CheckConstraint("rolle IN ('sc', 'socl', 'trainer', 'admin')",
                           name=op.f("ck_mitarbeiter_rolle")),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_mitarbeiter")),
    )
    op.create_table(
        "mitarbeiter_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("bezeichnung", sa.String(200), nullable=False),
        sa.Column("erstellt_am", sa.DateTime(), nullable=False),
        sa.Column("widerrufen_am", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["login"], ["mitarbeiter.login"],
            name=op.f("fk_mitarbeiter_token_login"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mitarbeiter_token")),
        sa.UniqueConstraint("token_hash", name="uq_mitarbeiter_token_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_mitarbeiter_token_login"), "mitarbeiter_token", ["login"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mitarbeiter_token_login"), table_name="mitarbeiter_token")
    op.drop_table("mitarbeiter_token")
    op.drop_table("mitarbeiter")
