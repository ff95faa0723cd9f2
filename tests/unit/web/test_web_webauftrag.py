"""Webauftrag over HTTP: token, status codes, error list, history, effect on the pages."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import func, select

from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.db import session_scope
from leitfaden.store.models import Unterstuetzungsangebot, Webauftrag
from leitfaden.webauftrag.eingang import token_erzeugen

NEU_UND_ENDE = """\
webauftrag: WA-NBG-2026-0100
agentur: nuernberg
absender: Eingangszone Nürnberg Mitte (Frau Muster)
angebote:
  - aktion: neu
    id: nuernberg-mitte-digitalkurs-winter
    dienststelle: nuernberg-mitte
    art: digitalkurs
    titel: Digitalkurs „Sicher online“ im Winter
    beschreibung: In zwei Stunden lernen Sie die eServices kennen.
    ort_raum: Schulungsraum 1.12, 1. Obergeschoss
    zeiten:
      - {tage: [Di, Do], von: "10:00", bis: "12:00"}
    termin_erforderlich: true
    buchung: Anmeldung telefonisch unter 0911 5290-4130.
    sprachen: [Deutsch, Englisch]
    kontakt: {telefon: "0911 5290-4130", email: kurs.nuernberg@arbeitsagentur.example}
    gueltig_ab: 2026-11-18
  - aktion: beenden
    id: nuernberg-mitte-registrierung
    gueltig_bis: 2026-11-30
"""


@pytest.fixture
def token(engine) -> str:
    return token_erzeugen(engine, "nuernberg", "Test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}


def _anzahl_auftraege(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Webauftrag))


@pytest.mark.parametrize("kopf", [{}, {"Authorization": "Bearer falsch"},
                                  {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}])
def test_ohne_gueltigen_token_401_und_nichts_passiert(client, engine, kopf):
    antwort = client.post("/api/webauftraege", headers=kopf, body=NEU_UND_ENDE)
    assert antwort.status == 401
    assert "Token" in antwort.json()["fehler"]
    assert antwort.headers["www-authenticate"].startswith("Bearer")
    assert _anzahl_auftraege(engine) == 0
    with session_scope(engine) as s:
        assert s.get(Unterstuetzungsangebot, "nuernberg-mitte-digitalkurs-winter") is None
    assert client.get("/api/webauftraege", headers=kopf).status == 401


def test_anwenden_201_wiederholen_200_konflikt_409(client, engine, token):
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=NEU_UND_ENDE)
    assert antwort.status == 201, antwort.text
    ergebnis = antwort.json()
    assert ergebnis["status"] == "angewendet"
    assert ergebnis["webauftrag"] == "WA-NBG-2026-0100" and ergebnis["agentur"] == "nuernberg"
    assert {(a["angebot_id"], a["aktion"]) for a in ergebnis["aenderungen"]} == {
        ("nuernberg-mitte-digitalkurs-winter", "neu"), ("nuernberg-mitte-registrierung",
                                                         "beenden")}
    nochmal = client.post("/api/webauftraege", headers=bearer(token), body=NEU_UND_ENDE)
    assert nochmal.status == 200 and nochmal.json()["status"] == "bereits_angewendet"
    anders = NEU_UND_ENDE.replace("2026-11-30", "2026-12-15")
    konflikt = client.post("/api/webauftraege", headers=bearer(token), body=anders)
    assert konflikt.status == 409 and "WA-NBG-2026-0100" in konflikt.json()["fehler"]
    assert _anzahl_auftraege(engine) == 1


def test_json_dokument(client, token):
    dokument = yaml.safe_load(NEU_UND_ENDE)
    dokument["angebote"][0]["gueltig_ab"] = "2026-11-18"
    dokument["angebote"][1]["gueltig_bis"] = "2026-11-30"
    antwort = client.post("/api/webauftraege", body=json.dumps(dokument),
                          headers={**bearer(token), "Content-Type": "application/json"})
    assert antwort.status == 201, antwort.text


def test_ungueltig_422_mit_allen_fehlern(client, engine, token):
    kaputt = (NEU_UND_ENDE.replace("dienststelle: nuernberg-mitte", "dienststelle: nirgendwo")
              .replace('bis: "12:00"', 'bis: "09:00"'))
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=kaputt)
    assert antwort.status == 422
    fehler = antwort.json()["fehler"]
    assert {"dokument", "zeile", "eintrag", "feld", "meldung"} == set(fehler[0])
    felder = {f["feld"] for f in fehler}
    assert "dienststelle" in felder and any(f.startswith("zeiten") for f in felder)
    assert all(f["dokument"] == "HTTP-Anfrage" for f in fehler)
    assert all(isinstance(f["zeile"], int) for f in fehler)
    assert _anzahl_auftraege(engine) == 0
    syntax = client.post("/api/webauftraege", headers=bearer(token), body="webauftrag: [")
    assert syntax.status == 422
    leer = client.post("/api/webauftraege", headers=bearer(token), body="")
    assert leer.status == 422
    latin1 = client.post("/api/webauftraege", headers=bearer(token),
                         body=NEU_UND_ENDE.encode("latin-1", errors="replace").replace(
                             b"?", b"\xfc"))
    assert latin1.status == 422 and "UTF-8" in latin1.json()["fehler"][0]["meldung"]


def test_fremde_agentur_403(client, engine):
    berlin = token_erzeugen(engine, "berlin")
    antwort = client.post("/api/webauftraege", headers=bearer(berlin), body=NEU_UND_ENDE)
    assert antwort.status == 403
    assert "nuernberg" in antwort.json()["fehler"] and "berlin" in antwort.json()["fehler"]
    assert _anzahl_auftraege(engine) == 0


def test_fremde_agentur_und_weitere_fehler_422(client, engine):
    berlin = token_erzeugen(engine, "berlin")
    kaputt = NEU_UND_ENDE.replace("art: digitalkurs", "art: tanzkurs")
    antwort = client.post("/api/webauftraege", headers=bearer(berlin), body=kaputt)
    assert antwort.status == 422
    assert {"agentur", "art"} <= {f["feld"] for f in antwort.json()["fehler"]}


def test_zu_gross_413(client, engine, token):
    riesig = NEU_UND_ENDE + "#" + "x" * (256 * 1024)
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=riesig)
    assert antwort.status == 413 and "zu groß" in antwort.json()["fehler"]
    assert _anzahl_auftraege(engine) == 0


def test_pruefen_schreibt_nichts(client, engine, token):
    antwort = client.post("/api/webauftraege/pruefen", headers=bearer(token), body=NEU_UND_ENDE)
    assert antwort.status == 200 and antwort.json()["status"] == "geprueft"
    assert _anzahl_auftraege(engine) == 0


def test_verlauf_der_eigenen_agentur(client, engine, token):
    assert client.get("/api/webauftraege", headers=bearer(token)).json() == []
    client.post("/api/webauftraege", headers=bearer(token), body=NEU_UND_ENDE)
    zweiter = NEU_UND_ENDE.replace("WA-NBG-2026-0100", "WA-NBG-2026-0101").replace(
        "2026-11-30", "2026-11-25").replace("aktion: neu", "aktion: aendern").replace(
        "Digitalkurs „Sicher online“ im Winter", "Digitalkurs „Sicher online“")
    assert client.post("/api/webauftraege", headers=bearer(token), body=zweiter).status == 201
    verlauf = client.get("/api/webauftraege", headers=bearer(token)).json()
    assert [v["webauftrag"] for v in verlauf] == ["WA-NBG-2026-0101", "WA-NBG-2026-0100"]
    assert verlauf[0]["kanal"] == "http"
    berlin = token_erzeugen(engine, "berlin")
    assert client.get("/api/webauftraege", headers=bearer(berlin)).json() == []
    assert client.get("/api/webauftraege?limit=0", headers=bearer(token)).status == 400


def test_aenderung_sofort_in_liste_und_detail(client, token):
    assert client.post("/api/webauftraege", headers=bearer(token),
                       body=NEU_UND_ENDE).status == 201
    liste = client.get("/ipsc/angebote", params={"agentur": "nuernberg"}).text
    assert "Digitalkurs „Sicher online“ im Winter" in liste
    assert "nuernberg-mitte-registrierung" in liste  # still valid today (ends 30.11.)
    spaeter = client.get("/ipsc/angebote", params={"agentur": "nuernberg",
                                                   "gueltig_am": "2026-12-01"}).text
    assert 'data-angebot="nuernberg-mitte-registrierung"' not in spaeter
    assert 'data-angebot="nuernberg-mitte-digitalkurs-winter"' in spaeter
    detail = client.get("/ipsc/angebote/nuernberg-mitte-registrierung").text
    assert "WA-NBG-2026-0100" in detail and "Eingangszone Nürnberg Mitte (Frau Muster)" in detail
    assert "Beendet" in detail and "30.11.2026" in detail
    assert "vom 20.07.2026 bis 30.11.2026" in detail
    neu = client.get("/ipsc/angebote/nuernberg-mitte-digitalkurs-winter").text
    assert "Neu gemeldet" in neu and "HTTP-Schnittstelle" in neu
    assert "Angebotsart</span>: <ins>Kurs zu den digitalen Angeboten</ins>" in neu
    assert "18.11.2026" in neu


def test_beispieldokument_per_http(client, engine):
    beispiel = PROJECT_ROOT / "guidelines" / "webauftrag-beispiel.yml"
    if not beispiel.exists():
        pytest.skip(f"{beispiel} fehlt")
    text = beispiel.read_text(encoding="utf-8")
    agentur = yaml.safe_load(text)["agentur"]
    token = token_erzeugen(engine, agentur)
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=text)
    assert antwort.status == 201, antwort.text
    for aenderung in antwort.json()["aenderungen"]:
        assert client.get(f"/ipsc/angebote/{aenderung['angebot_id']}").status == 200
