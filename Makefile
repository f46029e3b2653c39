# The only command surface: CI runs `make test`; a newcomer runs `make demo`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENDOR := src/primarycare/web/static/vendor
APT_UPDATED := /tmp/.primarycare-apt-updated

.PHONY: demo test setup assets system-deps lint audit format unit spec property integration browser benchmarks clean

demo: setup  ## set everything up, then generate, load and serve the demo at http://127.0.0.1:8000
	.venv/bin/primarycare demo --folder var/demo

setup: .venv/.synced assets

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen --inexact
	@touch $@

.venv/.synced-all: .venv/.synced
	$(UV) sync --frozen --all-extras  # the test suite also drives the Ray runner (the distributed extra, about 1 GB)
	@touch $@

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(MAKE) --no-print-directory apt-update && apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/nhsuk
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $(VENDOR)/nhsuk/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets $(VENDOR)/nhsuk/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@touch $@

apt-update:
	@[ -f $(APT_UPDATED) ] || { apt-get update -qq && touch $(APT_UPDATED); }

system-deps:  ## PostgreSQL (the suite starts its own throwaway server) and Debian's Chromium for the browser tests
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(MAKE) --no-print-directory apt-update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }
	@[ -x /usr/bin/chromium ] || { $(MAKE) --no-print-directory apt-update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: system-deps setup .venv/.synced-all lint audit  ## the whole suite: unit, spec, property, integration, browser
	$(UV) run --frozen --all-extras pytest

lint: .venv/.synced
	$(UV) run --frozen ruff check src tests benchmarks tools
	$(UV) run --frozen ruff format --check src tests benchmarks tools

audit: .venv/.synced-all  ## pip-audit on the locked environment: fails on a known vulnerability with a fixed release
	$(UV) export --frozen --all-extras --no-hashes --no-emit-project --format requirements-txt > .venv/locked-requirements.txt
	.venv/bin/python tools/audit_dependencies.py .venv/locked-requirements.txt

format: .venv/.synced
	$(UV) run --frozen ruff check --fix src tests benchmarks tools
	$(UV) run --frozen ruff format src tests benchmarks tools

unit spec property integration browser: system-deps setup .venv/.synced-all
	$(UV) run --frozen --all-extras pytest tests/$@

benchmarks: system-deps setup .venv/.synced-all  ## the performance figures (not tests)
	$(UV) run --frozen --all-extras python benchmarks/ingest.py
	$(UV) run --frozen --all-extras python benchmarks/payments.py
	$(UV) run --frozen --all-extras python benchmarks/measures.py
	$(UV) run --frozen --all-extras python benchmarks/simulation_mmc.py
	$(UV) run --frozen --all-extras python benchmarks/simulation_ooh.py
	$(UV) run --frozen --all-extras python benchmarks/simulation_england.py
	$(UV) run --frozen --all-extras python benchmarks/urgentcare_load.py

clean:
	rm -rf .venv node_modules $(VENDOR) var
