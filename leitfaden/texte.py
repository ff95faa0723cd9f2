"""Text helpers shared by the Webauftrag intake, the offer register and the IPSC web app.

German dates in (``2026-12-01`` or ``01.12.2026``), timestamps out (German local time) and
the control characters no stored text may contain. No imports from the web package.
"""

from __future__ import annotations

import datetime as dt
import re

from leitfaden.clock import ZEITZONE

#: Control characters refused in texts and ids (tab, line feed and carriage return are fine).
STEUERZEICHEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_ISO_DATUM = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_DE_DATUM = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)

#: The date formats :func:`datum_lesen` accepts, for messages.
DATUMSFORMATE = "JJJJ-MM-TT oder TT.MM.JJJJ (z. B. 2026-12-01 oder 01.12.2026)"


class DatumUngueltig(ValueError):
    """Not a date, or a date that does not exist; the message is German."""


def datum_lesen(text: str) -> dt.date:
    """``2026-12-01`` (also ``2026-12-1``) or ``01.12.2026`` (also ``1.12.2026``).

    Raises :class:`DatumUngueltig` for any other text or an impossible date (31.02.).
    """
    text = text.strip()
    if m := _ISO_DATUM.fullmatch(text):
        jahr, monat, tag = (int(g) for g in m.groups())
    elif m := _DE_DATUM.fullmatch(text):
        tag, monat, jahr = (int(g) for g in m.groups())
    else:
        raise DatumUngueltig(f"'{text}' ist kein Datum. Schreiben Sie {DATUMSFORMATE}.")
    try:
        return dt.date(jahr, monat, tag)
    except ValueError:
        raise DatumUngueltig(f"Das Datum '{text}' gibt es nicht.") from None


def zeitpunkt_text(wert: dt.datetime | None) -> str:
    """A timestamp (naive means UTC) in German local time: ``18.11.2026, 09:15 Uhr``."""
    if wert is None:
        return ""
    if wert.tzinfo is None:
        wert = wert.replace(tzinfo=dt.timezone.utc)
    lokal = wert.astimezone(ZEITZONE)
    return f"{lokal:%d.%m.%Y}, {lokal:%H:%M} Uhr"


def zeitpunkt_iso(wert: dt.datetime | None) -> str:
    """A timestamp (naive means UTC) as ISO text with offset, for ``<time>``, JSON, history."""
    if wert is None:
        return ""
    if wert.tzinfo is None:
        wert = wert.replace(tzinfo=dt.timezone.utc)
    return wert.isoformat(timespec="seconds")
