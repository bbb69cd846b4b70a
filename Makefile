# wecom-suite: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast lint bench soak bench-deps system-deps python-venv venv clean

$(STAMP): pyproject.toml | python-venv
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## Debian's own python3 needs python3-venv to build .venv (a python.org or pyenv build has it built in).
python-venv:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { \
	  echo "installing Debian package: python3-venv"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends python3-venv; }

## Debian packages the tests use for real: a Redis server, PostgreSQL (the tests start a throwaway
## cluster of their own; Debian's default cluster is not used) and Chromium for the browser tests.
system-deps: python-venv
	@need=""; \
	command -v redis-server >/dev/null 2>&1 || need="$$need redis-server"; \
	test -x /usr/bin/chromium || need="$$need chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	if [ -n "$$need" ]; then \
	  echo "installing Debian packages:$$need"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$need; \
	fi

RUN_STAMP := $(VENV)/.runtime-stamp

## `make run` needs only the runtime (pip install -e .), not the test tools of [dev].
$(RUN_STAMP): pyproject.toml | python-venv
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e .
	@touch $(RUN_STAMP)

## The main job: the local WeCom sandbox plus the suite service on the embedded SQLite store.
## The sandbox keeps one identity per checkout (wecom-suite-sandbox.identity.json, next to the database).
run: $(RUN_STAMP)
	$(VENV)/bin/wecom-suite sandbox

lint: venv
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy --strict src/wecom_suite

test: system-deps venv lint
	$(VENV)/bin/pytest

## The pure-unit tests (sans-I/O code, memory store; no server, browser or sandbox): seconds, for the edit loop.
FAST_TESTS := tests/crypto tests/xml tests/events tests/callback tests/web/test_callback_endpoint.py \
  tests/tokens/test_refresh_policy.py tests/tokens/test_refresh_flight.py tests/tokens/test_token_keys.py \
  tests/tokens/test_token_manager.py tests/tokens/test_async_token_manager.py tests/tokens/test_token_refresher.py \
  tests/api/test_call_flow.py tests/api/test_errors_models_urls.py tests/api/test_login_urls.py \
  tests/api/test_client_parity.py tests/stores/test_store_contract.py tests/stores/test_store_model.py \
  tests/project/test_public_api.py tests/project/test_shared_helpers.py tests/project/test_layers.py \
  tests/stores/test_store_parts.py
test-fast: venv
	$(VENV)/bin/pytest -q $(FAST_TESTS) -k "not redis and not sqlite and not postgres"

## wrk (Debian's package) drives bench/load.py.
bench-deps: system-deps
	@command -v wrk >/dev/null 2>&1 || { echo "installing Debian package: wrk"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends wrk; }

## Benchmarks (minutes): micro-benchmarks, serve latency, 60 s load runs. Figures: docs/benchmarks.md.
bench: venv bench-deps
	$(PY) bench/run_all.py

## Long runs (tens of minutes): 1,000,000 fuzz inputs in process, 50,000 over HTTP, faults. docs/reliability.md.
soak: venv system-deps
	$(PY) bench/run_all.py --soak

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache build dist
