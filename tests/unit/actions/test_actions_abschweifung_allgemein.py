"""Digressions (answer, then the open question again) and what every guide action shares."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import ActionExecutor

from actions.common import KANAL_NACH_EINGANG, START_SCHRITT, guide_of, kanal
from actions.digression import (
    OFFENE_FRAGEN,
    OFFENE_FRAGEN_1000,
    ActionAntwortBotFrage,
    ActionAntwortDanke,
    ActionAntwortMensch,
    ActionAntwortNichtVerstanden,
    ActionAntwortNichtZustaendig,
)
from actions.glf3000 import ActionBegruessung, ActionVerabschiedung

ABSCHWEIFUNGEN = [
    (ActionAntwortBotFrage, "action_antwort_bot_frage", "bot_frage", "bot_challenge",
     "Ich bin ein digitaler Assistent der Bundesagentur für Arbeit"),
    (ActionAntwortMensch, "action_antwort_mensch", "mensch_gewuenscht", "human_handoff",
     "0800 4 5555 00"),
    (ActionAntwortDanke, "action_antwort_danke", "danke", "thank", "Gern geschehen."),
    (ActionAntwortNichtZustaendig, "action_antwort_nicht_zustaendig", "nicht_zustaendig",
     "out_of_scope", "Dabei kann ich Ihnen leider nicht helfen."),
    (ActionAntwortNichtVerstanden, "action_antwort_nicht_verstanden", "nicht_verstanden",
     "nlu_fallback", "Das habe ich leider nicht verstanden."),
]
FRAGEN = [
    ("anliegen", "3.000.2", "anliegen_frage", "Worum geht es bei Ihrem Anliegen?"),
    ("rolle", "3.000.3", "frage_rolle", "Rufen Sie für sich selbst an"),
    ("unterstuetzung", "3.000.6", "frage_bedarf", "Brauchen Sie Unterstützung"),
    ("weiteres", "3.000.7", "frage_weiteres", "Kann ich sonst noch etwas für Sie tun?"),
]


def _slots(ergebnis, schritt, frage) -> None:
    assert ergebnis.slot("guide") == "3.000"
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") is None
    assert ergebnis.slot("offene_frage") == frage


# --- answer, then ask again ----------------------------------------------------------------


def test_offene_fragen_passen_zum_slot(domain):
    """Every open question is asked again in its guide, except those whose wording names
    figures (appointment date, IBAN ending, amount): they stay open and are answered yes/no."""
    werte = set(domain["slots"]["offene_frage"]["values"])
    mit_zahlen = {"termin", "konto", "zustimmung"}
    assert set(OFFENE_FRAGEN) | set(OFFENE_FRAGEN_1000) | mit_zahlen == werte
    assert set(OFFENE_FRAGEN_1000) == {"anliegen", "vollmacht", "unterstuetzung", "weiteres"}
    assert all(schritt.startswith("1.000.") for schritt, _ in OFFENE_FRAGEN_1000.values())


@pytest.mark.parametrize(("action", "name", "key", "intent", "phrase"), ABSCHWEIFUNGEN)
@pytest.mark.parametrize(("frage", "schritt", "frage_key", "frage_phrase"), FRAGEN)
def test_abschweifung_fragt_offene_frage_erneut(tracker, ausfuehren, text_von, action, name, key,
                                               intent, phrase, frage, schritt, frage_key,
                                               frage_phrase):
    ergebnis = ausfuehren(action(), tracker(
        intent=intent, text="Bin ich mit einem Bot verbunden?",
        slots={"offene_frage": frage, "guide_step": schritt, "guide": "3.000"}))

    assert action().name() == name
    assert ergebnis.keys == [key, frage_key]
    assert ergebnis.texte == [text_von(schritt, key), text_von(schritt, frage_key)]
    assert phrase in ergebnis.texte[0]
    assert frage_phrase in ergebnis.texte[1]
    ergebnis.pruefe_evidenz()
    assert [m["leitfaden"]["guide_step"] for m in ergebnis.nachrichten] == [schritt, schritt]
    assert ergebnis.nachricht(frage_key)["buttons"]  # the question keeps its buttons
    _slots(ergebnis, schritt, frage)


@pytest.mark.parametrize(("frage", "schritt_vorher", "schritt", "frage_key"), [
    ("anliegen", "3.000.1", "3.000.2", "anliegen_frage"),
    ("rolle", "3.000.2", "3.000.3", "frage_rolle"),
    ("unterstuetzung", "3.000.5", "3.000.6", "frage_bedarf"),
])
def test_frage_wird_im_schritt_der_frage_gestellt(tracker, ausfuehren, frage, schritt_vorher,
                                                  schritt, frage_key):
    """The general wording carries the current step; the question moves to its own step."""
    ergebnis = ausfuehren(ActionAntwortBotFrage(), tracker(
        intent="bot_challenge", slots={"offene_frage": frage, "guide_step": schritt_vorher}))

    assert [m["leitfaden"]["guide_step"] for m in ergebnis.nachrichten] == [schritt_vorher,
                                                                           schritt]
    assert ergebnis.keys == ["bot_frage", frage_key]
    ergebnis.pruefe_evidenz()
    _slots(ergebnis, schritt, frage)


@pytest.mark.parametrize(("action", "name", "key", "intent", "phrase"), ABSCHWEIFUNGEN)
def test_abschweifung_zu_beginn_fragt_nach_dem_anliegen(tracker, ausfuehren, text_von, action,
                                                       name, key, intent, phrase):
    ergebnis = ausfuehren(action(), tracker(intent=intent, text="Hallo?"))

    assert ergebnis.keys == [key, "anliegen_frage"]
    assert ergebnis.texte[0] == text_von(START_SCHRITT, key)
    assert ergebnis.nachrichten[0]["leitfaden"]["guide_step"] == "3.000.1"
    assert ergebnis.nachrichten[1]["leitfaden"]["guide_step"] == "3.000.2"
    ergebnis.pruefe_evidenz()
    _slots(ergebnis, "3.000.2", "anliegen")


@pytest.mark.parametrize(("action", "name", "key", "intent", "phrase"), ABSCHWEIFUNGEN)
@pytest.mark.parametrize("schritt", ["3.000.4", "3.000.5", "3.000.7"])
def test_ohne_offene_frage_nur_die_antwort(tracker, ausfuehren, text_von, action, name, key,
                                          intent, phrase, schritt):
    ergebnis = ausfuehren(action(), tracker(
        intent=intent, slots={"offene_frage": None, "guide_step": schritt}))

    assert ergebnis.keys == [key]
    assert ergebnis.texte == [text_von(schritt, key)]
    ergebnis.pruefe_evidenz()
    _slots(ergebnis, schritt, None)


@pytest.mark.parametrize(("kanal_name", "wording", "phrase"), [
    ("rest", "kunde", "kostenfrei unter 0800 4 5555 00"),
    ("twilio_voice", "telefon", "kostenfrei unter 0800 4 5555 00"),
    ("agent", "agent", "Sie sprechen bereits persönlich mit ihr. Fahren Sie im Leitfaden fort."),
])
def test_mensch_gewuenscht_je_kanal(tracker, ausfuehren, text_von, kanal_name, wording, phrase):
    ergebnis = ausfuehren(ActionAntwortMensch(), tracker(
        intent="human_handoff", kanal=kanal_name,
        slots={"offene_frage": "rolle", "guide_step": "3.000.3"}))

    assert ergebnis.texte[0] == text_von("3.000.3", "mensch_gewuenscht", wording)
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz(wording)
    assert ergebnis.keys == ["mensch_gewuenscht", "frage_rolle"]


# --- inside a form: answer only, the form asks again ----------------------------------------


@pytest.mark.parametrize(("action", "name", "key", "intent", "phrase"), ABSCHWEIFUNGEN)
@pytest.mark.parametrize(("form", "schritt", "requested", "frage"), [
    ("legitimation_form", "3.000.4", "kundennummer", None),
    ("legitimation_form", "3.000.4", "geburtsdatum", "anliegen"),
    ("unterstuetzung_form", "3.000.6", "standort", "unterstuetzung"),
])
def test_in_der_form_wird_keine_frage_wiederholt(tracker, ausfuehren, text_von, action, name,
                                                 key, intent, phrase, form, schritt, requested,
                                                 frage):
    ergebnis = ausfuehren(action(), tracker(
        intent=intent, text="Bist du ein Bot?", active_loop=form,
        slots={"offene_frage": frage, "guide_step": schritt, "requested_slot": requested}))

    assert ergebnis.keys == [key]
    assert ergebnis.texte == [text_von(schritt, key)]
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") is None
    assert not ergebnis.setzt("requested_slot")
    assert not ergebnis.setzt("anliegen")


def test_in_der_form_bleibt_die_offene_frage(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAntwortBotFrage(), tracker(
        intent="bot_challenge", active_loop="unterstuetzung_form",
        slots={"offene_frage": "unterstuetzung", "guide_step": "3.000.6",
               "requested_slot": "standort"}))
    assert ergebnis.slot("offene_frage") == "unterstuetzung"


# --- shared behaviour ----------------------------------------------------------------------------


@pytest.mark.parametrize(("eingang", "erwartet"), [
    ("rest", "kunde"), ("socketio", "kunde"), (None, "kunde"), ("agent", "agent"),
    ("twilio_voice", "telefon"),
])
def test_kanal_aus_dem_letzten_user_event(tracker, eingang, erwartet):
    assert kanal(tracker(kanal=eingang)) == erwartet
    assert KANAL_NACH_EINGANG.get(eingang or "", "kunde") == erwartet


def test_guide_of():
    assert guide_of("3.000.4") == "3.000"
    assert guide_of("3.301.10") == "3.301"


def test_kein_gueltiger_leitfaden_am_tag(tracker, ausfuehren, monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-01-02")  # before GLF 3.000 came into force
    ergebnis = ausfuehren(ActionBegruessung(), tracker(intent="greet"))

    assert ergebnis.texte == ["Für diesen Schritt liegt kein gültiger Leitfaden-Text vor. "
                              "Bitte wenden Sie sich an die Leitung."]
    assert "leitfaden" not in ergebnis.nachrichten[0]
    assert ergebnis.events == [{"event": "slot", "timestamp": None, "name": "weiter",
                                "value": None}]


def test_ohne_leitfaden_kein_vermerk(tracker, ausfuehren, store, monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-01-02")
    ergebnis = ausfuehren(ActionVerabschiedung(), tracker(
        intent="goodbye", sender_id="ohne-leitfaden", slots={"anliegen": "online"}))

    assert ergebnis.slots == {"weiter": None}
    assert store.vermerke(conversation_id="ohne-leitfaden") == []


def test_jede_aktion_der_domain_ist_registriert(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    registriert = set(executor.actions)
    erwartet = set(domain["actions"])
    assert erwartet <= registriert
    assert {n for n in registriert if n.startswith(("action_", "validate_"))} <= erwartet


def test_jede_aktion_steht_in_ihrem_leitfadenschritt(domain, heute):
    """Every step action of domain.yml is listed in the ``aktionen`` of a guide in force."""
    from leitfaden.guides import library

    im_leitfaden = {a for nummer in ("3.000", "1.000", "3.301")
                    for s in library().in_force(nummer, heute).schritte for a in s.aktionen}
    step_actions = {a for a in domain["actions"] if not a.startswith("action_antwort_")}
    assert step_actions <= im_leitfaden


def test_zu_lange_nachricht_bittet_um_zusammenfassung(tracker, ausfuehren, text_von):
    """A message the server shortened (over 2000 characters) is not "not understood"."""
    t = tracker(intent="nlu_fallback", text="x" * 200 + " […]",
                slots={"guide_step": "3.000.3", "offene_frage": "rolle"})
    t.latest_message["metadata"] = {"leitfaden_gekuerzt": 10_000}
    ergebnis = ausfuehren(ActionAntwortNichtVerstanden(), t)
    assert ergebnis.keys == ["nachricht_zu_lang", "frage_rolle"]
    assert ergebnis.texte[0] == text_von("3.000.3", "nachricht_zu_lang")
    assert "wenigen Sätzen" in ergebnis.texte[0]
