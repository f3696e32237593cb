# Borrower portal: `make run` to try it, `make test` to check it. Both work on a fresh machine.
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app portal
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install translations compile-translations check-translations system-deps test-tools migrate seed serve bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Compile the catalogs Babel reads (fast; run by `run` and `test`).
compile-translations: install
	$(PY) tools/catalogs.py compile

## After changing strings: extract the template, assemble the per-domain parts, compile, and list problems.
translations: install
	$(PY) tools/catalogs.py extract
	$(PY) tools/catalogs.py assemble
	$(PY) tools/catalogs.py compile
	$(PY) tools/catalogs.py check || true

check-translations: install
	$(PY) tools/catalogs.py check

migrate: compile-translations
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo --if-empty

run: seed
	@echo "Serving on http://127.0.0.1:$(PORT) with a worker for the messages  (Ctrl+C stops both)"
	FLASK=$(VENV)/bin/flask PORT=$(PORT) bash tools/run.sh

## Debian packages the browser and PostgreSQL tests need (installed when missing and we are root).
system-deps:
	bash tools/system-deps.sh

## Test tools from npm, pinned by tools/package-lock.json: the W3C Nu HTML checker (tests/test_html_valid.py).
## The jar is in the package; its install script (a Java download) is not needed and not run.
tools/node_modules/.installed: tools/package.json tools/package-lock.json
	npm ci --prefix tools --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test-tools: system-deps tools/node_modules/.installed

test: compile-translations system-deps test-tools
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis tools/node_modules

## The same suite against a throwaway PostgreSQL cluster (started and stopped by tools/pg-test.sh).
test-postgres: compile-translations system-deps test-tools
	bash tools/pg-test.sh $(PY) -m pytest $(PYTEST_ARGS)

## Server benchmark (bench/README.md): gunicorn + wrk with logged-in sessions, ratios to a bare Flask ceiling.
## DB=postgres, BORROWERS=100000, DURATION=10s, CONNS=16 … are passed through the environment.
bench: compile-translations
	bash bench/run.sh

## Two instances sharing PostgreSQL, Redis and the evidence directory: sessions, throttling, uploads across both.
check-two-instances: compile-translations system-deps
	bash tools/two-instances.sh
