"""The one gate every write of a layout record passes: district scope, drafts, publishing and the version check."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from layout import drafts, roles
from layout.models import PublishedModel

# Seed loading (and the checks of a restore) run on the server by its operator, who may write anything;
# their records still pass the model's validation.
OPERATOR = object()

SAVED = "saved"
DRAFTED = "drafted"


class Refused(ValidationError):
    """An edit the rules do not allow; nothing of it is saved. `code` names the rule."""


def _live(obj, lock=True):
    """The record as stored (locked until the transaction ends), or None for a new one."""
    if obj.pk is None:
        return None
    manager = type(obj)._default_manager
    # order_by("pk"): a model ordering across a nullable relation would put an outer join under
    # FOR UPDATE, which PostgreSQL refuses.
    queryset = manager.select_for_update(of=("self",)) if lock else manager.all()
    return queryset.filter(pk=obj.pk).order_by("pk").first()


def may_publish(user, model):
    return user is OPERATOR or (user is not None and roles.can_publish(user, model))


def check(user, obj, edited_version=None, live=None):
    """Refuse (raise Refused) an edit of `obj`, as it would be saved, that `user` may not make; else say
    whether it must wait as a draft (True) or is saved as it is (False).

    `edited_version` is the version the official started from (None: not known, not checked)."""
    if user is None:
        raise Refused(_("Only a signed-in official may change the layout."), code="anonymous")
    live = _live(obj) if live is None else live
    if user is not OPERATOR:
        _check_scope(user, obj, live)
    if edited_version is not None and live is not None and live.version != edited_version:
        raise Refused(
            _("This record was changed while you were editing it, so your changes have NOT been saved."),
            code="conflict",
            params={"record": live, "edited_version": edited_version},
        )
    if not isinstance(obj, PublishedModel):
        return False
    was_published = bool(live is not None and live.is_published)
    if bool(obj.is_published) != was_published and not may_publish(user, type(obj)):
        raise Refused(
            _("Only a reviewer may publish a record or take it off the public map: “%(record)s” stays %(state)s.")
            % {"record": obj, "state": _("published") if was_published else _("unpublished")},
            code="publish",
        )
    return was_published and not may_publish(user, type(obj))


def _check_scope(user, obj, live):
    district = roles.editor_district(user)
    if district is None or type(obj) not in roles.DISTRICT_MODELS:
        return
    yours = district or _("(none: ask the city office to set yours)")
    if live is not None and not roles.may_edit(user, live):
        raise Refused(
            _("“%(record)s” is another district's record: you may change only the records of %(district)s.")
            % {"record": live, "district": yours},
            code="district",
        )
    if not roles.may_edit(user, obj):
        raise Refused(
            _(
                "“%(record)s” would be in another district: this record must belong to your district, "
                "%(district)s (choose it, or one of its clusters)."
            )
            % {"record": obj, "district": yours},
            code="district",
        )


def save(user, obj, m2m=None, edited_version=None, replaces_draft=False, validate=False):
    """Save `obj` through the gate: refused (Refused), kept as the published record's draft (DRAFTED),
    or saved (SAVED). `m2m` maps many-to-many field names to the chosen records; `replaces_draft`: `obj`
    was shown with its draft applied, so saving it settles the draft. A save always numbers a new
    version, even when `obj` is an old version brought back (a revert)."""
    with transaction.atomic():
        live = _live(obj)
        as_draft = check(user, obj, edited_version, live)
        if as_draft:
            drafts.propose(obj, user, m2m)
            return DRAFTED
        if validate:
            obj.full_clean()
        if replaces_draft and isinstance(obj, PublishedModel):
            obj.draft = {}
        # Numbered after the stored version, not after the one the object was built from (its save adds 1).
        obj.version = live.version if live is not None else 0
        obj._history_user = None if user is OPERATOR else user
        obj.save()
        if hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}  # a draft's choices, not what the database holds
        for name, related in (m2m or {}).items():
            getattr(obj, name).set(related)
    return SAVED


def version_after(*versions):
    """The number of a new version of a record: one more than any it had (None: not known)."""
    return max((v for v in versions if v is not None), default=0) + 1


def delete(user, obj):
    """Delete a record through the gate: in scope, and a published one only by a reviewer."""
    with transaction.atomic():
        live = _live(obj)
        if live is None:
            return
        if user is not OPERATOR:
            _check_scope(user, live, live)
        if isinstance(live, PublishedModel) and live.is_published and not may_publish(user, type(live)):
            raise Refused(
                _("“%(record)s” is published: only a reviewer may remove it.") % {"record": live}, code="publish"
            )
        live._history_user = None if user is OPERATOR else user
        live.delete()


def publish(user, obj):
    """Apply a record's draft and publish it: a reviewer's action, in their scope."""
    _check_reviewer(user, obj)
    return drafts.publish(obj, user)


def unpublish(user, obj):
    """Take a record off the public pages: a reviewer's action, in their scope."""
    _check_reviewer(user, obj)
    return drafts.unpublish(obj, user)


def _check_reviewer(user, obj):
    if user is None:
        raise Refused(_("Only a signed-in official may change the layout."), code="anonymous")
    if user is not OPERATOR:
        _check_scope(user, obj, None)
    if not may_publish(user, type(obj)):
        raise Refused(
            _("Only a reviewer may publish a record or take it off the public map: “%(record)s” stays %(state)s.")
            % {"record": obj, "state": _("published") if obj.is_published else _("unpublished")},
            code="publish",
        )


def check_restored(obj):
    """A record of a backup, before it replaces the stored one: the operator may restore anything the
    model's validation accepts; the record keeps every field as backed up (its version too)."""
    obj.full_clean(validate_unique=False, validate_constraints=False)
