"""Compile the message catalogues (.po → .mo) with polib, so no GNU gettext is needed to run the site."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues(locale_dirs=None):
    """Every .po file under the project's locale directories."""
    for locale_dir in locale_dirs or settings.LOCALE_PATHS:
        yield from sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(locale_dirs=None, force=False):
    """Write each catalogue's .mo beside it when missing or older than the .po; returns those written.
    polib leaves fuzzy and untranslated entries out, as msgfmt does: they fall back to English."""
    written = []
    for po_path in catalogues(locale_dirs):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile layout/locale/*/LC_MESSAGES/*.po into .mo files (skips those already up to date)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile even up-to-date catalogues.")

    def handle(self, *args, force=False, **options):
        written = compile_catalogues(force=force)
        for path in written:
            self.stdout.write(f"Compiled {Path(path).relative_to(settings.BASE_DIR)}")
        if not written:
            self.stdout.write("Catalogues up to date.")
