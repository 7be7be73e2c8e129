"""Shared fixtures: the 2025 layout loaded into the test database by the real loader."""

import pytest
from django.core.management import call_command


@pytest.fixture
def layout_data(db):
    """The districts and the 2025 layout, loaded from geodata/ and seeds/ by `load_layout`."""
    call_command("load_layout", verbosity=0)


def pytest_sessionstart(session):
    """Pages are read in Chinese too: compile the catalogues as `make test` does, for a bare `pytest`."""
    from layout.management.commands.compile_catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def empty_answer_cache():
    """Each test starts with no cached answer (layout.answer_cache): a test that changes what a page
    shows without changing the data (a setting, a patched function) gets its own page."""
    from django.core.cache import caches

    caches["default"].clear()
