"""Move the counts of what investors look at from the cache to the database now (layout.analytics)."""

from django.core.management.base import BaseCommand

from layout import analytics


class Command(BaseCommand):
    help = (
        "Write the visit, search and download counts held in the cache to the database. Requests do it every "
        "LAYOUT_COUNT_FLUSH_SECONDS anyway; run it from cron when the cache is shared (Redis), e.g. before a "
        "report. With a local-memory cache each process holds its own counts, and this command's are empty."
    )

    def handle(self, *args, **options):
        moved = analytics.flush()
        self.stdout.write(f"{moved} counted views, searches and calls written to the database.")
