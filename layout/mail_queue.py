"""Emails kept in a table until the mail server takes them: queued in the sender's transaction, sent and retried with backoff."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from layout.models import OutgoingMail

# After this many failures a mail waits for an official (it stays in the admin with its last error).
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
# While one sender works on a mail, another (a second server's cron) leaves it alone.
LEASE = timedelta(minutes=5)


def queue(to, subject, body, enquiry=None, reply_to=""):
    """Keep a mail to send; called inside the transaction that saves what it is about."""
    return OutgoingMail.objects.create(
        to=to, subject=subject, body=body, enquiry=enquiry, reply_to=reply_to, next_attempt_at=timezone.now()
    )


def retry_delay(attempts):
    """1, 2, 4, … minutes after each failure, at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def due(now=None):
    now = now or timezone.now()
    return OutgoingMail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now).order_by("next_attempt_at", "pk")


def _claim(mail, now):
    """Whether this process may send the mail: it moves the next attempt on, if no one else has since it was read."""
    claimed = OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=True, next_attempt_at=mail.next_attempt_at)
    return claimed.update(next_attempt_at=now + LEASE) == 1


def send(mails):
    """Try each mail once; record the attempt, and when it failed, the error and the time of the next try.
    Returns (sent, failed) counts."""
    sent = failed = 0
    for mail in mails:
        now = timezone.now()
        if mail.sent_at is not None or not _claim(mail, now):
            continue
        mail.attempts += 1
        try:
            EmailMessage(
                mail.subject,
                mail.body,
                settings.DEFAULT_FROM_EMAIL,
                [mail.to],
                reply_to=[mail.reply_to] if mail.reply_to else None,
            ).send()
        except Exception as exc:  # noqa: BLE001 — any failure of the mail server is retried later
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            mail.next_attempt_at = now + retry_delay(mail.attempts) if mail.attempts < MAX_ATTEMPTS else None
            failed += 1
        else:
            mail.sent_at = timezone.now()
            mail.next_attempt_at = None
            sent += 1
        mail.save(update_fields=["attempts", "last_error", "next_attempt_at", "sent_at"])
    return sent, failed


def send_due():
    return send(list(due()))
