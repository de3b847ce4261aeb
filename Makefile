# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_START ?= 2026-01-01
DEMO_END ?= 2027-12-31
# Absolute links in the feeds and the subscribe page point where the demo is served.
export CITY_EVENTS_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install demo serve test lint format bench clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py solve --start $(DEMO_START) --end $(DEMO_END) --publish --comment "Demo plan"
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "Open:"
	@echo "  Calendar     http://$(HOST):$(PORT)/            (English: /?lang=en)"
	@echo "  Subscribe    http://$(HOST):$(PORT)/subscribe/"
	@echo "  Feed         http://$(HOST):$(PORT)/calendar/all.ics"
	@echo "  API          http://$(HOST):$(PORT)/api/v1/"
	@echo "  API docs     http://$(HOST):$(PORT)/api/docs/"
	@echo "  Admin        http://$(HOST):$(PORT)/admin/   (python manage.py createsuperuser first)"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
