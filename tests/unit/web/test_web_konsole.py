"""The console's web layer (``/konsole``) with a stand-in for the Rasa server.

The real servers are exercised in tests/browser/test_konsole.py; here the Rasa client is a
recorder (no HTTP), so the checks on roles, CSRF, bad input, the confirmation of a transfer
and Rasa being down are fast and exact.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from leitfaden import konsole
from leitfaden.web.rasa_client import NICHT_ERREICHBAR, RasaNichtErreichbar
from tests.unit.konsole.konsole_hilfen import TrackerBau, anna_bis_zustimmung


class RasaAttrappe:
    """Records what the console would send to Rasa; answers from a tracker builder."""

    def __init__(self) -> None:
        self.trackers: dict[str, TrackerBau] = {}
        self.gesendet: list[tuple[str, str, str]] = []
        self.intent_name = "inform"
        self.erreichbar = True

    def _pruefen(self) -> None:
        if not self.erreichbar:
            raise RasaNichtErreichbar(NICHT_ERREICHBAR)

    async def tracker(self, sender: str) -> dict[str, Any]:
        self._pruefen()
        bau = self.trackers.get(sender)
        return bau.json() if bau is not None else {"sender_id": sender, "slots": {},
                                                   "events": []}

    async def nachricht(self, sender: str, text: str, token: str,
                        metadata: Any = None) -> list[dict[str, Any]]:
        self._pruefen()
        assert token  # the session's own agent token
        self.gesendet.append((sender, text, token))
        return [{"recipient_id": sender, "text": f"Antwort auf: {text}",
                 "buttons": [{"title": "Ja", "payload": "/affirm"}]}]

    async def intent(self, text: str) -> tuple[str | None, float]:
        self._pruefen()
        return self.intent_name, 0.99

    async def schliessen(self) -> None:
        return None


@pytest.fixture
def rasa(client) -> RasaAttrappe:
    attrappe = RasaAttrappe()
    client.app.ctx.rasa = attrappe
    return attrappe


def _post(client, pfad: str, daten: Any, csrf: str | None) -> Any:
    kopf = {"content-type": "application/json"}
    if csrf is not None:
        kopf["x-csrf-token"] = csrf
    body = daten if isinstance(daten, str) else json.dumps(daten)
    return client.post(pfad, headers=kopf, body=body)


def _beginnen(client, csrf: str) -> str:
    antwort = _post(client, "/konsole/api/gespraeche", {}, csrf)
    assert antwort.status == 201, antwort.text
    return antwort.json()["gespraech"]


# --- page and roles --------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["sc-demo", "socl-demo", "trainer-demo"])
def test_seite_fuer_konsolen_rollen(client, anmelden, rasa, login):
    sitzung = anmelden(login)
    antwort = client.get("/konsole")
    assert antwort.status == 200
    assert 'id="konsole"' in antwort.text
    assert f'content="{sitzung.csrf}"' in antwort.text
    ueberweisen = "ja" if login == "socl-demo" else "nein"
    assert f'data-darf-ueberweisen="{ueberweisen}"' in antwort.text


def test_admin_hat_keine_konsole(client, anmelden, rasa):
    sitzung = anmelden("admin-demo")
    assert client.get("/konsole").status == 403
    assert _post(client, "/konsole/api/gespraeche", {}, sitzung.csrf).status == 403


def test_ohne_anmeldung_401_json(client, rasa):
    antwort = _post(client, "/konsole/api/gespraeche", {}, None)
    assert antwort.status == 401
    assert "melden Sie sich an" in antwort.json()["fehler"]
    assert client.get("/konsole").status == 303


def test_ohne_csrf_403_und_nichts_gesendet(client, anmelden, rasa):
    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten",
                    {"text": "Hallo"}, None)
    assert antwort.status == 403
    assert rasa.gesendet == []


# --- messages ----------------------------------------------------------------------------------

def test_nachricht_geht_mit_dem_token_der_sitzung_an_rasa(client, anmelden, rasa, engine):
    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten",
                    {"text": "Hallo"}, sitzung.csrf)
    assert antwort.status == 200, antwort.text
    daten = antwort.json()
    assert daten["nachrichten"] == [{"text": "Antwort auf: Hallo",
                                     "knoepfe": [{"titel": "Ja", "payload": "/affirm"}]}]
    assert daten["panel"]["leitfaden"]["nummer"] == "3.000"
    ((an, text, token),) = rasa.gesendet
    assert (an, text) == (sender, "Hallo")
    # the token belongs to the employee and is not in any answer
    from leitfaden.mitarbeiter import mitarbeiter_fuer_token
    assert mitarbeiter_fuer_token(engine, token).login == "sc-demo"
    assert token not in antwort.text
    # the same session reuses its token
    _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Ja"}, sitzung.csrf)
    assert rasa.gesendet[1][2] == token


@pytest.mark.parametrize("daten,meldung", [
    ({"text": ""}, "Bitte geben Sie ein"),
    ({"text": "   "}, "Bitte geben Sie ein"),
    ({}, "Bitte geben Sie ein"),
    ({"text": 42}, "Bitte geben Sie ein"),
    ({"text": "x" * 2001}, "zu lang (höchstens 2.000 Zeichen)"),
    ({"text": "Ja", "bestaetigt_cent": "88910"}, "bestaetigt_cent"),
    ({"text": "Ja", "bestaetigt_cent": True}, "bestaetigt_cent"),
    ("{kein json", "kein gültiges JSON"),
    ("[1, 2]", "JSON-Objekt"),
])
def test_falsche_eingaben_400_mit_deutscher_meldung(client, anmelden, rasa, daten, meldung):
    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", daten,
                    sitzung.csrf)
    assert antwort.status == 400
    assert meldung in antwort.json()["fehler"]
    assert rasa.gesendet == []


def test_fremdes_oder_unbekanntes_gespraech_404(client, anmelden, rasa):
    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    andere = anmelden("socl-demo")
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Hallo"},
                    andere.csrf)
    assert antwort.status == 404
    assert "fehler" in antwort.json()
    antwort = _post(client, "/konsole/api/gespraeche/konsole-gibtesnicht/nachrichten",
                    {"text": "Hallo"}, andere.csrf)
    assert antwort.status == 404
    assert rasa.gesendet == []


def test_rasa_nicht_erreichbar_502_mit_meldung(client, anmelden, rasa):
    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    rasa.erreichbar = False
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Hallo"},
                    sitzung.csrf)
    assert antwort.status == 502
    assert "nicht erreichbar" in antwort.json()["fehler"]


# --- the transfer needs the confirmation dialog ------------------------------------------------

def _bei_zustimmung(client, anmelden, rasa, login: str) -> tuple[str, str]:
    sitzung = anmelden(login)
    sender = _beginnen(client, sitzung.csrf)
    rasa.trackers[sender] = anna_bis_zustimmung(TrackerBau(sender))
    return sender, sitzung.csrf


@pytest.mark.parametrize("text", ["/affirm", "Kundin ist einverstanden"])
def test_zustimmung_der_socl_erst_nach_bestaetigung(client, anmelden, rasa, text):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "socl-demo")
    rasa.intent_name = "affirm"
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": text},
                    csrf)
    assert antwort.status == 200
    daten = antwort.json()
    assert daten["bestaetigung_noetig"] is True
    assert daten["panel"]["abschlag"]["betrag_cent"] == 88910
    assert daten["panel"]["abschlag"]["kann_ueberweisen"] is True
    assert rasa.gesendet == []  # nothing forwarded, so nothing transferred

    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten",
                    {"text": text, "bestaetigt_cent": 88910}, csrf)
    assert antwort.status == 200
    assert [t for _, t, _ in rasa.gesendet] == [text]


def test_anderer_betrag_bestaetigt_409(client, anmelden, rasa):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "socl-demo")
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten",
                    {"text": "/affirm", "bestaetigt_cent": 99999}, csrf)
    assert antwort.status == 409
    assert "Betrag hat sich" in antwort.json()["fehler"]
    assert rasa.gesendet == []


def test_sc_bestaetigung_nicht_moeglich_und_zustimmung_geht_durch(client, anmelden, rasa):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "sc-demo")
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten",
                    {"text": "/affirm", "bestaetigt_cent": 88910}, csrf)
    assert antwort.status == 409
    assert rasa.gesendet == []
    # the SC's consent is forwarded: the assistant queues the request (only SOC-L transfers)
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten",
                    {"text": "/affirm"}, csrf)
    assert antwort.status == 200 and "bestaetigung_noetig" not in antwort.json()
    assert [t for _, t, _ in rasa.gesendet] == ["/affirm"]


# --- notices, deviations, the end of the call -------------------------------------------------

def test_hinweis_abhaken_und_unbekannter_hinweis(client, anmelden, rasa, engine):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "socl-demo")
    pfad = f"/konsole/api/gespraeche/{sender}/hinweise"
    antwort = _post(client, pfad, {"schritt": "3.301.6", "hinweis": "gibtesnicht"}, csrf)
    assert antwort.status == 400
    assert "3.301.6" in antwort.json()["fehler"] and "gibtesnicht" in antwort.json()["fehler"]
    antwort = _post(client, pfad, {"schritt": "3.301.6", "hinweis": "frage_zustimmung"}, csrf)
    assert antwort.status == 200
    (hinweis,) = [h for h in antwort.json()["panel"]["aktuell"]["pflichthinweise"]
                  if h["hinweis"] == "frage_zustimmung"]
    assert hinweis["bestaetigt"] is True
    g = konsole.gespraech(engine, sender)
    assert len(konsole.protokoll(engine, g.id).bestaetigungen) == 1


def test_nicht_abgehakter_hinweis_wird_vor_dem_weiterreichen_festgehalten(
        client, anmelden, rasa, engine):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "sc-demo")
    bau = rasa.trackers[sender]
    bau.nutzer("Ja", "affirm")
    bau.schritt("3.301.7", "keine_berechtigung", aktion="action_glf3301_ueberweisung")
    _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "weiter"}, csrf)
    g = konsole.gespraech(engine, sender)
    (abweichung,) = konsole.protokoll(engine, g.id).abweichungen
    assert (abweichung.schritt_id, abweichung.art) == ("3.301.6", "hinweis_nicht_gegeben")
    assert abweichung.version == "2026.07"


def test_beenden_und_protokollseite(client, anmelden, rasa):
    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    rasa.trackers[sender] = anna_bis_zustimmung(TrackerBau(sender))
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/beenden", {}, sitzung.csrf)
    assert antwort.status == 200
    daten = antwort.json()
    assert daten["protokoll"] == f"/konsole/gespraeche/{sender}"
    arten = {a["art"] for a in daten["abweichungen"]}
    assert "vorzeitig_beendet" in arten
    seite = client.get(daten["protokoll"])
    assert seite.status == 200
    assert "vorzeitig beendet" in seite.text and "GLF 3.301" in seite.text
    # an ended call takes no more messages
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Hallo"},
                    sitzung.csrf)
    assert antwort.status == 409
    # a trainer may read the record, another SC employee's record stays closed to others
    anmelden("trainer-demo")
    assert client.get(daten["protokoll"]).status == 200
    anmelden("socl-demo")
    assert client.get(daten["protokoll"]).status == 404


def test_abmelden_widerruft_den_agent_token(client, anmelden, rasa, engine):
    from leitfaden.mitarbeiter import mitarbeiter_fuer_token

    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Hallo"},
          sitzung.csrf)
    token = rasa.gesendet[0][2]
    assert mitarbeiter_fuer_token(engine, token) is not None
    antwort = client.formular("/abmelden", {"csrf": sitzung.csrf})
    assert antwort.status == 303
    assert mitarbeiter_fuer_token(engine, token) is None


def test_keine_abweichung_wenn_die_nachricht_rasa_nicht_erreicht(client, anmelden, rasa, engine):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "sc-demo")
    bau = rasa.trackers[sender]
    bau.nutzer("Ja", "affirm")
    bau.schritt("3.301.7", "keine_berechtigung", aktion="action_glf3301_ueberweisung")

    async def kaputt(*args, **kwargs):
        raise RasaNichtErreichbar(NICHT_ERREICHBAR)

    rasa.nachricht = kaputt
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "weiter"},
                    csrf)
    assert antwort.status == 502
    g = konsole.gespraech(engine, sender)
    assert konsole.protokoll(engine, g.id).abweichungen == ()


def test_abgelehnter_token_wird_einmal_ersetzt(client, anmelden, rasa, engine):
    from leitfaden.mitarbeiter import mitarbeiter_fuer_token, token_widerrufen

    sitzung = anmelden("sc-demo")
    sender = _beginnen(client, sitzung.csrf)
    _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Hallo"},
          sitzung.csrf)
    alter = rasa.gesendet[0][2]
    token_widerrufen(engine, alter)  # e.g. revoked by an administrator meanwhile
    original = rasa.nachricht

    async def wie_rasa(sender_id, text, token, metadata=None):
        if mitarbeiter_fuer_token(engine, token) is None:
            raise RasaNichtErreichbar("abgelehnt", status=401)
        return await original(sender_id, text, token, metadata)

    rasa.nachricht = wie_rasa
    antwort = _post(client, f"/konsole/api/gespraeche/{sender}/nachrichten", {"text": "Ja"},
                    sitzung.csrf)
    assert antwort.status == 200, antwort.text
    neuer = rasa.gesendet[-1][2]
    assert neuer != alter and mitarbeiter_fuer_token(engine, neuer).login == "sc-demo"


def test_gespraech_nach_neuladen_fortsetzen(client, anmelden, rasa):
    sender, csrf = _bei_zustimmung(client, anmelden, rasa, "socl-demo")
    antwort = client.get(f"/konsole/api/gespraeche/{sender}")
    assert antwort.status == 200
    daten = antwort.json()
    assert daten["gespraech"] == sender and daten["beendet"] is False
    assert daten["panel"]["aktuell"]["id"] == "3.301.6"
    assert {"wer": "nutzer", "text": "Konto stimmt"} in daten["verlauf"]
    assert daten["verlauf"][-1]["wer"] == "assistent"
    anmelden("sc-demo")  # someone else's call stays closed
    assert client.get(f"/konsole/api/gespraeche/{sender}").status == 404
