"""All layout data, geometry included, in one JSON file; restored all or nothing, nothing lost."""

import datetime
import gzip
import json
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from layout import edits
from layout.models import Cluster, District, Edition, Enquiry, HeadlineFigure, IndustryChain, Project, Scenario, Source

FORMAT = "shanghai-layout-backup"
# 2: the editions, and the edition of each cluster, scenario, project and headline figure.
FORMAT_VERSION = 2
# Referenced records before the records that reference them.
MODELS = [Source, District, IndustryChain, Edition, Cluster, Scenario, Project, HeadlineFigure]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


class BackupError(ValueError):
    """A backup file that cannot be restored, with what is wrong; nothing has been changed."""


def dump(with_personal_data=False):
    """The backup as a JSON-able dict: every field of every layout record, many-to-many included. Investors'
    enquiries hold personal data: only `with_personal_data` adds them (a section that restoring leaves
    alone), and the backup says which it is."""
    records = []
    counts = {}
    for model in MODELS:
        objects = model._default_manager.order_by("pk")
        records.extend(serializers.serialize("python", objects))
        counts[model._meta.label] = objects.count()
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "personal_data": with_personal_data,
        "counts": counts,
        "records": records,
    }
    if with_personal_data:
        enquiries = Enquiry.objects.order_by("pk")
        data["enquiries"] = serializers.serialize("python", enquiries)
        data["counts"][Enquiry._meta.label] = enquiries.count()
    return data


def write(path, with_personal_data=False):
    path = Path(path)
    text = json.dumps(dump(with_personal_data), cls=ExactJSONEncoder, ensure_ascii=False, indent=1)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def read(path):
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as source:
                data = json.load(source)
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file.") from None
    except (ValueError, OSError) as exc:
        raise BackupError(f"{path}: not a backup file (not JSON: {exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path}: not a layout backup (made by `manage.py backup_layout`).")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: backup format version {data.get('format_version')!r}; this version of the "
            f"application reads version {FORMAT_VERSION}."
        )
    return data


def _describe(obj, exc):
    if hasattr(exc, "message_dict"):
        detail = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    else:
        detail = " ".join(getattr(exc, "messages", [str(exc)]))
    return f"{obj._meta.verbose_name} {obj.pk} ({obj}): {detail}"


def _check_references(obj):
    """Every record a record names is in the backup (restored before it) or kept in the database."""
    for field in obj._meta.concrete_fields:
        if not field.many_to_one:
            continue
        key = getattr(obj, field.attname)
        if key is not None and not field.related_model._default_manager.filter(pk=key).exists():
            raise BackupError(
                f"Invalid record, nothing restored: {obj._meta.verbose_name} {obj.pk}: {field.name}: there is no "
                f"{field.related_model._meta.verbose_name} with key {key!r} in the backup."
            )


def restore(data, reason="restored from a backup"):
    """Make the layout exactly what the backup holds: records not in it are deleted. All or nothing."""
    labels = {model._meta.label_lower: model for model in MODELS}
    for record in data.get("records", []):
        if not isinstance(record, dict) or record.get("model") not in labels:
            raise BackupError(f"Unexpected record in the backup: {str(record)[:100]}")
    try:
        with transaction.atomic():
            try:
                objects = list(serializers.deserialize("python", data["records"]))
            except DeserializationError as exc:
                raise BackupError(f"The backup cannot be read: {exc}") from None
            keep = {model: set() for model in MODELS}
            for item in objects:
                keep[type(item.object)].add(item.object.pk)
            stored_versions = {model: dict(model._default_manager.values_list("pk", "version")) for model in MODELS}
            # Records the backup does not hold go first, referencing ones before referenced ones.
            for model in reversed(MODELS):
                model._default_manager.exclude(pk__in=keep[model]).delete()
            restored = {model: [] for model in MODELS}
            for item in objects:
                obj = item.object
                _check_references(obj)
                try:
                    edits.check_restored(obj)
                except ValidationError as exc:
                    raise BackupError(f"Invalid record, nothing restored: {_describe(obj, exc)}") from None
                # A restore is an edit: numbered after both the backed-up and the stored version, so that
                # a form opened before it is refused rather than saved over it (layout.edits.save does so).
                obj.version = edits.version_after(obj.version, stored_versions[type(obj)].get(obj.pk))
                # raw: keeps every other field as saved (time of the last change), as loaddata does.
                item.save()
                restored[type(obj)].append(obj)
            for model, objs in restored.items():
                if objs:
                    model.history.bulk_history_create(objs, update=True, default_change_reason=reason)
    except ProtectedError as exc:
        names = ", ".join(str(o) for o in list(exc.protected_objects)[:5])
        raise BackupError(
            f"Nothing restored: records outside the layout still use records the backup does not "
            f"hold ({names}); reassign them first."
        ) from None
    except IntegrityError as exc:
        raise BackupError(f"Nothing restored: the backup clashes with the database ({exc}).") from None
    return {model._meta.label: len(objs) for model, objs in restored.items()}
