"""Send the queued emails that are due (run every minute from cron): failures are retried later, with backoff."""

from django.core.management.base import BaseCommand

from layout import mail_queue


class Command(BaseCommand):
    help = (
        "Send the emails waiting in the queue (enquiries' acknowledgements and new-enquiry notices). A mail the "
        "server refuses is tried again after 1, 2, 4, … minutes (at most 6 hours apart, 12 attempts); each "
        "attempt and its error are recorded (admin → Outgoing emails)."
    )

    def handle(self, *args, **options):
        sent, failed = mail_queue.send_due()
        if options["verbosity"]:
            self.stdout.write(f"Sent {sent} email(s); {failed} failed and will be retried.")
