"""How long a message may be before it is no longer interpreted (shared by server and actions).

The Rasa launcher (:mod:`leitfaden_rasa.nachrichtenlaenge`) shortens longer messages before
they are stored and marks them in their metadata; the fallback action reads the mark and asks
for a short summary instead of "not understood".
"""

from __future__ import annotations

from typing import Any

#: Longest message that is interpreted; German concerns fit in far fewer characters.
MAX_ZEICHEN = 2000

#: How much of an over-long message the tracker keeps.
GESPEICHERT_ZEICHEN = 200

#: Metadata key set on an over-long message (value: its original length).
MARKE = "leitfaden_gekuerzt"


def gekuerzt(text: str) -> str | None:
    """The stored form of an over-long ``text``, or ``None`` if it is short enough."""
    if len(text or "") <= MAX_ZEICHEN:
        return None
    return text[:GESPEICHERT_ZEICHEN].rstrip() + " […]"


def ist_gekuerzt(metadata: dict[str, Any] | None) -> bool:
    """True for the metadata of a shortened message."""
    return bool((metadata or {}).get(MARKE))
