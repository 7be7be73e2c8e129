"""Who may do what: the officials' groups, a district editor's district, and publishing."""

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from layout.models import (
    Cluster,
    DailyCount,
    District,
    Edition,
    EditorProfile,
    Enquiry,
    EnquiryCount,
    HeadlineFigure,
    IndustryChain,
    OutgoingMail,
    Project,
    Scenario,
    Source,
)

CITY_EDITOR = "city editor"
DISTRICT_EDITOR = "district editor"
REVIEWER = "reviewer"

# The records a district office keeps; everything else is the city office's.
DISTRICT_MODELS = (Cluster, Scenario, Project)
PUBLISHED_MODELS = (Cluster, Scenario, Project)
CITY_MODELS = (Source, District, IndustryChain, HeadlineFigure)

EVERY_DISTRICT = "layout.edit_every_district"

ALL = ("add", "change", "delete", "view")


def _codenames(models, actions):
    return [(model, get_permission_codename(action, model._meta)) for model in models for action in actions]


# Group → (model, codename) pairs. Publishing is only the reviewers'; sources may be added by anyone
# who enters a figure, because every figure needs its source.
ROLES = {
    CITY_EDITOR: [
        *_codenames(CITY_MODELS + DISTRICT_MODELS, ALL),
        (EditorProfile, "edit_every_district"),
        *_codenames((DailyCount,), ("view",)),
        # An unpublished edition's titles and dates (a published one only by a reviewer: admin.EditionAdmin).
        *_codenames((Edition,), ("change", "view")),
    ],
    DISTRICT_EDITOR: [
        *_codenames(DISTRICT_MODELS, ALL),
        *_codenames((Source,), ("add", "change", "view")),
        *_codenames((District, IndustryChain, HeadlineFigure, Edition), ("view",)),
        # The dashboard of what investors look at: their district's clusters only (layout.dashboard).
        *_codenames((DailyCount,), ("view",)),
    ],
    REVIEWER: [
        *_codenames(PUBLISHED_MODELS, ("change", "view", "publish")),
        *_codenames(CITY_MODELS, ("view",)),
        (EditorProfile, "edit_every_district"),
        *_codenames((DailyCount,), ("view",)),
        # Start, publish and withdraw editions (layout.next_edition.may_manage_editions).
        *_codenames((Edition,), ("change", "view")),
    ],
}

# Investors' enquiries: the district offices (and the city's) follow them up and see who sent them;
# reviewers see what they are about and their status, not the sender's personal data.
ENQUIRER = "layout.view_enquirer"
ROLES[CITY_EDITOR] += [
    *_codenames((Enquiry,), ("view", "change", "delete")),
    (Enquiry, "view_enquirer"),
    *_codenames((EnquiryCount, OutgoingMail), ("view",)),
]
ROLES[DISTRICT_EDITOR] += [
    *_codenames((Enquiry,), ("view", "change", "delete")),
    (Enquiry, "view_enquirer"),
    *_codenames((EnquiryCount,), ("view",)),
]
ROLES[REVIEWER] += [*_codenames((Enquiry,), ("view", "change")), *_codenames((EnquiryCount,), ("view",))]


def enquiry_scope(queryset, user):
    """The enquiries (or their anonymous counts) a user may see: their district's, or every one."""
    district = editor_district(user)
    if district is None:
        return queryset
    if district is False:
        return queryset.none()
    return queryset.filter(district=district)


def may_see_enquirer(user):
    return user.has_perm(ENQUIRER)


def ensure_roles():
    """Create the three groups with exactly their permissions; run at every migrate and by setup_roles."""
    from django.contrib.contenttypes.models import ContentType

    groups = {}
    for name, pairs in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for model, codename in pairs:
            content_type = ContentType.objects.get_for_model(model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
            )
            permissions.append(permission)
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def can_publish(user, model):
    return user.has_perm(f"{model._meta.app_label}.{get_permission_codename('publish', model._meta)}")


def may_preview(user):
    """Whether a staff account sees drafts on the map: only one that may edit or review records with drafts."""
    if not (user.is_active and user.is_staff):
        return False
    return any(
        user.has_perm(f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}")
        for model in PUBLISHED_MODELS
        for action in ("change", "publish")
    )


def editor_district(user):
    """None if the user edits every district; else the district they may edit (None-like: False if none)."""
    if user.has_perm(EVERY_DISTRICT):
        return None
    # Asked by every permission check of a page: looked up once per user object (one request).
    if not hasattr(user, "_layout_editor_district"):
        profile = EditorProfile.objects.filter(user_id=user.pk).select_related("district").first()
        user._layout_editor_district = profile.district if profile and profile.district_id else False
    return user._layout_editor_district


def district_filter(model, district):
    """The Q selecting a model's records that belong to a district."""
    if model is Cluster:
        return Q(district=district)
    if model is Scenario:
        return Q(cluster__district=district)
    if model is Project:
        return Q(district=district) | Q(cluster__district=district)
    raise ValueError(f"{model.__name__} records do not belong to a district")


def scope(queryset, user):
    """The records of a queryset this user may see and edit."""
    if queryset.model not in DISTRICT_MODELS:
        return queryset
    district = editor_district(user)
    if district is None:
        return queryset
    if district is False:
        return queryset.none()
    return queryset.filter(district_filter(queryset.model, district)).distinct()


def _cluster_of(obj):
    """The record's cluster, also one not saved yet (a scenario row on a new cluster's page)."""
    if obj.cluster_id is None and not type(obj).cluster.is_cached(obj):
        return None
    return obj.cluster


def districts_of(obj):
    """The districts a record belongs to (a project may name a district and a cluster)."""
    if isinstance(obj, Cluster):
        return {obj.district_id}
    if isinstance(obj, Scenario):
        cluster = _cluster_of(obj)
        return {cluster.district_id} if cluster is not None else set()
    if isinstance(obj, Project):
        found = {obj.district_id} if obj.district_id else set()
        cluster = _cluster_of(obj)
        if cluster is not None:
            found.add(cluster.district_id)
        return found
    return set()


def may_edit(user, obj):
    """Whether the record (as it stands, or as it would be saved) is within the user's districts."""
    if type(obj) not in DISTRICT_MODELS:
        return True
    district = editor_district(user)
    if district is None:
        return True
    if district is False:
        return False
    found = districts_of(obj)
    return bool(found) and found == {district.pk}


def lockout_response(request, original_response, credentials):
    """django-axes' answer to a locked-out sign-in: what happened, for how long, and whom to ask."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "site_header": admin.site.site_header,  # in the official's language, as every admin page's
    }
    return render(request, "layout/admin/lockout.html", context, status=429)
