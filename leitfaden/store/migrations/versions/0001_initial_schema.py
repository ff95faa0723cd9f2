"""Initial schema.

Customers, claims, powers of attorney, payments, notes, offices, support offers and the
append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ANGEBOTSARTEN = (
    "online_registrierung",
    "antragshilfe_online",
    "selbstinformation_begleitet",
    "digitalkurs",
    "sprachmittlung",
    "gebaerdensprache",
    "barrierefrei",
    "videoberatung",
    "vertretung_vero",
)


def _in(spalte: str, werte: tuple[str, ...]) -> str:
    return f"{spalte} IN ({', '.join(repr(w) for w in werte)})"


def _bool(name: str, **kwargs) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false(), **kwargs)


def upgrade() -> None:
    op.create_table(
        "kunde",
        sa.Column("kundennummer", sa.String(10), nullable=False),
        sa.Column("vorname", sa.String(100), nullable=False),
        sa.Column("nachname", sa.String(100), nullable=False),
        sa.Column("geburtsdatum", sa.Date(), nullable=False),
        sa.Column("strasse", sa.String(200), nullable=True),
        sa.Column("plz", sa.String(5), nullable=False),
        sa.Column("ort", sa.String(100), nullable=False),
        sa.Column("iban", sa.String(34), nullable=True),
        _bool("schutzkennzeichen_m"),
        _bool("demo"),
        sa.CheckConstraint("length(kundennummer) = 10", name=op.f("ck_kunde_kundennummer_format")),
        sa.CheckConstraint("length(plz) = 5", name=op.f("ck_kunde_plz_format")),
        sa.PrimaryKeyConstraint("kundennummer", name=op.f("pk_kunde")),
    )
    op.create_index(op.f("ix_kunde_demo"), "kunde", ["demo"])
    op.create_index("ix_kunde_nachname_geburtsdatum", "kunde", ["nachname", "geburtsdatum"])

    op.create_table(
        "anspruch",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kundennummer", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("beginn", sa.Date(), nullable=True),
        sa.Column("tagessatz_cent", sa.Integer(), nullable=True),
        sa.Column("entschieden_am", sa.Date(), nullable=True),
        sa.Column("ende", sa.Date(), nullable=True),
        sa.CheckConstraint(
            _in("status", ("bewilligt", "in_bearbeitung", "abgelehnt")),
            name=op.f("ck_anspruch_status"),
        ),
        sa.CheckConstraint(
            "ende IS NULL OR beginn IS NULL OR ende >= beginn",
            name=op.f("ck_anspruch_ende_nach_beginn"),
        ),
        sa.CheckConstraint(
            "tagessatz_cent IS NULL OR tagessatz_cent > 0",
            name=op.f("ck_anspruch_tagessatz_positiv"),
        ),
        sa.ForeignKeyConstraint(
            ["kundennummer"], ["kunde.kundennummer"],
            name=op.f("fk_anspruch_kundennummer"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anspruch")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_anspruch_kundennummer"), "anspruch", ["kundennummer"])

    op.create_table(
        "vollmacht",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kundennummer", sa.String(10), nullable=False),
        sa.Column("vertreter_vorname", sa.String(100), nullable=False),
        sa.Column("vertreter_nachname", sa.String(100), nullable=False),
        sa.Column("vertreter_geburtsdatum", sa.Date(), nullable=False),
        sa.Column("umfang", sa.String(20), nullable=False),
        sa.Column("gueltig_ab", sa.Date(), nullable=False),
        sa.Column("gueltig_bis", sa.Date(), nullable=True),
        sa.CheckConstraint(
            _in("umfang", ("vollumfaenglich", "teilweise")), name=op.f("ck_vollmacht_umfang")
        ),
        sa.CheckConstraint(
            "gueltig_bis IS NULL OR gueltig_bis >= gueltig_ab",
            name=op.f("ck_vollmacht_gueltigkeit"),
        ),
        sa.ForeignKeyConstraint(
            ["kundennummer"], ["kunde.kundennummer"],
            name=op.f("fk_vollmacht_kundennummer"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vollmacht")),
        sa.UniqueConstraint(
            "kundennummer", "vertreter_nachname", "vertreter_vorname",
            "vertreter_geburtsdatum", "gueltig_ab", name="uq_vollmacht_vertreter",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_vollmacht_kundennummer"), "vollmacht", ["kundennummer"])

    op.create_table(
        "zahlung",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kundennummer", sa.String(10), nullable=False),
        sa.Column("art", sa.String(20), nullable=False),
        sa.Column("betrag_cent", sa.Integer(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("referenz", sa.String(40), nullable=False),
        sa.Column("iban", sa.String(34), nullable=True),
        sa.Column("zeitraum_von", sa.Date(), nullable=True),
        sa.Column("zeitraum_bis", sa.Date(), nullable=True),
        sa.Column("grund", sa.Text(), nullable=True),
        sa.Column("erstellt_am", sa.DateTime(), nullable=True),
        sa.Column("erstellt_von", sa.String(100), nullable=True),
        sa.CheckConstraint(_in("art", ("abschlag", "regulaer")), name=op.f("ck_zahlung_art")),
        sa.CheckConstraint("betrag_cent > 0", name=op.f("ck_zahlung_betrag_positiv")),
        sa.ForeignKeyConstraint(
            ["kundennummer"], ["kunde.kundennummer"],
            name=op.f("fk_zahlung_kundennummer"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zahlung")),
        sa.UniqueConstraint("referenz", name="uq_zahlung_referenz"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_zahlung_kunde_datum", "zahlung", ["kundennummer", "datum"])

    op.create_table(
        "gespraechsvermerk",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("kundennummer", sa.String(10), nullable=True),
        sa.Column("guide", sa.String(20), nullable=True),
        sa.Column("guide_step", sa.String(20), nullable=True),
        sa.Column("anliegen", sa.String(100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _bool("demo"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gespraechsvermerk")),
        sqlite_autoincrement=True,
    )
    for spalte in ("conversation_id", "kundennummer", "created_at"):
        op.create_index(op.f(f"ix_gespraechsvermerk_{spalte}"), "gespraechsvermerk", [spalte])

    op.create_table(
        "agentur",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _bool("demo"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agentur")),
    )

    op.create_table(
        "dienststelle",
        sa.Column("id", sa.String(60), nullable=False),
        sa.Column("agentur_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("strasse", sa.String(200), nullable=False),
        sa.Column("plz", sa.String(5), nullable=False),
        sa.Column("ort", sa.String(100), nullable=False),
        sa.Column("telefon", sa.String(40), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        _bool("demo"),
        sa.CheckConstraint("length(plz) = 5", name=op.f("ck_dienststelle_plz_format")),
        sa.ForeignKeyConstraint(
            ["agentur_id"], ["agentur.id"],
            name=op.f("fk_dienststelle_agentur_id"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dienststelle")),
    )
    op.create_index(op.f("ix_dienststelle_agentur_id"), "dienststelle", ["agentur_id"])

    op.create_table(
        "dienststelle_plz",
        sa.Column("plz", sa.String(5), nullable=False),
        sa.Column("dienststelle_id", sa.String(60), nullable=False),
        sa.CheckConstraint("length(plz) = 5", name=op.f("ck_dienststelle_plz_plz_format")),
        sa.ForeignKeyConstraint(
            ["dienststelle_id"], ["dienststelle.id"],
            name=op.f("fk_dienststelle_plz_dienststelle_id"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plz", name=op.f("pk_dienststelle_plz")),
    )
    op.create_index(
        op.f("ix_dienststelle_plz_dienststelle_id"), "dienststelle_plz", ["dienststelle_id"]
    )

    op.create_table(
        "unterstuetzungsangebot",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("dienststelle_id", sa.String(60), nullable=False),
        sa.Column("art", sa.String(40), nullable=False),
        sa.Column("titel", sa.String(200), nullable=False),
        sa.Column("beschreibung", sa.Text(), nullable=False),
        sa.Column("ort_raum", sa.String(200), nullable=False),
        _bool("termin_erforderlich"),
        sa.Column("buchung", sa.Text(), nullable=True),
        sa.Column("barrierefreiheit", sa.Text(), nullable=True),
        sa.Column("sprachen", sa.String(300), nullable=False),
        sa.Column("kontakt_telefon", sa.String(40), nullable=True),
        sa.Column("kontakt_email", sa.String(200), nullable=True),
        sa.Column("gueltig_ab", sa.Date(), nullable=False),
        sa.Column("gueltig_bis", sa.Date(), nullable=True),
        sa.Column("geaendert_am", sa.DateTime(), nullable=False),
        _bool("demo"),
        sa.CheckConstraint(_in("art", ANGEBOTSARTEN), name=op.f("ck_unterstuetzungsangebot_art")),
        sa.CheckConstraint(
            "gueltig_bis IS NULL OR gueltig_bis >= gueltig_ab",
            name=op.f("ck_unterstuetzungsangebot_gueltigkeit"),
        ),
        sa.ForeignKeyConstraint(
            ["dienststelle_id"], ["dienststelle.id"],
            name=op.f("fk_unterstuetzungsangebot_dienststelle_id"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unterstuetzungsangebot")),
    )
    op.create_index(
        "ix_unterstuetzungsangebot_dienststelle_art",
        "unterstuetzungsangebot", ["dienststelle_id", "art"],
    )

    op.create_table(
        "angebotszeit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("angebot_id", sa.String(80), nullable=False),
        sa.Column("wochentag", sa.Integer(), nullable=False),
        sa.Column("von", sa.Time(), nullable=False),
        sa.Column("bis", sa.Time(), nullable=False),
        sa.CheckConstraint("von < bis", name=op.f("ck_angebotszeit_von_vor_bis")),
        sa.CheckConstraint("wochentag BETWEEN 0 AND 6", name=op.f("ck_angebotszeit_wochentag")),
        sa.ForeignKeyConstraint(
            ["angebot_id"], ["unterstuetzungsangebot.id"],
            name=op.f("fk_angebotszeit_angebot_id"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_angebotszeit")),
        sa.UniqueConstraint("angebot_id", "wochentag", "von", name="uq_angebotszeit_slot"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_angebotszeit_angebot_id"), "angebotszeit", ["angebot_id"])

    op.create_table(
        "audit_eintrag",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("zeitpunkt", sa.DateTime(), nullable=False),
        sa.Column("akteur", sa.String(100), nullable=False),
        sa.Column("aktion", sa.String(60), nullable=False),
        sa.Column("objekt_typ", sa.String(60), nullable=False),
        sa.Column("objekt_id", sa.String(100), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_eintrag")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_audit_eintrag_zeitpunkt"), "audit_eintrag", ["zeitpunkt"])
    op.create_index("ix_audit_eintrag_objekt", "audit_eintrag", ["objekt_typ", "objekt_id"])
    _audit_nur_anhaengen()


def _audit_nur_anhaengen() -> None:
    """Make the audit trail append-only in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_eintrag_nur_anhaengen() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'audit_eintrag ist nur anhaengbar'; "
            "END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_eintrag_nur_anhaengen BEFORE UPDATE OR DELETE "
            "ON audit_eintrag FOR EACH ROW EXECUTE FUNCTION audit_eintrag_nur_anhaengen()"
        )
        op.execute(
            "CREATE TRIGGER audit_eintrag_kein_truncate BEFORE TRUNCATE "
            "ON audit_eintrag FOR EACH STATEMENT EXECUTE FUNCTION audit_eintrag_nur_anhaengen()"
        )
    else:
        for aktion in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_eintrag_kein_{aktion.lower()} BEFORE {aktion} "
                "ON audit_eintrag BEGIN "
                "SELECT RAISE(ABORT, 'audit_eintrag ist nur anhaengbar'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_eintrag")
        op.execute("DROP FUNCTION audit_eintrag_nur_anhaengen()")
    else:
        op.drop_table("audit_eintrag")
    for tabelle in (
        "angebotszeit",
        "unterstuetzungsangebot",
        "dienststelle_plz",
        "dienststelle",
        "agentur",
        "gespraechsvermerk",
        "zahlung",
        "vollmacht",
        "anspruch",
        "kunde",
    ):
        op.drop_table(tabelle)
