"""The Rasa project as Rasa sees it: data validation and every GLF 3.000 test story."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from leitfaden.servers import MODEL, VENV_BIN
from leitfaden.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa_cli

ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false",
       "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def _rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "rasa"), *args], cwd=PROJECT_ROOT, env=ENV,
                          capture_output=True, text=True, timeout=900)


def test_rasa_data_validate_ohne_warnungen():
    result = _rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_alle_teststories_werden_vorhergesagt(tmp_path: Path):
    if not MODEL.exists():
        pytest.fail(f"Kein trainiertes Modell unter {MODEL}: erst `make train`.")
    result = _rasa("test", "core", "--model", str(MODEL), "--stories", "tests/stories",
                   "--out", str(tmp_path), "--fail-on-prediction-errors")
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, (details or result.stderr[-3000:])
    assert "None of the test stories failed" in details
