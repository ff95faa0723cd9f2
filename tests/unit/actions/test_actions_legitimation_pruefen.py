"""GLF 3.000.4: ``action_glf3000_legitimation_pruefen`` against the demo data (both back ends)."""

from __future__ import annotations

import pytest

from actions.legitimation import VERSUCH_SLOTS, ActionLegitimationPruefen

ANNA = {"rolle": "kunde", "kundennummer": "123A456789", "kunde_name": "Anna Schmidt",
        "geburtsdatum": "1985-03-14"}
BECKER = {"rolle": "kunde", "kundennummer": "456D789012", "kunde_name": "Thomas Becker",
          "geburtsdatum": "1990-01-30"}
SABINE = {"rolle": "bevollmaechtigt", "kundennummer": "678F901234",
          "vertreter_name": "Sabine Neumann", "geburtsdatum": "1962-04-09"}
MARTIN = {"rolle": "bevollmaechtigt", "kundennummer": "789G012345",
          "vertreter_name": "Martin Braun", "geburtsdatum": "1971-09-17"}


@pytest.fixture
def pruefen(tracker, ausfuehren, store):
    """Run the check after the form has ended (latest action: the form, deactivated)."""

    def run(slots, *, kanal="rest", anliegen="abschlag", versuche=0.0):
        alle = {"anliegen": anliegen, "legitimation_versuche": versuche,
                "guide": "3.000", "guide_step": "3.000.4", "requested_slot": None}
        alle.update(slots)
        return ausfuehren(ActionLegitimationPruefen(), tracker(
            slots=alle, intent="inform", text="14.03.1985", kanal=kanal,
            latest_action_name="legitimation_form"))

    return run


def _schritt(ergebnis, weiter) -> None:
    assert ergebnis.slot("guide") == "3.000"
    assert ergebnis.slot("guide_step") == "3.000.4"
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") is None


def _versuch_geleert(ergebnis) -> None:
    for slot in VERSUCH_SLOTS:
        assert ergebnis.slot(slot) is None


def test_name():
    assert ActionLegitimationPruefen().name() == "action_glf3000_legitimation_pruefen"


# --- customer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("anliegen", "weiter"), [
    ("abschlag", "3.301.1"), ("zahlung", "3.301.1"), ("termin", "3.000.2"),
    ("online", "3.000.5"), ("vero", "3.000.5"), (None, "3.000.5"),
])
def test_anna_schmidt_erfolgreich(pruefen, text_von, anliegen, weiter):
    ergebnis = pruefen(ANNA, anliegen=anliegen)

    assert ergebnis.keys == ["erfolgreich"]
    assert ergebnis.texte == [text_von("3.000.4", "erfolgreich", name="-",
                                       kundennummer_maskiert="-")]
    assert ergebnis.texte == ["Vielen Dank, Ihre Angaben stimmen überein."]
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("legitimation") == "erfolgreich"
    assert not ergebnis.setzt("vollmacht_umfang")
    assert not ergebnis.setzt("legitimation_versuche")
    assert not any(ergebnis.setzt(s) for s in VERSUCH_SLOTS)
    _schritt(ergebnis, weiter)


def test_anna_schmidt_im_agent_kanal_mit_maskierter_kundennummer(pruefen, text_von):
    ergebnis = pruefen(ANNA, kanal="agent")

    assert ergebnis.texte == [text_von("3.000.4", "erfolgreich", "agent", name="Anna Schmidt",
                                       kundennummer_maskiert="123A****89")]
    assert ergebnis.texte == ["Legitimation erfolgreich: Anna Schmidt, Kundennummer 123A****89."]
    assert "123A456789" not in ergebnis.alles
    ergebnis.pruefe_evidenz("agent")
    _schritt(ergebnis, "3.301.1")  # the Abschlag goes on in GLF 3.301


def test_rolle_fehlt_gilt_als_kunde(pruefen):
    ergebnis = pruefen({**ANNA, "rolle": None}, anliegen="online")
    assert ergebnis.slot("legitimation") == "erfolgreich"
    _schritt(ergebnis, "3.000.5")


def test_name_tolerant_geschrieben(pruefen):
    ergebnis = pruefen({**ANNA, "kunde_name": "schmidt anna"})
    assert ergebnis.slot("legitimation") == "erfolgreich"


@pytest.mark.parametrize(("versuche", "versuch_text", "zaehler"), [
    (0.0, "Versuch 2 von 3", 1.0),
    (1.0, "Versuch 3 von 3", 2.0),
])
@pytest.mark.parametrize("falsch", [
    {"geburtsdatum": "1985-03-15"},
    {"kunde_name": "Anna Schneider"},
    {"kundennummer": "999Z999999"},
    {"geburtsdatum": None},
    {"kundennummer": None},
])
def test_falsche_angaben_wiederholen(pruefen, text_von, versuche, versuch_text, zaehler, falsch):
    ergebnis = pruefen({**ANNA, **falsch}, versuche=versuche)

    assert ergebnis.keys == ["fehlgeschlagen"]
    versuch = int(zaehler) + 1
    assert ergebnis.texte == [text_von("3.000.4", "fehlgeschlagen", versuch=versuch,
                                       max_versuche=3)]
    assert versuch_text in ergebnis.texte[0]
    assert "stimmen leider nicht mit unseren Unterlagen überein" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("legitimation") == "wiederholen"
    assert ergebnis.slot("legitimation_versuche") == zaehler
    _versuch_geleert(ergebnis)
    _schritt(ergebnis, "3.000.4")


def test_falsches_geburtsdatum_verraet_nicht_was_falsch_war(pruefen):
    datum = pruefen({**ANNA, "geburtsdatum": "1985-03-15"})
    name = pruefen({**ANNA, "kunde_name": "Berta Schmidt"})
    nummer = pruefen({**ANNA, "kundennummer": "000A000000"})
    assert datum.texte == name.texte == nummer.texte
    assert "Anna" not in datum.alles and "123A" not in datum.alles


def test_dritter_fehlversuch_sperrt(pruefen, text_von):
    ergebnis = pruefen({**ANNA, "geburtsdatum": "1985-03-15"}, versuche=2.0)

    assert ergebnis.keys == ["gesperrt"]
    assert ergebnis.texte == [text_von("3.000.4", "gesperrt")]
    assert "Persönliche Daten darf ich Ihnen deshalb nicht nennen" in ergebnis.texte[0]
    assert "schriftlich" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("legitimation") == "gesperrt"
    assert ergebnis.slot("legitimation_versuche") == 3.0
    _versuch_geleert(ergebnis)
    assert not ergebnis.setzt("rolle")
    _schritt(ergebnis, "3.000.5")


def test_drei_versuche_nacheinander(pruefen):
    """The attempt counter the action returns is what the next attempt starts from."""
    versuche, texte = 0.0, []
    for _ in range(3):
        ergebnis = pruefen({**ANNA, "geburtsdatum": "1985-03-15"}, versuche=versuche)
        versuche = ergebnis.slot("legitimation_versuche")
        texte.append(ergebnis.keys[0])
    assert texte == ["fehlgeschlagen", "fehlgeschlagen", "gesperrt"]
    assert versuche == 3.0
    assert ergebnis.slot("weiter") == "3.000.5"


@pytest.mark.parametrize("person", [ANNA, SABINE])
def test_nach_der_sperre_keine_legitimation_mehr(pruefen, person):
    """Locked after 3 failed attempts: even correct data no longer legitimates."""
    ergebnis = pruefen(person, versuche=3.0)

    assert ergebnis.keys == ["gesperrt"]
    assert ergebnis.slot("legitimation") == "gesperrt"
    assert ergebnis.slot("legitimation_versuche") >= 3.0
    assert not ergebnis.setzt("vollmacht_umfang")
    for geheim in ("Anna", "Schmidt", "Klaus", "****"):
        assert geheim not in ergebnis.alles
    _versuch_geleert(ergebnis)
    _schritt(ergebnis, "3.000.5")


def test_richtige_angaben_im_dritten_versuch(pruefen):
    ergebnis = pruefen(ANNA, versuche=2.0)
    assert ergebnis.slot("legitimation") == "erfolgreich"
    _schritt(ergebnis, "3.301.1")


# --- Schutzkennzeichen M ------------------------------------------------------------------


@pytest.mark.parametrize(("kanal", "wording", "phrase"), [
    ("rest", "kunde", "keine persönlichen Auskünfte"),
    ("agent", "agent", "Schutzkennzeichen M – keine Einsicht in den Datensatz"),
    ("twilio_voice", "telefon", "keine persönlichen Auskünfte"),
])
@pytest.mark.parametrize(("anliegen", "weiter"), [("zahlung", "3.000.2"), ("online", "3.000.5")])
def test_thomas_becker_schutzkennzeichen_m(pruefen, text_von, kanal, wording, phrase,
                                           anliegen, weiter):
    ergebnis = pruefen(BECKER, kanal=kanal, anliegen=anliegen)

    assert ergebnis.keys == ["schutzkennzeichen_m"]
    assert ergebnis.texte == [text_von("3.000.4", "schutzkennzeichen_m", wording)]
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz(wording)
    for geheim in ("Thomas", "Becker", "456D789012", "456D****12", "456D", "1990", "Köln"):
        assert geheim not in ergebnis.alles
    assert ergebnis.slot("legitimation") == "schutzkennzeichen_m"
    assert not ergebnis.setzt("vollmacht_umfang")
    _schritt(ergebnis, weiter)


# --- representatives ----------------------------------------------------------------------------


def test_sabine_neumann_vollumfaengliche_vollmacht(pruefen, text_von):
    ergebnis = pruefen(SABINE, anliegen="vero")

    assert ergebnis.keys == ["erfolgreich_vertreter"]
    assert ergebnis.texte == [text_von("3.000.4", "erfolgreich_vertreter",
                                       umfang="vollumfängliche", vertreter="-",
                                       kundennummer_maskiert="-")]
    assert ergebnis.texte == ["Vielen Dank. Für Sie ist eine vollumfängliche Vollmacht hinterlegt."]
    assert "Klaus" not in ergebnis.alles
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("legitimation") == "erfolgreich"
    assert ergebnis.slot("vollmacht_umfang") == "vollumfaenglich"
    _schritt(ergebnis, "3.000.5")


def test_sabine_neumann_im_agent_kanal(pruefen):
    ergebnis = pruefen(SABINE, kanal="agent", anliegen="abschlag")

    text = ergebnis.texte[0]
    assert text.startswith("Legitimation erfolgreich: Sabine Neumann mit vollumf")
    assert "Kundennummer 678F****34" in text
    assert "678F901234" not in ergebnis.alles
    ergebnis.pruefe_evidenz("agent")
    assert ergebnis.slot("vollmacht_umfang") == "vollumfaenglich"
    _schritt(ergebnis, "3.301.1")


@pytest.mark.parametrize(("person", "erwartet"), [
    (SABINE, "mit vollumfänglicher Vollmacht"), (MARTIN, "mit teilweiser Vollmacht"),
])
def test_agent_text_vollmacht_im_dativ(pruefen, person, erwartet):
    ergebnis = pruefen(person, kanal="agent")
    assert erwartet in ergebnis.texte[0]


@pytest.mark.parametrize(("anliegen", "weiter"), [("abschlag", "3.301.1"), ("online", "3.000.5")])
def test_martin_braun_teilweise_vollmacht(pruefen, text_von, anliegen, weiter):
    ergebnis = pruefen(MARTIN, anliegen=anliegen)

    assert ergebnis.texte == ["Vielen Dank. Für Sie ist eine teilweise Vollmacht hinterlegt."]
    assert "Erika" not in ergebnis.alles
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("legitimation") == "erfolgreich"
    assert ergebnis.slot("vollmacht_umfang") == "teilweise"
    _schritt(ergebnis, weiter)


def test_martin_braun_name_in_anderer_reihenfolge(pruefen):
    ergebnis = pruefen({**MARTIN, "vertreter_name": "Braun Martin"})
    assert ergebnis.slot("vollmacht_umfang") == "teilweise"


@pytest.mark.parametrize("person", [
    {**SABINE, "kundennummer": "123A456789", "geburtsdatum": "1985-03-14"},  # other customer
    {**SABINE, "vertreter_name": "Peter Müller"},  # no Vollmacht for this person
    {**MARTIN, "vertreter_name": "Sabine Neumann"},
])
@pytest.mark.parametrize("kanal", ["rest", "agent"])
def test_vertreter_ohne_vollmacht_wird_dritte_person(pruefen, text_von, person, kanal):
    ergebnis = pruefen(person, kanal=kanal)

    assert ergebnis.keys == ["keine_vollmacht"]
    assert ergebnis.texte == [text_von("3.000.4", "keine_vollmacht")]
    assert "keine Vollmacht hinterlegt" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz("agent" if kanal == "agent" else "kunde")
    assert ergebnis.slot("legitimation") == "keine_vollmacht"
    assert ergebnis.slot("rolle") == "dritte"
    assert not ergebnis.setzt("vollmacht_umfang")
    assert not ergebnis.setzt("legitimation_versuche")
    _versuch_geleert(ergebnis)
    for geheim in ("Anna", "Klaus", "Erika", "****"):
        assert geheim not in ergebnis.alles
    _schritt(ergebnis, "3.000.5")


def test_vertreter_mit_falschem_geburtsdatum_wiederholt(pruefen):
    ergebnis = pruefen({**SABINE, "geburtsdatum": "1988-08-08"})  # her own, not Klaus's
    assert ergebnis.slot("legitimation") == "wiederholen"
    assert ergebnis.slot("legitimation_versuche") == 1.0
    assert not ergebnis.setzt("rolle")
    _schritt(ergebnis, "3.000.4")
