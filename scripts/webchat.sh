#!/usr/bin/env bash
# Front-end of the customers' web chat (GET /chat): installs the npm packages of
# leitfaden/web/frontend (rasa-webchat, axe-core) exactly as package-lock.json pins them and
# copies their built files into leitfaden/web/static/vendor/, from where the web app serves them
# itself (no outside network at run time). `npm ci` runs only when package.json or
# package-lock.json is newer than the installed node_modules. Called by `make webchat`.
set -euo pipefail
cd "$(dirname "$0")/.."

FRONTEND=leitfaden/web/frontend
VENDOR=leitfaden/web/static/vendor
MARKE="$FRONTEND/node_modules/.leitfaden-installiert"  # written after a successful npm ci

if ! command -v npm >/dev/null 2>&1; then
  echo "Fehler: npm fehlt. Der Web-Chat (/chat) braucht Node.js mit npm, um das Chat-Widget" \
       "und axe-core aus $FRONTEND/package-lock.json zu installieren." >&2
  echo "Bitte Node.js und npm installieren (z. B. apt-get install -y nodejs npm) und" \
       "'make webchat' erneut aufrufen." >&2
  exit 1
fi

if [ ! -f "$MARKE" ] || [ "$FRONTEND/package-lock.json" -nt "$MARKE" ] \
   || [ "$FRONTEND/package.json" -nt "$MARKE" ]; then
  echo "npm ci in $FRONTEND ..."
  (cd "$FRONTEND" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$MARKE"
else
  echo "npm-Pakete in $FRONTEND sind aktuell."
fi

# $1 = target; the new content is in "$1.tmp": replace the target only when it changed
# (npm gives the installed files a fixed old mtime, so timestamps tell nothing here).
uebernehmen() {
  if cmp -s "$1.tmp" "$1"; then rm -f "$1.tmp"; else mv "$1.tmp" "$1"; fi
}

mkdir -p "$VENDOR"
WIDGET="$FRONTEND/node_modules/rasa-webchat/lib/index.js"
test -f "$WIDGET" || { echo "Fehler: $WIDGET fehlt nach npm ci." >&2; exit 1; }
# The widget's bundled stylesheets @import the "Inter" font from fonts.googleapis.com. The page
# loads nothing from outside (its Content-Security-Policy would block it and report an error),
# so the copy served under /static/vendor/ has these imports removed; kundenchat.css sets the
# font. Nothing else of the bundle is changed.
sed -e 's#@import url(https\?://[^)]*);##g' "$WIDGET" >"$VENDOR/rasa-webchat.js.tmp"
if grep -q -E '@import url\(https?:' "$VENDOR/rasa-webchat.js.tmp"; then
  rm -f "$VENDOR/rasa-webchat.js.tmp"
  echo "Fehler: Das Chat-Widget lädt weiterhin Stylesheets von außen (@import url(http...))." >&2
  exit 1
fi
uebernehmen "$VENDOR/rasa-webchat.js"
for paar in "rasa-webchat/LICENSE:rasa-webchat.LICENSE.txt" "axe-core/axe.min.js:axe.min.js" \
            "axe-core/LICENSE:axe-core.LICENSE.txt"; do
  cp "$FRONTEND/node_modules/${paar%%:*}" "$VENDOR/${paar#*:}.tmp"
  uebernehmen "$VENDOR/${paar#*:}"
done
echo "Web-Chat bereit: $VENDOR/ ($(ls "$VENDOR" | tr '\n' ' '))"
