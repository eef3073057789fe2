# The two commands of the README are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgresql lint format bench lock docs vendor clean
HTMX_VERSION := 2.0.11
# A fresh database name per run; the suite creates one database per worker from it.
POSTGRESQL_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/fraudlink_test_$(shell date +%s)_$$$$

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(INSTALLED)

run: install
	$(BIN)/fraudlink db upgrade
	$(BIN)/fraudlink demo
	$(BIN)/fraudlink serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n 2

test-postgresql: install
	FRAUDLINK_TEST_DATABASE_URL='$(POSTGRESQL_URL)' $(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

docs: install
	$(BIN)/python -m tests.cli_reference

# htmx comes from the npm registry and is committed, so pages never load code from a CDN.
vendor:
	cd /tmp && npm pack --silent htmx.org@$(HTMX_VERSION) && tar -xzf htmx.org-$(HTMX_VERSION).tgz
	cp /tmp/package/dist/htmx.min.js src/fraudlink/web/static/vendor/htmx-$(HTMX_VERSION).min.js
	cp /tmp/package/LICENSE src/fraudlink/web/static/vendor/htmx-LICENSE.txt

# Re-resolve every dependency to its newest release and pin the result.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
