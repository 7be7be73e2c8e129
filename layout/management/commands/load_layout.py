"""Load the editions of the layout (2025) from seeds/ and geodata/ into the database, keeping what officials have edited."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from layout import edits
from layout.models import (
    BoundaryStatus,
    Cluster,
    District,
    Edition,
    HeadlineFigure,
    IndustryChain,
    Project,
    PublishedModel,
    Scenario,
    Source,
)

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
GEODATA_DIR = Path(settings.BASE_DIR) / "geodata"
DISTRICT_BOUNDARIES = "districts.geojson"
CLUSTER_BOUNDARIES = "cluster_boundaries.geojson"

# How seed records name a related record: districts by adcode, editions by year, clusters by their number in
# the layout (of the seed file's edition).
REFERENCE_KEYS = {Source: "key", District: "adcode", IndustryChain: "slug", Edition: "year", Cluster: "number"}


@dataclass(frozen=True)
class Kind:
    """One seed file and the model its records become."""

    label: str
    model: type
    file: str
    list_key: str
    natural_key: str
    seed_only: frozenset = field(default_factory=frozenset)  # documentation for people, not loaded


KINDS = [
    Kind("source", Source, "sources.json", "sources", "key"),
    Kind("district", District, "districts.json", "districts", "adcode"),
    Kind("industry chain", IndustryChain, "chains.json", "chains", "slug"),
    Kind("edition", Edition, "editions.json", "editions", "year"),
    Kind("cluster", Cluster, "clusters.json", "clusters", "slug", frozenset({"indicative_extent_km2"})),
    Kind("scenario", Scenario, "scenarios.json", "scenarios", "title_zh"),
    Kind("project", Project, "projects.json", "projects", "name_zh"),
    Kind("headline figure", HeadlineFigure, "headline.json", "figures", "key"),
]


class SeedError(CommandError):
    """A seed that cannot be loaded, named by file, record and field."""


def read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SeedError(f"{path}: file not found.") from exc
    except ValueError as exc:
        raise SeedError(f"{path}: not valid JSON: {exc}.") from exc


def normal(model_field, value):
    """A JSON-able, canonical form of a field value, equal for the seed and the database."""
    if value is None:
        return None
    if isinstance(model_field, models.DecimalField):
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def in_edition(model):
    """True for the models whose records belong to an edition (a seed file of them names its edition)."""
    return any(f.name == "edition" for f in model._meta.fields)


def untouched(last_seeded, now):
    """True if every field the loader last wrote still holds that value."""
    return bool(last_seeded) and all(now.get(name) == value for name, value in last_seeded.items() if name in now)


class Loader:
    def __init__(self, seeds_dir, geodata_dir, overwrite):
        self.seeds_dir = Path(seeds_dir)
        self.geodata_dir = Path(geodata_dir)
        self.overwrite = overwrite
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        self.kept = []
        self.references = {}  # model → {reference key: instance}
        self.edition_years = {}  # model → the year of the edition its seed file loads

    # Reading -----------------------------------------------------------------------------------
    def records(self, kind):
        path = self.seeds_dir / kind.file
        data = read_json(path)
        records = data.get(kind.list_key) if isinstance(data, dict) else None
        if not isinstance(records, list):
            raise SeedError(f'{path}: expected an object with a list "{kind.list_key}".')
        extra = getattr(self, f"extra_{kind.list_key}", None)
        # The seeds are the layout as announced: published unless a seed says otherwise.
        defaults = {"is_published": True} if issubclass(kind.model, PublishedModel) else {}
        if in_edition(kind.model):
            defaults["edition"] = self.edition_year(kind, data, path)
        for index, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                raise SeedError(f"{path}: record {index} is not an object.")
            record = {**defaults, **record}
            yield path, index, ({**record, **extra(data, record, path, index)} if extra else record)

    def edition_year(self, kind, data, path):
        """The year of the edition a seed file's records belong to (its top-level "edition")."""
        year = data.get("edition")
        if not isinstance(year, int):
            raise SeedError(f'{path}: expected the year of its edition as a number in "edition", e.g. 2025.')
        self.edition_years[kind.model] = year
        return year

    def in_scope(self, kind, queryset):
        """The records a seed file speaks for: those of its edition, or all records of a shared model."""
        if not in_edition(kind.model):
            return queryset
        return queryset.filter(edition__year=self.edition_years.get(kind.model))

    def extra_districts(self, data, record, path, index):
        """A district's boundary comes from the geodata, its name from the seed."""
        if not hasattr(self, "_district_features"):
            geo_path = self.geodata_dir / DISTRICT_BOUNDARIES
            self._district_features = {f["properties"]["adcode"]: f for f in read_json(geo_path)["features"]}
        feature = self._district_features.get(record.get("adcode"))
        if feature is None:
            raise SeedError(
                f"{path}, district record {index}: adcode {record.get('adcode')!r} has no boundary "
                f"in {self.geodata_dir / DISTRICT_BOUNDARIES}."
            )
        return {"boundary": feature["geometry"], "boundary_source": data.get("boundary_source")}

    def extra_clusters(self, data, record, path, index):
        """An indicative boundary comes from the geodata file; a cluster without one has none."""
        if not hasattr(self, "_cluster_features"):
            geo_path = self.geodata_dir / CLUSTER_BOUNDARIES
            features = read_json(geo_path)["features"]
            self._cluster_features = {f["properties"]["slug"]: f for f in features}
            known = {r.get("slug") for r in data.get("clusters", [])}
            unknown = sorted(set(self._cluster_features) - known)
            if unknown:
                raise SeedError(
                    f"{geo_path}: boundaries for clusters not in {path}: {', '.join(unknown)}. "
                    f"Rebuild it with `manage.py build_cluster_boundaries`."
                )
        feature = self._cluster_features.get(record.get("slug"))
        if feature is None:
            return {
                "boundary": None,
                "boundary_status": BoundaryStatus.INDICATIVE,
                "boundary_method": "",
                "boundary_method_zh": "",
            }
        if not record.get("anchor"):
            raise SeedError(
                f"{path}, cluster {record.get('slug')!r}: it has a boundary in {CLUSTER_BOUNDARIES} "
                f"but no anchor: rebuild it with `manage.py build_cluster_boundaries`."
            )
        return {
            "boundary": feature["geometry"],
            "boundary_status": BoundaryStatus.INDICATIVE,
            "boundary_method": feature["properties"]["boundary_method"],
            "boundary_method_zh": feature["properties"].get("boundary_method_zh", ""),
        }

    # Converting --------------------------------------------------------------------------------
    def where(self, kind, path, index, record):
        name = record.get(kind.natural_key)
        return f"{path}, {kind.label} {name!r}" if name not in (None, "") else f"{path}, {kind.label} record {index}"

    def resolve(self, related_model, key, where, name):
        if key is None:
            return None
        table = self.references.setdefault(related_model, {})
        if key not in table:
            raise SeedError(
                f"{where}: {name}: there is no {related_model._meta.verbose_name} with "
                f"{REFERENCE_KEYS[related_model]} {key!r}."
            )
        return table[key]

    def convert(self, kind, path, index, record):
        """(scalar and foreign-key values, many-to-many values, canonical seeded values)."""
        where = self.where(kind, path, index, record)
        values, many, seeded = {}, {}, {}
        for name, raw in record.items():
            if name in kind.seed_only or name.endswith("_note") or (name == "note" and kind.model is not Source):
                continue
            try:
                model_field = kind.model._meta.get_field(name)
            except Exception:
                raise SeedError(
                    f"{where}: unknown field {name!r} (a {kind.label} has no such field; "
                    f'a comment for people goes in a field ending in "_note").'
                ) from None
            if not model_field.editable and not model_field.is_relation:
                raise SeedError(f"{where}: {name}: this field is not set by seeds.")
            if model_field.many_to_many:
                if not isinstance(raw, list):
                    raise SeedError(f"{where}: {name}: expected a list of references.")
                related = model_field.related_model
                many[name] = [self.resolve(related, key, where, name) for key in raw]
                seeded[name] = sorted(str(key) for key in raw)
            elif model_field.is_relation:
                values[name] = self.resolve(model_field.related_model, raw, where, name)
                seeded[name] = None if raw is None else str(raw)
            else:
                try:
                    value = model_field.to_python(raw)
                except ValidationError as exc:
                    raise SeedError(f"{where}: {name}: {' '.join(exc.messages)} (value {raw!r})") from exc
                values[name] = value
                seeded[name] = normal(model_field, value)
        return values, many, seeded

    def current(self, kind, instance, seeded):
        """The database values of the seeded fields, in the canonical form."""
        current = {}
        for name in seeded:
            model_field = kind.model._meta.get_field(name)
            if model_field.many_to_many:
                key = REFERENCE_KEYS[model_field.related_model]
                current[name] = sorted(str(getattr(o, key)) for o in getattr(instance, name).all())
            elif model_field.is_relation:
                related = getattr(instance, name)
                current[name] = (
                    None if related is None else str(getattr(related, REFERENCE_KEYS[model_field.related_model]))
                )
            else:
                current[name] = normal(model_field, getattr(instance, name))
        return current

    # Saving ------------------------------------------------------------------------------------
    def load(self, kind):
        records = list(self.records(kind))  # reads the file's edition first
        existing = {getattr(o, kind.natural_key): o for o in self.existing(kind)}
        seen = set()
        for path, index, record in records:
            where = self.where(kind, path, index, record)
            key = record.get(kind.natural_key)
            if key in (None, ""):
                raise SeedError(f"{where}: {kind.natural_key}: this field is required.")
            if key in seen:
                raise SeedError(f"{where}: {kind.natural_key}: {key!r} appears twice.")
            seen.add(key)
            values, many, seeded = self.convert(kind, path, index, record)
            instance = existing.get(key)
            if instance is None:
                self.save(kind, kind.model(), values, many, seeded, where)
                self.counts["created"] += 1
            else:
                now = self.current(kind, instance, seeded)
                if now == seeded:
                    if instance.seed_values != seeded:
                        # QuerySet.update leaves updated_at alone: nothing a reader sees has changed.
                        kind.model.objects.filter(pk=instance.pk).update(seed_values=seeded)
                    self.counts["unchanged"] += 1
                elif untouched(instance.seed_values, now) or self.overwrite:
                    self.save(kind, instance, values, many, seeded, where)
                    self.counts["updated"] += 1
                else:
                    self.counts["kept"] += 1
                    self.kept.append(f"{kind.label} {key}")
        self.references[kind.model] = (
            {getattr(o, REFERENCE_KEYS[kind.model]): o for o in self.in_scope(kind, kind.model.objects.all())}
            if kind.model in REFERENCE_KEYS
            else {}
        )

    def existing(self, kind):
        queryset = self.in_scope(kind, kind.model.objects.all())
        many = [f.name for f in kind.model._meta.many_to_many]
        related = [f.name for f in kind.model._meta.fields if f.is_relation]
        return queryset.select_related(*related).prefetch_related(*many)

    def save(self, kind, instance, values, many, seeded, where):
        for name, value in values.items():
            setattr(instance, name, value)
        instance.seed_values = seeded
        try:
            edits.save(edits.OPERATOR, instance, many, validate=True)
        except ValidationError as exc:
            raise SeedError(f"{where}: {describe(exc)}") from exc

    def run(self):
        with transaction.atomic():
            for kind in KINDS:
                self.load(kind)
        return self.counts


def describe(exc):
    """field: message; … from a ValidationError."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        label = "record" if name == NON_FIELD_ERRORS else name
        parts.append(f"{label}: {' '.join(errors)}")
    return "; ".join(parts)


class Command(BaseCommand):
    help = (
        "Load the districts and the editions of the layout (2025) from seeds/ and geodata/. Running it again changes "
        "nothing; records an official has edited are kept unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seeds", default=str(SEEDS_DIR), help="Seed directory (default: %(default)s)")
        parser.add_argument("--geodata", default=str(GEODATA_DIR), help="Geodata directory (default: %(default)s)")
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace records that officials have edited with the seed values."
        )

    def handle(self, *args, **options):
        loader = Loader(options["seeds"], options["geodata"], options["overwrite"])
        counts = loader.run()
        if options["verbosity"] >= 2:
            for name in loader.kept:
                self.stdout.write(f"kept (edited by an official): {name}")
        if options["verbosity"] == 0:
            return
        kept = (
            f"kept {counts['kept']} edited records (--overwrite replaces them)"
            if counts["kept"]
            else "kept 0 edited records"
        )
        self.stdout.write(
            f"Layout loaded: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {kept}."
        )
