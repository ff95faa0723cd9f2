"""The guide panel beside the employee's chat: where the conversation is, what to say, what
to check, and the cards (Abschlag, support offers) of the current step.

Built from the tracker JSON of Rasa's HTTP API (plain dicts) and the store; no Rasa here.
With Schutzkennzeichen M the panel holds no personal data at all, only the flag.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from leitfaden import offers
from leitfaden.abschlag import ledger, warteschlange
from leitfaden.abschlag.pruefung import entscheidung_fuer
from leitfaden.abschlag.regeln import Entscheidung, monatsname
from leitfaden.angebotsregister import art_label
from leitfaden.gespraech import LEGITIMIERT
from leitfaden.guides import GuideLibrary, Leitfaden, WordingError, library
from leitfaden.konsole import ablauf
from leitfaden.konsole.checkliste import checkliste
from leitfaden.konsole.protokoll import (
    HINWEIS_NICHT_GEGEBEN,
    AbweichungRecord,
    GespraechRecord,
    abweichungen,
    bestaetigungen,
)
from leitfaden.konsole.verlauf import Verlauf, letzter_wert
from leitfaden.legitimation import MAX_VERSUCHE
from leitfaden.mitarbeiter import mitarbeiter
from leitfaden.nlp.normalise import format_euro
from leitfaden.store.records import (
    ANGEBOTSARTEN,
    HAERTEGRUENDE,
    AngebotRecord,
    DienststelleRecord,
    KundeRecord,
)
from leitfaden.store.repository import SqlRepository
from leitfaden.texte import zeitpunkt_iso, zeitpunkt_text

#: The guide shown before the first turn.
START_LEITFADEN = "3.000"

#: The Abschlag card is shown from this step of GLF 3.301 on (to its last step).
ABSCHLAG_LEITFADEN = "3.301"
ABSCHLAG_AB = "3.301.4"

#: The step in which the SOC-L employee may trigger the transfer (after the consent).
UEBERWEISUNG_SCHRITT = "3.301.6"

#: Steps that name the support offers of a Dienststelle.
ANGEBOT_SCHRITTE = frozenset({"3.000.6", "1.000.3"})

#: Status of a step in the panel's step list.
ERLEDIGT, AKTUELL, OFFEN = "erledigt", "aktuell", "offen"


def _datum(tag: dt.date | None) -> str | None:
    """``01.12.2026``."""
    return f"{tag:%d.%m.%Y}" if tag else None


def _cent(betrag: Any) -> int:
    """A two-place Decimal as whole cents."""
    return int(betrag * 100)


def _schlicht(wert: Any) -> Any:
    """Dataclasses, tuples and lists as plain dicts and lists (for JSON)."""
    if dataclasses.is_dataclass(wert) and not isinstance(wert, type):
        return {f.name: _schlicht(getattr(wert, f.name)) for f in dataclasses.fields(wert)}
    if isinstance(wert, (list, tuple)):
        return [_schlicht(w) for w in wert]
    if isinstance(wert, Mapping):
        return {str(k): _schlicht(v) for k, v in wert.items()}
    return wert


class _AlsDict:
    """``als_dict()``: the dataclass as plain JSON-serialisable dicts."""

    def als_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, strings, numbers and booleans only."""
        return _schlicht(self)


# --- the panel's parts -----------------------------------------------------------------------


@dataclass(frozen=True)
class LeitfadenInfo(_AlsDict):
    """The guide version in force: number, title, version, valid from (``dd.mm.yyyy``)."""

    nummer: str
    titel: str
    version: str
    gueltig_ab: str
    weisung: str


@dataclass(frozen=True)
class SchrittInfo(_AlsDict):
    """A step of the current guide and how far the conversation got."""

    id: str
    name: str
    zweck: str
    status: str


@dataclass(frozen=True)
class Hinweis(_AlsDict):
    """A Pflichthinweis: step, text key, the wording, ticked or not."""

    schritt: str
    hinweis: str
    text: str
    bestaetigt: bool


@dataclass(frozen=True)
class AktuellerSchritt(_AlsDict):
    """The step the assistant is in: what to say and check, which notices are mandatory."""

    id: str
    name: str
    zweck: str
    wortlaut: tuple[str, ...]
    pruefungen: tuple[str, ...]
    pflichthinweise: tuple[Hinweis, ...]


@dataclass(frozen=True)
class Checkpunkt(_AlsDict):
    """One item of the checklist."""

    text: str
    erledigt: bool


@dataclass(frozen=True)
class KundeInfo(_AlsDict):
    """The legitimated customer (never with Schutzkennzeichen M)."""

    name: str
    kundennummer_maskiert: str
    vollmacht_umfang: str | None


@dataclass(frozen=True)
class AbschlagKarte(_AlsDict):
    """The Abschlag card (GLF 3.301.4 to 3.301.9). Money as German text and as cents.

    ``status``: ``berechnet`` (possible), ``nicht_moeglich``, ``ueberwiesen``,
    ``antrag_offen``, ``antrag_genehmigt``, ``antrag_abgelehnt``; ``nummer`` is the ledger's
    confirmation number or the Vorgangsnummer of a queued request.
    """

    moeglich: bool
    betrag: str
    betrag_cent: int
    tage: int
    tagessatz: str
    tagessatz_cent: int
    bereits_gezahlt: str
    bereits_gezahlt_cent: int
    berechnung: str
    zeitraum: str
    naechster_zahltag: str | None
    gruende: tuple[str, ...]
    alternativen: tuple[str, ...]
    iban_maskiert: str | None
    haertegrund: str | None
    haertegrund_text: str | None
    kann_ueberweisen: bool
    darf_ueberweisen: bool
    status: str
    status_text: str
    nummer: str | None
    gutschrift: str | None


@dataclass(frozen=True)
class AngebotKarte(_AlsDict):
    """A support offer as named by the assistant (``alternative``: of the nearest office)."""

    id: str
    titel: str
    art: str
    art_schluessel: str
    beschreibung: str
    dienststelle: str
    adresse: str
    raum: str
    zeiten: str
    termin_erforderlich: bool
    termin: str
    barrierefreiheit: str | None
    sprachen: tuple[str, ...]
    kontakt: str | None
    alternative: bool
    entfernung_km: float | None


@dataclass(frozen=True)
class AbweichungInfo(_AlsDict):
    """A recorded deviation."""

    schritt: str
    art: str
    beschreibung: str
    leitfaden: str
    version: str
    zeitpunkt: str
    zeitpunkt_text: str


@dataclass(frozen=True)
class GespraechInfo(_AlsDict):
    """The console conversation the panel belongs to."""

    sender_id: str
    beendet: bool


@dataclass(frozen=True)
class Panel(_AlsDict):
    """Everything the guide panel shows (see :func:`panel_erstellen`)."""

    gespraech: GespraechInfo
    leitfaden: LeitfadenInfo
    schritte: tuple[SchrittInfo, ...]
    aktuell: AktuellerSchritt
    offene_hinweise: tuple[Hinweis, ...]
    checkliste: tuple[Checkpunkt, ...]
    kunde: KundeInfo | None
    schutzkennzeichen_m: bool
    abschlag: AbschlagKarte | None
    angebote: tuple[AngebotKarte, ...]
    abweichungen: tuple[AbweichungInfo, ...]


# --- building it -----------------------------------------------------------------------------


def _aktueller_leitfaden(bib: GuideLibrary, verlauf: Verlauf,
                         heute: dt.date) -> tuple[Leitfaden, str]:
    """The current guide (slot ``guide``, else the guide of ``guide_step``, else GLF 3.000)
    and the current step (slot ``guide_step``; before the first turn the guide's first)."""
    schritt_id = verlauf.aktueller_schritt
    nummer = str(verlauf.slot("guide") or "") or (
        ablauf.guide_von(schritt_id) if schritt_id else START_LEITFADEN)
    if schritt_id and ablauf.guide_von(schritt_id) != nummer:
        nummer = ablauf.guide_von(schritt_id)  # the step the assistant is in decides
    guide = bib.in_force(nummer, heute)
    if schritt_id not in guide.schritt_ids:
        schritt_id = guide.schritte[0].id
    return guide, schritt_id


def _karten_schritt(verlauf: Verlauf, schritte: frozenset[str] | set[str], aktuell: str,
                    bib: GuideLibrary, heute: dt.date) -> str | None:
    """The step of ``schritte`` a card belongs to: the current step, or the one just left
    when the assistant went on to a closing step in the same turn (cards stay visible)."""
    if aktuell in schritte:
        return aktuell
    vorher = verlauf.vorheriger_schritt
    treffer = ablauf.schritt_oder_none(bib, aktuell, heute)
    if vorher in schritte and treffer is not None and ablauf.ist_abschluss(treffer[1]):
        return vorher
    return None


def _abschlag_schritte(bib: GuideLibrary, heute: dt.date) -> set[str]:
    """GLF 3.301.4 to the guide's last step, in the version in force."""
    try:
        ids = bib.in_force(ABSCHLAG_LEITFADEN, heute).schritt_ids
    except WordingError:
        return set()
    return set(ids[ids.index(ABSCHLAG_AB):]) if ABSCHLAG_AB in ids else set()


def _status(ueberweisung: ledger.Ueberweisung | None, antrag: warteschlange.Antrag | None,
            nummer: str | None, e: Entscheidung) -> tuple[str, str]:
    """Status key and German text of the card."""
    if ueberweisung is not None:
        return "ueberwiesen", (f"Überweisung ausgelöst, Bestätigungsnummer {nummer}; "
                               f"Gutschrift voraussichtlich {ueberweisung.gutschrift_text}.")
    if antrag is not None:
        texte = {
            "offen": f"Antrag {nummer} liegt in der SOC-L-Warteschlange; eine Fachkraft "
                     "entscheidet.",
            "genehmigt": f"Antrag {nummer} ist genehmigt"
                         + (f" (Bestätigungsnummer {antrag.bestaetigungsnummer})."
                            if antrag.bestaetigungsnummer else "."),
            "abgelehnt": f"Antrag {nummer} ist abgelehnt"
                         + (f": {antrag.ablehnungsgrund}" if antrag.ablehnungsgrund else "."),
        }
        return f"antrag_{antrag.status}", texte.get(antrag.status, f"Antrag {nummer}")
    if e.moeglich:
        return "berechnet", "Eine Abschlagszahlung ist möglich."
    return "nicht_moeglich", "Eine Abschlagszahlung ist nicht möglich."


def _abschlag_karte(kunde: KundeRecord, e: Entscheidung,
                    ueberweisung: ledger.Ueberweisung | None,
                    antrag: warteschlange.Antrag | None, verlauf: Verlauf, aktuell: str,
                    darf_ueberweisen: bool) -> AbschlagKarte:
    nummer = str(verlauf.slot("abschlag_nummer") or "") or None
    betrag = ueberweisung.betrag if ueberweisung else antrag.betrag if antrag else e.betrag
    status, status_text = _status(ueberweisung, antrag, nummer, e)
    art = verlauf.slot("haertegrund")
    return AbschlagKarte(
        moeglich=e.moeglich,
        betrag=format_euro(betrag), betrag_cent=_cent(betrag),
        tage=e.tage,
        tagessatz=format_euro(e.tagessatz), tagessatz_cent=_cent(e.tagessatz),
        bereits_gezahlt=format_euro(e.bereits_gezahlt),
        bereits_gezahlt_cent=_cent(e.bereits_gezahlt),
        berechnung=e.berechnung_text,
        zeitraum=e.zeitraum_text,
        naechster_zahltag=_datum(e.naechster_zahltag),
        gruende=tuple(g.text for g in e.gruende),
        alternativen=tuple(dict.fromkeys(g.alternative for g in e.gruende if g.alternative)),
        iban_maskiert=ledger.iban_maskiert(kunde.iban) if kunde.iban else None,
        haertegrund=HAERTEGRUENDE.get(str(art), str(art)) if art and art != "keine" else None,
        haertegrund_text=verlauf.slot("haertegrund_text") or None,
        kann_ueberweisen=e.moeglich and aktuell == UEBERWEISUNG_SCHRITT and nummer is None,
        darf_ueberweisen=darf_ueberweisen,
        status=status, status_text=status_text, nummer=nummer,
        gutschrift=ueberweisung.gutschrift_text if ueberweisung else None,
    )


def _angebot_karte(a: AngebotRecord, d: DienststelleRecord, alternative: bool,
                   entfernung: float | None) -> AngebotKarte:
    if a.termin_erforderlich:
        termin = "Termin nötig" + (f": {a.buchung.strip()}" if (a.buchung or "").strip()
                                   else "; bitte vorher vereinbaren.")
    else:
        termin = "Kein Termin nötig."
    kontakt = [f"Telefon {a.kontakt_telefon}"] if a.kontakt_telefon else []
    if a.kontakt_email:
        kontakt.append(f"E-Mail {a.kontakt_email}")
    return AngebotKarte(
        id=a.id, titel=a.titel, art=art_label(a.art), art_schluessel=a.art,
        beschreibung=a.beschreibung, dienststelle=d.name, adresse=d.anschrift,
        raum=a.ort_raum, zeiten=offers.zeiten_text(a.zeiten),
        termin_erforderlich=a.termin_erforderlich, termin=termin,
        barrierefreiheit=a.barrierefreiheit or None, sprachen=tuple(a.sprachen),
        kontakt=", ".join(kontakt) or None, alternative=alternative, entfernung_km=entfernung,
    )


def _angebote(repo: SqlRepository, verlauf: Verlauf, schritt: str,
              heute: dt.date) -> offers.LookupResult | None:
    """The offers the assistant named in ``schritt`` (same look-up as the actions)."""
    standort = verlauf.slot("standort") or letzter_wert(verlauf.seit_besuch(schritt),
                                                        "standort")
    art = verlauf.slot("angebotsart")
    art = art if art in ANGEBOTSARTEN else None
    dienststelle_id = verlauf.slot("dienststelle") if ablauf.guide_von(schritt) == "1.000" \
        else None
    if dienststelle_id:
        ergebnis = offers.angebote_fuer(repo, heute, art=art, dienststelle_id=dienststelle_id)
    elif standort:
        plz, ort = offers.plz_und_ort(str(standort).strip())
        ergebnis = offers.angebote_fuer(repo, heute, plz=plz, ort=ort, art=art)
    else:
        return None
    return ergebnis if ergebnis.dienststelle is not None else None


def _angebot_karten(ergebnis: offers.LookupResult | None) -> tuple[AngebotKarte, ...]:
    if ergebnis is None or ergebnis.dienststelle is None:
        return ()
    if ergebnis.angebote:
        return tuple(_angebot_karte(a, ergebnis.dienststelle, False, None)
                     for a in ergebnis.angebote)
    if ergebnis.alternative is not None:
        return tuple(_angebot_karte(a, ergebnis.alternative, True, ergebnis.entfernung_km)
                     for a in ergebnis.alternative_angebote)
    return ()


def _werte(verlauf: Verlauf, kunde: KundeRecord | None, e: Entscheidung | None,
           ueberweisung: ledger.Ueberweisung | None, angebote: offers.LookupResult | None,
           dienststelle: DienststelleRecord | None, heute: dt.date) -> dict[str, str]:
    """Values for the wording's placeholders. Personal ones only for a legitimated customer
    (``kunde`` is ``None`` with Schutzkennzeichen M)."""
    werte: dict[str, str] = {"max_versuche": str(MAX_VERSUCHE)}
    if dienststelle is not None:
        werte["wo"] = f"in der {dienststelle.name}"
    if angebote is not None and angebote.dienststelle is not None:
        werte.update(dienststelle=angebote.dienststelle.name,
                     adresse=angebote.dienststelle.anschrift,
                     anzahl=str(len(angebote.angebote)))
    if kunde is None:
        return werte
    versuche = verlauf.slot("legitimation_versuche")
    if isinstance(versuche, (int, float)):
        werte["versuch"] = str(int(versuche) + 1)
    werte.update(name=kunde.name, kundennummer_maskiert=ledger.kundennummer_maskiert(
        kunde.kundennummer))
    umfang = verlauf.slot("vollmacht_umfang")
    if umfang:
        voll = umfang == "vollumfaenglich"
        werte.update(umfang="vollumfängliche" if voll else "teilweise",
                     umfang_dativ="vollumfänglicher" if voll else "teilweiser")
    if verlauf.slot("vertreter_name"):
        werte["vertreter"] = str(verlauf.slot("vertreter_name"))
    art = verlauf.slot("haertegrund")
    if art:
        werte["haertegrund"] = HAERTEGRUENDE.get(str(art), str(art))
    if verlauf.slot("haertegrund_text"):
        werte["haertegrund_text"] = str(verlauf.slot("haertegrund_text"))
    if kunde.iban:
        werte["letzte4"] = kunde.iban.replace(" ", "")[-4:]
        werte["iban_maskiert"] = ledger.iban_maskiert(kunde.iban)
    if e is not None:
        werte.update(tagessatz=format_euro(e.tagessatz), monat=monatsname(heute),
                     zahltag=_datum(e.naechster_zahltag) or "", berechnung=e.berechnung_text)
        if e.moeglich:
            werte["betrag"] = format_euro(e.betrag)
        if e.zeitraum_von and e.zeitraum_bis:
            werte.update(von=_datum(e.zeitraum_von) or "", bis=_datum(e.zeitraum_bis) or "")
    if verlauf.slot("abschlag_nummer"):
        werte["nummer"] = str(verlauf.slot("abschlag_nummer"))
    if ueberweisung is not None:
        werte.update(betrag=format_euro(ueberweisung.betrag),
                     gutschrift_von=_datum(ueberweisung.gutschrift_von) or "",
                     gutschrift_bis=_datum(ueberweisung.gutschrift_bis) or "")
    return werte


def _wortlaut(bib: GuideLibrary, schritt_id: str, heute: dt.date,
              werte: Mapping[str, str]) -> tuple[str, ...]:
    """The step's texts for the agent channel in force today, gaps for unknown values."""
    _, schritt = bib.schritt(schritt_id, heute)
    texte = []
    for key in schritt.texte:
        if key in ablauf.INTERNE_TEXTE:
            continue
        try:
            _, variante = bib.wording(schritt_id, key, heute, "agent")
        except WordingError:
            continue
        if not ablauf.nur_platzhalter(variante.text):
            texte.append(ablauf.fuellen(variante.text, werte))
    return tuple(texte)


def _hinweise(bib: GuideLibrary, schritte: tuple[str, ...] | list[str], heute: dt.date,
              werte: Mapping[str, str], abgehakt: set[tuple[str, str]]) -> list[Hinweis]:
    hinweise = []
    for schritt_id in schritte:
        treffer = ablauf.schritt_oder_none(bib, schritt_id, heute)
        if treffer is None:
            continue
        for key in treffer[1].pflichthinweise:
            text = ablauf.text(bib, schritt_id, key, heute, "agent", werte) or key
            hinweise.append(Hinweis(schritt_id, key, text, (schritt_id, key) in abgehakt))
    return hinweise


def _abweichung_info(a: AbweichungRecord) -> AbweichungInfo:
    return AbweichungInfo(schritt=a.schritt_id, art=a.art, beschreibung=a.beschreibung,
                          leitfaden=a.leitfaden, version=a.version,
                          zeitpunkt=zeitpunkt_iso(a.zeitpunkt),
                          zeitpunkt_text=zeitpunkt_text(a.zeitpunkt))


def panel_erstellen(engine: Engine, gespraech: GespraechRecord, tracker: Mapping[str, Any],
                    heute: dt.date, *, bibliothek: GuideLibrary | None = None) -> Panel:
    """The guide panel for the conversation's tracker JSON on ``heute``.

    Guide versions and wording are those in force ``heute`` (agent channel). The Abschlag
    card appears in GLF 3.301.4 to 3.301.9 for a legitimated customer, the offer cards in
    3.000.6 and 1.000.3 once a Dienststelle is found; both stay while the assistant has
    gone on to the closing step in the same turn.
    """
    bib = bibliothek or library()
    repo = SqlRepository(engine)
    verlauf = Verlauf.aus_tracker(tracker)
    guide, aktuell = _aktueller_leitfaden(bib, verlauf, heute)

    legitimation = verlauf.slot("legitimation")
    kunde = None
    if legitimation in LEGITIMIERT and verlauf.slot("kundennummer"):
        kunde = repo.kunde(str(verlauf.slot("kundennummer")))
    schutz = legitimation == "schutzkennzeichen_m" or bool(kunde and kunde.schutzkennzeichen_m)
    if schutz or legitimation != "erfolgreich":
        kunde = None  # no personal data: not legitimated, or Schutzkennzeichen M

    karten_schritt = _karten_schritt(verlauf, _abschlag_schritte(bib, heute), aktuell, bib,
                                     heute)
    e = ueberweisung = antrag = None
    if kunde is not None and (karten_schritt or guide.nummer == ABSCHLAG_LEITFADEN):
        nummer = str(verlauf.slot("abschlag_nummer") or "") or None
        ueberweisung = ledger.ueberweisung(engine, nummer) if nummer else None
        antrag = warteschlange.antrag(engine, nummer) if nummer and not ueberweisung else None
        eigene = (ueberweisung.bestaetigungsnummer if ueberweisung
                  else antrag.bestaetigungsnummer if antrag else None)
        try:
            e = entscheidung_fuer(repo, kunde.kundennummer, verlauf.slot("vollmacht_umfang"),
                                  heute, ohne_referenz=eigene)
        except LookupError:
            e = None
    abschlag = None
    if karten_schritt and kunde is not None and e is not None:
        wer = mitarbeiter(engine, gespraech.login)
        abschlag = _abschlag_karte(kunde, e, ueberweisung, antrag, verlauf, aktuell,
                                   bool(wer and wer.aktiv and wer.darf_ueberweisen))

    angebot_schritt = _karten_schritt(verlauf, ANGEBOT_SCHRITTE, aktuell, bib, heute)
    lookup = _angebote(repo, verlauf, angebot_schritt, heute) if angebot_schritt else None
    dienststelle = None
    if verlauf.slot("dienststelle"):
        dienststelle = next((d for d in repo.dienststellen()
                             if d.id == verlauf.slot("dienststelle")), None)
    werte = _werte(verlauf, kunde, e, ueberweisung, lookup, dienststelle, heute)

    abgehakt = {(b.schritt_id, b.hinweis) for b in bestaetigungen(engine, gespraech.id)}
    erfasst = abweichungen(engine, gespraech.id)
    nicht_gegeben = {(a.schritt_id, a.hinweis) for a in erfasst
                     if a.art == HINWEIS_NICHT_GEGEBEN}
    offene = [h for h in _hinweise(bib, verlauf.besucht, heute, werte, abgehakt)
              if not h.bestaetigt and (h.schritt, h.hinweis) not in nicht_gegeben]

    schritt = guide.schritt(aktuell)
    frueher = set(verlauf.schritte)
    return Panel(
        gespraech=GespraechInfo(sender_id=gespraech.sender_id, beendet=gespraech.beendet),
        leitfaden=LeitfadenInfo(nummer=guide.nummer, titel=guide.titel, version=guide.version,
                                gueltig_ab=_datum(guide.gueltig_ab) or "",
                                weisung=guide.weisung),
        schritte=tuple(
            SchrittInfo(s.id, s.name, s.zweck,
                        AKTUELL if s.id == aktuell else ERLEDIGT if s.id in frueher else OFFEN)
            for s in guide.schritte),
        aktuell=AktuellerSchritt(
            id=schritt.id, name=schritt.name, zweck=schritt.zweck,
            wortlaut=_wortlaut(bib, aktuell, heute, werte), pruefungen=schritt.pruefungen,
            pflichthinweise=tuple(_hinweise(bib, [aktuell], heute, werte, abgehakt))),
        offene_hinweise=tuple(offene),
        checkliste=tuple(Checkpunkt(text, erledigt)
                         for text, erledigt in checkliste(guide.nummer, verlauf)),
        kunde=KundeInfo(name=kunde.name,
                        kundennummer_maskiert=ledger.kundennummer_maskiert(kunde.kundennummer),
                        vollmacht_umfang=verlauf.slot("vollmacht_umfang") or None)
        if kunde is not None else None,
        schutzkennzeichen_m=schutz,
        abschlag=abschlag,
        angebote=_angebot_karten(lookup),
        abweichungen=tuple(_abweichung_info(a) for a in erfasst),
    )
