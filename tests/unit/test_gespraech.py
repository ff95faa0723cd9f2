"""GLF 3.000 and 1.000 conversation rules: concerns, who may see what, the contact note."""

from __future__ import annotations

import datetime as dt

import pytest

from leitfaden.gespraech import (
    ANLIEGEN_NACH_INTENT,
    LEGITIMIERT,
    OHNE_PERSONENDATEN,
    PERSOENLICHE_ANLIEGEN,
    SCHRITT_1000_NACH_ANLIEGEN,
    anliegen_1000,
    anliegen_aus_intent,
    klartext,
    vermerk_werte,
    vermerk_werte_1000,
)
from leitfaden.guides.library import GuideLibrary
from leitfaden.legitimation import Ergebnis, Pruefung
from leitfaden.settings import PROJECT_ROOT

# Intents of the NLU contract (contracts.md).
VERTRAG_INTENTS = {
    "greet", "goodbye", "affirm", "deny", "thank", "bot_challenge", "human_handoff",
    "out_of_scope", "inform", "request_advance_payment", "ask_payment_status",
    "state_hardship", "caller_is_representative", "ask_online_representation",
    "ask_online_services", "need_support", "change_bank_details", "request_appointment",
}


@pytest.mark.parametrize(
    ("intent", "anliegen"),
    [
        ("request_advance_payment", "abschlag"),
        ("state_hardship", "abschlag"),
        ("ask_payment_status", "zahlung"),
        ("ask_online_services", "online"),
        ("ask_online_representation", "vero"),
        ("need_support", "unterstuetzung"),
        ("change_bank_details", "bankverbindung"),
        ("request_appointment", "termin"),
    ],
)
def test_anliegen_aus_intent(intent, anliegen):
    assert anliegen_aus_intent(intent) == anliegen


@pytest.mark.parametrize(
    "intent", ["greet", "affirm", "inform", "out_of_scope", "caller_is_representative", "", None,
               "gibt_es_nicht"])
def test_intents_ohne_anliegen(intent):
    assert anliegen_aus_intent(intent) is None


def test_nur_intents_aus_dem_vertrag():
    assert set(ANLIEGEN_NACH_INTENT) <= VERTRAG_INTENTS


def test_persoenliche_anliegen_brauchen_legitimation():
    # GLF 3.000.2: Abschlag and payment questions go to SOC-L after legitimation
    assert {"abschlag", "zahlung"} <= PERSOENLICHE_ANLIEGEN
    # general online questions and support offers need no personal data
    assert not {"online", "unterstuetzung"} & PERSOENLICHE_ANLIEGEN
    assert set(ANLIEGEN_NACH_INTENT.values()) >= PERSOENLICHE_ANLIEGEN


def test_legitimationswerte_passen_zu_legitimation():
    werte = {e.value for e in Ergebnis}
    assert {e.value for e in Ergebnis if Pruefung(e, 1).legitimiert} == LEGITIMIERT
    assert {"gesperrt", "keine_vollmacht"} == OHNE_PERSONENDATEN
    assert not LEGITIMIERT & OHNE_PERSONENDATEN
    assert werte - LEGITIMIERT - OHNE_PERSONENDATEN == {"wiederholen"}


@pytest.mark.parametrize(
    ("wert", "text"),
    [
        (None, "nicht erfasst"),
        ("", "nicht erfasst"),
        ("kunde", "Kundin/Kunde selbst"),
        ("bevollmaechtigt", "bevollmächtigte Person"),
        ("dritte", "dritte Person ohne Vollmacht"),
        ("gesperrt", "nach 3 Versuchen gescheitert"),
        ("keine_vollmacht", "keine Vollmacht hinterlegt"),
        ("schutzkennzeichen_m", "Schutzkennzeichen M"),
        ("erfolgreich", "erfolgreich"),
    ],
)
def test_klartext(wert, text):
    assert klartext(wert) == text


def test_vermerk_werte_ohne_slots():
    assert vermerk_werte({}) == {
        "anliegen": "nicht erfasst",
        "rolle": "nicht erfasst",
        "legitimation": "nicht erfasst",
        "ergebnis": "keine Unterstützungsangebote erfragt",
    }


def test_vermerk_werte_mit_slots():
    werte = vermerk_werte({"anliegen": "abschlag", "rolle": "bevollmaechtigt",
                           "legitimation": "keine_vollmacht", "angebote_genannt": True})
    assert werte["rolle"] == "bevollmächtigte Person"
    assert werte["legitimation"] == "keine Vollmacht hinterlegt"
    assert werte["ergebnis"] == "Unterstützungsangebote genannt"
    assert "abschlag" in werte["anliegen"].lower()


def test_vermerk_passt_zum_wortlaut_des_echten_leitfadens():
    lib = GuideLibrary.load(PROJECT_ROOT / "guidelines")
    slots = {"anliegen": "online", "rolle": "kunde", "legitimation": "schutzkennzeichen_m"}
    r = lib.render("3.000.7", "vermerk", dt.date(2026, 11, 18), values=vermerk_werte(slots))
    assert "Schutzkennzeichen M" in r.text
    assert "Kundin/Kunde selbst" in r.text
    assert "{" not in r.text
    assert r.evidence["guide_step"] == "3.000.7"


@pytest.mark.parametrize(("intent", "anliegen", "schritt"), [
    ("request_advance_payment", "abschlag", "1.000.4"),
    ("ask_payment_status", "zahlung", "1.000.4"),
    ("caller_is_representative", "vero", "1.000.2"),
    ("ask_online_services", "online", "1.000.2"),
    ("request_appointment", "termin", "1.000.2"),
    ("need_support", "unterstuetzung", "1.000.3"),
    ("report_support_offer", "angebotsmeldung", "1.000.5"),
])
def test_anliegen_in_der_agentur(intent, anliegen, schritt):
    assert anliegen_1000(intent) == anliegen
    assert SCHRITT_1000_NACH_ANLIEGEN[anliegen] == schritt


def test_im_service_center_ist_vertretung_kein_anliegen_und_meldung_unbekannt():
    assert anliegen_aus_intent("caller_is_representative") is None
    assert anliegen_aus_intent("report_support_offer") is None
    assert anliegen_1000("affirm") is None


def test_vermerk_1000_passt_zum_wortlaut():
    lib = GuideLibrary.load(PROJECT_ROOT / "guidelines")
    werte = vermerk_werte_1000({"anliegen": "vero", "rolle": "bevollmaechtigt",
                                "vollmacht_umfang": "vollumfaenglich"})
    r = lib.render("1.000.6", "vermerk", dt.date(2026, 11, 18), values=werte)
    assert r.text == ("GLF 1.000: Anliegen Online-Vertretung (VERO); keine "
                      "Unterstützungsangebote erfragt; bevollmächtigte Person, Vollmacht "
                      "vollumfänglich (VERO erklärt)")
