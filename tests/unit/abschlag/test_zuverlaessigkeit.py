"""Exactly once under concurrency and crashes, on SQLite and PostgreSQL.

Threads start together at a barrier and each uses its own connection, as separate action
server workers or web requests would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from ledger_hilfen import (
    ANNA,
    abschlaege,
    antrag_fuer,
    audit_anzahl,
    klaus_ueberweisen,
    ueberweisen,
)
from sqlalchemy import select

from leitfaden.abschlag import ledger, warteschlange
from leitfaden.abschlag.ledger import AbschlagBereitsGezahlt, Ueberweisung
from leitfaden.abschlag.sepa import sepa_exportieren
from leitfaden.abschlag.warteschlange import (
    AntragBereitsOffen,
    antrag,
    genehmigen,
    offene_antraege,
)
from leitfaden.store.db import session_scope
from leitfaden.store.models import Zahlung

ANZAHL = 50


def gleichzeitig(anzahl: int, aufgabe: Callable[[int], Any]) -> list[Any]:
    """Run ``aufgabe(i)`` in ``anzahl`` threads at once; results or raised exceptions."""
    start = threading.Barrier(anzahl)

    def lauf(i: int) -> Any:
        start.wait()
        try:
            return aufgabe(i)
        except Exception as exc:  # collected and checked by the test
            return exc

    with ThreadPoolExecutor(max_workers=anzahl) as pool:
        return list(pool.map(lauf, range(anzahl)))


def test_50_gleiche_anfragen_zahlen_genau_einmal(engine, stichtag):
    vorher = audit_anzahl(engine, "abschlag_ueberwiesen")
    ergebnisse = gleichzeitig(ANZAHL, lambda i: ueberweisen(engine))
    fehler = [e for e in ergebnisse if isinstance(e, Exception)]
    assert fehler == []
    assert sum(u.neu for u in ergebnisse) == 1
    assert len({u.bestaetigungsnummer for u in ergebnisse}) == 1
    [z] = abschlaege(engine, ANNA)
    assert z.betrag_cent == 88910 and z.bestaetigungsnummer == ergebnisse[0].bestaetigungsnummer
    assert audit_anzahl(engine, "abschlag_ueberwiesen") == vorher + 1


def test_50_verschiedene_schluessel_fuer_denselben_monat_zahlen_genau_einmal(engine, stichtag):
    ergebnisse = gleichzeitig(
        ANZAHL, lambda i: ueberweisen(engine, idempotenz_schluessel=f"anruf-{i}"))
    erfolge = [u for u in ergebnisse if isinstance(u, Ueberweisung)]
    abgelehnt = [e for e in ergebnisse if isinstance(e, AbschlagBereitsGezahlt)]
    assert len(erfolge) == 1 and erfolge[0].neu is True
    assert len(abgelehnt) == ANZAHL - 1, [e for e in ergebnisse if e not in erfolge + abgelehnt]
    assert {e.bestaetigungsnummer for e in abgelehnt} == {erfolge[0].bestaetigungsnummer}
    assert len(abschlaege(engine, ANNA)) == 1


def _absturz_nach_commit(echte: Callable) -> Callable:
    """``schreibtransaktion`` whose first use commits and then "crashes" before returning."""
    abgestuerzt: list[bool] = []

    @contextmanager
    def schreibtransaktion(engine) -> Iterator:
        with echte(engine) as s:
            yield s
        if not abgestuerzt:
            abgestuerzt.append(True)
            raise RuntimeError("Absturz nach dem Commit, vor der Antwort")

    return schreibtransaktion


def test_absturz_nach_dem_schreiben_und_wiederholung(engine, stichtag, monkeypatch):
    monkeypatch.setattr(ledger, "schreibtransaktion",
                        _absturz_nach_commit(ledger.schreibtransaktion))
    with pytest.raises(RuntimeError, match="Absturz"):
        ueberweisen(engine)
    [z] = abschlaege(engine, ANNA)  # committed although the caller never got a reply

    wiederholt = ueberweisen(engine)

    assert wiederholt.neu is False
    assert wiederholt.bestaetigungsnummer == z.bestaetigungsnummer
    assert wiederholt.betrag == Decimal("889.10")
    assert len(abschlaege(engine, ANNA)) == 1


def test_absturz_nach_der_genehmigung_und_wiederholung(engine, stichtag, monkeypatch):
    a = antrag_fuer(engine)
    monkeypatch.setattr(warteschlange, "schreibtransaktion",
                        _absturz_nach_commit(warteschlange.schreibtransaktion))
    with pytest.raises(RuntimeError, match="Absturz"):
        genehmigen(engine, a.vorgangsnummer, "socl-demo")
    gespeichert = antrag(engine, a.vorgangsnummer)
    assert gespeichert.status == "genehmigt" and gespeichert.bestaetigungsnummer

    wiederholt = genehmigen(engine, a.vorgangsnummer, "socl-demo")

    assert wiederholt.neu is False
    assert wiederholt.bestaetigungsnummer == gespeichert.bestaetigungsnummer
    assert len(abschlaege(engine, ANNA)) == 1


def test_gleichzeitig_genehmigen_zahlt_genau_einmal(engine, stichtag):
    a = antrag_fuer(engine)
    ergebnisse = gleichzeitig(20, lambda i: genehmigen(engine, a.vorgangsnummer, "socl-demo"))
    assert [e for e in ergebnisse if isinstance(e, Exception)] == []
    assert sum(u.neu for u in ergebnisse) == 1
    assert len({u.bestaetigungsnummer for u in ergebnisse}) == 1
    assert len(abschlaege(engine, ANNA)) == 1
    assert antrag(engine, a.vorgangsnummer).status == "genehmigt"


def test_genehmigen_und_telefonische_ueberweisung_gleichzeitig(engine, stichtag):
    """The chat's request and a transfer on the phone for the same month: one payment."""
    a = antrag_fuer(engine)

    def aufgabe(i: int) -> Any:
        if i % 2:
            return genehmigen(engine, a.vorgangsnummer, "socl-demo")
        return ueberweisen(engine, idempotenz_schluessel=f"telefon-{i}")

    gleichzeitig(20, aufgabe)
    assert len(abschlaege(engine, ANNA)) == 1


def test_gleichzeitig_antrag_stellen(engine, stichtag):
    gleich = gleichzeitig(20, lambda i: antrag_fuer(engine, schluessel="chat-x"))
    assert [e for e in gleich if isinstance(e, Exception)] == []
    assert len({a.vorgangsnummer for a in gleich}) == 1
    assert sum(a.neu for a in gleich) == 1

    verschieden = gleichzeitig(
        20, lambda i: antrag_fuer(engine, "678F901234", schluessel=f"chat-k{i}"))
    neu = [a for a in verschieden if not isinstance(a, Exception)]
    assert len(neu) == 1
    assert all(isinstance(e, AntragBereitsOffen) for e in verschieden if e not in neu)
    assert len(offene_antraege(engine)) == 2


def test_gleichzeitige_sepa_exporte_enthalten_jede_ueberweisung_einmal(engine, stichtag):
    ueberweisen(engine)
    klaus_ueberweisen(engine)
    dateien = gleichzeitig(10, lambda i: sepa_exportieren(engine, akteur=f"test-{i}"))
    assert [d for d in dateien if isinstance(d, Exception)] == []
    erzeugt = [d for d in dateien if d is not None]
    assert len(erzeugt) == 1 and erzeugt[0].anzahl == 2
    with session_scope(engine) as s:
        markiert = s.scalars(select(Zahlung.sepa_export_id)
                             .where(Zahlung.bestaetigungsnummer.is_not(None))).all()
    assert markiert == [erzeugt[0].export_id] * 2
