"""Bank working days in Germany and the regular Alg payment date.

A bank working day (Bankarbeitstag) is Monday to Friday except

* the nationwide public holidays (``holidays.country_holidays("DE")`` without a federal
  state: Neujahr, Karfreitag, Ostermontag, 1. Mai, Christi Himmelfahrt, Pfingstmontag,
  Tag der Deutschen Einheit, 1. und 2. Weihnachtstag), and
* 24.12. and 31.12.: no public holidays, but German banks are closed (Bankfeiertage) and
  credit no transfers, so a payment due then arrives on the next bank working day.

Regional holidays (e.g. Fronleichnam) are ignored: payments are settled nationwide.
Alg is paid monthly in arrears: the payment for a month is credited by the first bank
working day of the following month.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

import holidays

#: Days (month, day) on which German banks are closed although they are no public holiday.
BANKFREIE_TAGE = ((12, 24), (12, 31))

#: A transfer is credited 1 to 3 bank working days after it was ordered (GLF 3.301.7).
GUTSCHRIFT_FRUEHESTENS = 1
GUTSCHRIFT_SPAETESTENS = 3


class Zeitraum(NamedTuple):
    """A range of days, both ends included."""

    von: dt.date
    bis: dt.date

    @property
    def text(self) -> str:
        """``zwischen dem 19.11.2026 und dem 23.11.2026``."""
        if self.von == self.bis:
            return f"am {self.von:%d.%m.%Y}"
        return f"zwischen dem {self.von:%d.%m.%Y} und dem {self.bis:%d.%m.%Y}"


@lru_cache(maxsize=16)
def _feiertage(jahr: int) -> holidays.HolidayBase:
    """Nationwide public holidays in Germany in ``jahr``."""
    return holidays.country_holidays("DE", years=jahr)


def ist_feiertag(tag: dt.date) -> bool:
    """True on a nationwide public holiday in Germany."""
    return tag in _feiertage(tag.year)


def ist_bankarbeitstag(tag: dt.date) -> bool:
    """True if banks settle transfers on ``tag`` (Mon-Fri, no holiday, not 24.12./31.12.)."""
    if tag.weekday() >= 5 or (tag.month, tag.day) in BANKFREIE_TAGE:
        return False
    return not ist_feiertag(tag)


def naechster_bankarbeitstag(ab: dt.date) -> dt.date:
    """``ab`` itself if it is a bank working day, otherwise the next one after it."""
    tag = ab
    while not ist_bankarbeitstag(tag):
        tag += dt.timedelta(days=1)
    return tag


def plus_bankarbeitstage(tag: dt.date, anzahl: int) -> dt.date:
    """The ``anzahl``-th bank working day after ``tag`` (``tag`` itself is not counted).

    ``anzahl=0`` gives :func:`naechster_bankarbeitstag` of ``tag``.
    """
    if anzahl < 0:
        raise ValueError("anzahl darf nicht negativ sein")
    if anzahl == 0:
        return naechster_bankarbeitstag(tag)
    gezaehlt = 0
    while gezaehlt < anzahl:
        tag += dt.timedelta(days=1)
        if ist_bankarbeitstag(tag):
            gezaehlt += 1
    return tag


def bankarbeitstage_zwischen(von: dt.date, bis: dt.date) -> int:
    """How many bank working days lie after ``von`` up to and including ``bis``.

    ``von`` itself is not counted, ``bis`` is: from Friday 27.11.2026 to Tuesday 01.12.2026
    that is 2 (Monday and Tuesday). 0 if ``bis <= von``.
    """
    anzahl = 0
    tag = von + dt.timedelta(days=1)
    while tag <= bis:
        if ist_bankarbeitstag(tag):
            anzahl += 1
        tag += dt.timedelta(days=1)
    return anzahl


def monatserster(tag: dt.date) -> dt.date:
    """The 1st of ``tag``'s month."""
    return tag.replace(day=1)


def folgemonat(tag: dt.date) -> dt.date:
    """The 1st of the month after ``tag``'s month."""
    return (tag.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def monatsletzter(tag: dt.date) -> dt.date:
    """The last day of ``tag``'s month."""
    return folgemonat(tag) - dt.timedelta(days=1)


def regulaerer_zahltag(monat_tag: dt.date) -> dt.date:
    """The day the regular Alg for ``monat_tag``'s month is credited.

    Alg is paid monthly in arrears: the first bank working day of the following month
    (November 2026 -> Tuesday 01.12.2026; December 2026 -> Monday 04.01.2027).
    """
    return naechster_bankarbeitstag(folgemonat(monat_tag))


def gutschrift_erwartet(tag: dt.date) -> Zeitraum:
    """When a transfer ordered on ``tag`` reaches the account: 1 to 3 bank working days later."""
    return Zeitraum(plus_bankarbeitstage(tag, GUTSCHRIFT_FRUEHESTENS),
                    plus_bankarbeitstage(tag, GUTSCHRIFT_SPAETESTENS))
