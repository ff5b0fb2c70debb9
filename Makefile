# The two commands: `make run` serves the site, `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

.PHONY: run serve test test-sqlite test-postgres test-load lint install install-test messages bench bench-growth bench-ingest clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Local development: debug on, the SQLite file db.sqlite3 unless DATABASE_URL says otherwise.
# The settings come from .env (written once, git-ignored), so every manage.py command run by
# hand gets them too; variables exported in the shell win over it.
run: install .env
	$(MANAGE) migrate --no-input
	$(MANAGE) loaddemo
	@echo
	@echo "  Site:  http://127.0.0.1:8000/"
	@echo "  Admin: http://127.0.0.1:8000/admin/"
	@echo "  API:   http://127.0.0.1:8000/api/v1/docs  (the same content as JSON: curl http://127.0.0.1:8000/api/v1/articles)"
	@echo "  Create an admin account with:  $(MANAGE) createsuperuser"
	@echo "  Settings: .env (debug on, a development key of this machine)"
	@echo
	$(MANAGE) runserver 127.0.0.1:8000

# Written once: an existing .env is left as it is.
.env:
	$(PYTHON) -c "import secrets; open('$@', 'x').write('# Local development settings, written by make run; \
	never used on a server.\nDJANGO_DEBUG=1\nDJANGO_SECRET_KEY=' + secrets.token_urlsafe(50) + '\n')"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=newsroom.test_settings $(MANAGE) makemigrations --check --dry-run

# Production: static files collected, then gunicorn (settings from the environment: README,
# "Running on several machines"), one worker per CPU. Each worker keeps its own pages unless
# REDIS_URL gives them a shared cache; either way every change reaches every worker at once,
# since the cache generation lives where all of them read it (articles/caching.py).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
THREADS ?= 8
BIND ?= 0.0.0.0:8000
# A server never reads the development .env that make run writes, even in the same checkout.
serve: export DJANGO_ENV_FILE :=
serve: install
	$(MANAGE) migrate --no-input
	$(MANAGE) render_articles
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn newsroom.wsgi --bind $(BIND) --workers $(WORKERS) --threads $(THREADS) --access-logfile -

# The public pages' benchmark (not part of `make test`): make bench SIZE=10000 DB=sqlite|postgres|both;
# make bench-growth compares bench/results' PostgreSQL 10,000 run with its largest (SIZE=1000000).
SIZE ?= 10000
DB ?= sqlite
bench: install
	$(BIN)/python bench/public_pages.py --size $(SIZE) --db $(DB)

bench-growth: install
	$(BIN)/python bench/public_pages.py --growth

# Feed intake's benchmark: 500 items in one feed, 5,000 in twenty, on SQLite (DB=postgres: PostgreSQL)
bench-ingest: install
	$(BIN)/python bench/ingest_feeds.py --db $(DB)

# Every test, on SQLite and on a PostgreSQL server started for the run, the two at once (one
# per core: each suite is one process, so together they take the time of the longer one).
# SQLite's run prints as it goes; PostgreSQL's is printed when both are done. Only SQLite's
# run rewrites the README's screenshots (the other writes its own where nobody reads them).
test: lint
	rm -f .coverage .coverage.*
	mkdir -p var
	COVERAGE_FILE=.coverage.postgres NEWSROOM_SCREENSHOTS_DIR=var/screenshots-postgres \
	  $(BIN)/python -m tests.pgcluster $(BIN)/pytest --cov --cov-report= -p no:cacheprovider $(PYTEST_ARGS) \
	  > var/test-postgres.log 2>&1 & postgres=$$!; \
	COVERAGE_FILE=.coverage.sqlite $(BIN)/pytest --cov --cov-report= $(PYTEST_ARGS); sqlite=$$?; \
	wait $$postgres; status=$$?; \
	echo; echo "==== PostgreSQL ===="; cat var/test-postgres.log; \
	test $$sqlite -eq 0 && test $$status -eq 0
	$(BIN)/coverage combine --quiet .coverage.sqlite .coverage.postgres
	$(BIN)/coverage report --skip-empty

test-sqlite: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-test
	$(BIN)/python -m tests.pgcluster $(BIN)/pytest $(PYTEST_ARGS)

# Fifty readers and four editors for a minute, twice (editors saving public articles; saving drafts
# while feeds are ingested and a public article is corrected), through gunicorn with the production
# caches (Redis when REDIS_URL is set), on a throwaway PostgreSQL (tests/test_load.py; LOAD_SECONDS,
# LOAD_READERS, LOAD_EDITORS change that). Not part of `make test`.
test-load: install-test
	$(BIN)/pytest -m slow -s -p no:cacheprovider tests/test_load.py

# Regenerate the translation catalogues after changing a string (needs gettext).
messages: install
	DJANGO_DEBUG=1 $(MANAGE) makemessages --locale fr --locale en --ignore '.venv/*'
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) .coverage .pytest_cache .ruff_cache staticfiles
