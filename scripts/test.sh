#!/usr/bin/env bash
# Every test: lint, guide validation and consistency, unit tests (SQLite and PostgreSQL),
# Rasa data validation and test stories, integration tests through the running servers, and
# browser tests of the IPSC web app in headless Chromium (Playwright).
# Called by `make test` after the environment, the spaCy pipeline and the model are in place.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 \
       SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore

echo "== ruff"
.venv/bin/ruff check leitfaden leitfaden_rasa nlu_components actions tests bench
echo "== Leitfäden prüfen (Aufbau und Übereinstimmung mit Domain, Stories, Regeln)"
.venv/bin/python -m leitfaden.guides 2026-11-18
echo "== Chromium für die Browser-Tests"
if [ -x /usr/bin/chromium ]; then
  echo "vorhanden: /usr/bin/chromium"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installiere chromium (apt-get) ..."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "chromium ließ sich nicht installieren: die Browser-Tests werden übersprungen."
else
  echo "/usr/bin/chromium fehlt und das Skript läuft nicht als root:" \
       "die Browser-Tests werden übersprungen (apt-get install -y chromium)."
fi
echo "== pytest"
.venv/bin/python -m pytest "$@"
