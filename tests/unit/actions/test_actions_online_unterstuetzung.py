"""GLF 3.000.5 online offers and 3.000.6 support: question, form (through ``run``), offers."""

from __future__ import annotations

import pytest

from actions.glf3000 import ActionOnlineAngebote, ActionUnterstuetzungFrage
from actions.unterstuetzung import (
    ActionAskStandort,
    ActionUnterstuetzungAngebote,
    ValidateUnterstuetzungForm,
)
from leitfaden import offers

HEUTE_GUELTIG_NUERNBERG_MITTE = (
    "Beratung mit Gebärdensprachdolmetschung",
    "Hilfe bei Registrierung und Anmeldung",
    "Sprechstunde Online-Vertretung für Bevollmächtigte",
)
MITTE = "Agentur für Arbeit Nürnberg, Dienststelle Mitte"
MITTE_ADRESSE = "Königstorgraben 11, 90402 Nürnberg"


def _schritt(ergebnis, schritt, weiter, frage=None) -> None:
    assert ergebnis.slot("guide") == "3.000"
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") == frage


# --- 3.000.5 Online-Angebote ------------------------------------------------------------


@pytest.mark.parametrize(("slots", "key", "phrase"), [
    ({"rolle": "kunde"}, "online_kunde", "Anmelden können Sie sich mit Ihrem Benutzerkonto"),
    ({"rolle": "kunde", "legitimation": "erfolgreich"}, "online_kunde", "BundID"),
    ({"rolle": None, "legitimation": "erfolgreich"}, "online_kunde", "arbeitsagentur.de"),
    ({"rolle": "kunde", "legitimation": "schutzkennzeichen_m"}, "online_kunde",
     "Veränderungen mit"),
    ({"rolle": "kunde", "legitimation": "gesperrt"}, "online_kunde", "Portal"),
    ({"rolle": "bevollmaechtigt", "legitimation": "erfolgreich",
      "vollmacht_umfang": "vollumfaenglich"}, "online_vero", "Online-Vertretung (VERO)"),
    ({"rolle": "bevollmaechtigt", "legitimation": "schutzkennzeichen_m",
      "vollmacht_umfang": "vollumfaenglich"}, "online_vero", "für die vertretene Person"),
    ({"rolle": "bevollmaechtigt", "legitimation": "erfolgreich",
      "vollmacht_umfang": "teilweise"}, "online_teilweise", "nur für einzelne Angelegenheiten"),
    ({"rolle": "bevollmaechtigt", "legitimation": "erfolgreich"}, "online_kunde", "Portal"),
    ({}, "online_allgemein", "Bevollmächtigte mit vollumfänglicher Vollmacht"),
    ({"rolle": "dritte"}, "online_allgemein", "arbeitsagentur.de"),
    ({"rolle": "dritte", "legitimation": "keine_vollmacht"}, "online_allgemein", "VERO"),
    ({"rolle": "dritte", "legitimation": "erfolgreich"}, "online_allgemein", "VERO"),
    ({"rolle": "bevollmaechtigt"}, "online_allgemein", "VERO"),
    ({"rolle": "bevollmaechtigt", "legitimation": "wiederholen"}, "online_allgemein", "VERO"),
    ({"rolle": "bevollmaechtigt", "legitimation": "keine_vollmacht",
      "vollmacht_umfang": "vollumfaenglich"}, "online_allgemein", "VERO"),
])
def test_online_angebote_je_anrufer(tracker, ausfuehren, text_von, slots, key, phrase):
    ergebnis = ausfuehren(ActionOnlineAngebote(), tracker(slots={"guide_step": "3.000.4", **slots}))

    assert ergebnis.keys == [key]
    assert ergebnis.texte == [text_von("3.000.5", key)]
    assert phrase in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.000.5", "3.000.6")
    assert ActionOnlineAngebote().name() == "action_glf3000_online_angebote"


def test_online_angebote_im_agent_kanal(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionOnlineAngebote(), tracker(
        slots={"rolle": "kunde"}, kanal="agent"))
    ergebnis.pruefe_evidenz("agent")
    assert ergebnis.keys == ["online_kunde"]


# --- 3.000.6 question -------------------------------------------------------------------------


@pytest.mark.parametrize(("kanal", "wording"), [("rest", "kunde"), ("agent", "agent")])
def test_unterstuetzung_frage(tracker, ausfuehren, text_von, kanal, wording):
    ergebnis = ausfuehren(ActionUnterstuetzungFrage(), tracker(
        slots={"guide_step": "3.000.5", "weiter": "3.000.6"}, kanal=kanal))

    assert ergebnis.keys == ["frage_bedarf"]
    assert ergebnis.texte == [text_von("3.000.6", "frage_bedarf", wording)]
    assert "Brauchen Sie Unterstützung, um die Online-Angebote zu nutzen?" in ergebnis.texte[0]
    assert ergebnis.knoepfe("frage_bedarf") == [("Ja, bitte", "/affirm"),
                                                ("Nein, danke", "/deny")]
    ergebnis.pruefe_evidenz(wording)
    _schritt(ergebnis, "3.000.6", None, "unterstuetzung")


def test_frage_nach_standort(tracker, ausfuehren, text_von):
    ergebnis = ausfuehren(ActionAskStandort(), tracker(
        intent="affirm", slots={"guide_step": "3.000.6", "requested_slot": "standort"},
        active_loop="unterstuetzung_form", latest_action_name="unterstuetzung_form"))

    assert ergebnis.keys == ["frage_standort"]
    assert ergebnis.texte == [text_von("3.000.6", "frage_standort")]
    assert "Postleitzahl oder Ihren Wohnort" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.000.6", None)
    assert ActionAskStandort().name() == "action_ask_standort"


# --- 3.000.6 form (validation action through run) -------------------------------------------


@pytest.fixture
def standort(tracker, ausfuehren, store):
    def run(text, *, intent="inform", entities=None, requested_slot="standort", slots=None):
        alle = {"requested_slot": requested_slot, "guide_step": "3.000.6"}
        alle.update(slots or {})
        return ausfuehren(ValidateUnterstuetzungForm(), tracker(
            slots=alle, intent=intent, text=text, entities=entities,
            active_loop="unterstuetzung_form"))

    return run


def _form_slots(ergebnis):
    return {k: v for k, v in ergebnis.slots.items() if k not in ("guide", "guide_step")}


def test_form_name_und_slots(domain):
    action = ValidateUnterstuetzungForm()
    assert action.name() == "validate_unterstuetzung_form"
    assert action.form_name() == "unterstuetzung_form"
    assert action.domain_slots(domain) == ["standort"]


@pytest.mark.parametrize(("text", "entities", "erwartet"), [
    ("90402", None, "90402"),
    ("Nuernberg", None, "Nuernberg"),
    ("  in Nürnberg ", None, "in Nürnberg"),
    ("Ich wohne in 90402 Nürnberg", {"plz": "90402"}, "90402"),
    ("Ich wohne in Nürnberg", {"ort": "Nürnberg"}, "Nürnberg"),
    ("Köln", None, "Köln"),
    ("904 02", None, "904 02"),
])
def test_standort_gefunden(standort, text, entities, erwartet):
    ergebnis = standort(text, entities=entities)

    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {"standort": erwartet}
    assert ergebnis.events[-2:] == [
        {"event": "slot", "timestamp": None, "name": "guide", "value": "3.000"},
        {"event": "slot", "timestamp": None, "name": "guide_step", "value": "3.000.6"},
    ]


def test_entity_auch_wenn_nicht_gefragt(standort):
    ergebnis = standort("Ich brauche Hilfe in 90402", intent="need_support",
                        entities={"plz": "90402"}, requested_slot=None)
    assert _form_slots(ergebnis) == {"standort": "90402"}


@pytest.mark.parametrize(("text", "eingabe"), [
    ("Atlantis", "Atlantis"), ("99999", "99999"), ("Frankfurt", "Frankfurt"),
    ("x" * 100, "x" * 80),
])
def test_standort_unbekannt(standort, text_von, text, eingabe):
    ergebnis = standort(text)

    assert ergebnis.keys == ["standort_unbekannt"]
    assert ergebnis.texte == [text_von("3.000.6", "standort_unbekannt", eingabe=eingabe)]
    assert f"Zu „{eingabe}“ finde ich keine zuständige Dienststelle" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    assert _form_slots(ergebnis) == {"standort": None}


@pytest.mark.parametrize("intent", ["bot_challenge", "human_handoff", "out_of_scope", "greet",
                                    "thank", "goodbye", "nlu_fallback"])
def test_abschweifung_ist_kein_standort(standort, intent):
    ergebnis = standort("Bin ich mit einem Bot in Nürnberg verbunden?", intent=intent)
    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {}


@pytest.mark.parametrize("text", ["", "  ", "/affirm"])
def test_leere_antwort_ist_kein_standort(standort, text):
    ergebnis = standort(text, intent="affirm")
    assert ergebnis.nachrichten == []
    assert _form_slots(ergebnis) == {}


def test_text_nur_als_antwort_auf_die_standortfrage(standort):
    ergebnis = standort("Nürnberg", requested_slot=None)
    assert _form_slots(ergebnis) == {}


# --- 3.000.6 offers ----------------------------------------------------------------------------


@pytest.fixture
def angebote(tracker, ausfuehren, store):
    def run(standort_wert, *, art=None, kanal="rest"):
        return ausfuehren(ActionUnterstuetzungAngebote(), tracker(
            slots={"standort": standort_wert, "angebotsart": art, "guide_step": "3.000.6",
                   "requested_slot": None},
            intent="inform", text=str(standort_wert), kanal=kanal,
            latest_action_name="unterstuetzung_form"))

    return run


def _nach_angeboten(ergebnis, genannt: bool = True) -> None:
    """After the look-up: place consumed; ``angebote_genannt`` says whether offers were read
    out (False: searched, none found; the contact note tells the difference)."""
    assert ergebnis.slot("standort") is None
    assert ergebnis.slot("angebote_genannt") is genannt
    _schritt(ergebnis, "3.000.6", "3.000.7")


@pytest.mark.parametrize("eingabe", ["90402", "Nuernberg", "Nürnberg", "904 02"])
def test_angebote_in_nuernberg(angebote, store, text_von, heute, eingabe):
    ergebnis = angebote(eingabe)

    assert ergebnis.keys == ["angebote", "angebot", "angebot", "angebot"]
    assert ergebnis.texte[0] == text_von("3.000.6", "angebote", dienststelle=MITTE,
                                         adresse=MITTE_ADRESSE, anzahl=3)
    assert ergebnis.texte[0] == (f"Ihre zuständige Dienststelle ist {MITTE}, {MITTE_ADRESSE}. "
                                 "Dort gibt es 3 passende Angebote:")
    for titel, text in zip(HEUTE_GUELTIG_NUERNBERG_MITTE, ergebnis.texte[1:], strict=True):
        assert text.startswith(titel + ".")
    erwartet = [offers.angebot_als_satz(a)
                for a in store.angebote("nuernberg-mitte", heute, None)]
    assert ergebnis.texte[1:] == erwartet
    registrierung = ergebnis.texte[2]
    assert "Ort: Eingangszone, Erdgeschoss, Raum E.12." in registrierung
    assert "montags und mittwochs 9:00-12:00 Uhr, donnerstags 14:00-17:00 Uhr" in registrierung
    assert "Sie benötigen keinen Termin." in registrierung
    assert "Barrierefreiheit: Stufenloser Zugang" in registrierung
    assert "Telefon 0911 5290-4110" in registrierung
    assert "Sie benötigen einen Termin." in ergebnis.texte[1]
    assert "Langwasser" not in ergebnis.alles
    ergebnis.pruefe_evidenz()
    _nach_angeboten(ergebnis)


def test_nur_heute_gueltige_angebote(angebote):
    """Langwasser: the Digitalkurs ended on 31.10.2026; München: the 2027 course is not yet."""
    langwasser = angebote("90473")
    assert langwasser.texte[0].startswith(
        "Ihre zuständige Dienststelle ist Agentur für Arbeit Nürnberg, Dienststelle Langwasser")
    assert "Dort gibt es ein passendes Angebot:" in langwasser.texte[0]
    assert "Begleitete Selbstinformation" in langwasser.texte[1]
    assert "Fit für die eServices" not in langwasser.alles

    muenchen = angebote("80331")
    assert "Online zur Agentur" not in muenchen.alles
    assert len(muenchen.keys) == 1 + int(muenchen.texte[0].split("Dort gibt es ")[1].split()[0])


@pytest.mark.parametrize(("art", "titel"), [
    ("online_registrierung", "Hilfe bei Registrierung und Anmeldung"),
    ("gebaerdensprache", "Beratung mit Gebärdensprachdolmetschung"),
    ("vertretung_vero", "Sprechstunde Online-Vertretung für Bevollmächtigte"),
])
def test_angebotsart_filtert(angebote, art, titel):
    ergebnis = angebote("90402", art=art)

    assert ergebnis.keys == ["angebote_eins", "angebot"]
    assert "Dort gibt es ein passendes Angebot:" in ergebnis.texte[0]
    assert ergebnis.texte[1].startswith(titel)
    _nach_angeboten(ergebnis)


@pytest.mark.parametrize(("art", "alternative", "titel"), [
    ("digitalkurs", "Agentur für Arbeit Berlin Mitte, Dienststelle Friedrichshain", None),
    ("selbstinformation_begleitet", "Agentur für Arbeit Nürnberg, Dienststelle Langwasser",
     "Begleitete Selbstinformation"),
    ("videoberatung", "Agentur für Arbeit Leipzig, Dienststelle Zentrum", "Videoberatung"),
])
def test_keine_angebote_aber_alternative(angebote, store, text_von, art, alternative, titel):
    ergebnis = angebote("90402", art=art)

    assert ergebnis.keys[:2] == ["keine_angebote", "alternative"]
    assert set(ergebnis.keys[2:]) == {"angebot"}
    assert ergebnis.texte[0] == text_von("3.000.6", "keine_angebote", dienststelle=MITTE)
    assert ergebnis.texte[0] == (f"Bei der Dienststelle {MITTE} gibt es derzeit kein "
                                 "passendes Angebot.")
    assert ergebnis.texte[1].startswith(
        f"Das nächstgelegene passende Angebot hat die Dienststelle {alternative}, ")
    if titel:
        assert ergebnis.texte[2].startswith(titel)
    assert "Fit für die eServices" not in ergebnis.alles  # Langwasser's course has ended
    ergebnis.pruefe_evidenz()
    _nach_angeboten(ergebnis)


class _OhneArt:
    """The demo store, but nowhere an offer of one kind (to reach ``keine_alternative``)."""

    def __init__(self, repo, art):
        self._repo, self._art = repo, art

    def angebote(self, dienststelle_id, stichtag, art=None):
        return [] if art == self._art else self._repo.angebote(dienststelle_id, stichtag, art)

    def __getattr__(self, name):
        return getattr(self._repo, name)


def test_keine_alternative(angebote, store, text_von):
    from actions import services

    services.use_repository(_OhneArt(store, "videoberatung"))
    ergebnis = angebote("90402", art="videoberatung")

    assert ergebnis.keys == ["keine_angebote", "keine_alternative"]
    assert ergebnis.texte[1] == text_von("3.000.6", "keine_alternative")
    assert "Das Service Center hilft Ihnen gern telefonisch weiter." in ergebnis.texte[1]
    ergebnis.pruefe_evidenz()
    _nach_angeboten(ergebnis, genannt=False)


@pytest.mark.parametrize("eingabe", ["Atlantis", "99999", "", None])
def test_angebote_unbekannter_ort(angebote, text_von, eingabe):
    ergebnis = angebote(eingabe)

    shown = eingabe or ""
    assert ergebnis.keys == ["standort_unbekannt"]
    assert ergebnis.texte == [text_von("3.000.6", "standort_unbekannt", eingabe=shown)]
    ergebnis.pruefe_evidenz()
    _nach_angeboten(ergebnis, genannt=False)


def test_angebote_im_agent_kanal(angebote):
    ergebnis = angebote("Nuernberg", kanal="agent")
    ergebnis.pruefe_evidenz("agent")
    assert ergebnis.keys[0] == "angebote"


def test_unbekannte_angebotsart_bricht_nicht_ab(angebote):
    ergebnis = angebote("90402", art="Kurse")
    assert ergebnis.keys[0] in ("angebote", "keine_angebote")
    assert ergebnis.slot("weiter") == "3.000.7"


def test_plz_im_antworttext_entscheidet(standort, angebote):
    validiert = standort("90473 Nürnberg")
    ergebnis = angebote(validiert.slot("standort"))
    assert "Dienststelle Langwasser" in ergebnis.texte[0]
