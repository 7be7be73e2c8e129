# Two commands: `make run` (set up and serve the map) and `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: messages preview-image run serve setup test test-postgres install install-dev check bench lighthouse districts \
	boundaries clean lint format test-browser test-browser-repeat

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

# Serve for real: gunicorn with WEB_CONCURRENCY workers (default 2), DJANGO_DEBUG off unless set, static
# files collected with hashed names and gzip/Brotli copies; a random secret key made once (.secret-key)
# unless DJANGO_SECRET_KEY is set. The system checks run before serving (migrate runs them).
WEB_CONCURRENCY ?= 2
serve: export DJANGO_DEBUG ?= false
serve: install
	$(PY) manage.py create_secret_key_file
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(MAKE) --no-print-directory setup
	$(PY) -m gunicorn layout.wsgi --bind $(HOST) --workers $(WEB_CONCURRENCY) --access-logfile -

# Two pytest-xdist workers by default (TEST_WORKERS=auto: one per core; 0: no worker processes), each with its own
# test database and live server; the browser stories all go to one of them (tests/conftest.py).
TEST_WORKERS ?= 2
test: install-dev
	$(PY) manage.py compile_catalogues
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

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

# The unit suite again on a throwaway PostgreSQL server and a throwaway Redis (Debian's postgresql and
# redis-server; installed if missing): several app servers sharing both (tests/unit/test_two_servers.py).
test-postgres: install-dev
	.ci/with-postgres .ci/with-redis $(PY) -m pytest tests/unit -q

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

# Requests/s of `make serve`'s server (wrk, Debian's; installed if missing) as ratios to a static file, and
# uncached build times at 14 and 1,400 clusters, on a throwaway database: a few minutes.
bench: install
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

# Lighthouse (npm, bench/lighthouse/) in Debian's chromium on the map page and a cluster page as `make serve`
# serves them; prints the four category scores and the top opportunities. Not part of `make test`.
lighthouse: setup
	$(PY) manage.py create_secret_key_file
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	cd bench/lighthouse && npm install --no-audit --no-fund --loglevel=error
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) bench/lighthouse.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache bench/lighthouse/node_modules
