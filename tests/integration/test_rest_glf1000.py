"""GLF 1.000 and the support-offer registry through the running servers' HTTP APIs.

A whole reception conversation (REST channel), and a Webauftrag sent over HTTP that changes
at once what the IPSC page and the assistant tell a caller for that postcode.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import requests
from sqlalchemy import create_engine

from leitfaden.store.demo import DEMO_PASSWORT
from leitfaden.webauftrag.eingang import token_erzeugen

pytestmark = pytest.mark.integration

START_MITTE = '/einsatz_agentur{"dienststelle": "nuernberg-mitte"}'


def _schritt(gespraech) -> tuple[str, str]:
    slots = gespraech.tracker()["slots"]
    return slots["guide"], slots["guide_step"]


def test_empfang_nuernberg_mitte_online_hilfe_und_termin(gespraech, server_repo):
    antwort = gespraech.text(START_MITTE)
    assert "willkommen in der Agentur für Arbeit Nürnberg, Dienststelle Mitte" in antwort
    assert _schritt(gespraech) == ("1.000", "1.000.1")
    assert gespraech.slot("einsatz") == "agentur"

    antwort = gespraech.text("Wie kann ich meine Sachen online erledigen?")
    assert "Nutzen Sie schon unsere Online-Angebote?" in antwort
    assert "Wir unterstützen Sie gern hier vor Ort" in antwort
    assert _schritt(gespraech) == ("1.000", "1.000.3")

    antwort = gespraech.text("Ja, bitte")
    assert "bietet 3 passende Angebote" in antwort
    assert "Beratung mit Gebärdensprachdolmetschung" in antwort
    assert "Dienstag, 24.11.2026, 9:00-12:00 Uhr" in antwort
    assert gespraech.slot("offene_frage") == "termin"

    assert "Auf welchen Namen" in gespraech.text("Ja, bitte einen Termin anfragen")
    antwort = gespraech.text("Anna Schmidt")
    anfragen = server_repo.terminanfragen(angebot_id="nuernberg-mitte-gebaerdensprache")
    assert [(a.name, a.datum, a.conversation_id) for a in anfragen] == [
        ("Anna Schmidt", dt.date(2026, 11, 24), gespraech.sender)]
    assert f"Vorgangsnummer {anfragen[0].nummer}" in antwort
    assert "Kann ich sonst noch etwas für Sie tun?" in antwort
    assert _schritt(gespraech) == ("1.000", "1.000.6")

    assert "Auf Wiedersehen" in gespraech.text("Nein, danke")
    vermerke = server_repo.vermerke(conversation_id=gespraech.sender)
    assert [(v.guide, v.guide_step, v.anliegen) for v in vermerke] == [
        ("1.000", "1.000.6", "online")]
    assert f"Terminanfrage {anfragen[0].nummer}" in vermerke[0].text


def test_hilfe_erbeten_termin_beim_namen_abgelehnt(gespraech, server_repo):
    """Asking for help lists the offers at once; "Nein danke" to the name stores nothing."""
    gespraech.text(START_MITTE)
    antwort = gespraech.text("Ich komme mit dem Online-Portal nicht klar, können Sie mir helfen?")
    assert "bietet 3 passende Angebote" in antwort
    assert "Brauchen Sie Hilfe" not in antwort
    assert "Auf welchen Namen" in gespraech.text("ja")
    antwort = gespraech.text("Nein danke, doch nicht")
    assert "Kann ich sonst noch etwas für Sie tun?" in antwort
    assert gespraech.slot("termin_name") is None
    assert server_repo.terminanfragen(conversation_id=gespraech.sender) == []


def test_abschlag_in_der_eingangszone_kein_termin(gespraech):
    gespraech.text(START_MITTE)
    antwort = gespraech.text("Ich brauche einen Abschlag, kann ich dafür einen Termin machen?")
    assert "klärt das Service Center direkt am Telefon" in antwort
    assert "0800 4 5555 00" in antwort
    assert "Kann ich sonst noch etwas" in antwort
    assert _schritt(gespraech) == ("1.000", "1.000.6")


def test_vertreter_mit_vollumfaenglicher_vollmacht_erfaehrt_von_vero(gespraech):
    gespraech.text(START_MITTE)
    antwort = gespraech.text("Ich komme für meine Mutter, ich habe eine Vollmacht")
    assert "Gilt Ihre Vollmacht für alle Angelegenheiten" in antwort
    antwort = gespraech.text("ja, für alles")
    assert "Online-Vertretung (VERO)" in antwort and "Postweg" in antwort
    assert gespraech.slot("vollmacht_umfang") == "vollumfaenglich"


def test_telefon_ohne_dienststelle_fragt_nach_dem_ort(gespraech):
    gespraech.text("/einsatz_agentur")
    gespraech.text("Ich komme mit dem Online-Portal nicht klar, können Sie mir helfen?")
    assert "Postleitzahl oder Ihren Wohnort" in gespraech.text("ja")
    assert _schritt(gespraech) == ("1.000", "1.000.3")
    antwort = gespraech.text("90473")
    assert "Dienststelle Langwasser" in antwort
    assert "Kann ich sonst noch etwas" in antwort


# --- Webauftrag over HTTP -> IPSC and the assistant, at once -----------------------------------

NEUES_ANGEBOT = {
    "webauftrag": "WA-K-TEST-0001",
    "agentur": "koeln",
    "absender": "Petra Muster, Eingangszone Mülheim",
    "angebote": [{
        "aktion": "neu",
        "id": "koeln-muelheim-gebaerden-test",
        "dienststelle": "koeln-muelheim",
        "art": "gebaerdensprache",
        "titel": "Gebärdensprache in Mülheim",
        "beschreibung": "Beratung mit Gebärdensprachdolmetschung in Mülheim.",
        "ort_raum": "Erdgeschoss, Raum 0.07",
        "zeiten": [{"tage": ["Do"], "von": "09:00", "bis": "12:00"}],
        "termin_erforderlich": True,
        "buchung": "Termin per E-Mail an muelheim.dgs@arbeitsagentur.example",
        "sprachen": ["Deutsch", "Deutsche Gebärdensprache"],
        "kontakt": {"email": "muelheim.dgs@arbeitsagentur.example"},
        "gueltig_ab": "2026-11-18",
    }],
}


def _anrufer_fragt_gebaerdensprache(servers) -> str:
    gespraech_id = f"test-{uuid.uuid4().hex[:12]}"

    def sage(text: str) -> str:
        r = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                          json={"sender": gespraech_id, "message": text}, timeout=60)
        r.raise_for_status()
        return "\n".join(m.get("text", "") for m in r.json())

    sage("Hallo")
    sage("Ich brauche Hilfe vor Ort, am besten mit Gebärdensprache")
    return sage("51065")


def _ipsc_sitzung(servers) -> requests.Session:
    """A browser-like session signed in to the web app (the IPSC needs a sign-in)."""
    sitzung = requests.Session()
    r = sitzung.post(f"{servers.web_url}/anmelden", timeout=30,
                     data={"anmeldename": "sc-demo", "passwort": DEMO_PASSWORT,
                           "weiter": "/ipsc/angebote"})
    assert r.status_code == 200 and r.url.endswith("/ipsc/angebote"), r.url
    return sitzung


def test_webauftrag_aendert_ipsc_und_auskunft_sofort(servers):
    assert servers.web_url, "die Integrationstests laufen mit der Web-App"
    ipsc = _ipsc_sitzung(servers)
    ohne_anmeldung = requests.get(f"{servers.web_url}/ipsc/angebote", timeout=30,
                                  allow_redirects=False)
    assert ohne_anmeldung.status_code == 303
    vorher = _anrufer_fragt_gebaerdensprache(servers)
    assert "derzeit kein passendes Angebot" in vorher
    assert "Das nächstgelegene passende Angebot" in vorher

    liste = ipsc.get(f"{servers.web_url}/ipsc/angebote",
                         params={"plz": "51065", "art": "gebaerdensprache"}, timeout=30)
    assert liste.status_code == 200
    assert "Gebärdensprache in Mülheim" not in liste.text

    engine = create_engine(servers.database_url)
    token = token_erzeugen(engine, "koeln", "Integrationstest")
    engine.dispose()
    kopf = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    ohne = requests.post(f"{servers.web_url}/api/webauftraege",
                         data=json.dumps(NEUES_ANGEBOT), timeout=30)
    assert ohne.status_code == 401
    antwort = requests.post(f"{servers.web_url}/api/webauftraege", headers=kopf,
                            data=json.dumps(NEUES_ANGEBOT), timeout=30)
    assert antwort.status_code == 201, antwort.text

    liste = ipsc.get(f"{servers.web_url}/ipsc/angebote",
                         params={"plz": "51065", "art": "gebaerdensprache"}, timeout=30)
    assert "Gebärdensprache in Mülheim" in liste.text

    nachher = _anrufer_fragt_gebaerdensprache(servers)
    assert "Gebärdensprache in Mülheim" in nachher
    assert "Dienststelle Mülheim" in nachher
    assert "derzeit kein passendes Angebot" not in nachher

    wieder = requests.post(f"{servers.web_url}/api/webauftraege", headers=kopf,
                           data=json.dumps(NEUES_ANGEBOT), timeout=30)
    assert wieder.status_code == 200 and wieder.json()["status"] == "bereits_angewendet"

    # withdrawn again (it started today): gone from the page and the answer, store as before
    beenden = {"webauftrag": "WA-K-TEST-0002", "agentur": "koeln", "absender": "Petra Muster",
               "angebote": [{"aktion": "beenden", "id": "koeln-muelheim-gebaerden-test"}]}
    antwort = requests.post(f"{servers.web_url}/api/webauftraege", headers=kopf,
                            data=json.dumps(beenden), timeout=30)
    assert antwort.status_code == 201, antwort.text
    assert "Gebärdensprache in Mülheim" not in _anrufer_fragt_gebaerdensprache(servers)
    liste = ipsc.get(f"{servers.web_url}/ipsc/angebote",
                         params={"plz": "51065", "art": "gebaerdensprache"}, timeout=30)
    assert "Gebärdensprache in Mülheim" not in liste.text
