#!/usr/bin/env bash
# Start the action server, the Rasa server (REST, agent channel, socket.io) and the web app
# (console, customer chat, work queue, IPSC); Ctrl-C stops all three. `scripts/run.sh shell` talks to the assistant in the terminal instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD"
RASA_PORT="${LEITFADEN_RASA_PORT:-5005}"
ACTION_PORT="${LEITFADEN_ACTION_PORT:-5055}"
WEB_PORT="${LEITFADEN_WEB_PORT:-8080}"
export LEITFADEN_WEB_URL="${LEITFADEN_WEB_URL:-http://127.0.0.1:$WEB_PORT}"  # named in GLF 1.000.5
# The web app forwards the console to Rasa; the customers' browsers reach its socket.io.
export LEITFADEN_RASA_URL="${LEITFADEN_RASA_URL:-http://127.0.0.1:$RASA_PORT}"
# The agent channel signs the employee's identity; the action server trusts only that.
export LEITFADEN_AGENT_GEHEIMNIS="${LEITFADEN_AGENT_GEHEIMNIS:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')}"
mkdir -p var/log
# endpoints.yml names the action server on port 5055; another LEITFADEN_ACTION_PORT gets a copy.
ENDPOINTS="${LEITFADEN_ENDPOINTS:-endpoints.yml}"
if [ "$ENDPOINTS" = endpoints.yml ] && [ "$ACTION_PORT" != 5055 ]; then
  sed "s#localhost:5055/webhook#localhost:$ACTION_PORT/webhook#" endpoints.yml >var/endpoints-run.yml
  ENDPOINTS=var/endpoints-run.yml
fi

PIDS=()
stop() {
  trap - EXIT INT TERM
  [ "${#PIDS[@]}" -gt 0 ] || return 0
  kill "${PIDS[@]}" 2>/dev/null || true
  wait "${PIDS[@]}" 2>/dev/null || true
  [ "${MELDUNG:-}" = 1 ] && echo "Leitfaden beendet."
  return 0
}
trap stop EXIT
trap 'exit 130' INT TERM

warte() {  # warte NAME URL PID LOG [SECONDS]
  for _ in $(seq 1 "${5:-60}"); do
    curl -sf "$2" >/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "$1 startet nicht:"; tail -20 "$4"; exit 1; }
    sleep 1
  done
  echo "$1 antwortet nicht unter $2:"; tail -20 "$4"; exit 1
}

.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" \
  >var/log/actions.log 2>&1 &
PIDS+=($!)
warte "Action-Server" "http://127.0.0.1:$ACTION_PORT/health" "${PIDS[0]}" var/log/actions.log

if [ "${1:-}" = "shell" ]; then
  .venv/bin/python -m leitfaden_rasa shell --model models/leitfaden.tar.gz --endpoints "$ENDPOINTS"
  exit 0
fi

.venv/bin/python -m leitfaden.web --host 127.0.0.1 --port "$WEB_PORT" >var/log/web.log 2>&1 &
PIDS+=($!)
warte "IPSC-Webanwendung" "http://127.0.0.1:$WEB_PORT/healthz" "${PIDS[1]}" var/log/web.log

.venv/bin/python -m leitfaden_rasa run --model models/leitfaden.tar.gz --endpoints "$ENDPOINTS" \
  --credentials credentials.yml --enable-api --cors "*" --port "$RASA_PORT" \
  >var/log/rasa.log 2>&1 &
PIDS+=($!)
warte "Rasa-Server" "http://127.0.0.1:$RASA_PORT/status" "${PIDS[2]}" var/log/rasa.log 300

DEMO_PASSWORT="$(.venv/bin/python -c 'from leitfaden.store.demo import DEMO_PASSWORT; print(DEMO_PASSWORT)')"
cat <<MSG
Leitfaden läuft.
  Konsole (Beschäftigte):  http://127.0.0.1:$WEB_PORT/anmelden
      Demo-Anmeldungen, Passwort jeweils: $DEMO_PASSWORT
        sc-demo       Service Center (Gesprächsleitfaden)
        socl-demo     SOC-L (überweist Abschläge, Warteschlange)
        trainer-demo  Trainerin (Leitfäden testen)
        admin-demo    Administration (Konten, Warteschlange lesen)
  Kunden-Chat:             http://127.0.0.1:$WEB_PORT/chat
  Warteschlange (SOC-L):   http://127.0.0.1:$WEB_PORT/warteschlange
  IPSC:                    http://127.0.0.1:$WEB_PORT/ipsc/angebote
  REST:        POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook  {"sender": "id", "message": "Hallo"}
  Agent-Kanal: POST http://127.0.0.1:$RASA_PORT/webhooks/agent/webhook  (Authorization: Bearer <Token>; make agent-token USER=socl-demo)
  socket.io:   http://127.0.0.1:$RASA_PORT/socket.io
  Tracker:     GET  http://127.0.0.1:$RASA_PORT/conversations/<id>/tracker
  Webauftrag:  POST http://127.0.0.1:$WEB_PORT/api/webauftraege  (Authorization: Bearer <Token der Agentur>)
  Logs:        var/log/actions.log, var/log/rasa.log, var/log/web.log
  Datenbank:   ${LEITFADEN_DATABASE_URL:-sqlite:///var/leitfaden.db}
Beenden mit Strg-C.
MSG
MELDUNG=1
# Ends when any of the three stops (or on Ctrl-C); the EXIT trap stops the others.
wait -n "${PIDS[@]}" || true
