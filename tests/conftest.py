"""Shared fixtures: the 2025 layout loaded once per test database by the real loader, then kept or emptied per test."""

import gc
import json
import math
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from layout.models import EditorProfile

# Each test sees the layout only if it asks for `layout_data`; any other test that uses the database
# sees the layout's tables empty, as it would if the seeds were loaded per test.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


class Seeds:
    """The rows `load_layout` writes into the layout's tables, read back once, so that a database flushed by a
    transactional test gets them again in milliseconds instead of the loader's validation of every record."""

    def __init__(self):
        self.tables = {}  # table name -> (columns, rows)
        self.sqlite_file = None  # the database as loaded, on SQLite (django_db_setup)

    @staticmethod
    def layout_tables():
        return [model._meta.db_table for model in apps.get_app_config("layout").get_models(include_auto_created=True)]

    def load(self):
        """Run the real loader and remember the tables it wrote to (rows a migration put there included)."""
        before = self.row_counts()
        call_command("load_layout", verbosity=0)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, count in self.row_counts().items():
                if count != before[table]:
                    cursor.execute(f"SELECT * FROM {quote(table)}")
                    columns = [column[0] for column in cursor.description]
                    self.tables[table] = (columns, [tuple(map(self.parameter, row)) for row in cursor.fetchall()])

    def row_counts(self):
        with connection.cursor() as cursor:
            counts = {}
            for table in self.layout_tables():
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
            return counts

    @staticmethod
    def parameter(value):
        # PostgreSQL's driver reads jsonb as dict/list but will not write them back as parameters.
        return json.dumps(value) if isinstance(value, (dict, list)) else value

    def present(self):
        table, (_columns, rows) = next(iter(self.tables.items()))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            return cursor.fetchone()[0] == len(rows)

    def ensure_present(self):
        """The seeds in the database: already there in a rolled-back test, written again after a flush."""
        if self.present():
            return
        quote = connection.ops.quote_name
        # One transaction: foreign keys are checked at its end, whatever the order the tables are written in.
        with transaction.atomic(), connection.cursor() as cursor:
            self.empty(self.tables)
            for table, (columns, rows) in self.tables.items():
                names = ", ".join(quote(column) for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
            # PostgreSQL's id sequences do not see ids written explicitly; the next record would collide.
            models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in self.tables]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    @staticmethod
    def empty(tables):
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for table in reversed(list(tables)):
                cursor.execute(f"DELETE FROM {quote(table)}")


SEEDS = Seeds()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `pytest -n N --dist loadgroup` (make test), every browser story goes to one worker, so one chromium
    runs at a time and the other workers run the unit tests beside it; the unit tests are handed out one by one.
    (xdist's own groups, the xdist_group marker, do nothing under pytest 9: it renames node ids pytest no longer
    reads.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserStoriesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return "browser stories" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserStoriesTogether(config, log)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database, migrated by pytest-django, with the 2025 layout loaded once by `load_layout`; on SQLite
    also copied, as it is now, to a file that app servers of their own start from (sqlite_site_template)."""
    with django_db_blocker.unblock():
        SEEDS.load()
        if connection.vendor == "sqlite":
            import sqlite3

            connection.ensure_connection()
            SEEDS.sqlite_file = tmp_path_factory.mktemp("sqlite-template") / "db.sqlite3"
            copy = sqlite3.connect(SEEDS.sqlite_file)
            connection.connection.backup(copy)
            copy.close()


@pytest.fixture(scope="session")
def sqlite_site_template(django_db_setup, tmp_path_factory):
    """A SQLite file migrated and loaded with the 2025 layout, as `make run` leaves its database: on SQLite a copy
    of the test database made before any test ran (migrating and loading again costs a gunicorn test 4 s)."""
    if SEEDS.sqlite_file is None:
        import subprocess
        import sys

        SEEDS.sqlite_file = tmp_path_factory.mktemp("sqlite-template") / "db.sqlite3"
        script = "import django; django.setup(); from django.core.management import call_command as c; "
        script += "c('migrate', verbosity=0); c('load_layout', verbosity=0)"
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{SEEDS.sqlite_file}"}
        subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=environment, check=True, timeout=300)
    return SEEDS.sqlite_file


@pytest.fixture
def layout_data(db):
    """The districts and the 2025 layout as `load_layout` loads them from geodata/ and seeds/ (loaded once per
    test database; the test's transaction rolls back whatever the test changes)."""
    SEEDS.ensure_present()


@pytest.fixture(autouse=True)
def _empty_layout_unless_asked(request):
    """A test that uses the database without asking for `layout_data` gets the layout's tables empty."""
    uses_database = request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(request.fixturenames)
    if not uses_database or "layout_data" in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    Seeds.empty(SEEDS.tables)


def static_files_settings(middleware):
    """What WhiteNoise's list of the finders' files depends on: where the files are, how they are addressed and
    what headers they get."""
    names = ("STATIC_URL", "STATICFILES_DIRS", "STATICFILES_FINDERS", "INSTALLED_APPS", "STORAGES", "DEBUG")
    names += tuple(name for name in dir(settings) if name.startswith("WHITENOISE_"))
    own = (middleware.static_prefix, middleware.max_age, middleware.allow_all_origins, middleware.charset)
    return (type(middleware), own, repr([getattr(settings, name, None) for name in names]))


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once():
    """Every test client builds the middleware anew, and WhiteNoise's middleware lists and stats every static
    file the finders know (the admin's, Leaflet's…) each time: a tenth of the unit tests' CPU time. The list is
    made once per set of static-file settings (a test that changes them gets its own list)."""
    from layout.static_files import StaticFilesMiddleware

    listing = StaticFilesMiddleware.add_files_from_finders
    lists = {}

    def add_files_from_finders(middleware):
        key = static_files_settings(middleware)
        if key not in lists:
            before = dict(middleware.files)
            listing(middleware)
            lists[key] = {url: file for url, file in middleware.files.items() if before.get(url) is not file}
        middleware.files.update(lists[key])

    StaticFilesMiddleware.add_files_from_finders = add_files_from_finders
    yield
    StaticFilesMiddleware.add_files_from_finders = listing


@pytest.fixture(autouse=True)
def _counts_flushed_only_when_asked(monkeypatch):
    """Counts go to the database every LAYOUT_COUNT_FLUSH_SECONDS, by whichever request passes the mark: in a test
    that counts a page's queries, that was whichever request ran ten seconds after the last flush (test_scale
    failed 1 run in 6). A test flushes when it means to: analytics.flush(), or _next_flush set by itself."""
    from layout import analytics

    monkeypatch.setattr(analytics, "_next_flush", math.inf)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Passwords hashed in a blink: the real hasher's slowness protects nothing in a test (a test about the
    real hashers sets settings.PASSWORD_HASHERS itself)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_official(django_user_model, username, role=None, district=None, superuser=False, password="pw"):
    """A staff user in the role (a group of layout.roles), editing `district` when given; or a superuser."""
    if superuser:
        return django_user_model.objects.create_superuser(username, f"{username}@example.org", password)
    user = django_user_model.objects.create_user(username, f"{username}@example.org", password, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if district is not None:
        EditorProfile.objects.create(user=user, district=district)
    return user


@pytest.fixture(autouse=True)
def _language_of_a_fresh_process():
    """Every test starts in the site's default language, as a fresh process would, whatever the test before it
    activated: a test that needs another language says so."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_collection_finish(session):
    """What is imported by now (Django, the project, the test modules) lives to the end of the run: moved out of the
    garbage collector's sight, its full collections (set off by the many small lists a GeoJSON outline becomes)
    walk only what the tests make. 8 % of the unit tests' CPU time (127 s user to 117 s, `pytest tests/unit -n 2`)."""
    gc.collect()
    gc.freeze()


def pytest_sessionstart(session):
    """Pages are read in Chinese too: compile the catalogues as `make test` does, for a bare `pytest`."""
    from layout.management.commands.compile_catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor as well as the password (the admin asks both)."""
    from tests.unit.conftest import pass_second_factor

    client.force_login(admin_user)
    return pass_second_factor(client, admin_user)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Our static files collected once per run, as `make serve` collects them (hashed names, gzip and Brotli
    copies), into a fresh STATIC_ROOT. Left out, as no page loads them and compressing them is most of
    collectstatic's time: the admin's and import-export's files, and Leaflet's unminified sources with their
    source maps (a page loads leaflet.js unless the templates run in debug mode). Under xdist the first worker
    to need them collects them for all (the others wait on a lock)."""
    import fcntl
    import subprocess
    import sys

    # An xdist worker's temporary directory is one of the run's (popen-gw0, …): their parent is shared.
    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared
    root = shared / "static-root"
    with open(shared / "static-root.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            env = {
                **os.environ,
                "DJANGO_DEBUG": "false",
                "DJANGO_STATIC_ROOT": str(root),
                "DJANGO_SECRET_KEY": "x" * 64,
            }
            ignored = ["admin", "import_export", "leaflet-src.js*", "leaflet.draw-src.*"]
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"]
                + [f"--ignore={pattern}" for pattern in ignored],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
                timeout=300,
            )
    return root


@pytest.fixture(autouse=True)
def empty_answer_cache():
    """Each test starts with no cached answer (layout.answer_cache): a test that changes what a page
    shows without changing the data (a setting, a patched function) gets its own page."""
    from django.core.cache import caches

    caches["default"].clear()
