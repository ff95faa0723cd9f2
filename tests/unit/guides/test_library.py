"""GuideLibrary: version in force, wording by date and channel, rendering, evidence, cache."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest

from leitfaden.guides.library import GuideLibrary, WordingError, library
from leitfaden.guides.loader import GuideError

D = dt.date


def _guide(
    version: str,
    ab: str,
    bis: str | None = None,
    *,
    nummer: str = "3.000",
    begruessung: str = '"Guten Tag ({version})."',
    ziel: str = "ende",
    extra_texte: str = "",
) -> str:
    """A small guide ``nummer`` with steps ``<nummer>.1`` and ``<nummer>.2``."""
    bis_zeile = f"gueltig_bis: {bis}\n" if bis else ""
    return (
        f'leitfaden: "{nummer}"\n'
        f"titel: Test {nummer}\n"
        f'version: "{version}"\n'
        f"gueltig_ab: {ab}\n"
        f"{bis_zeile}"
        "weisung: Weisung 202606014\n"
        "texte:\n"
        '  danke: "Gern geschehen."\n'
        "schritte:\n"
        f'  - id: "{nummer}.1"\n'
        "    name: Eins\n"
        "    zweck: Erster Schritt.\n"
        "    aktionen: [action_eins]\n"
        "    texte:\n"
        f"      begruessung: {begruessung.format(version=version)}\n"
        f"{extra_texte}"
        "    verzweigungen:\n"
        "      - wenn: weiter\n"
        f'        ziel: "{nummer}.2"\n'
        f'  - id: "{nummer}.2"\n'
        "    name: Zwei\n"
        "    zweck: Zweiter Schritt.\n"
        "    aktionen: [action_zwei]\n"
        "    texte:\n"
        '      ende: "Auf Wiedersehen."\n'
        "    verzweigungen:\n"
        "      - wenn: immer\n"
        f'        ziel: "{ziel}"\n'
    )


def _ordner(tmp_path: Path, **dateien: str) -> Path:
    folder = tmp_path / "guidelines"
    folder.mkdir(exist_ok=True)
    for name, text in dateien.items():
        (folder / f"{name}.yml").write_text(text, encoding="utf-8")
    return folder


# Wording of step 3.000.1 with variants by date and channel.
VARIANTEN = (
    "\n"
    "        - text: \"Allgemein bis September.\"\n"
    "          gueltig_bis: 2026-09-30\n"
    "        - text: \"Allgemein ab Oktober.\"\n"
    "          gueltig_ab: 2026-10-01\n"
    "        - kanal: agent\n"
    "          text: \"Agent ab August.\"\n"
    "          gueltig_ab: 2026-08-01\n"
    "          gueltig_bis: 2026-11-30\n"
    "        - kanal: telefon\n"
    "          text: \"Telefon immer.\"\n"
    "          knoepfe:\n"
    "            - titel: Ja\n"
    "              payload: /affirm"
)

RENDER = (
    "      zahlung:\n"
    "        - text: \"Am {datum} überweisen wir {betrag} an {name}.\"\n"
    "        - kanal: agent\n"
    "          text: \"Überweisung {betrag} am {datum} ankündigen.\"\n"
)


@pytest.fixture
def zwei_versionen(tmp_path) -> Path:
    return _ordner(
        tmp_path,
        **{
            "glf-3.000-2026-01": _guide("2026.01", "2026-01-01", "2026-07-19"),
            "glf-3.000-2026-07": _guide("2026.07", "2026-07-20", extra_texte=RENDER),
        },
    )


# --- version in force -----------------------------------------------------------------------


def test_in_force_waehlt_die_version_nach_datum(zwei_versionen):
    lib = GuideLibrary.load(zwei_versionen)
    assert [g.version for g in lib.versions("3.000")] == ["2026.01", "2026.07"]
    assert lib.in_force("3.000", D(2026, 1, 1)).version == "2026.01"
    assert lib.in_force("3.000", D(2026, 7, 19)).version == "2026.01"
    assert lib.in_force("3.000", D(2026, 7, 20)).version == "2026.07"
    assert lib.in_force("3.000", D(2030, 1, 1)).version == "2026.07"
    guide, schritt = lib.schritt("3.000.1", D(2026, 7, 19))
    assert (guide.version, schritt.id) == ("2026.01", "3.000.1")


def test_in_force_vor_der_ersten_version_ist_ein_klarer_fehler(zwei_versionen):
    lib = GuideLibrary.load(zwei_versionen)
    with pytest.raises(WordingError) as info:
        lib.in_force("3.000", D(2025, 12, 31))
    assert "31.12.2025" in str(info.value) and "3.000" in str(info.value)
    with pytest.raises(WordingError, match="3.301"):
        lib.in_force("3.301", D(2026, 11, 18))


def test_in_force_in_einer_luecke_zwischen_versionen(tmp_path):
    folder = _ordner(tmp_path, **{
        "glf-3.000-a": _guide("a", "2026-01-01", "2026-03-31"),
        "glf-3.000-b": _guide("b", "2026-05-01"),
    })
    lib = GuideLibrary.load(folder)
    with pytest.raises(WordingError, match="15.04.2026"):
        lib.in_force("3.000", D(2026, 4, 15))


@pytest.mark.parametrize("bis", [None, "2026-07-20", "2026-12-31"])
def test_ueberschneidende_versionen_werden_abgelehnt(tmp_path, bis):
    folder = _ordner(tmp_path, **{
        "glf-3.000-alt": _guide("2026.01", "2026-01-01", bis),
        "glf-3.000-neu": _guide("2026.07", "2026-07-20"),
    })
    with pytest.raises(GuideError) as info:
        GuideLibrary.load(folder)
    issues = info.value.issues
    assert len(issues) == 1
    assert issues[0].datei == "guidelines/glf-3.000-neu.yml"
    assert issues[0].feld == "gueltig_ab"
    assert "2026.01" in issues[0].meldung and "2026.07" in issues[0].meldung


def test_verzweigung_in_einen_unbekannten_leitfaden_wird_abgelehnt(tmp_path):
    text = _guide("2026.07", "2026-07-20", ziel="3.301.1")
    folder = _ordner(tmp_path, **{"glf-3.000": text})
    with pytest.raises(GuideError) as info:
        GuideLibrary.load(folder)
    [issue] = info.value.issues
    assert issue.datei == "guidelines/glf-3.000.yml"
    assert issue.zeile == text.splitlines().index('        ziel: "3.301.1"') + 1
    assert issue.feld == "schritte[3.000.2].verzweigungen.ziel"
    assert "3.301.1" in issue.meldung


def test_verzweigung_in_einen_bekannten_leitfaden_ist_erlaubt(tmp_path):
    folder = _ordner(tmp_path, **{
        "glf-3.000": _guide("2026.07", "2026-07-20", ziel="3.301.1"),
        "glf-3.301": _guide("2026.07", "2026-07-20", nummer="3.301"),
    })
    lib = GuideLibrary.load(folder)
    assert set(lib.nummern) == {"3.000", "3.301"}


def test_fehler_aus_mehreren_dateien_werden_gesammelt(tmp_path):
    folder = _ordner(tmp_path, **{
        "glf-3.000": _guide("2026.07", "2026-07-20").replace("titel: Test 3.000\n", ""),
        "glf-3.301": _guide("2026.07", "2026-07-20", nummer="3.301").replace(
            "aktionen: [action_zwei]", "aktionen: []"),
    })
    with pytest.raises(GuideError) as info:
        GuideLibrary.load(folder)
    assert {(i.datei, i.feld) for i in info.value.issues} == {
        ("guidelines/glf-3.000.yml", "titel"),
        ("guidelines/glf-3.301.yml", "schritte[3.301.2].aktionen"),
    }


def test_leerer_ordner_ist_ein_fehler(tmp_path):
    with pytest.raises(GuideError, match="keine Leitf"):
        GuideLibrary.load(_ordner(tmp_path))


# --- wording by date and channel ------------------------------------------------------------


@pytest.fixture
def varianten(tmp_path) -> GuideLibrary:
    return GuideLibrary.load(_ordner(tmp_path, **{
        "glf-3.000": _guide("2026.07", "2026-07-20", begruessung=VARIANTEN)}))


@pytest.mark.parametrize(
    ("tag", "kanal", "erwartet"),
    [
        (D(2026, 7, 20), "kunde", "Allgemein bis September."),
        (D(2026, 9, 30), "kunde", "Allgemein bis September."),
        (D(2026, 10, 1), "kunde", "Allgemein ab Oktober."),
        # channel-specific beats generic while it is valid ...
        (D(2026, 8, 1), "agent", "Agent ab August."),
        (D(2026, 11, 30), "agent", "Agent ab August."),
        # ... and the generic wording is the fallback before and after
        (D(2026, 7, 31), "agent", "Allgemein bis September."),
        (D(2026, 12, 1), "agent", "Allgemein ab Oktober."),
        (D(2026, 7, 20), "telefon", "Telefon immer."),
        (D(2027, 6, 1), "telefon", "Telefon immer."),
    ],
)
def test_wording_nach_datum_und_kanal(varianten, tag, kanal, erwartet):
    guide, variante = varianten.wording("3.000.1", "begruessung", tag, kanal)
    assert variante.text == erwartet
    assert guide.version == "2026.07"


def test_kanal_standard_ist_kunde(varianten):
    assert varianten.wording("3.000.1", "begruessung", D(2026, 8, 15))[1].text \
        == "Allgemein bis September."


def test_leitfadentexte_gelten_in_jedem_schritt(varianten):
    assert varianten.wording("3.000.2", "danke", D(2026, 8, 1))[1].text == "Gern geschehen."


def test_unbekannter_text_oder_schritt(varianten):
    with pytest.raises(WordingError, match="gibt_es_nicht"):
        varianten.wording("3.000.1", "gibt_es_nicht", D(2026, 8, 1))
    with pytest.raises(WordingError, match="3.000.9"):
        varianten.wording("3.000.9", "begruessung", D(2026, 8, 1))
    # a step's own text is not available in another step
    with pytest.raises(WordingError):
        varianten.wording("3.000.2", "begruessung", D(2026, 8, 1))


def test_keine_gueltige_fassung_an_diesem_tag(tmp_path):
    nur_agent = '\n        - kanal: agent\n          text: "Nur für Mitarbeitende."'
    lib = GuideLibrary.load(_ordner(tmp_path, **{
        "glf-3.000": _guide("2026.07", "2026-07-20", begruessung=nur_agent)}))
    assert lib.wording("3.000.1", "begruessung", D(2026, 8, 1), "agent")[1].text \
        == "Nur für Mitarbeitende."
    with pytest.raises(WordingError, match="kunde"):
        lib.wording("3.000.1", "begruessung", D(2026, 8, 1), "kunde")


# --- render and evidence ----------------------------------------------------------------------


def test_render_fuellt_platzhalter_und_formatiert_daten(zwei_versionen):
    lib = GuideLibrary.load(zwei_versionen)
    r = lib.render("3.000.1", "zahlung", D(2026, 11, 18),
                   values={"datum": D(2026, 12, 1), "betrag": "889,10 €", "name": "Anna Schmidt",
                           "unbenutzt": "egal"})
    assert r.text == "Am 01.12.2026 überweisen wir 889,10 € an Anna Schmidt."
    r = lib.render("3.000.1", "zahlung", D(2026, 11, 18), kanal="agent",
                   values={"datum": dt.datetime(2026, 3, 5, 14, 30), "betrag": 17})
    assert r.text == "Überweisung 17 am 05.03.2026 ankündigen."


def test_render_nennt_fehlende_platzhalter(zwei_versionen):
    lib = GuideLibrary.load(zwei_versionen)
    with pytest.raises(WordingError) as info:
        lib.render("3.000.1", "zahlung", D(2026, 11, 18), values={"betrag": "1,00 €"})
    meldung = str(info.value)
    assert "datum" in meldung and "name" in meldung and "betrag" not in meldung.split(":")[-1]
    with pytest.raises(WordingError, match="datum"):
        lib.render("3.000.1", "zahlung", D(2026, 11, 18))


def test_render_setzt_werte_nicht_als_format_ein(zwei_versionen):
    lib = GuideLibrary.load(zwei_versionen)
    r = lib.render("3.000.1", "zahlung", D(2026, 11, 18),
                   values={"datum": "{betrag}", "betrag": "{0}", "name": "{name}"})
    assert r.text == "Am {betrag} überweisen wir {0} an {name}."


def test_evidence(zwei_versionen):
    lib = GuideLibrary.load(zwei_versionen)
    r = lib.render("3.000.1", "begruessung", D(2026, 11, 18), kanal="agent")
    assert r.text == "Guten Tag (2026.07)."
    assert r.evidence == {
        "guide": "3.000",
        "guide_version": "2026.07",
        "guide_step": "3.000.1",
        "text_key": "begruessung",
        "wording_hash": r.evidence["wording_hash"],
        "valid_on": "2026-11-18",
        "channel": "agent",
    }
    assert len(r.evidence["wording_hash"]) >= 8
    alt = lib.render("3.000.1", "begruessung", D(2026, 7, 1))
    assert alt.evidence["guide_version"] == "2026.01"
    assert alt.evidence["valid_on"] == "2026-07-01"
    assert alt.evidence["channel"] == "kunde"
    assert alt.evidence["wording_hash"] != r.evidence["wording_hash"]


def test_render_liefert_knoepfe(varianten):
    r = varianten.render("3.000.1", "begruessung", D(2026, 8, 1), kanal="telefon")
    assert [(k.titel, k.payload) for k in r.knoepfe] == [("Ja", "/affirm")]
    assert varianten.render("3.000.1", "begruessung", D(2026, 8, 1)).knoepfe == ()


def _hash(folder: Path, kanal: str = "telefon") -> str:
    r = GuideLibrary.load(folder).render("3.000.1", "begruessung", D(2026, 8, 1), kanal=kanal)
    return r.evidence["wording_hash"]


def test_hash_aendert_sich_nur_mit_dem_wortlaut(tmp_path):
    datei = "glf-3.000"
    folder = _ordner(tmp_path, **{datei: _guide("2026.07", "2026-07-20", begruessung=VARIANTEN)})
    basis = _hash(folder)
    assert _hash(folder) == basis  # stable across loads
    assert _hash(folder, "agent") != basis

    # unchanged wording: other version, other validity, other variants, reflowed text
    stabil = VARIANTEN.replace("Allgemein ab Oktober.", "Ganz anders.").replace(
        '"Telefon immer."', '"Telefon   immer."')
    _ordner(tmp_path, **{datei: _guide("2026.08", "2026-07-01", begruessung=stabil)})
    assert _hash(folder) == basis

    # changed wording or changed buttons
    _ordner(tmp_path, **{datei: _guide("2026.07", "2026-07-20", begruessung=VARIANTEN.replace(
        "Telefon immer.", "Telefon jederzeit."))})
    assert _hash(folder) != basis
    _ordner(tmp_path, **{datei: _guide("2026.07", "2026-07-20", begruessung=VARIANTEN.replace(
        "titel: Ja", "titel: Ja, bitte"))})
    assert _hash(folder) != basis
    _ordner(tmp_path, **{datei: _guide("2026.07", "2026-07-20", begruessung=VARIANTEN.replace(
        "payload: /affirm", "payload: /deny"))})
    assert _hash(folder) != basis


# --- the process cache ------------------------------------------------------------------------


def _bump(path: Path) -> None:
    stamp = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(stamp, stamp))


def _begruessung(lib: GuideLibrary) -> str:
    return lib.render("3.000.1", "begruessung", D(2026, 11, 18)).text


def test_cache_laedt_nach_aenderung_neu(tmp_path):
    folder = _ordner(tmp_path, **{"glf-3.000": _guide("v1", "2026-07-20")})
    path = folder / "glf-3.000.yml"
    erste = library(folder)
    assert _begruessung(erste) == "Guten Tag (v1)."
    assert library(folder) is erste  # nothing changed: same library

    path.write_text(_guide("v2", "2026-07-20"), encoding="utf-8")
    _bump(path)
    assert _begruessung(library(folder)) == "Guten Tag (v2)."

    # a new file is picked up, too
    (folder / "glf-3.301.yml").write_text(_guide("v1", "2026-07-20", nummer="3.301"),
                                          encoding="utf-8")
    assert "3.301" in library(folder).nummern


def test_cache_behaelt_alte_fassung_bei_fehlerhafter_aenderung(tmp_path, caplog):
    folder = _ordner(tmp_path, **{"glf-3.000": _guide("v1", "2026-07-20")})
    path = folder / "glf-3.000.yml"
    assert _begruessung(library(folder)) == "Guten Tag (v1)."

    path.write_text(_guide("v2", "2026-07-20").replace("titel: Test 3.000\n", ""),
                    encoding="utf-8")
    _bump(path)
    with caplog.at_level(logging.ERROR, logger="leitfaden.guides.library"):
        lib = library(folder)
    assert _begruessung(lib) == "Guten Tag (v1)."
    fehler = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert fehler, "fehlerhafte Änderung wurde nicht geloggt"
    assert "titel" in caplog.text

    # the broken file stays broken: still the old version
    assert _begruessung(library(folder)) == "Guten Tag (v1)."

    # once repaired, the new version is used
    path.write_text(_guide("v3", "2026-07-20"), encoding="utf-8")
    _bump(path)
    assert _begruessung(library(folder)) == "Guten Tag (v3)."


def test_cache_behaelt_alte_fassung_bei_unmoeglichem_datum(tmp_path):
    folder = _ordner(tmp_path, **{"glf-3.000": _guide("v1", "2026-07-20")})
    path = folder / "glf-3.000.yml"
    assert _begruessung(library(folder)) == "Guten Tag (v1)."
    path.write_text(_guide("v2", "2026-02-30"), encoding="utf-8")
    _bump(path)
    assert _begruessung(library(folder)) == "Guten Tag (v1)."


def test_cache_erste_ladung_fehlerhaft_wirft(tmp_path):
    folder = _ordner(tmp_path, **{
        "glf-3.000": _guide("v1", "2026-07-20").replace("titel: Test 3.000\n", "")})
    with pytest.raises(GuideError):
        library(folder)
