"""Conversation rules of GLF 3.000 and 1.000 that are not wording: concerns, ways, notes."""

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

#: Concerns GLF 3.301 (SOC-L) settles once the caller is legitimated (not Schutzkennzeichen M).
ZAHLUNGSANLIEGEN = frozenset({"abschlag", "zahlung"})


def naechster_schritt_nach_legitimation(anliegen: str | None, legitimation: str | None) -> str:
    """GLF 3.000: where a legitimated caller's concern goes (3.301.1, 3.000.2 or 3.000.5)."""
    if anliegen in ZAHLUNGSANLIEGEN and legitimation == "erfolgreich":
        return "3.301.1"
    return "3.000.2" if anliegen in PERSOENLICHE_ANLIEGEN else "3.000.5"


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
    "angebotsmeldung": "Meldung von Unterstützungsangeboten (Webauftrag)",
}

#: GLF 1.000.1: concern -> the step that handles it at the Agentur.
SCHRITT_1000_NACH_ANLIEGEN: dict[str, str] = {
    "abschlag": "1.000.4",
    "zahlung": "1.000.4",
    "online": "1.000.2",
    "vero": "1.000.2",
    "termin": "1.000.2",
    "bankverbindung": "1.000.2",
    "unterstuetzung": "1.000.3",
    "angebotsmeldung": "1.000.5",
}


def anliegen_aus_intent(intent: str | None) -> str | None:
    """The concern a caller's intent expresses, or ``None`` if it names none."""
    return ANLIEGEN_NACH_INTENT.get(intent or "")


def anliegen_1000(intent: str | None) -> str | None:
    """The concern an intent expresses at the Agentur (GLF 1.000.1), or ``None``.

    Besides the SC's concerns: a representative's call is about online representation (VERO),
    and an Agentur reporting its support offers is 1.000.5.
    """
    if intent == "caller_is_representative":
        return "vero"
    if intent == "report_support_offer":
        return "angebotsmeldung"
    return anliegen_aus_intent(intent)


def klartext(value: str | None) -> str:
    """Readable German for slot values in a contact note."""
    return _KLARTEXT.get(value, value or "nicht erfasst")


def _angebote_ergebnis(genannt: object) -> str:
    """Slot ``angebote_genannt``: True named, False searched without result, None not asked."""
    if genannt is True:
        return "Unterstützungsangebote genannt"
    if genannt is False:
        return "Unterstützungsangebote gesucht, keine passenden gefunden"
    return "keine Unterstützungsangebote erfragt"


def vermerk_werte(slots: Mapping[str, object]) -> dict[str, str]:
    """Values for the ``vermerk`` wording of 3.000.7 from the conversation's slots."""
    ergebnis = _angebote_ergebnis(slots.get("angebote_genannt"))
    return {
        "anliegen": klartext(slots.get("anliegen")),  # type: ignore[arg-type]
        "rolle": klartext(slots.get("rolle")),  # type: ignore[arg-type]
        "legitimation": klartext(slots.get("legitimation")),  # type: ignore[arg-type]
        "ergebnis": ergebnis,
    }


def vermerk_werte_1000(slots: Mapping[str, object]) -> dict[str, str]:
    """Values for the ``vermerk`` wording of 1.000.6 from the conversation's slots."""
    teile = [_angebote_ergebnis(slots.get("angebote_genannt"))]
    if slots.get("termin_nummer"):
        teile.append(f"Terminanfrage {slots['termin_nummer']}")
    if slots.get("rolle") == "bevollmaechtigt":
        teile.append("bevollmächtigte Person"
                     + (", Vollmacht vollumfänglich (VERO erklärt)"
                        if slots.get("vollmacht_umfang") == "vollumfaenglich" else ""))
    return {"anliegen": klartext(slots.get("anliegen")),  # type: ignore[arg-type]
            "ergebnis": "; ".join(teile)}
