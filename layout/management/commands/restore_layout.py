"""Restore all layout data from a backup_layout file: all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from layout import backup


class Command(BaseCommand):
    help = (
        "Make the layout exactly what a backup_layout file holds (records not in it are deleted). "
        "Everything is checked first: if any record is invalid, nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by backup_layout")

    def handle(self, *args, **options):
        try:
            data = backup.read(options["file"])
            counts = backup.restore(data, reason=f"restored from {options['file']}")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"]:
            summary = ", ".join(f"{count} {label.split('.')[-1]}" for label, count in counts.items())
            self.stdout.write(f"Restored from {options['file']}: {summary}.")
