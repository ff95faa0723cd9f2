"""Employee's console: conversations, ticked Pflichthinweise and deviations from the guide.

New tables ``gespraech`` (one row per console conversation, keyed by the Rasa sender id),
``hinweis_bestaetigung`` (a notice ticked as given, once per conversation, step and notice)
and ``abweichung`` (a deviation, recorded once; ``hinweis`` is ``''`` instead of NULL so that
the unique constraint holds on SQLite and PostgreSQL alike).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ARTEN = "('hinweis_nicht_gegeben', 'schritt_uebersprungen', 'vorzeitig_beendet')"


def upgrade() -> None:
    op.create_table(
        "gespraech",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender_id", sa.String(80), nullable=False),
        sa.Column("login", sa.String(40), nullable=False),
        sa.Column("kanal", sa.String(20), nullable=False, server_default="agent"),
        sa.Column("begonnen_am", sa.DateTime(), nullable=False),
        sa.Column("beendet_am", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kanal IN ('agent')", name=op.f("ck_gespraech_kanal")),
        sa.ForeignKeyConstraint(["login"], ["mitarbeiter.login"],
                                name=op.f("fk_gespraech_login"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gespraech")),
        sa.UniqueConstraint("sender_id", name="uq_gespraech_sender_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_gespraech_login"), "gespraech", ["login"])
    op.create_index(op.f("ix_gespraech_begonnen_am"), "gespraech", ["begonnen_am"])

    op.create_table(
        "hinweis_bestaetigung",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gespraech_id", sa.Integer(), nullable=False),
        sa.Column("leitfaden", sa.String(10), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("schritt_id", sa.String(20), nullable=False),
        sa.Column("hinweis", sa.String(60), nullable=False),
        sa.Column("login", sa.String(40), nullable=False),
        sa.Column("zeitpunkt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["gespraech_id"], ["gespraech.id"],
                                name=op.f("fk_hinweis_bestaetigung_gespraech_id"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hinweis_bestaetigung")),
        sa.UniqueConstraint("gespraech_id", "schritt_id", "hinweis",
                            name="uq_hinweis_bestaetigung_gespraech_schritt_hinweis"),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "abweichung",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gespraech_id", sa.Integer(), nullable=False),
        sa.Column("leitfaden", sa.String(10), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("schritt_id", sa.String(20), nullable=False),
        sa.Column("art", sa.String(30), nullable=False),
        sa.Column("hinweis", sa.String(60), nullable=False, server_default=""),
        sa.Column("beschreibung", sa.Text(), nullable=False),
        sa.Column("login", sa.String(40), nullable=False),
        sa.Column("zeitpunkt", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"art IN {ARTEN}", name=op.f("ck_abweichung_art")),
        sa.ForeignKeyConstraint(["gespraech_id"], ["gespraech.id"],
                                name=op.f("fk_abweichung_gespraech_id"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abweichung")),
        sa.UniqueConstraint("gespraech_id", "schritt_id", "art", "hinweis",
                            name="uq_abweichung_gespraech_schritt_art_hinweis"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("abweichung")
    op.drop_table("hinweis_bestaetigung")
    op.drop_index(op.f("ix_gespraech_begonnen_am"), table_name="gespraech")
    op.drop_index(op.f("ix_gespraech_login"), table_name="gespraech")
    op.drop_table("gespraech")
