"""GLF 1.000 (Agentur für Arbeit, Eingangszone): every step action, with the real store."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.digression import ActionAntwortBotFrage
from actions.glf1000 import (
    ActionAbschlag,
    ActionAbschlussFrage,
    ActionAnliegen,
    ActionAskTerminName,
    ActionBegruessung,
    ActionOnlineNutzung,
    ActionTerminAnfragen,
    ActionUnterstuetzungAngebote,
    ActionUnterstuetzungFrage,
    ActionVerabschiedung,
    ActionWebauftragHinweis,
    ValidateTerminForm,
)
from actions.unterstuetzung import ActionAskStandort, ValidateUnterstuetzungForm

AGENTUR = {"einsatz": "agentur"}
MITTE = "Agentur für Arbeit Nürnberg, Dienststelle Mitte"


def _schritt(ergebnis, schritt, weiter, frage=None) -> None:
    assert ergebnis.slot("guide") == "1.000"
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") == frage


# --- 1.000.1 Begrüßung und Anliegen ---------------------------------------------------------


@pytest.mark.parametrize(("entities", "dienststelle", "wo"), [
    ({"dienststelle": "nuernberg-mitte"}, "nuernberg-mitte", f"in der {MITTE}"),
    ({"dienststelle": "Nuernberg-Mitte "}, "nuernberg-mitte", f"in der {MITTE}"),
    ({"ort": "Leipzig"}, "leipzig-zentrum",
     "in der Agentur für Arbeit Leipzig, Dienststelle Zentrum"),
    ({"plz": "90473"}, "nuernberg-langwasser",
     "in der Agentur für Arbeit Nürnberg, Dienststelle Langwasser"),
    ({"dienststelle": "gibt-es-nicht"}, None, "in Ihrer Agentur für Arbeit"),
    (None, None, "in Ihrer Agentur für Arbeit"),
])
def test_begruessung_startet_glf1000(tracker, ausfuehren, text_von, store, entities,
                                     dienststelle, wo):
    ergebnis = ausfuehren(ActionBegruessung(), tracker(
        intent="einsatz_agentur", text="/einsatz_agentur", entities=entities))

    assert ergebnis.keys == ["begruessung"]
    assert ergebnis.texte == [text_von("1.000.1", "begruessung", wo=wo)]
    assert ergebnis.slot("einsatz") == "agentur"
    assert ergebnis.slot("dienststelle") == dienststelle
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "1.000.1", None, "anliegen")


def test_begruessung_im_agent_kanal(tracker, ausfuehren, store):
    ergebnis = ausfuehren(ActionBegruessung(), tracker(
        intent="einsatz_agentur", entities={"dienststelle": "nuernberg-mitte"}, kanal="agent"))
    assert ergebnis.texte[0].startswith(f"Leitfaden 1.000, Eingangszone in der {MITTE}.")
    ergebnis.pruefe_evidenz("agent")


@pytest.mark.parametrize(("intent", "anliegen", "weiter", "keys"), [
    ("request_advance_payment", "abschlag", "1.000.4", []),
    ("state_hardship", "abschlag", "1.000.4", []),
    ("ask_payment_status", "zahlung", "1.000.4", []),
    ("ask_online_services", "online", "1.000.2", ["anliegen_online"]),
    ("ask_online_representation", "vero", "1.000.2", []),
    ("caller_is_representative", "vero", "1.000.2", []),
    ("request_appointment", "termin", "1.000.2", ["anliegen_termin"]),
    ("change_bank_details", "bankverbindung", "1.000.2", ["anliegen_bankverbindung"]),
    ("need_support", "unterstuetzung", "1.000.3", []),
    ("report_support_offer", "angebotsmeldung", "1.000.5", []),
])
def test_anliegen_waehlt_schritt(tracker, ausfuehren, intent, anliegen, weiter, keys):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent=intent, slots={**AGENTUR, "guide_step": "1.000.1"}))

    assert ergebnis.keys == keys
    assert ergebnis.slot("anliegen") == anliegen
    assert not ergebnis.setzt("rolle")  # the role comes from the domain's slot mappings
    _schritt(ergebnis, "1.000.1", weiter)


def test_bankverbindung_nur_online_oder_schriftlich(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent="change_bank_details", slots={**AGENTUR, "guide_step": "1.000.1"}))
    assert "online" in ergebnis.texte[0] and "schriftlich" in ergebnis.texte[0]


@pytest.mark.parametrize("intent", ["inform", "affirm", "greet", None])
def test_anliegen_unklar_fragt_nach(tracker, ausfuehren, intent):
    ergebnis = ausfuehren(ActionAnliegen(), tracker(
        intent=intent, slots={**AGENTUR, "guide_step": "1.000.6"}))

    assert ergebnis.keys == ["anliegen_frage"]
    assert ("Abschlagszahlung", "/request_advance_payment") in ergebnis.knoepfe("anliegen_frage")
    assert not ergebnis.setzt("anliegen")
    _schritt(ergebnis, "1.000.1", None, "anliegen")


# --- 1.000.2 Online-Nutzung -----------------------------------------------------------------


def test_online_nutzung_kunde(tracker, ausfuehren, text_von):
    ergebnis = ausfuehren(ActionOnlineNutzung(), tracker(
        intent="ask_online_services", slots={**AGENTUR, "anliegen": "online"}))
    assert ergebnis.texte == [text_von("1.000.2", "online_kunde")]
    assert "Nutzen Sie schon unsere Online-Angebote?" in ergebnis.texte[0]
    _schritt(ergebnis, "1.000.2", "1.000.3")


def test_online_nutzung_fragt_umfang_der_vollmacht(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionOnlineNutzung(), tracker(
        intent="caller_is_representative",
        slots={**AGENTUR, "anliegen": "vero", "rolle": "bevollmaechtigt"}))
    assert ergebnis.keys == ["frage_vollmacht"]
    assert ergebnis.knoepfe("frage_vollmacht") == [
        ("Ja, vollumfänglich", "/affirm"), ("Nein, nur für einzelne Angelegenheiten", "/deny")]
    assert not ergebnis.setzt("vollmacht_umfang")
    _schritt(ergebnis, "1.000.2", None, "vollmacht")


@pytest.mark.parametrize(("antwort", "umfang", "key", "phrase"), [
    ("affirm", "vollumfaenglich", "online_vero", "Online-Vertretung (VERO)"),
    ("deny", "teilweise", "online_teilweise", "nur für einzelne Angelegenheiten"),
])
def test_online_nutzung_nach_antwort(tracker, ausfuehren, antwort, umfang, key, phrase):
    ergebnis = ausfuehren(ActionOnlineNutzung(), tracker(
        intent=antwort, slots={**AGENTUR, "anliegen": "vero", "rolle": "bevollmaechtigt",
                               "offene_frage": "vollmacht"}))
    assert ergebnis.keys == [key]
    assert phrase in ergebnis.texte[0]
    assert ergebnis.slot("vollmacht_umfang") == umfang
    _schritt(ergebnis, "1.000.2", "1.000.3")


def test_online_nutzung_affirm_ohne_offene_frage_fragt_erneut(tracker, ausfuehren):
    """A yes to another question is not taken as the Vollmacht's scope."""
    ergebnis = ausfuehren(ActionOnlineNutzung(), tracker(
        intent="affirm", slots={**AGENTUR, "rolle": "bevollmaechtigt", "offene_frage": None}))
    assert ergebnis.keys == ["frage_vollmacht"]


# --- 1.000.3 Unterstützung vor Ort ----------------------------------------------------------


def test_unterstuetzung_frage(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionUnterstuetzungFrage(), tracker(slots=AGENTUR))
    assert ergebnis.keys == ["frage_bedarf"]
    assert "hier vor Ort" in ergebnis.texte[0]
    _schritt(ergebnis, "1.000.3", None, "unterstuetzung")


def test_angebote_der_dienststelle_mit_terminvorschlag(tracker, ausfuehren, store):
    """2026-11-18 is a Wednesday: the sign-language offer (Tuesdays) is next on 24.11."""
    ergebnis = ausfuehren(ActionUnterstuetzungAngebote(), tracker(
        intent="affirm", slots={**AGENTUR, "dienststelle": "nuernberg-mitte"}))

    assert ergebnis.keys == ["angebote", "angebot", "angebot", "angebot", "frage_termin"]
    assert ergebnis.texte[0].startswith(f"Die {MITTE}, Königstorgraben 11, 90402 Nürnberg, "
                                        "bietet 3 passende Angebote:")
    alles = " ".join(ergebnis.texte)
    assert "Beratung mit Gebärdensprachdolmetschung" in alles
    assert "Sie benötigen einen Termin." in alles and "Sie benötigen keinen Termin." in alles
    assert ergebnis.texte[-1] == (
        "Für „Beratung mit Gebärdensprachdolmetschung“ brauchen Sie einen Termin. Der nächste "
        "freie Zeitraum ist Dienstag, 24.11.2026, 9:00-12:00 Uhr. Soll ich dafür einen Termin "
        "anfragen?")
    assert ergebnis.slot("termin_angebot") == "nuernberg-mitte-gebaerdensprache"
    assert ergebnis.slot("termin_vorschlag") == "2026-11-24"
    assert ergebnis.slot("angebote_genannt") is True
    _schritt(ergebnis, "1.000.3", None, "termin")


def test_angebote_einer_art_ohne_termin(tracker, ausfuehren, store):
    ergebnis = ausfuehren(ActionUnterstuetzungAngebote(), tracker(
        intent="affirm", slots={**AGENTUR, "dienststelle": "nuernberg-mitte",
                                "angebotsart": "online_registrierung"}))
    assert ergebnis.keys == ["angebote_eins", "angebot"]
    assert "Hilfe bei Registrierung und Anmeldung" in ergebnis.texte[1]
    assert not ergebnis.setzt("termin_angebot")
    _schritt(ergebnis, "1.000.3", "1.000.6")


def test_keine_angebote_nennt_naechste_dienststelle(tracker, ausfuehren, store):
    ergebnis = ausfuehren(ActionUnterstuetzungAngebote(), tracker(
        intent="affirm", slots={**AGENTUR, "dienststelle": "nuernberg-langwasser",
                                "angebotsart": "gebaerdensprache"}))
    assert ergebnis.keys[:2] == ["keine_angebote", "alternative"]
    assert "Dienststelle Mitte" in ergebnis.texte[1]
    # the alternative needs an appointment: it is offered for the alternative's offer
    assert ergebnis.slot("termin_angebot") == "nuernberg-mitte-gebaerdensprache"


def test_ohne_dienststelle_wird_der_ort_erfragt(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionUnterstuetzungAngebote(), tracker(intent="affirm", slots=AGENTUR))
    assert ergebnis.nachrichten == []
    assert ergebnis.slot("weiter") == "1.000.3"


def test_unbekannter_ort_am_telefon(tracker, ausfuehren, store):
    ergebnis = ausfuehren(ActionUnterstuetzungAngebote(), tracker(
        intent="inform", slots={**AGENTUR, "standort": "Atlantis"}))
    assert ergebnis.keys == ["standort_unbekannt"]
    assert ergebnis.slot("angebote_genannt") is False
    _schritt(ergebnis, "1.000.3", "1.000.6")


def test_ort_am_telefon(tracker, ausfuehren, store):
    ergebnis = ausfuehren(ActionUnterstuetzungAngebote(), tracker(
        intent="inform", slots={**AGENTUR, "standort": "90473 Nuernberg"}))
    assert ergebnis.keys == ["angebote_eins", "angebot"]
    assert "Langwasser" in ergebnis.texte[0]
    assert ergebnis.slot("standort") is None
    _schritt(ergebnis, "1.000.3", "1.000.6")


def test_standortfrage_und_form_im_glf1000(tracker, ausfuehren, store, text_von):
    frage = ausfuehren(ActionAskStandort(), tracker(
        intent="affirm", slots={**AGENTUR, "requested_slot": "standort"},
        active_loop="unterstuetzung_form", latest_action_name="unterstuetzung_form"))
    assert frage.texte == [text_von("1.000.3", "frage_standort")]
    assert frage.slot("guide_step") == "1.000.3"

    falsch = ausfuehren(ValidateUnterstuetzungForm(), tracker(
        text="Atlantis", slots={**AGENTUR, "requested_slot": "standort"},
        active_loop="unterstuetzung_form"))
    assert falsch.keys == ["standort_unbekannt"]
    assert falsch.nachricht("standort_unbekannt")["leitfaden"]["guide_step"] == "1.000.3"
    assert falsch.slot("guide_step") == "1.000.3"


# --- 1.000.3 appointment ----------------------------------------------------------------------


def test_frage_nach_name(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAskTerminName(), tracker(
        intent="affirm", slots={**AGENTUR, "requested_slot": "termin_name"},
        active_loop="termin_form", latest_action_name="termin_form"))
    assert ergebnis.keys == ["frage_termin_name"]


@pytest.mark.parametrize(("text", "entities", "erwartet"), [
    ("Anna Schmidt", None, "Anna Schmidt"),
    ("ich heiße anna schmidt", None, "Anna Schmidt"),
    ("Der Termin ist für Mehmet Yilmaz", {"name": "Mehmet Yilmaz"}, "Mehmet Yilmaz"),
])
def test_termin_form_nimmt_namen(tracker, ausfuehren, text, entities, erwartet):
    ergebnis = ausfuehren(ValidateTerminForm(), tracker(
        text=text, entities=entities, slots={**AGENTUR, "requested_slot": "termin_name"},
        active_loop="termin_form"))
    assert ergebnis.slot("termin_name") == erwartet
    assert ergebnis.nachrichten == []
    assert ergebnis.slot("guide_step") == "1.000.3"


@pytest.mark.parametrize(("text", "intent"), [
    ("Nein danke", "deny"), ("Nein, doch keinen Termin", "deny"), ("Ja gerne", "affirm")])
def test_termin_form_nimmt_ja_oder_nein_nicht_als_namen(tracker, ausfuehren, text, intent):
    ergebnis = ausfuehren(ValidateTerminForm(), tracker(
        text=text, intent=intent, slots={**AGENTUR, "requested_slot": "termin_name"},
        active_loop="termin_form"))
    assert not ergebnis.setzt("termin_name")
    assert ergebnis.nachrichten == []


@pytest.mark.parametrize("text", ["Schmidt", "12345", "ja"])
def test_termin_form_weist_unvollstaendige_namen_ab(tracker, ausfuehren, text):
    ergebnis = ausfuehren(ValidateTerminForm(), tracker(
        text=text, slots={**AGENTUR, "requested_slot": "termin_name"},
        active_loop="termin_form"))
    assert ergebnis.slot("termin_name") is None
    assert ergebnis.keys == ["termin_name_ungueltig"]


def test_termin_anfragen_speichert_genau_einmal(tracker, ausfuehren, store):
    slots = {**AGENTUR, "termin_angebot": "nuernberg-mitte-gebaerdensprache",
             "termin_vorschlag": "2026-11-24", "termin_name": "Anna Schmidt"}
    ergebnis = ausfuehren(ActionTerminAnfragen(), tracker(
        slots=slots, latest_action_name="termin_form", sender_id="gespraech-termin"))

    anfragen = store.terminanfragen(angebot_id="nuernberg-mitte-gebaerdensprache")
    assert len(anfragen) == 1
    anfrage = anfragen[0]
    assert (anfrage.name, anfrage.datum, anfrage.von, anfrage.bis) == (
        "Anna Schmidt", dt.date(2026, 11, 24), dt.time(9), dt.time(12))
    assert anfrage.conversation_id == "gespraech-termin"
    assert ergebnis.keys == ["termin_angefragt"]
    assert (f"Ich habe den Termin für Anna Schmidt am Dienstag, 24.11.2026, 9:00-12:00 Uhr "
            f"angefragt (Vorgangsnummer {anfrage.nummer}).") in ergebnis.texte[0]
    assert ergebnis.slot("termin_nummer") == anfrage.nummer
    assert ergebnis.slot("termin_name") is None
    _schritt(ergebnis, "1.000.3", "1.000.6")

    # the action server runs the action again (retry): no second request
    wieder = ausfuehren(ActionTerminAnfragen(), tracker(
        slots=slots, latest_action_name="termin_form", sender_id="gespraech-termin"))
    assert len(store.terminanfragen(angebot_id="nuernberg-mitte-gebaerdensprache")) == 1
    assert wieder.slot("termin_nummer") == anfrage.nummer
    audit = store.audit(objekt_typ="Terminanfrage", objekt_id=str(anfrage.id))
    assert len(audit) == 1 and "Anna Schmidt" not in repr(audit[0].details)


def test_termin_fuer_zweite_person_im_selben_gespraech(tracker, ausfuehren, store):
    """One request per conversation, offer and day: a second name gets no foreign number."""
    slots = {**AGENTUR, "termin_angebot": "nuernberg-mitte-gebaerdensprache",
             "termin_vorschlag": "2026-11-24"}
    erste = ausfuehren(ActionTerminAnfragen(), tracker(
        slots={**slots, "termin_name": "Anna Schmidt"}, sender_id="g-zwei"))
    zweite = ausfuehren(ActionTerminAnfragen(), tracker(
        slots={**slots, "termin_name": "Jonas Schmidt"}, sender_id="g-zwei"))
    assert erste.keys == ["termin_angefragt"]
    assert zweite.keys == ["termin_bereits_angefragt"]
    assert erste.slot("termin_nummer") not in zweite.texte[0]
    assert not zweite.setzt("termin_nummer")
    assert [a.name for a in store.terminanfragen(conversation_id="g-zwei")] == ["Anna Schmidt"]
    _schritt(zweite, "1.000.3", "1.000.6")


def test_gebucht_wird_der_zugesagte_termin(tracker, ausfuehren, store):
    """The caller agreed to 01.12. (a later Tuesday): that day is booked, not the next one."""
    ergebnis = ausfuehren(ActionTerminAnfragen(), tracker(
        slots={**AGENTUR, "termin_angebot": "nuernberg-mitte-gebaerdensprache",
               "termin_vorschlag": "2026-12-01", "termin_name": "Anna Schmidt"},
        sender_id="g-zugesagt"))
    (anfrage,) = store.terminanfragen(conversation_id="g-zugesagt")
    assert anfrage.datum == dt.date(2026, 12, 1)
    assert "Dienstag, 01.12.2026, 9:00-12:00 Uhr" in ergebnis.texte[0]


@pytest.mark.parametrize("vorschlag", ["2026-11-25", "2026-11-17", "kaputt", None])
def test_nicht_mehr_freier_termin_wird_neu_vorgeschlagen(tracker, ausfuehren, store, vorschlag):
    """A Wednesday (the offer is on Tuesdays now), a past day or garbage: propose again."""
    ergebnis = ausfuehren(ActionTerminAnfragen(), tracker(
        slots={**AGENTUR, "termin_angebot": "nuernberg-mitte-gebaerdensprache",
               "termin_vorschlag": vorschlag, "termin_name": "Anna Schmidt"},
        sender_id="g-neu"))
    assert ergebnis.keys == ["termin_nicht_mehr_frei"]
    assert "Dienstag, 24.11.2026" in ergebnis.texte[0]
    assert ergebnis.slot("termin_vorschlag") == "2026-11-24"
    assert not ergebnis.setzt("termin_name")  # the name stays for the new slot
    assert store.terminanfragen(conversation_id="g-neu") == []
    _schritt(ergebnis, "1.000.3", None, "termin")


def test_termin_ohne_angebot_nicht_moeglich(tracker, ausfuehren, store):
    ergebnis = ausfuehren(ActionTerminAnfragen(), tracker(
        slots={**AGENTUR, "termin_angebot": "gibt-es-nicht", "termin_name": "Anna Schmidt"}))
    assert ergebnis.keys == ["termin_nicht_moeglich"]
    assert store.terminanfragen() == []
    _schritt(ergebnis, "1.000.3", "1.000.6")


# --- 1.000.4, 1.000.5, 1.000.6 ----------------------------------------------------------------


@pytest.mark.parametrize(("kanal", "phrase"), [
    ("rest", "ein Termin oder ein Besuch in der Agentur ist dafür nicht nötig"),
    ("agent", "Keinen Termin für den Abschlag vereinbaren."),
])
def test_abschlag_am_telefon_ohne_termin(tracker, ausfuehren, kanal, phrase):
    ergebnis = ausfuehren(ActionAbschlag(), tracker(
        intent="request_advance_payment", slots=AGENTUR, kanal=kanal))
    assert ergebnis.keys == ["abschlag"]
    assert phrase in ergebnis.texte[0]
    assert "0800 4 5555 00" in ergebnis.texte[0]
    _schritt(ergebnis, "1.000.4", "1.000.6")


def test_zahlungsfrage_in_der_agentur(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAbschlag(), tracker(
        intent="ask_payment_status", slots={**AGENTUR, "anliegen": "zahlung"}))
    assert ergebnis.keys == ["zahlung"]
    assert "Fragen zu Ihrer Zahlung" in ergebnis.texte[0] and "ohne Termin" in ergebnis.texte[0]


def test_webauftrag_hinweis_nennt_adresse(tracker, ausfuehren, monkeypatch):
    monkeypatch.setenv("LEITFADEN_WEB_URL", "http://ipsc.example:8080/")
    ergebnis = ausfuehren(ActionWebauftragHinweis(), tracker(
        intent="report_support_offer", slots=AGENTUR, kanal="agent"))
    assert "http://ipsc.example:8080/api/webauftraege" in ergebnis.texte[0]
    assert "webauftrag-beispiel.yml" in ergebnis.texte[0]
    assert ergebnis.slot("anliegen") == "angebotsmeldung"
    _schritt(ergebnis, "1.000.5", "1.000.6")


def test_webauftrag_hinweis_im_service_center_fuehrt_zu_3000_7(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionWebauftragHinweis(), tracker(
        intent="report_support_offer", slots={"guide_step": "3.000.1"}))
    assert ergebnis.slot("weiter") == "3.000.7"
    assert ergebnis.slot("anliegen") == "angebotsmeldung"
    im_gespraech = ausfuehren(ActionWebauftragHinweis(), tracker(
        intent="report_support_offer", slots={"guide_step": "3.000.6", "anliegen": "online"}))
    assert not im_gespraech.setzt("anliegen")  # the SC call's concern stays in its note


def test_abschluss_und_verabschiedung_mit_vermerk(tracker, ausfuehren, store):
    frage = ausfuehren(ActionAbschlussFrage(), tracker(slots=AGENTUR))
    assert frage.keys == ["frage_weiteres"]
    _schritt(frage, "1.000.6", None, "weiteres")

    ergebnis = ausfuehren(ActionVerabschiedung(), tracker(
        intent="deny", sender_id="gespraech-1000",
        slots={**AGENTUR, "anliegen": "unterstuetzung", "angebote_genannt": True,
               "termin_nummer": "T-000007"}))
    assert ergebnis.keys == ["verabschiedung"]
    vermerke = store.vermerke(conversation_id="gespraech-1000")
    assert [(v.guide, v.guide_step, v.anliegen) for v in vermerke] == [
        ("1.000", "1.000.6", "unterstuetzung")]
    assert vermerke[0].text == ("GLF 1.000: Anliegen Unterstützung vor Ort; "
                                "Unterstützungsangebote genannt; Terminanfrage T-000007")
    _schritt(ergebnis, "1.000.6", None)


def test_abschweifung_kehrt_zur_frage_des_glf1000_zurueck(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAntwortBotFrage(), tracker(
        intent="bot_challenge",
        slots={**AGENTUR, "guide_step": "1.000.2", "offene_frage": "vollmacht"}))
    assert ergebnis.keys == ["bot_frage", "frage_vollmacht"]
    assert "Agentur für Arbeit" in ergebnis.texte[0]
    _schritt(ergebnis, "1.000.2", None, "vollmacht")
