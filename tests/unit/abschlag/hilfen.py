"""Shared helpers for the Abschlag tests: hand-built records, policies and a float check."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from leitfaden.abschlag.regeln import Entscheidung, pruefe_abschlag
from leitfaden.abschlag.richtlinie import Richtlinie
from leitfaden.store.records import AnspruchRecord, KundeRecord, ZahlungRecord
from leitfaden.store.repository import SqlRepository

D = dt.date

KNR = "999Z000001"


def richtlinie(**abweichend: Any) -> Richtlinie:
    """The default parameters (as in the policy file), valid since 2020, with overrides."""
    werte: dict[str, Any] = {
        "version": "test", "gueltig_ab": D(2020, 1, 1), "gueltig_bis": None,
        "weisung": "Testweisung", "mindestbetrag": Decimal("50.00"),
        "bankarbeitstage_vor_zahltag": 3, "hoechstens_je_monat": 1, "tage_je_monat": 30,
        "vier_augen_ab": None,
    }
    werte.update(abweichend)
    return Richtlinie(**werte)


def kunde(**abweichend: Any) -> KundeRecord:
    """An invented customer with an account on file."""
    werte: dict[str, Any] = {
        "kundennummer": KNR, "vorname": "Erna", "nachname": "Test",
        "geburtsdatum": D(1980, 1, 1), "strasse": "Teststraße 1", "plz": "90402",
        "ort": "Nürnberg", "iban": "DE89370400440532013000", "schutzkennzeichen_m": False,
        "demo": True,
    }
    werte.update(abweichend)
    return KundeRecord(**werte)


def anspruch(beginn: dt.date | None = D(2026, 9, 1), tagessatz_cent: int | None = 5230,
             status: str = "bewilligt", ende: dt.date | None = None) -> AnspruchRecord:
    """A claim of :data:`KNR`."""
    return AnspruchRecord(id=1, kundennummer=KNR, status=status, beginn=beginn,
                          tagessatz_cent=tagessatz_cent, entschieden_am=None, ende=ende)


def abschlag(betrag_cent: int, datum: dt.date, status: str = "ausgezahlt",
             art: str = "abschlag", nr: int = 1) -> ZahlungRecord:
    """A payment of :data:`KNR`."""
    return ZahlungRecord(id=nr, kundennummer=KNR, art=art, betrag_cent=betrag_cent,
                         datum=datum, status=status, referenz=f"TEST-{nr:04d}")


def pruefe(stichtag: dt.date, *, kunde_: KundeRecord | None = None,
           anspruch_: AnspruchRecord | None | bool = True,
           zahlungen: list[ZahlungRecord] | None = None,
           richtlinie_: Richtlinie | None = None, **kwargs: Any) -> Entscheidung:
    """:func:`pruefe_abschlag` with hand-built defaults (``anspruch_=True``: the default claim)."""
    return pruefe_abschlag(
        kunde=kunde_ or kunde(),
        anspruch=anspruch() if anspruch_ is True else anspruch_ or None,
        abschlaege_im_monat=zahlungen or [],
        stichtag=stichtag,
        richtlinie=richtlinie_ or richtlinie(),
        **kwargs,
    )


def pruefe_aus_store(repo: SqlRepository, kundennummer: str, stichtag: dt.date,
                     richtlinie_: Richtlinie, vertreter: str | None = None) -> Entscheidung:
    """Load the case through the store (as the dialogue does) and decide it.

    ``vertreter``: first name of the representative on the phone (``None``: the customer).
    """
    k = repo.kunde(kundennummer)
    assert k is not None, kundennummer
    umfang = None
    if vertreter is not None:
        vollmachten = [v for v in repo.vollmachten(kundennummer, stichtag)
                       if v.vertreter_vorname == vertreter]
        assert vollmachten, vertreter
        umfang = vollmachten[0].umfang
    return pruefe_abschlag(
        kunde=k,
        anspruch=repo.aktueller_anspruch(kundennummer, stichtag),
        abschlaege_im_monat=repo.zahlungen(kundennummer, stichtag.replace(day=1), stichtag,
                                           art="abschlag"),
        stichtag=stichtag,
        richtlinie=richtlinie_,
        anrufer="bevollmaechtigt" if vertreter else "kunde",
        vollmacht_umfang=umfang,
    )


def floats_in(wert: Any, pfad: str = "") -> list[str]:
    """Paths of every float inside ``wert`` (dataclasses, dicts, lists, tuples)."""
    if isinstance(wert, float):
        return [pfad or "<wert>"]
    if dataclasses.is_dataclass(wert) and not isinstance(wert, type):
        wert = {f.name: getattr(wert, f.name) for f in dataclasses.fields(wert)}
    if isinstance(wert, dict):
        return [p for k, v in wert.items() for p in floats_in(v, f"{pfad}.{k}")]
    if isinstance(wert, (list, tuple)):
        return [p for i, v in enumerate(wert) for p in floats_in(v, f"{pfad}[{i}]")]
    return []


def ist_cent_betrag(wert: Any) -> bool:
    """True for a Decimal with exactly two places."""
    return isinstance(wert, Decimal) and wert.as_tuple().exponent == -2
