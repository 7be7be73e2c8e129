"""The data version: one token in the database that changes with any change to the layout data."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# The one row of layout.DataVersion.
ROW = 1


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: datetime


def layout_models():
    """The models whose records the public pages, the API and the downloads show."""
    from layout.models import Cluster, District, Edition, HeadlineFigure, IndustryChain, Project, Scenario, Source

    return (Source, District, IndustryChain, Edition, Cluster, Scenario, Project, HeadlineFigure)


def _model():
    from layout.models import DataVersion

    return DataVersion


def bump(using=None):
    """A new token, written in the caller's transaction: readers see it no earlier than the change itself.

    A random token rather than a counter: a database restored from a backup, or a test's rolled-back
    transaction, can never bring back a token whose cached answers were built from other data."""
    model = _model()
    using = using or router.db_for_write(model)
    values = {"token": uuid.uuid4().hex, "changed_at": timezone.now()}
    if model.objects.using(using).filter(pk=ROW).update(**values):
        return
    try:
        with transaction.atomic(using=using):
            model.objects.using(using).create(pk=ROW, **values)
    except IntegrityError:  # created meanwhile by another process
        model.objects.using(using).filter(pk=ROW).update(**values)


def current(using=DEFAULT_DB_ALIAS):
    """The version now (one query); made on first use in a database that has none."""
    row = _read(using)
    if row is None:
        bump(using=using)
        row = _read(using)
    return Version(*row)


def _read(using):
    """The row by primary key in plain SQL: every public answer, cached ones included, asks for it, and the
    ORM's query building cost more than the query (a third of a cached answer's time, profiled). The
    database stays the truth, so a change through any process or machine is seen by the next request."""
    connection = connections[using]
    table = connection.ops.quote_name(_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, changed_at FROM {table} WHERE id = %s", [ROW])  # noqa: S608 (a model's table)
        row = cursor.fetchone()
    if row is None:
        return None
    token, changed_at = row
    # SQLite gives the text it stored (UTC when USE_TZ); PostgreSQL an aware datetime.
    if not isinstance(changed_at, datetime):
        changed_at = parse_datetime(changed_at)
    if settings.USE_TZ and timezone.is_naive(changed_at):
        changed_at = changed_at.replace(tzinfo=UTC)
    return token, changed_at


def _changed(sender, using=None, **kwargs):
    bump(using=using)


def _m2m_changed(sender, action, using=None, **kwargs):
    if action.startswith("post_"):
        bump(using=using)


def connect_signals():
    """Every save and deletion of a layout record (admin, imports, restores, the loader, list actions)
    and every change of a many-to-many choice bumps the version; bulk writes bump it themselves
    (layout.models.LayoutQuerySet)."""
    for model in layout_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"data_version.save.{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data_version.delete.{model._meta.label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"data_version.m2m.{through._meta.label}")
