"""Abschlag ledger (exactly once), SOC-L work queue and SEPA exports.

``zahlung`` gets month, idempotency key, confirmation number, hardship reason, the employee
who transferred and the SEPA export; a partial unique index allows at most one Abschlag per
customer and month that is not cancelled. New tables ``sepa_export`` and ``abschlag_antrag``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HAERTEGRUENDE = "('miete', 'energie', 'medikamente', 'lebensmittel', 'sonstiges')"
ABSCHLAG_ZAEHLT = "art = 'abschlag' AND status <> 'storniert'"

#: SQLite rebuilds the table in batch mode: keep AUTOINCREMENT (ids are never reused).
TABELLE = {"sqlite_autoincrement": True}


def _sqlite_sequenz(tabelle: str) -> int | None:
    """The highest id SQLite ever handed out for ``tabelle`` (``None`` elsewhere)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    return bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = :n"),
                        {"n": tabelle}).scalar()


def _sqlite_sequenz_setzen(tabelle: str, sequenz: int | None) -> None:
    """Restore the high-water mark after the rebuild (the copy knows only existing rows)."""
    if sequenz is None:
        return
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :n"), {"n": tabelle})
    bind.execute(sa.text(
        "INSERT INTO sqlite_sequence (name, seq) SELECT :n, max(:s, coalesce(max(id), 0)) "
        f"FROM {tabelle}"), {"n": tabelle, "s": sequenz})


def upgrade() -> None:
    op.create_table(
        "sepa_export",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nachricht_id", sa.String(35), nullable=False),
        sa.Column("erstellt_am", sa.DateTime(), nullable=False),
        sa.Column("erstellt_von", sa.String(100), nullable=False),
        sa.Column("ausfuehrung_am", sa.Date(), nullable=False),
        sa.Column("anzahl", sa.Integer(), nullable=False),
        sa.Column("summe_cent", sa.Integer(), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.CheckConstraint("anzahl > 0", name=op.f("ck_sepa_export_anzahl_positiv")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_export")),
        sqlite_autoincrement=True,
    )

    sequenz = _sqlite_sequenz("zahlung")
    with op.batch_alter_table("zahlung", table_kwargs=TABELLE) as batch:
        batch.add_column(sa.Column("monat", sa.CHAR(7), nullable=True))
        batch.add_column(sa.Column("idempotenz_schluessel", sa.String(100), nullable=True))
        batch.add_column(sa.Column("bestaetigungsnummer", sa.String(20), nullable=True))
        batch.add_column(sa.Column("haertegrund", sa.String(20), nullable=True))
        batch.add_column(sa.Column("haertegrund_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("angewiesen_von", sa.String(40), nullable=True))
        batch.add_column(sa.Column("sepa_export_id", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_zahlung_monat_format"), "monat IS NULL OR length(monat) = 7")
        batch.create_check_constraint(
            op.f("ck_zahlung_haertegrund"),
            f"haertegrund IS NULL OR haertegrund IN {HAERTEGRUENDE}")
        batch.create_unique_constraint(
            "uq_zahlung_idempotenz_schluessel", ["idempotenz_schluessel"])
        batch.create_unique_constraint(
            "uq_zahlung_bestaetigungsnummer", ["bestaetigungsnummer"])
        batch.create_foreign_key(
            op.f("fk_zahlung_sepa_export_id"), "sepa_export", ["sepa_export_id"], ["id"],
            ondelete="RESTRICT")
        batch.create_index(op.f("ix_zahlung_sepa_export_id"), ["sepa_export_id"])
    _sqlite_sequenz_setzen("zahlung", sequenz)

    # Abschläge recorded before this revision belong to the month of their date.
    if op.get_bind().dialect.name == "postgresql":
        monat_sql = "to_char(datum, 'YYYY-MM')"
    else:
        monat_sql = "strftime('%Y-%m', datum)"
    op.execute(f"UPDATE zahlung SET monat = {monat_sql} WHERE art = 'abschlag'")
    op.create_index(
        "ux_zahlung_abschlag_monat", "zahlung", ["kundennummer", "monat"], unique=True,
        sqlite_where=sa.text(ABSCHLAG_ZAEHLT), postgresql_where=sa.text(ABSCHLAG_ZAEHLT),
    )

    op.create_table(
        "abschlag_antrag",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vorgangsnummer", sa.String(20), nullable=False),
        sa.Column("kundennummer", sa.String(10), nullable=False),
        sa.Column("monat", sa.CHAR(7), nullable=False),
        sa.Column("betrag_cent", sa.Integer(), nullable=False),
        sa.Column("berechnung", sa.Text(), nullable=False),
        sa.Column("haertegrund", sa.String(20), nullable=False),
        sa.Column("haertegrund_text", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("idempotenz_schluessel", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="offen"),
        sa.Column("erstellt_am", sa.DateTime(), nullable=False),
        sa.Column("entschieden_am", sa.DateTime(), nullable=True),
        sa.Column("entschieden_von", sa.String(40), nullable=True),
        sa.Column("ablehnungsgrund", sa.Text(), nullable=True),
        sa.Column("zahlung_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('offen', 'genehmigt', 'abgelehnt')",
                           name=op.f("ck_abschlag_antrag_status")),
        sa.CheckConstraint(f"haertegrund IN {HAERTEGRUENDE}",
                           name=op.f("ck_abschlag_antrag_haertegrund")),
        sa.CheckConstraint("betrag_cent > 0", name=op.f("ck_abschlag_antrag_betrag_positiv")),
        sa.CheckConstraint("length(monat) = 7", name=op.f("ck_abschlag_antrag_monat_format")),
        sa.ForeignKeyConstraint(["kundennummer"], ["kunde.kundennummer"],
                                name=op.f("fk_abschlag_antrag_kundennummer"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["zahlung_id"], ["zahlung.id"],
                                name=op.f("fk_abschlag_antrag_zahlung_id"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abschlag_antrag")),
        sa.UniqueConstraint("vorgangsnummer", name="uq_abschlag_antrag_vorgangsnummer"),
        sa.UniqueConstraint("idempotenz_schluessel",
                            name="uq_abschlag_antrag_idempotenz_schluessel"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_abschlag_antrag_kundennummer"), "abschlag_antrag",
                    ["kundennummer"])
    op.create_index(op.f("ix_abschlag_antrag_erstellt_am"), "abschlag_antrag", ["erstellt_am"])
    op.create_index(op.f("ix_abschlag_antrag_zahlung_id"), "abschlag_antrag", ["zahlung_id"])
    op.create_index(
        "ux_abschlag_antrag_offen_monat", "abschlag_antrag", ["kundennummer", "monat"],
        unique=True, sqlite_where=sa.text("status = 'offen'"),
        postgresql_where=sa.text("status = 'offen'"),
    )


def downgrade() -> None:
    op.drop_index("ux_abschlag_antrag_offen_monat", table_name="abschlag_antrag")
    op.drop_index(op.f("ix_abschlag_antrag_zahlung_id"), table_name="abschlag_antrag")
    op.drop_index(op.f("ix_abschlag_antrag_erstellt_am"), table_name="abschlag_antrag")
    op.drop_index(op.f("ix_abschlag_antrag_kundennummer"), table_name="abschlag_antrag")
    op.drop_table("abschlag_antrag")
    op.drop_index("ux_zahlung_abschlag_monat", table_name="zahlung")
    sequenz = _sqlite_sequenz("zahlung")
    with op.batch_alter_table("zahlung", table_kwargs=TABELLE) as batch:
        batch.drop_index(op.f("ix_zahlung_sepa_export_id"))
        batch.drop_constraint(op.f("fk_zahlung_sepa_export_id"), type_="foreignkey")
        batch.drop_constraint("uq_zahlung_bestaetigungsnummer", type_="unique")
        batch.drop_constraint("uq_zahlung_idempotenz_schluessel", type_="unique")
        batch.drop_constraint(op.f("ck_zahlung_haertegrund"), type_="check")
        batch.drop_constraint(op.f("ck_zahlung_monat_format"), type_="check")
        for spalte in ("sepa_export_id", "angewiesen_von", "haertegrund_text", "haertegrund",
                       "bestaetigungsnummer", "idempotenz_schluessel", "monat"):
            batch.drop_column(spalte)
    _sqlite_sequenz_setzen("zahlung", sequenz)
    op.drop_table("sepa_export")
