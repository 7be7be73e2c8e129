"""Delete enquiries (their personal data) past the retention period, keeping anonymous counts."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from layout import enquiries
from layout.models import Enquiry


def purge(now=None, days=None):
    """Erase every enquiry received more than `days` ago; returns how many."""
    days = settings.LAYOUT_ENQUIRY_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return enquiries.erase(Enquiry.objects.filter(created_at__lt=cutoff))


class Command(BaseCommand):
    help = (
        "Delete the enquiries received more than LAYOUT_ENQUIRY_RETENTION_DAYS days ago (default 730): names, "
        "contacts, messages, their emails and history. Anonymous counts (per month, subject, district, status) "
        "are kept (admin → Enquiry counts). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Keep this many days instead of the setting.")

    def handle(self, *args, **options):
        deleted = purge(days=options["days"])
        if options["verbosity"]:
            self.stdout.write(f"Deleted {deleted} enquiry(ies) past the retention period; their counts are kept.")
