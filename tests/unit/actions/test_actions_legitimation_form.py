"""GLF 3.000.4: the legitimation form's validation action (through ``run``) and its questions.

rasa-sdk 3.x never calls an overridden ``validate()`` of a ``FormValidationAction``; the
action server calls ``run()``, which extracts (``extract_*``) and validates (``validate_*``).
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.legitimation import (
    ActionAskGeburtsdatum,
    ActionAskKundeName,
    ActionAskKundennummer,
    ActionAskVertreterName,
    ValidateLegitimationForm,
)

FORM = "legitimation_form"
KUNDE_SLOTS = ["kundennummer", "kunde_name", "geburtsdatum"]
VERTRETER_SLOTS = ["vertreter_name", "kundennummer", "geburtsdatum"]


@pytest.fixture
def form_tracker(tracker):
    """A tracker inside the active legitimation form, asking for ``requested_slot``."""

    def bauen(requested_slot, *, text="", intent="inform", entities=None, slots=None,
              kanal="rest"):
        alle = {"requested_slot": requested_slot, "anliegen": "abschlag", "rolle": "kunde",
                "guide": "3.000", "guide_step": "3.000.4"}
        alle.update(slots or {})
        return tracker(slots=alle, intent=intent, text=text, entities=entities, kanal=kanal,
                       active_loop=FORM, latest_action_name="action_listen")

    return bauen


def _required(tracker, domain):
    action = ValidateLegitimationForm()
    return asyncio.run(action.required_slots(
        action.domain_slots(domain), CollectingDispatcher(), tracker, domain))


def _form_slots(ergebnis):
    return {k: v for k, v in ergebnis.slots.items() if k not in ("guide", "guide_step")}


def _guide_slots(ergebnis):
    assert ergebnis.events[-2:] == [
        {"event": "slot", "timestamp": None, "name": "guide", "value": "3.000"},
        {"event": "slot", "timestamp": None, "name": "guide_step", "value": "3.000.4"},
    ]


# --- required slots ---------------------------------------------------------------------------


def test_name_und_domain_slots(domain):
    action = ValidateLegitimationForm()
    assert action.name() == "validate_legitimation_form"
    assert action.form_name() == FORM
    assert action.domain_slots(domain) == KUNDE_SLOTS


@pytest.mark.parametrize(("rolle", "erwartet"), [
    ("kunde", KUNDE_SLOTS), (None, KUNDE_SLOTS), ("dritte", KUNDE_SLOTS),
    ("bevollmaechtigt", VERTRETER_SLOTS),
])
def test_required_slots_kunde_oder_vertreter(form_tracker, domain, rolle, erwartet):
    assert _required(form_tracker("kundennummer", slots={"rolle": rolle}), domain) == erwartet


# --- extraction and validation: customer ------------------------------------------------------


@pytest.mark.parametrize(("text", "erwartet"), [
    ("123A456789", "123A456789"),
    ("123 a 456789", "123A456789"),
    ("Meine Kundennummer ist 123-A-456789, danke", "123A456789"),
    ("KdNr 789g012345", "789G012345"),
])
def test_kundennummer_aus_antworttext(form_tracker, ausfuehren, text, erwartet):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker("kundennummer", text=text))

    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {"kundennummer": erwartet}
    _guide_slots(ergebnis)


def test_kundennummer_aus_entity_auch_ohne_offene_frage(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "geburtsdatum", text="KdNr 123A456789, geb. 14.03.1985", intent="inform",
        entities={"kundennummer": "123A456789", "geburtsdatum": "14.03.1985"}))

    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {"kundennummer": "123A456789", "geburtsdatum": "1985-03-14"}


def test_in_langer_nachricht_gilt_die_name_entity(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text="Guten Tag, am Telefon ist die Kundin Anna Schmidt aus Nürnberg",
        entities={"name": "Anna Schmidt"}))
    assert _form_slots(ergebnis) == {"kunde_name": "Anna Schmidt"}


def test_zerteilte_name_entity_wird_zusammengesetzt(form_tracker, ausfuehren):
    text = "Am Telefon ist der Kunde Thomas Becker aus Köln, er fragt nach Geld"
    teile = [{"entity": "name", "value": "Becker", "start": text.index("Becker")},
             {"entity": "name", "value": "Thomas", "start": text.index("Thomas")}]
    ergebnis = ausfuehren(ValidateLegitimationForm(),
                          form_tracker("kunde_name", text=text, entities=teile))
    assert _form_slots(ergebnis) == {"kunde_name": "Thomas Becker"}


def test_name_entity_ohne_offene_namensfrage(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kundennummer", text="Anna Schmidt, KdNr 123A456789",
        entities={"name": "Anna Schmidt", "kundennummer": "123A456789"}))
    assert _form_slots(ergebnis) == {"kundennummer": "123A456789", "kunde_name": "Anna Schmidt"}


@pytest.mark.parametrize(("text", "entities", "erwartet"), [
    ("Thomas Becker", {"name": "Thomas"}, "Thomas Becker"),  # short answer taken whole
    ("ich heiße anna schmidt", None, "Anna Schmidt"),
])
def test_kurze_antwort_auf_die_namensfrage(form_tracker, ausfuehren, text, entities, erwartet):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text=text, entities=entities))
    assert _form_slots(ergebnis) == {"kunde_name": erwartet}


@pytest.mark.parametrize("slots", [
    {"rolle": "kunde"},
    {"rolle": "bevollmaechtigt"},
])
def test_nach_fehlversuch_wird_die_letzte_nachricht_nicht_erneut_verwendet(
        tracker, ausfuehren, slots):
    """The form restarts right after a failed check: the old answer must not refill a slot."""
    ergebnis = ausfuehren(ValidateLegitimationForm(), tracker(
        slots={**slots, "requested_slot": "geburtsdatum", "kundennummer": None,
               "kunde_name": None, "geburtsdatum": None, "legitimation": "wiederholen"},
        intent="inform", text="Thomas Becker 456D789012 30.01.1990",
        entities={"kundennummer": "456D789012", "geburtsdatum": "30.01.1990",
                  "name": "Thomas Becker"},
        active_loop=FORM,
        actions_seit_user=("legitimation_form", "action_glf3000_legitimation_pruefen"),
        latest_action_name=FORM))

    assert ergebnis.nachrichten == []
    assert {k: v for k, v in _form_slots(ergebnis).items() if k != "requested_slot"} == {}


@pytest.mark.parametrize(("slot", "text", "erwartet"), [
    ("kunde_name", "Ich heiße Anna Schmidt.", "Anna Schmidt"),
    ("kunde_name", "schmidt, anna", "Anna Schmidt"),
    ("geburtsdatum", "14.3.85", "1985-03-14"),
    ("geburtsdatum", "geboren am 14. März 1985", "1985-03-14"),
    ("geburtsdatum", "1985-03-14", "1985-03-14"),
])
def test_antworttext_wird_normalisiert(form_tracker, ausfuehren, slot, text, erwartet):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(slot, text=text))

    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {slot: erwartet}
    _guide_slots(ergebnis)


def test_kunde_ohne_requested_slot_event(form_tracker, ausfuehren):
    """Customer: required slots as in domain.yml, so Rasa chooses the next question itself."""
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "geburtsdatum", text="14.03.1985",
        slots={"kundennummer": "123A456789", "kunde_name": "Anna Schmidt"}))
    assert "requested_slot" not in ergebnis.gesetzte_slots
    assert _form_slots(ergebnis) == {"geburtsdatum": "1985-03-14"}


@pytest.mark.parametrize("intent", [
    "bot_challenge", "human_handoff", "out_of_scope", "thank", "goodbye", "greet", "nlu_fallback",
])
@pytest.mark.parametrize("slot", KUNDE_SLOTS)
def test_abschweifung_ist_keine_antwort(form_tracker, ausfuehren, intent, slot):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        slot, intent=intent, text="Bin ich mit einem Bot verbunden? 123A456789 14.03.1985"))

    assert ergebnis.nachrichten == []
    # no slot event at all: Rasa's form then rejects, and the digression rule answers
    assert ergebnis.events == []


@pytest.mark.parametrize("text", ["", "   ", '/inform{"rolle": "kunde"}', "/affirm"])
def test_leere_antwort_und_payload_sind_keine_antwort(form_tracker, ausfuehren, text):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker("kunde_name", text=text))
    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {}


def test_antwort_nur_fuer_die_offene_frage(form_tracker, ausfuehren):
    """Text answers fill only the slot asked for (other slots only from entities)."""
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text="Anna Schmidt"))
    assert _form_slots(ergebnis) == {"kunde_name": "Anna Schmidt"}


@pytest.mark.parametrize(("slot", "text", "meldung"), [
    ("kundennummer", "12345",
     "Die Kundennummer besteht aus 3 Ziffern, 1 Buchstaben und 6 Ziffern, "
     "zum Beispiel 123A456789."),
    ("kundennummer", "ABC1234567",
     "Die Kundennummer besteht aus 3 Ziffern, 1 Buchstaben und 6 Ziffern, "
     "zum Beispiel 123A456789."),
    ("geburtsdatum", "31.02.1985", "Den 31.02.1985 gibt es nicht."),
    ("geburtsdatum", "14.13.1985", "Einen Monat 13 gibt es nicht."),
    ("geburtsdatum", "01.01.2030", "Das Geburtsdatum 01.01.2030 liegt in der Zukunft."),
    ("geburtsdatum", "19.11.2026", "Das Geburtsdatum 19.11.2026 liegt in der Zukunft."),
    ("geburtsdatum", "irgendwann im Frühling",
     "Das Geburtsdatum „irgendwann im Frühling“ habe ich nicht verstanden. "
     "Bitte nennen Sie es so: Tag.Monat.Jahr, zum Beispiel 14.03.1985."),
    ("kunde_name", "Ich heiße", "Bitte nennen Sie Ihren Vor- und Nachnamen."),
    ("kunde_name", "äh ...", "Bitte nennen Sie Ihren Vor- und Nachnamen."),
    ("kunde_name", "Anna 123", "Ein Name enthält keine Ziffern."),
])
@pytest.mark.parametrize(("kanal", "wording"), [("rest", "kunde"), ("agent", "agent")])
def test_ungueltige_eingabe_wird_auf_deutsch_erklaert(
        form_tracker, ausfuehren, slot, text, meldung, kanal, wording):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(slot, text=text, kanal=kanal))

    assert ergebnis.keys == ["ungueltig"]
    assert ergebnis.texte == [meldung]
    ergebnis.pruefe_evidenz(wording)
    assert ergebnis.nachrichten[0]["leitfaden"]["guide_step"] == "3.000.4"
    assert _form_slots(ergebnis) == {slot: None}
    _guide_slots(ergebnis)


def test_leerer_name_aus_entity(form_tracker, ausfuehren):
    """An empty name entity falls back to the answer text, which is checked."""
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text="Frau", entities={"name": ""}))
    assert ergebnis.texte == ["Bitte nennen Sie Ihren Vor- und Nachnamen."]
    assert _form_slots(ergebnis) == {"kunde_name": None}


def test_mehrere_fehler_in_einer_nachricht(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text="Anna 1",
        entities={"kundennummer": "12A", "geburtsdatum": "31.02.1985"}))
    assert ergebnis.keys == ["ungueltig", "ungueltig", "ungueltig"]
    assert ergebnis.texte == [
        "Die Kundennummer besteht aus 3 Ziffern, 1 Buchstaben und 6 Ziffern, "
        "zum Beispiel 123A456789.",
        "Ein Name enthält keine Ziffern.",
        "Den 31.02.1985 gibt es nicht.",
    ]
    assert _form_slots(ergebnis) == {"kundennummer": None, "kunde_name": None,
                                     "geburtsdatum": None}


def test_vertreter_name_wird_beim_kunden_nicht_extrahiert(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text="Anna Schmidt", entities={"name": "Anna Schmidt"}))
    assert "vertreter_name" not in ergebnis.slots


# --- representative ----------------------------------------------------------------------------


def test_vertreter_eigener_name_und_naechste_frage(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "vertreter_name", text="Sabine Neumann", slots={"rolle": "bevollmaechtigt"}))

    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {"vertreter_name": "Sabine Neumann",
                                     "requested_slot": "kundennummer"}
    assert "kunde_name" not in ergebnis.slots
    _guide_slots(ergebnis)


def test_vertreter_name_entity_fuellt_nicht_kunde_name(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kundennummer", text="Sabine Neumann für 678F901234",
        entities={"name": "Sabine Neumann", "kundennummer": "678F901234"},
        slots={"rolle": "bevollmaechtigt"}))

    assert _form_slots(ergebnis) == {"vertreter_name": "Sabine Neumann",
                                     "kundennummer": "678F901234",
                                     "requested_slot": "geburtsdatum"}


def test_vertreter_vollstaendig_beendet_die_form(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "geburtsdatum", text="09.04.1962",
        slots={"rolle": "bevollmaechtigt", "vertreter_name": "Sabine Neumann",
               "kundennummer": "678F901234"}))

    assert _form_slots(ergebnis) == {"geburtsdatum": "1962-04-09", "requested_slot": None}


def test_vertreter_ungueltiges_datum_fragt_erneut(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "geburtsdatum", text="31.02.1985",
        slots={"rolle": "bevollmaechtigt", "vertreter_name": "Sabine Neumann",
               "kundennummer": "678F901234"}))

    assert ergebnis.texte == ["Den 31.02.1985 gibt es nicht."]
    assert _form_slots(ergebnis) == {"geburtsdatum": None, "requested_slot": "geburtsdatum"}


def test_vertreter_abschweifung(form_tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "vertreter_name", intent="bot_challenge", text="Bist du ein Bot?",
        slots={"rolle": "bevollmaechtigt"}))
    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {"requested_slot": "vertreter_name"}


# --- the questions (action_ask_*) -------------------------------------------------------


@pytest.mark.parametrize(("action", "rolle", "key", "phrase"), [
    (ActionAskKundennummer, "kunde", "frage_kundennummer",
     "Bitte nennen Sie mir Ihre Kundennummer"),
    (ActionAskKundennummer, None, "frage_kundennummer", "zum Beispiel 123A456789"),
    (ActionAskKundennummer, "bevollmaechtigt", "frage_kundennummer_vertreter",
     "Kundennummer der Person, die Sie vertreten"),
    (ActionAskKundeName, "kunde", "frage_kunde_name", "Ihr vollständiger Name"),
    (ActionAskKundeName, "bevollmaechtigt", "frage_kunde_name", "Ihr vollständiger Name"),
    (ActionAskVertreterName, "bevollmaechtigt", "frage_vertreter_name",
     "Ihr eigener vollständiger Name"),
    (ActionAskVertreterName, "kunde", "frage_vertreter_name", "Ihr eigener vollständiger Name"),
    (ActionAskGeburtsdatum, "kunde", "frage_geburtsdatum", "Wie lautet Ihr Geburtsdatum?"),
    (ActionAskGeburtsdatum, "bevollmaechtigt", "frage_geburtsdatum_vertreter",
     "Geburtsdatum der Person, die Sie vertreten"),
])
@pytest.mark.parametrize(("kanal", "wording"), [("rest", "kunde"), ("agent", "agent")])
def test_fragen_der_legitimation(tracker, ausfuehren, text_von, action, rolle, key, phrase,
                                 kanal, wording):
    ergebnis = ausfuehren(action(), tracker(
        slots={"rolle": rolle, "guide_step": "3.000.2"}, active_loop=FORM, kanal=kanal,
        latest_action_name=FORM))

    assert ergebnis.keys == [key]
    assert ergebnis.texte == [text_von("3.000.4", key, wording)]
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz(wording)
    assert ergebnis.slots == {"guide": "3.000", "guide_step": "3.000.4", "weiter": None,
                              "offene_frage": None}


def test_frage_namen():
    assert ActionAskKundennummer().name() == "action_ask_kundennummer"
    assert ActionAskKundeName().name() == "action_ask_kunde_name"
    assert ActionAskVertreterName().name() == "action_ask_vertreter_name"
    assert ActionAskGeburtsdatum().name() == "action_ask_geburtsdatum"


@pytest.mark.parametrize(("text", "name"), [
    ("Kundin Anna Schmidt", "Anna Schmidt"),
    ("Kunde heißt Thomas Becker", "Thomas Becker"),
])
def test_agent_antwort_mit_rollenwort_nutzt_die_name_entity(form_tracker, ausfuehren, text, name):
    ergebnis = ausfuehren(ValidateLegitimationForm(), form_tracker(
        "kunde_name", text=text, entities={"name": name}, kanal="agent"))
    assert _form_slots(ergebnis) == {"kunde_name": name}


@pytest.mark.parametrize("slot", ["kundennummer", "kunde_name", "geburtsdatum"])
def test_zurueckgesetzte_slots_sind_keine_falsche_antwort(tracker, ausfuehren, slot):
    """After a failed attempt the check resets the slots to None and the form starts again in
    the same turn: that reset is validated too and must not be reported as bad input."""
    t = tracker(slots={"requested_slot": None, "anliegen": "abschlag", "rolle": "kunde",
                       "guide_step": "3.000.4"},
                intent="inform", text="", active_loop=FORM,
                latest_action_name="action_glf3000_legitimation_pruefen",
                slot_events={slot: None})
    ergebnis = ausfuehren(ValidateLegitimationForm(), t)
    assert ergebnis.nachrichten == []
    assert ergebnis.slots.get(slot) is None
