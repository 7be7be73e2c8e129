"""Delete enquiries (their personal data) past the retention period, keeping anonymous counts."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from layout.models import Enquiry, EnquiryCount


def purge(now=None, days=None):
    """Delete every enquiry received more than `days` ago (with its emails and its follow-up history); add
    it to the anonymous counts per month, subject, district and status. Returns how many were deleted."""
    days = settings.LAYOUT_ENQUIRY_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        old = list(Enquiry.objects.select_for_update().filter(created_at__lt=cutoff).order_by("pk"))
        for enquiry in old:
            month = timezone.localtime(enquiry.created_at).date().replace(day=1)
            cluster_id = enquiry.cluster_id or (enquiry.scenario.cluster_id if enquiry.scenario else None)
            count, _created = EnquiryCount.objects.get_or_create(
                month=month,
                cluster_id=cluster_id,
                district_id=enquiry.district_id,
                subject=enquiry.subject,
                status=enquiry.status,
            )
            EnquiryCount.objects.filter(pk=count.pk).update(count=F("count") + 1)
        ids = [enquiry.pk for enquiry in old]
        Enquiry.objects.filter(pk__in=ids).delete()  # their queued and sent emails with them (CASCADE)
        # The follow-up history holds no sender's data, but notes and outcomes may name people: it goes too
        # (after the deletion, which itself adds a history row).
        Enquiry.history.filter(id__in=ids).delete()
    return len(ids)


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
