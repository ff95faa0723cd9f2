"""The policy file: loading, versions in force, reloading, and errors naming file and line."""

from __future__ import annotations

import logging
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hilfen import D

from leitfaden.abschlag import richtlinie as modul
from leitfaden.abschlag.richtlinie import (
    RichtlinienFehler,
    lade_richtlinien,
    richtlinie_am,
    richtlinie_pfad,
    richtlinien,
)
from leitfaden.settings import PROJECT_ROOT

# Line numbers matter: the error tests refer to them.
VORLAGE = """\
titel: "Testrichtlinie"
versionen:
  - version: "2026.07"
    gueltig_ab: 2026-07-20
    weisung: "Weisung 202606014 vom 18.06.2026"
    mindestbetrag: "50.00"
    bankarbeitstage_vor_zahltag: 3
    hoechstens_je_monat: 1
    tage_je_monat: 30
    vier_augen_ab: null
"""

ZWEITE_VERSION = """\
  - version: "2027.01"
    gueltig_ab: 2027-01-01
    weisung: "Weisung 202612001"
    mindestbetrag: "75.00"
    bankarbeitstage_vor_zahltag: 2
    hoechstens_je_monat: 1
    tage_je_monat: 30
    vier_augen_ab: "1000.00"
"""


def _schreibe(tmp_path: Path, text: str, name: str = "abschlag-richtlinie.yml") -> Path:
    pfad = tmp_path / name
    pfad.write_text(text, encoding="utf-8")
    return pfad


@pytest.fixture(autouse=True)
def _frischer_cache():
    modul.cache_leeren()
    yield
    modul.cache_leeren()


# --- the shipped file -----------------------------------------------------------------


def test_projektdatei_ist_gueltig():
    alle = lade_richtlinien()
    assert richtlinie_pfad() == PROJECT_ROOT / "guidelines" / "abschlag-richtlinie.yml"
    r = alle.am(D(2026, 11, 18))
    assert r.version == "2026.07"
    assert r.gueltig_ab == D(2026, 7, 20)
    assert r.mindestbetrag == Decimal("50.00") and r.mindestbetrag_cent == 5000
    assert (r.bankarbeitstage_vor_zahltag, r.hoechstens_je_monat, r.tage_je_monat) == (3, 1, 30)
    assert r.vier_augen_ab is None and r.vier_augen_ab_cent is None
    assert "202606014" in r.weisung
    assert r.datei == "guidelines/abschlag-richtlinie.yml"


def test_version_am_heutigen_tag(monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-18")
    assert richtlinie_am().version == "2026.07"
    assert richtlinie_am(D(2026, 7, 20)).version == "2026.07"


def test_vor_der_weisung_gilt_keine_version(monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-07-19")
    with pytest.raises(RichtlinienFehler) as info:
        richtlinie_am()
    (problem,) = info.value.probleme
    assert problem.datei == "guidelines/abschlag-richtlinie.yml"
    assert problem.zeile > 0 and problem.feld == "versionen"
    assert "19.07.2026" in problem.meldung
    assert str(info.value).count("guidelines/abschlag-richtlinie.yml:") == 1


def test_pfad_aus_leitfadenordner(monkeypatch, tmp_path):
    monkeypatch.setenv("LEITFADEN_GUIDELINES", str(tmp_path))
    assert richtlinie_pfad() == tmp_path / "abschlag-richtlinie.yml"


# --- versions -------------------------------------------------------------------------


def test_versionen_wechseln_an_einem_tag(tmp_path, monkeypatch):
    text = VORLAGE.replace('    vier_augen_ab: null\n',
                           '    gueltig_bis: 2026-12-31\n    vier_augen_ab: null\n')
    pfad = _schreibe(tmp_path, text + ZWEITE_VERSION)
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-12-31")
    alt = richtlinie_am(pfad=pfad)
    monkeypatch.setenv("LEITFADEN_TODAY", "2027-01-01")
    neu = richtlinie_am(pfad=pfad)
    assert (alt.version, alt.mindestbetrag, alt.gueltig_bis) == ("2026.07", Decimal("50.00"),
                                                                 D(2026, 12, 31))
    assert (neu.version, neu.mindestbetrag, neu.bankarbeitstage_vor_zahltag) == (
        "2027.01", Decimal("75.00"), 2)
    assert neu.vier_augen_ab == Decimal("1000.00") and neu.vier_augen_ab_cent == 100000
    assert neu.zeile == 12
    assert [r.version for r in lade_richtlinien(pfad).versionen] == ["2026.07", "2027.01"]


def test_luecke_zwischen_versionen(tmp_path):
    text = VORLAGE.replace('    vier_augen_ab: null\n',
                           '    gueltig_bis: 2026-11-30\n    vier_augen_ab: null\n')
    pfad = _schreibe(tmp_path, text + ZWEITE_VERSION)
    alle = lade_richtlinien(pfad)
    erwartet = re.escape(f"{pfad}:2: versionen: für den 15.12.2026")
    with pytest.raises(RichtlinienFehler, match=erwartet):
        alle.am(D(2026, 12, 15))


def test_zahlen_ohne_anfuehrungszeichen(tmp_path):
    text = VORLAGE.replace('"50.00"', "50.5").replace("null", "1000")
    r = lade_richtlinien(_schreibe(tmp_path, text)).am(D(2026, 11, 18))
    assert r.mindestbetrag == Decimal("50.50") and r.vier_augen_ab == Decimal("1000.00")
    assert isinstance(r.mindestbetrag, Decimal)


# --- reloading ------------------------------------------------------------------------


def _aendern(pfad: Path, text: str) -> None:
    """Write ``text`` and make sure the modification time moves on."""
    alt = pfad.stat().st_mtime_ns
    pfad.write_text(text, encoding="utf-8")
    os.utime(pfad, ns=(alt + 1_000_000_000, alt + 1_000_000_000))


def test_neu_laden_bei_aenderung(tmp_path, caplog):
    pfad = _schreibe(tmp_path, VORLAGE)
    erste = richtlinien(pfad)
    assert richtlinien(pfad) is erste
    _aendern(pfad, VORLAGE.replace('"50.00"', '"60.00"'))
    zweite = richtlinien(pfad)
    assert zweite is not erste
    assert zweite.am(D(2026, 11, 18)).mindestbetrag == Decimal("60.00")
    # a broken change keeps the last good version in force and is logged
    _aendern(pfad, VORLAGE.replace('"50.00"', '"sechzig"'))
    with caplog.at_level(logging.ERROR, logger=modul.__name__):
        assert richtlinien(pfad) is zweite
    assert "bisherige Fassung bleibt in Kraft" in caplog.text
    assert f"{pfad}:6:" in caplog.text


def test_kaputte_datei_beim_ersten_laden(tmp_path):
    pfad = _schreibe(tmp_path, VORLAGE.replace('"50.00"', '"sechzig"'))
    with pytest.raises(RichtlinienFehler):
        richtlinien(pfad)


# --- errors name file, line and field -------------------------------------------------

FEHLER = [
    # (id, old, new, line, field, part of the message)
    ("pflichtfeld", '    mindestbetrag: "50.00"\n', "", 3, "versionen[0].mindestbetrag",
     "Pflichtfeld fehlt"),
    ("unbekannt", '    mindestbetrag: "50.00"', '    mindestbetrag: "50.00"\n    mindesbetrag: 5',
     7, "versionen[0].mindesbetrag", "unbekanntes Feld"),
    ("betrag_text", '"50.00"', '"fünfzig"', 6, "versionen[0].mindestbetrag", "kein Betrag"),
    ("betrag_komma", '"50.00"', '"50,00"', 6, "versionen[0].mindestbetrag", "kein Betrag"),
    ("betrag_negativ", '"50.00"', '"-5.00"', 6, "versionen[0].mindestbetrag", "nicht negativ"),
    ("betrag_cent", '"50.00"', '"50.005"', 6, "versionen[0].mindestbetrag", "zwei Stellen"),
    ("betrag_bool", '"50.00"', "true", 6, "versionen[0].mindestbetrag", "kein Betrag"),
    ("vier_augen_negativ", "null", '"-1.00"', 10, "versionen[0].vier_augen_ab",
     "nicht negativ"),
    ("ganzzahl_text", "bankarbeitstage_vor_zahltag: 3", "bankarbeitstage_vor_zahltag: drei", 7,
     "versionen[0].bankarbeitstage_vor_zahltag", "keine ganze Zahl"),
    ("ganzzahl_negativ", "bankarbeitstage_vor_zahltag: 3", "bankarbeitstage_vor_zahltag: -1",
     7, "versionen[0].bankarbeitstage_vor_zahltag", "nicht negativ"),
    ("ganzzahl_komma", "hoechstens_je_monat: 1", "hoechstens_je_monat: 1.5", 8,
     "versionen[0].hoechstens_je_monat", "keine ganze Zahl"),
    ("ganzzahl_null", "hoechstens_je_monat: 1", "hoechstens_je_monat: 0", 8,
     "versionen[0].hoechstens_je_monat", "zwischen 1 und 31"),
    ("tage_zu_viele", "tage_je_monat: 30", "tage_je_monat: 32", 9,
     "versionen[0].tage_je_monat", "zwischen 1 und 31"),
    ("datum", "2026-07-20", "2026-02-30", 4, "versionen[0].gueltig_ab", "kein Datum"),
    ("datum_text", "2026-07-20", "ab sofort", 4, "versionen[0].gueltig_ab", "kein Datum"),
    ("bis_vor_ab", "    vier_augen_ab: null",
     "    vier_augen_ab: null\n    gueltig_bis: 2026-07-01", 11, "versionen[0].gueltig_bis",
     "liegt vor gueltig_ab"),
    ("version_leer", 'version: "2026.07"', 'version: ""', 3, "versionen[0].version",
     "nicht leerer Text"),
    ("weisung_liste", 'weisung: "Weisung 202606014 vom 18.06.2026"', "weisung: [a, b]", 5,
     "versionen[0].weisung", "nicht leerer Text"),
    ("oberstes_feld", 'titel: "Testrichtlinie"', 'titel: "Testrichtlinie"\nversion: 1', 2,
     "version", "unbekanntes Feld"),
    ("versionen_leer", VORLAGE[VORLAGE.index("  - version"):], "", 2, "versionen",
     "mindestens einer Version"),
    ("version_keine_zuordnung", VORLAGE[VORLAGE.index("  - version"):], "  - 2026.07\n", 3,
     "versionen[0]", "Zuordnung"),
    ("yaml_doppelt", "    tage_je_monat: 30", "    tage_je_monat: 30\n    tage_je_monat: 31", 10,
     "", "doppelt"),
    ("yaml_syntax", "tage_je_monat: 30", "tage_je_monat: 30: 1", 9, "",
     "kein gültiges YAML"),
]


@pytest.mark.parametrize(("alt", "neu", "zeile", "feld", "meldung"),
                         [f[1:] for f in FEHLER], ids=[f[0] for f in FEHLER])
def test_fehler_nennen_datei_zeile_und_feld(tmp_path, alt, neu, zeile, feld, meldung):
    assert alt in VORLAGE
    pfad = _schreibe(tmp_path, VORLAGE.replace(alt, neu, 1))
    with pytest.raises(RichtlinienFehler) as info:
        lade_richtlinien(pfad)
    treffer = [p for p in info.value.probleme if p.feld == feld]
    assert treffer, info.value.probleme
    problem = treffer[0]
    assert problem.datei == str(pfad)
    assert (problem.zeile, meldung in problem.meldung) == (zeile, True), problem
    assert f"{pfad}:{zeile}: " in str(info.value)


def test_ueberschneidende_versionen(tmp_path):
    pfad = _schreibe(tmp_path, VORLAGE + ZWEITE_VERSION)
    with pytest.raises(RichtlinienFehler) as info:
        lade_richtlinien(pfad)
    (problem,) = info.value.probleme
    assert (problem.zeile, problem.feld) == (12, "versionen[1].gueltig_ab")
    assert "überschneidet sich mit Version 2026.07 (Zeile 3)" in problem.meldung
    assert "gueltig_bis" in problem.meldung


def test_doppelte_version(tmp_path):
    zweite = ZWEITE_VERSION.replace('"2027.01"', '"2026.07"')
    text = VORLAGE.replace('    vier_augen_ab: null\n',
                           '    gueltig_bis: 2026-12-31\n    vier_augen_ab: null\n')
    with pytest.raises(RichtlinienFehler) as info:
        lade_richtlinien(_schreibe(tmp_path, text + zweite))
    (problem,) = info.value.probleme
    assert (problem.zeile, problem.feld) == (12, "versionen[1].version")
    assert "doppelt (zuerst in Zeile 3)" in problem.meldung


def test_alle_fehler_auf_einmal(tmp_path):
    text = (VORLAGE.replace('"50.00"', '"-1"').replace("tage_je_monat: 30", "tage: 30")
            .replace("2026-07-20", "morgen"))
    with pytest.raises(RichtlinienFehler) as info:
        lade_richtlinien(_schreibe(tmp_path, text))
    felder = {(p.zeile, p.feld) for p in info.value.probleme}
    assert felder == {
        (4, "versionen[0].gueltig_ab"), (6, "versionen[0].mindestbetrag"),
        (9, "versionen[0].tage"), (3, "versionen[0].tage_je_monat"),
    }
    assert str(info.value).startswith("Abschlag-Richtlinie fehlerhaft:")


@pytest.mark.parametrize(("text", "zeile", "meldung"), [
    ("", 1, "Zuordnung mit 'versionen'"),
    ("- a\n- b\n", 1, "Zuordnung mit 'versionen'"),
    ("titel: x\n", 1, "Pflichtfeld fehlt"),
])
def test_datei_ohne_versionen(tmp_path, text, zeile, meldung):
    pfad = _schreibe(tmp_path, text)
    with pytest.raises(RichtlinienFehler) as info:
        lade_richtlinien(pfad)
    (problem,) = info.value.probleme
    assert problem.zeile == zeile and meldung in problem.meldung
    assert str(problem).startswith(f"{pfad}:{zeile}:")


def test_datei_fehlt(tmp_path):
    pfad = tmp_path / "gibt-es-nicht.yml"
    with pytest.raises(RichtlinienFehler, match="Datei nicht gefunden") as info:
        lade_richtlinien(pfad)
    assert info.value.probleme[0].datei == str(pfad)


def test_nicht_utf8(tmp_path):
    pfad = tmp_path / "abschlag-richtlinie.yml"
    pfad.write_bytes(VORLAGE.replace("Testrichtlinie", "Prüfung").encode("latin-1"))
    with pytest.raises(RichtlinienFehler, match="UTF-8"):
        lade_richtlinien(pfad)
