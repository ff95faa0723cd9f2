"""Conversation rules of GLF 3.000 that are not wording: concerns, who may see what."""

from __future__ import annotations

from collections.abc import Mapping

#: Intent of the caller's message -> concern (slot ``anliegen``), GLF 3.000.2.
ANLIEGEN_NACH_INTENT: dict[str, str] = {
    "request_advance_payment": "abschlag",
    "state_hardship": "abschlag",
    "ask_payment_status": "zahlung",
    "request_appointment": "termin",
    "ask_online_services": "online",
    "ask_online_representation": "vero",
    "need_support": "unterstuetzung",
    "change_bank_details": "bankverbindung",
}

#: Concerns about the caller's own case: they need legitimation first (3.000.4).
PERSOENLICHE_ANLIEGEN = frozenset({"abschlag", "zahlung", "termin"})

#: ``legitimation`` slot values that confirmed the caller's identity.
LEGITIMIERT = frozenset({"erfolgreich", "schutzkennzeichen_m"})

#: ``legitimation`` slot values after which no personal data may be given.
OHNE_PERSONENDATEN = frozenset({"gesperrt", "keine_vollmacht"})

_KLARTEXT = {
    None: "nicht erfasst",
    "kunde": "Kundin/Kunde selbst",
    "bevollmaechtigt": "bevollmächtigte Person",
    "dritte": "dritte Person ohne Vollmacht",
    "erfolgreich": "erfolgreich",
    "gesperrt": "nach 3 Versuchen gescheitert",
    "keine_vollmacht": "keine Vollmacht hinterlegt",
    "schutzkennzeichen_m": "Schutzkennzeichen M",
    "wiederholen": "nicht abgeschlossen",
    "abschlag": "Abschlagszahlung",
    "zahlung": "Frage zur Zahlung",
    "termin": "persönlicher Termin",
    "online": "Online-Angebote",
    "vero": "Online-Vertretung (VERO)",
    "unterstuetzung": "Unterstützung vor Ort",
    "bankverbindung": "Änderung der Bankverbindung",
}


def anliegen_aus_intent(intent: str | None) -> str | None:
    """The concern a caller's intent expresses, or ``None`` if it names none."""
    return ANLIEGEN_NACH_INTENT.get(intent or "")


def klartext(value: str | None) -> str:
    """Readable German for slot values in a contact note."""
    return _KLARTEXT.get(value, value or "nicht erfasst")


def vermerk_werte(slots: Mapping[str, object]) -> dict[str, str]:
    """Values for the ``vermerk`` wording of 3.000.7 from the conversation's slots."""
    ergebnis = ("Unterstützungsangebote genannt" if slots.get("angebote_genannt")
                else "keine Unterstützungsangebote erfragt")
    return {
        "anliegen": klartext(slots.get("anliegen")),  # type: ignore[arg-type]
        "rolle": klartext(slots.get("rolle")),  # type: ignore[arg-type]
        "legitimation": klartext(slots.get("legitimation")),  # type: ignore[arg-type]
        "ergebnis": ergebnis,
    }
