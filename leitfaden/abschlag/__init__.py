"""Abschlagszahlung (GLF 3.301): policy file, bank calendar and the rules engine.

Core code: no Rasa imports. ``richtlinie`` reads the dated parameters
(``guidelines/abschlag-richtlinie.yml``), ``bankkalender`` knows bank working days and the
regular payment date, ``regeln`` decides whether and how much may be paid.
"""

from __future__ import annotations

from leitfaden.abschlag.bankkalender import (
    bankarbeitstage_zwischen,
    gutschrift_erwartet,
    ist_bankarbeitstag,
    naechster_bankarbeitstag,
    regulaerer_zahltag,
)
from leitfaden.abschlag.regeln import Entscheidung, Grund, pruefe_abschlag, zahltag_zu_nah
from leitfaden.abschlag.richtlinie import (
    Richtlinie,
    RichtlinienFehler,
    lade_richtlinien,
    richtlinie_am,
)

__all__ = [
    "Entscheidung",
    "Grund",
    "Richtlinie",
    "RichtlinienFehler",
    "bankarbeitstage_zwischen",
    "gutschrift_erwartet",
    "ist_bankarbeitstag",
    "lade_richtlinien",
    "naechster_bankarbeitstag",
    "pruefe_abschlag",
    "regulaerer_zahltag",
    "richtlinie_am",
    "zahltag_zu_nah",
]
