"""The security event log: what is recorded (sign-ins, failures, lock-outs, roles, editions) and its CSV export."""

import csv

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from layout.exports import spreadsheet_text
from layout.models import EditorProfile, SecurityEvent

CSV_COLUMNS = ["at", "kind", "username", "actor", "ip_address", "detail"]


def current_request():
    """The request being answered, as django-simple-history's middleware keeps it (None in a command)."""
    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def record(kind, request=None, user=None, username="", detail="", actor=None):
    """Add one event; who did it is `actor` if given, else the signed-in user of the request, if any."""
    request = request or current_request()
    signed_in = getattr(request, "user", None)
    if actor is None:
        actor = signed_in.get_username() if signed_in is not None and signed_in.is_authenticated else ""
    return SecurityEvent.objects.create(
        kind=kind,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        user=user if user is not None and user.pk else None,
        actor=actor,
        ip_address=client_ip(request),
        detail=detail,
    )


@receiver(user_logged_in, dispatch_uid="layout.security_log.signed_in")
def signed_in(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.SIGN_IN, request, user=user)


@receiver(user_logged_out, dispatch_uid="layout.security_log.signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEvent.Kind.SIGN_OUT, request, user=user)


@receiver(user_login_failed, dispatch_uid="layout.security_log.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    record(SecurityEvent.Kind.SIGN_IN_FAILED, request, username=str(credentials.get("username") or ""))


@receiver(user_locked_out, dispatch_uid="layout.security_log.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    record(SecurityEvent.Kind.LOCKED_OUT, request, username=str(username or ""))


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="layout.security_log.groups")
def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # A group emptied: after the clear there is no telling whom it held.
        instance._members_before_clear = set(instance.user_set.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse and action == "post_clear":
        pk_set = getattr(instance, "_members_before_clear", set())
    users = get_user_model().objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    for user in users:
        groups = ", ".join(sorted(user.groups.values_list("name", flat=True))) or "—"
        record(SecurityEvent.Kind.GROUPS_CHANGED, user=user, detail=f"groups now: {groups}")


@receiver(pre_save, sender=EditorProfile, dispatch_uid="layout.security_log.district_before")
def district_before(sender, instance, **kwargs):
    before = EditorProfile.objects.filter(pk=instance.pk).values_list("district__name_en", flat=True).first()
    instance._district_before = before if instance.pk else None


@receiver(post_save, sender=EditorProfile, dispatch_uid="layout.security_log.district_after")
def district_after(sender, instance, created, **kwargs):
    before = getattr(instance, "_district_before", None)
    after = instance.district.name_en if instance.district_id else None
    if before != after:
        record(
            SecurityEvent.Kind.DISTRICT_CHANGED,
            user=instance.user,
            detail=f"district: {before or '—'} → {after or '—'}",
        )


@receiver(post_delete, sender=EditorProfile, dispatch_uid="layout.security_log.district_removed")
def district_removed(sender, instance, **kwargs):
    if instance.district_id:
        user = get_user_model().objects.filter(pk=instance.user_id).first()
        record(
            SecurityEvent.Kind.DISTRICT_CHANGED,
            user=user,
            username="" if user else str(instance.user_id),
            detail=f"district: {instance.district.name_en} → —",
        )


def edition_event(kind, user, edition, started_from=None):
    """An edition started, published or withdrawn (layout.next_edition), by `user` (who is also the account
    the event is about: no other account is concerned); the detail is the year, language-neutral."""
    detail = f"{started_from.year} → {edition.year}" if started_from is not None else str(edition.year)
    record(kind, user=user, actor=user.get_username(), detail=detail)


def spreadsheet_safe(value):
    """A cell of the log's CSV, shown by a spreadsheet as text (layout.exports.spreadsheet_text)."""
    return spreadsheet_text("" if value is None else str(value))


def write_csv(events, stream):
    """The events as CSV (UTF-8 with BOM for Excel), every cell formula-safe."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    event.at.isoformat(),
                    event.kind,
                    event.username,
                    event.actor,
                    event.ip_address,
                    event.detail,
                )
            ]
        )
