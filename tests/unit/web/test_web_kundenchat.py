"""The customers' web chat page ``GET /chat``: public, the Rasa URL for the widget, and a
Content-Security-Policy relaxed for this page only."""

from __future__ import annotations

import re

import pytest

from leitfaden.web.app import SICHERHEITS_HEADER
from leitfaden.web.kundenchat import content_security_policy, rasa_origin

STRENG = SICHERHEITS_HEADER["Content-Security-Policy"]


def _csp(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


@pytest.fixture(autouse=True)
def rasa(monkeypatch) -> str:
    monkeypatch.delenv("LEITFADEN_RASA_URL", raising=False)
    monkeypatch.setenv("LEITFADEN_RASA_URL_OEFFENTLICH", "http://rasa.example:5005/")
    return "http://rasa.example:5005"


def test_chat_ohne_anmeldung(client, rasa):
    r = client.get("/chat")
    assert r.status == 200
    assert r.headers["content-type"].startswith("text/html")
    seite = r.text
    assert '<html lang="de">' in seite
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in seite
    assert '<main id="inhalt"' in seite and "<h1>Digitaler Assistent</h1>" in seite
    assert ("Digitaler Assistent der Agentur für Arbeit – Fragen zu Zahlung, Abschlag, "
            "Online-Angeboten") in seite
    assert "Datenschutz" in seite
    assert f'data-rasa-url="{rasa}"' in seite
    # scripts and styles only from the app itself, none inline
    assert re.findall(r'<script src="([^"]+)"', seite) == [
        "/static/vendor/rasa-webchat.js", "/static/kundenchat.js"]
    assert "<script>" not in seite and "<style" not in seite and " style=" not in seite
    assert "http://" not in seite.replace(f'data-rasa-url="{rasa}"', "")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_chat_nimmt_sonst_die_interne_rasa_adresse(client, monkeypatch):
    monkeypatch.delenv("LEITFADEN_RASA_URL_OEFFENTLICH")
    monkeypatch.setenv("LEITFADEN_RASA_URL", "http://127.0.0.1:5099")
    r = client.get("/chat")
    assert 'data-rasa-url="http://127.0.0.1:5099"' in r.text
    assert _csp(r.headers["content-security-policy"])["connect-src"] == [
        "'self'", "http://127.0.0.1:5099", "ws://127.0.0.1:5099"]


def test_csp_des_chats_erlaubt_genau_den_rasa_server(client, rasa):
    csp = _csp(client.get("/chat").headers["content-security-policy"])
    assert csp["connect-src"] == ["'self'", rasa, "ws://rasa.example:5005"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]  # the widget injects <style>
    assert csp["font-src"] == ["'self'", "data:"]  # its icon font is a data: URL
    # everything else as strict as on every other page: no script from anywhere else
    gelockert = ("connect-src", "style-src", "font-src")
    assert {k: v for k, v in csp.items() if k not in gelockert} \
        == {k: v for k, v in _csp(STRENG).items() if k not in gelockert}
    assert "connect-src" not in _csp(STRENG) and "font-src" not in _csp(STRENG)
    assert csp["script-src"] == ["'self'"] and "'unsafe-inline'" not in csp["script-src"]


def test_csp_mit_https_und_pfad_hinter_einem_proxy(client, monkeypatch):
    monkeypatch.setenv("LEITFADEN_RASA_URL_OEFFENTLICH", "https://chat.example.de/rasa/")
    r = client.get("/chat")
    assert 'data-rasa-url="https://chat.example.de/rasa"' in r.text
    assert _csp(r.headers["content-security-policy"])["connect-src"] == [
        "'self'", "https://chat.example.de", "wss://chat.example.de"]


@pytest.mark.parametrize("pfad", ["/ipsc/angebote", "/healthz", "/gibt-es-nicht",
                                  "/static/kundenchat.js"])
def test_andere_seiten_behalten_die_strenge_csp(client, pfad):
    r = client.get(pfad)
    assert r.headers["content-security-policy"] == STRENG
    assert "connect-src" not in r.headers["content-security-policy"]


def test_statische_dateien_des_chats(client):
    js = client.get("/static/kundenchat.js")
    assert js.status == 200 and "javascript" in js.headers["content-type"]
    assert "data-rasa-url" in js.text and "onSocketEvent" in js.text
    css = client.get("/static/kundenchat.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text and "http" not in css.text


@pytest.mark.parametrize("url", ["", "rasa:5005", "ftp://rasa.example", "javascript:alert(1)"])
def test_ungueltige_rasa_adresse(url):
    with pytest.raises(ValueError, match="Keine gültige Adresse des Rasa-Servers"):
        rasa_origin(url)


def test_content_security_policy_ohne_app():
    csp = _csp(content_security_policy("http://127.0.0.1:5005"))
    assert csp["connect-src"] == ["'self'", "http://127.0.0.1:5005", "ws://127.0.0.1:5005"]
    assert csp["frame-ancestors"] == ["'none'"]
