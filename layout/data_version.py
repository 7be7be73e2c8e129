"""The data version: one token in the database that changes with any change to the layout data."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, IntegrityError, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

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
    model = _model()
    row = model.objects.using(using).filter(pk=ROW).values_list("token", "changed_at").first()
    if row is None:
        bump(using=using)
        row = model.objects.using(using).filter(pk=ROW).values_list("token", "changed_at").first()
    return Version(*row)


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
