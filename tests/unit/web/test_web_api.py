"""JSON API of the IPSC app: offers with the listing's filters, health check.

The offers need a session or an employee's bearer token: the tests run signed in as
``sc-demo``; those without session clear the client's cookies.
"""

from __future__ import annotations

import pytest

from leitfaden.mitarbeiter import token_erzeugen, token_widerrufen


@pytest.fixture(autouse=True)
def _angemeldet(anmelden) -> None:
    anmelden("sc-demo")


def test_angebote_ohne_anmeldung_401(client, engine):
    client.cookies.clear()
    for pfad in ("/api/angebote", "/api/angebote/hamburg-mitte-videoberatung"):
        antwort = client.get(pfad)
        assert antwort.status == 401, pfad
        assert "Bitte melden Sie sich an" in antwort.json()["fehler"]
    # an Agentur's token or garbage is no employee token
    assert client.get("/api/angebote", headers={"Authorization": "Bearer quatsch"}).status == 401


def test_angebote_mit_token_eines_mitarbeiters(client, engine):
    client.cookies.clear()
    token = token_erzeugen(engine, "trainer-demo", "API-Test")
    kopf = {"Authorization": f"Bearer {token}"}
    antwort = client.get("/api/angebote", params={"agentur": "nuernberg"}, headers=kopf)
    assert antwort.status == 200 and len(antwort.json()) == 4
    assert client.get("/api/angebote/hamburg-mitte-videoberatung", headers=kopf).status == 200
    token_widerrufen(engine, token)
    assert client.get("/api/angebote", headers=kopf).status == 401


def test_healthz(client):
    antwort = client.get("/healthz")
    assert antwort.status == 200 and antwort.json() == {"status": "ok"}


def test_angebote_gefiltert(client):
    antwort = client.get("/api/angebote", params={"agentur": "nuernberg",
                                                  "art": "gebaerdensprache"})
    assert antwort.status == 200
    assert antwort.headers["content-type"].startswith("application/json")
    assert antwort.headers["cache-control"] == "no-store"
    (angebot,) = antwort.json()
    assert angebot["id"] == "nuernberg-mitte-gebaerdensprache"
    assert angebot["art_bezeichnung"] == "Gebärdensprachdolmetschen"
    assert angebot["zeiten"] == [{"wochentag": 1, "tag": "Dienstag", "von": "09:00",
                                  "bis": "12:00"}]
    assert angebot["zeiten_text"] == "dienstags 9:00-12:00 Uhr"
    assert angebot["termin_erforderlich"] is True
    assert angebot["gueltig_ab"] == "2026-07-20" and angebot["gueltig_bis"] is None
    assert angebot["geaendert_am"] == "2026-07-15T08:00:00+00:00"
    assert angebot["dienststelle"]["id"] == "nuernberg-mitte"
    assert "Gebärdensprache" in antwort.text  # no \\u escapes


def test_angebote_plz_ort_und_datum(client):
    ids = {a["id"] for a in client.get("/api/angebote", params={"plz": "90402"}).json()}
    assert ids == {"nuernberg-mitte-registrierung", "nuernberg-mitte-gebaerdensprache",
                   "nuernberg-mitte-vero"}
    ort = {a["dienststelle"]["id"]
           for a in client.get("/api/angebote", params={"plz": "Nuernberg"}).json()}
    assert ort == {"nuernberg-mitte", "nuernberg-langwasser"}
    assert client.get("/api/angebote", params={"gueltig_am": "2026-03-01"}).json() == []
    alle = client.get("/api/angebote", params={"gueltig_am": ""}).json()
    assert "muenchen-zentrum-digitalkurs-2027" in {a["id"] for a in alle}


def test_angebote_fehler(client):
    datum = client.get("/api/angebote", params={"gueltig_am": "morgen"})
    assert datum.status == 400
    assert datum.json()["fehler"][0]["feld"] == "gültig am"
    art = client.get("/api/angebote", params={"art": "tanzkurs"})
    assert art.status == 400 and art.json()["fehler"][0]["parameter"] == "art"
    ort = client.get("/api/angebote", params={"plz": "99999"})
    assert ort.status == 404 and "keine Dienststelle" in ort.json()["fehler"]


def test_ein_angebot(client):
    antwort = client.get("/api/angebote/hamburg-mitte-videoberatung")
    assert antwort.status == 200
    daten = antwort.json()
    assert daten["titel"] == "Videoberatung zu den Online-Angeboten"
    assert "20095" in daten["postleitzahlen"]
    fehlt = client.get("/api/angebote/gibt-es-nicht")
    assert fehlt.status == 404 and "fehler" in fehlt.json()
    assert client.get("/api/gibt-es-nicht").json() == {
        "fehler": "Die aufgerufene Seite oder das Angebot gibt es nicht (mehr)."}
