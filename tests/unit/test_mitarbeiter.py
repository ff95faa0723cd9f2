"""Employees and their API tokens (store-backed: SQLite and PostgreSQL), and the command line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from leitfaden.mitarbeiter import (
    MitarbeiterRecord,
    main,
    mitarbeiter,
    mitarbeiter_aus_metadaten,
    mitarbeiter_fuer_token,
    token_erzeugen,
    token_erzeugen_mit_id,
    token_hash,
    token_widerrufen,
    tokens,
)
from leitfaden.store.db import make_engine, session_scope
from leitfaden.store.models import Mitarbeiter, MitarbeiterToken

PROJECT = Path(__file__).resolve().parents[2]


def _deaktivieren(engine, login: str) -> None:
    with session_scope(engine) as s:
        s.get(Mitarbeiter, login).aktiv = False


# --- records and metadata -------------------------------------------------------------------


@pytest.mark.parametrize(("rolle", "darf"), [
    ("sc", False), ("socl", True), ("trainer", False), ("admin", False)])
def test_nur_socl_darf_ueberweisen(rolle, darf):
    record = MitarbeiterRecord(login="x", name="X", rolle=rolle, aktiv=True)
    assert record.darf_ueberweisen is darf
    assert record.als_metadaten() == {"login": "x", "name": "X", "rolle": rolle,
                                      "darf_ueberweisen": darf}


def test_mitarbeiter_aus_metadaten(monkeypatch):
    socl = MitarbeiterRecord("socl-demo", "Oliver Lindner", "socl", True)
    gezeichnet = {"mitarbeiter": socl.als_metadaten("g-1"), "x": 1}
    assert mitarbeiter_aus_metadaten(gezeichnet, "g-1") == socl
    # the flag follows from the role, never from the metadata
    gefaelscht = {**MitarbeiterRecord("sc-demo", "S", "sc").als_metadaten("g-1"),
                  "darf_ueberweisen": True}
    assert mitarbeiter_aus_metadaten({"mitarbeiter": gefaelscht}, "g-1").darf_ueberweisen \
        is False
    # the signature binds login, role and conversation; without it nobody is trusted
    assert mitarbeiter_aus_metadaten(gezeichnet, "anderes-gespraech") is None
    assert mitarbeiter_aus_metadaten({"mitarbeiter": socl.als_metadaten()}, "g-1") is None
    zur_socl = {**MitarbeiterRecord("sc-demo", "S", "sc").als_metadaten("g-1"), "rolle": "socl"}
    assert mitarbeiter_aus_metadaten({"mitarbeiter": zur_socl}, "g-1") is None
    assert mitarbeiter_aus_metadaten(gezeichnet) is None
    monkeypatch.delenv("LEITFADEN_AGENT_GEHEIMNIS")
    assert mitarbeiter_aus_metadaten(gezeichnet, "g-1") is None


@pytest.mark.parametrize("metadaten", [
    None, {}, {"mitarbeiter": None}, {"mitarbeiter": "socl-demo"},
    {"mitarbeiter": {"login": "a", "name": "A", "rolle": "chef"}},
    {"mitarbeiter": {"login": "", "name": "A", "rolle": "sc"}},
    {"mitarbeiter": {"name": "A", "rolle": "sc"}},
])
def test_mitarbeiter_aus_metadaten_ohne_gueltigen_eintrag(metadaten):
    assert mitarbeiter_aus_metadaten(metadaten) is None


# --- demo employees -------------------------------------------------------------------------


def test_demo_mitarbeiter(engine):
    erwartet = {"sc-demo": "sc", "socl-demo": "socl", "trainer-demo": "trainer",
                "admin-demo": "admin"}
    for login, rolle in erwartet.items():
        record = mitarbeiter(engine, login)
        assert record is not None and record.rolle == rolle and record.aktiv
        assert record.name and record.name != login
    assert mitarbeiter(engine, "socl-demo").darf_ueberweisen
    assert not mitarbeiter(engine, "sc-demo").darf_ueberweisen
    assert mitarbeiter(engine, "niemand") is None


# --- tokens ---------------------------------------------------------------------------------


def test_token_erzeugen_und_pruefen(engine, repo):
    token = token_erzeugen(engine, "socl-demo", "Arbeitsplatz 1")
    assert len(token) >= 40
    record = mitarbeiter_fuer_token(engine, token)
    assert record == MitarbeiterRecord("socl-demo", "Oliver Lindner", "socl", True)
    assert mitarbeiter_fuer_token(engine, f"  {token}\n") == record
    with session_scope(engine) as s:
        zeile = s.scalars(select(MitarbeiterToken).where(MitarbeiterToken.login == "socl-demo")
                          ).one()
        assert zeile.token_hash == token_hash(token) != token
        assert zeile.bezeichnung == "Arbeitsplatz 1" and zeile.widerrufen_am is None
    (eintrag,) = repo.audit(objekt_typ="MitarbeiterToken", objekt_id=str(zeile.id))
    assert eintrag.aktion == "mitarbeiter_token_erzeugt"
    assert eintrag.details == {"login": "socl-demo", "bezeichnung": "Arbeitsplatz 1"}
    assert token not in str(eintrag) and zeile.token_hash not in str(eintrag)


@pytest.mark.parametrize("token", [None, "", "falsch", "x" * 600, 42])
def test_ungueltiger_token(engine, token):
    token_erzeugen(engine, "sc-demo")
    assert mitarbeiter_fuer_token(engine, token) is None


def test_jeder_token_gehoert_seinem_konto(engine):
    sc = token_erzeugen(engine, "sc-demo")
    trainer = token_erzeugen(engine, "trainer-demo")
    assert sc != trainer
    assert mitarbeiter_fuer_token(engine, sc).login == "sc-demo"
    assert mitarbeiter_fuer_token(engine, trainer).login == "trainer-demo"


def test_widerrufen_per_token_und_nummer(engine, repo):
    erster = token_erzeugen_mit_id(engine, "sc-demo")
    zweiter = token_erzeugen_mit_id(engine, "sc-demo")
    record = token_widerrufen(engine, erster.token, akteur="admin-demo")
    assert record.id == erster.id and not record.aktiv
    assert mitarbeiter_fuer_token(engine, erster.token) is None
    assert mitarbeiter_fuer_token(engine, zweiter.token).login == "sc-demo"
    token_widerrufen(engine, zweiter.id)
    assert mitarbeiter_fuer_token(engine, zweiter.token) is None
    # again: no change, no second audit entry
    assert token_widerrufen(engine, str(zweiter.id)).widerrufen_am == (
        tokens(engine, "sc-demo")[0].widerrufen_am)
    eintraege = [e for t in (erster, zweiter)
                 for e in repo.audit(objekt_typ="MitarbeiterToken", objekt_id=str(t.id),
                                     aktion="mitarbeiter_token_widerrufen")]
    assert sorted(e.objekt_id for e in eintraege) == sorted([str(erster.id), str(zweiter.id)])
    assert {e.akteur for e in eintraege} == {"admin-demo", "system"}
    assert all(erster.token not in str(e) for e in eintraege)
    with pytest.raises(ValueError, match="gibt es nicht"):
        token_widerrufen(engine, 999999)
    with pytest.raises(ValueError, match="gibt es nicht"):
        token_widerrufen(engine, "unbekannter-token")


def test_deaktiviertes_konto(engine):
    token = token_erzeugen(engine, "trainer-demo")
    _deaktivieren(engine, "trainer-demo")
    assert mitarbeiter_fuer_token(engine, token) is None
    with pytest.raises(ValueError, match="deaktiviert"):
        token_erzeugen(engine, "trainer-demo")


def test_unbekanntes_konto_und_lange_bezeichnung(engine):
    with pytest.raises(ValueError, match="'niemand' gibt es nicht"):
        token_erzeugen(engine, "niemand")
    with pytest.raises(ValueError, match="zu lang"):
        token_erzeugen(engine, "sc-demo", "x" * 201)
    assert tokens(engine) == []


def test_tokens_neueste_zuerst(engine):
    a = token_erzeugen_mit_id(engine, "sc-demo", "  alt  ")
    b = token_erzeugen_mit_id(engine, "admin-demo", "neu")
    assert [(t.id, t.login, t.bezeichnung) for t in tokens(engine)] == [
        (b.id, "admin-demo", "neu"), (a.id, "sc-demo", "alt")]
    assert [t.id for t in tokens(engine, "sc-demo")] == [a.id]


def test_demo_reset_stellt_konto_wieder_her_tokens_bleiben(engine):
    from leitfaden.store.demo import reset_demo_data

    token = token_erzeugen(engine, "socl-demo")
    _deaktivieren(engine, "socl-demo")
    with session_scope(engine) as s:
        s.get(Mitarbeiter, "socl-demo").rolle = "sc"
    reset_demo_data(engine)
    record = mitarbeiter_fuer_token(engine, token)
    assert record is not None and record.rolle == "socl" and record.darf_ueberweisen


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def db_url(datenbank_url, engine, monkeypatch) -> str:
    """The migrated demo database, selected through the environment."""
    monkeypatch.setenv("LEITFADEN_DATABASE_URL", datenbank_url)
    return datenbank_url


def test_cli_token_nur_der_token_auf_stdout(db_url, engine, capsys):
    assert main(["token", "socl-demo", "--bezeichnung", "Test"]) == 0
    aus = capsys.readouterr()
    token = aus.out.strip()
    assert aus.out == token + "\n" and len(token) >= 40
    assert "nur jetzt angezeigt" in aus.err
    assert mitarbeiter_fuer_token(engine, token).login == "socl-demo"


def test_cli_unbekanntes_konto(db_url, capsys):
    assert main(["token", "niemand"]) == 1
    aus = capsys.readouterr()
    assert aus.out == "" and "'niemand' gibt es nicht" in aus.err


def test_cli_pruefen_auflisten_widerrufen(db_url, engine, capsys, monkeypatch):
    neu = token_erzeugen_mit_id(engine, "admin-demo", "Konsole")
    monkeypatch.setattr(sys, "stdin", io.StringIO(neu.token + "\n"))
    assert main(["token-pruefen"]) == 0
    assert "admin-demo (Andreas Mohr, Rolle admin)" in capsys.readouterr().out
    assert main(["tokens", "--login", "admin-demo"]) == 0
    liste = capsys.readouterr().out
    assert f"Nr. {neu.id}  admin-demo  Konsole" in liste and "aktiv" in liste
    assert neu.token not in liste
    monkeypatch.setattr(sys, "stdin", io.StringIO(neu.token + "\n"))
    assert main(["token-widerrufen", "-"]) == 0
    assert f"Token Nr. {neu.id} von admin-demo ist widerrufen" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO(neu.token + "\n"))
    assert main(["token-pruefen"]) == 1
    with pytest.raises(SystemExit):
        main(["token-widerrufen", neu.token])  # a token never goes on the command line


def test_als_modul_auf_frischer_datenbank(tmp_path):
    """Migrates first and knows the demo logins even before ``make db``."""
    url = f"sqlite:///{tmp_path / 'frisch.db'}"
    umgebung = {**os.environ, "PYTHONPATH": str(PROJECT), "LEITFADEN_DATABASE_URL": url}
    lauf = subprocess.run(
        [sys.executable, "-m", "leitfaden.mitarbeiter", "token", "socl-demo"],
        capture_output=True, text=True, env=umgebung, cwd=PROJECT, timeout=120, check=False,
    )
    assert lauf.returncode == 0, lauf.stderr
    token = lauf.stdout.strip()
    assert lauf.stdout == token + "\n"
    engine = make_engine(url)
    try:
        assert mitarbeiter_fuer_token(engine, token).login == "socl-demo"
    finally:
        engine.dispose()
