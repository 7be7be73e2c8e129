# Two commands: `make run` (set up and serve the map) and `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: messages preview-image run setup test test-postgres install install-dev check bench districts boundaries clean \
	lint format test-browser test-browser-repeat

# Each stamp is remade only when its requirements file changes, so a second `make run` is quick.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Migrate and load the 2025 layout; the loader keeps what officials have edited.
setup: install
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles --verbosity 0
	$(PY) manage.py load_layout

run: setup
	$(PY) manage.py runserver $(HOST)

test: install-dev
	$(PY) manage.py compile_catalogues
	$(PY) -m pytest

# Only the browser stories; `make test-browser-repeat N=20` runs them N times in a row and stops at the first
# failure (a story that fails one run in twenty is a flake to fix, not to retry).
N ?= 20
test-browser: install-dev
	$(PY) manage.py compile_catalogues
	$(PY) -m pytest tests/browser -q
test-browser-repeat: install-dev
	$(PY) manage.py compile_catalogues
	@for run in $$(seq $(N)); do \
	  echo "== browser stories, run $$run of $(N)"; \
	  $(PY) -m pytest tests/browser -q -p no:cacheprovider || { echo "== run $$run of $(N) failed"; exit 1; }; \
	done; echo "== $(N) runs of the browser stories passed"

# Lint: ruff (Python), ESLint (the ES modules, from npm; `npm ci` installs the locked version) and djLint
# (templates; .djlintrc ignores H021: a swatch's colour is the record's own, set inline). CI runs it first.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
lint: install-dev node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	node_modules/.bin/eslint .
	$(VENV)/bin/djlint templates --lint
format: install-dev
	$(VENV)/bin/ruff format .

# The unit suite again on a throwaway PostgreSQL server (Debian's postgresql; installed if missing).
test-postgres: install-dev
	.ci/with-postgres $(PY) -m pytest tests/unit -q

check: install
	$(PY) manage.py check

# Translators: collect new strings into layout/locale/*/django.po (needs GNU gettext's xgettext;
# running and testing the site do not: compile_catalogues uses polib).
messages:
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete
# Redraw static/layout/preview.png (the picture shared links show) from the loaded layout.
preview-image: setup install-dev
	$(PY) manage.py build_preview_image

# Rebuild the geodata from its sources (needs the development requirements).
districts: install-dev
	$(PY) manage.py build_districts
boundaries: install-dev
	$(PY) manage.py build_cluster_boundaries

bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
