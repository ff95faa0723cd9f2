"""GLF 3.000.4: check a caller's identity against the store (no Rasa here).

A customer proves identity with Kundennummer, full name and date of birth; a representative
with their own name plus the represented person's Kundennummer and date of birth, and needs a
Vollmacht on file. At most :data:`MAX_VERSUCHE` attempts. A record flagged Schutzkennzeichen M
is confirmed, but nothing of it is shown.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from leitfaden.nlp.normalise import names_match
from leitfaden.store.records import KundeRecord, VollmachtRecord
from leitfaden.store.repository import Repository

MAX_VERSUCHE = 3


class Rolle(str, enum.Enum):
    """Who is calling (GLF 3.000.3)."""

    KUNDE = "kunde"
    BEVOLLMAECHTIGT = "bevollmaechtigt"
    DRITTE = "dritte"


class Ergebnis(str, enum.Enum):
    """Outcome of one legitimation attempt (values are the ``legitimation`` slot's)."""

    ERFOLGREICH = "erfolgreich"
    WIEDERHOLEN = "wiederholen"
    GESPERRT = "gesperrt"
    KEINE_VOLLMACHT = "keine_vollmacht"
    SCHUTZKENNZEICHEN_M = "schutzkennzeichen_m"


@dataclass(frozen=True)
class Pruefung:
    """Result of :func:`pruefe`: the outcome, the attempt count and what was matched."""

    ergebnis: Ergebnis
    versuch: int
    kunde: KundeRecord | None = None
    vollmacht: VollmachtRecord | None = None

    @property
    def legitimiert(self) -> bool:
        """Identity confirmed (personal data may be used, unless Schutzkennzeichen M)."""
        return self.ergebnis in (Ergebnis.ERFOLGREICH, Ergebnis.SCHUTZKENNZEICHEN_M)


def pruefe(
    repo: Repository,
    *,
    rolle: Rolle,
    kundennummer: str,
    geburtsdatum: dt.date,
    name: str,
    stichtag: dt.date,
    bisherige_fehlversuche: int = 0,
) -> Pruefung:
    """Check one attempt. ``name`` is the customer's name, or the representative's own name.

    A wrong Kundennummer, name or date of birth all give the same answer (the caller learns
    nothing about which part was wrong or whether the number exists).
    """
    versuch = bisherige_fehlversuche + 1
    if bisherige_fehlversuche >= MAX_VERSUCHE:
        return Pruefung(Ergebnis.GESPERRT, versuch)
    kunde = repo.kunde(kundennummer)
    if kunde is None or kunde.geburtsdatum != geburtsdatum:
        return _fehlversuch(versuch)
    vollmacht = None
    if rolle is Rolle.BEVOLLMAECHTIGT:
        vollmacht = next(
            (v for v in repo.vollmachten(kundennummer, stichtag)
             if names_match(name, f"{v.vertreter_vorname} {v.vertreter_nachname}")),
            None,
        )
        if vollmacht is None:
            return Pruefung(Ergebnis.KEINE_VOLLMACHT, versuch, None, None)
    elif not names_match(name, kunde.name):
        return _fehlversuch(versuch)
    if kunde.schutzkennzeichen_m:
        return Pruefung(Ergebnis.SCHUTZKENNZEICHEN_M, versuch, kunde, vollmacht)
    return Pruefung(Ergebnis.ERFOLGREICH, versuch, kunde, vollmacht)


def _fehlversuch(versuch: int) -> Pruefung:
    ergebnis = Ergebnis.GESPERRT if versuch >= MAX_VERSUCHE else Ergebnis.WIEDERHOLEN
    return Pruefung(ergebnis, versuch)
