"""The project's clock: ``LEITFADEN_TODAY=YYYY-MM-DD`` fixes "today" for every rule."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

ENV_VAR = "LEITFADEN_TODAY"

#: The agency works on German time: "today" changes at midnight in Berlin, whatever the
#: server's own timezone.
ZEITZONE = ZoneInfo("Europe/Berlin")


class ClockError(ValueError):
    """``LEITFADEN_TODAY`` holds something that is not a date."""


def today() -> dt.date:
    """Return the date every rule uses: ``LEITFADEN_TODAY`` if set, else the real date."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return dt.datetime.now(ZEITZONE).date()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ClockError(f"{ENV_VAR}={raw!r} ist kein Datum im Format JJJJ-MM-TT") from exc


def now() -> dt.datetime:
    """Return the current time, timezone-aware (UTC).

    Without ``LEITFADEN_TODAY`` it is the real time. With it, the Berlin date is replaced by
    that day and the Berlin time of day kept, so timestamps and :func:`today` agree.
    """
    real = dt.datetime.now(dt.timezone.utc)
    if not os.environ.get(ENV_VAR, "").strip():
        return real
    day = today()
    berlin = real.astimezone(ZEITZONE)
    gestellt = dt.datetime.combine(day, berlin.timetz().replace(tzinfo=None), ZEITZONE)
    return gestellt.astimezone(dt.timezone.utc)
