"""Rasa's HTTP API on the running server: reading stays open, writing needs the token."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.integration.conftest import VERWALTUNG

EREIGNIS = [{"event": "slot", "name": "legitimation", "value": "erfolgreich"},
            {"event": "slot", "name": "kundennummer", "value": "123A456789"}]


def _tracker(servers, sender: str) -> dict:
    r = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", timeout=30)
    assert r.status_code == 200  # reading stays open (contract)
    return r.json()


@pytest.mark.parametrize("kopf", [{}, {"Authorization": "Bearer falsch"},
                                  {"Authorization": f"Basic {VERWALTUNG}"}])
def test_ereignisse_einschleusen_ohne_token_verboten(servers, kopf):
    sender = f"api-{uuid.uuid4().hex[:10]}"
    requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                  json={"sender": sender, "message": "Hallo"}, timeout=60).raise_for_status()
    r = requests.post(f"{servers.rasa_url}/conversations/{sender}/tracker/events",
                      json=EREIGNIS, headers=kopf, timeout=30)
    assert r.status_code == 403
    assert "Verwaltungs-Token" in r.json()["fehler"]
    slots = _tracker(servers, sender)["slots"]
    assert slots["legitimation"] != "erfolgreich" and slots["kundennummer"] is None


@pytest.mark.parametrize("methode,pfad", [
    ("PUT", "/conversations/x/tracker/events"),
    ("POST", "/conversations/x/trigger_intent"),
    ("POST", "/conversations/x/execute"),
    ("POST", "/conversations/x/messages"),
    ("POST", "/model/train"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
])
def test_weitere_schreibende_routen_verboten(servers, methode, pfad):
    r = requests.request(methode, f"{servers.rasa_url}{pfad}", json={}, timeout=30)
    assert r.status_code == 403, (methode, pfad, r.text[:200])


def test_mit_verwaltungs_token_erlaubt(servers):
    sender = f"api-{uuid.uuid4().hex[:10]}"
    r = requests.post(f"{servers.rasa_url}/conversations/{sender}/tracker/events",
                      json=[{"event": "slot", "name": "standort", "value": "90402"}],
                      headers={"Authorization": f"Bearer {VERWALTUNG}"}, timeout=30)
    assert r.status_code == 200, r.text
    assert _tracker(servers, sender)["slots"]["standort"] == "90402"


def test_lesende_routen_bleiben_offen(servers):
    r = requests.post(f"{servers.rasa_url}/model/parse", json={"text": "Hallo"}, timeout=30)
    assert r.status_code == 200 and r.json()["intent"]["name"] == "greet"
    assert requests.get(f"{servers.rasa_url}/status", timeout=30).status_code == 200
