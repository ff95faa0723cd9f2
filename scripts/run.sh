#!/usr/bin/env bash
# Start the action server and the Rasa server (REST + socket.io); Ctrl-C stops both.
# `scripts/run.sh shell` talks to the assistant in the terminal instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD"
RASA_PORT="${LEITFADEN_RASA_PORT:-5005}"
ACTION_PORT="${LEITFADEN_ACTION_PORT:-5055}"
mkdir -p var/log

.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" \
  >var/log/actions.log 2>&1 &
ACTION_PID=$!
stop() { kill "$ACTION_PID" 2>/dev/null || true; wait "$ACTION_PID" 2>/dev/null || true; }
trap stop EXIT INT TERM

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$ACTION_PORT/health" >/dev/null && break
  kill -0 "$ACTION_PID" 2>/dev/null || { echo "Action-Server startet nicht:"; tail -20 var/log/actions.log; exit 1; }
  sleep 1
done

if [ "${1:-}" = "shell" ]; then
  .venv/bin/python -m leitfaden_rasa shell --model models/leitfaden.tar.gz --endpoints endpoints.yml
  exit 0
fi

cat <<MSG
Leitfaden läuft.
  REST:        POST http://localhost:$RASA_PORT/webhooks/rest/webhook  {"sender": "id", "message": "Hallo"}
  socket.io:   http://localhost:$RASA_PORT/socket.io
  Tracker:     GET  http://localhost:$RASA_PORT/conversations/<id>/tracker
  Actions:     http://localhost:$ACTION_PORT/health  (Log: var/log/actions.log)
  Datenbank:   ${LEITFADEN_DATABASE_URL:-sqlite:///var/leitfaden.db}
Beenden mit Strg-C.
MSG
.venv/bin/python -m leitfaden_rasa run --model models/leitfaden.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --enable-api --cors "*" --port "$RASA_PORT" &
RASA_PID=$!
stop() {
  kill "$RASA_PID" "$ACTION_PID" 2>/dev/null || true
  wait "$RASA_PID" "$ACTION_PID" 2>/dev/null || true
  echo "Leitfaden beendet."
}
trap stop EXIT INT TERM
wait "$RASA_PID"
