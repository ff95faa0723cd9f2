"""``python -m leitfaden.abschlag``: output and exit codes (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from ledger_hilfen import ANNA, STEFAN, abschlaege, antrag_fuer, ueberweisen

from leitfaden.abschlag.__main__ import main
from leitfaden.abschlag.warteschlange import antrag
from leitfaden.settings import PROJECT_ROOT


@pytest.fixture
def cli(engine, stichtag, capsys):
    """Run the CLI on the test database; returns (exit code, stdout, stderr)."""
    url = engine.url.render_as_string(hide_password=False)

    def aufrufen(*argumente: str) -> tuple[int, str, str]:
        code = main(["--url", url, *argumente])
        aus = capsys.readouterr()
        return code, aus.out, aus.err

    return aufrufen


def test_warteschlange(cli, engine):
    code, aus, _ = cli("warteschlange")
    assert (code, aus.strip()) == (0, "Keine offenen Abschlagsanträge.")
    a = antrag_fuer(engine)
    code, aus, _ = cli("warteschlange")
    assert code == 0
    assert a.vorgangsnummer in aus and ANNA in aus and "889,10 €" in aus
    assert "Miete fällig" in aus


def test_genehmigen_und_wiederholen(cli, engine):
    a = antrag_fuer(engine)
    code, aus, _ = cli("genehmigen", a.vorgangsnummer.lower(), "--login", "socl-demo")
    assert code == 0, aus
    nummer = antrag(engine, a.vorgangsnummer).bestaetigungsnummer
    assert nummer in aus and "889,10 €" in aus and "DE89 **** **** **** **30 00" in aus
    assert "zwischen dem 19.11.2026 und dem 23.11.2026" in aus

    code, _, fehler = cli("genehmigen", a.vorgangsnummer, "--login", "socl-demo")
    assert code == 3 and "bereits genehmigt" in fehler and nummer in fehler
    assert len(abschlaege(engine, ANNA)) == 1


def test_genehmigen_abgelehnt(cli, engine, monkeypatch):
    a = antrag_fuer(engine)
    code, _, fehler = cli("genehmigen", a.vorgangsnummer, "--login", "sc-demo")
    assert code == 1 and "SOC-L" in fehler
    code, _, fehler = cli("genehmigen", "VG-2026-999999", "--login", "socl-demo")
    assert code == 4 and "gibt es nicht" in fehler
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-27")
    code, _, fehler = cli("genehmigen", a.vorgangsnummer, "--login", "socl-demo")
    assert code == 1 and "01.12.2026" in fehler and "Stattdessen" in fehler
    assert abschlaege(engine, ANNA) == []


def test_ablehnen(cli, engine):
    a = antrag_fuer(engine)
    code, aus, _ = cli("ablehnen", a.vorgangsnummer, "--login", "socl-demo",
                       "--grund", "Keine Notlage erkennbar")
    assert code == 0 and "abgelehnt" in aus and "Keine Notlage erkennbar" in aus
    code, _, fehler = cli("ablehnen", a.vorgangsnummer, "--login", "socl-demo",
                          "--grund", "nochmal")
    assert code == 3 and "bereits" in fehler
    code, _, fehler = cli("genehmigen", a.vorgangsnummer, "--login", "socl-demo")
    assert code == 3


def test_falsche_argumente(cli):
    with pytest.raises(SystemExit) as ende:
        cli("genehmigen", "VG-2026-000001")  # --login missing
    assert ende.value.code == 2
    with pytest.raises(SystemExit) as ende:
        cli("ablehnen", "VG-2026-000001", "--login", "socl-demo")  # --grund missing
    assert ende.value.code == 2


def test_sepa(cli, engine, tmp_path):
    u = ueberweisen(engine)
    datei = tmp_path / "sepa.xml"
    code, aus, _ = cli("sepa", "--ausgabe", str(datei), "--login", "socl-demo")
    assert code == 0 and "1 Überweisung(en) über 889,10 €" in aus
    wurzel = ET.fromstring(datei.read_bytes())
    assert u.bestaetigungsnummer in ET.tostring(wurzel, encoding="unicode")

    zweite = tmp_path / "zweite.xml"
    code, aus, _ = cli("sepa", "--ausgabe", str(zweite))
    assert code == 0 and "Keine neuen Überweisungen" in aus and not zweite.exists()

    export_id = abschlaege(engine, ANNA)[0].sepa_export_id
    code, _, _ = cli("sepa", "--ausgabe", str(zweite), "--export", str(export_id))
    assert code == 0 and zweite.read_bytes() == datei.read_bytes()
    code, _, fehler = cli("sepa", "--ausgabe", str(zweite), "--export", "999999")
    assert code == 4 and "SEPA-999999" in fehler


def test_sepa_nicht_fuer_jeden(cli, engine, tmp_path):
    ueberweisen(engine)
    code, _, fehler = cli("sepa", "--ausgabe", str(tmp_path / "x.xml"), "--login", "sc-demo")
    assert code == 1 and "darf keine SEPA-Dateien" in fehler
    code, _, fehler = cli("sepa", "--ausgabe", str(tmp_path / "fehlt" / "x.xml"))
    assert code == 1 and "Verzeichnis" in fehler
    assert abschlaege(engine, ANNA)[0].sepa_export_id is None


def test_zahlungen(cli, engine):
    u = ueberweisen(engine)
    code, aus, _ = cli("zahlungen")
    assert code == 0 and u.bestaetigungsnummer in aus and "DEMO-ABS-20261105-0001" in aus
    code, aus, _ = cli("zahlungen", "--kunde", STEFAN)
    assert code == 0 and "200,00 €" in aus and u.bestaetigungsnummer not in aus
    code, aus, _ = cli("zahlungen", "--kunde", "999Z999999")
    assert code == 0 and "Keine Zahlungen" in aus


def test_als_modul_aufrufbar(engine, stichtag):
    url = engine.url.render_as_string(hide_password=False)
    lauf = subprocess.run(
        [sys.executable, "-m", "leitfaden.abschlag", "--url", url, "warteschlange"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert lauf.returncode == 0, lauf.stderr
    assert "Keine offenen Abschlagsanträge." in lauf.stdout
