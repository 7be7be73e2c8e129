"""Write the layout as one standalone HTML map (folium, every asset inlined) that opens with no network."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from layout import editions, offline_map
from layout.models import Edition


class Command(BaseCommand):
    help = (
        "Write the published layout as a standalone HTML map: Leaflet, styles and data inlined, no tiles, "
        "nothing fetched, so it opens from a USB stick."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="The HTML file to write (its folder must exist).")
        parser.add_argument(
            "--lang",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the map.",
        )
        parser.add_argument(
            "--year", type=int, default=None, help="The edition of the layout (default: the latest published)."
        )

    def handle(self, *args, output, lang, year=None, **options):
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        edition = editions.latest_published() if year is None else Edition.objects.published().filter(year=year).first()
        if edition is None:
            raise CommandError(f"No published edition of {year}." if year else "No edition is published.")
        with translation.override(lang), editions.answering(edition):
            html = offline_map.build_html()
        path.write_text(html, encoding="utf-8")
        self.stdout.write(f"Wrote {path} ({len(html.encode()) / 1024:.0f} KB, {lang}).")
