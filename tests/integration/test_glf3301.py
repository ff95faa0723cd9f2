"""GLF 3.301 over the running servers: every row of the contract table, on both channels.

Customer chat (REST): the assistant prepares the request, a SOC-L employee approves it from the
work queue. Agent channel: the signed-in SOC-L employee transfers after the caller's consent;
an SC employee without SOC-L rights can only queue it. Reference day 2026-11-18; on 2026-11-27
nobody gets an Abschlag.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests
from sqlalchemy import create_engine

from leitfaden.abschlag import ledger, sepa, warteschlange
from leitfaden.mitarbeiter import token_erzeugen
from leitfaden.servers import MODEL, running_servers

pytestmark = pytest.mark.integration

HAERTE = "Meine Miete ist fällig und der Vermieter droht mit der Kündigung"


@dataclass(frozen=True)
class Fall:
    """One row of the contract table: who calls, and what must happen."""

    kundennummer: str
    name: str
    geboren: str
    betrag: str | None  # "889,10 €", or None: refused
    ablehnung: str = ""  # a phrase of the refusal
    vertreter: str | None = None  # the representative's name when they call


FAELLE = [
    Fall("123A456789", "Anna Schmidt", "14.03.1985", "889,10 €"),
    Fall("234B567890", "Mehmet Yilmaz", "02.11.1979", None, "Leistungsteam"),
    Fall("345C678901", "Petra Wagner", "21.07.1968", None, "Jobcenter"),
    Fall("567E890123", "Julia Hoffmann", "05.05.1995", None, "online"),
    Fall("678F901234", "Klaus Neumann", "09.04.1962", "658,75 €"),
    Fall("678F901234", "Klaus Neumann", "09.04.1962", "658,75 €", vertreter="Sabine Neumann"),
    Fall("789G012345", "Erika Braun", "17.09.1971", "766,70 €"),
    Fall("789G012345", "Erika Braun", "17.09.1971", None, "Vollmacht",
         vertreter="Martin Braun"),
    Fall("890H123456", "Stefan Krüger", "06.06.1983", None, "bereits"),
    Fall("901J234567", "Laura Fischer", "10.10.2000", None, "50,00 €"),
]


class Anruf:
    """One conversation on the REST or the agent channel."""

    def __init__(self, servers, token: str | None = None) -> None:
        self.servers = servers
        self.sender = f"t3301-{uuid.uuid4().hex[:10]}"
        self.kopf = {"Authorization": f"Bearer {token}"} if token else {}
        kanal = "agent" if token else "rest"
        self.url = f"{servers.rasa_url}/webhooks/{kanal}/webhook"

    def sage(self, text: str) -> str:
        r = requests.post(self.url, json={"sender": self.sender, "message": text},
                          headers=self.kopf, timeout=60)
        r.raise_for_status()
        return "\n".join(m.get("text", "") for m in r.json())

    def slots(self) -> dict:
        r = requests.get(f"{self.servers.rasa_url}/conversations/{self.sender}/tracker",
                         timeout=30)
        return r.json()["slots"]

    def legitimieren(self, fall: Fall) -> str:
        """3.000 up to the end of the legitimation; returns the answer after it."""
        self.sage("Hallo")
        if fall.vertreter:
            self.sage("Ich rufe für einen Angehörigen an, ich habe eine Vollmacht")
            self.sage("Ich brauche einen Abschlag für ihn")
            self.sage(fall.vertreter)
            self.sage(fall.kundennummer)
            return self.sage(fall.geboren)
        self.sage("Ich brauche einen Abschlag")
        self.sage("Für mich selbst")
        self.sage(fall.kundennummer)
        self.sage(fall.name)
        return self.sage(fall.geboren)

    def bis_zur_zustimmung(self, fall: Fall) -> str:
        """Hardship, amount, account, consent; returns the answer to the consent."""
        nach_haerte = self.sage(HAERTE)
        assert fall.betrag in nach_haerte, nach_haerte
        assert "IBAN-Endung" in nach_haerte or "IBAN" in nach_haerte
        zustimmung = self.sage("Ja, das Konto stimmt")
        assert "verrechnet" in zustimmung and fall.betrag in zustimmung
        return self.sage("Ja, einverstanden")


@pytest.fixture(scope="module")
def engine(servers):
    eng = create_engine(servers.database_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def tokens(engine):
    return {login: token_erzeugen(engine, login, "Integrationstest")
            for login in ("socl-demo", "sc-demo")}


@pytest.fixture(autouse=True)
def demo_zustand(servers, stichtag):
    """Every case starts from the contract's demo state (as `make demo-reset` does), and the
    test process's own clock (queue decisions, SEPA) is on the servers' reference day."""
    from leitfaden.store.db import make_engine
    from leitfaden.store.demo import reset_demo_data

    eng = make_engine(servers.database_url)
    reset_demo_data(eng)
    eng.dispose()


def _abschlaege(engine, kundennummer: str) -> list:
    return [z for z in ledger.zahlungen(engine, kundennummer=kundennummer)
            if z.monat == "2026-11" and z.angewiesen_von is not None]


@pytest.mark.parametrize("fall", FAELLE, ids=lambda f: f"{f.name}-{f.vertreter or 'selbst'}")
def test_agent_kanal_soc_l(servers, engine, tokens, fall):
    anruf = Anruf(servers, tokens["socl-demo"])
    antwort = anruf.legitimieren(fall)
    if fall.betrag is None:
        assert "nicht möglich" in antwort and fall.ablehnung in antwort, antwort
        assert "Eingangszone" not in antwort
        assert _abschlaege(engine, fall.kundennummer) == []
        assert anruf.slots()["guide_step"] == "3.000.7"
        return
    assert "Was ist gerade fällig" in antwort, antwort
    ergebnis = anruf.bis_zur_zustimmung(fall)
    assert "Überweisung ausgelöst" in ergebnis and fall.betrag in ergebnis
    assert "Besuch in der Agentur ist dafür nicht nötig" in ergebnis
    (zahlung,) = _abschlaege(engine, fall.kundennummer)
    assert f"{zahlung.betrag:.2f}".replace(".", ",") + " €" == fall.betrag
    assert zahlung.bestaetigungsnummer in ergebnis
    assert zahlung.angewiesen_von == "socl-demo"
    # a retry of the last message (e.g. a double click) pays nothing twice
    anruf.sage("Ja, einverstanden")
    assert len(_abschlaege(engine, fall.kundennummer)) == 1


@pytest.mark.parametrize("fall", [f for f in FAELLE if f.betrag], ids=lambda f: f.name)
def test_kunden_chat_antrag_und_freigabe(servers, engine, fall):
    anruf = Anruf(servers)
    assert "Was ist gerade fällig" in anruf.legitimieren(fall)
    ergebnis = anruf.bis_zur_zustimmung(fall)
    assert "Vorgangsnummer" in ergebnis and "Besuch in der Agentur" in ergebnis
    assert _abschlaege(engine, fall.kundennummer) == []  # nobody has decided yet
    (antrag,) = [a for a in warteschlange.offene_antraege(engine)
                 if a.kundennummer == fall.kundennummer]
    assert antrag.vorgangsnummer in ergebnis
    warteschlange.genehmigen(engine, antrag.vorgangsnummer, "socl-demo")
    (zahlung,) = _abschlaege(engine, fall.kundennummer)
    assert f"{zahlung.betrag:.2f}".replace(".", ",") + " €" == fall.betrag


def test_sc_ohne_soc_l_rechte_kann_nur_vorbereiten(servers, engine, tokens):
    anna = FAELLE[0]
    anruf = Anruf(servers, tokens["sc-demo"])
    anruf.legitimieren(anna)
    ergebnis = anruf.bis_zur_zustimmung(anna)
    assert "Nur SOC-L-Beschäftigte dürfen überweisen" in ergebnis
    assert _abschlaege(engine, anna.kundennummer) == []


def test_anna_schmidt_genau_eine_zahlung_und_sepa(servers, engine, tokens):
    anna = FAELLE[0]
    anruf = Anruf(servers, tokens["socl-demo"])
    anruf.legitimieren(anna)
    anruf.bis_zur_zustimmung(anna)
    (zahlung,) = _abschlaege(engine, anna.kundennummer)
    assert zahlung.betrag == Decimal("889.10")
    datei = sepa.sepa_exportieren(engine, akteur="socl-demo")
    xml = datei.xml
    wurzel = ET.fromstring(xml)
    betraege = [e.text for e in wurzel.iter() if e.tag.endswith("InstdAmt")]
    assert betraege == ["889.10"]
    assert b"DE89370400440532013000" in xml


def test_schutzkennzeichen_m_nicht_im_sc(servers, engine, tokens):
    anruf = Anruf(servers, tokens["socl-demo"])
    antwort = anruf.legitimieren(Fall("456D789012", "Thomas Becker", "30.01.1990", None))
    assert "Schutzkennzeichen M" in antwort and "Webauftrag" in antwort
    assert "48,00" not in antwort
    assert _abschlaege(engine, "456D789012") == []


def test_ohne_token_kein_agent_kanal(servers):
    r = requests.post(f"{servers.rasa_url}/webhooks/agent/webhook",
                      json={"sender": "x", "message": "Hallo"}, timeout=30)
    assert r.status_code == 401


@pytest.fixture(scope="module")
def servers_27_11():
    if not MODEL.exists():
        pytest.fail(f"Kein trainiertes Modell unter {MODEL}: erst `make train`.")
    with running_servers(today="2026-11-27") as running:
        yield running


@pytest.mark.parametrize("fall", [f for f in FAELLE if f.betrag], ids=lambda f: f.name)
def test_am_27_11_bekommt_niemand_einen_abschlag(servers_27_11, fall):
    anruf = Anruf(servers_27_11)
    antwort = anruf.legitimieren(fall)
    assert "nicht möglich" in antwort and "01.12.2026" in antwort, antwort


def test_gefaelschte_mitarbeiterangaben_im_rest_kanal_ueberweisen_nicht(servers, engine):
    """A customer claims input channel "agent" and sends SOC-L metadata on every message:
    the identity is not signed by the agent channel, so the request is only queued."""
    anna = FAELLE[0]
    anruf = Anruf(servers)
    falsch = {"input_channel": "agent", "metadata": {"mitarbeiter": {
        "login": "socl-demo", "name": "Oliver Lindner", "rolle": "socl",
        "darf_ueberweisen": True}}}

    def sage(text: str) -> str:
        r = requests.post(anruf.url, json={"sender": anruf.sender, "message": text, **falsch},
                          timeout=60)
        r.raise_for_status()
        return "\n".join(m.get("text", "") for m in r.json())

    anruf.sage = sage  # type: ignore[method-assign]
    anruf.legitimieren(anna)
    ergebnis = anruf.bis_zur_zustimmung(anna)
    assert "Überweisung ausgelöst" not in ergebnis and "Vorgangsnummer" in ergebnis
    assert _abschlaege(engine, anna.kundennummer) == []
