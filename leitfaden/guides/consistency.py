"""Do guides, domain, stories and rules agree? (Run by the tests and ``make validate``.)

Finds guide steps no story or rule reaches, guide branches no rule or story follows, actions
or responses referenced but not defined, intents not in the domain, actions without a guide
step, and (when the action server's names are given) actions nobody implements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from leitfaden.guides.library import GuideLibrary
from leitfaden.guides.loader import ENDE

#: Actions Rasa itself provides.
RASA_DEFAULT_ACTIONS = frozenset({
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_unlikely_intent",
    "action_back", "action_extract_slots",
})
RASA_DEFAULT_INTENTS = frozenset({"nlu_fallback", "restart", "back", "out_of_scope",
                                  "session_start"})


@dataclass(frozen=True)
class Problem:
    """One disagreement, with where it was found."""

    quelle: str
    meldung: str

    def __str__(self) -> str:
        return f"{self.quelle}: {self.meldung}"


@dataclass(frozen=True)
class Ablauf:
    """A story or rule as the sequence of its steps (``("action", name)``, ``("intent", x)``)."""

    datei: str
    name: str
    schritte: tuple[tuple[str, str], ...]

    @property
    def quelle(self) -> str:
        return f"{self.datei} ({self.name})"

    @property
    def aktionen(self) -> list[str]:
        return [wert for art, wert in self.schritte if art == "action"]


class DatenFehler(ValueError):
    """A stories/rules file is not valid YAML; the message names file and line."""


def lade_ablaeufe(dateien: Iterable[Path]) -> list[Ablauf]:
    """Read stories and rules from Rasa YAML training-data files."""
    ablaeufe = []
    for datei in dateien:
        try:
            data = yaml.safe_load(datei.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            zeile = mark.line + 1 if mark else 1
            raise DatenFehler(f"{datei}:{zeile}: kein gültiges YAML: "
                              f"{getattr(exc, 'problem', exc)}") from exc
        for art in ("stories", "rules"):
            for eintrag in data.get(art) or []:
                name = eintrag.get("story") or eintrag.get("rule") or "?"
                schritte: list[tuple[str, str]] = []
                for step in [*(eintrag.get("condition") or []), *(eintrag.get("steps") or [])]:
                    if "action" in step:
                        schritte.append(("action", str(step["action"])))
                    elif "intent" in step:
                        schritte.append(("intent", str(step["intent"])))
                    elif "or" in step:
                        for option in step["or"]:
                            if "intent" in option:
                                schritte.append(("intent", str(option["intent"])))
                    elif "active_loop" in step and step["active_loop"]:
                        schritte.append(("loop", str(step["active_loop"])))
                    elif "slot_was_set" in step:
                        for slot in step["slot_was_set"]:
                            if isinstance(slot, dict):
                                for key, value in slot.items():
                                    schritte.append(("slot", f"{key}={value}"))
                ablaeufe.append(Ablauf(str(datei), str(name), tuple(schritte)))
    return ablaeufe


def _folgt(ablaeufe: list[Ablauf], von: set[str], nach: set[str]) -> bool:
    """Is an action of ``von`` followed (next action, listening aside) by one of ``nach``?"""
    for ablauf in ablaeufe:
        aktionen = [a for a in ablauf.aktionen if a != "action_listen"]
        for a, b in zip(aktionen, aktionen[1:], strict=False):
            if a in von and b in nach:
                return True
    return False


def pruefe(
    library: GuideLibrary,
    domain: dict[str, Any],
    ablaeufe: list[Ablauf],
    stichtag: dt.date,
    implementiert: set[str] | None = None,
    domain_datei: str = "domain.yml",
) -> list[Problem]:
    """Every disagreement between the guides in force on ``stichtag``, domain and data."""
    probleme: list[Problem] = []
    actions = set(domain.get("actions") or [])
    forms = set((domain.get("forms") or {}).keys())
    responses = set((domain.get("responses") or {}).keys())
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []}
    bekannt = actions | forms | responses | RASA_DEFAULT_ACTIONS
    benutzt = {a for ablauf in ablaeufe for a in ablauf.aktionen}

    for ablauf in ablaeufe:
        for art, wert in ablauf.schritte:
            if art == "action" and wert not in bekannt:
                was = "Antwort" if wert.startswith("utter_") else "Aktion"
                probleme.append(Problem(ablauf.quelle, f"{was} '{wert}' ist in "
                                        f"{domain_datei} nicht definiert"))
            if art == "intent" and wert not in intents | RASA_DEFAULT_INTENTS:
                probleme.append(Problem(ablauf.quelle, f"Intent '{wert}' ist in "
                                        f"{domain_datei} nicht definiert"))
            if art == "loop" and wert not in forms:
                probleme.append(Problem(ablauf.quelle, f"Formular '{wert}' fehlt in "
                                        f"{domain_datei}"))

    weiter_werte = set((domain.get("slots") or {}).get("weiter", {}).get("values") or [])
    schritt_aktionen: dict[str, set[str]] = {}
    for nummer in library.nummern:
        try:
            guide = library.in_force(nummer, stichtag)
        except KeyError:
            continue
        for schritt in guide.schritte:
            quelle = f"{guide.datei}:{schritt.zeile} (Schritt {schritt.id})"
            schritt_aktionen[schritt.id] = set(schritt.aktionen)
            for aktion in schritt.aktionen:
                if aktion not in actions | forms:
                    probleme.append(Problem(quelle, f"Aktion '{aktion}' fehlt in {domain_datei}"))
            if not set(schritt.aktionen) & benutzt:
                probleme.append(Problem(quelle, "keine Story und keine Regel erreicht diesen "
                                        "Schritt"))
        for schritt in guide.schritte:
            for v in schritt.verzweigungen:
                quelle = f"{guide.datei}:{v.zeile} (Schritt {schritt.id})"
                if v.ziel == ENDE:
                    continue
                ziel_aktionen = schritt_aktionen.get(v.ziel)
                if ziel_aktionen is None:
                    try:
                        ziel_aktionen = set(library.schritt(v.ziel, stichtag)[1].aktionen)
                    except KeyError:
                        probleme.append(Problem(quelle, f"Verzweigung zu unbekanntem "
                                                f"Schritt '{v.ziel}'"))
                        continue
                if not _folgt(ablaeufe, set(schritt.aktionen), ziel_aktionen):
                    probleme.append(Problem(quelle, f"Verzweigung „{v.wenn}“ nach {v.ziel}: "
                                            "keine Regel und keine Story folgt ihr"))

    alle_schritte = set(schritt_aktionen)
    for ablauf in ablaeufe:
        for art, wert in ablauf.schritte:
            if art == "slot" and wert.startswith("weiter="):
                ziel = wert.split("=", 1)[1]
                if ziel not in ("None", "") and ziel not in alle_schritte:
                    probleme.append(Problem(ablauf.quelle, f"weiter={ziel} ist kein Schritt "
                                            "eines geltenden Leitfadens"))
    for wert in sorted(weiter_werte - alle_schritte):
        probleme.append(Problem(domain_datei, f"Slot 'weiter' kennt den Wert '{wert}', "
                                "aber keinen solchen Schritt"))

    in_leitfaeden = {a for aktionen in schritt_aktionen.values() for a in aktionen}
    for aktion in sorted(actions):
        if aktion.startswith("action_glf") and aktion not in in_leitfaeden:
            probleme.append(Problem(domain_datei, f"Aktion '{aktion}' gehört zu keinem "
                                    "Leitfaden-Schritt"))
    if implementiert is not None:
        eigene = {a for a in actions if not a.startswith("utter_")}
        for aktion in sorted(eigene - implementiert):
            probleme.append(Problem(domain_datei, f"Aktion '{aktion}' hat keine Implementierung "
                                    "im Action-Server"))
        for aktion in sorted(implementiert - eigene):
            probleme.append(Problem("actions/", f"Aktion '{aktion}' ist implementiert, fehlt "
                                    f"aber in {domain_datei}"))
    return probleme


def pruefe_projekt(root: Path, stichtag: dt.date,
                   implementiert: set[str] | None = None) -> list[Problem]:
    """Run :func:`pruefe` on a project folder (guidelines/, domain.yml, data/)."""
    library = GuideLibrary.load(root / "guidelines")
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    dateien = sorted(p for p in (root / "data").rglob("*.yml")
                     if "stories" in p.read_text(encoding="utf-8")[:2000]
                     or "rules:" in p.read_text(encoding="utf-8"))
    return pruefe(library, domain, lade_ablaeufe(dateien), stichtag, implementiert)
