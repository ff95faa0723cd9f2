# Leitfaden – the two commands: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
SPACY_DIR := var/spacy-de
MODEL     := models/leitfaden.tar.gz
# Rasa 3.6 needs Python 3.8-3.10: take the first python3.10 that really runs.
PYTHON310 := $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 \
               /usr/local/bin/python3.10 /usr/bin/python3.10; do \
               $$c -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null \
               && echo $$c && break; done)
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
                $(wildcard nlu_components/*.py) \
                $(SPACY_DIR)/meta.json

export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help run test shell venv spacy db train validate bench lint demo-reset clean

help:
	@echo "make run   – alles einrichten und die Assistenz starten (Rasa, Action-Server)"
	@echo "make test  – alles einrichten und alle Tests ausführen"
	@echo "make shell – im Terminal mit der Assistenz sprechen"
	@echo "make bench – Benchmark (Training, Antwortzeiten, NLU-Genauigkeit)"
	@echo "make demo-reset – Demodaten zurücksetzen (Server dürfen laufen)"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt constraints.txt
	@test -n "$(PYTHON310)" || { echo "python3.10 nicht gefunden (Rasa 3.6 braucht 3.8-3.10)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "pip==24.0"
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(PY) -m pip check
	touch $@

spacy: $(SPACY_DIR)/meta.json
$(SPACY_DIR)/meta.json: $(VENV)/.installed leitfaden/nlp/pipeline.py
	$(PY) -m leitfaden.nlp.pipeline $(SPACY_DIR)
	@# Rasa knows the spaCy model only by its path: drop cached components built on the old one.
	rm -rf .rasa/cache

db: venv
	$(PY) -m leitfaden.store migrate
	$(PY) -m leitfaden.store demo

train: $(MODEL)
$(MODEL): $(VENV)/.installed $(TRAIN_INPUTS)
	$(RASA) train --config config.yml --domain domain.yml --data data \
	  --out models --fixed-model-name leitfaden --quiet

# Web-Chat der Kundinnen und Kunden (/chat): npm-Pakete aus leitfaden/web/frontend installieren,
# Chat-Widget und axe-core nach leitfaden/web/static/vendor/ kopieren (braucht npm).
.PHONY: webchat
webchat:
	scripts/webchat.sh

validate: venv
	$(PY) -m leitfaden.guides
	$(RASA) data validate --fail-on-warnings --quiet

run: venv spacy train db webchat
	scripts/run.sh

shell: venv spacy train db
	scripts/run.sh shell

test: venv spacy train webchat
	scripts/test.sh

bench: venv spacy train db
	$(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check leitfaden leitfaden_rasa nlu_components actions tests bench

demo-reset: venv
	$(PY) -m leitfaden.store reset

clean:
	rm -rf models var .rasa results

# Neuer API-Token für den Webauftrag einer Agentur: make agentur-token AGENTUR=nuernberg
.PHONY: agentur-token
agentur-token: venv
	@test -n "$(AGENTUR)" || { echo "Bitte die Agentur angeben: make agentur-token AGENTUR=nuernberg" >&2; exit 2; }
	@$(PY) -m leitfaden.webauftrag token "$(AGENTUR)" --bezeichnung "$(BEZEICHNUNG)"

# Neuer API-Token einer Mitarbeiterin/eines Mitarbeiters für den Agent-Kanal: make agent-token USER=socl-demo
.PHONY: agent-token
agent-token: venv
	@test "$(origin USER)" = "command line" || { echo "Bitte das Konto angeben: make agent-token USER=socl-demo" >&2; exit 2; }
	@$(PY) -m leitfaden.mitarbeiter token "$(USER)" --bezeichnung "$(BEZEICHNUNG)"
