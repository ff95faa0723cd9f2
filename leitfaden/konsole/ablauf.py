"""What the guide data says about a conversation's course: allowed transitions, closing
steps, Pflichthinweise and wording with gaps (no Rasa, no store)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from string import Formatter

from leitfaden.guides import GuideLibrary, Leitfaden, Schritt, WordingError
from leitfaden.guides.loader import ENDE

#: Shown for a placeholder whose value is not known (yet).
LUECKE = "…"

#: Text keys that are no wording to read out (notes written to the file).
INTERNE_TEXTE = frozenset({"vermerk"})


def guide_von(schritt_id: str) -> str:
    """``3.000.4`` -> ``3.000``."""
    return schritt_id.rsplit(".", 1)[0]


def schritt_oder_none(bib: GuideLibrary, schritt_id: str,
                      tag: dt.date) -> tuple[Leitfaden, Schritt] | None:
    """The guide version in force on ``tag`` and its step, or ``None`` if there is none."""
    try:
        return bib.schritt(schritt_id, tag)
    except (WordingError, KeyError):
        return None


def uebergang_erlaubt(guide: Leitfaden, von: str, nach: str) -> bool:
    """May the conversation go from step ``von`` to ``nach`` (same guide)?

    Allowed: a branch of ``von`` names ``nach``, or ``nach`` is the next step in order.
    """
    schritt = guide.schritt(von)
    if any(v.ziel == nach for v in schritt.verzweigungen):
        return True
    ids = guide.schritt_ids
    i = ids.index(von)
    return i + 1 < len(ids) and ids[i + 1] == nach


def zwischen(guide: Leitfaden, von: str, nach: str) -> tuple[Schritt, ...]:
    """The steps after ``von`` and before ``nach`` in order (empty for a jump back)."""
    ids = guide.schritt_ids
    a, b = ids.index(von), ids.index(nach)
    return guide.schritte[a + 1:b] if b > a + 1 else ()


def ist_abschluss(schritt: Schritt) -> bool:
    """A closing step: one of its branches ends the conversation."""
    return any(v.ziel == ENDE for v in schritt.verzweigungen)


def erreichbare_abschluesse(bib: GuideLibrary, schritt_id: str,
                            tag: dt.date) -> tuple[Schritt, ...]:
    """The closing steps the guides' branches lead to from ``schritt_id`` (breadth first)."""
    gesehen, offen, gefunden = {schritt_id}, [schritt_id], []
    while offen:
        treffer = schritt_oder_none(bib, offen.pop(0), tag)
        if treffer is None:
            continue
        guide, schritt = treffer
        if ist_abschluss(schritt):
            gefunden.append(schritt)
            continue
        ziele = [v.ziel for v in schritt.verzweigungen if v.ziel != ENDE]
        ids = guide.schritt_ids
        i = ids.index(schritt.id)
        if not ziele and i + 1 < len(ids):
            ziele.append(ids[i + 1])
        for ziel in ziele:
            if ziel not in gesehen:
                gesehen.add(ziel)
                offen.append(ziel)
    return tuple(gefunden)


class _Werte(dict):
    """Placeholder values; unknown ones become :data:`LUECKE`."""

    def __missing__(self, key: str) -> str:
        return LUECKE


def fuellen(text: str, werte: Mapping[str, str]) -> str:
    """Fill ``{placeholders}`` from ``werte``; the others become ``…``."""
    return text.format_map(_Werte({k: str(v) for k, v in werte.items() if v is not None}))


def nur_platzhalter(text: str) -> bool:
    """True if the text is nothing but placeholders (``{text}``): nothing to read out."""
    return not "".join(lit for lit, *_ in Formatter().parse(text)).strip()


def text(bib: GuideLibrary, schritt_id: str, key: str, tag: dt.date, kanal: str,
         werte: Mapping[str, str] | None = None) -> str | None:
    """Wording ``key`` of a step for ``kanal`` in force on ``tag``, gaps for unknown values
    (``None`` if there is no such wording)."""
    try:
        _, variante = bib.wording(schritt_id, key, tag, kanal)
    except (WordingError, KeyError):
        return None
    return fuellen(variante.text, werte or {})
