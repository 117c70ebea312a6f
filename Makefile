# Two commands: `make run` (set up and serve on http://127.0.0.1:5000) and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
# make run is development: a known secret key and plain http (config.py).
FLASK  := REGISTRY_ENV=development $(VENV)/bin/flask --app app
PYBABEL := $(VENV)/bin/pybabel
DEMO_COUNT ?= 80

.PHONY: run install db test test-sqlite test-postgres bench translations extract-messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Compile the vi/en catalogues (the compiled .mo files are committed too).
translations: install
	$(PYBABEL) compile -d translations --statistics

## Re-extract every string and merge it into the catalogues (developers, after changing text).
extract-messages: install
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k pgettext:1c,2 \
	  --no-location --sort-output -o translations/messages.pot .
	$(PYBABEL) update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(PY) tools/complete_catalogues.py

db: install translations
	$(FLASK) db upgrade
	$(FLASK) init-data
	$(FLASK) seed-demo --count $(DEMO_COUNT) --if-empty

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

## The suite runs in parallel (pytest-xdist): TEST_WORKERS processes (2 by default, the cores of
## CI's machine; TEST_WORKERS=0 runs it in one process), each on a database of its own (SQLite
## file, PostgreSQL database registry_test_gw0, …: tests/conftest.py). `.venv/bin/python -m
## pytest` alone still runs it in one process.
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

## The suite on SQLite (with the browser journeys when Chromium is there), then on PostgreSQL
## when a server answers on 127.0.0.1:5432.
test: install translations
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite: install translations
	$(PYTEST)

test-postgres: install translations
	@url=$$($(PY) -m tests.postgres); \
	if [ -n "$$url" ]; then \
	  echo "== PostgreSQL run ($$url, one database per worker) =="; \
	  TEST_DATABASE_URL=$$url $(PYTEST) -m "not browser"; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL is required (REQUIRE_POSTGRES) but not reachable." >&2; exit 1; \
	else \
	  echo "PostgreSQL not reachable on 127.0.0.1:5432: SKIPPED the PostgreSQL run."; \
	fi

## Locust (the served load test) is only for the benchmark: installed on its first run.
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(VENV)/bin/pip install --quiet -r requirements-bench.txt
	touch $@

bench: install translations $(VENV)/.bench-installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
