# Two commands for a fresh machine:
#   make run   - set up (virtualenv, packages, database, catalogue) and serve on 127.0.0.1:8000
#   make test  - set up and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_PROCESSES ?= 2
SAMVENV ?= .venv-sam
CHECKOVVENV ?= .venv-checkov

.PHONY: run test setup system-packages sam-cli checkov migrate bench clean lock axe-core

# Each virtualenv installs from a lock file (every package pinned, with hashes) resolved from
# the ranges in the matching requirements file; `make lock` resolves them again. A lock names
# every dependency, so pip installs exactly its lines (--no-deps) and `pip check` then
# confirms that nothing is missing or in conflict.
PIP_INSTALL = -m pip install --quiet --require-hashes --no-deps

run: setup migrate
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# --dist worksteal: the slowest tests (generated projects running their own tests) would otherwise
# gather on one process at the end while the other sits idle.
test: setup system-packages sam-cli checkov
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

setup: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python $(PIP_INSTALL) -r requirements-dev.lock
	$(BIN)/python -m pip check
	touch $@

system-packages:
	sh scripts/system-packages.sh

# The SAM CLI lives in its own virtualenv (its pins differ from ours); tests and the
# benchmark use it for `sam build` and `sam init`. A failed install only skips those.
sam-cli: $(SAMVENV)/.installed

$(SAMVENV)/.installed: requirements-sam.lock
	test -x $(SAMVENV)/bin/python || $(PYTHON) -m venv $(SAMVENV)
	$(SAMVENV)/bin/python $(PIP_INSTALL) -r requirements-sam.lock \
		&& $(SAMVENV)/bin/python -m pip check && touch $@ \
		|| echo "note: the SAM CLI could not be installed; its tests are skipped"

# checkov (a linter the generated-project tests run) pins older boto3, botocore and
# packaging than ours, so it too has its own virtualenv. Its tests need it: a failed
# install stops `make test`.
checkov: $(CHECKOVVENV)/.installed

$(CHECKOVVENV)/.installed: requirements-checkov.lock
	test -x $(CHECKOVVENV)/bin/python || $(PYTHON) -m venv $(CHECKOVVENV)
	$(CHECKOVVENV)/bin/python $(PIP_INSTALL) -r requirements-checkov.lock
	$(CHECKOVVENV)/bin/python -m pip check
	touch $@

# Resolves every range file into its lock for the machines the project runs on (CPython
# LOCK_PYTHON on Linux x86_64), then reinstalls the virtualenvs from the new locks and runs
# the tests. By default every package moves to the newest version its ranges allow;
# `make lock LOCK_UPGRADE=` keeps the current pins and only adds or drops what the ranges
# changed. The runtime lock (requirements.lock, for the Docker image) is constrained to the
# development lock so both install the same versions.
LOCK_PYTHON ?= 3.11.7
LOCK_UPGRADE ?= --upgrade
LOCK = $(BIN)/uv pip compile --quiet --generate-hashes $(LOCK_UPGRADE) \
	--python-version $(LOCK_PYTHON) --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command "make lock"

lock: setup
	$(LOCK) -o requirements-dev.lock requirements-dev.txt
	$(LOCK) -c requirements-dev.lock -o requirements.lock requirements.txt
	$(LOCK) -o requirements-sam.lock requirements-sam.txt
	$(LOCK) -o requirements-checkov.lock requirements-checkov.txt
	$(MAKE) test

# The browser tests run axe-core from tests/browser/vendor/axe-core, taken from the npm
# registry's package and committed with its licence (MPL-2.0); this fetches that version again.
AXE_CORE_VERSION ?= 4.14.1
axe-core:
	dir=$$(mktemp -d) && cd $$dir && npm pack --silent axe-core@$(AXE_CORE_VERSION) >/dev/null \
		&& tar xzf axe-core-$(AXE_CORE_VERSION).tgz \
		&& cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt $(CURDIR)/tests/browser/vendor/axe-core/

migrate: setup
	-sh scripts/system-packages.sh graphviz
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalogue

bench: setup migrate sam-cli
	-sh scripts/system-packages.sh wrk
	$(BIN)/python -m benchmarks.recommend
	$(BIN)/python -m benchmarks.generate
	$(BIN)/python -m benchmarks.analyze
	$(BIN)/python -m benchmarks.panel
	$(BIN)/python -m benchmarks.diagrams
	-$(BIN)/python -m benchmarks.panel_loadtest
	$(BIN)/python -m benchmarks.architecture_list

clean:
	rm -rf $(VENV) $(SAMVENV) $(CHECKOVVENV) db.sqlite3 media staticfiles

# A production-like start on this machine: PostgreSQL and Redis must be running.
PRODUCTION_ENV ?= DJANGO_SETTINGS_MODULE=advisor.settings_production \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	SECRET_KEY=$${SECRET_KEY:-$$(cat .secret_key 2>/dev/null || (python3 -c 'import secrets; print(secrets.token_urlsafe(64))' | tee .secret_key))} \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} SECURE_COOKIES=$${SECURE_COOKIES:-false} SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} NUM_PROXIES=$${NUM_PROXIES:-0}

.PHONY: production
production: setup
	$(PRODUCTION_ENV) $(BIN)/python manage.py migrate --noinput
	$(PRODUCTION_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PRODUCTION_ENV) $(BIN)/honcho -f deploy/Procfile -d . start
