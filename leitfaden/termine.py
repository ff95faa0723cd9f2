"""Appointments for support offers that need one (GLF 1.000.3).

An offer's weekly slots (weekday, from, to) give the next time it takes place; the reception
asks for an appointment in that slot (a *Terminanfrage*) and the offer's team confirms it.
Nationwide public holidays are skipped (``holidays`` package).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

from leitfaden.offers import uhrzeit
from leitfaden.store.records import AngebotRecord

#: How far ahead an appointment is looked for.
SUCHZEITRAUM_TAGE = 28

_WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


@lru_cache(maxsize=8)
def _feiertage(jahr: int) -> holidays.HolidayBase:
    """German nationwide public holidays of ``jahr``."""
    return holidays.country_holidays("DE", years=jahr)


def ist_feiertag(tag: dt.date) -> bool:
    """True on a nationwide public holiday in Germany."""
    return tag in _feiertage(tag.year)


@dataclass(frozen=True)
class Terminvorschlag:
    """The next slot of an offer: date and the slot's times."""

    angebot_id: str
    datum: dt.date
    von: dt.time
    bis: dt.time

    @property
    def text(self) -> str:
        """``Mittwoch, 25.11.2026, 9:00-12:00 Uhr``."""
        return (f"{_WOCHENTAGE[self.datum.weekday()]}, {self.datum:%d.%m.%Y}, "
                f"{uhrzeit(self.von)}-{uhrzeit(self.bis)} Uhr")


def naechster_termin(
    angebot: AngebotRecord, heute: dt.date, tage: int = SUCHZEITRAUM_TAGE
) -> Terminvorschlag | None:
    """The first slot of ``angebot`` from tomorrow on (within ``tage`` days and its validity).

    Public holidays are skipped; ``None`` if the offer has no slot in that time.
    """
    for versatz in range(1, tage + 1):
        tag = heute + dt.timedelta(days=versatz)
        if not angebot.gilt_am(tag) or ist_feiertag(tag):
            continue
        slots = sorted((z for z in angebot.zeiten if z.wochentag == tag.weekday()),
                       key=lambda z: z.von)
        if slots:
            return Terminvorschlag(angebot.id, tag, slots[0].von, slots[0].bis)
    return None


def erster_mit_termin(
    angebote: tuple[AngebotRecord, ...] | list[AngebotRecord], heute: dt.date
) -> tuple[AngebotRecord, Terminvorschlag] | None:
    """The first offer that needs an appointment and has a slot soon, with that slot."""
    for angebot in angebote:
        if angebot.termin_erforderlich:
            vorschlag = naechster_termin(angebot, heute)
            if vorschlag is not None:
                return angebot, vorschlag
    return None


def termin_am(angebot: AngebotRecord, datum: dt.date, heute: dt.date) -> Terminvorschlag | None:
    """The offer's slot on ``datum`` if that day still works (after today, valid, no holiday).

    Used to book exactly the slot the caller agreed to; ``None`` if it is gone (the offer's
    times changed, it ended, or the day has passed).
    """
    if datum <= heute or not angebot.gilt_am(datum) or ist_feiertag(datum):
        return None
    slots = sorted((z for z in angebot.zeiten if z.wochentag == datum.weekday()),
                   key=lambda z: z.von)
    return Terminvorschlag(angebot.id, datum, slots[0].von, slots[0].bis) if slots else None
