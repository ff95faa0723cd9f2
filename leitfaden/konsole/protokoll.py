"""The record of a console conversation: ticked Pflichthinweise and deviations from the guide.

The web app calls :func:`gespraech_beginnen` when the employee opens a conversation,
:func:`hinweis_bestaetigen` when a notice is ticked as given, :func:`schritte_pruefen` right
before it forwards the employee's next message to Rasa, and :func:`gespraech_beenden` when
the call ends. Every deviation is recorded once (unique constraint), every write is audited.
No personal data goes into the record: steps, text keys, guide versions and logins only.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leitfaden import clock
from leitfaden.guides import GuideLibrary, library
from leitfaden.konsole import ablauf
from leitfaden.konsole.verlauf import Verlauf
from leitfaden.store.db import session_scope
from leitfaden.store.models import (
    Abweichung,
    Gespraech,
    HinweisBestaetigung,
    Mitarbeiter,
    utc_aware,
    utc_naiv,
)
from leitfaden.store.repository import audit_schreiben
from leitfaden.texte import zeitpunkt_iso, zeitpunkt_text

#: Prefix of the Rasa sender ids of console conversations.
SENDER_PRAEFIX = "konsole-"

#: The kinds of deviation (also the CHECK constraint of ``abweichung.art``).
HINWEIS_NICHT_GEGEBEN = "hinweis_nicht_gegeben"
SCHRITT_UEBERSPRUNGEN = "schritt_uebersprungen"
VORZEITIG_BEENDET = "vorzeitig_beendet"

_VERSUCHE = 3

T = TypeVar("T")


class GespraechUnbekannt(LookupError):
    """There is no console conversation with this id."""


class GespraechBeendet(ValueError):
    """The conversation has ended; its record takes no more ticks."""


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GespraechRecord:
    """A console conversation."""

    id: int
    sender_id: str
    login: str
    kanal: str
    begonnen_am: dt.datetime
    beendet_am: dt.datetime | None

    @property
    def beendet(self) -> bool:
        """True once the call has ended."""
        return self.beendet_am is not None

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready (timestamps ISO with offset and as German text)."""
        return {
            "id": self.id, "sender_id": self.sender_id, "login": self.login,
            "kanal": self.kanal, "begonnen_am": zeitpunkt_iso(self.begonnen_am),
            "begonnen_am_text": zeitpunkt_text(self.begonnen_am),
            "beendet_am": zeitpunkt_iso(self.beendet_am) or None,
            "beendet_am_text": zeitpunkt_text(self.beendet_am) or None,
            "beendet": self.beendet,
        }


@dataclass(frozen=True)
class BestaetigungRecord:
    """A Pflichthinweis the employee ticked as given."""

    id: int
    gespraech_id: int
    leitfaden: str
    version: str
    schritt_id: str
    hinweis: str
    login: str
    zeitpunkt: dt.datetime

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "id": self.id, "art": "hinweis_bestaetigt", "leitfaden": self.leitfaden,
            "version": self.version, "schritt": self.schritt_id, "hinweis": self.hinweis,
            "login": self.login, "zeitpunkt": zeitpunkt_iso(self.zeitpunkt),
            "zeitpunkt_text": zeitpunkt_text(self.zeitpunkt),
        }


@dataclass(frozen=True)
class AbweichungRecord:
    """A deviation from the guide (``hinweis`` only for ``hinweis_nicht_gegeben``)."""

    id: int
    gespraech_id: int
    leitfaden: str
    version: str
    schritt_id: str
    art: str
    hinweis: str | None
    beschreibung: str
    login: str
    zeitpunkt: dt.datetime

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "id": self.id, "art": self.art, "leitfaden": self.leitfaden,
            "version": self.version, "schritt": self.schritt_id, "hinweis": self.hinweis,
            "beschreibung": self.beschreibung, "login": self.login,
            "zeitpunkt": zeitpunkt_iso(self.zeitpunkt),
            "zeitpunkt_text": zeitpunkt_text(self.zeitpunkt),
        }


@dataclass(frozen=True)
class Protokoll:
    """The conversation's record: ticks and deviations, each in time order."""

    gespraech: GespraechRecord
    bestaetigungen: tuple[BestaetigungRecord, ...]
    abweichungen: tuple[AbweichungRecord, ...]

    @property
    def eintraege(self) -> tuple[BestaetigungRecord | AbweichungRecord, ...]:
        """Ticks and deviations together, in time order."""
        alle: list[BestaetigungRecord | AbweichungRecord] = [*self.bestaetigungen,
                                                             *self.abweichungen]
        return tuple(sorted(alle, key=lambda e: (e.zeitpunkt, isinstance(e, AbweichungRecord),
                                                 e.id)))

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready: the conversation and its entries (``art`` tells them apart)."""
        return {"gespraech": self.gespraech.als_dict(),
                "eintraege": [e.als_dict() for e in self.eintraege]}


def _gespraech_record(g: Gespraech) -> GespraechRecord:
    return GespraechRecord(id=g.id, sender_id=g.sender_id, login=g.login, kanal=g.kanal,
                           begonnen_am=utc_aware(g.begonnen_am),
                           beendet_am=utc_aware(g.beendet_am))


def _bestaetigung_record(b: HinweisBestaetigung) -> BestaetigungRecord:
    return BestaetigungRecord(id=b.id, gespraech_id=b.gespraech_id, leitfaden=b.leitfaden,
                              version=b.version, schritt_id=b.schritt_id, hinweis=b.hinweis,
                              login=b.login, zeitpunkt=utc_aware(b.zeitpunkt))


def _abweichung_record(a: Abweichung) -> AbweichungRecord:
    return AbweichungRecord(id=a.id, gespraech_id=a.gespraech_id, leitfaden=a.leitfaden,
                            version=a.version, schritt_id=a.schritt_id, art=a.art,
                            hinweis=a.hinweis or None, beschreibung=a.beschreibung,
                            login=a.login, zeitpunkt=utc_aware(a.zeitpunkt))


# --- conversations -------------------------------------------------------------------------


def gespraech_beginnen(engine: Engine, login: str) -> GespraechRecord:
    """Open a console conversation for an active employee with a fresh Rasa sender id."""
    with session_scope(engine) as s:
        m = s.get(Mitarbeiter, login)
        if m is None or not m.aktiv:
            raise ValueError(f"Das Konto „{login}“ gibt es nicht oder es ist deaktiviert.")
        g = Gespraech(sender_id=SENDER_PRAEFIX + secrets.token_urlsafe(16), login=login,
                      kanal="agent", begonnen_am=utc_naiv(clock.now()))
        s.add(g)
        s.flush()
        audit_schreiben(s, akteur=login, aktion="gespraech_begonnen", objekt_typ="Gespraech",
                        objekt_id=str(g.id), details={"sender_id": g.sender_id})
        return _gespraech_record(g)


def gespraech(engine: Engine, sender_id: str) -> GespraechRecord | None:
    """The console conversation with this Rasa sender id, else ``None``."""
    with session_scope(engine) as s:
        g = s.scalars(select(Gespraech).where(Gespraech.sender_id == sender_id)).first()
        return _gespraech_record(g) if g is not None else None


def gespraech_nach_id(engine: Engine, gespraech_id: int) -> GespraechRecord | None:
    """The console conversation with this id, else ``None``."""
    with session_scope(engine) as s:
        g = s.get(Gespraech, gespraech_id)
        return _gespraech_record(g) if g is not None else None


def _laden(s: Session, gespraech_id: int) -> Gespraech:
    g = s.get(Gespraech, gespraech_id)
    if g is None:
        raise GespraechUnbekannt(f"Es gibt kein Gespräch mit der Nummer {gespraech_id}.")
    return g


def _wiederholt(arbeit: Callable[[], T]) -> T:
    """Run ``arbeit``; a concurrent writer's unique-constraint conflict means: run again."""
    for versuch in range(_VERSUCHE):
        try:
            return arbeit()
        except IntegrityError:
            if versuch == _VERSUCHE - 1:
                raise
    raise AssertionError("unerreichbar")  # pragma: no cover


# --- Pflichthinweise -------------------------------------------------------------------------


def hinweis_bestaetigen(engine: Engine, gespraech_id: int, schritt_id: str, hinweis: str,
                        login: str, heute: dt.date | None = None, *,
                        bibliothek: GuideLibrary | None = None) -> BestaetigungRecord:
    """Tick the Pflichthinweis ``hinweis`` (a text key) of ``schritt_id`` as given.

    A key that is not a Pflichthinweis of that step (in the version in force ``heute``,
    default today) is refused with :class:`ValueError` naming step and key; an ended
    conversation with :class:`GespraechBeendet`. Ticking again returns the first tick.
    """
    bib = bibliothek or library()
    tag = heute or clock.today()
    treffer = ablauf.schritt_oder_none(bib, schritt_id, tag)
    if treffer is None:
        raise ValueError(f"Schritt {schritt_id} gibt es in keinem am {tag:%d.%m.%Y} "
                         "geltenden Leitfaden.")
    guide, schritt = treffer
    if hinweis not in schritt.pflichthinweise:
        bekannt = ", ".join(schritt.pflichthinweise) or "keine"
        raise ValueError(f"„{hinweis}“ ist kein Pflichthinweis von Schritt {schritt_id} "
                         f"{schritt.name} (Pflichthinweise: {bekannt}).")

    def arbeit() -> BestaetigungRecord:
        with session_scope(engine) as s:
            g = _laden(s, gespraech_id)
            vorhanden = s.scalars(select(HinweisBestaetigung).where(
                HinweisBestaetigung.gespraech_id == gespraech_id,
                HinweisBestaetigung.schritt_id == schritt_id,
                HinweisBestaetigung.hinweis == hinweis)).first()
            if vorhanden is not None:
                return _bestaetigung_record(vorhanden)
            if g.beendet_am is not None:
                raise GespraechBeendet(f"Das Gespräch {gespraech_id} ist beendet; Hinweise "
                                       "können nicht mehr bestätigt werden.")
            b = HinweisBestaetigung(gespraech_id=gespraech_id, leitfaden=guide.nummer,
                                    version=guide.version, schritt_id=schritt_id,
                                    hinweis=hinweis, login=login,
                                    zeitpunkt=utc_naiv(clock.now()))
            s.add(b)
            s.flush()
            audit_schreiben(s, akteur=login, aktion="hinweis_bestaetigt",
                            objekt_typ="HinweisBestaetigung", objekt_id=str(b.id),
                            details={"gespraech_id": gespraech_id, "sender_id": g.sender_id,
                                     "leitfaden": guide.nummer, "version": guide.version,
                                     "schritt": schritt_id, "hinweis": hinweis})
            return _bestaetigung_record(b)

    return _wiederholt(arbeit)


def bestaetigungen(engine: Engine, gespraech_id: int) -> list[BestaetigungRecord]:
    """The conversation's ticks, oldest first."""
    with session_scope(engine) as s:
        return [_bestaetigung_record(b) for b in s.scalars(
            select(HinweisBestaetigung).where(HinweisBestaetigung.gespraech_id == gespraech_id)
            .order_by(HinweisBestaetigung.zeitpunkt, HinweisBestaetigung.id))]


def abweichungen(engine: Engine, gespraech_id: int) -> list[AbweichungRecord]:
    """The conversation's deviations, oldest first."""
    with session_scope(engine) as s:
        return [_abweichung_record(a) for a in s.scalars(
            select(Abweichung).where(Abweichung.gespraech_id == gespraech_id)
            .order_by(Abweichung.zeitpunkt, Abweichung.id))]


# --- deviations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Befund:
    """A deviation found in the tracker, not yet recorded."""

    leitfaden: str
    version: str
    schritt_id: str
    art: str
    hinweis: str
    beschreibung: str

    @property
    def schluessel(self) -> tuple[str, str, str]:
        return (self.schritt_id, self.art, self.hinweis)


def _schritt_text(schritt_id: str, bib: GuideLibrary, tag: dt.date) -> str:
    """``3.301.6 Zustimmung``."""
    treffer = ablauf.schritt_oder_none(bib, schritt_id, tag)
    return f"{schritt_id} {treffer[1].name}" if treffer else schritt_id


def _hinweis_befunde(verlauf: Verlauf, bib: GuideLibrary, tag: dt.date) -> list[_Befund]:
    befunde = []
    for schritt_id in verlauf.besucht:
        treffer = ablauf.schritt_oder_none(bib, schritt_id, tag)
        if treffer is None:
            continue
        guide, schritt = treffer
        for key in schritt.pflichthinweise:
            wortlaut = ablauf.text(bib, schritt_id, key, tag, "kunde") or key
            befunde.append(_Befund(
                guide.nummer, guide.version, schritt_id, HINWEIS_NICHT_GEGEBEN, key,
                f"Pflichthinweis „{wortlaut}“ in Schritt {schritt_id} {schritt.name} nicht "
                "als gegeben markiert"))
    return befunde


def _sprung_befunde(verlauf: Verlauf, bib: GuideLibrary, tag: dt.date) -> list[_Befund]:
    befunde = []
    for segment in verlauf.alle_segmente:
        for von, nach in zip(segment, segment[1:], strict=False):
            if ablauf.guide_von(von) != ablauf.guide_von(nach):
                continue
            treffer = ablauf.schritt_oder_none(bib, von, tag)
            if treffer is None or ablauf.schritt_oder_none(bib, nach, tag) is None:
                continue
            guide = treffer[0]
            if ablauf.uebergang_erlaubt(guide, von, nach):
                continue
            weg = (f"von {_schritt_text(von, bib, tag)} direkt nach "
                   f"{_schritt_text(nach, bib, tag)}")
            ausgelassen = ablauf.zwischen(guide, von, nach)
            if not ausgelassen:
                befunde.append(_Befund(
                    guide.nummer, guide.version, nach, SCHRITT_UEBERSPRUNGEN, "",
                    f"Wechsel {weg}: im Leitfaden GLF {guide.nummer} nicht vorgesehen"))
            for schritt in ausgelassen:
                befunde.append(_Befund(
                    guide.nummer, guide.version, schritt.id, SCHRITT_UEBERSPRUNGEN, "",
                    f"Schritt {schritt.id} {schritt.name} übersprungen ({weg})"))
    return befunde


def _eintragen(engine: Engine, gespraech_id: int, befunde: list[_Befund], login: str,
               *, beenden: bool = False) -> list[AbweichungRecord]:
    """Record the deviations not recorded yet (notices: unless ticked); audit each."""

    def arbeit() -> list[AbweichungRecord]:
        neu: list[AbweichungRecord] = []
        with session_scope(engine) as s:
            g = _laden(s, gespraech_id)
            if g.beendet_am is not None:
                return []  # the record of an ended conversation is closed
            vorhanden = {(a.schritt_id, a.art, a.hinweis) for a in s.scalars(
                select(Abweichung).where(Abweichung.gespraech_id == gespraech_id))}
            abgehakt = {(b.schritt_id, b.hinweis) for b in s.scalars(
                select(HinweisBestaetigung)
                .where(HinweisBestaetigung.gespraech_id == gespraech_id))}
            jetzt = utc_naiv(clock.now())
            for befund in befunde:
                if befund.schluessel in vorhanden:
                    continue
                if (befund.art == HINWEIS_NICHT_GEGEBEN
                        and (befund.schritt_id, befund.hinweis) in abgehakt):
                    continue
                vorhanden.add(befund.schluessel)
                a = Abweichung(gespraech_id=gespraech_id, leitfaden=befund.leitfaden,
                               version=befund.version, schritt_id=befund.schritt_id,
                               art=befund.art, hinweis=befund.hinweis,
                               beschreibung=befund.beschreibung, login=login, zeitpunkt=jetzt)
                s.add(a)
                s.flush()
                audit_schreiben(s, akteur=login, aktion="abweichung_erfasst",
                                objekt_typ="Abweichung", objekt_id=str(a.id),
                                details={"gespraech_id": gespraech_id,
                                         "sender_id": g.sender_id, "art": befund.art,
                                         "leitfaden": befund.leitfaden,
                                         "version": befund.version,
                                         "schritt": befund.schritt_id,
                                         "hinweis": befund.hinweis or None})
                neu.append(_abweichung_record(a))
            if beenden:
                ergebnis = s.execute(
                    update(Gespraech)
                    .where(Gespraech.id == gespraech_id, Gespraech.beendet_am.is_(None))
                    .values(beendet_am=jetzt)
                    .execution_options(synchronize_session=False))
                if ergebnis.rowcount == 0:
                    s.rollback()  # ended by a concurrent call meanwhile: it recorded the end
                    return []
                audit_schreiben(s, akteur=login, aktion="gespraech_beendet",
                                objekt_typ="Gespraech", objekt_id=str(gespraech_id),
                                details={"sender_id": g.sender_id,
                                         "abweichungen": [r.art for r in neu]})
        return neu

    return _wiederholt(arbeit)


def schritte_pruefen(engine: Engine, gespraech_id: int, tracker: Mapping[str, Any],
                     login: str, heute: dt.date, *,
                     bibliothek: GuideLibrary | None = None) -> list[AbweichungRecord]:
    """Record what the steps visited so far left undone; return the new deviations.

    Call it right before forwarding the employee's next message (after the call has ended
    it records nothing more).
    Every Pflichthinweis of a visited step that is neither ticked nor recorded becomes
    ``hinweis_nicht_gegeben``; a transition within one guide that the guide does not allow
    (not a branch target, not the next step) becomes ``schritt_uebersprungen`` for each step
    left out (or for the target of a jump back). Guide versions are those in force ``heute``.
    """
    bib = bibliothek or library()
    verlauf = Verlauf.aus_tracker(tracker)
    befunde = [*_sprung_befunde(verlauf, bib, heute), *_hinweis_befunde(verlauf, bib, heute)]
    return _eintragen(engine, gespraech_id, befunde, login)


def gespraech_beenden(engine: Engine, gespraech_id: int, tracker: Mapping[str, Any],
                      login: str, heute: dt.date, *,
                      bibliothek: GuideLibrary | None = None) -> list[AbweichungRecord]:
    """End the conversation: check the steps, record ``vorzeitig_beendet`` unless the last
    visited step is a closing step (one that ends the conversation in the guide data), and
    set ``beendet_am``. Returns the new deviations; a second call does nothing.
    """
    bib = bibliothek or library()
    verlauf = Verlauf.aus_tracker(tracker)
    befunde = [*_sprung_befunde(verlauf, bib, heute), *_hinweis_befunde(verlauf, bib, heute)]
    letzter = verlauf.schritte[-1] if verlauf.schritte else None
    treffer = ablauf.schritt_oder_none(bib, letzter, heute) if letzter else None
    if treffer is not None and not ablauf.ist_abschluss(treffer[1]):
        guide, schritt = treffer
        ziele = ablauf.erreichbare_abschluesse(bib, schritt.id, heute)
        abschluss = ", ".join(f"{z.id} {z.name}" for z in ziele) or "Abschluss"
        befunde.append(_Befund(
            guide.nummer, guide.version, schritt.id, VORZEITIG_BEENDET, "",
            f"Gespräch in Schritt {schritt.id} {schritt.name} beendet, ohne den Abschluss "
            f"({abschluss}) zu erreichen"))
    return _eintragen(engine, gespraech_id, befunde, login, beenden=True)


def protokoll(engine: Engine, gespraech_id: int) -> Protokoll:
    """The conversation's record (ticks and deviations in time order)."""
    with session_scope(engine) as s:
        g = _gespraech_record(_laden(s, gespraech_id))
    return Protokoll(gespraech=g, bestaetigungen=tuple(bestaetigungen(engine, gespraech_id)),
                     abweichungen=tuple(abweichungen(engine, gespraech_id)))
