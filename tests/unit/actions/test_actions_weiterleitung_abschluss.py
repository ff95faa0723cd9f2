"""GLF 3.000.2 Webauftrag and 3.000.7 closing: messages and the stored contact notes."""

from __future__ import annotations

import pytest

from actions.glf3000 import ActionAbschlussFrage, ActionVerabschiedung, ActionWeiterleitung
from leitfaden.gespraech import klartext


def _schritt(ergebnis, schritt, weiter, frage=None) -> None:
    assert ergebnis.slot("guide") == "3.000"
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") == frage


# --- 3.000.2 Webauftrag ----------------------------------------------------------------------


@pytest.fixture
def weiterleiten(tracker, ausfuehren, store):
    def run(slots, *, kanal="rest", sender_id="gespraech-webauftrag"):
        alle = {"rolle": "kunde", "legitimation": "erfolgreich", "kundennummer": "123A456789",
                "kunde_name": "Anna Schmidt", "geburtsdatum": "1985-03-14",
                "anliegen": "abschlag", "guide_step": "3.000.4", "weiter": "3.000.2"}
        alle.update(slots)
        return ausfuehren(ActionWeiterleitung(), tracker(
            slots=alle, kanal=kanal, sender_id=sender_id,
            latest_action_name="action_glf3000_legitimation_pruefen"))

    return run


@pytest.mark.parametrize("anliegen", ["abschlag", "zahlung", "termin"])
def test_webauftrag_an_backoffice(weiterleiten, store, text_von, anliegen):
    ergebnis = weiterleiten({"anliegen": anliegen})

    assert ergebnis.keys == ["weiterleitung"]
    assert ergebnis.texte == [text_von("3.000.2", "weiterleitung", vermerk_nr=0)]
    assert "an die zuständige Fachabteilung weitergegeben" in ergebnis.texte[0]
    assert "ein Besuch in der Agentur ist dafür nicht nötig" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.000.2", "3.000.5")

    (vermerk,) = store.vermerke(conversation_id="gespraech-webauftrag")
    assert vermerk.text == f"Webauftrag an Backoffice der zuständigen Agentur: Anliegen {anliegen}"
    assert vermerk.kundennummer == "123A456789"
    assert vermerk.guide == "3.000"
    assert vermerk.guide_step == "3.000.2"
    assert vermerk.anliegen == anliegen
    assert vermerk.created_by == "leitfaden:kunde"
    assert vermerk.demo is True
    assert store.vermerke(kundennummer="123A456789") == [vermerk]


def test_webauftrag_im_agent_kanal_nennt_vermerknummer(weiterleiten, store, text_von):
    ergebnis = weiterleiten({}, kanal="agent")

    (vermerk,) = store.vermerke(conversation_id="gespraech-webauftrag")
    assert ergebnis.texte == [text_von("3.000.2", "weiterleitung", "agent", vermerk_nr=vermerk.id)]
    assert ergebnis.texte[0].startswith(
        f"Webauftrag an das zuständige Backoffice ist angelegt (Vermerk {vermerk.id}).")
    ergebnis.pruefe_evidenz("agent")
    assert vermerk.created_by == "leitfaden:agent"


@pytest.mark.parametrize(("kanal", "wording", "phrase"), [
    ("rest", "kunde", "an das zuständige Team weitergegeben"),
    ("agent", "agent", "Schutzkennzeichen M: Webauftrag an das Team für geschützte Datensätze"),
])
def test_webauftrag_schutzkennzeichen_m(weiterleiten, store, text_von, kanal, wording, phrase):
    ergebnis = weiterleiten({"legitimation": "schutzkennzeichen_m", "kundennummer": "456D789012",
                             "kunde_name": "Thomas Becker", "geburtsdatum": "1990-01-30",
                             "anliegen": "zahlung"}, kanal=kanal)

    (vermerk,) = store.vermerke(conversation_id="gespraech-webauftrag")
    assert ergebnis.keys == ["weiterleitung_schutz"]
    assert ergebnis.texte == [text_von("3.000.2", "weiterleitung_schutz", wording,
                                       vermerk_nr=vermerk.id)]
    assert phrase in ergebnis.texte[0]
    for geheim in ("Thomas", "Becker", "456D789012", "456D"):
        assert geheim not in ergebnis.alles
    ergebnis.pruefe_evidenz(wording)
    _schritt(ergebnis, "3.000.2", "3.000.5")
    assert vermerk.text == "Webauftrag an Team für geschützte Datensätze: Anliegen zahlung"
    assert vermerk.kundennummer == "456D789012"
    assert vermerk.anliegen == "zahlung"


def test_webauftrag_ohne_kundennummer(weiterleiten, store):
    weiterleiten({"kundennummer": None, "legitimation": None, "anliegen": "termin"},
                 sender_id="ohne-nummer")
    (vermerk,) = store.vermerke(conversation_id="ohne-nummer")
    assert vermerk.kundennummer is None
    assert vermerk.demo is False
    assert store.vermerke(conversation_id="gespraech-webauftrag") == []


def test_weiterleitung_name():
    assert ActionWeiterleitung().name() == "action_glf3000_weiterleitung"


# --- 3.000.7 Abschluss: question ----------------------------------------------------------------


@pytest.mark.parametrize(("kanal", "wording"), [("rest", "kunde"), ("agent", "agent"),
                                                ("twilio_voice", "telefon")])
def test_abschluss_frage(tracker, ausfuehren, text_von, kanal, wording):
    ergebnis = ausfuehren(ActionAbschlussFrage(), tracker(
        intent="deny", text="Nein", kanal=kanal,
        slots={"guide_step": "3.000.6", "offene_frage": "unterstuetzung"}))

    assert ergebnis.keys == ["frage_weiteres"]
    assert ergebnis.texte == [text_von("3.000.7", "frage_weiteres", wording)]
    assert ergebnis.texte == ["Kann ich sonst noch etwas für Sie tun?"]
    assert ergebnis.knoepfe("frage_weiteres") == [("Ja", "/affirm"), ("Nein, danke", "/deny")]
    ergebnis.pruefe_evidenz(wording)
    _schritt(ergebnis, "3.000.7", None, "weiteres")
    assert ActionAbschlussFrage().name() == "action_glf3000_abschluss_frage"


# --- 3.000.7 Verabschiedung and Gesprächsvermerk ------------------------------------------


@pytest.fixture
def verabschieden(tracker, ausfuehren, store):
    def run(slots, *, kanal="rest", sender_id="gespraech-ende", intent="deny"):
        alle = {"guide": "3.000", "guide_step": "3.000.7", "offene_frage": "weiteres"}
        alle.update(slots)
        return ausfuehren(ActionVerabschiedung(), tracker(
            slots=alle, kanal=kanal, sender_id=sender_id, intent=intent, text="Nein, danke"))

    return run


@pytest.mark.parametrize(("kanal", "wording", "phrase", "von"), [
    ("rest", "kunde", "Vielen Dank für Ihre Nachricht.", "leitfaden:kunde"),
    ("agent", "agent", "Der Gesprächsvermerk ist gespeichert.", "leitfaden:agent"),
    ("twilio_voice", "telefon", "Vielen Dank für Ihren Anruf. Auf Wiederhören!",
     "leitfaden:telefon"),
])
def test_verabschiedung_je_kanal(verabschieden, store, text_von, kanal, wording, phrase, von):
    ergebnis = verabschieden({"anliegen": "abschlag", "rolle": "kunde",
                              "legitimation": "erfolgreich", "kundennummer": "123A456789"},
                             kanal=kanal)

    assert ergebnis.keys == ["verabschiedung"]
    assert ergebnis.texte == [text_von("3.000.7", "verabschiedung", wording)]
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz(wording)
    _schritt(ergebnis, "3.000.7", None, None)

    (vermerk,) = store.vermerke(conversation_id="gespraech-ende")
    assert vermerk.text == text_von("3.000.7", "vermerk", anliegen=klartext("abschlag"),
                                    rolle="Kundin/Kunde selbst", legitimation="erfolgreich",
                                    ergebnis="keine Unterstützungsangebote erfragt")
    assert vermerk.text == (f"GLF 3.000: Anliegen {klartext('abschlag')}; anrufende Person "
                            "Kundin/Kunde selbst; Legitimation erfolgreich; "
                            "keine Unterstützungsangebote erfragt")
    assert vermerk.created_by == von
    assert vermerk.guide == "3.000"
    assert vermerk.guide_step == "3.000.7"
    assert vermerk.anliegen == "abschlag"
    assert vermerk.kundennummer == "123A456789"


@pytest.mark.parametrize(("slots", "teile"), [
    ({"anliegen": "online", "rolle": "dritte", "angebote_genannt": True},
     [f"Anliegen {klartext('online')};", "anrufende Person dritte Person ohne Vollmacht",
      "Legitimation nicht erfasst", "Unterstützungsangebote genannt"]),
    ({"anliegen": "vero", "rolle": "bevollmaechtigt", "legitimation": "erfolgreich",
      "kundennummer": "678F901234"},
     [f"Anliegen {klartext('vero')};", "anrufende Person bevollmächtigte Person",
      "Legitimation erfolgreich"]),
    ({"anliegen": "zahlung", "rolle": "kunde", "legitimation": "schutzkennzeichen_m",
      "kundennummer": "456D789012"},
     [f"Anliegen {klartext('zahlung')};", "Legitimation Schutzkennzeichen M"]),
    ({"anliegen": "abschlag", "rolle": "kunde", "legitimation": "gesperrt"},
     ["Legitimation nach 3 Versuchen gescheitert", "keine Unterstützungsangebote erfragt"]),
    ({"anliegen": "abschlag", "rolle": "dritte", "legitimation": "keine_vollmacht"},
     ["Legitimation keine Vollmacht hinterlegt"]),
    ({}, ["Anliegen nicht erfasst", "anrufende Person nicht erfasst",
          "Legitimation nicht erfasst", "keine Unterstützungsangebote erfragt"]),
])
def test_vermerk_nennt_anliegen_rolle_legitimation(verabschieden, store, slots, teile):
    verabschieden(slots)

    (vermerk,) = store.vermerke(conversation_id="gespraech-ende")
    assert vermerk.text.startswith("GLF 3.000: ")
    for teil in teile:
        assert teil in vermerk.text
    assert vermerk.anliegen == slots.get("anliegen")
    assert vermerk.kundennummer == slots.get("kundennummer")


def test_vermerk_im_aktuellen_leitfaden(verabschieden, store):
    verabschieden({"guide": "3.301", "anliegen": "abschlag"}, intent="goodbye")
    (vermerk,) = store.vermerke(conversation_id="gespraech-ende")
    assert vermerk.guide == "3.301"
    assert vermerk.guide_step == "3.000.7"


def test_vermerk_ohne_guide_slot(verabschieden, store):
    verabschieden({"guide": None, "guide_step": None})
    (vermerk,) = store.vermerke(conversation_id="gespraech-ende")
    assert vermerk.guide == "3.000"


def test_zwei_gespraeche_getrennte_vermerke(verabschieden, store):
    verabschieden({"anliegen": "online"}, sender_id="a")
    verabschieden({"anliegen": "termin"}, sender_id="b")
    assert [v.anliegen for v in store.vermerke(conversation_id="a")] == ["online"]
    assert [v.anliegen for v in store.vermerke(conversation_id="b")] == ["termin"]


def test_verabschiedung_name():
    assert ActionVerabschiedung().name() == "action_glf3000_verabschiedung"
