# One command each: `make run` (the embedded default) and `make test` (the whole suite).
# Every target installs first when the lock files changed; see README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
LOCKS := requirements/base.lock requirements/rasa.lock
LOCK_HASH := $(shell cat $(LOCKS) | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(LOCK_HASH)
PIP := $(PY) -m pip --disable-pip-version-check -q
# The WeChat mini-program's jest suite: node_modules keyed on package-lock.json the same way.
MP := miniprogram
MP_STAMP := $(MP)/node_modules/.installed-$(shell cat $(MP)/package-lock.json | sha256sum | cut -c1-16)

.PHONY: help install run run-cluster train shell lint test bench lock clean browser engines

help:
	@echo "make run    start every service on localhost (installs and trains when needed)"
	@echo "make run-cluster  the same on PostgreSQL, Redis and several Rasa servers behind nginx"
	@echo "make test   run the whole test suite (the mini-program's jest suite, then pytest)"
	@echo "make train  train the Rasa model if config, domain or data changed"
	@echo "make shell  talk to the bot in the terminal"
	@echo "make lint   ruff, the rules linter and rasa data validate"
	@echo "make bench  run the benchmarks under bench/ and print their figures"

install: $(STAMP) $(MP_STAMP) browser engines

# The stamp's name carries the lock files' hash: a changed lock reinstalls, an
# unchanged one makes this target a no-op.
$(STAMP):
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned dependencies into $(VENV) (first time takes a few minutes)"
	$(PIP) install --no-deps -r requirements/base.lock
	$(PIP) install --no-deps --ignore-requires-python -r requirements/rasa.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# `npm ci` installs exactly package-lock.json from the npm registry (and empties node_modules first,
# which drops an old stamp). Node comes from the machine, else from Debian.
$(MP_STAMP):
	@command -v npm >/dev/null || { \
	  echo "installing Debian's nodejs and npm for the mini-program tests"; \
	  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
	cd $(MP) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's chromium; the test tool never downloads a browser.
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  echo "installing a Chinese font so the browser tests' screenshots are legible"; \
	  apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; }

# The cluster profile's engines (and its tests'): Debian's PostgreSQL, Redis and nginx. The
# cluster starts its own instances under var/cluster/; the packages' services are not started
# (a policy-rc.d for the length of the install, when the machine has none).
engines:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian's$$missing for the cluster profile (make run-cluster) and its tests"; \
	  policy=/usr/sbin/policy-rc.d; added=""; \
	  if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' > $$policy && chmod +x $$policy && added=1; fi; \
	  apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; status=$$?; \
	  if [ -n "$$added" ]; then rm -f $$policy; fi; \
	  exit $$status; \
	fi

run: install
	$(PY) -m bot run

run-cluster: install
	$(PY) -m bot run-cluster

train: install
	$(PY) -m bot train

shell: install
	$(PY) -m bot shell

lint: install
	$(PY) -m ruff check bot actions tests bench
	$(PY) -m bot rules check
	PYTHONWARNINGS=ignore TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false $(PY) -m rasa data validate --fail-on-warnings --quiet

# The mini-program's jest suite first (quick), then pytest; pytest exits 5 when it collected
# nothing: that is a failure here too.
test: install
	cd $(MP) && npx --no-install jest --ci
	$(PY) -m pytest

bench: install
	$(PY) -m bench

# Re-resolve base.in into base.lock (needs network).
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install -q -r requirements/base.in
	( sed -n '1,2p' requirements/base.lock; echo "setuptools==70.3.0"; echo "wheel==0.45.1"; \
	  /tmp/lock-venv/bin/pip freeze | grep -viE '^(rasa|rasa-sdk|rasa_sdk)==' ) > requirements/base.lock.new
	mv requirements/base.lock.new requirements/base.lock

clean:
	rm -rf $(VENV) .pytest_cache .rasa test-artifacts $(MP)/node_modules
