"""SEPA credit-transfer files (pain.001.001.03) of the ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from ledger_hilfen import (
    ANNA_IBAN,
    KLAUS_IBAN,
    abschlaege,
    klaus_ueberweisen,
    ueberweisen,
)

from leitfaden.abschlag.sepa import (
    DEMO_IBAN,
    SepaFehler,
    iban_gueltig,
    sepa_datei,
    sepa_exportieren,
)

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def _buchungen(xml: bytes) -> list[dict[str, str]]:
    wurzel = ET.fromstring(xml)
    return [{
        "betrag": tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
        "waehrung": tx.find("p:Amt/p:InstdAmt", NS).get("Ccy"),
        "iban": tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
        "name": tx.findtext("p:Cdtr/p:Nm", namespaces=NS),
        "e2e": tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
        "zweck": tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
    } for tx in wurzel.iterfind(".//p:CdtTrfTxInf", NS)]


def test_sepa_datei_enthaelt_genau_die_ueberweisungen(engine, stichtag):
    anna = ueberweisen(engine)
    klaus = klaus_ueberweisen(engine)

    datei = sepa_exportieren(engine, akteur="socl-demo")

    assert datei is not None and datei.anzahl == 2
    assert datei.summe == Decimal("1547.85") and datei.nummer == f"SEPA-{datei.export_id:06d}"
    xmlschema.XMLSchema(str(XSD)).validate(datei.xml.decode("utf-8"))
    wurzel = ET.fromstring(datei.xml)
    assert wurzel.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert wurzel.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "1547.85"
    assert wurzel.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=NS) == "2026-11-18"
    assert wurzel.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == DEMO_IBAN
    assert sorted(_buchungen(datei.xml), key=lambda b: b["e2e"]) == [
        {"betrag": "889.10", "waehrung": "EUR", "iban": ANNA_IBAN, "name": "Anna Schmidt",
         "e2e": anna.bestaetigungsnummer,
         "zweck": f"Abschlag Arbeitslosengeld 2026-11 {anna.bestaetigungsnummer}"},
        {"betrag": "658.75", "waehrung": "EUR", "iban": KLAUS_IBAN, "name": "Klaus Neumann",
         "e2e": klaus.bestaetigungsnummer,
         "zweck": f"Abschlag Arbeitslosengeld 2026-11 {klaus.bestaetigungsnummer}"},
    ]
    # the demo Abschlag of Stefan Krüger (paid out on 05.11.) is not in the file
    assert "DE26500105175566778899" not in datei.xml.decode()


def test_zweiter_export_wiederholt_nichts(engine, stichtag):
    anna = ueberweisen(engine)
    erste = sepa_exportieren(engine, akteur="socl-demo")
    assert sepa_exportieren(engine, akteur="socl-demo") is None
    [z] = [z for z in abschlaege(engine) if z.bestaetigungsnummer == anna.bestaetigungsnummer]
    assert z.sepa_export_id == erste.export_id

    klaus = klaus_ueberweisen(engine)
    zweite = sepa_exportieren(engine, akteur="socl-demo")
    assert [b["e2e"] for b in _buchungen(zweite.xml)] == [klaus.bestaetigungsnummer]
    assert zweite.export_id != erste.export_id

    wieder = sepa_datei(engine, erste.export_id)
    assert wieder.xml == erste.xml and wieder.bestaetigungsnummern == (anna.bestaetigungsnummer,)
    assert sepa_datei(engine, 999_999) is None


def test_ohne_ueberweisungen_keine_datei(engine, stichtag):
    assert sepa_exportieren(engine, akteur="socl-demo") is None


def test_auftraggeber_aus_der_umgebung(engine, stichtag, monkeypatch):
    monkeypatch.setenv("LEITFADEN_SEPA_IBAN", "DE02 1203 0000 0000 2020 51")
    monkeypatch.setenv("LEITFADEN_SEPA_BIC", "BYLADEM1001")
    monkeypatch.setenv("LEITFADEN_SEPA_NAME", "Agentur für Arbeit Test")
    ueberweisen(engine)
    wurzel = ET.fromstring(sepa_exportieren(engine, akteur="socl-demo").xml)
    assert wurzel.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE02120300000000202051"
    assert wurzel.findtext(".//p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "BYLADEM1001"
    assert wurzel.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "Agentur fur Arbeit Test"


@pytest.mark.parametrize("iban", ["KEINE-IBAN", "DE18123456780000000001"])
def test_ungueltiger_auftraggeber_markiert_nichts(engine, stichtag, monkeypatch, iban):
    ueberweisen(engine)
    monkeypatch.setenv("LEITFADEN_SEPA_IBAN", iban)
    with pytest.raises(SepaFehler, match="LEITFADEN_SEPA_IBAN"):
        sepa_exportieren(engine, akteur="socl-demo")
    assert all(z.sepa_export_id is None for z in abschlaege(engine))
    monkeypatch.delenv("LEITFADEN_SEPA_IBAN")
    assert sepa_exportieren(engine, akteur="socl-demo").anzahl == 1


def test_iban_pruefziffer():
    assert iban_gueltig(DEMO_IBAN) and iban_gueltig(ANNA_IBAN) and iban_gueltig(KLAUS_IBAN)
    assert not iban_gueltig("DE18123456780000000001") and not iban_gueltig("DE89")
