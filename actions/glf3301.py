"""GLF 3.301 step actions: payment questions and the Abschlagszahlung (SOC-L).

Entered from 3.000.2 after a successful legitimation. The rules engine
(:mod:`leitfaden.abschlag.regeln`) decides; these actions only ask, tell and record. The
amount is computed again right before the transfer, and only a SOC-L employee on the agent
channel transfers; in the customer chat the request goes to the SOC-L work queue.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    GuideAction,
    SchrittFormValidation,
    Sprecher,
    letzter_intent,
)
from actions.services import engine, repository
from leitfaden.abschlag import ledger, warteschlange
from leitfaden.abschlag.pruefung import entscheidung_fuer
from leitfaden.abschlag.regeln import Entscheidung, monatsname
from leitfaden.clock import today
from leitfaden.mitarbeiter import MitarbeiterRecord, mitarbeiter_aus_metadaten
from leitfaden.nlp.normalise import format_datum, format_euro, mask_iban

log = logging.getLogger(__name__)

#: Hardship kinds (entity ``haertegrund``) accepted as unbillige Härte without more ado.
ANERKANNTE_HAERTEN = frozenset({"miete", "energie", "medikamente", "lebensmittel"})

_HAERTE_KLARTEXT = {
    "miete": "Miete", "energie": "Energie (Strom, Gas, Heizung)", "medikamente": "Medikamente",
    "lebensmittel": "Lebensmittel für den Haushalt", "sonstiges": "sonstige Notlage",
}

def entscheidung(tracker: Tracker) -> Entscheidung:
    """The rules engine's decision for the legitimated customer, on today's data."""
    # the legitimation decides who is calling (a Vollmacht was checked), not the slot "rolle",
    # which any later message ("ich rufe für mich selbst an") could change
    return entscheidung_fuer(repository(), str(tracker.get_slot("kundennummer") or ""),
                             tracker.get_slot("vollmacht_umfang"), today())


def mitarbeiter(tracker: Tracker) -> MitarbeiterRecord | None:
    """The signed-in employee: agent channel only, and only with the channel's signature
    (a customer channel can send the same metadata and even claim to be "agent")."""
    if tracker.get_latest_input_channel() != "agent":
        return None
    return mitarbeiter_aus_metadaten((tracker.latest_message or {}).get("metadata") or {},
                                     tracker.sender_id)




class ActionEinstieg(GuideAction):
    """3.301.1: take the payment concern."""

    action_name = "action_glf3301_einstieg"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        key = "einstieg_zahlung" if tracker.get_slot("anliegen") == "zahlung" \
            else "einstieg_abschlag"
        sprecher.sage("3.301.1", key)
        return [], "3.301.2"


class ActionLeistungsstatus(GuideAction):
    """3.301.2: claim status and next payment date; what no hardship can change is refused."""

    action_name = "action_glf3301_leistungsstatus"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        e = entscheidung(tracker)
        if e.tagessatz and not set(e.codes) & KEINE_STATUSAUSKUNFT:
            key = "status_bewilligt_ohne_konto" if "kein_konto" in e.codes else "status_bewilligt"
            sprecher.sage("3.301.2", key, tagessatz=format_euro(e.tagessatz),
                          monat=monatsname(e.stichtag), zahltag=format_datum(e.naechster_zahltag))
        if e.gruende and tracker.get_slot("anliegen") == "zahlung":
            # only a question about the payment: answer it, no Abschlag refusal, no Webauftrag
            for code in dict.fromkeys(_STATUS_TEXT.get(c) for c in e.codes):
                if code:
                    sprecher.sage("3.301.2", code)
            return [], "3.000.7"
        if e.gruende:
            return [], "3.301.9"
        if tracker.get_slot("anliegen") == "zahlung":
            sprecher.sage("3.301.2", "frage_abschlag")
            sprecher.frage = "abschlag_wunsch"
            return [], None
        return [], "3.301.3"


#: Reason codes after which no status is told: no running claim to tell the payment date of,
#: or a caller who may not hear the customer's benefit details (partial or no Vollmacht).
KEINE_STATUSAUSKUNFT = frozenset({
    "kein_anspruch", "anspruch_in_bearbeitung", "anspruch_abgelehnt", "anspruch_nicht_begonnen",
    "leistungsdaten_fehlen", "schutzkennzeichen_m", "vollmacht_teilweise", "keine_vollmacht",
})


#: Reason code -> what a payment question is told instead of an Abschlag refusal.
_STATUS_TEXT = {
    "anspruch_in_bearbeitung": "status_anspruch_in_bearbeitung",
    "anspruch_abgelehnt": "status_anspruch_abgelehnt",
    "kein_anspruch": "status_kein_anspruch",
    "leistungsdaten_fehlen": "status_kein_anspruch",
    "anspruch_nicht_begonnen": "status_anspruch_nicht_begonnen",
    "vollmacht_teilweise": "status_vollmacht",
    "keine_vollmacht": "status_vollmacht",
}


class ValidateHaerteForm(SchrittFormValidation):
    """3.301.3: the caller's hardship in their words, and its kind (entity ``haertegrund``)."""

    schritt_id = "3.301.3"

    def name(self) -> str:
        return "validate_haerte_form"

    async def extract_haertegrund_text(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "haertegrund_text":
            return {}
        if letzter_intent(tracker) in HAERTE_KEINE_ANTWORT:
            return {}  # a digression: the form rejects and its rule answers
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        # any other text is the caller's description, however the NLU classified it (an
        # emergency the NLU does not know, e.g. a car repair, arrives as nlu_fallback)
        return {"haertegrund_text": text} if text and not text.startswith("/") else {}

    def validate_haertegrund_text(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = " ".join(str(value).split())[:300]
        art = haerte_art(tracker)
        if art is None and len(text.split()) < 2 and letzter_intent(tracker) != "deny":
            Sprecher(dispatcher, tracker).sage("3.301.3", "haerte_zu_knapp")
            return {"haertegrund_text": None}
        return {"haertegrund_text": text, "haertegrund": art or _art_aus_intent(tracker)}


def haerte_art(tracker: Tracker) -> str | None:
    """The hardship kind the NLU found in the latest message, if it is one of the contract's."""
    for wert in tracker.get_latest_entity_values("haertegrund"):
        if wert in HAERTE_ARTEN:
            return str(wert)
    return None


def _art_aus_intent(tracker: Tracker) -> str:
    """No kind named: wanting the money earlier (or "no") is ``keine`` (no hardship); any
    other description is ``sonstiges``, for the SOC-L to judge."""
    return "keine" if letzter_intent(tracker) in ("request_advance_payment", "deny") \
        else "sonstiges"


#: Intents that are no answer to the hardship question (digressions handled by rules).
HAERTE_KEINE_ANTWORT = frozenset({"bot_challenge", "human_handoff", "out_of_scope", "greet",
                                  "goodbye"})


HAERTE_ARTEN = ("miete", "energie", "medikamente", "lebensmittel", "sonstiges")


class ActionAskHaertegrundText(GuideAction):
    """3.301.3: ask what is due and why it cannot wait."""

    action_name = "action_ask_haertegrund_text"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage("3.301.3", "frage_haerte")
        return [], None


class ActionHaerte(GuideAction):
    """3.301.3: a concrete emergency is recorded and the amount computed; none: refusal."""

    action_name = "action_glf3301_haerte"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        art = tracker.get_slot("haertegrund") or "keine"
        text = tracker.get_slot("haertegrund_text") or ""
        if art == "keine":
            sprecher.sage("3.301.3", "haerte_nicht_ausreichend", haertegrund_text=text)
            return [SlotSet("abschlag_ergebnis", "keine_haerte")], "3.000.7"
        sprecher.sage("3.301.3", "haerte_erkannt", haertegrund=_HAERTE_KLARTEXT[art],
                      haertegrund_text=text)
        return [], "3.301.4"


class ActionBerechnung(GuideAction):
    """3.301.4: compute the amount and state it (with the computation on the agent channel)."""

    action_name = "action_glf3301_berechnung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        e = entscheidung(tracker)
        if not e.moeglich:
            return [], "3.301.9"
        sprecher.sage("3.301.4", "berechnung", betrag=format_euro(e.betrag),
                      von=format_datum(e.zeitraum_von), bis=format_datum(e.zeitraum_bis),
                      berechnung=e.berechnung_text)
        return [SlotSet("abschlag_betrag", str(e.betrag))], "3.301.5"


class ActionBankverbindung(GuideAction):
    """3.301.5: confirm the account on file by its last four digits; a change: no transfer."""

    action_name = "action_glf3301_bankverbindung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        antwort = letzter_intent(tracker)
        if tracker.get_slot("offene_frage") == "konto" and antwort in ("deny",
                                                                      "change_bank_details"):
            sprecher.sage("3.301.5", "konto_geaendert")
            return [SlotSet("abschlag_ergebnis", "konto_geaendert")], "3.000.7"
        kunde = repository().kunde(str(tracker.get_slot("kundennummer") or ""))
        if kunde is None or not kunde.iban:
            return [], "3.301.9"
        sprecher.sage("3.301.5", "frage_konto", letzte4=kunde.iban_letzte4)
        sprecher.frage = "konto"
        return [], None


class ActionZustimmung(GuideAction):
    """3.301.6: amount, offset against the next payment, consent; no consent: no transfer."""

    action_name = "action_glf3301_zustimmung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        e = entscheidung(tracker)
        if tracker.get_slot("offene_frage") == "zustimmung" and letzter_intent(tracker) == "deny":
            sprecher.sage("3.301.6", "keine_zustimmung",
                          zahltag=format_datum(e.naechster_zahltag))
            return [SlotSet("abschlag_ergebnis", "keine_zustimmung")], "3.000.7"
        if not e.moeglich:
            return [], "3.301.9"
        sprecher.sage("3.301.6", "frage_zustimmung", betrag=format_euro(e.betrag),
                      zahltag=format_datum(e.naechster_zahltag))
        sprecher.frage = "zustimmung"
        return [SlotSet("abschlag_betrag", str(e.betrag))], None


class ActionUeberweisung(GuideAction):
    """3.301.7: SOC-L on the agent channel transfers (exactly once); otherwise the request
    goes to the SOC-L work queue and the caller gets its reference number."""

    action_name = "action_glf3301_ueberweisung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        kundennummer = str(tracker.get_slot("kundennummer"))
        schluessel = f"{tracker.sender_id}:{kundennummer}:{today():%Y-%m}"
        schon = self._schon_erledigt(sprecher, schluessel)
        if schon is not None:
            return schon  # a retry: answer with what was done, check no rule again
        e = entscheidung(tracker)
        if not e.moeglich:
            return [], "3.301.9"
        if str(e.betrag) != str(tracker.get_slot("abschlag_betrag")):
            # the amount changed since the caller agreed (e.g. past midnight): ask again
            sprecher.sage("3.301.6", "frage_zustimmung", betrag=format_euro(e.betrag),
                          zahltag=format_datum(e.naechster_zahltag))
            sprecher.frage = "zustimmung"
            return [SlotSet("abschlag_betrag", str(e.betrag))], None
        kunde = repository().kunde(kundennummer)
        assert kunde is not None and kunde.iban
        art = tracker.get_slot("haertegrund") or "sonstiges"
        text = tracker.get_slot("haertegrund_text") or ""
        wer = mitarbeiter(tracker)
        if wer is not None and wer.darf_ueberweisen:
            try:
                u = ledger.abschlag_ueberweisen(
                    engine(), kundennummer=kundennummer, betrag=e.betrag, iban=kunde.iban,
                    zeitraum_von=e.zeitraum_von, zeitraum_bis=e.zeitraum_bis,
                    haertegrund=art, haertegrund_text=text, mitarbeiter_login=wer.login,
                    idempotenz_schluessel=schluessel, grund_text=e.berechnung_text)
            except ledger.AbschlagBereitsGezahlt:
                sprecher.sage("3.301.7", "bereits_gezahlt")
                return [SlotSet("abschlag_ergebnis", "bereits_gezahlt")], "3.000.7"
            except ledger.KeineBerechtigung:
                u = None  # rights withdrawn meanwhile: the request goes to the queue
            except ledger.AbschlagFehler as fehler:
                log.warning("Überweisung abgelehnt: %s", fehler)
                sprecher.sage("3.301.7", "ueberweisung_nicht_moeglich", meldung=str(fehler))
                return [SlotSet("abschlag_ergebnis", "nicht_ueberwiesen")], "3.000.7"
            if u is not None:
                sprecher.sage("3.301.7", "ueberwiesen", betrag=format_euro(e.betrag),
                              nummer=u.bestaetigungsnummer, iban_maskiert=mask_iban(kunde.iban),
                              gutschrift_von=format_datum(u.gutschrift_von),
                              gutschrift_bis=format_datum(u.gutschrift_bis))
                return [SlotSet("abschlag_ergebnis", "ueberwiesen"),
                        SlotSet("abschlag_nummer", u.bestaetigungsnummer)], "3.301.8"
        try:
            antrag = warteschlange.antrag_stellen(
                engine(), kundennummer=kundennummer, betrag=e.betrag, berechnung=e.als_dict(),
                haertegrund=art, haertegrund_text=text, conversation_id=tracker.sender_id,
                idempotenz_schluessel=schluessel)
        except warteschlange.AntragBereitsOffen as offen:
            sprecher.sage("3.301.7", "antrag_bereits_offen", nummer=offen.antrag.vorgangsnummer)
            return [SlotSet("abschlag_ergebnis", "antrag_offen")], "3.000.7"
        except ledger.AbschlagBereitsGezahlt:
            sprecher.sage("3.301.7", "bereits_gezahlt")
            return [SlotSet("abschlag_ergebnis", "bereits_gezahlt")], "3.000.7"
        key = "keine_berechtigung" if wer is not None else "antrag_vorbereitet"
        sprecher.sage("3.301.7", key, betrag=format_euro(e.betrag), nummer=antrag.vorgangsnummer)
        return [SlotSet("abschlag_ergebnis", "antrag"),
                SlotSet("abschlag_nummer", antrag.vorgangsnummer)], "3.301.8"


    @staticmethod
    def _schon_erledigt(sprecher: Sprecher, schluessel: str):
        """The transfer or queued request this conversation made this month, said again."""
        u = ledger.ueberweisung_zum_schluessel(engine(), schluessel)
        if u is not None:
            sprecher.sage("3.301.7", "ueberwiesen", betrag=format_euro(u.betrag),
                          nummer=u.bestaetigungsnummer, iban_maskiert=u.iban_maskiert,
                          gutschrift_von=format_datum(u.gutschrift_von),
                          gutschrift_bis=format_datum(u.gutschrift_bis))
            return [SlotSet("abschlag_ergebnis", "ueberwiesen"),
                    SlotSet("abschlag_nummer", u.bestaetigungsnummer)], "3.301.8"
        antrag = warteschlange.antrag_zum_schluessel(engine(), schluessel)
        if antrag is not None:
            sprecher.sage("3.301.7", "antrag_vorbereitet", betrag=format_euro(antrag.betrag),
                          nummer=antrag.vorgangsnummer)
            return [SlotSet("abschlag_ergebnis", "antrag"),
                    SlotSet("abschlag_nummer", antrag.vorgangsnummer)], "3.301.8"
        return None


class ActionDokumentation(GuideAction):
    """3.301.8: the file note is written automatically; no visit to the Agentur is needed."""

    action_name = "action_glf3301_dokumentation"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        ergebnis = {"ueberwiesen": "Abschlag überwiesen", "antrag": "Antrag an SOC-L"}.get(
            str(tracker.get_slot("abschlag_ergebnis")), "Abschlag")
        nummer = tracker.get_slot("abschlag_nummer") or ""
        art = tracker.get_slot("haertegrund") or "sonstiges"
        text = sprecher.rendere(
            "3.301.8", "vermerk", ergebnis=f"{ergebnis} {nummer}".strip(),
            haertegrund=_HAERTE_KLARTEXT.get(art, art),
            haertegrund_text=tracker.get_slot("haertegrund_text") or "",
            berechnung=f"Betrag {format_euro(_betrag(tracker))}")
        repository().vermerk_speichern(
            conversation_id=tracker.sender_id, kundennummer=tracker.get_slot("kundennummer"),
            guide="3.301", guide_step="3.301.8", anliegen=tracker.get_slot("anliegen"),
            text=text, created_by=_akteur(tracker, sprecher))
        sprecher.sage("3.301.8", "kein_besuch")
        return [], "3.000.7"


def _betrag(tracker: Tracker) -> Decimal:
    """The amount the caller agreed to (slot ``abschlag_betrag``), 0.00 if none."""
    return Decimal(str(tracker.get_slot("abschlag_betrag") or "0.00"))


def _akteur(tracker: Tracker, sprecher: Sprecher) -> str:
    wer = mitarbeiter(tracker)
    return wer.login if wer is not None else f"leitfaden:{sprecher.kanal}"


class ActionAblehnung(GuideAction):
    """3.301.9: why no Abschlag, and what helps instead (never the Eingangszone for it)."""

    action_name = "action_glf3301_ablehnung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        e = entscheidung(tracker)
        sprecher.sage("3.301.9", "ablehnung")
        gesagt: set[str] = set()
        for grund in e.gruende:
            sprecher.sage("3.301.9", "grund", text=grund.text)
            if grund.alternative and grund.alternative not in gesagt:
                sprecher.sage("3.301.9", "alternative", text=grund.alternative)
                gesagt.add(grund.alternative)
        kundennummer = tracker.get_slot("kundennummer")
        akteur = _akteur(tracker, sprecher)
        if "anspruch_in_bearbeitung" in e.codes:
            webauftrag = repository().vermerk_speichern(
                conversation_id=tracker.sender_id, kundennummer=kundennummer, guide="3.301",
                guide_step="3.301.9", anliegen=tracker.get_slot("anliegen"),
                text="Webauftrag an das Leistungsteam: Vorschuss prüfen (§ 42 SGB I), "
                     "Anspruch noch nicht entschieden", created_by=akteur)
            sprecher.sage("3.301.9", "vorschuss_webauftrag", vermerk_nr=webauftrag.id)
        repository().vermerk_speichern(
            conversation_id=tracker.sender_id, kundennummer=kundennummer, guide="3.301",
            guide_step="3.301.9", anliegen=tracker.get_slot("anliegen"),
            text=sprecher.rendere("3.301.9", "vermerk",
                                  gruende=", ".join(e.codes) or "kein Grund angegeben"),
            created_by=akteur)
        return [SlotSet("abschlag_ergebnis", "abgelehnt")], "3.000.7"
