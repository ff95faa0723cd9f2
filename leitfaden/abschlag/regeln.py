"""The Abschlag rules (GLF 3.301.4): may an Abschlag be paid today, and how much?

Pure functions on records: the caller loads the customer, the claim and this month's
Abschläge from the store and passes them in. Money is computed in integer cents and
returned as :class:`~decimal.Decimal` with two places, never as float.

Rules (domain.md, section 3; parameters from :mod:`leitfaden.abschlag.richtlinie`):

* only a customer or a representative with a full (``vollumfaenglich``) Vollmacht;
* Schutzkennzeichen M: not in the Service Center; the decision then withholds every figure
  and every other reason (the SC must not see the record's details);
* the claim must be ``bewilligt`` and have started (``beginn <= stichtag``);
* only days already passed: from the later of claim start and the 1st of the month up to and
  including yesterday (and not after the claim's end), at most ``tage_je_monat`` days, times
  the daily rate, minus this month's Abschläge that were not cancelled (``storniert``);
* at most ``hoechstens_je_monat`` Abschläge per calendar month (cancelled ones do not count);
* below ``mindestbetrag`` refused (no days at all: reason ``keine_zurueckliegenden_tage``);
* refused when the regular payment is due soon, see :func:`zahltag_zu_nah`;
* an account (IBAN) must be on file.

Every reason that applies is returned, not only the first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from leitfaden.abschlag.bankkalender import (
    bankarbeitstage_zwischen,
    monatserster,
    monatsletzter,
    regulaerer_zahltag,
)
from leitfaden.abschlag.richtlinie import Richtlinie
from leitfaden.nlp.normalise import format_euro, from_cents
from leitfaden.store.records import (
    VOLLMACHT_UMFANG,
    AnspruchRecord,
    KundeRecord,
    ZahlungRecord,
)

Anrufer = Literal["kunde", "bevollmaechtigt"]
ANRUFER: tuple[str, ...] = ("kunde", "bevollmaechtigt")

MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")

# Stable reason codes (data, tests and the dialogue rely on them).
SCHUTZKENNZEICHEN_M = "schutzkennzeichen_m"
KEINE_VOLLMACHT = "keine_vollmacht"
VOLLMACHT_TEILWEISE = "vollmacht_teilweise"
KEIN_ANSPRUCH = "kein_anspruch"
ANSPRUCH_IN_BEARBEITUNG = "anspruch_in_bearbeitung"
ANSPRUCH_ABGELEHNT = "anspruch_abgelehnt"
ANSPRUCH_NICHT_BEGONNEN = "anspruch_nicht_begonnen"
LEISTUNGSDATEN_FEHLEN = "leistungsdaten_fehlen"
KEIN_KONTO = "kein_konto"
ABSCHLAG_IM_MONAT = "abschlag_im_monat"
ZAHLTAG_NAH = "zahltag_nah"
KEINE_ZURUECKLIEGENDEN_TAGE = "keine_zurueckliegenden_tage"
UNTER_MINDESTBETRAG = "unter_mindestbetrag"

#: Payment states that do not count as an Abschlag paid this month (cancelled).
NICHT_GEZAEHLT = frozenset({"storniert"})

GRUND_CODES: tuple[str, ...] = (
    SCHUTZKENNZEICHEN_M, KEINE_VOLLMACHT, VOLLMACHT_TEILWEISE, KEIN_ANSPRUCH,
    ANSPRUCH_IN_BEARBEITUNG, ANSPRUCH_ABGELEHNT, ANSPRUCH_NICHT_BEGONNEN, LEISTUNGSDATEN_FEHLEN,
    KEIN_KONTO, ABSCHLAG_IM_MONAT, ZAHLTAG_NAH, KEINE_ZURUECKLIEGENDEN_TAGE, UNTER_MINDESTBETRAG,
)


@dataclass(frozen=True)
class Grund:
    """Why no Abschlag is possible: stable code, German explanation, what to offer instead."""

    code: str
    text: str
    alternative: str

    def als_dict(self) -> dict[str, str]:
        """Plain dict for slots and JSON."""
        return {"code": self.code, "text": self.text, "alternative": self.alternative}


@dataclass(frozen=True)
class Entscheidung:
    """The outcome of :func:`pruefe_abschlag`.

    ``betrag`` is what may be paid (0.00 if not ``moeglich``); ``rechnerischer_betrag`` is
    what the days would give whatever the refusal (e.g. no account on file).
    """

    moeglich: bool
    betrag: Decimal
    rechnerischer_betrag: Decimal
    tage: int
    tagessatz: Decimal
    bereits_gezahlt: Decimal
    zeitraum_von: dt.date | None
    zeitraum_bis: dt.date | None
    naechster_zahltag: dt.date
    stichtag: dt.date
    vier_augen: bool
    richtlinie_version: str
    gruende: tuple[Grund, ...]

    @property
    def betrag_cent(self) -> int:
        """The payable amount in whole cents."""
        return int(self.betrag * 100)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(g.code for g in self.gruende)

    @property
    def berechnung_text(self) -> str:
        """``17 Tage × 52,30 € − 0,00 € = 889,10 €``."""
        return (f"{_tage_text(self.tage)} × {format_euro(self.tagessatz)} − "
                f"{format_euro(self.bereits_gezahlt)} = {format_euro(self.rechnerischer_betrag)}")

    @property
    def zeitraum_text(self) -> str:
        """``01.11.2026 bis 17.11.2026`` (empty without days)."""
        if self.zeitraum_von is None or self.zeitraum_bis is None:
            return ""
        return f"{self.zeitraum_von:%d.%m.%Y} bis {self.zeitraum_bis:%d.%m.%Y}"

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready dict: amounts as ``"889.10"`` strings, dates ISO, no floats."""
        return {
            "moeglich": self.moeglich,
            "betrag": str(self.betrag),
            "betrag_text": format_euro(self.betrag),
            "rechnerischer_betrag": str(self.rechnerischer_betrag),
            "tage": self.tage,
            "tagessatz": str(self.tagessatz),
            "bereits_gezahlt": str(self.bereits_gezahlt),
            "zeitraum_von": _iso(self.zeitraum_von),
            "zeitraum_bis": _iso(self.zeitraum_bis),
            "naechster_zahltag": self.naechster_zahltag.isoformat(),
            "stichtag": self.stichtag.isoformat(),
            "vier_augen": self.vier_augen,
            "richtlinie_version": self.richtlinie_version,
            "berechnung_text": self.berechnung_text,
            "gruende": [g.als_dict() for g in self.gruende],
        }


def _iso(tag: dt.date | None) -> str | None:
    return tag.isoformat() if tag else None


def _tage_text(tage: int) -> str:
    return "1 Tag" if tage == 1 else f"{tage} Tage"


def _datum(tag: dt.date) -> str:
    return f"{tag:%d.%m.%Y}"


def monatsname(tag: dt.date) -> str:
    """``November 2026``."""
    return f"{MONATE[tag.month - 1]} {tag.year}"


def abschlagsmonat(stichtag: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar month whose Abschläge count (load these payments)."""
    return monatserster(stichtag), monatsletzter(stichtag)


def zahltag_zu_nah(stichtag: dt.date, richtlinie: Richtlinie) -> bool:
    """True if the regular payment is due within the next N bank working days.

    N is ``bankarbeitstage_vor_zahltag``. The regular payment day Z is the first bank working
    day of the month after ``stichtag``'s month. Count the bank working days d with
    ``stichtag < d <= Z`` (the stichtag itself is not counted, Z is); refused if that count is
    at most N, i.e. Z is one of the next N bank working days after the stichtag.
    With N = 3 and Z = Tue 01.12.2026: Wed 25.11. (4: 26., 27., 30., 01.) is still allowed,
    from Thu 26.11. (3) on it is refused; Fri 27.11. gives 2.
    """
    zahltag = regulaerer_zahltag(stichtag)
    return bankarbeitstage_zwischen(stichtag, zahltag) <= richtlinie.bankarbeitstage_vor_zahltag


def _ist_abschlag_im_monat(z: ZahlungRecord, stichtag: dt.date) -> bool:
    return (z.art == "abschlag" and z.status not in NICHT_GEZAEHLT
            and (z.datum.year, z.datum.month) == (stichtag.year, stichtag.month))


def _tage(anspruch: AnspruchRecord, stichtag: dt.date,
          richtlinie: Richtlinie) -> tuple[int, dt.date | None, dt.date | None]:
    """Days of this month already passed with the claim, and their range."""
    assert anspruch.beginn is not None
    von = max(anspruch.beginn, monatserster(stichtag))
    bis = stichtag - dt.timedelta(days=1)
    if anspruch.ende is not None:
        bis = min(bis, anspruch.ende)
    tage = min(max(0, (bis - von).days + 1), richtlinie.tage_je_monat)
    if tage == 0:
        return 0, None, None
    return tage, von, von + dt.timedelta(days=tage - 1)


def pruefe_abschlag(
    *,
    kunde: KundeRecord,
    anspruch: AnspruchRecord | None,
    abschlaege_im_monat: list[ZahlungRecord],
    stichtag: dt.date,
    richtlinie: Richtlinie,
    anrufer: Anrufer = "kunde",
    vollmacht_umfang: str | None = None,
) -> Entscheidung:
    """Decide whether an Abschlag is possible on ``stichtag`` and compute the amount.

    ``abschlaege_im_monat``: the customer's payments of ``stichtag``'s month (more may be
    passed; only Abschläge of that month that are not ``storniert`` count). ``anrufer``:
    who is on the phone; for ``bevollmaechtigt`` pass the Vollmacht's ``umfang``.
    """
    if anrufer not in ANRUFER:
        raise ValueError(f"anrufer muss 'kunde' oder 'bevollmaechtigt' sein, nicht {anrufer!r}")
    if vollmacht_umfang is not None and vollmacht_umfang not in VOLLMACHT_UMFANG:
        raise ValueError(f"unbekannter Umfang der Vollmacht: {vollmacht_umfang!r}")
    if anspruch is not None and anspruch.kundennummer != kunde.kundennummer:
        raise ValueError("Der Anspruch gehört zu einer anderen Kundennummer")
    if any(z.kundennummer != kunde.kundennummer for z in abschlaege_im_monat):
        raise ValueError("Eine Zahlung gehört zu einer anderen Kundennummer")
    if not richtlinie.gilt_am(stichtag):
        raise ValueError(f"Richtlinie {richtlinie.version} gilt nicht am {_datum(stichtag)}")

    zahltag = regulaerer_zahltag(stichtag)
    monat = monatsname(stichtag)
    regulaer = f"Die reguläre Zahlung für {monat} wird zum {_datum(zahltag)} gutgeschrieben."

    if kunde.schutzkennzeichen_m:
        return _entscheidung(
            stichtag=stichtag, zahltag=zahltag, richtlinie=richtlinie,
            gruende=[Grund(
                SCHUTZKENNZEICHEN_M,
                "Dieses Anliegen kann im Service Center nicht bearbeitet werden.",
                "Das Anliegen geht per Webauftrag an das zuständige Team für geschützte "
                "Datensätze; dieses meldet sich bei Ihnen.")])

    gruende: list[Grund] = []
    if anrufer == "bevollmaechtigt" and vollmacht_umfang != "vollumfaenglich":
        wer = ("Eine Abschlagszahlung können nur die Kundin oder der Kunde selbst oder eine "
               "Person mit vollumfänglicher Vollmacht veranlassen.")
        anders = ("Die Kundin oder der Kunde kann selbst anrufen, oder eine vollumfängliche "
                  "Vollmacht wird online oder schriftlich nachgereicht.")
        if vollmacht_umfang is None:
            gruende.append(Grund(KEINE_VOLLMACHT, "Für Sie liegt keine Vollmacht vor. " + wer,
                                 anders))
        else:
            gruende.append(Grund(VOLLMACHT_TEILWEISE,
                                 "Ihre Vollmacht ist nicht vollumfänglich. " + wer, anders))

    jobcenter = ("Für dringenden Bedarf zum Lebensunterhalt kann das Jobcenter helfen "
                 "(Bürgergeld).")
    tage, von, bis = 0, None, None
    tagessatz_cent = 0
    laufend = False
    if anspruch is None:
        gruende.append(Grund(
            KEIN_ANSPRUCH, "Es besteht kein Anspruch auf Arbeitslosengeld. Eine "
            "Abschlagszahlung ist deshalb nicht möglich.",
            jobcenter + " Arbeitslosengeld kann online beantragt werden."))
    elif anspruch.status == "in_bearbeitung":
        gruende.append(Grund(
            ANSPRUCH_IN_BEARBEITUNG, "Über den Antrag auf Arbeitslosengeld ist noch nicht "
            "entschieden. Eine Abschlagszahlung ist erst nach der Bewilligung möglich.",
            "Ein Vorschuss ist möglich: Der Wunsch geht per Webauftrag an das Leistungsteam, "
            "das über den Vorschuss entscheidet."))
    elif anspruch.status == "abgelehnt":
        gruende.append(Grund(
            ANSPRUCH_ABGELEHNT, "Der Antrag auf Arbeitslosengeld wurde abgelehnt. Eine "
            "Abschlagszahlung ist deshalb nicht möglich.",
            jobcenter + " Gegen die Ablehnung ist ein Widerspruch möglich; die Frist steht im "
            "Bescheid."))
    elif anspruch.status != "bewilligt":
        raise ValueError(f"unbekannter Status des Anspruchs: {anspruch.status!r}")
    elif anspruch.beginn is None or not anspruch.tagessatz_cent:
        gruende.append(Grund(
            LEISTUNGSDATEN_FEHLEN, "Für den Anspruch fehlen Beginn oder Leistungssatz. Der "
            "Betrag kann deshalb nicht berechnet werden.",
            "Das Anliegen geht per Webauftrag an das Leistungsteam."))
    elif anspruch.beginn > stichtag:
        ab = anspruch.beginn + dt.timedelta(days=1)
        gruende.append(Grund(
            ANSPRUCH_NICHT_BEGONNEN, f"Der Anspruch auf Arbeitslosengeld beginnt erst am "
            f"{_datum(anspruch.beginn)}. Ein Abschlag ist nur für bereits zurückliegende Tage "
            "möglich.",
            f"Ab dem {_datum(ab)} ist ein Abschlag für die dann zurückliegenden Tage möglich."))
    else:
        laufend = True
        tagessatz_cent = anspruch.tagessatz_cent
        tage, von, bis = _tage(anspruch, stichtag, richtlinie)

    if not (kunde.iban or "").strip():
        gruende.append(Grund(
            KEIN_KONTO, "Es ist keine Bankverbindung hinterlegt. Eine Abschlagszahlung geht "
            "nur auf das eigene, hinterlegte Konto.",
            "Die Bankverbindung kann aus Sicherheitsgründen nur online oder schriftlich "
            "hinterlegt oder geändert werden, nicht am Telefon. Danach ist eine "
            "Abschlagszahlung möglich."))

    abschlaege = [z for z in abschlaege_im_monat if _ist_abschlag_im_monat(z, stichtag)]
    bereits_cent = sum(z.betrag_cent for z in abschlaege)
    rechnerisch_cent = max(0, tage * tagessatz_cent - bereits_cent)

    if laufend:
        if len(abschlaege) >= richtlinie.hoechstens_je_monat:
            letzter = abschlaege[-1]
            anzahl = ("höchstens eine Abschlagszahlung" if richtlinie.hoechstens_je_monat == 1
                      else f"höchstens {richtlinie.hoechstens_je_monat} Abschlagszahlungen")
            gruende.append(Grund(
                ABSCHLAG_IM_MONAT, f"Im {monat} wurde bereits eine Abschlagszahlung geleistet "
                f"({format_euro(from_cents(letzter.betrag_cent))} am "
                f"{_datum(letzter.datum)}). Je Kalendermonat ist {anzahl} möglich.",
                regulaer + " Der Abschlag wird dabei verrechnet."))
        if zahltag_zu_nah(stichtag, richtlinie):
            gruende.append(Grund(
                ZAHLTAG_NAH, f"Die reguläre Zahlung für {monat} kommt bereits am "
                f"{_datum(zahltag)}, innerhalb der nächsten "
                f"{richtlinie.bankarbeitstage_vor_zahltag} Bankarbeitstage. Eine "
                "Abschlagszahlung ist deshalb nicht mehr möglich.",
                f"Die reguläre Zahlung kommt am {_datum(zahltag)}."))
        if tage == 0:
            gruende.append(Grund(
                KEINE_ZURUECKLIEGENDEN_TAGE, f"Im {monat} sind noch keine Tage mit Anspruch "
                "vergangen. Ein Abschlag ist nur für bereits zurückliegende Tage möglich.",
                regulaer))
        elif rechnerisch_cent == 0 or rechnerisch_cent < richtlinie.mindestbetrag_cent:
            abzug = (f" abzüglich bereits gezahlter {format_euro(from_cents(bereits_cent))}"
                     if bereits_cent else "")
            gruende.append(Grund(
                UNTER_MINDESTBETRAG, f"Für {_tage_text(tage)}{abzug} ergeben sich "
                f"{format_euro(from_cents(rechnerisch_cent))}. Das liegt unter dem "
                f"Mindestbetrag von {format_euro(richtlinie.mindestbetrag)} für eine "
                "Abschlagszahlung.", regulaer))

    return _entscheidung(
        stichtag=stichtag, zahltag=zahltag, richtlinie=richtlinie, gruende=gruende, tage=tage,
        von=von, bis=bis, tagessatz_cent=tagessatz_cent, bereits_cent=bereits_cent,
        rechnerisch_cent=rechnerisch_cent)


def _entscheidung(*, stichtag: dt.date, zahltag: dt.date, richtlinie: Richtlinie,
                  gruende: list[Grund], tage: int = 0, von: dt.date | None = None,
                  bis: dt.date | None = None, tagessatz_cent: int = 0, bereits_cent: int = 0,
                  rechnerisch_cent: int = 0) -> Entscheidung:
    moeglich = not gruende
    betrag_cent = rechnerisch_cent if moeglich else 0
    schwelle = richtlinie.vier_augen_ab_cent
    return Entscheidung(
        moeglich=moeglich,
        betrag=from_cents(betrag_cent),
        rechnerischer_betrag=from_cents(rechnerisch_cent),
        tage=tage,
        tagessatz=from_cents(tagessatz_cent),
        bereits_gezahlt=from_cents(bereits_cent),
        zeitraum_von=von,
        zeitraum_bis=bis,
        naechster_zahltag=zahltag,
        stichtag=stichtag,
        vier_augen=moeglich and schwelle is not None and betrag_cent >= schwelle,
        richtlinie_version=richtlinie.version,
        gruende=tuple(gruende),
    )
