"""The consistency check finds what does not agree between guides, domain and data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from leitfaden.guides.consistency import DatenFehler, pruefe_projekt
from leitfaden.settings import PROJECT_ROOT

STICHTAG = dt.date(2026, 11, 18)


def _implementierte_aktionen() -> set[str]:
    """Names of every action the action server registers (imports the actions package)."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


@pytest.fixture
def projekt(tmp_path: Path) -> Path:
    """A copy of the project's guides, domain and data to break."""
    for name in ("guidelines", "data"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    shutil.copy(PROJECT_ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def test_das_projekt_ist_stimmig():
    assert pruefe_projekt(PROJECT_ROOT, STICHTAG, _implementierte_aktionen()) == []


def _meldungen(projekt: Path, **kwargs) -> list[str]:
    return [str(p) for p in pruefe_projekt(projekt, STICHTAG, **kwargs)]


def test_schritt_ohne_regel_oder_story_wird_gemeldet(projekt: Path):
    for datei in (projekt / "data").glob("*.yml"):
        text = datei.read_text(encoding="utf-8")
        datei.write_text(text.replace("action_glf3000_online_angebote", "action_listen"),
                         encoding="utf-8")
    meldungen = _meldungen(projekt)
    assert any("Schritt 3.000.5" in m and "erreicht diesen Schritt" in m for m in meldungen)


def test_verzweigung_ohne_regel_wird_mit_zeile_gemeldet(projekt: Path):
    regeln = projekt / "data" / "rules.yml"
    daten = yaml.safe_load(regeln.read_text(encoding="utf-8"))
    daten["rules"] = [r for r in daten["rules"] if r["rule"] != "Angebote -> Abschluss"]
    regeln.write_text(yaml.safe_dump(daten, allow_unicode=True), encoding="utf-8")
    (projekt / "data" / "stories.yml").write_text('version: "3.1"\nstories: []\n')
    meldungen = _meldungen(projekt)
    assert any(m.startswith("guidelines/glf-3.000.yml:") and "nach 3.000.7" in m
               for m in meldungen), meldungen


def test_unbekannte_aktion_und_antwort_in_story(projekt: Path):
    stories = projekt / "data" / "stories.yml"
    text = stories.read_text(encoding="utf-8")
    text = text.replace("action: action_glf3000_begruessung", "action: action_gibt_es_nicht", 1)
    text = text.replace("action: action_glf3000_abschluss_frage", "action: utter_fehlt", 1)
    stories.write_text(text, encoding="utf-8")
    meldungen = _meldungen(projekt)
    assert any("Aktion 'action_gibt_es_nicht' ist in domain.yml nicht definiert" in m
               for m in meldungen)
    assert any("Antwort 'utter_fehlt' ist in domain.yml nicht definiert" in m for m in meldungen)


def test_unbekannter_intent_und_weiter_wert(projekt: Path):
    regeln = projekt / "data" / "rules.yml"
    text = regeln.read_text(encoding="utf-8")
    text = text.replace("intent: greet", "intent: gruss", 1)
    text = text.replace('weiter: "3.000.6"', 'weiter: "3.000.9"', 1)
    regeln.write_text(text, encoding="utf-8")
    meldungen = _meldungen(projekt)
    assert any("Intent 'gruss'" in m for m in meldungen)
    assert any("weiter=3.000.9 ist kein Schritt" in m for m in meldungen)


def test_aktion_des_leitfadens_fehlt_in_der_domain(projekt: Path):
    domain = projekt / "domain.yml"
    daten = yaml.safe_load(domain.read_text(encoding="utf-8"))
    daten["actions"].remove("action_glf3000_weiterleitung")
    domain.write_text(yaml.safe_dump(daten, allow_unicode=True), encoding="utf-8")
    meldungen = _meldungen(projekt)
    assert any("Aktion 'action_glf3000_weiterleitung' fehlt in domain.yml" in m
               for m in meldungen)


def test_implementierung_und_domain_muessen_uebereinstimmen(projekt: Path):
    implementiert = _implementierte_aktionen() - {"action_glf3000_rolle"} | {"action_extra"}
    meldungen = _meldungen(projekt, implementiert=implementiert)
    assert any("'action_glf3000_rolle' hat keine Implementierung" in m for m in meldungen)
    assert any("'action_extra' ist implementiert, fehlt aber" in m for m in meldungen)


def test_kaputtes_yaml_in_den_daten_nennt_datei_und_zeile(projekt: Path):
    (projekt / "data" / "rules.yml").write_text("version: '3.1'\nrules:\n- rule: a\n  steps: [\n",
                                               encoding="utf-8")
    with pytest.raises(DatenFehler, match=r"rules\.yml:\d+"):
        pruefe_projekt(projekt, STICHTAG)
