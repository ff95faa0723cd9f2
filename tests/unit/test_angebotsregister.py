"""The IPSC read model: filtered listing of every Dienststelle's support offers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from leitfaden import angebotsregister as register
from leitfaden.angebotsregister import FilterUngueltig, OrtUnbekannt
from leitfaden.store.db import session_scope
from leitfaden.store.models import Unterstuetzungsangebot

STICHTAG = dt.date(2026, 11, 18)


def _ids(treffer) -> list[str]:
    return [a.id for a, _ in treffer]


def test_agenturen_und_dienststellen(engine):
    agenturen = register.agenturen(engine)
    assert {a.id for a in agenturen} == {"nuernberg", "berlin", "hamburg", "koeln",
                                         "muenchen", "leipzig"}
    assert [a.name for a in agenturen] == sorted(a.name for a in agenturen)
    assert {d.id for d in register.dienststellen(engine, "nuernberg")} == {
        "nuernberg-mitte", "nuernberg-langwasser"}
    assert len(register.dienststellen(engine)) == 9


def test_ohne_filter_alle_angebote_jeder_zeit(engine, repo):
    alle = register.angebote_suchen(engine)
    assert "nuernberg-langwasser-digitalkurs-2026" in _ids(alle)
    assert "muenchen-zentrum-digitalkurs-2027" in _ids(alle)
    heute = register.angebote_suchen(engine, gueltig_am=STICHTAG)
    erwartet = {a.id for d in repo.dienststellen() for a in repo.angebote(d.id, STICHTAG)}
    assert set(_ids(heute)) == erwartet
    assert all(a.dienststelle_id == d.id for a, d in heute)


def test_sortierung_nach_agentur_und_dienststelle(engine):
    treffer = register.angebote_suchen(engine, gueltig_am=STICHTAG)
    schluessel = [(d.agentur_name, d.name) for _, d in treffer]
    assert schluessel == sorted(schluessel)


def test_filter_agentur_dienststelle_art(engine):
    assert set(_ids(register.angebote_suchen(engine, agentur_id="nuernberg",
                                             gueltig_am=STICHTAG))) == {
        "nuernberg-mitte-registrierung", "nuernberg-mitte-gebaerdensprache",
        "nuernberg-mitte-vero", "nuernberg-langwasser-selbstinfo"}
    assert _ids(register.angebote_suchen(engine, agentur_id="nuernberg",
                                         art="gebaerdensprache")) == [
        "nuernberg-mitte-gebaerdensprache"]
    assert set(_ids(register.angebote_suchen(engine, art="gebaerdensprache"))) == {
        "nuernberg-mitte-gebaerdensprache", "berlin-mitte-gebaerdensprache"}
    assert set(_ids(register.angebote_suchen(engine, dienststelle_id="koeln-muelheim"))) == {
        "koeln-muelheim-selbstinfo", "koeln-muelheim-vero"}
    assert register.angebote_suchen(engine, agentur_id="berlin",
                                    dienststelle_id="koeln-muelheim") == []


def test_jede_art_kommt_vor(engine):
    from leitfaden.store.records import ANGEBOTSARTEN

    for art in ANGEBOTSARTEN:
        assert register.angebote_suchen(engine, art=art, gueltig_am=STICHTAG), art


def test_plz_und_ort(engine):
    assert set(_ids(register.angebote_suchen(engine, plz="90402", gueltig_am=STICHTAG))) == {
        "nuernberg-mitte-registrierung", "nuernberg-mitte-gebaerdensprache",
        "nuernberg-mitte-vero"}
    assert _ids(register.angebote_suchen(engine, plz=" 90473 ", gueltig_am=STICHTAG)) == [
        "nuernberg-langwasser-selbstinfo"]
    ort = register.angebote_suchen(engine, plz="Nuernberg", gueltig_am=STICHTAG)
    assert {d.id for _, d in ort} == {"nuernberg-mitte", "nuernberg-langwasser"}
    assert {d.id for _, d in register.angebote_suchen(engine, plz="Muenchn")} == {
        "muenchen-zentrum"}


def test_unbekannte_plz_oder_ort(engine):
    with pytest.raises(OrtUnbekannt, match="99999"):
        register.angebote_suchen(engine, plz="99999")
    with pytest.raises(OrtUnbekannt):
        register.angebote_suchen(engine, plz="Atlantis")


@pytest.mark.parametrize(("kwargs", "feld"), [
    ({"agentur_id": "nirgendwo"}, "Agentur"),
    ({"dienststelle_id": "nirgendwo"}, "Dienststelle"),
    ({"art": "tanzkurs"}, "Angebotsart"),
])
def test_unbekannte_filterwerte(engine, kwargs, feld):
    with pytest.raises(FilterUngueltig) as info:
        register.angebote_suchen(engine, **kwargs)
    assert info.value.feld == feld
    assert "nicht bekannt" in info.value.meldung


def test_gueltig_am(engine):
    assert register.angebote_suchen(engine, gueltig_am=dt.date(2026, 3, 1)) == []
    ids = _ids(register.angebote_suchen(engine, gueltig_am=dt.date(2026, 10, 31)))
    assert "nuernberg-langwasser-digitalkurs-2026" in ids
    ids = _ids(register.angebote_suchen(engine, gueltig_am=dt.date(2026, 11, 1)))
    assert "nuernberg-langwasser-digitalkurs-2026" not in ids
    assert "muenchen-zentrum-digitalkurs-2027" in _ids(
        register.angebote_suchen(engine, gueltig_am=dt.date(2027, 1, 1)))


def test_freitext_ohne_umlaute(engine):
    assert set(_ids(register.angebote_suchen(engine, text="gebaerdensprache"))) == {
        "nuernberg-mitte-gebaerdensprache", "berlin-mitte-gebaerdensprache"}
    assert _ids(register.angebote_suchen(engine, text="LEICHTER sprache",
                                         agentur_id="muenchen")) == [
        "muenchen-zentrum-barrierefrei"]
    assert register.angebote_suchen(engine, text="gibtesnicht") == []


def test_angebot_mit_dienststelle_und_plz(engine):
    gefunden = register.angebot(engine, "nuernberg-mitte-vero")
    assert gefunden is not None
    angebot, dienststelle, postleitzahlen = gefunden
    assert angebot.art == "vertretung_vero" and angebot.termin_erforderlich
    assert [z.wochentag for z in angebot.zeiten] == [3]
    assert dienststelle.agentur_name == "Agentur für Arbeit Nürnberg"
    assert postleitzahlen[0] == "90402" and "90461" in postleitzahlen
    assert register.angebot(engine, "gibt-es-nicht") is None


def test_keine_zwischenspeicherung(engine):
    vorher = register.angebot(engine, "leipzig-zentrum-videoberatung")[0]
    with session_scope(engine) as s:
        s.execute(update(Unterstuetzungsangebot)
                  .where(Unterstuetzungsangebot.id == "leipzig-zentrum-videoberatung")
                  .values(titel="Videoberatung neu", gueltig_bis=dt.date(2026, 11, 30)))
    nachher = register.angebot(engine, "leipzig-zentrum-videoberatung")[0]
    assert (vorher.titel, nachher.titel) == ("Videoberatung", "Videoberatung neu")
    assert "leipzig-zentrum-videoberatung" not in _ids(
        register.angebote_suchen(engine, gueltig_am=dt.date(2026, 12, 1)))


def test_art_label():
    assert register.art_label("gebaerdensprache") == "Gebärdensprachdolmetschen"
    assert register.art_label("unbekannt") == "unbekannt"


def test_unmoegliche_werte_ohne_datenbankfehler(engine):
    assert register.angebot(engine, "nuernberg\x00mitte") is None
    assert register.angebot(engine, "x" * 500) is None
    with pytest.raises(FilterUngueltig):
        register.angebote_suchen(engine, agentur_id="nuern\x00berg")
    with pytest.raises(FilterUngueltig):
        register.angebote_suchen(engine, dienststelle_id="\x00")
    with pytest.raises(OrtUnbekannt):
        register.angebote_suchen(engine, plz="\x00")
    assert register.angebote_suchen(engine, text="\x00") == []
