"""What is still to check in the current guide: one table of (guide, label, condition).

Each condition reads only the conversation (slots, steps visited in the present segment,
guide texts the assistant said, actions run). Trainers change the labels here; the order of
the table is the order shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from leitfaden.gespraech import LEGITIMIERT
from leitfaden.konsole.verlauf import Verlauf, aktionen, gesagte_texte


@dataclass(frozen=True)
class Kontext:
    """The conversation as the conditions see it."""

    verlauf: Verlauf

    def slot(self, name: str) -> object:
        """The slot's current value."""
        return self.verlauf.slot(name)

    def besucht(self, *schritte: str) -> bool:
        """True if any of ``schritte`` was visited in the present segment."""
        return any(s in self.verlauf.schritte for s in schritte)

    def gesagt(self, schritt: str, key: str) -> bool:
        """True if the assistant said wording ``key`` of ``schritt``."""
        return (schritt, key) in gesagte_texte(self.verlauf.ereignisse)

    def ausgefuehrt(self, aktion: str) -> bool:
        """True if action ``aktion`` ran."""
        return aktion in aktionen(self.verlauf.ereignisse)


Bedingung = Callable[[Kontext], bool]


@dataclass(frozen=True)
class Punkt:
    """One item of a guide's checklist."""

    leitfaden: str
    text: str
    erledigt: Bedingung


def _vermerk(schritt: str, aktion: str) -> Bedingung:
    """The closing step's farewell was said (the contact note is stored with it)."""
    return lambda k: k.gesagt(schritt, "verabschiedung") or k.ausgefuehrt(aktion)


CHECKLISTE: tuple[Punkt, ...] = (
    # GLF 3.000
    Punkt("3.000", "Anliegen geklärt", lambda k: bool(k.slot("anliegen"))),
    Punkt("3.000", "Rolle geklärt", lambda k: bool(k.slot("rolle"))),
    Punkt("3.000", "Legitimation erfolgreich", lambda k: k.slot("legitimation") in LEGITIMIERT),
    Punkt("3.000", "Online-Angebote genannt", lambda k: k.besucht("3.000.5")),
    Punkt("3.000", "Unterstützungsbedarf erfragt",
          lambda k: k.besucht("3.000.6") or k.slot("angebote_genannt") is not None),
    Punkt("3.000", "Gesprächsvermerk gespeichert",
          _vermerk("3.000.7", "action_glf3000_verabschiedung")),
    # GLF 3.301
    Punkt("3.301", "Legitimation erfolgreich", lambda k: k.slot("legitimation") == "erfolgreich"),
    Punkt("3.301", "Leistungsstatus geprüft", lambda k: k.besucht("3.301.2")),
    Punkt("3.301", "Härtegrund festgehalten",
          lambda k: k.slot("haertegrund") not in (None, "", "keine")),
    Punkt("3.301", "Betrag berechnet", lambda k: bool(k.slot("abschlag_betrag"))),
    Punkt("3.301", "Bankverbindung bestätigt", lambda k: k.besucht("3.301.6")),
    Punkt("3.301", "Zustimmung eingeholt", lambda k: k.besucht("3.301.7")),
    Punkt("3.301", "Überweisung ausgelöst oder Antrag vorbereitet",
          lambda k: bool(k.slot("abschlag_nummer"))),
    Punkt("3.301", "Vermerk gespeichert", lambda k: k.besucht("3.301.8", "3.301.9")),
    # GLF 1.000
    Punkt("1.000", "Anliegen geklärt", lambda k: bool(k.slot("anliegen"))),
    Punkt("1.000", "Online-Angebote beworben", lambda k: k.besucht("1.000.2")),
    Punkt("1.000", "Unterstützungsbedarf erfragt",
          lambda k: k.besucht("1.000.3") or k.slot("angebote_genannt") is not None),
    Punkt("1.000", "Angebote genannt", lambda k: k.slot("angebote_genannt") is True),
    Punkt("1.000", "Gesprächsvermerk gespeichert",
          _vermerk("1.000.6", "action_glf1000_verabschiedung")),
)


def checkliste(leitfaden: str, verlauf: Verlauf) -> list[tuple[str, bool]]:
    """``(label, done)`` for each item of guide ``leitfaden``, in table order."""
    kontext = Kontext(verlauf)
    return [(p.text, bool(p.erledigt(kontext))) for p in CHECKLISTE if p.leitfaden == leitfaden]
