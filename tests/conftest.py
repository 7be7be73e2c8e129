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


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor as well as the password (the admin asks both)."""
    from tests.unit.officials import pass_second_factor

    client.force_login(admin_user)
    return pass_second_factor(client, admin_user)
