"""Whole GLF 3.000 calls through the running servers' HTTP APIs (REST channel)."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.integration


def _schritt(gespraech) -> tuple[str, str]:
    slots = gespraech.tracker()["slots"]
    return slots["guide"], slots["guide_step"]


def test_anna_schmidt_ganzer_anruf_terminwunsch(gespraech, server_repo):
    """A personal concern the SC does not settle: legitimation, Webauftrag, offers, note.

    (An Abschlag goes on in GLF 3.301 after the legitimation: tests/integration/test_glf3301.py.)
    """
    antwort = gespraech.text("Hallo")
    assert "willkommen beim Service Center" in antwort
    assert _schritt(gespraech) == ("3.000", "3.000.1")

    antwort = gespraech.text("Ich möchte einen persönlichen Termin bei meiner Vermittlerin")
    assert "persönlich in die Agentur" in antwort and "für sich selbst" in antwort
    assert _schritt(gespraech) == ("3.000", "3.000.3")

    assert "Kundennummer" in gespraech.text("Für mich selbst")
    assert _schritt(gespraech) == ("3.000", "3.000.4")
    assert "vollständiger Name" in gespraech.text("123A456789")
    assert "Geburtsdatum" in gespraech.text("Anna Schmidt")

    antwort = gespraech.text("14.03.1985")
    assert "Angaben stimmen überein" in antwort
    assert "Fachabteilung" in antwort
    assert "Unterstützung" in antwort
    assert _schritt(gespraech) == ("3.000", "3.000.6")
    assert gespraech.slot("legitimation") == "erfolgreich"

    assert "Postleitzahl oder Ihren Wohnort" in gespraech.text("Ja, bitte")
    antwort = gespraech.text("90402")
    assert "Nürnberg" in antwort and "Kann ich sonst noch etwas" in antwort
    assert _schritt(gespraech) == ("3.000", "3.000.7")

    assert "Auf Wiedersehen" in gespraech.text("Nein, danke")
    assert _schritt(gespraech) == ("3.000", "3.000.7")

    vermerke = server_repo.vermerke(conversation_id=gespraech.sender)
    assert len(vermerke) == 2
    assert {v.guide_step for v in vermerke} == {"3.000.2", "3.000.7"}
    assert all(v.kundennummer == "123A456789" for v in vermerke)
    abschluss = next(v for v in vermerke if v.guide_step == "3.000.7")
    assert "persönlicher Termin" in abschluss.text and "erfolgreich" in abschluss.text


def test_jede_bot_antwort_traegt_den_nachweis_des_leitfadens(gespraech):
    gespraech.text("Hallo")
    gespraech.text("Wie melde ich mich im Online-Portal an?")
    bots = [e for e in gespraech.tracker()["events"] if e["event"] == "bot"]
    assert len(bots) >= 2
    for event in bots:
        nachweis = event["metadata"]["leitfaden"]
        assert nachweis["guide"] == "3.000"
        assert re.fullmatch(r"3\.000\.[1-7]", nachweis["guide_step"])
        assert re.fullmatch(r"[0-9a-f]{16}", nachweis["wording_hash"])
        assert nachweis["guide_version"] == "2026.07"
        assert nachweis["valid_on"] == "2026-11-18"
    assert bots[0]["metadata"]["leitfaden"]["text_key"] == "begruessung"


def test_schutzkennzeichen_m_zeigt_nichts_vom_datensatz(gespraech, server_repo):
    gespraech.text("Guten Tag")
    gespraech.text("Ich hätte gern eine Abschlagszahlung")
    gespraech.text("Für mich selbst")
    gespraech.text("456D789012")
    gespraech.text("Thomas Becker")
    antwort = gespraech.text("30.01.1990")
    assert "keine persönlichen Auskünfte" in antwort
    assert "geschützt" in antwort or "zuständige Team" in antwort
    gespraech.text("Nein")
    gespraech.text("Nein")
    bot_texte = "\n".join(e.get("text") or "" for e in gespraech.tracker()["events"]
                          if e["event"] == "bot")
    for geheim in ("Thomas", "Becker", "456D", "789012", "Köln", "50667", "DE94", "48,00"):
        assert geheim not in bot_texte
    vermerke = server_repo.vermerke(conversation_id=gespraech.sender)
    assert any("geschützte Datensätze" in v.text for v in vermerke)


def test_geburtsdatum_dreimal_falsch_sperrt_persoenliche_daten(gespraech):
    gespraech.text("Hallo")
    gespraech.text("Wann kommt mein Geld?")
    gespraech.text("Ich rufe für mich selbst an")
    antworten = []
    for _ in range(3):
        gespraech.text("123A456789")
        gespraech.text("Anna Schmidt")
        antworten.append(gespraech.text("15.03.1985"))
    assert "Versuch 2 von 3" in antworten[0]
    assert "Versuch 3 von 3" in antworten[1]
    # the next attempt starts with the first question, without complaints about the reset
    assert "None" not in antworten[0] and "nicht verstanden" not in antworten[0]
    assert "besteht aus 3 Ziffern" not in antworten[0]
    assert "nicht bestätigen" in antworten[2]
    assert gespraech.slot("legitimation") == "gesperrt"
    assert gespraech.slot("kundennummer") is None
    assert "Anna" not in "\n".join(antworten)


def test_vertreterin_mit_voller_vollmacht_wird_zu_vero_gefuehrt(gespraech):
    gespraech.text("Hallo")
    antwort = gespraech.text("Kann ich als Bevollmächtigte online für meinen Vater handeln?")
    assert "Vollmacht" in antwort
    assert "eigener vollständiger Name" in antwort
    gespraech.text("Sabine Neumann")
    assert "vertreten" in gespraech.text("678F901234")
    antwort = gespraech.text("09.04.1962")
    assert "vollumfängliche Vollmacht" in antwort
    assert "Online-Vertretung (VERO)" in antwort
    assert gespraech.slot("vollmacht_umfang") == "vollumfaenglich"


def test_falsche_eingaben_bekommen_eine_klare_deutsche_meldung(gespraech):
    gespraech.text("Hallo")
    gespraech.text("Ich möchte eine Abschlagszahlung")
    gespraech.text("für mich selbst")
    antwort = gespraech.text("12345")
    assert "Kundennummer" in antwort and "123A456789" in antwort
    assert gespraech.slot("kundennummer") is None
    gespraech.text("123A456789")
    gespraech.text("Anna Schmidt")
    antwort = gespraech.text("31.02.1985")
    assert "Datum" in antwort or "Geburtsdatum" in antwort
    assert gespraech.slot("geburtsdatum") is None
    assert gespraech.slot("requested_slot") == "geburtsdatum"


def test_bot_frage_kehrt_zur_offenen_frage_zurueck(gespraech):
    gespraech.text("Hallo")
    gespraech.text("Ich brauche einen Abschlag")
    antwort = gespraech.text("Bin ich mit einem Computer verbunden?")
    assert "digitaler Assistent" in antwort
    assert "für sich selbst" in antwort
    assert "Kundennummer" in gespraech.text("Für mich selbst")


def test_abschweifung_in_der_legitimation_und_zurueck(gespraech):
    """Inside the form a digression is answered by its rule, then the question comes again."""
    gespraech.text("Hallo")
    gespraech.text("Ich brauche einen Abschlag")
    assert "Kundennummer" in gespraech.text("Für mich selbst")
    antwort = gespraech.text("Bin ich mit einem Computer verbunden?")
    assert "digitaler Assistent" in antwort
    assert "Kundennummer" in antwort
    assert gespraech.slot("requested_slot") == "kundennummer"
    assert "vollständiger Name" in gespraech.text("123A456789")


def test_nachricht_mit_10000_zeichen(gespraech):
    """Answered with a request to summarise; stored shortened; nothing set; the call goes on."""
    gespraech.text("Hallo")
    gespraech.text("Ich brauche einen Abschlag")
    vorher = gespraech.tracker()["slots"]
    antwort = gespraech.text("Kundennummer 123A456789 " + "sehr lange Geschichte " * 460)
    assert "Ihre Nachricht ist sehr lang" in antwort
    assert "für sich selbst" in antwort  # the open question again
    tracker = gespraech.tracker()
    gespeichert = [e["text"] for e in tracker["events"] if e["event"] == "user"][-1]
    assert len(gespeichert) < 250 and gespeichert.endswith("[…]")
    geaendert = {k for k, v in tracker["slots"].items() if vorher.get(k) != v}
    assert geaendert <= {"guide", "guide_step"}
    assert "Kundennummer" in gespraech.text("Für mich selbst")


def test_unterstuetzung_nach_ort_mit_tippfehler(gespraech):
    gespraech.text("Hallo")
    gespraech.text("Ich brauche Hilfe bei der Registrierung im Online-Portal")
    antwort = gespraech.text("Nuernberg")
    assert "Dienststelle" in antwort and "Nürnberg" in antwort
    assert gespraech.slot("guide_step") == "3.000.7"


def test_model_parse_und_socketio_sind_erreichbar(servers):
    parsed = requests.post(f"{servers.rasa_url}/model/parse",
                           json={"text": "Ich brauche dringend einen Abschlag"}, timeout=30).json()
    assert parsed["intent"]["name"] == "request_advance_payment"
    polling = requests.get(f"{servers.rasa_url}/socket.io/",
                           params={"EIO": "4", "transport": "polling"}, timeout=30)
    assert polling.status_code == 200 and polling.text.startswith("0")


def test_telefonkanal_twilio_voice_spricht_deutsch(servers):
    response = requests.post(f"{servers.rasa_url}/webhooks/twilio_voice/webhook",
                             data={"CallSid": "CA-test-1", "SpeechResult": "Hallo",
                                   "CallStatus": "in-progress", "From": "+4991100000"},
                             timeout=60)
    assert response.status_code == 200
    twiml = response.content.decode("utf-8")  # TwiML declares UTF-8 in its XML header
    assert "<Say" in twiml and "Polly.Marlene" in twiml
    assert "Service Center der Agentur für Arbeit verbunden" in twiml


def test_knappe_notizen_der_beschaeftigten_fuehren_durch_denselben_leitfaden(gespraech):
    gespraech.text("Guten Tag")
    assert "für sich selbst" in gespraech.text("Kundin möchte einen Abschlag")
    assert "Kundennummer" in gespraech.text("Kundin selbst am Telefon")
    antwort = gespraech.text("KdNr 123A456789, Anna Schmidt, geb. 14.03.1985")
    assert "Angaben stimmen überein" in antwort
    assert gespraech.slot("kundennummer") == "123A456789"
    assert gespraech.slot("geburtsdatum") == "1985-03-14"
