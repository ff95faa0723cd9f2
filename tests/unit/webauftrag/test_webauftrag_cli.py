"""Command line ``python -m leitfaden.webauftrag`` on a temporary SQLite database."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from leitfaden.store.db import make_engine, migrate, session_scope
from leitfaden.store.demo import load_demo_data
from leitfaden.store.models import AgenturToken
from leitfaden.webauftrag import __main__ as cli
from leitfaden.webauftrag.__main__ import main
from leitfaden.webauftrag.eingang import (
    agentur_fuer_token,
    token_erzeugen,
    token_hash,
    verlauf,
)

PROJECT = Path(__file__).resolve().parents[3]
BEISPIEL = PROJECT / "guidelines" / "webauftrag-beispiel.yml"


@pytest.fixture
def db_url(tmp_path, monkeypatch, stichtag) -> str:
    """A migrated SQLite file with the demo data, selected through the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    migrate(engine)
    load_demo_data(engine)
    engine.dispose()
    monkeypatch.setenv("LEITFADEN_DATABASE_URL", url)
    return url


@pytest.fixture
def datei(tmp_path, gueltig):
    """Write a document into ``tmp_path`` and return its path as text."""
    def schreiben(text: str = gueltig, name: str = "wa.yml") -> str:
        pfad = tmp_path / name
        pfad.write_text(text, encoding="utf-8")
        return str(pfad)
    return schreiben


def _verlauf(url: str, **kwargs):
    engine = make_engine(url)
    try:
        return verlauf(engine, **kwargs)
    finally:
        engine.dispose()


def test_einreichen_und_wiederholen(db_url, datei, capsys):
    pfad = datei()
    assert main(["einreichen", pfad]) == 0
    aus = capsys.readouterr().out
    assert "Webauftrag WA-TEST-0001 der Agentur nuernberg (Petra Muster, Eingangszone) " \
           "wurde angewendet." in aus
    assert "Änderungen (3):" in aus and "nuernberg-mitte-vero: beendet" in aus
    assert "    titel: Hilfe bei Registrierung und Anmeldung -> Hilfe bei Registrierung, " \
           "Anmeldung und BundID" in aus
    assert main(["einreichen", pfad, "--agentur", "nuernberg"]) == 0
    assert "wurde bereits angewendet; nichts geändert." in capsys.readouterr().out
    (w,) = _verlauf(db_url)
    assert w.kanal == "cli"


def test_ungueltig_exit_2_mit_zeilen(db_url, datei, variante, zeile, capsys):
    text = variante("art: gebaerdensprache", "art: gebaerden")
    text = variante("dienststelle: nuernberg-langwasser", "dienststelle: nirgendwo", text)
    pfad = datei(text)
    assert main(["einreichen", pfad]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    zeilen = captured.err.splitlines()
    assert zeilen[0].startswith(f"{pfad}:{zeile('dienststelle:', text)}: Eintrag 1 (")
    assert "Feld 'dienststelle': Die Dienststelle 'nirgendwo' gibt es nicht." in zeilen[0]
    assert zeilen[1].startswith(f"{pfad}:{zeile('art:', text)}: ")
    assert zeilen[2] == "Der Webauftrag wurde abgelehnt (2 Fehler); es wurde nichts geändert."
    assert _verlauf(db_url) == []


def test_fremde_agentur_exit_2(db_url, datei, capsys):
    assert main(["einreichen", datei(), "--agentur", "berlin"]) == 2
    assert "Ihr Zugang gilt aber für die Agentur 'berlin'" in capsys.readouterr().err


@pytest.mark.parametrize("befehl", ["einreichen", "pruefen"])
def test_fremde_agentur_nur_diese_meldung(db_url, datei, variante, capsys, befehl):
    """No store check against the named Agentur: nothing about it is revealed."""
    text = variante("dienststelle: nuernberg-langwasser", "dienststelle: nuernberg-langwaser")
    pfad = datei(variante("id: nuernberg-mitte-vero", "id: nuernberg-mitte-verox", text))
    assert main([befehl, pfad, "--agentur", "berlin"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{pfad}:2: Feld 'agentur': Dieser Webauftrag ist für die Agentur 'nuernberg', Ihr "
        "Zugang gilt aber für die Agentur 'berlin'. Sie können nur Angebote Ihrer eigenen "
        "Agentur melden.",
        "Der Webauftrag wurde abgelehnt (1 Fehler); es wurde nichts geändert."]


def test_konflikt_exit_3(db_url, datei, variante, capsys):
    assert main(["einreichen", datei()]) == 0
    capsys.readouterr()
    anders = datei(variante("Termin per E-Mail.", "Termin per Telefon."), "wa2.yml")
    assert main(["einreichen", anders]) == 3
    fehler = capsys.readouterr().err
    assert fehler.startswith(f"{anders}: Die Webauftragsnummer 'WA-TEST-0001'")


def test_pruefen_schreibt_nichts(db_url, datei, capsys):
    assert main(["pruefen", datei()]) == 0
    aus = capsys.readouterr().out
    assert "ist gültig (geprüft, nichts gespeichert)." in aus
    assert "Geplante Änderungen (3):" in aus
    assert _verlauf(db_url) == []


def test_pruefen_prueft_gegen_die_datenbank(db_url, datei, variante, capsys):
    pfad = datei(variante("id: nuernberg-mitte-vero", "id: nuernberg-mitte-unbekannt"))
    assert main(["pruefen", pfad]) == 2
    assert "Ein Angebot mit der ID 'nuernberg-mitte-unbekannt' gibt es nicht." in (
        capsys.readouterr().err)


def test_datei_fehlt(db_url, tmp_path, capsys):
    assert main(["einreichen", str(tmp_path / "fehlt.yml")]) == 2
    assert "Die Datei gibt es nicht." in capsys.readouterr().err


def test_datei_nicht_utf8(db_url, tmp_path, capsys):
    pfad = tmp_path / "latin1.yml"
    pfad.write_bytes("absender: Jürgen\n".encode("latin-1"))
    assert main(["pruefen", str(pfad)]) == 2
    assert "nicht UTF-8" in capsys.readouterr().err


def test_verlauf(db_url, datei, capsys):
    main(["einreichen", datei()])
    capsys.readouterr()
    assert main(["verlauf", "--angebot", "nuernberg-mitte-vero"]) == 0
    aus = capsys.readouterr().out
    assert "nuernberg  WA-TEST-0001  (Petra Muster, Eingangszone, über cli)" in aus
    assert "nuernberg-mitte-vero: beendet" in aus and "registrierung" not in aus
    assert main(["verlauf", "--agentur", "berlin"]) == 0
    assert capsys.readouterr().out == "Keine Webaufträge gespeichert.\n"


def test_token_nur_auf_stdout_und_widerrufen(db_url, capsys):
    assert main(["token", "leipzig", "--bezeichnung", "Fachverfahren"]) == 0
    captured = capsys.readouterr()
    (token,) = captured.out.splitlines()
    assert "Token Nr. " in captured.err and token not in captured.err
    engine = make_engine(db_url)
    try:
        assert agentur_fuer_token(engine, token) == "leipzig"
        assert main(["tokens"]) == 0
        liste = capsys.readouterr().out
        assert "leipzig  Fachverfahren" in liste and "aktiv" in liste and token not in liste
        # the same timestamp format as the IPSC pages
        assert re.search(r"erstellt am 18\.11\.2026, \d\d:\d\d Uhr", liste), liste
        nummer = liste.split()[1]
        assert main(["token-widerrufen", nummer]) == 0
        assert f"Token Nr. {nummer} der Agentur leipzig ist widerrufen" in (
            capsys.readouterr().out)
        assert agentur_fuer_token(engine, token) is None
    finally:
        engine.dispose()


def test_token_nummer_ohne_wettlauf(db_url, monkeypatch, capsys):
    """The number shown is the new token's even if another one is created meanwhile."""
    echte_tokens = cli.tokens

    def tokens_mit_wettlauf(engine, agentur_id=None):
        token_erzeugen(engine, "leipzig", "dazwischen")
        return echte_tokens(engine, agentur_id)

    monkeypatch.setattr(cli, "tokens", tokens_mit_wettlauf)
    assert main(["token", "leipzig"]) == 0
    captured = capsys.readouterr()
    (token,) = captured.out.splitlines()
    engine = make_engine(db_url)
    try:
        with session_scope(engine) as s:
            nummer = s.scalars(select(AgenturToken.id).where(
                AgenturToken.token_hash == token_hash(token))).one()
    finally:
        engine.dispose()
    assert f"Token Nr. {nummer} für die Agentur leipzig erzeugt." in captured.err


def test_token_widerrufen_nimmt_den_token_nicht_als_argument(db_url, capsys):
    assert main(["token", "leipzig"]) == 0
    token = capsys.readouterr().out.strip()
    with pytest.raises(SystemExit) as info:
        main(["token-widerrufen", token])
    assert info.value.code == 2
    fehler = capsys.readouterr().err
    assert token not in fehler
    # a token starting with "-" (token_urlsafe may do that) is taken by argparse as an
    # unknown option: refused as well, just with argparse's own message
    assert "Nummer des Tokens" in fehler or "NUMMER" in fehler
    engine = make_engine(db_url)
    try:
        assert agentur_fuer_token(engine, token) == "leipzig"  # not revoked
    finally:
        engine.dispose()


def test_token_widerrufen_von_stdin(db_url, monkeypatch, capsys):
    assert main(["token", "leipzig"]) == 0
    token = capsys.readouterr().out.strip()
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    assert main(["token-widerrufen", "-"]) == 0
    ausgabe = capsys.readouterr().out
    assert "der Agentur leipzig ist widerrufen" in ausgabe and token not in ausgabe
    engine = make_engine(db_url)
    try:
        assert agentur_fuer_token(engine, token) is None
    finally:
        engine.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["token-widerrufen", "-"]) == 1
    assert "kein Token" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["0", "-1", "x", "²", "1.5"])
def test_verlauf_limit_ab_eins(db_url, capsys, limit):
    with pytest.raises(SystemExit) as info:
        main(["verlauf", "--limit", limit])
    assert info.value.code == 2
    assert "keine ganze Zahl ab 1" in capsys.readouterr().err


def test_token_unbekannte_agentur_exit_1(db_url, capsys):
    assert main(["token", "atlantis"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Die Agentur 'atlantis' ist unbekannt." in captured.err
    assert main(["token-widerrufen", "4711"]) == 1


def test_ohne_befehl_exit_2(db_url, capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_als_modul_aufrufbar(db_url):
    umgebung = {**os.environ, "PYTHONPATH": str(PROJECT)}
    lauf = subprocess.run(
        [sys.executable, "-m", "leitfaden.webauftrag", "pruefen", str(BEISPIEL)],
        capture_output=True, text=True, env=umgebung, cwd=PROJECT, timeout=120, check=False,
    )
    assert lauf.returncode == 0, lauf.stderr
    assert "WA-NBG-2026-0042" in lauf.stdout and "ist gültig" in lauf.stdout
