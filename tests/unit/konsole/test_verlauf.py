"""Reading the tracker JSON: visited steps, undone events, restarts, checklist table."""

from __future__ import annotations

from konsole_hilfen import TrackerBau

from leitfaden.konsole.checkliste import CHECKLISTE, checkliste
from leitfaden.konsole.verlauf import Verlauf


def _verlauf(t: TrackerBau) -> Verlauf:
    return Verlauf.aus_tracker(t.json())


def test_leerer_tracker():
    v = Verlauf.aus_tracker({})
    assert v.schritte == () and v.aktueller_schritt is None and v.besucht == ()
    assert v.vorheriger_schritt is None


def test_schritte_ohne_wiederholung():
    t = TrackerBau()
    t.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    t.nutzer("Abschlag").schritt("3.000.2", "anliegen_abschlag").schritt("3.000.3")
    t.nutzer("Kundin selbst").schritt("3.000.4").schritt("3.000.4").schritt("3.000.4")
    v = _verlauf(t)
    assert v.schritte == ("3.000.1", "3.000.2", "3.000.3", "3.000.4")
    assert v.aktueller_schritt == "3.000.4" and v.vorheriger_schritt == "3.000.3"


def test_zurueckgenommene_ereignisse_zaehlen_nicht():
    t = TrackerBau()
    t.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    t.nutzer("Unsinn").schritt("3.000.4", "frage_kundennummer")
    t._ereignis({"event": "rewind"})  # the message is reverted with what followed it
    t.nutzer("Abschlag").schritt("3.000.2", "anliegen_abschlag")
    t.schritt("3.000.5", "online_kunde")
    t._ereignis({"event": "undo"})  # the last action is reverted
    assert _verlauf(t).schritte == ("3.000.1", "3.000.2")


def test_neustart_beginnt_einen_neuen_abschnitt():
    t = TrackerBau()
    t.nutzer("/greet", "greet").schritt("3.000.1", "begruessung").schritt("3.000.2")
    t._ereignis({"event": "restart"})
    t.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    v = _verlauf(t)
    assert v.schritte == ("3.000.1",)
    assert v.alle_segmente[-2:] == (("3.000.1", "3.000.2"), ("3.000.1",))
    assert v.besucht == ("3.000.1", "3.000.2")


def test_seit_besuch():
    t = TrackerBau()
    t.schritt("3.000.6", "frage_bedarf").setze(standort="90402")
    t.schritt("3.000.7", "frage_weiteres").schritt("3.000.6", "frage_bedarf")
    ereignisse = _verlauf(t).seit_besuch("3.000.6")
    assert not any(e.get("name") == "standort" for e in ereignisse)
    assert _verlauf(t).seit_besuch("1.000.3") == ()


def test_checkliste_ist_eine_tabelle_je_leitfaden():
    assert {p.leitfaden for p in CHECKLISTE} == {"3.000", "3.301", "1.000"}
    for nummer in ("3.000", "3.301", "1.000"):
        texte = [p.text for p in CHECKLISTE if p.leitfaden == nummer]
        assert len(texte) == len(set(texte)), nummer
    assert [text for text, _ in checkliste("3.301", Verlauf.aus_tracker({}))][:2] == [
        "Legitimation erfolgreich", "Leistungsstatus geprüft"]


def test_gesprachsvermerk_nach_der_verabschiedung():
    t = TrackerBau()
    t.schritt("3.000.7", "frage_weiteres")
    assert dict(checkliste("3.000", _verlauf(t)))["Gesprächsvermerk gespeichert"] is False
    t.nutzer("Nein", "deny").schritt("3.000.7", "verabschiedung",
                                      aktion="action_glf3000_verabschiedung")
    assert dict(checkliste("3.000", _verlauf(t)))["Gesprächsvermerk gespeichert"] is True
