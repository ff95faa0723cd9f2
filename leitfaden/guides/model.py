"""The guide as data: a Gesprächsleitfaden version, its steps, wording and branches."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from string import Formatter

CHANNELS = ("kunde", "agent", "telefon")
"""Who reads a wording: the customer in the web chat, the employee's pane, or the phone."""


@dataclass(frozen=True)
class Knopf:
    """A quick-reply button: German title shown, payload sent back (e.g. ``/affirm``)."""

    titel: str
    payload: str


@dataclass(frozen=True)
class Textvariante:
    """One wording of a text, valid for a period and optionally only on one channel."""

    text: str
    gueltig_ab: dt.date | None = None
    gueltig_bis: dt.date | None = None
    kanal: str | None = None
    knoepfe: tuple[Knopf, ...] = ()
    zeile: int = 0

    @property
    def platzhalter(self) -> frozenset[str]:
        """Names of the ``{placeholders}`` the text needs."""
        return frozenset(name for _, name, _, _ in Formatter().parse(self.text) if name)

    @property
    def hash(self) -> str:
        """Fingerprint of the wording (text and buttons): the evidence of what was said."""
        raw = self.text + "\x1f" + "\x1f".join(f"{k.titel}\x1e{k.payload}" for k in self.knoepfe)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]

    def gilt_am(self, tag: dt.date) -> bool:
        """Whether this wording is in force on ``tag``."""
        if self.gueltig_ab and tag < self.gueltig_ab:
            return False
        return not (self.gueltig_bis and tag > self.gueltig_bis)


@dataclass(frozen=True)
class Verzweigung:
    """Where a step leads: ``wenn`` describes the case (German), ``ziel`` names a step id."""

    wenn: str
    ziel: str
    zeile: int = 0


@dataclass(frozen=True)
class Schritt:
    """One step of a guide (e.g. ``3.000.4 Legitimation``)."""

    id: str
    name: str
    zweck: str
    aktionen: tuple[str, ...]
    texte: dict[str, tuple[Textvariante, ...]]
    pruefungen: tuple[str, ...] = ()
    verzweigungen: tuple[Verzweigung, ...] = ()
    pflichthinweise: tuple[str, ...] = ()
    zeile: int = 0


@dataclass(frozen=True)
class Leitfaden:
    """One version of a Gesprächsleitfaden, in force from ``gueltig_ab`` to ``gueltig_bis``."""

    nummer: str
    titel: str
    version: str
    gueltig_ab: dt.date
    gueltig_bis: dt.date | None
    weisung: str
    schritte: tuple[Schritt, ...]
    texte: dict[str, tuple[Textvariante, ...]] = field(default_factory=dict)
    datei: str = ""

    def gilt_am(self, tag: dt.date) -> bool:
        """Whether this version is in force on ``tag``."""
        return self.gueltig_ab <= tag and (self.gueltig_bis is None or tag <= self.gueltig_bis)

    def schritt(self, schritt_id: str) -> Schritt:
        """The step ``schritt_id``; KeyError naming guide and version if it does not exist."""
        for schritt in self.schritte:
            if schritt.id == schritt_id:
                return schritt
        raise KeyError(f"GLF {self.nummer} Version {self.version} hat keinen Schritt {schritt_id}")

    @property
    def schritt_ids(self) -> tuple[str, ...]:
        """Step ids in order."""
        return tuple(s.id for s in self.schritte)
