"""Tracker JSON as Rasa's HTTP API returns it, built turn by turn for the console tests.

Event order as Rasa logs a custom action: the ``action`` event, then the ``bot`` events of
its messages (with the guide's evidence under ``metadata.leitfaden``), then the slot events
it returned (``guide``, ``guide_step`` last).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

from leitfaden.abschlag import ledger
from leitfaden.guides import library

HEUTE = dt.date(2026, 11, 18)
ANNA = "123A456789"
ANNA_IBAN = "DE89370400440532013000"
BECKER = "456D789012"


class TrackerBau:
    """Builds the tracker of one conversation on the agent channel."""

    def __init__(self, sender_id: str = "konsole-test") -> None:
        self.sender_id = sender_id
        self.zeit = 1_700_000_000.0
        self.slots: dict[str, Any] = {"legitimation_versuche": 0.0}
        self.events: list[dict[str, Any]] = []
        self.latest_message: dict[str, Any] = {}
        self.aktion("action_session_start")
        self._ereignis({"event": "session_started"})
        self.aktion("action_listen")

    def _ereignis(self, ereignis: dict[str, Any]) -> None:
        self.zeit += 1
        self.events.append({**ereignis, "timestamp": self.zeit})

    def aktion(self, name: str) -> TrackerBau:
        self._ereignis({"event": "action", "name": name, "policy": "RulePolicy",
                        "confidence": 1.0})
        return self

    def nutzer(self, text: str, intent: str = "inform") -> TrackerBau:
        """The employee types what the caller says (agent channel)."""
        self.aktion("action_listen")
        self.latest_message = {"text": text, "intent": {"name": intent, "confidence": 0.99},
                               "entities": []}
        self._ereignis({"event": "user", "text": text, "input_channel": "agent",
                        "parse_data": copy.deepcopy(self.latest_message),
                        "metadata": {"mitarbeiter": {"login": "socl-demo"}}})
        return self

    def setze(self, **slots: Any) -> TrackerBau:
        for name, wert in slots.items():
            self.slots[name] = wert
            self._ereignis({"event": "slot", "name": name, "value": wert})
        return self

    def bot(self, schritt: str, key: str, text: str | None = None) -> TrackerBau:
        guide = schritt.rsplit(".", 1)[0]
        version = library().in_force(guide, HEUTE).version
        self._ereignis({"event": "bot", "text": text or f"[{schritt} {key}]",
                        "data": {"buttons": None},
                        "metadata": {"leitfaden": {
                            "guide": guide, "guide_version": version, "guide_step": schritt,
                            "text_key": key, "valid_on": HEUTE.isoformat(),
                            "channel": "agent"}}})
        return self

    def schritt(self, schritt: str, *keys: str, aktion: str | None = None,
                **slots: Any) -> TrackerBau:
        """An action of ``schritt`` says ``keys``, sets ``slots`` and the step slots."""
        self.aktion(aktion or f"action_{schritt.replace('.', '_')}")
        for key in keys:
            self.bot(schritt, key)
        self.setze(**slots)
        return self.setze(guide=schritt.rsplit(".", 1)[0], guide_step=schritt)

    def json(self) -> dict[str, Any]:
        """The tracker as ``GET /conversations/<id>/tracker`` returns it."""
        return {"sender_id": self.sender_id, "slots": dict(self.slots),
                "latest_message": copy.deepcopy(self.latest_message),
                "events": copy.deepcopy(self.events), "paused": False,
                "latest_input_channel": "agent", "active_loop": {},
                "latest_action_name": "action_listen"}


def anna_bis_legitimation(t: TrackerBau | None = None) -> TrackerBau:
    """Anna Schmidt calls for an Abschlag: 3.000.1 to the successful legitimation."""
    t = t or TrackerBau()
    t.nutzer("/greet", "greet")
    t.schritt("3.000.1", "begruessung", aktion="action_glf3000_begruessung")
    t.nutzer("Kundin möchte einen Abschlag", "request_advance_payment")
    t.schritt("3.000.2", "anliegen_abschlag", aktion="action_glf3000_anliegen",
              anliegen="abschlag")
    t.schritt("3.000.3", "frage_rolle", aktion="action_glf3000_rolle")
    t.nutzer("Kundin selbst am Telefon")
    t.setze(rolle="kunde")
    t.schritt("3.000.4", "frage_kundennummer", aktion="action_ask_kundennummer")
    t.nutzer("KdNr 123A456789, Anna Schmidt, geb. 14.03.1985")
    t.setze(kundennummer=ANNA, kunde_name="Anna Schmidt", geburtsdatum="1985-03-14")
    return t


def anna_bis_zustimmung(t: TrackerBau | None = None) -> TrackerBau:
    """... legitimated, payment status, hardship, amount, account: consent asked (3.301.6)."""
    t = anna_bis_legitimation(t)
    t.schritt("3.000.4", "erfolgreich", aktion="action_glf3000_legitimation_pruefen",
              legitimation="erfolgreich")
    t.schritt("3.301.1", "einstieg_abschlag", aktion="action_glf3301_einstieg")
    t.schritt("3.301.2", aktion="action_glf3301_leistungsstatus")
    t.schritt("3.301.3", "frage_haerte", aktion="action_ask_haertegrund_text")
    t.nutzer("Miete ist fällig, der Vermieter droht mit Kündigung")
    t.setze(haertegrund_text="Miete ist fällig, der Vermieter droht mit Kündigung",
            haertegrund="miete")
    t.schritt("3.301.3", "haerte_erkannt", aktion="action_glf3301_haerte")
    t.schritt("3.301.4", "berechnung", aktion="action_glf3301_berechnung",
              abschlag_betrag="889.10")
    t.schritt("3.301.5", "frage_konto", aktion="action_glf3301_bankverbindung",
              offene_frage="konto")
    t.nutzer("Konto stimmt", "affirm")
    t.schritt("3.301.6", "frage_zustimmung", aktion="action_glf3301_zustimmung",
              abschlag_betrag="889.10", offene_frage="zustimmung")
    return t


def ueberweisen(engine: Engine, sender_id: str = "konsole-test") -> ledger.Ueberweisung:
    """The SOC-L employee's transfer of Anna's 889,10 € (as action_glf3301_ueberweisung)."""
    return ledger.abschlag_ueberweisen(
        engine, kundennummer=ANNA, betrag=Decimal("889.10"), iban=ANNA_IBAN,
        zeitraum_von=dt.date(2026, 11, 1), zeitraum_bis=dt.date(2026, 11, 17),
        haertegrund="miete", haertegrund_text="Miete ist fällig",
        mitarbeiter_login="socl-demo", idempotenz_schluessel=f"{sender_id}:{ANNA}:2026-11",
        grund_text="17 Tage × 52,30 € − 0,00 € = 889,10 €")


def anna_ueberwiesen(t: TrackerBau, nummer: str) -> TrackerBau:
    """Consent given: transfer (3.301.7), note (3.301.8), back to 3.000.7 in one turn."""
    t.nutzer("Kundin ist einverstanden", "affirm")
    t.schritt("3.301.7", "ueberwiesen", aktion="action_glf3301_ueberweisung",
              abschlag_ergebnis="ueberwiesen", abschlag_nummer=nummer, offene_frage=None)
    t.schritt("3.301.8", "kein_besuch", aktion="action_glf3301_dokumentation")
    return t.schritt("3.000.7", "frage_weiteres", aktion="action_glf3000_abschluss_frage",
                     offene_frage="weiteres")


def becker_legitimiert(t: TrackerBau | None = None) -> TrackerBau:
    """Thomas Becker (Schutzkennzeichen M) calls about his payment, then online offers."""
    t = t or TrackerBau()
    t.nutzer("/greet", "greet")
    t.schritt("3.000.1", "begruessung", aktion="action_glf3000_begruessung")
    t.nutzer("Kunde fragt nach seiner Zahlung", "ask_payment_status")
    t.schritt("3.000.2", "anliegen_zahlung", aktion="action_glf3000_anliegen",
              anliegen="zahlung")
    t.schritt("3.000.3", "frage_rolle", aktion="action_glf3000_rolle")
    t.nutzer("Kunde selbst")
    t.setze(rolle="kunde")
    t.schritt("3.000.4", "frage_kundennummer", aktion="action_ask_kundennummer")
    t.nutzer("KdNr 456D789012, Thomas Becker, geb. 30.01.1990")
    t.setze(kundennummer=BECKER, kunde_name="Thomas Becker", geburtsdatum="1990-01-30")
    t.schritt("3.000.4", "schutzkennzeichen_m", aktion="action_glf3000_legitimation_pruefen",
              legitimation="schutzkennzeichen_m")
    t.schritt("3.000.2", "weiterleitung_schutz", aktion="action_glf3000_weiterleitung")
    return t.schritt("3.000.5", "online_kunde", aktion="action_glf3000_online_angebote")
