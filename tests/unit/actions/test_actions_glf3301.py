"""GLF 3.301 (SOC-L: payment questions and the Abschlag): every step action, real store.

The clock stands on Wednesday 2026-11-18: the regular payment for November comes on
Tuesday 01.12.2026, an Abschlag covers 01.11.-17.11.2026 (17 days). The ledger and the SOC-L
queue use ``actions.glf3301._engine()``; the fixture ``abschlag`` points it at the test store.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from actions import glf3301
from actions.glf3301 import (
    ActionAblehnung,
    ActionAskHaertegrundText,
    ActionBankverbindung,
    ActionBerechnung,
    ActionDokumentation,
    ActionEinstieg,
    ActionHaerte,
    ActionLeistungsstatus,
    ActionUeberweisung,
    ActionZustimmung,
    ValidateHaerteForm,
)
from leitfaden.abschlag import ledger, warteschlange
from leitfaden.mitarbeiter import signatur
from leitfaden.store.db import session_scope
from leitfaden.store.models import Mitarbeiter

ANNA, MEHMET, PETRA, THOMAS = "123A456789", "234B567890", "345C678901", "456D789012"
JULIA, KLAUS, ERIKA, STEFAN, LAURA = (
    "567E890123", "678F901234", "789G012345", "890H123456", "901J234567")
ANNA_IBAN = "DE89370400440532013000"
ANNA_IBAN_MASKIERT = "DE** **** **** **** **30 00"

SOCL = {"login": "socl-demo", "name": "Oliver Lindner", "rolle": "socl"}
SC = {"login": "sc-demo", "name": "Sophie Clausen", "rolle": "sc"}

MIETE_TEXT = "Meine Miete ist fällig und der Vermieter droht mit der Kündigung"
FORM = "haerte_form"


@pytest.fixture
def abschlag(store):
    """The demo store as repository, ledger and queue (the actions use its engine)."""
    assert glf3301.engine() is store.engine
    yield store
    assert glf3301.engine() is store.engine  # no action replaced the test engine


def _kunde(kundennummer: str, **mehr) -> dict:
    """Slots of a legitimated caller in GLF 3.301 (the customer themselves by default)."""
    return {"kundennummer": kundennummer, "rolle": "kunde", "anliegen": "abschlag",
            "legitimation": "erfolgreich", "guide": "3.301", "guide_step": "3.301.1",
            **mehr}


def _zustimmung(kundennummer: str = ANNA, **mehr) -> dict:
    """Slots right after the caller agreed to the amount (3.301.6 -> 3.301.7)."""
    return _kunde(kundennummer, **{
        "guide_step": "3.301.6", "offene_frage": "zustimmung", "haertegrund": "miete",
        "haertegrund_text": MIETE_TEXT, "abschlag_betrag": "889.10", **mehr})


def _mit_mitarbeiter(t, daten: dict, *, signiert: bool = True):
    """Employee metadata as the agent channel sends it: signed for this conversation."""
    eintrag = dict(daten)
    if signiert:
        eintrag["signatur"] = signatur(eintrag["login"], eintrag["rolle"], t.sender_id,
                                       b"test-geheimnis")
    t.latest_message["metadata"] = {"mitarbeiter": eintrag}
    return t


def _schritt(ergebnis, schritt, weiter, frage=None) -> None:
    assert ergebnis.slot("guide") == schritt.rsplit(".", 1)[0]
    assert ergebnis.slot("guide_step") == schritt
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") == frage


def _abschlaege(engine, kundennummer: str) -> list[ledger.AbschlagZahlung]:
    return ledger.zahlungen(engine, kundennummer=kundennummer, art="abschlag")


# --- 3.301.1 Einstieg -----------------------------------------------------------------------


@pytest.mark.parametrize(("anliegen", "key", "kanal", "anfang"), [
    ("abschlag", "einstieg_abschlag", "rest", "Sie brauchen Geld vor dem regulären Zahltag."),
    ("zahlung", "einstieg_zahlung", "rest", "Sie haben eine Frage zu Ihrer Zahlung."),
    ("abschlag", "einstieg_abschlag", "agent", "Abschlagswunsch aufgenommen."),
    ("zahlung", "einstieg_zahlung", "agent", "Zahlungsfrage aufgenommen."),
    (None, "einstieg_abschlag", "rest", "Sie brauchen Geld"),
])
def test_einstieg_nimmt_das_anliegen_auf(tracker, ausfuehren, anliegen, key, kanal, anfang):
    ergebnis = ausfuehren(ActionEinstieg(), tracker(
        slots={"anliegen": anliegen, "guide": "3.000", "guide_step": "3.000.4"}, kanal=kanal))

    assert ergebnis.keys == [key]
    assert ergebnis.texte[0].startswith(anfang)
    ergebnis.pruefe_evidenz("agent" if kanal == "agent" else "kunde")
    _schritt(ergebnis, "3.301.1", "3.301.2")


# --- 3.301.2 Leistungsstatus: every row of the contract table --------------------------------

#: (kundennummer, rolle, vollmacht_umfang, tagessatz of the status sentence or None, weiter)
VERTRAG = [
    pytest.param(ANNA, "kunde", None, "52,30 €", "3.301.3", id="anna"),
    pytest.param(KLAUS, "kunde", None, "38,75 €", "3.301.3", id="klaus"),
    pytest.param(ERIKA, "kunde", None, "45,10 €", "3.301.3", id="erika"),
    pytest.param(KLAUS, "bevollmaechtigt", "vollumfaenglich", "38,75 €", "3.301.3",
                 id="sabine-fuer-klaus"),
    pytest.param(MEHMET, "kunde", None, None, "3.301.9", id="mehmet-in-bearbeitung"),
    pytest.param(PETRA, "kunde", None, None, "3.301.9", id="petra-abgelehnt"),
    pytest.param(THOMAS, "kunde", None, None, "3.301.9", id="thomas-schutzkennzeichen-m"),
    pytest.param(JULIA, "kunde", None, "41,00 €", "3.301.9", id="julia-kein-konto"),
    pytest.param(STEFAN, "kunde", None, "60,00 €", "3.301.9", id="stefan-einmal-im-monat"),
    pytest.param(LAURA, "kunde", None, "20,00 €", "3.301.9", id="laura-unter-mindestbetrag"),
    # a partial Vollmacht does not cover benefit details: no status sentence either
    pytest.param(ERIKA, "bevollmaechtigt", "teilweise", None, "3.301.9",
                 id="martin-vollmacht-teilweise"),
]


@pytest.mark.parametrize(("kundennummer", "rolle", "umfang", "tagessatz", "weiter"), VERTRAG)
def test_leistungsstatus_fuer_jede_vertragszeile(tracker, ausfuehren, text_von, abschlag,
                                                  kundennummer, rolle, umfang, tagessatz,
                                                  weiter):
    ergebnis = ausfuehren(ActionLeistungsstatus(), tracker(slots=_kunde(
        kundennummer, rolle=rolle, vollmacht_umfang=umfang, guide_step="3.301.1")))

    if tagessatz is None:
        assert ergebnis.nachrichten == []
    elif kundennummer == JULIA:  # no account on file: the payment is not "auf Ihrem Konto"
        assert ergebnis.keys == ["status_bewilligt_ohne_konto"]
        assert "fehlt uns noch Ihre Bankverbindung" in ergebnis.texte[0]
        assert "auf Ihrem Konto" not in ergebnis.texte[0]
    else:
        assert ergebnis.keys == ["status_bewilligt"]
        assert ergebnis.texte == [text_von("3.301.2", "status_bewilligt", tagessatz=tagessatz,
                                           monat="November 2026", zahltag="01.12.2026")]
        assert ergebnis.texte[0] == (
            f"Ihr Arbeitslosengeld ist bewilligt ({tagessatz} täglich). Die Zahlung für "
            "November 2026 wird bis zum 01.12.2026 auf Ihrem Konto gutgeschrieben.")
    ergebnis.pruefe_evidenz()
    assert ergebnis.slot("weiter") == weiter
    assert ergebnis.slot("offene_frage") is None
    assert not ergebnis.setzt("abschlag_betrag")


def test_leistungsstatus_im_agent_kanal(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionLeistungsstatus(), tracker(slots=_kunde(ANNA), kanal="agent"))
    assert ergebnis.keys == ["status_bewilligt"]
    assert "01.12.2026" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz("agent")
    _schritt(ergebnis, "3.301.2", "3.301.3")


def test_zahlungsfrage_fragt_ob_ein_abschlag_gewuenscht_ist(tracker, ausfuehren, text_von,
                                                             abschlag):
    ergebnis = ausfuehren(ActionLeistungsstatus(), tracker(
        intent="ask_payment_status", slots=_kunde(ANNA, anliegen="zahlung")))

    assert ergebnis.keys == ["status_bewilligt", "frage_abschlag"]
    assert "bis zum 01.12.2026" in ergebnis.texte[0]
    assert ergebnis.texte[1] == text_von("3.301.2", "frage_abschlag")
    assert ergebnis.knoepfe("frage_abschlag") == [
        ("Ja, Abschlag prüfen", "/affirm"), ("Nein, danke", "/deny")]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.2", None, "abschlag_wunsch")


def test_zahlungsfrage_ohne_moeglichen_abschlag_wird_beantwortet(tracker, ausfuehren,
                                                                 abschlag):
    """A payment question is answered (claim pending), not refused as an Abschlag."""
    ergebnis = ausfuehren(ActionLeistungsstatus(), tracker(
        intent="ask_payment_status", slots=_kunde(MEHMET, anliegen="zahlung")))
    assert ergebnis.keys == ["status_anspruch_in_bearbeitung"]
    assert ergebnis.slot("weiter") == "3.000.7"
    assert ergebnis.slot("offene_frage") is None


def test_leistungsstatus_ohne_kunde_im_bestand_scheitert_laut(tracker, ausfuehren, abschlag):
    with pytest.raises(LookupError):
        ausfuehren(ActionLeistungsstatus(), tracker(slots=_kunde("999Z999999")))


# --- 3.301.3 Härte: the form ------------------------------------------------------------------


def _haerte(tracker, text, *, intent="state_hardship", entities=None, kanal="rest", **slots):
    return tracker(text=text, intent=intent, entities=entities, kanal=kanal,
                   slots=_kunde(ANNA, guide_step="3.301.3", requested_slot="haertegrund_text",
                                **slots),
                   active_loop=FORM)


def test_haerteform_name_und_frage(tracker, ausfuehren, text_von, domain):
    assert ValidateHaerteForm().name() == "validate_haerte_form"
    assert ValidateHaerteForm().form_name() == FORM
    assert ValidateHaerteForm().domain_slots(domain) == ["haertegrund_text"]

    ergebnis = ausfuehren(ActionAskHaertegrundText(), tracker(
        intent="affirm", slots=_kunde(ANNA, guide_step="3.301.2",
                                      requested_slot="haertegrund_text"),
        active_loop=FORM, latest_action_name=FORM))
    assert ergebnis.keys == ["frage_haerte"]
    assert ergebnis.texte == [text_von("3.301.3", "frage_haerte")]
    assert "warum kann es nicht bis zum Zahltag warten?" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.3", None)


def test_haertefrage_im_agent_kanal(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionAskHaertegrundText(), tracker(
        intent="affirm", kanal="agent", slots=_kunde(ANNA, requested_slot="haertegrund_text"),
        active_loop=FORM, latest_action_name=FORM))
    assert ergebnis.texte[0].startswith("Fragen Sie nach der Notlage")
    ergebnis.pruefe_evidenz("agent")


@pytest.mark.parametrize(("text", "intent", "entities", "art"), [
    (MIETE_TEXT, "state_hardship", {"haertegrund": "miete"}, "miete"),
    ("Miete", "inform", {"haertegrund": "miete"}, "miete"),
    ("Mir wird morgen der Strom abgestellt", "state_hardship", {"haertegrund": "energie"},
     "energie"),
    ("Ich brauche dringend meine Medikamente", "inform", {"haertegrund": "medikamente"},
     "medikamente"),
    ("Ich kann kein Essen für die Kinder kaufen", "state_hardship",
     {"haertegrund": "lebensmittel"}, "lebensmittel"),
    ("Mein Auto ist kaputt und ich komme nicht zur Arbeit", "state_hardship", None,
     "sonstiges"),
    ("Das Auto muss in die Werkstatt", "state_hardship", {"haertegrund": "auto"}, "sonstiges"),
    ("ich will das Geld einfach früher", "request_advance_payment", None, "keine"),
])
def test_haerteform_speichert_grund_und_art(tracker, ausfuehren, text, intent, entities, art):
    ergebnis = ausfuehren(ValidateHaerteForm(), _haerte(
        tracker, text, intent=intent, entities=entities))

    assert ergebnis.nachrichten == []
    assert ergebnis.slot("haertegrund_text") == text
    assert ergebnis.slot("haertegrund") == art
    assert ergebnis.slot("guide") == "3.301"
    assert ergebnis.slot("guide_step") == "3.301.3"


def test_haerteform_kuerzt_und_glaettet_den_text(tracker, ausfuehren):
    lang = "Miete   fällig,\n Kündigung droht. " + "x" * 400
    ergebnis = ausfuehren(ValidateHaerteForm(), _haerte(
        tracker, lang, entities={"haertegrund": "miete"}))
    gespeichert = ergebnis.slot("haertegrund_text")
    assert gespeichert.startswith("Miete fällig, Kündigung droht. xxx")
    assert len(gespeichert) == 300


@pytest.mark.parametrize(("text", "intent"), [("jetzt", "inform"), ("dringend", "affirm")])
def test_haerteform_zu_knapp_fragt_nach(tracker, ausfuehren, text_von, text, intent):
    ergebnis = ausfuehren(ValidateHaerteForm(), _haerte(tracker, text, intent=intent))
    assert ergebnis.keys == ["haerte_zu_knapp"]
    assert ergebnis.texte == [text_von("3.301.3", "haerte_zu_knapp")]
    assert ergebnis.slot("haertegrund_text") is None
    assert not ergebnis.setzt("haertegrund")
    ergebnis.pruefe_evidenz()


def test_haerteform_nein_ist_keine_notlage(tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateHaerteForm(), _haerte(tracker, "Nein", intent="deny"))
    assert ergebnis.nachrichten == []
    assert ergebnis.slot("haertegrund_text") == "Nein"
    assert ergebnis.slot("haertegrund") == "keine"


@pytest.mark.parametrize(("text", "intent"), [
    ("Bin ich mit einem Bot verbunden?", "bot_challenge"),
    ("Ich will mit einem Menschen sprechen", "human_handoff"),
    ("Wie wird das Wetter morgen?", "out_of_scope"),
    ("/affirm", "affirm"),
    ("", "inform"),
])
def test_haerteform_abschweifung_setzt_keinen_slot(tracker, ausfuehren, text, intent):
    """No slot event at all, so that Rasa's form rejects and the digression rules answer."""
    ergebnis = ausfuehren(ValidateHaerteForm(), _haerte(
        tracker, text, intent=intent, entities={"haertegrund": "miete"}))
    assert ergebnis.nachrichten == []
    assert ergebnis.gesetzte_slots == []


def test_haerteform_ausserhalb_der_frage_nimmt_nichts(tracker, ausfuehren):
    ergebnis = ausfuehren(ValidateHaerteForm(), tracker(
        text=MIETE_TEXT, intent="state_hardship", entities={"haertegrund": "miete"},
        slots=_kunde(ANNA, requested_slot=None), active_loop=FORM))
    assert ergebnis.gesetzte_slots == []


# --- 3.301.3 Härte: the decision ------------------------------------------------------------


@pytest.mark.parametrize(("art", "klartext"), [
    ("miete", "Miete"), ("energie", "Energie (Strom, Gas, Heizung)"),
    ("medikamente", "Medikamente"), ("lebensmittel", "Lebensmittel für den Haushalt"),
    ("sonstiges", "sonstige Notlage"),
])
def test_haerte_anerkannt_geht_zur_berechnung(tracker, ausfuehren, text_von, art, klartext):
    ergebnis = ausfuehren(ActionHaerte(), tracker(
        slots=_kunde(ANNA, guide_step="3.301.3", haertegrund=art, haertegrund_text=MIETE_TEXT),
        latest_action_name=FORM))

    assert ergebnis.keys == ["haerte_erkannt"]
    assert ergebnis.texte == [text_von("3.301.3", "haerte_erkannt", haertegrund=klartext,
                                       haertegrund_text=MIETE_TEXT)]
    assert ergebnis.texte[0] == f"Vielen Dank. Ich habe Ihre Notlage festgehalten: {klartext}."
    assert not ergebnis.setzt("abschlag_ergebnis")
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.3", "3.301.4")


def test_haerte_im_agent_kanal_zeigt_die_worte_des_anrufers(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionHaerte(), tracker(
        kanal="agent", latest_action_name=FORM,
        slots=_kunde(ANNA, haertegrund="miete", haertegrund_text=MIETE_TEXT)))
    assert ergebnis.texte == [
        f"Härtegrund erfasst: Miete („{MIETE_TEXT}“). Die Entscheidung liegt in Ihrem Ermessen."]
    ergebnis.pruefe_evidenz("agent")


@pytest.mark.parametrize("art", ["keine", None])
def test_geld_nur_frueher_ist_keine_notlage(tracker, ausfuehren, text_von, art):
    ergebnis = ausfuehren(ActionHaerte(), tracker(
        latest_action_name=FORM,
        slots=_kunde(ANNA, guide_step="3.301.3", haertegrund=art,
                     haertegrund_text="ich will das Geld einfach früher")))

    assert ergebnis.keys == ["haerte_nicht_ausreichend"]
    assert ergebnis.texte == [text_von("3.301.3", "haerte_nicht_ausreichend",
                                       haertegrund_text="ich will das Geld einfach früher")]
    assert "Den Wunsch, das Geld früher zu haben, kann ich leider nicht als Notlage werten." \
        in ergebnis.texte[0]
    assert ergebnis.slot("abschlag_ergebnis") == "keine_haerte"
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.3", "3.000.7")


def test_form_bis_zur_ablehnung_ohne_notlage(tracker, ausfuehren):
    """The form's answer "ich will das Geld einfach früher" ends in the refusal (3.000.7)."""
    form = ausfuehren(ValidateHaerteForm(), _haerte(
        tracker, "ich will das Geld einfach früher", intent="request_advance_payment"))
    haerte = ausfuehren(ActionHaerte(), tracker(
        latest_action_name=FORM, slots=_kunde(ANNA, **{
            k: form.slot(k) for k in ("haertegrund", "haertegrund_text")})))
    assert haerte.keys == ["haerte_nicht_ausreichend"]
    assert haerte.slot("weiter") == "3.000.7"


def test_haerte_im_agent_kanal_ohne_notlage(tracker, ausfuehren):
    ergebnis = ausfuehren(ActionHaerte(), tracker(
        kanal="agent", slots=_kunde(ANNA, haertegrund="keine", haertegrund_text="früher")))
    assert ergebnis.texte == ["Kein konkreter Härtegrund genannt („früher“). Ohne Notlage kein "
                              "Abschlag (Ermessen); erklären Sie den regulären Zahltag."]
    ergebnis.pruefe_evidenz("agent")


# --- 3.301.4 Berechnung ---------------------------------------------------------------------


def test_berechnung_fuer_anna(tracker, ausfuehren, text_von, abschlag):
    ergebnis = ausfuehren(ActionBerechnung(), tracker(slots=_kunde(
        ANNA, guide_step="3.301.3", haertegrund="miete", haertegrund_text=MIETE_TEXT)))

    assert ergebnis.keys == ["berechnung"]
    assert ergebnis.texte == [text_von("3.301.4", "berechnung", betrag="889,10 €",
                                       von="01.11.2026", bis="17.11.2026", berechnung="")]
    assert ergebnis.texte[0] == ("Für die zurückliegenden Tage vom 01.11.2026 bis 17.11.2026 "
                                 "ist eine Abschlagszahlung von 889,10 € möglich.")
    assert ergebnis.slot("abschlag_betrag") == "889.10"
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.4", "3.301.5")


def test_berechnung_im_agent_kanal_zeigt_den_rechenweg(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionBerechnung(), tracker(slots=_kunde(ANNA), kanal="agent"))
    assert ergebnis.texte == [
        "Berechnung: 17 Tage × 52,30 € − 0,00 € = 889,10 €. Nennen Sie den Betrag: 889,10 € "
        "für 01.11.2026 bis 17.11.2026."]
    assert "17 Tage × 52,30 €" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz("agent")


def test_berechnung_fuer_sabine_als_bevollmaechtigte(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionBerechnung(), tracker(slots=_kunde(
        KLAUS, rolle="bevollmaechtigt", vollmacht_umfang="vollumfaenglich")))
    assert "658,75 €" in ergebnis.texte[0]
    assert ergebnis.slot("abschlag_betrag") == "658.75"
    assert ergebnis.slot("weiter") == "3.301.5"


@pytest.mark.parametrize("kundennummer", [MEHMET, LAURA, STEFAN, THOMAS])
def test_berechnung_ohne_moeglichen_betrag_fuehrt_zur_ablehnung(tracker, ausfuehren, abschlag,
                                                                kundennummer):
    ergebnis = ausfuehren(ActionBerechnung(), tracker(slots=_kunde(kundennummer)))
    assert ergebnis.nachrichten == []
    assert not ergebnis.setzt("abschlag_betrag")
    assert ergebnis.slot("weiter") == "3.301.9"


# --- 3.301.5 Bankverbindung -----------------------------------------------------------------


@pytest.mark.parametrize("kanal", ["rest", "agent", "twilio_voice"])
def test_bankverbindung_nennt_nur_die_letzten_vier_ziffern(tracker, ausfuehren, text_von,
                                                           abschlag, kanal):
    ergebnis = ausfuehren(ActionBankverbindung(), tracker(
        slots=_kunde(ANNA, guide_step="3.301.4", abschlag_betrag="889.10"), kanal=kanal))

    assert ergebnis.keys == ["frage_konto"]
    wording_kanal = {"rest": "kunde", "agent": "agent", "twilio_voice": "telefon"}[kanal]
    assert ergebnis.texte == [text_von("3.301.5", "frage_konto", wording_kanal, letzte4="3000")]
    assert "IBAN-Endung 3000." in ergebnis.texte[0]
    for teil in (ANNA_IBAN, ANNA_IBAN[:-4], "0532013000", "DE89", "370400"):
        assert teil not in ergebnis.alles
    assert ergebnis.knoepfe("frage_konto") == [
        ("Ja, das Konto stimmt", "/affirm"),
        ("Nein, ich habe ein neues Konto", "/change_bank_details")]
    ergebnis.pruefe_evidenz(wording_kanal)
    _schritt(ergebnis, "3.301.5", None, "konto")


@pytest.mark.parametrize("intent", ["deny", "change_bank_details"])
def test_geaendertes_konto_keine_ueberweisung(tracker, ausfuehren, text_von, abschlag, intent):
    ergebnis = ausfuehren(ActionBankverbindung(), tracker(
        intent=intent, text="Nein, ich habe ein neues Konto",
        slots=_kunde(ANNA, guide_step="3.301.5", offene_frage="konto",
                     abschlag_betrag="889.10")))

    assert ergebnis.keys == ["konto_geaendert"]
    assert ergebnis.texte == [text_von("3.301.5", "konto_geaendert")]
    assert "Eine Überweisung auf ein anderes Konto ist nicht möglich." in ergebnis.texte[0]
    assert ergebnis.slot("abschlag_ergebnis") == "konto_geaendert"
    assert _abschlaege(abschlag.engine, ANNA) == []
    assert warteschlange.offene_antraege(abschlag.engine) == []
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.5", "3.000.7")


def test_nein_ohne_kontofrage_fragt_nach_dem_konto(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionBankverbindung(), tracker(
        intent="deny", slots=_kunde(ANNA, offene_frage="zustimmung")))
    assert ergebnis.keys == ["frage_konto"]
    assert ergebnis.slot("offene_frage") == "konto"


def test_ohne_konto_zur_ablehnung(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionBankverbindung(), tracker(slots=_kunde(JULIA)))
    assert ergebnis.nachrichten == []
    assert ergebnis.slot("weiter") == "3.301.9"


# --- 3.301.6 Zustimmung ---------------------------------------------------------------------


def test_zustimmung_nennt_betrag_und_verrechnung(tracker, ausfuehren, text_von, abschlag):
    ergebnis = ausfuehren(ActionZustimmung(), tracker(
        intent="affirm", slots=_kunde(ANNA, guide_step="3.301.5", offene_frage="konto")))

    assert ergebnis.keys == ["frage_zustimmung"]
    assert ergebnis.texte == [text_von("3.301.6", "frage_zustimmung", betrag="889,10 €",
                                       zahltag="01.12.2026")]
    assert ergebnis.texte[0].startswith(
        "Die Abschlagszahlung von 889,10 € wird mit Ihrer nächsten regulären Zahlung am "
        "01.12.2026 verrechnet")
    assert ergebnis.knoepfe("frage_zustimmung") == [
        ("Ja, einverstanden", "/affirm"), ("Nein", "/deny")]
    assert ergebnis.slot("abschlag_betrag") == "889.10"
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.6", None, "zustimmung")


def test_keine_zustimmung_keine_ueberweisung(tracker, ausfuehren, text_von, abschlag):
    ergebnis = ausfuehren(ActionZustimmung(), tracker(intent="deny", slots=_zustimmung()))

    assert ergebnis.keys == ["keine_zustimmung"]
    assert ergebnis.texte == [text_von("3.301.6", "keine_zustimmung", zahltag="01.12.2026")]
    assert "bis zum 01.12.2026" in ergebnis.texte[0]
    assert ergebnis.slot("abschlag_ergebnis") == "keine_zustimmung"
    assert _abschlaege(abschlag.engine, ANNA) == []
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.6", "3.000.7")


def test_zustimmung_nicht_mehr_moeglich(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionZustimmung(), tracker(intent="affirm", slots=_kunde(STEFAN)))
    assert ergebnis.nachrichten == []
    assert ergebnis.slot("weiter") == "3.301.9"


# --- 3.301.7 Überweisung --------------------------------------------------------------------


def test_socl_ueberweist_genau_einmal(tracker, ausfuehren, text_von, abschlag):
    t = _mit_mitarbeiter(tracker(intent="affirm", kanal="agent", sender_id="g-socl",
                                 slots=_zustimmung()), SOCL)
    ergebnis = ausfuehren(ActionUeberweisung(), t)

    (zahlung,) = _abschlaege(abschlag.engine, ANNA)
    assert zahlung.betrag == Decimal("889.10")
    assert (zahlung.status, zahlung.angewiesen_von, zahlung.haertegrund) == (
        "angewiesen", "socl-demo", "miete")
    assert (zahlung.zeitraum_von.isoformat(), zahlung.zeitraum_bis.isoformat()) == (
        "2026-11-01", "2026-11-17")
    assert zahlung.iban == ANNA_IBAN
    nummer = zahlung.bestaetigungsnummer
    assert nummer.startswith("AB-2026-")

    assert ergebnis.keys == ["ueberwiesen"]
    u = ledger.ueberweisung(abschlag.engine, nummer)
    assert ergebnis.texte == [text_von(
        "3.301.7", "ueberwiesen", "agent", betrag="889,10 €", nummer=nummer,
        iban_maskiert=ANNA_IBAN_MASKIERT, gutschrift_von=f"{u.gutschrift_von:%d.%m.%Y}",
        gutschrift_bis=f"{u.gutschrift_bis:%d.%m.%Y}")]
    assert f"889,10 € auf IBAN {ANNA_IBAN_MASKIERT}, Bestätigungsnummer {nummer}" \
        in ergebnis.texte[0]
    assert ANNA_IBAN not in ergebnis.alles and "0532013000" not in ergebnis.alles
    assert ergebnis.slot("abschlag_nummer") == nummer
    assert ergebnis.slot("abschlag_ergebnis") == "ueberwiesen"
    assert warteschlange.offene_antraege(abschlag.engine) == []
    ergebnis.pruefe_evidenz("agent")
    _schritt(ergebnis, "3.301.7", "3.301.8")


def test_wiederholung_zahlt_nicht_doppelt(tracker, ausfuehren, abschlag):
    slots = _zustimmung()
    for _ in range(2):
        ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
            intent="affirm", kanal="agent", sender_id="g-retry", slots=slots), SOCL))
    assert len(_abschlaege(abschlag.engine, ANNA)) == 1
    assert warteschlange.offene_antraege(abschlag.engine) == []


def test_wiederholung_nennt_dieselbe_bestaetigungsnummer(tracker, ausfuehren, abschlag):
    slots = _zustimmung()
    erste = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", sender_id="g-retry", slots=slots), SOCL))
    wieder = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", sender_id="g-retry", slots=slots), SOCL))

    assert len(_abschlaege(abschlag.engine, ANNA)) == 1
    assert wieder.keys == ["ueberwiesen"]
    assert wieder.slot("abschlag_nummer") == erste.slot("abschlag_nummer")
    assert erste.slot("abschlag_nummer") in wieder.texte[0]
    assert wieder.slot("weiter") == "3.301.8"


def test_sc_mitarbeiterin_stellt_nur_einen_antrag(tracker, ausfuehren, text_von, abschlag):
    t = _mit_mitarbeiter(tracker(intent="affirm", kanal="agent", sender_id="g-sc",
                                 slots=_zustimmung()), SC)
    ergebnis = ausfuehren(ActionUeberweisung(), t)

    assert _abschlaege(abschlag.engine, ANNA) == []
    (antrag,) = warteschlange.offene_antraege(abschlag.engine)
    assert (antrag.kundennummer, antrag.betrag, antrag.haertegrund) == (
        ANNA, Decimal("889.10"), "miete")
    assert antrag.conversation_id == "g-sc"
    assert ergebnis.keys == ["keine_berechtigung"]
    assert ergebnis.texte == [text_von("3.301.7", "keine_berechtigung", "agent",
                                       betrag="889,10 €", nummer=antrag.vorgangsnummer)]
    assert f"Vorgangsnummer {antrag.vorgangsnummer}" in ergebnis.texte[0]
    assert ergebnis.slot("abschlag_nummer") == antrag.vorgangsnummer
    assert ergebnis.slot("abschlag_ergebnis") == "antrag"
    ergebnis.pruefe_evidenz("agent")
    _schritt(ergebnis, "3.301.7", "3.301.8")


@pytest.mark.parametrize("metadaten", [None, SOCL], ids=["ohne", "gefaelscht-socl"])
def test_kunden_chat_bereitet_nur_einen_antrag_vor(tracker, ausfuehren, text_von, abschlag,
                                                    metadaten):
    """The customer channel never transfers, even with employee metadata in the message."""
    t = tracker(intent="affirm", kanal="rest", sender_id="g-chat", slots=_zustimmung())
    if metadaten is not None:
        _mit_mitarbeiter(t, metadaten)
    ergebnis = ausfuehren(ActionUeberweisung(), t)

    assert _abschlaege(abschlag.engine, ANNA) == []
    (antrag,) = warteschlange.offene_antraege(abschlag.engine)
    assert (antrag.kundennummer, antrag.betrag, antrag.status) == (
        ANNA, Decimal("889.10"), "offen")
    assert antrag.vorgangsnummer.startswith("VG-2026-")
    assert antrag.haertegrund_text == MIETE_TEXT
    assert antrag.berechnung["betrag"] == "889.10"
    assert ergebnis.keys == ["antrag_vorbereitet"]
    assert ergebnis.texte == [text_von("3.301.7", "antrag_vorbereitet", betrag="889,10 €",
                                       nummer=antrag.vorgangsnummer)]
    assert f"Ihre Vorgangsnummer ist {antrag.vorgangsnummer}" in ergebnis.texte[0]
    assert ergebnis.slot("abschlag_nummer") == antrag.vorgangsnummer
    assert ergebnis.slot("abschlag_ergebnis") == "antrag"
    assert "socl-demo" not in ergebnis.alles
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.7", "3.301.8")


def test_kunden_chat_wiederholung_nennt_denselben_vorgang(tracker, ausfuehren, abschlag):
    ergebnisse = [ausfuehren(ActionUeberweisung(), tracker(
        intent="affirm", sender_id="g-chat-retry", slots=_zustimmung())) for _ in range(2)]
    (antrag,) = warteschlange.offene_antraege(abschlag.engine)
    assert [e.slot("abschlag_nummer") for e in ergebnisse] == [antrag.vorgangsnummer] * 2
    assert [e.keys for e in ergebnisse] == [["antrag_vorbereitet"]] * 2


def test_zweiter_antrag_im_monat_aus_anderem_gespraech(tracker, ausfuehren, text_von,
                                                       abschlag):
    erste = ausfuehren(ActionUeberweisung(), tracker(
        intent="affirm", sender_id="g-eins", slots=_zustimmung()))
    zweite = ausfuehren(ActionUeberweisung(), tracker(
        intent="affirm", sender_id="g-zwei", slots=_zustimmung()))

    nummer = erste.slot("abschlag_nummer")
    assert zweite.keys == ["antrag_bereits_offen"]
    assert zweite.texte == [text_von("3.301.7", "antrag_bereits_offen", nummer=nummer)]
    assert zweite.slot("abschlag_ergebnis") == "antrag_offen"
    assert not zweite.setzt("abschlag_nummer")
    assert len(warteschlange.offene_antraege(abschlag.engine)) == 1
    zweite.pruefe_evidenz()
    _schritt(zweite, "3.301.7", "3.000.7")


@pytest.mark.parametrize(("kanal", "mitarbeiter"), [("agent", SOCL), ("rest", None)])
def test_geaenderter_betrag_fragt_erneut(tracker, ausfuehren, text_von, abschlag, kanal,
                                         mitarbeiter):
    t = tracker(intent="affirm", kanal=kanal, sender_id="g-betrag",
                slots=_zustimmung(abschlag_betrag="836.80"))
    if mitarbeiter:
        _mit_mitarbeiter(t, mitarbeiter)
    ergebnis = ausfuehren(ActionUeberweisung(), t)

    wording_kanal = "agent" if kanal == "agent" else "kunde"
    assert ergebnis.keys == ["frage_zustimmung"]
    assert ergebnis.texte == [text_von("3.301.6", "frage_zustimmung", wording_kanal,
                                       betrag="889,10 €", zahltag="01.12.2026")]
    assert ergebnis.slot("abschlag_betrag") == "889.10"
    assert not ergebnis.setzt("abschlag_nummer")
    assert _abschlaege(abschlag.engine, ANNA) == []
    assert warteschlange.offene_antraege(abschlag.engine) == []
    ergebnis.pruefe_evidenz(wording_kanal)
    _schritt(ergebnis, "3.301.6", None, "zustimmung")


def test_ueberweisung_ohne_vorherige_betragsnennung_fragt(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", slots=_zustimmung(abschlag_betrag=None)), SOCL))
    assert ergebnis.keys == ["frage_zustimmung"]
    assert _abschlaege(abschlag.engine, ANNA) == []


def test_ueberweisung_nicht_mehr_moeglich(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", slots=_zustimmung(STEFAN)), SOCL))
    assert ergebnis.nachrichten == []
    assert ergebnis.slot("weiter") == "3.301.9"
    assert [z.referenz for z in _abschlaege(abschlag.engine, STEFAN)] == [
        "DEMO-ABS-20261105-0001"]
    assert warteschlange.offene_antraege(abschlag.engine) == []


def test_zweites_gespraech_zahlt_nicht_doppelt(tracker, ausfuehren, abschlag):
    """Paid by SOC-L in one conversation: another conversation pays nothing."""
    ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", sender_id="g-a", slots=_zustimmung()), SOCL))
    zweite = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", sender_id="g-b", slots=_zustimmung()), SOCL))
    assert len(_abschlaege(abschlag.engine, ANNA)) == 1
    assert zweite.slot("weiter") == "3.301.9"
    assert not zweite.setzt("abschlag_nummer")


def test_entzogene_rechte_stellen_den_antrag_in_die_warteschlange(tracker, ausfuehren,
                                                                  text_von, abschlag):
    """The SOC-L account was deactivated since it signed in: nothing paid, the request queued."""
    with session_scope(abschlag.engine) as s:
        s.execute(update(Mitarbeiter).where(Mitarbeiter.login == "socl-demo")
                  .values(aktiv=False))
    ergebnis = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", sender_id="g-inaktiv", slots=_zustimmung()), SOCL))

    assert _abschlaege(abschlag.engine, ANNA) == []
    (antrag,) = warteschlange.offene_antraege(abschlag.engine)
    assert ergebnis.keys == ["keine_berechtigung"]
    assert ergebnis.texte == [text_von("3.301.7", "keine_berechtigung", "agent",
                                       betrag="889,10 €", nummer=antrag.vorgangsnummer)]
    assert ergebnis.slot("abschlag_nummer") == antrag.vorgangsnummer
    ergebnis.pruefe_evidenz("agent")
    _schritt(ergebnis, "3.301.7", "3.301.8")


def test_ledger_verweigert_die_ueberweisung(tracker, ausfuehren, abschlag, monkeypatch):
    """Any other refusal of the ledger is explained with its message; nothing is paid."""
    def verweigern(*args, **kwargs):
        raise ledger.KontoAbweichend("Konto weicht ab.")

    monkeypatch.setattr(ledger, "abschlag_ueberweisen", verweigern)
    ergebnis = ausfuehren(ActionUeberweisung(), _mit_mitarbeiter(tracker(
        intent="affirm", kanal="agent", sender_id="g-konto", slots=_zustimmung()), SOCL))

    assert ergebnis.keys == ["ueberweisung_nicht_moeglich"]
    assert ergebnis.texte == [
        "Überweisung abgelehnt: Konto weicht ab. Es wurde nichts überwiesen."]
    assert ergebnis.slot("abschlag_ergebnis") == "nicht_ueberwiesen"
    assert not ergebnis.setzt("abschlag_nummer")
    assert _abschlaege(abschlag.engine, ANNA) == []
    assert warteschlange.offene_antraege(abschlag.engine) == []
    ergebnis.pruefe_evidenz("agent")
    _schritt(ergebnis, "3.301.7", "3.000.7")


# --- 3.301.8 Dokumentation ------------------------------------------------------------------


@pytest.mark.parametrize(("ergebnis_slot", "nummer", "vermerk_anfang"), [
    ("ueberwiesen", "AB-2026-000123", "GLF 3.301: Abschlag überwiesen AB-2026-000123;"),
    ("antrag", "VG-2026-000042", "GLF 3.301: Antrag an SOC-L VG-2026-000042;"),
])
def test_dokumentation_schreibt_vermerk(tracker, ausfuehren, text_von, abschlag,
                                        ergebnis_slot, nummer, vermerk_anfang):
    ergebnis = ausfuehren(ActionDokumentation(), tracker(
        sender_id="g-doku", slots=_zustimmung(
            guide_step="3.301.7", abschlag_ergebnis=ergebnis_slot, abschlag_nummer=nummer)))

    (vermerk,) = abschlag.vermerke(conversation_id="g-doku")
    assert (vermerk.guide, vermerk.guide_step, vermerk.anliegen, vermerk.kundennummer) == (
        "3.301", "3.301.8", "abschlag", ANNA)
    assert vermerk.text == (f"{vermerk_anfang} Härtegrund Miete ({MIETE_TEXT}); "
                            "Betrag 889,10 €")
    assert vermerk.created_by == "leitfaden:kunde"
    assert ergebnis.keys == ["kein_besuch"]
    assert ergebnis.texte == [text_von("3.301.8", "kein_besuch")]
    assert "nicht nötig" in ergebnis.texte[0]
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.8", "3.000.7")


def test_dokumentation_im_agent_kanal(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionDokumentation(), _mit_mitarbeiter(tracker(
        kanal="agent", sender_id="g-doku-agent",
        slots=_zustimmung(abschlag_ergebnis="ueberwiesen", abschlag_nummer="AB-2026-000001")),
        SOCL))
    (vermerk,) = abschlag.vermerke(conversation_id="g-doku-agent")
    assert vermerk.created_by == "socl-demo"
    assert vermerk.guide == "3.301"
    assert "nicht nötig" in ergebnis.texte[0]
    assert ergebnis.texte[0].startswith("Der Vermerk ist in der Akte gespeichert.")
    ergebnis.pruefe_evidenz("agent")


# --- 3.301.9 Ablehnung ----------------------------------------------------------------------


def test_ablehnung_in_bearbeitung_bietet_vorschuss(tracker, ausfuehren, text_von, abschlag):
    ergebnis = ausfuehren(ActionAblehnung(), tracker(
        sender_id="g-mehmet", slots=_kunde(MEHMET, guide_step="3.301.2")))

    assert ergebnis.keys == ["ablehnung", "grund", "alternative", "vorschuss_webauftrag"]
    assert ergebnis.texte[0] == "Eine Abschlagszahlung ist leider nicht möglich."
    assert "Über den Antrag auf Arbeitslosengeld ist noch nicht entschieden." in ergebnis.texte[1]
    assert "Ein Vorschuss ist möglich" in ergebnis.texte[2]
    assert ergebnis.texte[3] == text_von("3.301.9", "vorschuss_webauftrag", vermerk_nr="")
    assert "Eingangszone" not in ergebnis.alles

    webauftrag, ablehnung = abschlag.vermerke(conversation_id="g-mehmet")
    assert webauftrag.text.startswith("Webauftrag an das Leistungsteam: Vorschuss prüfen")
    assert ablehnung.text == "GLF 3.301: kein Abschlag – anspruch_in_bearbeitung"
    for v in (webauftrag, ablehnung):
        assert (v.guide, v.guide_step, v.kundennummer) == ("3.301", "3.301.9", MEHMET)
        assert v.created_by == "leitfaden:kunde"
    assert ergebnis.slot("abschlag_ergebnis") == "abgelehnt"
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.9", "3.000.7")


def test_ablehnung_im_agent_kanal_nennt_den_webauftrag(tracker, ausfuehren, abschlag):
    ergebnis = ausfuehren(ActionAblehnung(), _mit_mitarbeiter(tracker(
        kanal="agent", sender_id="g-mehmet-agent", slots=_kunde(MEHMET)), SC))
    webauftrag, ablehnung = abschlag.vermerke(conversation_id="g-mehmet-agent")
    assert ergebnis.text("vorschuss_webauftrag") == (
        f"Webauftrag „Vorschuss prüfen“ an das Leistungsteam ist angelegt "
        f"(Vermerk {webauftrag.id}).")
    assert {webauftrag.created_by, ablehnung.created_by} == {"sc-demo"}
    assert "Eingangszone" not in ergebnis.alles
    ergebnis.pruefe_evidenz("agent")


@pytest.mark.parametrize(("kundennummer", "rolle", "umfang", "code", "satz"), [
    (PETRA, "kunde", None, "anspruch_abgelehnt", "Jobcenter"),
    (JULIA, "kunde", None, "kein_konto", "nur online oder schriftlich"),
    (STEFAN, "kunde", None, "abschlag_im_monat", "200,00 € am 05.11.2026"),
    (LAURA, "kunde", None, "unter_mindestbetrag", "Mindestbetrag"),
    (ERIKA, "bevollmaechtigt", "teilweise", "vollmacht_teilweise",
     "Ihre Vollmacht ist nicht vollumfänglich."),
])
def test_ablehnung_nennt_gruende_und_alternative(tracker, ausfuehren, abschlag, kundennummer,
                                                  rolle, umfang, code, satz):
    ergebnis = ausfuehren(ActionAblehnung(), tracker(sender_id="g-ablehnung", slots=_kunde(
        kundennummer, rolle=rolle, vollmacht_umfang=umfang)))

    assert ergebnis.keys == ["ablehnung", "grund", "alternative"]
    assert satz in " ".join(ergebnis.texte)
    assert "Eingangszone" not in ergebnis.alles
    (vermerk,) = abschlag.vermerke(conversation_id="g-ablehnung")
    assert vermerk.text == f"GLF 3.301: kein Abschlag – {code}"
    assert (vermerk.guide, vermerk.guide_step) == ("3.301", "3.301.9")
    ergebnis.pruefe_evidenz()
    _schritt(ergebnis, "3.301.9", "3.000.7")


@pytest.mark.parametrize("kanal", ["rest", "agent"])
def test_ablehnung_schutzkennzeichen_m_sagt_nichts_persoenliches(tracker, ausfuehren, abschlag,
                                                                 kanal):
    t = tracker(kanal=kanal, sender_id="g-m", slots=_kunde(THOMAS))
    if kanal == "agent":
        _mit_mitarbeiter(t, SC)
    ergebnis = ausfuehren(ActionAblehnung(), t)

    assert ergebnis.keys == ["ablehnung", "grund", "alternative"]
    assert ergebnis.texte[1] == "Dieses Anliegen kann im Service Center nicht bearbeitet werden."
    assert "Team für geschützte Datensätze" in ergebnis.texte[2]
    gesagt = " ".join(ergebnis.texte)
    for persoenlich in ("48,00", "täglich", "Thomas", "Becker", "Köln", "DE94", "4455",
                        "bewilligt", "01.10.2026", "01.12.2026"):
        assert persoenlich not in gesagt
    (vermerk,) = abschlag.vermerke(conversation_id="g-m")
    assert vermerk.text == "GLF 3.301: kein Abschlag – schutzkennzeichen_m"
    assert "Eingangszone" not in ergebnis.alles
    ergebnis.pruefe_evidenz("agent" if kanal == "agent" else "kunde")


def test_schutzkennzeichen_m_vom_status_bis_zur_ablehnung_ohne_zahlen(tracker, ausfuehren,
                                                                      abschlag):
    status = ausfuehren(ActionLeistungsstatus(), tracker(
        intent="ask_payment_status", slots=_kunde(THOMAS, anliegen="zahlung")))
    berechnung = ausfuehren(ActionBerechnung(), tracker(slots=_kunde(THOMAS)))
    assert status.nachrichten == [] and berechnung.nachrichten == []
    assert status.slot("weiter") == "3.000.7"  # a payment question: nothing to tell
    assert berechnung.slot("weiter") == "3.301.9"
    assert not berechnung.setzt("abschlag_betrag")


def test_ungezeichnete_mitarbeiterangaben_ueberweisen_nicht(tracker, ausfuehren, abschlag):
    """A REST client can claim input channel "agent" and send employee metadata: without the
    agent channel's signature for this conversation it is a customer (request queued)."""
    t = _mit_mitarbeiter(tracker(intent="affirm", kanal="agent", sender_id="g-falsch",
                                 slots=_zustimmung()), SOCL, signiert=False)
    ergebnis = ausfuehren(ActionUeberweisung(), t)
    assert _abschlaege(abschlag.engine, ANNA) == []
    assert ergebnis.keys == ["antrag_vorbereitet"]
    fremd = _mit_mitarbeiter(tracker(intent="affirm", kanal="agent", sender_id="g-falsch-2",
                                     slots=_zustimmung()), SOCL)
    fremd.latest_message["metadata"]["mitarbeiter"]["signatur"] = signatur(
        "socl-demo", "socl", "ein-anderes-gespraech", b"test-geheimnis")
    ausfuehren(ActionUeberweisung(), fremd)
    assert _abschlaege(abschlag.engine, ANNA) == []


def test_teilweise_vollmacht_bleibt_auch_wenn_sich_die_rolle_aendert(tracker, ausfuehren,
                                                                    abschlag):
    """Martin Braun (partial Vollmacht) says "ich rufe für mich selbst an" later: the slot
    rolle becomes kunde, but the legitimation's Vollmacht still decides."""
    ergebnis = ausfuehren(ActionLeistungsstatus(), tracker(slots=_kunde(
        ERIKA, rolle="kunde", vollmacht_umfang="teilweise", guide_step="3.301.1")))
    assert ergebnis.nachrichten == []  # no benefit details either
    assert ergebnis.slot("weiter") == "3.301.9"


@pytest.mark.parametrize(("kundennummer", "key"), [
    (MEHMET, "status_anspruch_in_bearbeitung"), (PETRA, "status_anspruch_abgelehnt")])
def test_zahlungsfrage_ohne_abschlag_ablehnung_und_ohne_webauftrag(tracker, ausfuehren, abschlag,
                                                                 kundennummer, key):
    ergebnis = ausfuehren(ActionLeistungsstatus(), tracker(
        slots=_kunde(kundennummer, anliegen="zahlung"), sender_id=f"g-zahlung-{key}"))
    assert ergebnis.keys == [key]
    assert "Abschlag" not in ergebnis.texte[0]
    assert ergebnis.slot("weiter") == "3.000.7"
    assert abschlag.vermerke(conversation_id=f"g-zahlung-{key}") == []


@pytest.mark.parametrize(("text", "intent", "art"), [
    ("Mein Auto ist kaputt und ich brauche es morgen für die Arbeit", "nlu_fallback",
     "sonstiges"),
    ("Die Kita-Gebühren sind fällig, sonst ist der Platz weg", "inform", "sonstiges"),
    ("Ich will das Geld einfach früher haben", "request_advance_payment", "keine"),
])
def test_haertebeschreibung_unabhaengig_vom_intent(tracker, ausfuehren, text, intent, art):
    """Whatever the NLU made of it, a description is recorded (the SOC-L judges it)."""
    ergebnis = ausfuehren(ValidateHaerteForm(), _haerte(tracker, text, intent=intent))
    assert ergebnis.slot("haertegrund_text") == text
    assert ergebnis.slot("haertegrund") == art
