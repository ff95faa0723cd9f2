"""The conversation record: ticks, deviations (once each), the end of the call, the audit."""

from __future__ import annotations

import pytest
from konsole_hilfen import (
    HEUTE,
    TrackerBau,
    anna_bis_zustimmung,
    anna_ueberwiesen,
    ueberweisen,
)
from sqlalchemy import func, select

from leitfaden.guides import library
from leitfaden.konsole import (
    GespraechBeendet,
    GespraechUnbekannt,
    gespraech,
    gespraech_beenden,
    gespraech_beginnen,
    hinweis_bestaetigen,
    protokoll,
    schritte_pruefen,
)
from leitfaden.store.db import session_scope
from leitfaden.store.models import Abweichung, Gespraech, HinweisBestaetigung
from leitfaden.store.repository import SqlRepository

VERSION_3301 = "2026.07"


def _anzahl(engine, modell) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(modell))


def _audit(engine, aktion: str, sender_id: str) -> list:
    """This conversation's audit entries of ``aktion`` (the trail outlives the tests)."""
    return [e for e in SqlRepository(engine).audit(aktion=aktion, limit=1000)
            if e.details.get("sender_id") == sender_id]


# --- conversations ---------------------------------------------------------------------------


def test_gespraech_beginnen_vergibt_eine_sender_id(engine):
    g = gespraech_beginnen(engine, "sc-demo")
    assert g.sender_id.startswith("konsole-") and len(g.sender_id) > len("konsole-") + 16
    assert g.login == "sc-demo" and g.kanal == "agent" and not g.beendet
    assert gespraech(engine, g.sender_id) == g
    assert gespraech(engine, "konsole-gibt-es-nicht") is None
    assert gespraech_beginnen(engine, "sc-demo").sender_id != g.sender_id
    [eintrag] = SqlRepository(engine).audit(aktion="gespraech_begonnen", objekt_id=str(g.id))
    assert eintrag.objekt_typ == "Gespraech" and eintrag.details["sender_id"] == g.sender_id
    assert eintrag.akteur == "sc-demo"


def test_gespraech_nur_fuer_bekannte_mitarbeiter(engine):
    with pytest.raises(ValueError, match="niemand"):
        gespraech_beginnen(engine, "niemand")
    assert _anzahl(engine, Gespraech) == 0


# --- ticking a Pflichthinweis ------------------------------------------------------------------


def test_unbekannter_hinweis_nennt_schritt_und_schluessel(engine, gespraech):
    with pytest.raises(ValueError, match=r"gibt_es_nicht.*3\.301\.6") as fehler:
        hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "gibt_es_nicht", "socl-demo")
    assert "frage_zustimmung" in str(fehler.value)  # the notices the step has
    # a text of the step that is no Pflichthinweis is refused as well
    with pytest.raises(ValueError, match=r"keine_zustimmung.*3\.301\.6"):
        hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "keine_zustimmung", "socl-demo")
    with pytest.raises(ValueError, match=r"9\.999\.9"):
        hinweis_bestaetigen(engine, gespraech.id, "9.999.9", "frage_zustimmung", "socl-demo")
    assert _anzahl(engine, HinweisBestaetigung) == 0


def test_hinweis_bestaetigen_ist_idempotent_und_auditiert(engine, gespraech):
    erst = hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung",
                               "socl-demo")
    noch = hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung",
                               "socl-demo", HEUTE)
    assert noch == erst
    assert (erst.leitfaden, erst.version, erst.schritt_id) == ("3.301", VERSION_3301, "3.301.6")
    assert _anzahl(engine, HinweisBestaetigung) == 1
    audit = _audit(engine, "hinweis_bestaetigt", gespraech.sender_id)
    assert len(audit) == 1
    assert audit[0].details["hinweis"] == "frage_zustimmung"
    assert audit[0].akteur == "socl-demo"


def test_hinweis_fuer_unbekanntes_gespraech(engine):
    with pytest.raises(GespraechUnbekannt):
        hinweis_bestaetigen(engine, 999_999, "3.301.6", "frage_zustimmung", "socl-demo")


# --- deviations --------------------------------------------------------------------------------


def test_nicht_abgehakter_hinweis_wird_genau_einmal_abweichung(engine, gespraech, bau):
    tracker = anna_bis_zustimmung(bau).json()
    neu = schritte_pruefen(engine, gespraech.id, tracker, "socl-demo", HEUTE)
    assert [(a.art, a.schritt_id, a.hinweis) for a in neu] == [
        ("hinweis_nicht_gegeben", "3.301.6", "frage_zustimmung")]
    a = neu[0]
    assert (a.leitfaden, a.version, a.login) == ("3.301", VERSION_3301, "socl-demo")
    assert "3.301.6 Zustimmung nicht als gegeben markiert" in a.beschreibung
    assert a.beschreibung.startswith("Pflichthinweis „Die Abschlagszahlung von …")
    # the next message: nothing new, still exactly one row and one audit entry
    assert schritte_pruefen(engine, gespraech.id, tracker, "socl-demo", HEUTE) == []
    assert _anzahl(engine, Abweichung) == 1
    [eintrag] = _audit(engine, "abweichung_erfasst", gespraech.sender_id)
    assert eintrag.objekt_typ == "Abweichung" and eintrag.objekt_id == str(a.id)
    assert eintrag.details["version"] == VERSION_3301


def test_abgehakter_hinweis_ist_keine_abweichung(engine, gespraech, bau):
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    tracker = anna_bis_zustimmung(bau).json()
    assert schritte_pruefen(engine, gespraech.id, tracker, "socl-demo", HEUTE) == []
    assert _anzahl(engine, Abweichung) == 0


def test_hinweis_eines_durchlaufenen_schritts_kann_noch_abgehakt_werden(engine, gespraech,
                                                                        bau):
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    t = anna_bis_zustimmung(bau)
    anna_ueberwiesen(t, ueberweisen(engine, gespraech.sender_id).bestaetigungsnummer)
    # 3.301.8 was passed within one turn; the employee ticks it before the next message
    hinweis_bestaetigen(engine, gespraech.id, "3.301.8", "kein_besuch", "socl-demo")
    assert schritte_pruefen(engine, gespraech.id, t.json(), "socl-demo", HEUTE) == []
    assert gespraech_beenden(engine, gespraech.id, t.json(), "socl-demo", HEUTE) == []
    assert protokoll(engine, gespraech.id).abweichungen == ()


def test_uebersprungener_schritt(engine, gespraech):
    t = TrackerBau(gespraech.sender_id)
    anna_bis_zustimmung(t)
    tracker = t.json()
    # the assistant went from the calculation straight to the consent: 3.301.5 skipped
    tracker["events"] = [e for e in tracker["events"]
                         if not (e.get("name") == "guide_step" and e.get("value") == "3.301.5")]
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    neu = schritte_pruefen(engine, gespraech.id, tracker, "socl-demo", HEUTE)
    assert [(a.art, a.schritt_id, a.hinweis) for a in neu] == [
        ("schritt_uebersprungen", "3.301.5", None)]
    assert neu[0].version == VERSION_3301
    assert "3.301.5 Bankverbindung übersprungen" in neu[0].beschreibung
    assert "von 3.301.4 Berechnung direkt nach 3.301.6 Zustimmung" in neu[0].beschreibung
    assert schritte_pruefen(engine, gespraech.id, tracker, "socl-demo", HEUTE) == []


def test_erlaubte_verzweigungen_sind_keine_abweichung(engine, gespraech, bau):
    # 3.000.4 -> 3.301.1 (other guide) and 3.301.8 -> 3.000.7 are the guide's own ways
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    hinweis_bestaetigen(engine, gespraech.id, "3.301.8", "kein_besuch", "socl-demo")
    t = anna_ueberwiesen(anna_bis_zustimmung(bau), "AB-2026-000001")
    assert schritte_pruefen(engine, gespraech.id, t.json(), "socl-demo", HEUTE) == []


def test_sprung_zurueck_ist_nicht_vorgesehen(engine, gespraech, bau):
    bau.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    bau.nutzer("Kunde will online etwas erledigen").schritt("3.000.2", "anliegen_online")
    bau.schritt("3.000.5", "online_kunde").schritt("3.000.6", "frage_bedarf")
    bau.nutzer("Legitimation bitte").schritt("3.000.4", "frage_kundennummer")
    neu = schritte_pruefen(engine, gespraech.id, bau.json(), "sc-demo", HEUTE)
    assert [(a.art, a.schritt_id) for a in neu] == [("schritt_uebersprungen", "3.000.4")]
    assert "3.000.6 Unterstützungsbedarf direkt nach 3.000.4 Legitimation" \
        in neu[0].beschreibung
    assert "nicht vorgesehen" in neu[0].beschreibung


def test_neustart_trennt_die_abschnitte(engine, gespraech, bau):
    bau.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    bau.nutzer("/restart", "restart")._ereignis({"event": "restart"})
    bau.nutzer("Kunde will online etwas erledigen").schritt("3.000.2", "anliegen_online")
    bau.schritt("3.000.5", "online_kunde")
    # 3.000.1 | 3.000.2 -> 3.000.5: no transition across the restart, none skipped
    assert schritte_pruefen(engine, gespraech.id, bau.json(), "sc-demo", HEUTE) == []


# --- the end of the call -------------------------------------------------------------------


def test_vorzeitig_beendet(engine, gespraech, bau):
    anna_bis_zustimmung(bau)
    bau.events = [e for e in bau.events if e.get("value") != "3.301.6"]
    bau.slots["guide_step"] = "3.301.5"
    neu = gespraech_beenden(engine, gespraech.id, bau.json(), "socl-demo", HEUTE)
    assert [(a.art, a.schritt_id) for a in neu] == [("vorzeitig_beendet", "3.301.5")]
    assert neu[0].version == VERSION_3301
    assert neu[0].beschreibung == ("Gespräch in Schritt 3.301.5 Bankverbindung beendet, ohne "
                                   "den Abschluss (3.000.7 Abschluss) zu erreichen")
    g = gespraech_nach_sender(engine, gespraech.sender_id)
    assert g.beendet and g.beendet_am is not None
    # idempotent: a second end records nothing and keeps the time
    assert gespraech_beenden(engine, gespraech.id, bau.json(), "socl-demo", HEUTE) == []
    assert gespraech_nach_sender(engine, gespraech.sender_id).beendet_am == g.beendet_am
    assert len(_audit(engine, "gespraech_beendet", gespraech.sender_id)) == 1
    with pytest.raises(GespraechBeendet):
        hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")


def gespraech_nach_sender(engine, sender_id):
    g = gespraech(engine, sender_id)
    assert g is not None
    return g


def test_abschluss_erreicht_ist_nicht_vorzeitig(engine, gespraech, bau):
    bau.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    bau.nutzer("Kunde will online etwas erledigen").schritt("3.000.2", "anliegen_online")
    bau.schritt("3.000.5", "online_kunde").schritt("3.000.6", "frage_bedarf")
    bau.nutzer("Nein danke", "deny").schritt("3.000.7", "frage_weiteres")
    bau.nutzer("Nein", "deny").schritt("3.000.7", "verabschiedung")
    assert gespraech_beenden(engine, gespraech.id, bau.json(), "sc-demo", HEUTE) == []
    assert gespraech_nach_sender(engine, gespraech.sender_id).beendet


def test_abschluss_schritte_kommen_aus_den_leitfaeden(engine, gespraech, bau):
    # GLF 1.000 closes in 1.000.6: ending in 1.000.4 names it
    bau.nutzer('/einsatz_agentur{"dienststelle": "nuernberg-mitte"}')
    bau.schritt("1.000.1", "begruessung", dienststelle="nuernberg-mitte")
    bau.nutzer("Kundin möchte einen Abschlag", "request_advance_payment")
    bau.schritt("1.000.4", "abschlag")
    neu = gespraech_beenden(engine, gespraech.id, bau.json(), "sc-demo", HEUTE)
    assert [(a.art, a.leitfaden, a.schritt_id) for a in neu] == [
        ("vorzeitig_beendet", "1.000", "1.000.4")]
    assert "(1.000.6 Abschluss)" in neu[0].beschreibung
    assert neu[0].version == library().in_force("1.000", HEUTE).version


def test_protokoll_in_zeitlicher_reihenfolge(engine, gespraech, bau):
    tracker = anna_bis_zustimmung(bau).json()
    schritte_pruefen(engine, gespraech.id, tracker, "socl-demo", HEUTE)
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    gespraech_beenden(engine, gespraech.id, tracker, "socl-demo", HEUTE)
    p = protokoll(engine, gespraech.id)
    assert [e.als_dict()["art"] for e in p.eintraege] == [
        "hinweis_nicht_gegeben", "hinweis_bestaetigt", "vorzeitig_beendet"]
    daten = p.als_dict()
    assert daten["gespraech"]["beendet"] is True
    assert [e["schritt"] for e in daten["eintraege"]] == ["3.301.6", "3.301.6", "3.301.6"]
    zeiten = [e.zeitpunkt for e in p.eintraege]
    assert zeiten == sorted(zeiten)
    with pytest.raises(GespraechUnbekannt):
        protokoll(engine, 999_999)
