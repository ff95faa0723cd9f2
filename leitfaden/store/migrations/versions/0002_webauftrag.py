"""Webauftrag intake.

History of the Webaufträge of the Agenturen and the changes they made to support offers,
and the API tokens of the Agenturen.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _in(spalte: str, werte: tuple[str, ...]) -> str:
    return f"{spalte} IN ({', '.join(repr(w) for w in werte)})"


def upgrade() -> None:
    op.create_table(
        "webauftrag",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agentur_id", sa.String(40), nullable=False),
        sa.Column("nummer", sa.String(50), nullable=False),
        sa.Column("absender", sa.String(100), nullable=False),
        sa.Column("kanal", sa.String(10), nullable=False),
        sa.Column("eingegangen_am", sa.DateTime(), nullable=False),
        sa.Column("inhalt_hash", sa.String(64), nullable=False),
        sa.Column("dokument", sa.Text(), nullable=False),
        sa.CheckConstraint(_in("kanal", ("cli", "http")), name=op.f("ck_webauftrag_kanal")),
        sa.ForeignKeyConstraint(
            ["agentur_id"], ["agentur.id"],
            name=op.f("fk_webauftrag_agentur_id"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webauftrag")),
        sa.UniqueConstraint("agentur_id", "nummer", name="uq_webauftrag_agentur_nummer"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_webauftrag_eingegangen_am"), "webauftrag", ["eingegangen_am"])

    op.create_table(
        "angebot_aenderung",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("webauftrag_id", sa.Integer(), nullable=False),
        sa.Column("angebot_id", sa.String(80), nullable=False),
        sa.Column("aktion", sa.String(10), nullable=False),
        sa.Column("felder", sa.Text(), nullable=False),
        sa.Column("zeitpunkt", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            _in("aktion", ("neu", "aendern", "beenden")), name=op.f("ck_angebot_aenderung_aktion")
        ),
        sa.ForeignKeyConstraint(
            ["webauftrag_id"], ["webauftrag.id"],
            name=op.f("fk_angebot_aenderung_webauftrag_id"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_angebot_aenderung")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_angebot_aenderung_webauftrag_id"), "angebot_aenderung", ["webauftrag_id"]
    )
    op.create_index(op.f("ix_angebot_aenderung_angebot_id"), "angebot_aenderung", ["angebot_id"])

    op.create_table(
        "agentur_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agentur_id", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("bezeichnung", sa.String(200), nullable=False),
        sa.Column("erstellt_am", sa.DateTime(), nullable=False),
        sa.Column("widerrufen_am", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agentur_id"], ["agentur.id"],
            name=op.f("fk_agentur_token_agentur_id"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agentur_token")),
        sa.UniqueConstraint("token_hash", name="uq_agentur_token_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_agentur_token_agentur_id"), "agentur_token", ["agentur_id"])


def downgrade() -> None:
    for tabelle in ("agentur_token", "angebot_aenderung", "webauftrag"):
        op.drop_table(tabelle)
