"""The project's clock: ``LEITFADEN_TODAY=YYYY-MM-DD`` fixes "today" for every rule."""

from __future__ import annotations

import datetime as dt
import os

ENV_VAR = "LEITFADEN_TODAY"


class ClockError(ValueError):
    """``LEITFADEN_TODAY`` holds something that is not a date."""


def today() -> dt.date:
    """Return the date every rule uses: ``LEITFADEN_TODAY`` if set, else the real date."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ClockError(f"{ENV_VAR}={raw!r} ist kein Datum im Format JJJJ-MM-TT") from exc


def now() -> dt.datetime:
    """Return a timezone-aware timestamp whose date is :func:`today` (time of day is real)."""
    real = dt.datetime.now(dt.timezone.utc)
    day = today()
    return real.replace(year=day.year, month=day.month, day=day.day)
