"""Browser sign-in of employees: password hash, sessions and sign-in attempts.

``mitarbeiter`` gets ``passwort_hash`` (Argon2id) and ``passwort_geaendert_am``. New tables
``sitzung`` (one row per browser session, keyed by the SHA-256 of the cookie value) and
``anmeldeversuch`` (every attempt, the basis of the rate limit).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GRUENDE = ("('erfolg', 'passwort_falsch', 'unbekannt', 'inaktiv', 'kein_passwort', 'gesperrt', "
           "'laufend')")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch rebuild): on SQLite a rebuild would drop ``mitarbeiter`` and
    # with it, through ON DELETE CASCADE, every employee token.
    op.add_column("mitarbeiter", sa.Column("passwort_hash", sa.String(255), nullable=True))
    op.add_column("mitarbeiter", sa.Column("passwort_geaendert_am", sa.DateTime(),
                                           nullable=True))

    op.create_table(
        "sitzung",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("login", sa.String(40), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("erstellt_am", sa.DateTime(), nullable=False),
        sa.Column("zuletzt_am", sa.DateTime(), nullable=False),
        sa.Column("ablauf_am", sa.DateTime(), nullable=False),
        sa.Column("beendet_am", sa.DateTime(), nullable=True),
        sa.Column("agent_token_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["login"], ["mitarbeiter.login"],
                                name=op.f("fk_sitzung_login"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agent_token_id"], ["mitarbeiter_token.id"],
                                name=op.f("fk_sitzung_agent_token_id"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sitzung")),
    )
    op.create_index(op.f("ix_sitzung_login"), "sitzung", ["login"])
    op.create_index(op.f("ix_sitzung_agent_token_id"), "sitzung", ["agent_token_id"])

    op.create_table(
        "anmeldeversuch",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(80), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("zeitpunkt", sa.DateTime(), nullable=False),
        sa.Column("erfolg", sa.Boolean(), nullable=False),
        sa.Column("grund", sa.String(20), nullable=False),
        sa.CheckConstraint(f"grund IN {GRUENDE}", name=op.f("ck_anmeldeversuch_grund")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anmeldeversuch")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_anmeldeversuch_zeitpunkt"), "anmeldeversuch", ["zeitpunkt"])
    op.create_index("ix_anmeldeversuch_login_zeitpunkt", "anmeldeversuch",
                    ["login", "zeitpunkt"])
    op.create_index("ix_anmeldeversuch_ip_zeitpunkt", "anmeldeversuch", ["ip", "zeitpunkt"])


def downgrade() -> None:
    op.drop_index("ix_anmeldeversuch_ip_zeitpunkt", table_name="anmeldeversuch")
    op.drop_index("ix_anmeldeversuch_login_zeitpunkt", table_name="anmeldeversuch")
    op.drop_index(op.f("ix_anmeldeversuch_zeitpunkt"), table_name="anmeldeversuch")
    op.drop_table("anmeldeversuch")
    op.drop_index(op.f("ix_sitzung_agent_token_id"), table_name="sitzung")
    op.drop_index(op.f("ix_sitzung_login"), table_name="sitzung")
    op.drop_table("sitzung")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 or newer), again without a rebuild.
    op.drop_column("mitarbeiter", "passwort_geaendert_am")
    op.drop_column("mitarbeiter", "passwort_hash")
