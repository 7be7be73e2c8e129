"""Write the layout as one standalone HTML map (folium, every asset inlined) that opens with no network."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from layout import offline_map


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

    def handle(self, *args, output, lang, **options):
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        with translation.override(lang):
            html = offline_map.build_html()
        path.write_text(html, encoding="utf-8")
        self.stdout.write(f"Wrote {path} ({len(html.encode()) / 1024:.0f} KB, {lang}).")
