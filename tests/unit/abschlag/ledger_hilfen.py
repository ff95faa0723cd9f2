"""Helpers of the ledger, queue, SEPA and CLI tests (values from contracts.md, 2026-11-18)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from leitfaden.abschlag.ledger import Ueberweisung, abschlag_ueberweisen
from leitfaden.abschlag.warteschlange import Antrag, abschlag_pruefen, antrag_stellen
from leitfaden.store.db import session_scope
from leitfaden.store.models import AuditEintrag, Mitarbeiter, Zahlung

D = dt.date

ANNA = "123A456789"
ANNA_IBAN = "DE89370400440532013000"
KLAUS = "678F901234"
KLAUS_IBAN = "DE36860555920555666777"
STEFAN = "890H123456"
JULIA = "567E890123"


def ueberweisen(engine: Engine, **abweichend: Any) -> Ueberweisung:
    """Anna Schmidt's Abschlag of 2026-11-18 (17 days: 889,10 €) with overrides."""
    werte: dict[str, Any] = {
        "kundennummer": ANNA, "betrag": Decimal("889.10"), "iban": ANNA_IBAN,
        "zeitraum_von": D(2026, 11, 1), "zeitraum_bis": D(2026, 11, 17),
        "haertegrund": "miete", "haertegrund_text": "Miete fällig, Kündigung angedroht",
        "mitarbeiter_login": "socl-demo", "idempotenz_schluessel": "anruf-1",
        "grund_text": "Abschlag am Telefon, Zustimmung der Kundin liegt vor",
    }
    werte.update(abweichend)
    return abschlag_ueberweisen(engine, **werte)


def klaus_ueberweisen(engine: Engine, **abweichend: Any) -> Ueberweisung:
    """Klaus Neumann's Abschlag of 2026-11-18 (17 days: 658,75 €)."""
    werte: dict[str, Any] = {
        "kundennummer": KLAUS, "betrag": Decimal("658.75"), "iban": KLAUS_IBAN,
        "haertegrund": "energie", "haertegrund_text": "Stromsperre angekündigt",
        "idempotenz_schluessel": "anruf-klaus",
    }
    werte.update(abweichend)
    return ueberweisen(engine, **werte)


def antrag_fuer(engine: Engine, kundennummer: str = ANNA, *, schluessel: str = "chat-1",
                betrag: Decimal | None = None, haertegrund: str = "miete") -> Antrag:
    """A request as the customer chat prepares it: amount and calculation from the rules."""
    entscheidung = abschlag_pruefen(engine, kundennummer)
    assert entscheidung.moeglich, entscheidung.gruende
    return antrag_stellen(
        engine, kundennummer=kundennummer, betrag=betrag or entscheidung.betrag,
        berechnung=entscheidung.als_dict(), haertegrund=haertegrund,
        haertegrund_text="Die Miete ist überfällig", conversation_id=f"gespraech-{schluessel}",
        idempotenz_schluessel=schluessel,
    )


def abschlaege(engine: Engine, kundennummer: str | None = None) -> list[Zahlung]:
    """Abschlag rows (all or of one customer), oldest first."""
    stmt = select(Zahlung).where(Zahlung.art == "abschlag").order_by(Zahlung.id)
    if kundennummer:
        stmt = stmt.where(Zahlung.kundennummer == kundennummer)
    with session_scope(engine) as s:
        return list(s.scalars(stmt))


def audit_anzahl(engine: Engine, aktion: str) -> int:
    """How many audit entries of ``aktion`` exist."""
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditEintrag)
                        .where(AuditEintrag.aktion == aktion))


def mitarbeiter_anlegen(engine: Engine, login: str, rolle: str, aktiv: bool = True) -> None:
    """An extra employee for a test."""
    with session_scope(engine) as s:
        s.add(Mitarbeiter(login=login, name=f"Test {login}", rolle=rolle, aktiv=aktiv))
