"""Applying Webaufträge to the store (SQLite and PostgreSQL): checks, history, tokens."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from leitfaden import offers
from leitfaden.store.db import session_scope
from leitfaden.store.models import (
    AgenturToken,
    AngebotAenderung,
    AuditEintrag,
    Unterstuetzungsangebot,
    Webauftrag,
)
from leitfaden.webauftrag import eingang
from leitfaden.webauftrag.dokument import FremdeAgentur, WebauftragUngueltig
from leitfaden.webauftrag.eingang import (
    Aenderung,
    WebauftragKonflikt,
    agentur_fuer_token,
    einreichen,
    felder_text,
    pruefen,
    token_erzeugen,
    token_erzeugen_mit_id,
    token_hash,
    token_widerrufen,
    tokens,
    verlauf,
)

D = dt.date
T = dt.time
BEISPIEL = Path(__file__).resolve().parents[3] / "guidelines" / "webauftrag-beispiel.yml"
NEU = "nuernberg-langwasser-gebaerdensprache"
KURS_2027 = "muenchen-zentrum-digitalkurs-2027"  # demo offer valid from 2027-01-01


def senden(engine, text: str, **kwargs):
    kwargs.setdefault("dokument", "wa.yml")
    kwargs.setdefault("absender_kanal", "cli")
    return einreichen(engine, text, **kwargs)


def abgelehnt(engine, text: str, **kwargs) -> list:
    with pytest.raises(WebauftragUngueltig) as info:
        senden(engine, text, **kwargs)
    return info.value.fehler


def einziger(engine, text: str, **kwargs):
    fehler = abgelehnt(engine, text, **kwargs)
    assert len(fehler) == 1, [str(f) for f in fehler]
    return fehler[0]


def anzahl(engine, modell) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(modell))


def letzte_audit_id(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.max(AuditEintrag.id))) or 0


def audit_seit(repo, audit_id: int, **kwargs):
    return [e for e in repo.audit(**kwargs) if e.id > audit_id]


def angebot(repo, angebot_id: str, dienststelle: str, stichtag: dt.date = D(2026, 12, 1)):
    treffer = [a for a in repo.angebote(dienststelle, stichtag) if a.id == angebot_id]
    return treffer[0] if treffer else None


def stand(engine) -> dict:
    """Everything the intake may change, for before/after comparisons."""
    with session_scope(engine) as s:
        angebote = {a.id: (a.titel, a.gueltig_bis, a.geaendert_am, a.sprachen,
                           tuple((z.wochentag, z.von, z.bis) for z in a.zeiten))
                    for a in s.scalars(select(Unterstuetzungsangebot))}
    return {"angebote": angebote, "webauftrag": anzahl(engine, Webauftrag),
            "aenderungen": anzahl(engine, AngebotAenderung)}


# --- applying --------------------------------------------------------------------------------


def test_neu_aendern_beenden(engine, repo, stichtag, gueltig):
    vorher = angebot(repo, "nuernberg-mitte-registrierung", "nuernberg-mitte")
    ergebnis = senden(engine, gueltig)
    assert (ergebnis.nummer, ergebnis.agentur_id, ergebnis.status) == (
        "WA-TEST-0001", "nuernberg", "angewendet")
    assert ergebnis.absender == "Petra Muster, Eingangszone"
    assert ergebnis.eingegangen_am.date() == stichtag
    assert [(a.angebot_id, a.aktion) for a in ergebnis.aenderungen] == [
        (NEU, "neu"), ("nuernberg-mitte-registrierung", "aendern"),
        ("nuernberg-mitte-vero", "beenden")]

    neu = angebot(repo, NEU, "nuernberg-langwasser")
    assert (neu.art, neu.titel, neu.ort_raum) == (
        "gebaerdensprache", "Beratung mit Gebärdensprachdolmetschung", "Erdgeschoss, Raum 0.14")
    assert [(z.wochentag, z.von, z.bis) for z in neu.zeiten] == [(1, T(9), T(12)),
                                                                 (3, T(9), T(12))]
    assert neu.termin_erforderlich and neu.buchung == "Termin per E-Mail."
    assert neu.sprachen == ("Deutsch", "Deutsche Gebärdensprache")
    assert (neu.kontakt_telefon, neu.kontakt_email) == ("0911 5290-4550",
                                                        "nbg.gs@arbeitsagentur.example")
    assert (neu.gueltig_ab, neu.gueltig_bis, neu.barrierefreiheit) == (D(2026, 11, 1), None, None)
    assert neu.geaendert_am == ergebnis.eingegangen_am

    geaendert = angebot(repo, "nuernberg-mitte-registrierung", "nuernberg-mitte")
    assert geaendert.titel == "Hilfe bei Registrierung, Anmeldung und BundID"
    # only the given field changed
    assert geaendert.zeiten == vorher.zeiten and geaendert.sprachen == vorher.sprachen
    assert geaendert.beschreibung == vorher.beschreibung
    assert geaendert.geaendert_am == ergebnis.eingegangen_am
    assert ergebnis.aenderungen[1].felder == {
        "titel": ("Hilfe bei Registrierung und Anmeldung",
                  "Hilfe bei Registrierung, Anmeldung und BundID")}

    assert angebot(repo, "nuernberg-mitte-vero", "nuernberg-mitte", D(2026, 12, 31)) is not None
    assert angebot(repo, "nuernberg-mitte-vero", "nuernberg-mitte", D(2027, 1, 1)) is None
    assert ergebnis.aenderungen[2].felder == {"gueltig_bis": (None, "2026-12-31")}
    with session_scope(engine) as s:  # ended, never deleted
        assert s.get(Unterstuetzungsangebot, "nuernberg-mitte-vero").demo is True
        assert s.get(Unterstuetzungsangebot, NEU).demo is False


def test_neu_hat_alle_felder_in_der_aenderung(engine, stichtag, gueltig):
    felder = senden(engine, gueltig).aenderungen[0].felder
    assert felder["zeiten"] == (None, "Di 09:00-12:00, Do 09:00-12:00")
    assert felder["termin_erforderlich"] == (None, "ja")
    assert felder["gueltig_ab"] == (None, "2026-11-01")
    assert "gueltig_bis" not in felder and "barrierefreiheit" not in felder
    assert all(alt is None for alt, _ in felder.values())


def test_aendern_ersetzt_zeiten_und_kontakt_teilweise(engine, repo, stichtag, variante):
    text = variante('    titel: "Hilfe bei Registrierung, Anmeldung und BundID"\n',
                    "    zeiten: [{tage: [Mo], von: '09:00', bis: '13:00'},\n"
                    "             {tage: [Fr], von: '08:00', bis: '10:00'}]\n"
                    "    kontakt: {email: null, telefon: '0911 5290-4111'}\n"
                    "    sprachen: [Deutsch]\n"
                    "    barrierefreiheit: null\n")
    ergebnis = senden(engine, text)
    a = angebot(repo, "nuernberg-mitte-registrierung", "nuernberg-mitte")
    assert [(z.wochentag, z.von, z.bis) for z in a.zeiten] == [(0, T(9), T(13)), (4, T(8), T(10))]
    assert (a.kontakt_telefon, a.kontakt_email) == ("0911 5290-4111", None)
    assert a.sprachen == ("Deutsch",) and a.barrierefreiheit is None
    assert a.titel == "Hilfe bei Registrierung und Anmeldung"
    felder = ergebnis.aenderungen[1].felder
    assert felder["zeiten"] == ("Mo 09:00-12:00, Mi 09:00-12:00, Do 14:00-17:00",
                                "Mo 09:00-13:00, Fr 08:00-10:00")
    assert felder["kontakt.email"] == ("nuernberg.online-hilfe@arbeitsagentur.example", None)
    assert set(felder) == {"zeiten", "kontakt.telefon", "kontakt.email", "sprachen",
                           "barrierefreiheit"}


def test_aendern_ohne_echte_aenderung(engine, repo, stichtag, variante):
    vorher = angebot(repo, "nuernberg-mitte-registrierung", "nuernberg-mitte")
    text = variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"',
                    'titel: "Hilfe bei Registrierung und Anmeldung"')
    ergebnis = senden(engine, text)
    assert ergebnis.aenderungen[1] == Aenderung("nuernberg-mitte-registrierung", "aendern", {})
    assert angebot(repo, "nuernberg-mitte-registrierung",
                   "nuernberg-mitte").geaendert_am == vorher.geaendert_am


def test_beenden_ohne_datum_endet_sofort(engine, repo, stichtag, variante):
    text = variante("    gueltig_bis: 2026-12-31\n", "")
    ergebnis = senden(engine, text)
    assert ergebnis.aenderungen[2].felder == {"gueltig_bis": (None, "2026-11-17")}
    assert angebot(repo, "nuernberg-mitte-vero", "nuernberg-mitte", D(2026, 11, 17)) is not None
    assert angebot(repo, "nuernberg-mitte-vero", "nuernberg-mitte", stichtag) is None
    assert repo.angebot("nuernberg-mitte-vero").zurueckgezogen_am is None


def test_beenden_mit_datum_gilt_bis_einschliesslich(engine, repo, stichtag, variante):
    senden(engine, variante("gueltig_bis: 2026-12-31", "gueltig_bis: 2026-11-18"))
    assert angebot(repo, "nuernberg-mitte-vero", "nuernberg-mitte", stichtag) is not None
    assert angebot(repo, "nuernberg-mitte-vero", "nuernberg-mitte", D(2026, 11, 19)) is None


def test_beenden_eines_beendeten_angebots_verlaengert_es_nicht(engine, stichtag, variante):
    text = variante("    id: nuernberg-mitte-vero\n    gueltig_bis: 2026-12-31\n",
                    "    id: nuernberg-langwasser-digitalkurs-2026\n")
    assert senden(engine, text).aenderungen[2].felder == {}
    with session_scope(engine) as s:
        kurs = s.get(Unterstuetzungsangebot, "nuernberg-langwasser-digitalkurs-2026")
        assert kurs.gueltig_bis == D(2026, 10, 31)


def test_auskunft_sieht_aenderungen_sofort(engine, repo, stichtag, gueltig):
    morgen, gestern = stichtag + dt.timedelta(days=1), stichtag - dt.timedelta(days=1)
    assert not offers.angebote_fuer(repo, stichtag, plz="90473", art="gebaerdensprache").gefunden
    senden(engine, gueltig)
    treffer = offers.angebote_fuer(repo, stichtag, plz="90473", art="gebaerdensprache")
    assert [a.id for a in treffer.angebote] == [NEU]
    ende = (f"webauftrag: WA-TEST-0002\nagentur: nuernberg\nabsender: P\nangebote:\n"
            f"  - {{aktion: beenden, id: {NEU}, gueltig_bis: {gestern.isoformat()}}}\n")
    senden(engine, ende)
    assert not offers.angebote_fuer(repo, stichtag, plz="90473", art="gebaerdensprache").gefunden
    assert not offers.angebote_fuer(repo, morgen, plz="90473", art="gebaerdensprache").gefunden


def test_audit_eines_angewendeten_webauftrags(engine, repo, stichtag, gueltig):
    seit = letzte_audit_id(engine)
    senden(engine, gueltig, absender_kanal="http")
    (eintrag,) = audit_seit(repo, seit, aktion="webauftrag_angewendet")
    assert eintrag.akteur == "agentur:nuernberg (Petra Muster, Eingangszone)"
    assert (eintrag.objekt_typ, eintrag.objekt_id) == ("Webauftrag", "nuernberg/WA-TEST-0001")
    assert eintrag.details["nummer"] == "WA-TEST-0001"
    assert eintrag.details["kanal"] == "http"
    assert eintrag.details["angebote"] == [NEU, "nuernberg-mitte-registrierung",
                                           "nuernberg-mitte-vero"]


def test_beispiel_der_vorlage_ist_gueltig(engine, repo, stichtag):
    text = BEISPIEL.read_text(encoding="utf-8")
    geprueft = pruefen(engine, text, dokument=BEISPIEL.name)
    assert geprueft.status == "geprueft" and len(geprueft.aenderungen) == 3
    ergebnis = senden(engine, text, dokument=BEISPIEL.name)
    assert ergebnis.status == "angewendet"
    assert ergebnis.aenderungen == geprueft.aenderungen
    treffer = offers.angebote_fuer(repo, D(2026, 12, 1), plz="90473", art="gebaerdensprache")
    assert [a.id for a in treffer.angebote] == ["nuernberg-langwasser-gebaerdensprache"]


# --- rejections that need the store ---------------------------------------------------------


def test_unbekannte_agentur(engine, stichtag, variante):
    f = einziger(engine, variante("agentur: nuernberg", "agentur: nuernberk"))
    assert (f.feld, f.zeile) == ("agentur", 2)
    assert f.meldung == "Die Agentur 'nuernberk' ist unbekannt. Meinten Sie 'nuernberg'?"


def test_unbekannte_dienststelle(engine, stichtag, variante, zeile):
    text = variante("dienststelle: nuernberg-langwasser", "dienststelle: nuernberg-langwaser")
    f = einziger(engine, text)
    assert (f.feld, f.zeile) == ("dienststelle", zeile("dienststelle:", text))
    assert f.eintrag == f"Eintrag 1 ({NEU})"
    assert "Die Dienststelle 'nuernberg-langwaser' gibt es nicht." in f.meldung
    assert "Meinten Sie 'nuernberg-langwasser'?" in f.meldung
    assert "Dienststellen der Agentur nuernberg: nuernberg-langwasser, nuernberg-mitte" in (
        f.meldung)


def test_dienststelle_einer_anderen_agentur(engine, stichtag, variante):
    f = einziger(engine, variante("dienststelle: nuernberg-langwasser",
                                  "dienststelle: berlin-mitte"))
    assert f.feld == "dienststelle"
    assert "gehört zur Agentur 'berlin'" in f.meldung and "eigenen Agentur" in f.meldung


def test_neu_mit_vorhandener_id(engine, stichtag, variante, zeile):
    text = variante(f"id: {NEU}", "id: nuernberg-mitte-gebaerdensprache")
    f = einziger(engine, text)
    assert (f.feld, f.zeile) == ("id", zeile("id: nuernberg-mitte-gebaerdensprache", text))
    assert "gibt es bereits" in f.meldung and "aktion: aendern" in f.meldung


@pytest.mark.parametrize("aktion", ["aendern", "beenden"])
def test_unbekannte_id(engine, stichtag, variante, zeile, aktion):
    alt = ("id: nuernberg-mitte-registrierung" if aktion == "aendern"
           else "id: nuernberg-mitte-vero")
    text = variante(alt, "id: nuernberg-mitte-registrierng" if aktion == "aendern"
                    else "id: nuernberg-mitte-verox")
    f = einziger(engine, text)
    assert f.feld == "id" and f.zeile == zeile("id: nuernberg-mitte-" + (
        "registrierng" if aktion == "aendern" else "verox"), text)
    assert "gibt es nicht" in f.meldung
    if aktion == "aendern":
        assert "Meinten Sie 'nuernberg-mitte-registrierung'?" in f.meldung


def test_angebot_einer_anderen_agentur(engine, repo, stichtag, variante):
    text = variante("id: nuernberg-mitte-registrierung", "id: berlin-mitte-antragshilfe")
    f = einziger(engine, text)
    assert (f.feld, f.eintrag) == ("id", "Eintrag 2 (berlin-mitte-antragshilfe)")
    assert "gehört zur Agentur 'berlin'" in f.meldung
    assert angebot(repo, "berlin-mitte-antragshilfe", "berlin-mitte").titel == (
        "Hilfe beim Ausfüllen von Online-Anträgen")


def test_fremde_agentur_des_tokens(engine, repo, stichtag, gueltig):
    seit = letzte_audit_id(engine)
    f = einziger(engine, gueltig, erwartete_agentur="berlin", absender_kanal="http")
    assert f.feld == "agentur" and "'berlin'" in f.meldung
    (eintrag,) = audit_seit(repo, seit, aktion="webauftrag_abgelehnt")
    assert eintrag.akteur.startswith("agentur:berlin")
    assert eintrag.details["grund"] == "fremde_agentur"


@pytest.mark.parametrize("funktion", ["einreichen", "pruefen"])
def test_fremde_agentur_prueft_nichts_im_bestand(engine, stichtag, variante, funktion):
    """Nothing about the named Agentur is looked up: no suggestions, no ids, one error."""
    text = variante("dienststelle: nuernberg-langwasser", "dienststelle: nuernberg-langwaser")
    text = variante("id: nuernberg-mitte-vero", "id: nuernberg-mitte-verox", text)
    text = variante("art: gebaerdensprache", "art: gebaerden", text)
    with pytest.raises(FremdeAgentur) as info:
        if funktion == "einreichen":
            senden(engine, text, erwartete_agentur="berlin")
        else:
            pruefen(engine, text, erwartete_agentur="berlin")
    (f,) = info.value.fehler
    assert (f.feld, f.zeile) == ("agentur", 2)
    assert "Ihr Zugang gilt aber für die Agentur 'berlin'" in f.meldung
    assert "Meinten" not in f.meldung and "langwasser" not in str(info.value)


def test_agentur_des_zugangs_wenn_die_des_dokuments_ungueltig_ist(engine, stichtag, variante):
    text = variante("agentur: nuernberg", 'agentur: "Nürnberg!"')
    text = variante("dienststelle: nuernberg-langwasser", "dienststelle: nuernberg-langwaser",
                    text)
    fehler = abgelehnt(engine, text, erwartete_agentur="nuernberg")
    dienststelle = next(f for f in fehler if f.feld == "dienststelle")
    assert "Meinten Sie 'nuernberg-langwasser'?" in dienststelle.meldung
    fremd = abgelehnt(engine, text, erwartete_agentur="berlin")
    assert "nuernberg-langwasser" not in " ".join(f.meldung for f in fremd)


def test_meinten_sie_wie_im_dokument(engine, stichtag, variante):
    """One similarity for every suggestion (the store checks used a stricter one before)."""
    text = variante("dienststelle: nuernberg-langwasser", "dienststelle: nbg-lwasser")  # 0.71
    assert "Meinten Sie 'nuernberg-langwasser'?" in einziger(engine, text).meldung


def test_aendern_gueltig_bis_vor_gespeichertem_beginn(engine, stichtag, variante, zeile):
    text = variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"',
                    "gueltig_bis: 2026-07-19")
    f = einziger(engine, text)
    assert (f.feld, f.zeile) == ("gueltig_bis", zeile("gueltig_bis: 2026-07-19", text))
    assert f.meldung == ("Das Ende der Gültigkeit (19.07.2026) liegt vor ihrem Beginn "
                         "(20.07.2026).")


def test_aendern_gueltig_ab_nach_gespeichertem_ende(engine, stichtag, variante):
    text = variante("    id: nuernberg-mitte-registrierung\n"
                    '    titel: "Hilfe bei Registrierung, Anmeldung und BundID"\n',
                    "    id: nuernberg-langwasser-digitalkurs-2026\n"
                    "    gueltig_ab: 2026-11-01\n")
    f = einziger(engine, text)
    assert f.feld == "gueltig_bis" and "(31.10.2026) liegt vor ihrem Beginn (01.11.2026)" in (
        f.meldung)


def _muenchen(nummer: str, eintrag: str) -> str:
    return (f"webauftrag: {nummer}\nagentur: muenchen\nabsender: P\nangebote:\n"
            f"  - {eintrag}\n")


def test_beenden_vor_dem_beginn(engine, repo, stichtag):
    """Not begun yet: ``beenden`` withdraws the offer; its dates stay, it is never named."""
    seit = letzte_audit_id(engine)
    ergebnis = senden(engine, _muenchen("WA-M-1", f"{{aktion: beenden, id: {KURS_2027}}}"))
    (aenderung,) = ergebnis.aenderungen
    jetzt = ergebnis.eingegangen_am
    assert aenderung.aktion == "beenden"
    assert aenderung.felder == {
        "zurueckgezogen_am": (None, jetzt.isoformat(timespec="seconds"))}
    with session_scope(engine) as s:
        zeile = s.get(Unterstuetzungsangebot, KURS_2027)
        assert (zeile.gueltig_ab, zeile.gueltig_bis) == (D(2027, 1, 1), None)
        assert zeile.zurueckgezogen_am is not None and zeile.geaendert_am == zeile.zurueckgezogen_am
    for tag in (stichtag, D(2027, 1, 1), D(2030, 6, 1)):
        assert angebot(repo, KURS_2027, "muenchen-zentrum", tag) is None
    record = repo.angebot(KURS_2027)  # still there by id, marked
    assert record.zurueckgezogen_am == jetzt and not record.gilt_am(D(2027, 1, 1))
    (gespeichert,) = verlauf(engine, angebot_id=KURS_2027)
    assert gespeichert.aenderungen == ergebnis.aenderungen
    (eintrag,) = audit_seit(repo, seit, aktion="webauftrag_angewendet")
    assert eintrag.details["geaendert"] == [KURS_2027]


def test_rueckzug_als_text():
    assert felder_text({"zurueckgezogen_am": (None, "2026-11-18T08:15:00+00:00")}) == [
        "zurueckgezogen_am: 18.11.2026, 09:15 Uhr"]


def test_beenden_mit_datum_vor_dem_beginn_zieht_zurueck(engine, repo, stichtag):
    ergebnis = senden(engine, _muenchen(
        "WA-M-2", f"{{aktion: beenden, id: {KURS_2027}, gueltig_bis: 2026-12-31}}"))
    assert set(ergebnis.aenderungen[0].felder) == {"zurueckgezogen_am"}
    assert repo.angebot(KURS_2027).gueltig_bis is None
    assert angebot(repo, KURS_2027, "muenchen-zentrum", D(2027, 1, 1)) is None


def test_beenden_am_ersten_tag_zieht_zurueck(engine, repo, stichtag, variante):
    heute_neu = variante("gueltig_ab: 2026-11-01", "gueltig_ab: 2026-11-18")
    senden(engine, heute_neu)
    assert angebot(repo, NEU, "nuernberg-langwasser", stichtag) is not None
    ende = ("webauftrag: WA-TEST-0002\nagentur: nuernberg\nabsender: P\nangebote:\n"
            f"  - {{aktion: beenden, id: {NEU}}}\n")
    (aenderung,) = senden(engine, ende).aenderungen
    assert set(aenderung.felder) == {"zurueckgezogen_am"}
    assert angebot(repo, NEU, "nuernberg-langwasser", stichtag) is None
    assert repo.angebot(NEU).gueltig_ab == stichtag


def test_zurueckgezogenes_angebot(engine, repo, stichtag):
    senden(engine, _muenchen("WA-M-1", f"{{aktion: beenden, id: {KURS_2027}}}"))
    zurueckgezogen_am = repo.angebot(KURS_2027).zurueckgezogen_am
    nochmal = senden(engine, _muenchen(
        "WA-M-2", f"{{aktion: beenden, id: {KURS_2027}, gueltig_bis: 2027-06-30}}"))
    assert nochmal.aenderungen[0].felder == {}
    assert repo.angebot(KURS_2027).zurueckgezogen_am == zurueckgezogen_am
    assert repo.angebot(KURS_2027).gueltig_bis is None
    f = einziger(engine, _muenchen("WA-M-3", f"{{aktion: aendern, id: {KURS_2027}, titel: X}}"))
    assert f.feld == "id" and "zurückgezogen" in f.meldung and "aktion: neu" in f.meldung


def test_pruefen_plant_den_rueckzug_ohne_zu_schreiben(engine, repo, stichtag):
    geprueft = pruefen(engine, _muenchen("WA-M-1", f"{{aktion: beenden, id: {KURS_2027}}}"))
    assert set(geprueft.aenderungen[0].felder) == {"zurueckgezogen_am"}
    assert repo.angebot(KURS_2027).zurueckgezogen_am is None


def test_aendern_termin_ohne_buchung(engine, stichtag, variante):
    text = variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"',
                    "termin_erforderlich: true")
    f = einziger(engine, text)
    assert f.feld == "buchung"
    assert f.zeile == max(i for i, z in enumerate(text.splitlines(), start=1)
                          if "termin_erforderlich: true" in z)
    assert "Wenn ein Termin erforderlich ist" in f.meldung
    mit_buchung = variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"',
                           "termin_erforderlich: true\n    buchung: Telefon 0911 5290-4110")
    assert senden(engine, mit_buchung).status == "angewendet"


def test_aendern_entfernt_letzten_kontakt(engine, stichtag, variante):
    text = variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"',
                    "kontakt: {telefon: null, email: null}")
    f = einziger(engine, text)
    assert f.feld == "kontakt" and "mindestens eine Kontaktmöglichkeit" in f.meldung


def test_dokument_und_bestandsfehler_zusammen(engine, stichtag, variante):
    text = variante("art: gebaerdensprache", "art: gebaerden")
    text = variante("id: nuernberg-mitte-vero", "id: nuernberg-mitte-vera", text)
    text = variante("agentur: nuernberg", "agentur: nuernberg\nfalsch: 1", text)
    fehler = abgelehnt(engine, text)
    assert [f.feld for f in fehler] == ["falsch", "art", "id"]
    assert "gibt es nicht" in fehler[2].meldung


# --- all or nothing --------------------------------------------------------------------------


def test_ein_fehler_aendert_nichts(engine, repo, stichtag, variante):
    vorher = stand(engine)
    seit = letzte_audit_id(engine)
    fehler = abgelehnt(engine, variante("gueltig_bis: 2026-12-31", "gueltig_bis: 2026-12-32"))
    assert [f.eintrag for f in fehler] == ["Eintrag 3 (nuernberg-mitte-vero)"]
    assert stand(engine) == vorher
    (eintrag,) = audit_seit(repo, seit)
    assert eintrag.aktion == "webauftrag_abgelehnt"
    assert eintrag.objekt_id == "nuernberg/WA-TEST-0001"
    assert eintrag.details["nummer"] == "WA-TEST-0001"
    assert eintrag.details["anzahl_fehler"] == 1
    assert "angebote" not in json.dumps(eintrag.details)  # no document text


def test_abgelehnt_ohne_lesbaren_kopf(engine, repo, stichtag):
    seit = letzte_audit_id(engine)
    abgelehnt(engine, "angebote: [", erwartete_agentur="hamburg", absender_kanal="http")
    (eintrag,) = audit_seit(repo, seit)
    assert (eintrag.aktion, eintrag.objekt_id, eintrag.akteur) == (
        "webauftrag_abgelehnt", None, "agentur:hamburg")
    assert eintrag.details["nummer"] is None


def test_datenbankfehler_mitten_im_anwenden(engine, stichtag, gueltig, monkeypatch):
    vorher = stand(engine)
    echt = eingang._angebot_schreiben
    aufrufe = []

    def zweiter_schlaegt_fehl(s, plan, jetzt):
        aufrufe.append(plan.eintrag.id)
        if len(aufrufe) == 2:
            raise RuntimeError("Verbindung verloren")
        return echt(s, plan, jetzt)

    monkeypatch.setattr(eingang, "_angebot_schreiben", zweiter_schlaegt_fehl)
    with pytest.raises(RuntimeError, match="Verbindung verloren"):
        senden(engine, gueltig)
    assert stand(engine) == vorher
    monkeypatch.setattr(eingang, "_angebot_schreiben", echt)
    assert senden(engine, gueltig).status == "angewendet"  # the number is still free


# --- idempotency, conflicts, concurrency -----------------------------------------------------


def test_zweimal_dasselbe(engine, repo, stichtag, gueltig):
    erstes = senden(engine, gueltig)
    nach_erstem = stand(engine)
    seit = letzte_audit_id(engine)
    zweites = senden(engine, gueltig, absender_kanal="http")
    assert zweites.status == "bereits_angewendet"
    assert (zweites.eingegangen_am, zweites.aenderungen) == (erstes.eingegangen_am,
                                                             erstes.aenderungen)
    assert stand(engine) == nach_erstem
    assert nach_erstem["webauftrag"] == 1
    assert audit_seit(repo, seit) == []


def test_dasselbe_als_json_und_anders_formatiert(engine, stichtag, gueltig):
    senden(engine, gueltig)
    roh = yaml.safe_load(gueltig.replace("bis: 12:00", 'bis: "12:00"'))
    als_json = json.dumps(roh, default=str)
    assert senden(engine, als_json, dokument="wa.json").status == "bereits_angewendet"


def test_wiederholung_am_naechsten_tag(engine, stichtag, variante, monkeypatch):
    text = variante("    gueltig_bis: 2026-12-31\n", "")  # beenden: at once
    senden(engine, text)
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-19")
    assert senden(engine, text).status == "bereits_angewendet"


def test_gleiche_nummer_anderer_inhalt(engine, repo, stichtag, gueltig, variante):
    senden(engine, gueltig)
    nach_erstem = stand(engine)
    seit = letzte_audit_id(engine)
    with pytest.raises(WebauftragKonflikt) as info:
        senden(engine, variante("Termin per E-Mail.", "Termin per Telefon."))
    assert isinstance(info.value, ValueError)
    meldung = str(info.value)
    assert "'WA-TEST-0001'" in meldung and "anderen Inhalt" in meldung
    assert "neue Nummer" in meldung
    assert stand(engine) == nach_erstem
    (eintrag,) = audit_seit(repo, seit)
    assert (eintrag.aktion, eintrag.details["grund"]) == ("webauftrag_abgelehnt", "konflikt")


def test_nummer_gilt_je_agentur(engine, stichtag):
    def auftrag(agentur: str, angebot_id: str) -> str:
        return (f"webauftrag: WA-1\nagentur: {agentur}\nabsender: P\nangebote:\n"
                f"  - {{aktion: aendern, id: {angebot_id}, titel: Neu}}\n")
    assert senden(engine, auftrag("hamburg", "hamburg-mitte-registrierung")).status == (
        "angewendet")
    assert senden(engine, auftrag("koeln", "koeln-innenstadt-antragshilfe")).status == (
        "angewendet")


def test_gleichzeitig_eingereicht(engine, stichtag, gueltig):
    anzahl_threads = 6
    start = threading.Barrier(anzahl_threads)
    ergebnisse: list = []

    def einreichen_im_thread() -> None:
        start.wait()
        try:
            ergebnisse.append(senden(engine, gueltig, absender_kanal="http").status)
        except Exception as exc:  # collected and asserted below
            ergebnisse.append(exc)

    threads = [threading.Thread(target=einreichen_im_thread) for _ in range(anzahl_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(map(str, ergebnisse)) == ["angewendet"] + ["bereits_angewendet"] * (
        anzahl_threads - 1)
    assert anzahl(engine, Webauftrag) == 1
    assert anzahl(engine, AngebotAenderung) == 3
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Unterstuetzungsangebot)
                        .where(Unterstuetzungsangebot.id == NEU)) == 1


# --- dry run ---------------------------------------------------------------------------------


def test_pruefen_schreibt_nichts(engine, repo, stichtag, gueltig):
    vorher = stand(engine)
    seit = letzte_audit_id(engine)
    ergebnis = pruefen(engine, gueltig, dokument="wa.yml")
    assert (ergebnis.status, ergebnis.eingegangen_am) == ("geprueft", None)
    assert [a.angebot_id for a in ergebnis.aenderungen] == [
        NEU, "nuernberg-mitte-registrierung", "nuernberg-mitte-vero"]
    assert stand(engine) == vorher
    assert audit_seit(repo, seit) == []


def test_pruefen_prueft_gegen_den_bestand(engine, stichtag, variante):
    with pytest.raises(WebauftragUngueltig) as info:
        pruefen(engine, variante("dienststelle: nuernberg-langwasser",
                                 "dienststelle: nuernberg-sued"))
    assert [f.feld for f in info.value.fehler] == ["dienststelle"]


def test_pruefen_nach_dem_einreichen(engine, stichtag, gueltig, variante):
    senden(engine, gueltig)
    assert pruefen(engine, gueltig).status == "bereits_angewendet"
    with pytest.raises(WebauftragKonflikt):
        pruefen(engine, variante("Termin per E-Mail.", "Termin per Telefon."))


# --- history ---------------------------------------------------------------------------------


def test_verlauf(engine, stichtag, gueltig):
    senden(engine, gueltig)
    zweiter = ("webauftrag: WA-TEST-0002\nagentur: nuernberg\nabsender: Max Beispiel\n"
               "angebote:\n  - aktion: aendern\n    id: nuernberg-mitte-registrierung\n"
               "    sprachen: [Deutsch, Englisch, Türkisch]\n")
    senden(engine, zweiter, absender_kanal="http")
    senden(engine, "webauftrag: WA-1\nagentur: hamburg\nabsender: H\nangebote:\n"
                   "  - {aktion: aendern, id: hamburg-mitte-registrierung, titel: Neu}\n")

    alle = verlauf(engine)
    assert [(w.agentur_id, w.nummer) for w in alle] == [
        ("hamburg", "WA-1"), ("nuernberg", "WA-TEST-0002"), ("nuernberg", "WA-TEST-0001")]
    assert [w.nummer for w in verlauf(engine, agentur_id="nuernberg")] == [
        "WA-TEST-0002", "WA-TEST-0001"]
    assert [w.nummer for w in verlauf(engine, limit=1)] == ["WA-1"]

    registrierung = verlauf(engine, angebot_id="nuernberg-mitte-registrierung")
    assert [w.nummer for w in registrierung] == ["WA-TEST-0002", "WA-TEST-0001"]
    assert all(len(w.aenderungen) == 1 for w in registrierung)
    neuester = registrierung[0]
    assert (neuester.absender, neuester.kanal) == ("Max Beispiel", "http")
    assert neuester.aenderungen[0].felder == {
        "sprachen": ("Deutsch, Englisch", "Deutsch, Englisch, Türkisch")}
    assert neuester.als_dict()["aenderungen"][0]["felder"]["sprachen"] == [
        "Deutsch, Englisch", "Deutsch, Englisch, Türkisch"]
    assert len(verlauf(engine, agentur_id="nuernberg")[1].aenderungen) == 3
    assert verlauf(engine, angebot_id="gibt-es-nicht") == []


@pytest.mark.parametrize("limit", [0, -1])
def test_verlauf_limit_ab_eins(engine, stichtag, gueltig, limit):
    """SQLite reads LIMIT -1 as "all", PostgreSQL refuses it: both refuse it here."""
    senden(engine, gueltig)
    with pytest.raises(ValueError, match="'limit' muss eine ganze Zahl ab 1 sein"):
        verlauf(engine, limit=limit)


def test_dokument_wird_gespeichert(engine, stichtag, gueltig):
    senden(engine, gueltig)
    with session_scope(engine) as s:
        zeile = s.scalars(select(Webauftrag)).one()
        assert zeile.dokument == gueltig and len(zeile.inhalt_hash) == 64
        assert (zeile.kanal, zeile.absender) == ("cli", "Petra Muster, Eingangszone")


def test_unbekannter_kanal(engine, gueltig):
    with pytest.raises(ValueError, match="Kanal"):
        senden(engine, gueltig, absender_kanal="fax")


# --- tokens ----------------------------------------------------------------------------------


def test_token_erzeugen_und_pruefen(engine, repo):
    seit = letzte_audit_id(engine)
    token = token_erzeugen(engine, "nuernberg", "Fachverfahren")
    assert len(token) >= 43
    assert agentur_fuer_token(engine, token) == "nuernberg"
    assert agentur_fuer_token(engine, token + "x") is None
    assert agentur_fuer_token(engine, "") is None and agentur_fuer_token(engine, None) is None
    with session_scope(engine) as s:
        zeile = s.scalars(select(AgenturToken)).one()
        assert zeile.token_hash == token_hash(token) != token
    (eintrag,) = audit_seit(repo, seit)
    assert (eintrag.aktion, eintrag.objekt_id) == ("agentur_token_erzeugt", str(zeile.id))
    assert eintrag.details == {"agentur": "nuernberg", "bezeichnung": "Fachverfahren"}
    assert token not in json.dumps(eintrag.details) and token_hash(token) not in str(eintrag)


def test_token_erzeugen_mit_id(engine):
    token_erzeugen(engine, "nuernberg")
    neu = token_erzeugen_mit_id(engine, "nuernberg", "zweiter")
    token_erzeugen(engine, "nuernberg")
    with session_scope(engine) as s:
        zeile = s.scalars(select(AgenturToken).where(
            AgenturToken.token_hash == token_hash(neu.token))).one()
        assert (zeile.id, zeile.agentur_id, zeile.bezeichnung) == (neu.id, "nuernberg",
                                                                   "zweiter")
    assert neu.token not in repr(neu)


def test_tokens_sind_verschieden_und_je_agentur(engine):
    a, b = token_erzeugen(engine, "nuernberg"), token_erzeugen(engine, "berlin")
    assert a != b
    assert (agentur_fuer_token(engine, a), agentur_fuer_token(engine, b)) == ("nuernberg",
                                                                              "berlin")
    assert [t.agentur_id for t in tokens(engine)] == ["berlin", "nuernberg"]
    assert [t.agentur_id for t in tokens(engine, "berlin")] == ["berlin"]


def test_token_fuer_unbekannte_agentur(engine):
    with pytest.raises(ValueError, match="Die Agentur 'atlantis' ist unbekannt."):
        token_erzeugen(engine, "atlantis")
    assert anzahl(engine, AgenturToken) == 0


@pytest.mark.parametrize("per", ["id", "id_text", "token"])
def test_token_widerrufen(engine, repo, per):
    token = token_erzeugen(engine, "koeln", "alt")
    (record,) = tokens(engine, "koeln")
    seit = letzte_audit_id(engine)
    schluessel = {"id": record.id, "id_text": str(record.id), "token": token}[per]
    widerrufen = token_widerrufen(engine, schluessel)
    assert widerrufen.id == record.id and not widerrufen.aktiv
    assert agentur_fuer_token(engine, token) is None
    assert token_widerrufen(engine, schluessel).widerrufen_am == widerrufen.widerrufen_am
    (eintrag,) = audit_seit(repo, seit)
    assert (eintrag.aktion, eintrag.details["agentur"]) == ("agentur_token_widerrufen", "koeln")
    assert token not in json.dumps(eintrag.details)


def test_unbekannten_token_widerrufen(engine):
    with pytest.raises(ValueError, match="gibt es nicht"):
        token_widerrufen(engine, 999999)
    with pytest.raises(ValueError, match="gibt es nicht"):
        token_widerrufen(engine, "kein-token")


def test_gleichzeitig_zwei_nummern_fuer_dasselbe_neue_angebot(engine, stichtag, variante):
    texte = [variante("webauftrag: WA-TEST-0001", f"webauftrag: WA-PARALLEL-{i}")
             for i in range(2)]
    start = threading.Barrier(len(texte))
    ergebnisse: list = []

    def einreichen_im_thread(text: str) -> None:
        start.wait()
        try:
            ergebnisse.append(senden(engine, text).status)
        except WebauftragUngueltig as exc:
            ergebnisse.append(exc.fehler)

    threads = [threading.Thread(target=einreichen_im_thread, args=(t,)) for t in texte]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    angewendet = [e for e in ergebnisse if e == "angewendet"]
    (fehler,) = [e for e in ergebnisse if e != "angewendet"]
    assert len(angewendet) == 1
    assert [(f.feld, "gibt es bereits" in f.meldung) for f in fehler][0] == ("id", True)
    assert anzahl(engine, Webauftrag) == 1


def test_ergebnis_als_json(engine, stichtag, gueltig):
    daten = json.loads(json.dumps(senden(engine, gueltig).als_dict()))
    assert daten["status"] == "angewendet" and daten["webauftrag"] == "WA-TEST-0001"
    assert daten["aenderungen"][2] == {"angebot_id": "nuernberg-mitte-vero", "aktion": "beenden",
                                       "felder": {"gueltig_bis": [None, "2026-12-31"]}}
