"""Back up all layout data (with geometry) to one JSON file."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from layout import backup


class Command(BaseCommand):
    help = (
        "Write every layout record (sources, districts, chains, clusters, scenarios, projects, headline "
        "figures; boundaries, drafts and publication state included) to one JSON file (.json or .json.gz). "
        "`restore_layout FILE` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write (default: layout-backup-<date-time>.json)")

    def handle(self, *args, **options):
        path = options["file"] or f"layout-backup-{timezone.localtime():%Y%m%d-%H%M%S}.json"
        path = backup.write(path)
        if options["verbosity"]:
            counts = backup.read(path)["counts"]
            summary = ", ".join(f"{count} {label.split('.')[-1]}" for label, count in counts.items())
            self.stdout.write(f"Backed up to {path}: {summary}.")
