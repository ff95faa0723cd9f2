"""``python -m leitfaden.guides`` also validates the Abschlag policy (file and line)."""

from __future__ import annotations

import shutil

from leitfaden.abschlag.richtlinie import cache_leeren
from leitfaden.guides.__main__ import main
from leitfaden.settings import PROJECT_ROOT


def test_alles_in_ordnung(capsys):
    assert main(["2026-11-18"]) == 0
    assert "Abschlag-Richtlinie" in capsys.readouterr().out


def test_kaputte_richtlinie_nennt_datei_und_zeile(tmp_path, monkeypatch, capsys):
    ordner = tmp_path / "guidelines"
    shutil.copytree(PROJECT_ROOT / "guidelines", ordner)
    datei = ordner / "abschlag-richtlinie.yml"
    zeilen = datei.read_text(encoding="utf-8").splitlines()
    nr = next(i for i, z in enumerate(zeilen) if z.strip().startswith("mindestbetrag:"))
    zeilen[nr] = zeilen[nr].split("mindestbetrag:")[0] + 'mindestbetrag: "fünfzig"'
    datei.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    monkeypatch.setenv("LEITFADEN_GUIDELINES", str(ordner))
    cache_leeren()

    assert main(["2026-11-18"]) == 1
    fehler = capsys.readouterr().err
    assert f"abschlag-richtlinie.yml:{nr + 1}" in fehler
    assert "mindestbetrag" in fehler
