"""GLF 3.000.1-3: greeting, concern (every intent, role/legitimation known) and role."""

from __future__ import annotations

import pytest

from actions.glf3000 import ActionAnliegen, ActionBegruessung, ActionRolle

ANLIEGEN_KNOEPFE = [
    ("Abschlagszahlung", "/request_advance_payment"),
    ("Frage zu meiner Zahlung", "/ask_payment_status"),
    ("Online-Angebote", "/ask_online_services"),
    ("Hilfe vor Ort bei Online-Angeboten", "/need_support"),
]


def _schritt(ergebnis, schritt: str, weiter, frage=None) -> None:
    assert ergebnis.slot("guide") == "3.000"
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") == frage


# --- 3.000.1 Begrüßung ------------------------------------------------------------------------


@pytest.mark.parametrize(("kanal", "wording", "phrase"), [
    ("rest", "kunde", "willkommen beim Service Center der Bundesagentur für Arbeit"),
    (None, "kunde", "Was ist Ihr Anliegen?"),
    ("agent", "agent", "Sagen Sie: „Guten Tag, Service Center der Agentur für Arbeit, mein Name"),
    ("twilio_voice", "telefon", "Sie sind mit dem Service Center der Agentur für Arbeit verbunden"),
])
def test_begruessung_je_kanal(tracker, ausfuehren, text_von, kanal, wording, phrase):
    ergebnis = ausfuehren(ActionBegruessung(), tracker(intent="greet", text="Hallo", kanal=kanal))

    assert ergebnis.keys == ["begruessung"]
    assert ergebnis.texte == [text_von("3.000.1", "begruessung", wording)]
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz(wording)
    assert ergebnis.nachrichten[0]["leitfaden"]["guide_step"] == "3.000.1"
    assert ergebnis.nachrichten[0]["buttons"] == []
    _schritt(ergebnis, "3.000.1", None, "anliegen")


def test_begruessung_kunde_und_agent_unterscheiden_sich(tracker, ausfuehren):
    kunde = ausfuehren(ActionBegruessung(), tracker(intent="greet", kanal="rest"))
    agent = ausfuehren(ActionBegruessung(), tracker(intent="greet", kanal="agent"))
    assert kunde.texte != agent.texte
    assert "Sagen Sie" not in kunde.texte[0]
    assert (kunde.nachrichten[0]["leitfaden"]["wording_hash"]
            != agent.nachrichten[0]["leitfaden"]["wording_hash"])


def test_action_namen():
    assert ActionBegruessung().name() == "action_glf3000_begruessung"
    assert ActionAnliegen().name() == "action_glf3000_anliegen"
    assert ActionRolle().name() == "action_glf3000_rolle"


# --- 3.000.2 Anliegen: every intent, nothing known yet ------------------------------------


@pytest.mark.parametrize(("intent", "anliegen", "weiter", "phrase"), [
    ("request_advance_payment", "abschlag", "3.000.3", "Abschlagszahlung auf Ihr Arbeitslosengeld"),
    ("state_hardship", "abschlag", "3.000.3", "Abschlagszahlung auf Ihr Arbeitslosengeld"),
    ("ask_payment_status", "zahlung", "3.000.3", "Frage zu Ihrer Zahlung"),
    ("request_appointment", "termin", "3.000.3", "persönlich in die Agentur für Arbeit kommen"),
    ("ask_online_services", "online", "3.000.3", "über unsere Online-Angebote"),
    ("ask_online_representation", "vero", "3.000.4", "online für eine andere Person handeln"),
    ("need_support", "unterstuetzung", "3.000.6", "Unterstützungsangebote Ihrer Agentur"),
    ("change_bank_details", "bankverbindung", "3.000.5", "nicht am Telefon ändern"),
])
def test_anliegen_je_intent(tracker, ausfuehren, text_von, intent, anliegen, weiter, phrase):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(intent=intent, text="…"))

    key = f"anliegen_{anliegen}"
    assert ergebnis.keys == [key]
    assert ergebnis.text(key) == text_von("3.000.2", key)
    assert phrase in ergebnis.text(key)
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("anliegen") == anliegen
    _schritt(ergebnis, "3.000.2", weiter)
    assert not ergebnis.setzt("legitimation")


@pytest.mark.parametrize("intent", ["inform", "greet", "affirm", "deny", None])
def test_anliegen_unklar_fragt_nach(tracker, ausfuehren, text_von, intent):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(intent=intent, text="Hallo, ich hätte da was"))

    assert ergebnis.keys == ["anliegen_frage"]
    assert ergebnis.texte == [text_von("3.000.2", "anliegen_frage")]
    assert "Worum geht es" in ergebnis.texte[0]
    assert ergebnis.knoepfe("anliegen_frage") == ANLIEGEN_KNOEPFE
    ergebnis.pruefe_evidenz()
    assert not ergebnis.setzt("anliegen")
    _schritt(ergebnis, "3.000.2", None, "anliegen")


def test_anliegen_vertreter_ohne_anliegen(tracker, ausfuehren, text_von):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent="caller_is_representative", text="Ich rufe für meinen Vater an",
        slots={"rolle": "bevollmaechtigt"}))

    assert ergebnis.keys == ["anliegen_vertreter"]
    assert ergebnis.texte == [text_von("3.000.2", "anliegen_vertreter")]
    assert "für eine andere Person an" in ergebnis.texte[0]
    assert ergebnis.nachrichten[0]["buttons"] == []
    assert not ergebnis.setzt("anliegen")
    _schritt(ergebnis, "3.000.2", None, "anliegen")


def test_anliegen_agent_kanal_evidenz(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent="request_advance_payment", text="Kundin möchte einen Abschlag", kanal="agent"))
    ergebnis.pruefe_evidenz("agent")
    assert ergebnis.slot("weiter") == "3.000.3"


# --- 3.000.2 Anliegen: role known, legitimation open -------------------------------------


@pytest.mark.parametrize(("rolle", "intent", "weiter"), [
    ("kunde", "request_advance_payment", "3.000.4"),
    ("kunde", "ask_payment_status", "3.000.4"),
    ("kunde", "request_appointment", "3.000.4"),
    ("kunde", "ask_online_services", "3.000.5"),
    ("kunde", "ask_online_representation", "3.000.4"),
    ("kunde", "need_support", "3.000.6"),
    ("kunde", "change_bank_details", "3.000.5"),
    ("bevollmaechtigt", "request_advance_payment", "3.000.4"),
    ("bevollmaechtigt", "ask_online_services", "3.000.4"),
    ("bevollmaechtigt", "ask_online_representation", "3.000.4"),
    ("bevollmaechtigt", "need_support", "3.000.6"),
])
def test_anliegen_mit_bekannter_rolle(tracker, ausfuehren, rolle, intent, weiter):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(intent=intent, slots={"rolle": rolle}))

    assert len(ergebnis.nachrichten) == 1
    assert ergebnis.keys[0].startswith("anliegen_")
    _schritt(ergebnis, "3.000.2", weiter)


# --- 3.000.2 Anliegen: no personal data (third person, locked, no Vollmacht) -------------------


@pytest.mark.parametrize(("slots", "schritt", "key", "phrase"), [
    ({"rolle": "dritte"}, "3.000.3", "dritte", "keine persönlichen Daten nennen"),
    ({"rolle": "kunde", "legitimation": "gesperrt", "legitimation_versuche": 3.0},
     "3.000.4", "gesperrt", "Identität nicht bestätigen"),
    ({"rolle": "dritte", "legitimation": "keine_vollmacht"},
     "3.000.4", "keine_vollmacht", "keine Vollmacht hinterlegt"),
    ({"rolle": "dritte", "legitimation": "gesperrt"},
     "3.000.4", "gesperrt", "schriftlich an Ihre Agentur für Arbeit"),
])
@pytest.mark.parametrize(("intent", "anliegen"), [
    ("request_advance_payment", "abschlag"), ("ask_payment_status", "zahlung"),
    ("request_appointment", "termin"), ("ask_online_services", "online"),
    ("ask_online_representation", "vero"),
])
def test_anliegen_ohne_personendaten_geht_zu_online_angeboten(
        tracker, ausfuehren, text_von, slots, schritt, key, phrase, intent, anliegen):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(intent=intent, slots=slots))

    assert ergebnis.keys == [f"anliegen_{anliegen}", key]
    assert ergebnis.text(key) == text_von(schritt, key)
    assert phrase in ergebnis.text(key)
    ergebnis.pruefe_evidenz()
    assert ergebnis.nachricht(key)["leitfaden"]["guide_step"] == schritt
    assert ergebnis.slot("anliegen") == anliegen
    _schritt(ergebnis, schritt, "3.000.5")
    assert not ergebnis.setzt("legitimation")
    assert not ergebnis.setzt("rolle")


@pytest.mark.parametrize(("intent", "weiter"), [
    ("need_support", "3.000.6"), ("change_bank_details", "3.000.5"),
])
@pytest.mark.parametrize("slots", [
    {"rolle": "dritte"}, {"legitimation": "gesperrt"}, {"legitimation": "keine_vollmacht"},
])
def test_unterstuetzung_und_bankverbindung_ohne_weitere_hinweise(
        tracker, ausfuehren, intent, weiter, slots):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(intent=intent, slots=slots))

    assert len(ergebnis.keys) == 1
    _schritt(ergebnis, "3.000.2", weiter)


# --- 3.000.2 Anliegen: already legitimated --------------------------------------------


@pytest.mark.parametrize(("legitimation", "intent", "weiter"), [
    # payment concerns go on in GLF 3.301; with Schutzkennzeichen M by Webauftrag (3.000.2)
    ("erfolgreich", "request_advance_payment", "3.301.1"),
    ("erfolgreich", "state_hardship", "3.301.1"),
    ("erfolgreich", "ask_payment_status", "3.301.1"),
    ("schutzkennzeichen_m", "request_advance_payment", "3.000.2"),
    ("schutzkennzeichen_m", "state_hardship", "3.000.2"),
    ("schutzkennzeichen_m", "ask_payment_status", "3.000.2"),
])
def test_zahlungsanliegen_nach_legitimation(tracker, ausfuehren, legitimation, intent, weiter):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent=intent, slots={"rolle": "kunde", "legitimation": legitimation,
                              "kundennummer": "123A456789"}))
    assert len(ergebnis.nachrichten) == 1
    _schritt(ergebnis, "3.000.2", weiter)


@pytest.mark.parametrize("legitimation", ["erfolgreich", "schutzkennzeichen_m"])
@pytest.mark.parametrize(("intent", "weiter"), [
    ("request_appointment", "3.000.2"),  # personal: Webauftrag (action_glf3000_weiterleitung)
    ("ask_online_services", "3.000.5"),
    ("ask_online_representation", "3.000.5"),
    ("need_support", "3.000.6"),
    ("change_bank_details", "3.000.5"),
])
def test_anliegen_nach_legitimation(tracker, ausfuehren, legitimation, intent, weiter):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent=intent, slots={"rolle": "kunde", "legitimation": legitimation,
                              "kundennummer": "123A456789"}))

    assert len(ergebnis.nachrichten) == 1
    _schritt(ergebnis, "3.000.2", weiter)
    assert "123A456789" not in ergebnis.alles


def test_anliegen_nach_erfolgreicher_vertretung_zahlung(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent="ask_payment_status",
        slots={"rolle": "bevollmaechtigt", "legitimation": "erfolgreich",
               "vollmacht_umfang": "vollumfaenglich"}))
    _schritt(ergebnis, "3.000.2", "3.301.1")


def test_anliegen_waehrend_wiederholung_der_legitimation(tracker, ausfuehren):
    """``wiederholen`` is neither legitimated nor locked: the role decides (3.000.4 again)."""
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent="request_advance_payment",
        slots={"rolle": "kunde", "legitimation": "wiederholen", "legitimation_versuche": 1.0}))
    _schritt(ergebnis, "3.000.2", "3.000.4")


# --- 3.000.3 Rolle ----------------------------------------------------------------------------


def test_rolle_unbekannt_wird_erfragt(tracker, ausfuehren, text_von):
    ergebnis = ausfuehren(ActionRolle(), tracker(
        intent="request_advance_payment", slots={"anliegen": "abschlag", "guide_step": "3.000.2"}))

    assert ergebnis.keys == ["frage_rolle"]
    assert ergebnis.texte == [text_von("3.000.3", "frage_rolle")]
    assert "für sich selbst an oder für eine andere Person" in ergebnis.texte[0]
    assert ergebnis.knoepfe("frage_rolle") == [
        ("Für mich selbst", '/inform{"rolle": "kunde"}'),
        ("Für eine andere Person, ich habe eine Vollmacht", "/caller_is_representative"),
        ("Für eine andere Person, ohne Vollmacht", '/inform{"rolle": "dritte"}'),
    ]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.000.3", None, "rolle")


@pytest.mark.parametrize("anliegen", ["abschlag", "online", None])
def test_rolle_dritte(tracker, ausfuehren, text_von, anliegen):
    ergebnis = ausfuehren(ActionRolle(), tracker(
        intent="inform", text="Ich bin die Nachbarin", slots={"rolle": "dritte",
                                                             "anliegen": anliegen}))

    assert ergebnis.keys == ["dritte"]
    assert ergebnis.texte == [text_von("3.000.3", "dritte")]
    assert "Ohne Vollmacht darf ich Ihnen keine persönlichen Daten nennen" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.000.3", "3.000.5")


def test_rolle_kunde_mit_online_frage(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionRolle(), tracker(
        slots={"rolle": "kunde", "anliegen": "online", "guide_step": "3.000.3"}))

    assert ergebnis.nachrichten == []
    _schritt(ergebnis, "3.000.3", "3.000.5")


@pytest.mark.parametrize(("rolle", "anliegen"), [
    ("kunde", "abschlag"), ("kunde", "zahlung"), ("kunde", "termin"), ("kunde", "vero"),
    ("kunde", None), ("bevollmaechtigt", "abschlag"), ("bevollmaechtigt", "online"),
    ("bevollmaechtigt", "vero"), ("bevollmaechtigt", None),
])
def test_rolle_sonst_legitimation(tracker, ausfuehren, rolle, anliegen):
    ergebnis = ausfuehren(ActionRolle(), tracker(
        slots={"rolle": rolle, "anliegen": anliegen, "guide_step": "3.000.3"}))

    assert ergebnis.nachrichten == []
    _schritt(ergebnis, "3.000.3", "3.000.4")
    assert not ergebnis.setzt("rolle")


def test_rolle_ohne_vorherigen_schritt_startet_bei_begruessung(tracker, ausfuehren):
    """No message and no guide_step yet: the bot is still in the starting step 3.000.1."""
    ergebnis = ausfuehren(ActionRolle(), tracker(slots={"rolle": "kunde", "anliegen": "online"}))
    _schritt(ergebnis, "3.000.1", "3.000.5")
