"""Preparing next year's edition: start it from the latest one, publish it whole, withdraw it (security events)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layout import data_version, drafts, edits, roles, security_log
from layout.models import Cluster, Edition, Project, Scenario, SecurityEvent

# Figures are announced anew each year: a copy does not know next year's, so they start empty (not published)
# and without a source, and nothing unsourced from last year is ever published as next year's.
CLUSTER_FIGURES = (
    "space_m2",
    "space_source",
    "space_quote",
    "investment_cny",
    "investment_source",
    "investment_quote",
    "published_scenario_count",
    "published_scenario_count_source",
    "published_scenario_count_quote",
)
EDITION_RECORDS = (Cluster, Scenario, Project)


def may_manage_editions(user):
    """Starting, publishing and withdrawing an edition changes every district's map: a reviewer's decision
    (may publish every kind of record, in every district) or a superuser's."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return roles.editor_district(user) is None and all(roles.can_publish(user, model) for model in EDITION_RECORDS)


def _check_manager(user):
    if not may_manage_editions(user):
        raise edits.Refused(_("Only a reviewer may start, publish or withdraw an edition."), code="publish")


def next_title(title, year, next_year):
    """The title of the copy: last year's with the year changed, for the officials to edit."""
    return title.replace(str(year), str(next_year)) if str(year) in title else f"{title} ({next_year})"


def _copy(record, **changes):
    """An unsaved copy of a record, as its own live fields (not its draft), linked to it."""
    copy = type(record)._default_manager.get(pk=record.pk)
    copy.pk = None
    copy.id = None
    copy.version = 0
    copy.is_published = False
    copy.draft = {}
    copy.seed_values = {}
    copy.copied_from = record
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def start_next_edition(user):
    """Copy the latest edition into a new, unpublished one (year + 1): its chain list, its published clusters
    (boundaries, anchors, chains, descriptions, sources; figures empty) and its published scenarios. Every
    copy is an edit through the gate (layout.edits) as `user`, all in one transaction. Projects and headline
    figures are announced anew each year and are not copied. Returns the new edition."""
    _check_manager(user)
    with transaction.atomic():
        latest = Edition.objects.select_for_update().order_by("-year").first()
        if latest is None:
            raise edits.Refused(_("There is no edition to start the next one from."), code="no-edition")
        if not latest.is_published:
            # Its copies would be last year's unpublished work, and two editions would be prepared at once.
            raise edits.Refused(
                _("The %(year)s edition is not published yet: prepare and publish it before starting the next one.")
                % {"year": latest.year},
                code="unpublished-edition",
            )
        year = latest.year + 1
        edition = Edition(
            year=year,
            title_zh=next_title(latest.title_zh, latest.year, year),
            title_en=next_title(latest.title_en, latest.year, year),
            is_published=False,
        )
        edition._change_reason = f"started from the {latest.year} edition"
        edits.save(user, edition, {"chains": list(latest.chains.all())}, validate=True)
        copies = {}
        for cluster in Cluster.objects.filter(edition=latest).published().order_by("number"):
            copy = _copy(cluster, edition=edition, **dict.fromkeys(CLUSTER_FIGURES))
            for name in ("space_quote", "investment_quote", "published_scenario_count_quote"):
                setattr(copy, name, "")
            copy._change_reason = f"copied from the {latest.year} edition"
            m2m = {"other_chains": list(cluster.other_chains.all()), "sources": list(cluster.sources.all())}
            edits.save(user, copy, m2m, validate=True)
            copies[cluster.pk] = copy
        for scenario in Scenario.objects.filter(edition=latest).published().select_related("cluster"):
            copy = _copy(scenario, edition=edition, cluster=copies.get(scenario.cluster_id))
            copy._change_reason = f"copied from the {latest.year} edition"
            edits.save(user, copy, validate=True)
        security_log.edition_event(SecurityEvent.Kind.EDITION_STARTED, user, edition, started_from=latest)
    return edition


def publish_edition(user, edition):
    """Publish an edition whole, in one transaction: each of its records with its draft applied (through the
    gate, as `user`), then the edition itself. A record that no longer validates refuses it all
    (ValidationError naming the record); then nothing changes."""
    _check_manager(user)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        for model in EDITION_RECORDS:
            for record in model.objects.filter(edition=edition).order_by("pk"):
                if not record.is_published or drafts.has_draft(record):
                    try:
                        edits.publish(user, record)
                    except edits.Refused:
                        raise
                    except ValidationError as exc:
                        raise edits.Refused(f"{record}: {' '.join(exc.messages)}", code="invalid") from exc
        edition.is_published = True
        edition.published_at = timezone.now()
        edition._change_reason = "edition published"
        edits.save(user, edition)
        data_version.bump()
        security_log.edition_event(SecurityEvent.Kind.EDITION_PUBLISHED, user, edition)
    return edition


def withdraw_edition(user, edition):
    """Take an edition off the public site (its records keep their state, for a later publication). The
    latest published edition is then the default again; the last published one cannot be withdrawn."""
    _check_manager(user)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_published:
            return edition
        if not Edition.objects.published().exclude(pk=edition.pk).exists():
            raise edits.Refused(
                _("The %(year)s edition is the only published one: publish another before withdrawing it.")
                % {"year": edition.year},
                code="last-edition",
            )
        edition.is_published = False
        edition._change_reason = "edition withdrawn"
        edits.save(user, edition)
        data_version.bump()
        security_log.edition_event(SecurityEvent.Kind.EDITION_WITHDRAWN, user, edition)
    return edition
