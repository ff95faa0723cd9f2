"""The Abschlag rules: the contract table through the real store, edge cases by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from hilfen import (
    D,
    abschlag,
    anspruch,
    floats_in,
    ist_cent_betrag,
    kunde,
    pruefe,
    pruefe_aus_store,
    richtlinie,
)

from leitfaden.abschlag import regeln
from leitfaden.abschlag.regeln import (
    Entscheidung,
    abschlagsmonat,
    pruefe_abschlag,
    zahltag_zu_nah,
)
from leitfaden.abschlag.richtlinie import Richtlinie, lade_richtlinien, richtlinie_am
from leitfaden.store.demo import KUNDEN

REFERENZTAG = D(2026, 11, 18)
ZAHLTAG_NOVEMBER = D(2026, 12, 1)


@pytest.fixture(scope="module")
def policy() -> Richtlinie:
    """The project's policy file as shipped, version in force on the reference day."""
    return lade_richtlinien().am(REFERENZTAG)


def _pruefe_grundsaetzlich(e: Entscheidung) -> None:
    """Invariants of every decision: exact cents, no float anywhere, JSON-ready dict."""
    assert floats_in(e) == []
    assert floats_in(e.als_dict()) == []
    for wert in (e.betrag, e.rechnerischer_betrag, e.tagessatz, e.bereits_gezahlt):
        assert ist_cent_betrag(wert), wert
    json.dumps(e.als_dict())
    assert e.moeglich == (not e.gruende)
    assert e.betrag == (e.rechnerischer_betrag if e.moeglich else Decimal("0.00"))
    assert all(g.code in regeln.GRUND_CODES and g.text and g.alternative for g in e.gruende)
    assert len(set(e.codes)) == len(e.codes)


# --- the contract table on 2026-11-18, loaded through the store (SQLite and PostgreSQL) ----

# (Kundennummer, representative on the phone, possible, amount, days, reason codes)
VERTRAG = [
    ("123A456789", None, True, "889.10", 17, ()),
    ("234B567890", None, False, "0.00", 0, ("anspruch_in_bearbeitung",)),
    ("345C678901", None, False, "0.00", 0, ("anspruch_abgelehnt",)),
    ("456D789012", None, False, "0.00", 0, ("schutzkennzeichen_m",)),
    ("567E890123", None, False, "0.00", 8, ("kein_konto",)),
    ("678F901234", None, True, "658.75", 17, ()),
    ("678F901234", "Sabine", True, "658.75", 17, ()),
    ("789G012345", None, True, "766.70", 17, ()),
    ("789G012345", "Martin", False, "0.00", 17, ("vollmacht_teilweise",)),
    ("890H123456", None, False, "0.00", 17, ("abschlag_im_monat",)),
    ("901J234567", None, False, "0.00", 2, ("unter_mindestbetrag",)),
]


@pytest.mark.parametrize(("kundennummer", "vertreter", "moeglich", "betrag", "tage", "codes"),
                         VERTRAG, ids=[f"{k}-{v or 'selbst'}" for k, v, *_ in VERTRAG])
def test_vertragstabelle_am_referenztag(repo, stichtag, policy, kundennummer, vertreter,
                                        moeglich, betrag, tage, codes):
    assert stichtag == REFERENZTAG
    e = pruefe_aus_store(repo, kundennummer, stichtag, richtlinie_am(), vertreter)
    _pruefe_grundsaetzlich(e)
    assert e.moeglich is moeglich
    assert e.betrag == Decimal(betrag)
    assert e.tage == tage
    assert e.codes == codes
    assert e.naechster_zahltag == ZAHLTAG_NOVEMBER
    assert e.richtlinie_version == policy.version
    assert e.vier_augen is False


def test_anna_berechnung(repo, stichtag, policy):
    e = pruefe_aus_store(repo, "123A456789", stichtag, policy)
    assert e.berechnung_text == "17 Tage × 52,30 € − 0,00 € = 889,10 €"
    assert (e.zeitraum_von, e.zeitraum_bis) == (D(2026, 11, 1), D(2026, 11, 17))
    assert e.zeitraum_text == "01.11.2026 bis 17.11.2026"
    assert e.betrag_cent == 88910
    d = e.als_dict()
    assert d["betrag"] == "889.10" and d["betrag_text"] == "889,10 €"
    assert d["moeglich"] is True and d["gruende"] == []
    assert d["naechster_zahltag"] == "2026-12-01"


def test_mehmet_vorschuss_an_leistungsteam(repo, stichtag, policy):
    (grund,) = pruefe_aus_store(repo, "234B567890", stichtag, policy).gruende
    assert "noch nicht entschieden" in grund.text
    assert "Vorschuss" in grund.alternative and "Webauftrag an das Leistungsteam" in \
        grund.alternative


def test_petra_jobcenter(repo, stichtag, policy):
    (grund,) = pruefe_aus_store(repo, "345C678901", stichtag, policy).gruende
    assert "abgelehnt" in grund.text
    assert "Jobcenter" in grund.alternative


def test_thomas_schutzkennzeichen_verraet_keine_details(repo, stichtag, policy):
    e = pruefe_aus_store(repo, "456D789012", stichtag, policy)
    (grund,) = e.gruende
    assert "Service Center" in grund.text
    assert "Webauftrag" in grund.alternative and "geschützte" in grund.alternative
    assert (e.tage, e.tagessatz, e.rechnerischer_betrag) == (0, Decimal("0.00"),
                                                             Decimal("0.00"))
    assert e.zeitraum_von is None and e.zeitraum_bis is None
    assert "48,00" not in json.dumps(e.als_dict(), ensure_ascii=False)


def test_julia_ohne_konto_nennt_den_moeglichen_betrag(repo, stichtag, policy):
    e = pruefe_aus_store(repo, "567E890123", stichtag, policy)
    assert e.rechnerischer_betrag == Decimal("328.00")
    assert e.berechnung_text == "8 Tage × 41,00 € − 0,00 € = 328,00 €"
    assert (e.zeitraum_von, e.zeitraum_bis) == (D(2026, 11, 10), D(2026, 11, 17))
    (grund,) = e.gruende
    assert "online oder schriftlich" in grund.alternative and "nicht am Telefon" in \
        grund.alternative


def test_martin_teilvollmacht(repo, stichtag, policy):
    e = pruefe_aus_store(repo, "789G012345", stichtag, policy, vertreter="Martin")
    (grund,) = e.gruende
    assert "vollumfänglich" in grund.text
    assert e.rechnerischer_betrag == Decimal("766.70")


def test_stefan_schon_ein_abschlag(repo, stichtag, policy):
    e = pruefe_aus_store(repo, "890H123456", stichtag, policy)
    assert e.bereits_gezahlt == Decimal("200.00")
    assert e.berechnung_text == "17 Tage × 60,00 € − 200,00 € = 820,00 €"
    (grund,) = e.gruende
    assert "200,00 € am 05.11.2026" in grund.text
    assert "01.12.2026" in grund.alternative


def test_laura_unter_mindestbetrag(repo, stichtag, policy):
    e = pruefe_aus_store(repo, "901J234567", stichtag, policy)
    assert e.rechnerischer_betrag == Decimal("40.00")
    (grund,) = e.gruende
    assert "2 Tage" in grund.text and "40,00 €" in grund.text and "50,00 €" in grund.text


def test_am_27_11_bekommt_niemand_einen_abschlag(repo, monkeypatch, policy):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-27")
    tag = D(2026, 11, 27)
    faelle = [(k.kundennummer, None) for k in KUNDEN] + [("678F901234", "Sabine")]
    for kundennummer, vertreter in faelle:
        e = pruefe_aus_store(repo, kundennummer, tag, richtlinie_am(), vertreter)
        _pruefe_grundsaetzlich(e)
        assert not e.moeglich, kundennummer
        assert e.naechster_zahltag == ZAHLTAG_NOVEMBER
        laeuft = repo.aktueller_anspruch(kundennummer, tag)
        if laeuft and laeuft.status == "bewilligt" and not repo.kunde(kundennummer) \
                .schutzkennzeichen_m:
            assert "zahltag_nah" in e.codes, kundennummer
    anna = pruefe_aus_store(repo, "123A456789", tag, policy)
    assert anna.codes == ("zahltag_nah",)
    assert anna.rechnerischer_betrag == Decimal("1359.80")  # 26 Tage × 52,30 €
    assert "01.12.2026" in anna.gruende[0].text


# --- "payment due within N bank working days" ------------------------------------------


@pytest.mark.parametrize(("tag", "zu_nah"), [
    (D(2026, 11, 18), False),
    (D(2026, 11, 25), False),  # 26., 27., 30.11., 01.12.: four bank working days
    (D(2026, 11, 26), True),  # 27., 30.11., 01.12.: three
    (D(2026, 11, 27), True),
    (D(2026, 11, 30), True),
    # December: 24.12. and 31.12. banks closed, 01.01. holiday -> payment Mon 04.01.2027
    (D(2026, 12, 23), False),  # 28., 29., 30.12., 04.01.
    (D(2026, 12, 24), False),
    (D(2026, 12, 27), False),
    (D(2026, 12, 28), True),  # 29., 30.12., 04.01.
    # October 2026: 01.11. is a Sunday -> payment Mon 02.11.
    (D(2026, 10, 27), False),
    (D(2026, 10, 28), True),
    # March 2027: Good Friday 26.03. and Easter Monday 29.03. before the 1st (Thu 01.04.)
    (D(2027, 3, 24), False),  # 25., 30., 31.03., 01.04.
    (D(2027, 3, 25), True),  # 30., 31.03., 01.04. (without the holidays it would be five)
])
def test_zahltag_zu_nah(tag, zu_nah):
    assert zahltag_zu_nah(tag, richtlinie()) is zu_nah


def test_zahltag_zu_nah_folgt_der_richtlinie():
    assert zahltag_zu_nah(D(2026, 11, 25), richtlinie(bankarbeitstage_vor_zahltag=4))
    assert not zahltag_zu_nah(D(2026, 11, 27), richtlinie(bankarbeitstage_vor_zahltag=1))
    assert not zahltag_zu_nah(D(2026, 11, 30), richtlinie(bankarbeitstage_vor_zahltag=0))


def test_feiertag_vor_monatsende_verschiebt_die_grenze():
    e = pruefe(D(2027, 3, 25))
    assert e.codes == ("zahltag_nah",)
    assert e.naechster_zahltag == D(2027, 4, 1)
    assert pruefe(D(2027, 3, 24)).moeglich


def test_jahreswechsel_zahltag_im_januar():
    e = pruefe(D(2026, 12, 28))
    assert e.naechster_zahltag == D(2027, 1, 4)
    assert e.codes == ("zahltag_nah",)
    assert "04.01.2027" in e.gruende[0].alternative
    assert pruefe(D(2026, 12, 23)).betrag == Decimal("1150.60")  # 22 Tage × 52,30 €


# --- days and amounts ------------------------------------------------------------------


def test_anspruch_beginnt_heute_keine_tage():
    e = pruefe(REFERENZTAG, anspruch_=anspruch(beginn=REFERENZTAG))
    assert e.tage == 0 and e.zeitraum_von is None
    assert e.codes == ("keine_zurueckliegenden_tage",)
    assert "01.12.2026" in e.gruende[0].alternative


def test_anspruch_beginnt_morgen():
    e = pruefe(REFERENZTAG, anspruch_=anspruch(beginn=D(2026, 11, 19)))
    assert e.codes == ("anspruch_nicht_begonnen",)
    assert "19.11.2026" in e.gruende[0].text and "20.11.2026" in e.gruende[0].alternative


def test_am_monatsersten_keine_tage():
    e = pruefe(D(2026, 12, 1))
    assert e.tage == 0
    assert e.codes == ("keine_zurueckliegenden_tage",)
    assert e.naechster_zahltag == D(2027, 1, 4)


def test_gestern_begonnen_ein_tag():
    e = pruefe(REFERENZTAG, anspruch_=anspruch(beginn=D(2026, 11, 17), tagessatz_cent=6000))
    assert e.tage == 1 and e.berechnung_text == "1 Tag × 60,00 € − 0,00 € = 60,00 €"
    assert e.moeglich and e.betrag == Decimal("60.00")


def test_genau_mindestbetrag_reicht():
    e = pruefe(REFERENZTAG, anspruch_=anspruch(beginn=D(2026, 11, 16), tagessatz_cent=2500))
    assert e.moeglich and e.betrag == Decimal("50.00")
    e = pruefe(REFERENZTAG, anspruch_=anspruch(beginn=D(2026, 11, 16), tagessatz_cent=2499))
    assert e.codes == ("unter_mindestbetrag",) and e.rechnerischer_betrag == Decimal("49.98")


def test_monat_mit_31_tagen_hoechstens_30():
    e = pruefe(D(2026, 12, 31))
    assert e.tage == 30
    assert (e.zeitraum_von, e.zeitraum_bis) == (D(2026, 12, 1), D(2026, 12, 30))
    assert e.rechnerischer_betrag == Decimal("1569.00")
    e = pruefe(D(2026, 10, 31))
    assert e.tage == 30


def test_tage_je_monat_deckelt():
    e = pruefe(REFERENZTAG, richtlinie_=richtlinie(tage_je_monat=10))
    assert e.tage == 10 and e.zeitraum_bis == D(2026, 11, 10)
    assert e.betrag == Decimal("523.00")


def test_februar():
    e = pruefe(D(2027, 2, 23))
    assert e.moeglich and e.tage == 22
    assert e.naechster_zahltag == D(2027, 3, 1)
    assert e.betrag == Decimal("1150.60")
    assert pruefe(D(2027, 2, 24)).codes == ("zahltag_nah",)
    schaltjahr = pruefe(D(2028, 2, 29))
    assert schaltjahr.tage == 28 and schaltjahr.codes == ("zahltag_nah",)


def test_anspruch_endet_im_monat():
    e = pruefe(REFERENZTAG, anspruch_=anspruch(ende=D(2026, 11, 10)))
    assert e.tage == 10 and e.zeitraum_bis == D(2026, 11, 10)


def test_stornierter_abschlag_zaehlt_nicht():
    e = pruefe(REFERENZTAG, zahlungen=[abschlag(20000, D(2026, 11, 5), status="storniert")])
    assert e.moeglich and e.bereits_gezahlt == Decimal("0.00")
    assert e.betrag == Decimal("889.10")


def test_abschlag_und_regulaere_zahlung_des_vormonats_zaehlen_nicht():
    zahlungen = [abschlag(20000, D(2026, 10, 20)),
                 abschlag(150000, D(2026, 11, 2), art="regulaer", nr=2)]
    e = pruefe(REFERENZTAG, zahlungen=zahlungen)
    assert e.moeglich and e.betrag == Decimal("889.10")


def test_angewiesener_abschlag_zaehlt():
    e = pruefe(REFERENZTAG, zahlungen=[abschlag(20000, D(2026, 11, 17), status="angewiesen")])
    assert e.codes == ("abschlag_im_monat",)


def test_zwei_je_monat_erlaubt_zieht_den_ersten_ab():
    e = pruefe(REFERENZTAG, zahlungen=[abschlag(20000, D(2026, 11, 5))],
               richtlinie_=richtlinie(hoechstens_je_monat=2))
    assert e.moeglich and e.betrag == Decimal("689.10")
    assert e.berechnung_text == "17 Tage × 52,30 € − 200,00 € = 689,10 €"
    voll = pruefe(REFERENZTAG, zahlungen=[abschlag(88910, D(2026, 11, 5))],
                  richtlinie_=richtlinie(hoechstens_je_monat=2, mindestbetrag=Decimal("0.00")))
    assert voll.codes == ("unter_mindestbetrag",) and voll.rechnerischer_betrag == 0


@pytest.mark.parametrize(("schwelle", "vier_augen"), [
    (None, False), ("800.00", True), ("889.10", True), ("889.11", False), ("0.00", True),
])
def test_vier_augen(schwelle, vier_augen):
    r = richtlinie(vier_augen_ab=Decimal(schwelle) if schwelle else None)
    e = pruefe(REFERENZTAG, richtlinie_=r)
    assert e.moeglich and e.vier_augen is vier_augen
    assert e.als_dict()["vier_augen"] is vier_augen


def test_vier_augen_nie_bei_ablehnung():
    r = richtlinie(vier_augen_ab=Decimal("0.00"))
    assert pruefe(D(2026, 11, 27), richtlinie_=r).vier_augen is False


def test_richtlinienversion_wechselt_an_einem_tag(tmp_path, monkeypatch):
    pfad = tmp_path / "abschlag-richtlinie.yml"
    pfad.write_text(
        "versionen:\n"
        "  - {version: alt, gueltig_ab: 2026-07-20, gueltig_bis: 2026-11-30, weisung: W1,\n"
        "     mindestbetrag: \"50.00\", bankarbeitstage_vor_zahltag: 3,\n"
        "     hoechstens_je_monat: 1, tage_je_monat: 30, vier_augen_ab: null}\n"
        "  - {version: neu, gueltig_ab: 2026-12-01, weisung: W2,\n"
        "     mindestbetrag: \"1200.00\", bankarbeitstage_vor_zahltag: 3,\n"
        "     hoechstens_je_monat: 1, tage_je_monat: 30, vier_augen_ab: \"500.00\"}\n",
        encoding="utf-8")
    ergebnisse = {}
    for tag in (D(2026, 11, 18), D(2026, 12, 22)):
        monkeypatch.setenv("LEITFADEN_TODAY", tag.isoformat())
        r = richtlinie_am(pfad=pfad)
        ergebnisse[tag] = pruefe(tag, richtlinie_=r)
    alt, neu = ergebnisse.values()
    assert alt.richtlinie_version == "alt" and alt.moeglich and not alt.vier_augen
    assert neu.richtlinie_version == "neu" and neu.codes == ("unter_mindestbetrag",)
    assert neu.rechnerischer_betrag == Decimal("1098.30")  # 21 Tage, unter 1.200,00 €
    assert "1.200,00 €" in neu.gruende[0].text


# --- who calls, several reasons at once ----------------------------------------------------


def test_vertreter_ohne_vollmacht():
    e = pruefe(REFERENZTAG, anrufer="bevollmaechtigt")
    assert e.codes == ("keine_vollmacht",)
    assert "keine Vollmacht" in e.gruende[0].text


def test_vollmacht_des_kunden_selbst_wird_ignoriert():
    assert pruefe(REFERENZTAG, anrufer="kunde", vollmacht_umfang="teilweise").moeglich


def test_kein_anspruch():
    e = pruefe(REFERENZTAG, anspruch_=None)
    assert e.codes == ("kein_anspruch",) and "Jobcenter" in e.gruende[0].alternative
    assert e.tage == 0 and e.tagessatz == Decimal("0.00")


def test_leistungsdaten_fehlen():
    assert pruefe(REFERENZTAG, anspruch_=anspruch(tagessatz_cent=None)).codes == (
        "leistungsdaten_fehlen",)


def test_alle_gruende_werden_genannt():
    e = pruefe(D(2026, 11, 27), kunde_=kunde(iban=None),
               anspruch_=anspruch(beginn=D(2026, 11, 25), tagessatz_cent=1000),
               zahlungen=[abschlag(5000, D(2026, 11, 26))],
               anrufer="bevollmaechtigt", vollmacht_umfang="teilweise")
    _pruefe_grundsaetzlich(e)
    assert e.codes == ("vollmacht_teilweise", "kein_konto", "abschlag_im_monat", "zahltag_nah",
                       "unter_mindestbetrag")
    assert e.berechnung_text == "2 Tage × 10,00 € − 50,00 € = 0,00 €"


def test_kontoloser_schwebender_anspruch_nennt_beides():
    e = pruefe(REFERENZTAG, kunde_=kunde(iban=" "),
               anspruch_=anspruch(status="in_bearbeitung", beginn=None, tagessatz_cent=None))
    assert e.codes == ("anspruch_in_bearbeitung", "kein_konto")


def test_schutzkennzeichen_ueberdeckt_alles_andere():
    e = pruefe(D(2026, 11, 27), kunde_=kunde(schutzkennzeichen_m=True, iban=None),
               anrufer="bevollmaechtigt", vollmacht_umfang="teilweise")
    assert e.codes == ("schutzkennzeichen_m",)


# --- misuse and helpers ---------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {"anrufer": "nachbar"},
    {"anrufer": "bevollmaechtigt", "vollmacht_umfang": "ein_bisschen"},
])
def test_ungueltige_eingaben(kwargs):
    with pytest.raises(ValueError):
        pruefe(REFERENZTAG, **kwargs)


def test_fremde_zahlung_oder_fremder_anspruch():
    fremd = dataclasses.replace(abschlag(100, D(2026, 11, 2)), kundennummer="111A111111")
    with pytest.raises(ValueError, match="anderen Kundennummer"):
        pruefe(REFERENZTAG, zahlungen=[fremd])
    with pytest.raises(ValueError, match="anderen Kundennummer"):
        pruefe(REFERENZTAG, kunde_=kunde(kundennummer="111A111111"))


def test_richtlinie_muss_am_stichtag_gelten():
    with pytest.raises(ValueError, match="gilt nicht"):
        pruefe(REFERENZTAG, richtlinie_=richtlinie(gueltig_ab=D(2027, 1, 1)))


def test_nur_schluesselwortargumente():
    with pytest.raises(TypeError):
        pruefe_abschlag(kunde(), anspruch(), [], REFERENZTAG, richtlinie())  # type: ignore[misc]


def test_abschlagsmonat():
    assert abschlagsmonat(REFERENZTAG) == (D(2026, 11, 1), D(2026, 11, 30))
    assert abschlagsmonat(D(2028, 2, 10)) == (D(2028, 2, 1), D(2028, 2, 29))


def test_keine_floats_im_ergebnis():
    e = pruefe(REFERENZTAG, anspruch_=anspruch(tagessatz_cent=3333))
    assert floats_in(e) == [] and floats_in(e.als_dict()) == []
    assert e.betrag == Decimal("566.61")
    assert isinstance(e.stichtag, dt.date)
