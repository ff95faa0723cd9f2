"""The cached validator accepts and rejects exactly what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from leitfaden_rasa import speedups

GUELTIG = {
    "events": [{"event": "slot", "name": "guide_step", "value": "3.000.4"}],
    "responses": [{"text": "Wie lautet Ihr Geburtsdatum?", "leitfaden": {"guide": "3.000"}}],
}
UNGUELTIG = [
    {"events": [{"event": "slot"}], "responses": []},  # slot event without name
    {"events": "keine Liste", "responses": []},
    {"events": [], "responses": ["kein Objekt"]},
]


@pytest.fixture
def installiert():
    speedups.install()
    yield
    speedups.uninstall()


def _pruefe(antwort) -> bool:
    return RemoteAction("action_test", None)._validate_action_result(antwort)


@pytest.mark.parametrize("mit_cache", [False, True])
def test_gueltige_antwort_wird_angenommen(mit_cache, request):
    if mit_cache:
        request.getfixturevalue("installiert")
    assert _pruefe(GUELTIG) is True


@pytest.mark.parametrize("antwort", UNGUELTIG)
def test_ungueltige_antwort_wird_wie_bei_rasa_abgelehnt(antwort, installiert):
    with pytest.raises(ValidationError) as cached:
        _pruefe(antwort)
    speedups.uninstall()
    with pytest.raises(ValidationError) as original:
        _pruefe(antwort)
    assert cached.value.message == original.value.message
    assert "Failed to validate Action server response" in cached.value.message


def test_installieren_ersetzt_die_methode(installiert):
    assert RemoteAction._validate_action_result is speedups._validate_action_result
