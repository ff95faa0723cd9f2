#!/usr/bin/env bash
# Every test: lint, guide validation and consistency, unit tests (SQLite and PostgreSQL),
# Rasa data validation and test stories, and integration tests through the running servers.
# Called by `make test` after the environment, the spaCy pipeline and the model are in place.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 \
       SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore

echo "== ruff"
.venv/bin/ruff check leitfaden leitfaden_rasa nlu_components actions tests bench
echo "== Leitfäden prüfen (Aufbau und Übereinstimmung mit Domain, Stories, Regeln)"
.venv/bin/python -m leitfaden.guides 2026-11-18
echo "== pytest"
.venv/bin/python -m pytest "$@"
