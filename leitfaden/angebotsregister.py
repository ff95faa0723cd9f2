"""Read model of the IPSC listing: every Dienststelle's support offers, filtered.

No caching: every call reads the store, so a change from a Webauftrag shows at once.
Unknown filter values raise :class:`FilterUngueltig` (naming the field), a postcode or place
that no Dienststelle serves raises :class:`OrtUnbekannt`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from leitfaden.nlp.normalise import spell_out_umlauts, strip_accents
from leitfaden.offers import dienststellen_im_ort
from leitfaden.store.db import session_scope
from leitfaden.store.models import Agentur, Dienststelle, Unterstuetzungsangebot
from leitfaden.store.records import ANGEBOTSARTEN, AngebotRecord, DienststelleRecord
from leitfaden.store.repository import (
    SqlRepository,
    angebot_record,
    dienststelle_record,
)
from leitfaden.texte import STEUERZEICHEN

Treffer = tuple[AngebotRecord, DienststelleRecord]


class FilterUngueltig(ValueError):
    """A filter value is unknown; ``feld`` names the field (German label)."""

    def __init__(self, feld: str, meldung: str) -> None:
        super().__init__(meldung)
        self.feld = feld
        self.meldung = meldung


class OrtUnbekannt(LookupError):
    """No Dienststelle serves this postcode or place."""

    def __init__(self, eingabe: str) -> None:
        super().__init__(
            f"Für „{eingabe}“ ist keine Dienststelle hinterlegt. Bitte prüfen Sie die "
            "Postleitzahl oder den Ort."
        )
        self.eingabe = eingabe


@dataclass(frozen=True)
class AgenturEintrag:
    """An Agentur für Arbeit as shown in the filter."""

    id: str
    name: str


def art_label(art: str) -> str:
    """German label of an offer kind (the key itself if unknown)."""
    return ANGEBOTSARTEN.get(art, art)


def agenturen(engine: Engine) -> list[AgenturEintrag]:
    """All Agenturen, by name."""
    with session_scope(engine) as s:
        return [AgenturEintrag(a.id, a.name)
                for a in s.scalars(select(Agentur).order_by(Agentur.name, Agentur.id))]


def dienststellen(engine: Engine, agentur_id: str | None = None) -> list[DienststelleRecord]:
    """Dienststellen (of one Agentur if given), by Agentur name and Dienststelle name."""
    stmt = (
        select(Dienststelle, Agentur)
        .join(Agentur, Agentur.id == Dienststelle.agentur_id)
        .order_by(Agentur.name, Dienststelle.name, Dienststelle.id)
    )
    if agentur_id is not None:
        stmt = stmt.where(Dienststelle.agentur_id == agentur_id)
    with session_scope(engine) as s:
        return [dienststelle_record(d, a) for d, a in s.execute(stmt)]


def _faltung(text: str) -> str:
    """Case-, umlaut- and accent-insensitive form for the free-text filter."""
    return strip_accents(spell_out_umlauts((text or "").casefold()))


def zustaendige_dienststellen(engine: Engine, plz_oder_ort: str) -> list[DienststelleRecord]:
    """The Dienststelle serving a postcode, or all Dienststellen in a place (tolerant spelling).

    Raises :class:`OrtUnbekannt` if none matches.
    """
    eingabe = STEUERZEICHEN.sub("", plz_oder_ort or "").strip()
    repo = SqlRepository(engine)
    kompakt = re.sub(r"\s+", "", eingabe)
    if re.fullmatch(r"\d{5}", kompakt):
        treffer = repo.dienststelle_fuer_plz(kompakt)
        if treffer is None:
            raise OrtUnbekannt(eingabe)
        return [treffer]
    im_ort = dienststellen_im_ort(repo.dienststellen(), eingabe)
    if not im_ort:
        raise OrtUnbekannt(eingabe)
    return im_ort


def _unbekannt(wert: str | None) -> bool:
    """True for values that cannot be an id (control characters, far too long)."""
    return wert is not None and (len(wert) > 80 or bool(STEUERZEICHEN.search(wert)))


def _pruefen(s, agentur_id: str | None, dienststelle_id: str | None, art: str | None) -> None:
    if agentur_id is not None and (_unbekannt(agentur_id) or s.get(Agentur, agentur_id) is None):
        raise FilterUngueltig("Agentur", f"Die Agentur „{agentur_id}“ ist nicht bekannt.")
    if dienststelle_id is not None and (
            _unbekannt(dienststelle_id) or s.get(Dienststelle, dienststelle_id) is None):
        raise FilterUngueltig(
            "Dienststelle", f"Die Dienststelle „{dienststelle_id}“ ist nicht bekannt.")
    if art is not None and art not in ANGEBOTSARTEN:
        raise FilterUngueltig("Angebotsart", f"Die Angebotsart „{art}“ ist nicht bekannt.")


def angebote_suchen(
    engine: Engine,
    *,
    agentur_id: str | None = None,
    dienststelle_id: str | None = None,
    art: str | None = None,
    plz: str | None = None,
    gueltig_am: dt.date | None = None,
    text: str | None = None,
) -> list[Treffer]:
    """Offers matching every given filter, with their Dienststelle.

    ``plz`` is a postcode (its Dienststelle) or a place name (its Dienststellen);
    ``gueltig_am=None`` means any validity; ``text`` searches title, description and place
    (case and umlaut insensitive). Withdrawn offers are never listed (see :func:`angebot`).
    Ordered by Agentur, Dienststelle, kind label, title.
    """
    agentur_id = agentur_id or None
    dienststelle_id = dienststelle_id or None
    art = art or None
    with session_scope(engine) as s:
        _pruefen(s, agentur_id, dienststelle_id, art)
    stellen = zustaendige_dienststellen(engine, plz) if plz and plz.strip() else None
    stmt = (
        select(Unterstuetzungsangebot, Dienststelle, Agentur)
        .options(selectinload(Unterstuetzungsangebot.zeiten))
        .join(Dienststelle, Dienststelle.id == Unterstuetzungsangebot.dienststelle_id)
        .join(Agentur, Agentur.id == Dienststelle.agentur_id)
        .where(Unterstuetzungsangebot.zurueckgezogen_am.is_(None))
    )
    if agentur_id is not None:
        stmt = stmt.where(Dienststelle.agentur_id == agentur_id)
    if dienststelle_id is not None:
        stmt = stmt.where(Dienststelle.id == dienststelle_id)
    if art is not None:
        stmt = stmt.where(Unterstuetzungsangebot.art == art)
    if stellen is not None:
        stmt = stmt.where(Dienststelle.id.in_([d.id for d in stellen]))
    if gueltig_am is not None:
        stmt = stmt.where(
            Unterstuetzungsangebot.gueltig_ab <= gueltig_am,
            (Unterstuetzungsangebot.gueltig_bis.is_(None))
            | (Unterstuetzungsangebot.gueltig_bis >= gueltig_am),
        )
    with session_scope(engine) as s:
        treffer = [(angebot_record(a), dienststelle_record(d, ag)) for a, d, ag in s.execute(stmt)]
    if text and text.strip():
        woerter = _faltung(text).split()
        treffer = [
            (a, d) for a, d in treffer
            if all(w in _faltung(f"{a.titel} {a.beschreibung} {a.ort_raum}") for w in woerter)
        ]
    return sorted(
        treffer,
        key=lambda t: (t[1].agentur_name, t[1].name, art_label(t[0].art), t[0].titel, t[0].id),
    )


def angebot(
    engine: Engine, angebot_id: str
) -> tuple[AngebotRecord, DienststelleRecord, list[str]] | None:
    """One offer (also a withdrawn one) with its Dienststelle and postcodes, or ``None``."""
    if not angebot_id or len(angebot_id) > 80 or STEUERZEICHEN.search(angebot_id):
        return None  # no such id can exist (and PostgreSQL refuses NUL in literals)
    with session_scope(engine) as s:
        a = s.get(Unterstuetzungsangebot, angebot_id,
                  options=[selectinload(Unterstuetzungsangebot.zeiten)])
        if a is None:
            return None
        d = s.get(Dienststelle, a.dienststelle_id)
        ergebnis = angebot_record(a), dienststelle_record(d, d.agentur)
    return (*ergebnis, SqlRepository(engine).postleitzahlen(ergebnis[1].id))
