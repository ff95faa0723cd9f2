"""Apply Webaufträge to the store: checks against the store, idempotency, history, tokens.

A Webauftrag is applied in one transaction (all entries or none). Its row in ``webauftrag``
is written first: the unique ``(agentur_id, nummer)`` serialises concurrent submissions of
the same number (PostgreSQL waits on the index, SQLite on its write lock), and the loser of
such a race finds the winner's row and answers "bereits angewendet".

``beenden`` sets the last valid day (without a date: yesterday, the offer ends at once); an
end before the offer's beginning withdraws it instead (``zurueckgezogen_am``), as the dates
cannot express that.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from leitfaden import clock
from leitfaden.store import tokens as tokens_store
from leitfaden.store.db import session_scope
from leitfaden.store.models import (
    WEBAUFTRAG_KANAELE,
    Agentur,
    AgenturToken,
    AngebotAenderung,
    AngebotsZeit,
    Dienststelle,
    Unterstuetzungsangebot,
    Webauftrag,
    utc_aware,
    utc_naiv,
)
from leitfaden.store.repository import audit_schreiben
from leitfaden.store.tokens import token_hash
from leitfaden.texte import zeitpunkt_iso, zeitpunkt_text
from leitfaden.webauftrag.dokument import (
    WERT_FELDER,
    AngebotEintrag,
    Fehler,
    FremdeAgentur,
    WebauftragDokument,
    WebauftragUngueltig,
    Zeit,
    ablehnung,
    als_text,
    endzustand_fehler,
    fremde_agentur,
    lesen_mit_fehlern,
    vorschlag,
    zeile_fuer,
)

#: Store columns of the document's field names where they differ.
SPALTEN = {
    "dienststelle": "dienststelle_id",
    "kontakt.telefon": "kontakt_telefon",
    "kontakt.email": "kontakt_email",
}

STATUS_ANGEWENDET = "angewendet"
STATUS_BEREITS_ANGEWENDET = "bereits_angewendet"
STATUS_GEPRUEFT = "geprueft"


class WebauftragKonflikt(ValueError):
    """The Agentur used this Webauftrag number before, for a different content."""


@dataclass(frozen=True)
class Aenderung:
    """What a Webauftrag did to one offer: ``felder`` maps a field to ``(alt, neu)`` texts."""

    angebot_id: str
    aktion: str
    felder: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def als_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {"angebot_id": self.angebot_id, "aktion": self.aktion,
                "felder": {k: list(v) for k, v in self.felder.items()}}


@dataclass(frozen=True)
class Ergebnis:
    """Outcome of :func:`einreichen` (or of the dry run :func:`pruefen`).

    ``status``: ``angewendet``, ``bereits_angewendet`` (same number and content as before:
    nothing changed, the stored result is returned) or ``geprueft`` (dry run; then
    ``eingegangen_am`` is ``None`` and ``aenderungen`` are the planned ones).
    """

    nummer: str
    agentur_id: str
    absender: str
    status: str
    eingegangen_am: dt.datetime | None
    aenderungen: tuple[Aenderung, ...]

    def als_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "webauftrag": self.nummer, "agentur": self.agentur_id, "absender": self.absender,
            "status": self.status,
            "eingegangen_am": self.eingegangen_am.isoformat() if self.eingegangen_am else None,
            "aenderungen": [a.als_dict() for a in self.aenderungen],
        }


@dataclass(frozen=True)
class WebauftragRecord:
    """A stored Webauftrag with the changes it made."""

    id: int
    nummer: str
    agentur_id: str
    absender: str
    kanal: str
    eingegangen_am: dt.datetime
    inhalt_hash: str
    aenderungen: tuple[Aenderung, ...]

    def als_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "id": self.id, "webauftrag": self.nummer, "agentur": self.agentur_id,
            "absender": self.absender, "kanal": self.kanal,
            "eingegangen_am": self.eingegangen_am.isoformat(),
            "aenderungen": [a.als_dict() for a in self.aenderungen],
        }


@dataclass(frozen=True)
class NeuerToken:
    """A token just created: its number (for ``tokens`` and revoking) and its value.

    The value is shown once and never stored; it stays out of ``repr`` (logs).
    """

    id: int
    agentur_id: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class TokenRecord:
    """An API token of an Agentur (never the token itself)."""

    id: int
    agentur_id: str
    bezeichnung: str
    erstellt_am: dt.datetime
    widerrufen_am: dt.datetime | None

    @property
    def aktiv(self) -> bool:
        """True while not revoked."""
        return self.widerrufen_am is None


# --- records -------------------------------------------------------------------------------


def _aenderung_record(a: AngebotAenderung) -> Aenderung:
    felder = {k: (v[0], v[1]) for k, v in json.loads(a.felder or "{}").items()}
    return Aenderung(angebot_id=a.angebot_id, aktion=a.aktion, felder=felder)


def _webauftrag_record(w: Webauftrag, angebot_id: str | None = None) -> WebauftragRecord:
    return WebauftragRecord(
        id=w.id, nummer=w.nummer, agentur_id=w.agentur_id, absender=w.absender,
        kanal=w.kanal, eingegangen_am=utc_aware(w.eingegangen_am), inhalt_hash=w.inhalt_hash,
        aenderungen=tuple(_aenderung_record(a) for a in w.aenderungen
                          if angebot_id is None or a.angebot_id == angebot_id),
    )


def _token_record(t: AgenturToken) -> TokenRecord:
    return TokenRecord(id=t.id, agentur_id=t.agentur_id, bezeichnung=t.bezeichnung,
                       erstellt_am=utc_aware(t.erstellt_am),
                       widerrufen_am=utc_aware(t.widerrufen_am))


def _ergebnis(w: WebauftragRecord, status: str) -> Ergebnis:
    return Ergebnis(nummer=w.nummer, agentur_id=w.agentur_id, absender=w.absender,
                    status=status, eingegangen_am=w.eingegangen_am, aenderungen=w.aenderungen)


# --- checks against the store and planning -------------------------------------------------


@dataclass
class _Plan:
    """What one entry will do: the offer (``None``: new), the values to set, the diff."""

    eintrag: AngebotEintrag
    angebot: Unterstuetzungsangebot | None
    setzen: dict[str, Any]
    felder: dict[str, tuple[str | None, str | None]]


def _bestand(a: Unterstuetzungsangebot) -> dict[str, Any]:
    """The stored offer in the document's field names and value types."""
    return {
        "dienststelle": a.dienststelle_id, "art": a.art, "titel": a.titel,
        "beschreibung": a.beschreibung, "ort_raum": a.ort_raum,
        "zeiten": tuple(sorted(Zeit(z.wochentag, z.von, z.bis) for z in a.zeiten)),
        "termin_erforderlich": bool(a.termin_erforderlich), "buchung": a.buchung,
        "barrierefreiheit": a.barrierefreiheit,
        "sprachen": tuple(s.strip() for s in (a.sprachen or "").split(",") if s.strip()),
        "kontakt.telefon": a.kontakt_telefon, "kontakt.email": a.kontakt_email,
        "gueltig_ab": a.gueltig_ab, "gueltig_bis": a.gueltig_bis,
    }


def _beenden(bisher: Mapping[str, Any], ende: dt.date | None,
             jetzt: dt.datetime) -> dict[str, Any]:
    """The values ``beenden`` sets: the last valid day, or the withdrawal.

    Without ``ende`` the offer ends at once: yesterday was its last day (an earlier stored end
    stays). An end before the offer's beginning withdraws it (``zurueckgezogen_am``); its
    dates stay as they are.
    """
    if ende is None:
        gestern = clock.today() - dt.timedelta(days=1)
        gespeichert = bisher.get("gueltig_bis")
        ende = gespeichert if gespeichert is not None and gespeichert <= gestern else gestern
    if ende < bisher["gueltig_ab"]:
        return {"zurueckgezogen_am": jetzt}
    return {"gueltig_bis": ende}


def _planen(
    s: Session, dok: WebauftragDokument, *, jetzt: dt.datetime,
    erwartete_agentur: str | None = None, sperren: bool = False,
) -> tuple[list[_Plan], list[Fehler]]:
    """Check ``dok`` against the store (in the caller's transaction) and plan its changes.

    ``jetzt`` (naive UTC) is the time of a withdrawal. The checks only ever look at the
    document's Agentur (or ``erwartete_agentur`` if the document names none that is valid).
    ``sperren`` locks the offers to change (PostgreSQL), so the "old" values in the history
    are the ones really replaced even when two Webaufträge change the same offer at once.
    """
    fehler: list[Fehler] = []
    agentur_id = dok.agentur_id or erwartete_agentur or None
    if agentur_id and s.get(Agentur, agentur_id) is None:
        bekannt = list(s.scalars(select(Agentur.id).order_by(Agentur.id)))
        fehler.append(Fehler(
            dok.dokument, dok.zeilen.get("agentur"), None, "agentur",
            f"Die Agentur '{agentur_id}' ist unbekannt.{vorschlag(agentur_id, bekannt)}"))
        agentur_id = None
    ids = [e.id for e in dok.eintraege]
    abfrage = (
        select(Unterstuetzungsangebot)
        .options(selectinload(Unterstuetzungsangebot.zeiten),
                 selectinload(Unterstuetzungsangebot.dienststelle))
        .where(Unterstuetzungsangebot.id.in_(ids))
        .order_by(Unterstuetzungsangebot.id)
    )
    if sperren:
        abfrage = abfrage.with_for_update()
    angebote = {a.id: a for a in s.scalars(abfrage)} if ids else {}
    gewuenscht = {e.werte["dienststelle"] for e in dok.eintraege if e.werte.get("dienststelle")}
    dienststellen = {d.id: d for d in s.scalars(
        select(Dienststelle).where(Dienststelle.id.in_(gewuenscht)))} if gewuenscht else {}
    eigene: list[str] = []
    eigene_angebote: list[str] = []
    if agentur_id:
        eigene = list(s.scalars(select(Dienststelle.id)
                                .where(Dienststelle.agentur_id == agentur_id)
                                .order_by(Dienststelle.id)))
        eigene_angebote = list(s.scalars(
            select(Unterstuetzungsangebot.id).where(Unterstuetzungsangebot.dienststelle_id
                                                    .in_(eigene))))

    plaene: list[_Plan] = []
    for e in dok.eintraege:
        def melde(feld: str | None, meldung: str, zeile: int | None = None,
                  e: AngebotEintrag = e) -> None:
            fehler.append(Fehler(dok.dokument, zeile or e.zeile_von(feld or "id"),
                                 e.bezeichnung, feld, meldung))

        vorhanden = angebote.get(e.id)
        if e.aktion == "neu" and vorhanden is not None:
            melde("id", f"Ein Angebot mit der ID '{e.id}' gibt es bereits. Um es zu ändern, "
                  "verwenden Sie 'aktion: aendern', oder wählen Sie eine neue ID.")
            continue
        if e.aktion != "neu" and vorhanden is None:
            melde("id", f"Ein Angebot mit der ID '{e.id}' gibt es nicht."
                  f"{vorschlag(e.id, eigene_angebote)}")
            continue
        if vorhanden is not None and agentur_id \
                and vorhanden.dienststelle.agentur_id != agentur_id:
            melde("id", f"Das Angebot '{e.id}' gehört zur Agentur "
                  f"'{vorhanden.dienststelle.agentur_id}'. Sie können nur Angebote Ihrer "
                  "eigenen Agentur ändern.")
            continue
        dienststelle_ok = True
        if e.werte.get("dienststelle"):
            d_id = e.werte["dienststelle"]
            d = dienststellen.get(d_id)
            liste = f" Dienststellen der Agentur {agentur_id}: {', '.join(eigene)}." \
                if eigene else ""
            if d is None:
                melde("dienststelle", f"Die Dienststelle '{d_id}' gibt es nicht."
                      f"{vorschlag(d_id, eigene)}{liste}")
                dienststelle_ok = False
            elif agentur_id and d.agentur_id != agentur_id:
                melde("dienststelle", f"Die Dienststelle '{d_id}' gehört zur Agentur "
                      f"'{d.agentur_id}'. Sie können nur Angebote Ihrer eigenen Agentur "
                      f"melden.{liste}")
                dienststelle_ok = False
        if not dienststelle_ok:
            continue

        bisher = _bestand(vorhanden) if vorhanden is not None else {}
        setzen = dict(e.werte)
        zurueckgezogen = vorhanden.zurueckgezogen_am if vorhanden is not None else None
        if zurueckgezogen is not None:
            if e.aktion == "aendern":
                melde("id", f"Das Angebot '{e.id}' wurde am {zeitpunkt_text(zurueckgezogen)} "
                      "zurückgezogen und kann nicht mehr geändert werden. Melden Sie es mit "
                      "'aktion: neu' unter einer neuen ID.")
                continue
            setzen = {}  # beenden: withdrawn already, nothing changes
        elif e.aktion == "beenden":
            setzen = _beenden(bisher, setzen.get("gueltig_bis"), jetzt)
        if vorhanden is not None:  # new offers were checked in the document already
            for feld, meldung in endzustand_fehler({**bisher, **setzen}):
                melde(feld, meldung, zeile_fuer(feld, e.zeilen, e.zeile))
        felder: dict[str, tuple[str | None, str | None]] = {}
        for k in WERT_FELDER:
            alt, neu = als_text(bisher.get(k)), als_text(setzen.get(k))
            if k in setzen and alt != neu:
                felder[k] = (alt, neu)
        if "zurueckgezogen_am" in setzen:
            felder["zurueckgezogen_am"] = (None, zeitpunkt_iso(jetzt))
        if vorhanden is not None:  # set only what really changes
            setzen = {k: v for k, v in setzen.items() if k in felder}
        plaene.append(_Plan(eintrag=e, angebot=vorhanden, setzen=setzen, felder=felder))
    return plaene, fehler


def _angebot_schreiben(s: Session, plan: _Plan, jetzt: dt.datetime) -> None:
    """Apply one planned entry to its offer (a new row for ``neu``)."""
    angebot = plan.angebot
    if angebot is None:
        angebot = Unterstuetzungsangebot(id=plan.eintrag.id)
        s.add(angebot)
    for feld, wert in plan.setzen.items():
        if feld == "zeiten":
            if angebot.zeiten:
                angebot.zeiten.clear()
                s.flush()  # delete the old slots before inserting new ones with the same key
            angebot.zeiten.extend(
                AngebotsZeit(wochentag=z.wochentag, von=z.von, bis=z.bis) for z in wert)
        elif feld == "sprachen":
            angebot.sprachen = ", ".join(wert)
        else:
            setattr(angebot, SPALTEN.get(feld, feld), wert)
    if plan.felder or plan.angebot is None:
        angebot.geaendert_am = jetzt
    s.flush()


def _akteur(agentur_id: str | None, absender: str | None) -> str:
    text = f"agentur:{agentur_id or 'unbekannt'}" + (f" ({absender})" if absender else "")
    return text[:100]


def _gespeichert(s: Session, agentur_id: str, nummer: str) -> WebauftragRecord | None:
    w = s.scalars(
        select(Webauftrag).options(selectinload(Webauftrag.aenderungen))
        .where(Webauftrag.agentur_id == agentur_id, Webauftrag.nummer == nummer)
    ).first()
    return _webauftrag_record(w) if w is not None else None


def _wiederholung(vorher: WebauftragRecord, dok: WebauftragDokument) -> Ergebnis:
    """The same number again: the stored result, or a conflict if the content differs."""
    if vorher.inhalt_hash != dok.inhalt_hash():
        raise WebauftragKonflikt(
            f"Die Webauftragsnummer '{dok.nummer}' hat die Agentur '{dok.agentur_id}' bereits "
            f"am {zeitpunkt_text(vorher.eingegangen_am)} für einen anderen Inhalt verwendet. "
            "Vergeben Sie für jede neue Meldung eine neue Nummer.")
    return _ergebnis(vorher, STATUS_BEREITS_ANGEWENDET)


def _ablehnung_protokollieren(
    engine: Engine, dok: WebauftragDokument | None, *, kanal: str, dokument: str,
    erwartete_agentur: str | None, grund: str, anzahl_fehler: int,
) -> None:
    agentur_id = erwartete_agentur or (dok.agentur_id if dok else None) or None
    nummer = (dok.nummer if dok else None) or None
    with session_scope(engine) as s:
        audit_schreiben(
            s, akteur=_akteur(agentur_id, dok.absender if dok else None),
            aktion="webauftrag_abgelehnt", objekt_typ="Webauftrag",
            objekt_id=f"{agentur_id}/{nummer}" if agentur_id and nummer else None,
            details={"nummer": nummer, "agentur": agentur_id, "kanal": kanal,
                     "dokument": dokument[:200], "grund": grund,
                     "anzahl_fehler": anzahl_fehler},
        )


def _pruefen_lesend(
    engine: Engine, text: str, dokument: str, erwartete_agentur: str | None
) -> tuple[WebauftragDokument | None, list[Fehler], list[_Plan], WebauftragRecord | None]:
    """Read and check the document and (read-only) against the store.

    Another Agentur's document is not checked against the store at all.
    """
    dok, fehler = lesen_mit_fehlern(text, dokument, erwartete_agentur=erwartete_agentur)
    if dok is None or fremde_agentur(dok.agentur_id, erwartete_agentur):
        return dok, fehler, [], None
    with session_scope(engine) as s:
        vorher = None
        if not fehler:
            vorher = _gespeichert(s, dok.agentur_id, dok.nummer)
            if vorher is not None:
                return dok, [], [], vorher
        plaene, db_fehler = _planen(s, dok, jetzt=utc_naiv(clock.now()),
                                    erwartete_agentur=erwartete_agentur)
    return dok, fehler + db_fehler, plaene, None


# --- public API ----------------------------------------------------------------------------


def pruefen(
    engine: Engine, text: str, *, dokument: str = "webauftrag.yml",
    erwartete_agentur: str | None = None,
) -> Ergebnis:
    """Check a Webauftrag completely (also against the store) without writing anything.

    Returns the planned changes (status ``geprueft``) or, for a number applied before with
    the same content, the stored result (``bereits_angewendet``). Raises
    :class:`WebauftragUngueltig` (:class:`FremdeAgentur` for another Agentur's document) or
    :class:`WebauftragKonflikt`.
    """
    dok, fehler, plaene, vorher = _pruefen_lesend(engine, text, dokument, erwartete_agentur)
    if fehler or dok is None:
        raise ablehnung(dok, fehler, erwartete_agentur=erwartete_agentur)
    if vorher is not None:
        return _wiederholung(vorher, dok)
    return Ergebnis(
        nummer=dok.nummer, agentur_id=dok.agentur_id, absender=dok.absender,
        status=STATUS_GEPRUEFT, eingegangen_am=None,
        aenderungen=tuple(Aenderung(p.eintrag.id, p.eintrag.aktion, p.felder) for p in plaene),
    )


class _Abgelehnt(Exception):
    """Store checks failed inside the applying transaction (internal)."""

    def __init__(self, fehler: list[Fehler]) -> None:
        super().__init__(len(fehler))
        self.fehler = fehler


def einreichen(
    engine: Engine, text: str, *, dokument: str, absender_kanal: str,
    erwartete_agentur: str | None = None,
) -> Ergebnis:
    """Validate a Webauftrag and apply it atomically; idempotent per (Agentur, number).

    ``absender_kanal`` is ``cli`` or ``http``; ``erwartete_agentur`` (e.g. from the API
    token) must match the document's Agentur. Raises :class:`WebauftragUngueltig` with every
    error (nothing is changed; the rejection is audited), :class:`FremdeAgentur` (only that
    error) or :class:`WebauftragKonflikt`.
    """
    if absender_kanal not in WEBAUFTRAG_KANAELE:
        raise ValueError(f"Unbekannter Kanal {absender_kanal!r} "
                         f"(erlaubt: {', '.join(WEBAUFTRAG_KANAELE)})")

    def ablehnen(dok: WebauftragDokument | None, fehler: list[Fehler]) -> WebauftragUngueltig:
        exc = ablehnung(dok, fehler, erwartete_agentur=erwartete_agentur)
        _ablehnung_protokollieren(
            engine, dok, kanal=absender_kanal, dokument=dokument,
            erwartete_agentur=erwartete_agentur, anzahl_fehler=len(fehler),
            grund="fremde_agentur" if isinstance(exc, FremdeAgentur) else "ungueltig")
        return exc

    def konflikt(dok: WebauftragDokument, vorher: WebauftragRecord) -> Ergebnis:
        try:
            return _wiederholung(vorher, dok)
        except WebauftragKonflikt:
            _ablehnung_protokollieren(engine, dok, kanal=absender_kanal, dokument=dokument,
                                      erwartete_agentur=erwartete_agentur, grund="konflikt",
                                      anzahl_fehler=0)
            raise

    dok, fehler, _, vorher = _pruefen_lesend(engine, text, dokument, erwartete_agentur)
    if fehler or dok is None:
        raise ablehnen(dok, fehler)
    if vorher is not None:
        return konflikt(dok, vorher)

    jetzt = utc_naiv(clock.now())
    try:
        with session_scope(engine) as s:
            # First statement of the transaction: the history row (see module docstring).
            zeile = Webauftrag(
                agentur_id=dok.agentur_id, nummer=dok.nummer, absender=dok.absender,
                kanal=absender_kanal, eingegangen_am=jetzt, inhalt_hash=dok.inhalt_hash(),
                dokument=text,
            )
            s.add(zeile)
            s.flush()
            plaene, fehler = _planen(s, dok, jetzt=jetzt, erwartete_agentur=erwartete_agentur,
                                     sperren=True)
            if fehler:
                raise _Abgelehnt(fehler)
            for plan in plaene:
                _angebot_schreiben(s, plan, jetzt)
                zeile.aenderungen.append(AngebotAenderung(
                    angebot_id=plan.eintrag.id, aktion=plan.eintrag.aktion,
                    felder=json.dumps({k: list(v) for k, v in plan.felder.items()},
                                      ensure_ascii=False),
                    zeitpunkt=jetzt,
                ))
            s.flush()
            audit_schreiben(
                s, akteur=_akteur(dok.agentur_id, dok.absender),
                aktion="webauftrag_angewendet", objekt_typ="Webauftrag",
                objekt_id=f"{dok.agentur_id}/{dok.nummer}",
                details={
                    "nummer": dok.nummer, "agentur": dok.agentur_id, "kanal": absender_kanal,
                    "webauftrag_id": zeile.id, "dokument": dokument[:200],
                    "angebote": [p.eintrag.id for p in plaene],
                    "geaendert": [p.eintrag.id for p in plaene if p.felder],
                },
            )
            ergebnis = _ergebnis(_webauftrag_record(zeile), STATUS_ANGEWENDET)
    except _Abgelehnt as exc:
        raise ablehnen(dok, exc.fehler) from None
    except IntegrityError:
        # The same number was stored meanwhile (a concurrent submission): re-read it.
        with session_scope(engine) as s:
            vorher = _gespeichert(s, dok.agentur_id, dok.nummer)
        if vorher is not None:
            return konflikt(dok, vorher)
        # e.g. another Webauftrag created the same offer id meanwhile: check again
        dok, fehler, _, _ = _pruefen_lesend(engine, text, dokument, erwartete_agentur)
        if fehler or dok is None:
            raise ablehnen(dok, fehler) from None
        raise
    return ergebnis


def verlauf(
    engine: Engine, *, agentur_id: str | None = None, angebot_id: str | None = None,
    limit: int = 100,
) -> list[WebauftragRecord]:
    """Stored Webaufträge, newest first, each with its changes.

    With ``angebot_id`` only the Webaufträge that touched this offer, each with only the
    changes to this offer ("what changed this offer"). Raises ``ValueError`` for a ``limit``
    below 1 (SQLite would read a negative one as "no limit", PostgreSQL refuse it).
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"'limit' muss eine ganze Zahl ab 1 sein, nicht {limit!r}.")
    stmt = select(Webauftrag).options(selectinload(Webauftrag.aenderungen))
    if agentur_id is not None:
        stmt = stmt.where(Webauftrag.agentur_id == agentur_id)
    if angebot_id is not None:
        stmt = stmt.where(Webauftrag.id.in_(
            select(AngebotAenderung.webauftrag_id)
            .where(AngebotAenderung.angebot_id == angebot_id)))
    stmt = stmt.order_by(Webauftrag.eingegangen_am.desc(), Webauftrag.id.desc()).limit(limit)
    with session_scope(engine) as s:
        return [_webauftrag_record(w, angebot_id) for w in s.scalars(stmt)]


# --- API tokens ----------------------------------------------------------------------------


def token_erzeugen(
    engine: Engine, agentur_id: str, bezeichnung: str = "", *, akteur: str = "system"
) -> str:
    """Create an API token for the Agentur and return it (shown once; only its hash is kept).

    Raises ``ValueError`` for an unknown Agentur. :func:`token_erzeugen_mit_id` also gives
    the token's number.
    """
    return token_erzeugen_mit_id(engine, agentur_id, bezeichnung, akteur=akteur).token


def token_erzeugen_mit_id(
    engine: Engine, agentur_id: str, bezeichnung: str = "", *, akteur: str = "system"
) -> NeuerToken:
    """Create an API token for the Agentur: its number and value (shown once).

    Raises ``ValueError`` for an unknown Agentur.
    """
    bezeichnung = " ".join((bezeichnung or "").split())
    if len(bezeichnung) > 200:
        raise ValueError("Die Bezeichnung ist zu lang (höchstens 200 Zeichen).")
    token = secrets.token_urlsafe(32)
    with session_scope(engine) as s:
        if s.get(Agentur, agentur_id) is None:
            raise ValueError(f"Die Agentur '{agentur_id}' ist unbekannt.")
        zeile = AgenturToken(agentur_id=agentur_id, token_hash=token_hash(token),
                             bezeichnung=bezeichnung, erstellt_am=utc_naiv(clock.now()))
        s.add(zeile)
        s.flush()
        audit_schreiben(s, akteur=akteur, aktion="agentur_token_erzeugt",
                        objekt_typ="AgenturToken", objekt_id=str(zeile.id),
                        details={"agentur": agentur_id, "bezeichnung": bezeichnung})
        return NeuerToken(id=zeile.id, agentur_id=agentur_id, token=token)


def agentur_fuer_token(engine: Engine, token: str | None) -> str | None:
    """The Agentur of a valid (not revoked) token, else ``None``.

    The look-up goes by the token's hash, so comparing never touches the token itself.
    """
    if not token or not isinstance(token, str) or len(token) > 512:
        return None
    with session_scope(engine) as s:
        return s.scalars(
            select(AgenturToken.agentur_id).where(
                AgenturToken.token_hash == token_hash(token.strip()),
                AgenturToken.widerrufen_am.is_(None),
            )
        ).first()


def token_widerrufen(
    engine: Engine, token_or_id: str | int, *, akteur: str = "system"
) -> TokenRecord:
    """Revoke a token given by its id or the token itself (again: no change).

    Raises ``ValueError`` if there is no such token.
    """
    with session_scope(engine) as s:
        zeile = tokens_store.widerrufen(
            s, AgenturToken, token_or_id, akteur=akteur, aktion="agentur_token_widerrufen",
            details=lambda z: {"agentur": z.agentur_id, "bezeichnung": z.bezeichnung})
        return _token_record(zeile)


def tokens(engine: Engine, agentur_id: str | None = None) -> list[TokenRecord]:
    """The tokens (without their value), newest first, optionally of one Agentur."""
    stmt = select(AgenturToken).order_by(AgenturToken.id.desc())
    if agentur_id is not None:
        stmt = stmt.where(AgenturToken.agentur_id == agentur_id)
    with session_scope(engine) as s:
        return [_token_record(t) for t in s.scalars(stmt)]


def felder_text(felder: Mapping[str, tuple[str | None, str | None]]) -> list[str]:
    """``feld: alt -> neu`` lines for people (CLI, logs)."""
    zeilen = []
    for name, (alt, neu) in felder.items():
        if name == "zurueckgezogen_am" and alt is None and neu is not None:
            zeilen.append(f"{name}: {zeitpunkt_text(dt.datetime.fromisoformat(neu))}")
            continue
        if alt is None:
            zeilen.append(f"{name}: {neu}")
        else:
            zeilen.append(f"{name}: {alt} -> {neu if neu is not None else '(leer)'}")
    return zeilen
