"""What a record's history says changed: since a version (to refuse an edit based on an old one), and between
two versions as the history page shows it (a boundary as its area and a small before/after map)."""

import math
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape

from layout import geometry

# Bookkeeping fields a reader does not care about in a list of changes.
NOT_SHOWN = {"version"}


@dataclass
class Change:
    field: str  # verbose name
    old: str
    new: str
    picture: str = ""  # safe HTML: the before/after map of a geometry


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
    who = record.history_user.get_username() if record.history_user else _("an import or a command")
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
        found.append(shown_change(model, change.field, change.old, change.new, limit=80))
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
    return _text(_("%(values)s (proposed by %(by)s)") % {"values": text, "by": by} if by else text, limit)


def draft_change(model, older, newer):
    """The change of the draft between two historical records (the draft is not an edited field)."""
    old, new = getattr(older, "draft", None) or {}, getattr(newer, "draft", None) or {}
    if old.get("values") == new.get("values"):
        return None
    return Change(_(DRAFT_LABEL), draft_summary(model, old), draft_summary(model, new))


def _m2m_text(model, name, rows):
    field = model._meta.get_field(name)
    target = field.m2m_reverse_field_name()
    keys = [row.get(target) if isinstance(row, dict) else row for row in rows or []]
    keys = [key.pk if isinstance(key, models.Model) else key for key in keys]
    return ", ".join(str(o) for o in field.related_model.objects.filter(pk__in=keys)) or "—"


def _shown(model, name, value):
    """A stored value as the admin shows it: a related record by its name, a choice by its label."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return value
    if value is None or isinstance(value, models.Model):  # a record already (simple-history's foreign_keys_are_objs)
        return value
    if field.many_to_one:
        return field.related_model._default_manager.filter(pk=value).first() or value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def is_geometry_field(model, name):
    """A GeoJSON JSONField (a boundary, an anchor): compared as shapes, not as dictionaries."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return isinstance(field, models.JSONField) and name in {"boundary", "anchor"}


def shape_of(value):
    """The shapely geometry of a stored GeoJSON value, or None for none (or for one that cannot be read)."""
    try:
        return shape(value) if value else None
    except Exception:
        return None


def describe_shape(geom):
    """A geometry as an official reads it: an area in km², or a point's coordinates; "—" for none."""
    if geom is None:
        return "—"
    if geom.geom_type == "Point":
        return _("point at %(lon)s, %(lat)s") % {"lon": f"{geom.x:.5f}", "lat": f"{geom.y:.5f}"}
    return _("%(area)s km²") % {"area": f"{geometry.geodesic_area_m2(geom) / 1e6:.2f}"}


PICTURE_SIZE = 160  # px, the before/after map's square


def _svg_path(geom, project):
    """SVG path data of a polygon's rings, or a small circle's for a point."""
    if geom.geom_type == "Point":
        x, y = project(geom.x, geom.y)
        return f"M{x - 4:.1f},{y:.1f}a4,4 0 1,0 8,0a4,4 0 1,0 -8,0Z"
    parts = geom.geoms if hasattr(geom, "geoms") else [geom]
    data = []
    for part in parts:
        for ring in [part.exterior, *part.interiors]:
            points = [project(x, y) for x, y in ring.coords]
            data.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(data)


def before_after_svg(old, new):
    """A small map of two geometries drawn over each other (the old dashed grey, the new blue), as inline SVG:
    drawn here, so it needs no script, no tile and no image request. "" when neither is a shape."""
    shapes = [g for g in (old, new) if g is not None and not g.is_empty]
    if not shapes:
        return ""
    bounds = [g.bounds for g in shapes]
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    # Longitude degrees are shorter than latitude degrees at Shanghai: scale x by cos(latitude).
    squash = math.cos(math.radians((south + north) / 2))
    span = max((east - west) * squash, north - south, 1e-4)
    margin = 8
    scale = (PICTURE_SIZE - 2 * margin) / span
    width, height = (east - west) * squash * scale, (north - south) * scale
    left, top = (PICTURE_SIZE - width) / 2, (PICTURE_SIZE - height) / 2

    def project(lon, lat):
        return left + (lon - west) * squash * scale, top + (north - lat) * scale

    # Drawn by class (static/layout/admin-site.css): the page's Content-Security-Policy allows no inline style.
    layers = [(name, _svg_path(g, project)) for name, g in (("before", old), ("after", new)) if g is not None]
    paths = format_html_join("", '<path class="{}" fill-rule="evenodd" d="{}"/>', layers)
    return format_html(
        '<svg class="layout-history-map" xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        'viewBox="0 0 {size} {size}" role="img" aria-label="{label}"><title>{label}</title>{paths}</svg>',
        size=PICTURE_SIZE,
        label=_("Before (grey, dashed) and after (blue)"),
        paths=paths,
    )


def shown_change(model, name, old, new, limit=200):
    """One field's change as the history page shows it: a key or a code by what the form shows, a geometry by
    its area and a before/after map."""
    if is_geometry_field(model, name):
        before, after = shape_of(old), shape_of(new)
        return Change(
            _label(model, name), describe_shape(before), describe_shape(after), before_after_svg(before, after)
        )
    if isinstance(old, list) or isinstance(new, list):  # many-to-many rows
        old, new = _m2m_text(model, name, old), _m2m_text(model, name, new)
    else:  # a key or a stored code means nothing to an official: what the form shows
        old, new = _shown(model, name, old), _shown(model, name, new)
    return Change(_label(model, name), _text(old, limit), _text(new, limit))


# Reasons the code stores with a change (layout.drafts, layout.backup), in English: shown in the official's language.
STORED_REASONS = {
    "draft proposed": gettext_lazy("draft proposed"),
    "draft withdrawn": gettext_lazy("draft withdrawn"),
    "published": gettext_lazy("published"),
    "republished": gettext_lazy("republished"),
    "unpublished": gettext_lazy("unpublished"),
    "restored from a backup": gettext_lazy("restored from a backup"),
}
PUBLISHED_PROPOSAL = "published the changes proposed by "


def shown_reason(reason):
    """A stored change reason as the history page shows it: "" for none, the code's own reasons translated,
    anything else (an official's words) as typed."""
    if not reason:
        return ""
    if reason in STORED_REASONS:
        return str(STORED_REASONS[reason])
    if reason.startswith(PUBLISHED_PROPOSAL):
        return _("published the changes proposed by %(name)s") % {"name": reason[len(PUBLISHED_PROPOSAL) :]}
    return reason
