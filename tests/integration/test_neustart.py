"""A server restart mid-call: the call goes on from the tracker store (issue requirement).

Anna Schmidt calls the agent channel, signed in as ``socl-demo`` (reference day 2026-11-18).
Mid-call the action server (or the Rasa server) is restarted on the same port; the next message
continues where the call was (``guide_step`` and slots as in the tracker store) and the call
ends with exactly one Abschlag of 889,10 €.

These tests run their own pair of servers (module scope): restarting the session's shared
``servers`` would disturb the other integration tests.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
import requests
from sqlalchemy import create_engine

from leitfaden.abschlag import ledger
from leitfaden.mitarbeiter import token_erzeugen
from leitfaden.servers import MODEL, Servers, running_servers

pytestmark = pytest.mark.integration

TODAY = "2026-11-18"
KUNDENNUMMER = "123A456789"
LEGITIMATION = ("Hallo", "Ich brauche einen Abschlag", "Für mich selbst", KUNDENNUMMER,
                "Anna Schmidt", "14.03.1985")
HAERTE = "Meine Miete ist fällig und der Vermieter droht mit Kündigung"
KONTO = "Ja, das Konto stimmt"
ZUSTIMMUNG = "Ja, einverstanden"
NICHT_VERSTANDEN = "nicht verstanden"
AUSNAHME = "Encountered an exception while running action"


@pytest.fixture(scope="module")
def neustart_servers() -> Servers:
    """A pair of servers of its own, which the tests may restart."""
    if not MODEL.exists():
        pytest.fail(f"Kein trainiertes Modell unter {MODEL}: erst `make train`.")
    with running_servers(today=TODAY) as running:
        yield running


@pytest.fixture(scope="module")
def engine(neustart_servers):
    eng = create_engine(neustart_servers.database_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def token(engine) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEITFADEN_TODAY", TODAY)
        return token_erzeugen(engine, "socl-demo", "Neustart-Test")


@pytest.fixture(autouse=True)
def demo_zustand(neustart_servers, stichtag):
    """Each test starts from the demo state (Anna has no Abschlag yet), on the reference day."""
    from leitfaden.store.db import make_engine
    from leitfaden.store.demo import reset_demo_data

    eng = make_engine(neustart_servers.database_url)
    reset_demo_data(eng)
    eng.dispose()


class Anruf:
    """One call on the agent channel; keeps every answer."""

    def __init__(self, servers: Servers, token: str) -> None:
        self.servers = servers
        self.sender = f"neustart-{uuid.uuid4().hex[:10]}"
        self.kopf = {"Authorization": f"Bearer {token}"}
        self.antworten: list[list[dict]] = []

    def nachrichten(self, text: str) -> list[dict]:
        r = requests.post(f"{self.servers.rasa_url}/webhooks/agent/webhook",
                          json={"sender": self.sender, "message": text},
                          headers=self.kopf, timeout=60)
        r.raise_for_status()
        self.antworten.append(r.json())
        return r.json()

    def sage(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.nachrichten(text))

    def slots(self) -> dict:
        r = requests.get(f"{self.servers.rasa_url}/conversations/{self.sender}/tracker",
                         timeout=30)
        r.raise_for_status()
        return r.json()["slots"]

    @property
    def alle_texte(self) -> str:
        return "\n".join(m.get("text", "") for a in self.antworten for m in a)

    def bis_zur_haertefrage(self) -> None:
        for text in LEGITIMATION[:-1]:
            self.sage(text)
        antwort = self.sage(LEGITIMATION[-1])
        assert "Legitimation erfolgreich" in antwort and "Was ist gerade fällig" in antwort, \
            antwort
        slots = self.slots()
        assert (slots["guide"], slots["guide_step"]) == ("3.301", "3.301.3")
        assert slots["requested_slot"] == "haertegrund_text"

    def haerte_und_konto(self) -> str:
        """Hardship answer and account; returns the consent question."""
        antwort = self.sage(HAERTE)
        assert "Härtegrund erfasst: Miete" in antwort and "889,10 €" in antwort, antwort
        assert "IBAN-Endung" in antwort
        frage = self.sage(KONTO)
        assert "verrechnet" in frage and "Sind Sie damit einverstanden" in frage, frage
        slots = self.slots()
        assert (slots["guide_step"], slots["offene_frage"]) == ("3.301.6", "zustimmung")
        return frage

    def zustimmen(self) -> str:
        ergebnis = self.sage(ZUSTIMMUNG)
        assert "Überweisung ausgelöst: 889,10 €" in ergebnis, ergebnis
        assert "Besuch in der Agentur ist dafür nicht nötig" in ergebnis
        slots = self.slots()
        assert slots["abschlag_ergebnis"] == "ueberwiesen"
        assert (slots["guide"], slots["guide_step"]) == ("3.000", "3.000.7")
        return ergebnis


def _abschlaege(engine) -> list:
    return [z for z in ledger.zahlungen(engine, kundennummer=KUNDENNUMMER)
            if z.monat == "2026-11" and z.angewiesen_von == "socl-demo"]


def _genau_eine_zahlung(engine, anruf: Anruf, ergebnis: str) -> None:
    (zahlung,) = _abschlaege(engine)
    assert zahlung.betrag == Decimal("889.10")
    assert zahlung.bestaetigungsnummer in ergebnis
    # the same consent once more (a double click) pays nothing twice
    anruf.sage(ZUSTIMMUNG)
    assert len(_abschlaege(engine)) == 1
    assert NICHT_VERSTANDEN not in anruf.alle_texte


def _ausnahmen_im_log(servers: Servers, action: str) -> int:
    """How often the Rasa server logged that ``action`` failed."""
    log = (servers.workdir / "rasa.log").read_text(errors="replace")
    return log.count(f"{AUSNAHME} '{action}'")


def test_action_server_neustart_vor_der_haerte(neustart_servers, engine, token):
    anruf = Anruf(neustart_servers, token)
    anruf.bis_zur_haertefrage()
    vorher = anruf.slots()

    neu = neustart_servers.action_server_neu_starten()
    assert neu.action_pid != neustart_servers.action_pid
    assert neu.action_url == neustart_servers.action_url
    assert requests.get(f"{neu.action_url}/health", timeout=10).status_code == 200
    assert anruf.slots() == vorher  # the Rasa server still has the call as it was

    anruf.haerte_und_konto()
    ergebnis = anruf.zustimmen()
    _genau_eine_zahlung(engine, anruf, ergebnis)


def test_rasa_server_neustart_vor_der_zustimmung(neustart_servers, engine, token):
    anruf = Anruf(neustart_servers, token)
    anruf.bis_zur_haertefrage()
    anruf.haerte_und_konto()
    vorher = anruf.slots()

    neu = neustart_servers.rasa_server_neu_starten()
    assert neu.rasa_pid != neustart_servers.rasa_pid
    assert neu.rasa_url == neustart_servers.rasa_url
    # a new process that knows the call only from the tracker store
    assert anruf.slots() == vorher
    assert (vorher["guide_step"], vorher["abschlag_betrag"]) == ("3.301.6", "889.10")

    ergebnis = anruf.zustimmen()
    _genau_eine_zahlung(engine, anruf, ergebnis)


def test_action_server_ausgefallen_bei_der_haerte(neustart_servers, engine, token):
    """While the action server is down, a message is answered with nothing.

    What Rasa 3.6 does: the request to the webhook fails (connection refused), the processor
    logs "Encountered an exception while running action 'haerte_form'. Bot will continue, but
    the actions events are lost", records the action as run without its events and predicts
    ``action_listen``. So the channel answers HTTP 200 with an empty list (no text, no
    fallback), the Rasa server keeps running, and the tracker keeps the step and slots as they
    were (the hardship is not recorded). After the restart the caller repeats the answer and
    the call goes on from there and pays exactly once.
    """
    anruf = Anruf(neustart_servers, token)
    anruf.bis_zur_haertefrage()
    vorher = anruf.slots()
    ausnahmen = _ausnahmen_im_log(neustart_servers, "haerte_form")

    neustart_servers.action_server_anhalten()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{neustart_servers.action_url}/health", timeout=5)
    assert anruf.nachrichten(HAERTE) == []
    assert requests.get(f"{neustart_servers.rasa_url}/status", timeout=10).status_code == 200
    assert anruf.slots() == vorher
    assert _ausnahmen_im_log(neustart_servers, "haerte_form") == ausnahmen + 1

    neustart_servers.action_server_neu_starten()
    anruf.haerte_und_konto()
    ergebnis = anruf.zustimmen()
    _genau_eine_zahlung(engine, anruf, ergebnis)


def test_action_server_ausgefallen_bei_der_zustimmung(neustart_servers, engine, token):
    """Down at the consent, the step that transfers the money: the transfer action cannot run,
    so nothing is paid and the answer is empty; Rasa then waits for the next message (the
    rest of the rule is not run). After the restart the repeated consent pays exactly once."""
    anruf = Anruf(neustart_servers, token)
    anruf.bis_zur_haertefrage()
    anruf.haerte_und_konto()
    vorher = anruf.slots()
    ausnahmen = _ausnahmen_im_log(neustart_servers, "action_glf3301_ueberweisung")

    neustart_servers.action_server_anhalten()
    assert anruf.nachrichten(ZUSTIMMUNG) == []
    assert _abschlaege(engine) == []
    assert anruf.slots() == vorher
    assert _ausnahmen_im_log(neustart_servers, "action_glf3301_ueberweisung") == ausnahmen + 1

    neustart_servers.action_server_neu_starten()
    ergebnis = anruf.zustimmen()
    _genau_eine_zahlung(engine, anruf, ergebnis)
