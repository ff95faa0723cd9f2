"""Migrations, engine settings and database-level guarantees (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from leitfaden.store.db import (
    alembic_config,
    current_revision,
    head_revision,
    include_name,
    make_engine,
    migrate,
    session_scope,
)
from leitfaden.store.models import Anspruch, AuditEintrag, Zahlung, metadata
from leitfaden.store.repository import audit_schreiben

TABELLEN = {
    "kunde", "anspruch", "vollmacht", "zahlung", "gespraechsvermerk", "agentur",
    "dienststelle", "dienststelle_plz", "unterstuetzungsangebot", "angebotszeit",
    "audit_eintrag",
}


def test_migrate_erzeugt_schema_und_ist_idempotent(leere_datenbank_url):
    assert migrate(leere_datenbank_url) == head_revision()
    assert migrate(leere_datenbank_url) == head_revision()
    engine = make_engine(leere_datenbank_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABELLEN
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrate_akzeptiert_engine(leere_datenbank_url):
    engine = make_engine(leere_datenbank_url)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        migrate(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_modelle_entsprechen_der_migration(leere_datenbank_url):
    migrate(leere_datenbank_url)
    engine = make_engine(leere_datenbank_url)
    try:
        with engine.connect() as conn:
            kontext = MigrationContext.configure(conn, opts={"include_name": include_name})
            unterschiede = compare_metadata(kontext, metadata)
        assert unterschiede == []
    finally:
        engine.dispose()


def test_downgrade_und_erneutes_upgrade(leere_datenbank_url):
    migrate(leere_datenbank_url)
    engine = make_engine(leere_datenbank_url)
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert not TABELLEN & set(inspect(engine).get_table_names())
        migrate(engine)
        assert set(inspect(engine).get_table_names()) >= TABELLEN
    finally:
        engine.dispose()


def test_audit_ist_nur_anhaengbar(engine):
    with session_scope(engine) as s:
        eintrag = audit_schreiben(s, akteur="test", aktion="probe", objekt_typ="Test",
                                  objekt_id="1", details={"a": 1})
        s.flush()
        eintrag_id = eintrag.id
    for sql in ("UPDATE audit_eintrag SET akteur = 'x' WHERE id = :i",
                "DELETE FROM audit_eintrag WHERE id = :i"):
        with pytest.raises(DBAPIError, match="nur anhaengbar"), engine.begin() as conn:
            conn.execute(text(sql), {"i": eintrag_id})
    with session_scope(engine) as s:
        assert s.get(AuditEintrag, eintrag_id).akteur == "test"


def test_check_constraints_greifen(engine):
    with pytest.raises(DBAPIError), session_scope(engine) as s:
        s.add(Anspruch(kundennummer="123A456789", status="unbekannt"))
    with pytest.raises(DBAPIError), session_scope(engine) as s:
        s.add(Zahlung(kundennummer="123A456789", art="abschlag", betrag_cent=0,
                      datum=dt.date(2026, 11, 18), status="angewiesen", referenz="X-0"))


def test_fremdschluessel_sind_aktiv(engine):
    with pytest.raises(DBAPIError), session_scope(engine) as s:
        s.add(Anspruch(kundennummer="999Z999999", status="in_bearbeitung"))


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        engine.dispose()


def test_postgres_url_schreibweise_wird_akzeptiert():
    engine = make_engine("postgres://nutzer@localhost:5432/db")
    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg2"
    engine.dispose()
