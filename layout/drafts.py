"""Unpublished changes to published records: proposed by editors, previewed by staff, applied by reviewers."""

import datetime
import decimal

from django.db import models, transaction
from django.utils import timezone

# Bookkeeping, not content: never part of a draft.
NOT_DRAFTED = {"id", "is_published", "draft", "version", "seed_values", "updated_at"}


def draft_fields(model):
    """The fields an official edits, in model order: concrete ones, then many-to-many ones."""
    concrete = [f for f in model._meta.concrete_fields if f.editable and f.name not in NOT_DRAFTED]
    many = [f for f in model._meta.many_to_many if f.editable]
    return concrete + many


def _to_json(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def field_value(obj, field, m2m=None):
    """A field's value as JSON: a related record by primary key, many-to-many as a sorted list of keys."""
    if field.many_to_many:
        if m2m is not None and field.name in m2m:
            return sorted(getattr(item, "pk", item) for item in m2m[field.name])
        return sorted(getattr(obj, field.name).values_list("pk", flat=True)) if obj.pk else []
    return _to_json(getattr(obj, field.attname))


def has_draft(obj):
    return bool(getattr(obj, "draft", None) and obj.draft.get("values"))


def changes(live, proposed, m2m=None):
    """{field name: proposed JSON value} for each field where `proposed` differs from the live record."""
    found = {}
    for field in draft_fields(type(live)):
        new = field_value(proposed, field, m2m)
        if new != field_value(live, field):
            found[field.name] = new
    return found


def propose(proposed, user, m2m=None):
    """Store the proposed values of a published record as its draft; the public keeps the live ones.

    `proposed` is the record as the editor would have it (not saved); `m2m` maps many-to-many field
    names to the chosen records. Proposing the live values again withdraws the draft."""
    model = type(proposed)
    with transaction.atomic():
        live = model.objects.select_for_update(of=("self",)).get(pk=proposed.pk)
        values = changes(live, proposed, m2m)
        live.draft = {"values": values, "by": user.get_username(), "at": timezone.now().isoformat()} if values else {}
        live._history_user = user
        live._change_reason = "draft proposed" if values else "draft withdrawn"
        live.save()
    return live


def apply_draft(obj):
    """Show a record as its draft would make it (in memory only): for the editor's form and the preview."""
    if not has_draft(obj):
        return obj
    by_name = {f.name: f for f in draft_fields(type(obj))}
    obj.draft_m2m = {}
    for name, value in obj.draft["values"].items():
        field = by_name.get(name)
        if field is None:
            continue  # a field removed since the draft was made
        if field.many_to_many:
            obj.draft_m2m[name] = value
            # Readers of the relation (map preview, form) see the drafted records.
            if not hasattr(obj, "_prefetched_objects_cache"):
                obj._prefetched_objects_cache = {}
            obj._prefetched_objects_cache[name] = field.related_model.objects.filter(pk__in=value)
        else:
            setattr(obj, field.attname, None if value is None else field.to_python(value))
            if field.is_relation and field.is_cached(obj):
                field.delete_cached_value(obj)
    return obj


def shown(queryset, preview=None):
    """The records of a queryset that a map shows: the published ones as published or, in a staff preview
    (`preview`: the account previewing), also the records that account may edit or review, as their drafts
    would make them. The public never gets a preview."""
    from layout import roles

    if not preview or not roles.may_preview(preview):
        return list(queryset.published())
    theirs = set(roles.scope(queryset.model._default_manager.all(), preview).values_list("pk", flat=True))
    return [apply_draft(obj) if obj.pk in theirs else obj for obj in queryset if obj.pk in theirs or obj.is_published]


def publish(obj, user):
    """Apply a record's draft and make it public. Raises ValidationError if the draft no longer validates
    (say, its district's boundary changed since); then nothing changes."""
    model = type(obj)
    with transaction.atomic():
        live = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
        proposer = live.draft.get("by") if has_draft(live) else None
        apply_draft(live)
        m2m = getattr(live, "draft_m2m", {})
        live.full_clean()
        was_published = live.is_published
        live.is_published = True
        live.draft = {}
        live._history_user = user
        live._change_reason = (
            f"published the changes proposed by {proposer}"
            if proposer
            else "published"
            if not was_published
            else "republished"
        )
        live.save()
        live._prefetched_objects_cache = {}  # the draft's choices, not what the database holds
        for name, keys in m2m.items():
            getattr(live, name).set(keys)
    return live


def unpublish(obj, user):
    """Take a record off the public pages; its draft, if any, stays for review."""
    live = type(obj).objects.get(pk=obj.pk)
    live.is_published = False
    live._history_user = user
    live._change_reason = "unpublished"
    live.save()
    return live


def describe(obj):
    """The draft's changes as (field label, live value, proposed value) rows, for reviewers."""
    if not has_draft(obj):
        return []
    rows = []
    by_name = {f.name: f for f in draft_fields(type(obj))}
    for name, value in obj.draft["values"].items():
        field = by_name.get(name)
        if field is None:
            continue
        rows.append((str(field.verbose_name), _display(field, field_value(obj, field)), _display(field, value)))
    return rows


def _display(field, value):
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        return ", ".join(str(o) for o in field.related_model.objects.filter(pk__in=value))
    if isinstance(field, models.ForeignKey):
        return str(field.related_model.objects.filter(pk=value).first() or value)
    if isinstance(field, models.JSONField):
        return f"{value.get('type', 'GeoJSON')} (GeoJSON)" if isinstance(value, dict) else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
