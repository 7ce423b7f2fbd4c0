# Shooting Circle. The two commands that matter:
#   make run   venv + requirements + migrate + demo data, then web server, Celery worker and beat on
#              http://127.0.0.1:8000 (embedded: SQLite and a filesystem broker under var/); Ctrl-C stops all
#   make test  ruff (lint + format check), migrations check, the whole pytest suite (make test-fast: the quick tier)
# With DATABASE_URL / REDIS_URL set, the same targets use PostgreSQL and Redis (`make worker`, `make beat`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# `make test` runs the suite on PYTEST_WORKERS pytest-xdist workers (2: the machine's cores), each with its
# own test database and Redis database (see config/settings.py). A worker takes a whole test file, or a
# whole group of files (XDIST_GROUPS in tests/conftest.py: the races, the tests of the real Celery worker),
# so module fixtures such as the seeded demo zone are built once and the races (up to 51 database
# connections each) never run beside each other (--dist loadfile, with tests/conftest.py's
# FileGroupScheduling). The longest units come first (LONGEST_FIRST; --no-loadscope-reorder keeps that order).
# PYTEST_WORKERS=0, or -n 0 or -p no:xdist in PYTEST_ARGS, runs it in one process (for pdb or -x).
# `make test-fast` runs the quick tier: everything but the tests marked slow (see README).
PYTEST_WORKERS ?= 2
PYTEST_XDIST = $(if $(filter 0,$(PYTEST_WORKERS))$(findstring no:xdist,$(PYTEST_ARGS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

.PHONY: run serve test test-fast test-at install install-dev lint format check-migrations pytest migrate seed worker beat \
	compose-config messages clean distclean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required: set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web server + Celery worker + beat, stopped together (scripts/devserver.py).
run: seed
	$(BIN)/python scripts/devserver.py --host $(HOST) --port $(PORT)

# The web server alone (tasks then wait in the broker until a worker runs).
serve: migrate
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

test: lint check-migrations pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: install-dev
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The quick tier, for development: lint and the suite without the tests marked slow (the races, the real
# Celery worker and dev server, the browser, schemathesis, the demo seed, the longest property tests).
test-fast: lint
	$(BIN)/python -m pytest $(PYTEST_XDIST) -m "not slow" $(PYTEST_ARGS)

# The suite (or PYTEST_ARGS) with the clock at each of TIMES, Asia/Shanghai (libfaketime: apt-get install faketime).
TIMES ?= "2026-11-29 00:30" "2026-11-30 06:15" "2026-12-31 12:00" "2027-01-31 23:50"
test-at: install-dev
	scripts/test-at $(TIMES) -- $(PYTEST_ARGS)

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Validates docker-compose.yml (no Docker engine needed).
compose-config: install
	scripts/compose config -q

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var .pytest_cache .ruff_cache staticfiles

distclean: clean
	rm -rf $(VENV)
