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
        parser.add_argument(
            "--with-personal-data",
            action="store_true",
            help="Also write the investors' enquiries (names, contacts, messages: personal data, which the "
            "backup then says it holds; keep such a file as carefully as the database). Default: left out.",
        )

    def handle(self, *args, **options):
        path = options["file"] or f"layout-backup-{timezone.localtime():%Y%m%d-%H%M%S}.json"
        path = backup.write(path, with_personal_data=options["with_personal_data"])
        if options["verbosity"]:
            data = backup.read(path)
            summary = ", ".join(f"{count} {label.split('.')[-1]}" for label, count in data["counts"].items())
            personal = (
                "It holds personal data (enquiries)."
                if data["personal_data"]
                else "No personal data (enquiries left out)."
            )
            self.stdout.write(f"Backed up to {path}: {summary}. {personal}")
