"""SQLite under load, on a real gunicorn: concurrent saves queue instead of failing, and the loser of two
simultaneous saves of one record is told it changed meanwhile."""

import re
import threading
from collections import Counter

import pytest
from django.conf import settings

from tests.unit.app_servers import Browser, form_fields, prepare_sqlite_site, server_environment, start_gunicorn

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking is what this tests; the SQLite leg of the suite (make test) runs it",
)

OFFICIALS = {"first-official": "first-official-password", "second-official": "second-official-password"}
PUBLIC_PAGES = ["/api/v1/clusters.geojson", "/en/clusters/{slug}/", "/api/v1/scenarios.json"]


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory, sqlite_site_template):
    """gunicorn with 2 workers of 4 threads each on one SQLite file: 8 requests at a time."""
    database_url = prepare_sqlite_site(tmp_path_factory.mktemp("sqlite-site"), OFFICIALS, sqlite_site_template)
    server = start_gunicorn(server_environment(DATABASE_URL=database_url), workers=2, threads=4)
    yield server
    server.stop()


def browser_signed_in(server, username):
    browser = Browser(server.url)
    assert browser.sign_in(username, OFFICIALS[username]).status == 302
    return browser


def clusters(browser):
    """(admin change address, slug) of two clusters, from the admin's list."""
    changelist = browser.get("/admin/layout/cluster/?o=1").text
    paths = sorted(set(re.findall(r'href="(/admin/layout/cluster/\d+/change/)', changelist)))[:2]
    slugs = [re.search(r'name="slug"[^>]*value="([^"]+)"', browser.get(path).text).group(1) for path in paths]
    return list(zip(paths, slugs, strict=True))


def save(browser, change_path, description):
    form = form_fields(browser.get(change_path).text, "cluster_form")
    return browser.post(change_path, {**form, "description_en": description, "_save": "Save"})


def test_admin_saves_under_concurrent_readers_all_succeed(sqlite_server):
    officials = [browser_signed_in(sqlite_server, name) for name in OFFICIALS]
    targets = clusters(officials[0])
    read_statuses, save_statuses = Counter(), Counter()
    saving = threading.Event()
    saving.set()

    def read():
        visitor = Browser(sqlite_server.url)
        while saving.is_set():
            for page in PUBLIC_PAGES:
                read_statuses[visitor.get(page.format(slug=targets[0][1])).status] += 1

    def edit(official, change_path):
        for attempt in range(4):
            save_statuses[save(official, change_path, f"Saved under load, attempt {attempt}.").status] += 1

    readers = [threading.Thread(target=read) for _ in range(6)]
    editors = [
        threading.Thread(target=edit, args=(official, path))
        for official, (path, _slug) in zip(officials, targets, strict=True)
    ]
    for thread in readers + editors:
        thread.start()
    for thread in editors:
        thread.join()
    saving.clear()
    for thread in readers:
        thread.join()

    assert save_statuses == Counter({302: 8}), save_statuses
    assert set(read_statuses) == {200} and read_statuses.total() >= len(PUBLIC_PAGES), read_statuses
    # What was saved is what a visitor reads.
    assert "Saved under load, attempt 3." in Browser(sqlite_server.url).get(f"/en/clusters/{targets[0][1]}/").text


def save_at_once(officials, change_path, forms, attempt):
    """Each official posts their form at the same moment; their answers, in order."""
    answers = [None] * len(officials)
    together = threading.Barrier(len(officials))

    def post(index):
        edited = {**forms[index], "description_en": f"Official {index}, attempt {attempt}.", "_save": "Save"}
        together.wait()
        answers[index] = officials[index].post(change_path, edited)

    posting = [threading.Thread(target=post, args=(index,)) for index in range(len(officials))]
    for thread in posting:
        thread.start()
    for thread in posting:
        thread.join()
    return answers


def test_the_loser_of_two_simultaneous_saves_is_told_the_record_changed_meanwhile(sqlite_server):
    officials = [browser_signed_in(sqlite_server, name) for name in OFFICIALS]
    change_path, _slug = clusters(officials[0])[1]
    for attempt in range(3):
        forms = [form_fields(official.get(change_path).text, "cluster_form") for official in officials]
        answers = save_at_once(officials, change_path, forms, attempt)
        assert sorted(answer.status for answer in answers) == [200, 302], [answer.status for answer in answers]
        refused = next(answer for answer in answers if answer.status == 200)
        assert "changed while you were editing it" in refused.text and "NOT been saved" in refused.text
