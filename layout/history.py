"""What a record's history says changed since a version: for refusing an edit based on an old one."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst

# Bookkeeping fields a reader does not care about in a list of changes.
NOT_SHOWN = {"version"}


@dataclass
class Change:
    field: str  # verbose name
    old: str
    new: str


def _label(model, name):
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except Exception:
        return name


def _text(value, limit=80):
    if value in (None, "", [], {}):
        return "—"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def who_and_when(record):
    """(user name, local time to the minute) of a historical record."""
    who = record.history_user.get_username() if record.history_user else "an import or a command"
    return who, timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")


def deletion(model, pk):
    """The historical record of a record's deletion, or None if it was not deleted (or not recorded)."""
    return (
        model.history.filter(**{model._meta.pk.attname: pk}, history_type="-")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )


def changes_since(instance, version):
    """(who and when, [Change]) for the saves of `instance` after `version`; ([], []) if not recorded."""
    history = instance.history.all()
    base = history.filter(version=version).order_by("-history_date", "-history_id").first()
    latest = history.order_by("-history_date", "-history_id").first()
    if base is None or latest is None or base.pk == latest.pk:
        return [], []
    later = list(
        history.filter(history_date__gt=base.history_date).select_related("history_user").order_by("history_date")
    )
    editors = []
    for record in later:
        stamp = who_and_when(record)
        if stamp not in editors:
            editors.append(stamp)
    delta = latest.diff_against(base, excluded_fields=NOT_SHOWN)
    model = type(instance)
    found = []
    for change in delta.changes:
        old, new = change.old, change.new
        if isinstance(old, list) or isinstance(new, list):  # many-to-many rows
            old, new = _m2m_text(model, change.field, old), _m2m_text(model, change.field, new)
        else:  # a key or a stored code means nothing to an official: what the form shows
            old, new = _shown(model, change.field, old), _shown(model, change.field, new)
        found.append(Change(_label(model, change.field), _text(old), _text(new)))
    draft = draft_change(model, base, latest)
    if draft:
        found.append(draft)
    return editors, found


DRAFT_LABEL = "unpublished changes (draft)"


def draft_summary(model, draft, limit=200):
    """A draft's proposed values as one line: "English name: …; space (m²): …"."""
    values = (draft or {}).get("values") or {}
    if not values:
        return "—"
    text = "; ".join(f"{_label(model, name)}: {_text(value, 60)}" for name, value in values.items())
    by = draft.get("by")
    return _text(f"{text} (proposed by {by})" if by else text, limit)


def draft_change(model, older, newer):
    """The change of the draft between two historical records (the draft is not an edited field)."""
    old, new = getattr(older, "draft", None) or {}, getattr(newer, "draft", None) or {}
    if old.get("values") == new.get("values"):
        return None
    return Change(DRAFT_LABEL, draft_summary(model, old), draft_summary(model, new))


def _m2m_text(model, name, rows):
    field = model._meta.get_field(name)
    target = field.m2m_reverse_field_name()
    keys = [row.get(target) if isinstance(row, dict) else row for row in rows or []]
    return ", ".join(str(o) for o in field.related_model.objects.filter(pk__in=keys)) or "—"


def _shown(model, name, value):
    """A stored value as the admin shows it: a related record by its name, a choice by its label."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return value
    if value is None:
        return None
    if field.many_to_one:
        return field.related_model._default_manager.filter(pk=value).first() or value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
