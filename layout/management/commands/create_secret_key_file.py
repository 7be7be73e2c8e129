"""Write a random secret key, once, to the file the settings read it from (run by `make serve`)."""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand


def create_secret_key_file(path):
    """Create `path` with a new random key, readable and writable only by its owner; False if it exists.
    O_EXCL: two servers starting at once cannot each write a key and end up with different ones."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_urlsafe(64) + "\n")
    return True


class Command(BaseCommand):
    help = (
        "Unless DJANGO_SECRET_KEY is set, make sure the secret key file exists (DJANGO_SECRET_KEY_FILE, default "
        ".secret-key): write a random key into it once (mode 0600) and keep it afterwards. Several app servers "
        "must share one key: copy the file, or set DJANGO_SECRET_KEY on each."
    )
    # Runs before the key exists: the check that refuses the development key must not stop it.
    requires_system_checks = []

    def handle(self, *args, **options):
        if os.environ.get("DJANGO_SECRET_KEY"):
            self.stdout.write("The secret key comes from DJANGO_SECRET_KEY.")
        elif create_secret_key_file(settings.SECRET_KEY_FILE):
            self.stdout.write(f"Wrote a new random secret key to {settings.SECRET_KEY_FILE} (mode 0600, not in git).")
        else:
            self.stdout.write(f"The secret key comes from {settings.SECRET_KEY_FILE}.")
