# The two commands of the README are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgresql lint format bench lock docs vendor clean
HTMX_VERSION := 2.0.11
SWAGGER_UI_VERSION := 5.35.0
# A fresh database name per run; the suite creates one database per worker from it.
POSTGRESQL_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/fraudlink_test_$(shell date +%s%N)

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

# htmx and Swagger UI come from the npm registry and are committed: no page loads from a CDN.
VENDOR := src/fraudlink/web/static/vendor
vendor:
	rm -rf /tmp/fraudlink-vendor && mkdir -p /tmp/fraudlink-vendor
	cd /tmp/fraudlink-vendor && npm pack --silent htmx.org@$(HTMX_VERSION) \
	    && mkdir htmx && tar -xzf htmx.org-$(HTMX_VERSION).tgz -C htmx
	cp /tmp/fraudlink-vendor/htmx/package/dist/htmx.min.js $(VENDOR)/htmx-$(HTMX_VERSION).min.js
	cp /tmp/fraudlink-vendor/htmx/package/LICENSE $(VENDOR)/htmx-LICENSE.txt
	cd /tmp/fraudlink-vendor && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) \
	    && mkdir swagger && tar -xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz -C swagger
	cd /tmp/fraudlink-vendor/swagger/package && cp swagger-ui-bundle.js swagger-ui.css LICENSE \
	    favicon-32x32.png $(CURDIR)/$(VENDOR)/swagger-ui/

# Re-resolve every dependency to its newest release and pin the result.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
