"""Helpers of the web app shared with the core: one copy each, and no import of the web app."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leitfaden import angebotsregister, texte
from leitfaden.store.models import WEBAUFTRAG_AKTIONEN
from leitfaden.store.records import AngebotRecord
from leitfaden.web import api, app, auftraege, filter, formate, ipsc
from leitfaden.webauftrag import dokument, eingang

PROJECT = Path(__file__).resolve().parents[3]
D = dt.date


def _angebot(**werte) -> AngebotRecord:
    grund = dict(
        id="x-kurs", dienststelle_id="x", art="digitalkurs", titel="Kurs", beschreibung="B",
        ort_raum="R", zeiten=(), termin_erforderlich=False, buchung=None,
        barrierefreiheit=None, sprachen=("Deutsch",), kontakt_telefon=None,
        kontakt_email=None, gueltig_ab=D(2026, 11, 1), gueltig_bis=D(2026, 11, 30),
        geaendert_am=dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc),
    )
    return AngebotRecord(**{**grund, **werte})


@pytest.mark.parametrize(("heute", "erwartet"), [
    (D(2026, 10, 31), ("zukuenftig", "Noch nicht gültig – gilt ab 01.11.2026")),
    (D(2026, 11, 1), ("gueltig", "Aktuell gültig")),
    (D(2026, 11, 30), ("gueltig", "Aktuell gültig")),
    (D(2026, 12, 1), ("beendet", "Beendet am 30.11.2026")),
])
def test_zustand(heute, erwartet):
    assert ipsc.zustand(_angebot(), heute) == erwartet


def test_zustand_zurueckgezogen():
    zurueck = _angebot(zurueckgezogen_am=dt.datetime(2026, 10, 20, 8, 15,
                                                      tzinfo=dt.timezone.utc))
    for heute in (D(2026, 10, 31), D(2026, 11, 15), D(2026, 12, 1)):
        assert ipsc.zustand(zurueck, heute) == (
            "zurueckgezogen", "Zurückgezogen am 20.10.2026, 10:15 Uhr – das Angebot gilt nicht")


def test_zustand_folgt_gilt_am(monkeypatch):
    """The page's state is the record's own validity rule, not a copy of it."""
    monkeypatch.setattr(AngebotRecord, "gilt_am", lambda self, tag: False)
    assert ipsc.zustand(_angebot(), D(2026, 11, 15))[0] != "gueltig"


@pytest.mark.parametrize("text", ["2026-12-01", "2026-12-1", "01.12.2026", "1.12.2026",
                                  " 2026-12-01 "])
def test_filter_und_webauftrag_lesen_dieselben_datumsformate(text):
    suchfilter, fehler = filter.filter_lesen({"gueltig_am": text})
    assert fehler == [] and suchfilter.gueltig_am == D(2026, 12, 1)
    assert texte.datum_lesen(text) == D(2026, 12, 1)


@pytest.mark.parametrize("text", ["2026/12/01", "٢٠٢٦-١٢-٠١", "31.02.2026", "morgen"])
def test_filter_lehnt_ab_was_der_webauftrag_ablehnt(text):
    _, fehler = filter.filter_lesen({"gueltig_am": text})
    assert [f.parameter for f in fehler] == ["gueltig_am"]
    with pytest.raises(texte.DatumUngueltig):
        texte.datum_lesen(text)


def test_zeitpunkt_ein_format_fuer_cli_und_seiten():
    winter = dt.datetime(2026, 11, 18, 8, 15)  # naive: UTC
    sommer = dt.datetime(2026, 7, 15, 8, 0, tzinfo=dt.timezone.utc)
    assert texte.zeitpunkt_text(winter) == "18.11.2026, 09:15 Uhr"
    assert texte.zeitpunkt_text(sommer) == "15.07.2026, 10:00 Uhr"
    assert formate.JINJA_FILTER["zeitpunkt"] is texte.zeitpunkt_text
    assert formate.JINJA_FILTER["zeitpunkt_iso"] is texte.zeitpunkt_iso
    assert texte.zeitpunkt_iso(winter) == "2026-11-18T08:15:00+00:00"


def test_gemeinsame_hilfen_gibt_es_nur_einmal():
    assert filter.datum_lesen is texte.datum_lesen
    assert angebotsregister.STEUERZEICHEN is dokument.STEUERZEICHEN is texte.STEUERZEICHEN
    assert eingang.zeitpunkt_text is auftraege.zeitpunkt_text is texte.zeitpunkt_text
    assert eingang.vorschlag is dokument.vorschlag
    assert api.dumps is formate.dumps
    assert app.MAX_BYTES is api.MAX_BYTES is dokument.MAX_BYTES
    for modul in (eingang, formate):
        assert not hasattr(modul, "ZEITZONE"), modul.__name__
    for name in ("_vorschlag", "_STEUERZEICHEN", "AKTIONEN", "MAX_BODY", "MAX_WEBAUFTRAG",
                 "dumps", "_fremde_agentur"):
        for modul in (dokument, eingang, angebotsregister, app, api, filter):
            if modul is api and name == "dumps":
                continue
            assert not hasattr(modul, name), f"{modul.__name__}.{name}"
    assert not hasattr(filter.Suchfilter, "aktiv")


def test_aktionen_aus_dem_modell():
    _, fehler = dokument.lesen_mit_fehlern(
        "webauftrag: WA-1\nagentur: nuernberg\nabsender: P\nangebote:\n"
        "  - {aktion: loeschen, id: nuernberg-mitte-vero}\n")
    (f,) = fehler
    assert f.meldung.endswith(f"Erlaubt sind: {', '.join(WEBAUFTRAG_AKTIONEN)}.")


def test_steuerzeichen_dieselben_in_register_und_webauftrag():
    for zeichen in ("\x00", "\x08", "\x0b", "\x1f", "\x7f"):
        assert dokument.STEUERZEICHEN.search(f"a{zeichen}b")
    for erlaubt in ("\t", "\n", "\r"):  # fine in multi-line texts
        assert not angebotsregister.STEUERZEICHEN.search(f"a{erlaubt}b")


def test_kern_importiert_die_webanwendung_nicht():
    programm = (
        "import sys\n"
        "import leitfaden.angebotsregister, leitfaden.texte, leitfaden.webauftrag\n"
        "import leitfaden.webauftrag.__main__\n"
        "web = sorted(m for m in sys.modules if m == 'leitfaden.web' "
        "or m.startswith('leitfaden.web.'))\n"
        "print(web)\n"
        "sys.exit(1 if web else 0)\n"
    )
    lauf = subprocess.run([sys.executable, "-c", programm], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)}, cwd=PROJECT,
                          timeout=120, check=False)
    assert lauf.returncode == 0, lauf.stdout + lauf.stderr
