"""The layouts, one edition a year: districts, industry chains, clusters, scenarios, projects and their sources."""

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models.fields.json import KeyTransform
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from layout import geometry

# Absurdity limits: the whole 2025 layout releases 15 million m² and 50.9 billion CNY, so a
# single record far above these is a typing error (an extra zero, or 亿 typed as 元 × 10^8).
MAX_SPACE_M2 = 100_000_000  # 100 km² of industrial floor space
MAX_INVESTMENT_CNY = 1_000_000_000_000  # 1 trillion CNY
MAX_SCENARIOS = 37  # all the scenarios the 2025 layout opens


class JSONField(models.JSONField):
    """Django's JSONField, read with orjson: a district's outline is thousands of coordinates, and reading them with
    the standard library's parser (7x slower on them) took 15 % of the unit suite's time and as much of an
    uncached page. Written and validated as Django's own, so migrations name Django's field and nothing changes
    in the database."""

    def from_db_value(self, value, expression, connection):
        # orjson reads integers exactly up to 64 bits (beyond, as floats): no field stores a larger one (figures
        # stop at MAX_INVESTMENT_CNY; coordinates are floats). What it refuses, the standard library judges.
        if isinstance(value, str) and not isinstance(expression, KeyTransform) and self.decoder is None:
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return super().from_db_value(value, expression, connection)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


def validate_boundary(value):
    """Field validator: a valid WGS-84 Polygon/MultiPolygon inside Shanghai."""
    if value in (None, ""):
        return
    try:
        geometry.validate_geojson(value, geometry.POLYGONAL)
    except geometry.GeometryError as exc:
        raise ValidationError(exc.localized(gettext), code="invalid_geometry") from exc


def validate_anchor(value):
    """Field validator: a WGS-84 Point inside Shanghai."""
    if value in (None, ""):
        return
    try:
        geometry.validate_geojson(value, geometry.POINT)
    except geometry.GeometryError as exc:
        raise ValidationError(exc.localized(gettext), code="invalid_geometry") from exc


def space_field(**kwargs):
    return models.PositiveBigIntegerField(
        _("space (m²)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1),
            MaxValueValidator(
                MAX_SPACE_M2,
                message=_(
                    "%(show_value)s m² is not a plausible space for one record (the limit is %(limit_value)s m², "
                    "10,000 万平方米): check the unit, 1 万平方米 = 10,000 m²."
                ),
            ),
        ],
        help_text=_("Industrial space in square metres (1 万平方米 = 10,000 m²). Empty = not published."),
        **kwargs,
    )


def investment_field(**kwargs):
    return models.PositiveBigIntegerField(
        _("investment (CNY)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1),
            MaxValueValidator(
                MAX_INVESTMENT_CNY,
                message=_(
                    "%(show_value)s CNY is not a plausible investment for one record (the limit is %(limit_value)s "
                    "CNY, 10,000 亿元): check the unit, 1 亿元 = 100,000,000 CNY."
                ),
            ),
        ],
        help_text=_("In yuan (1 亿元 = 100,000,000 CNY). Empty = not published."),
        **kwargs,
    )


def source_field(related_name, verbose_name=_("source")):
    return models.ForeignKey(
        "Source",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def enquiry_email_field(help_text):
    """An office's address for investors' enquiries, filled in by officials (never invented by the seeds)."""
    return models.EmailField(_("address for enquiries"), blank=True, help_text=help_text)


def change_history(verbose_name=None, verbose_name_plural=None, **kwargs):
    """Every change of a record, by whom and when (django-simple-history). The seed loader's
    bookkeeping and the save time are not part of what an official changes. Give its names (lazily
    translated): simple-history's own "historical …" is fixed in the language of the process's start."""
    return HistoricalRecords(
        excluded_fields=["seed_values", "updated_at"],
        verbose_name=verbose_name,
        verbose_name_plural=verbose_name_plural,
        **kwargs,
    )


class LayoutQuerySet(models.QuerySet):
    """Bulk writes skip save() and its signals: each bumps the data version itself, in its transaction."""

    def _bumping(self, write):
        from layout import data_version

        with transaction.atomic(using=self.db):
            result = write()
            data_version.bump(using=self.db)
        return result

    def update(self, **kwargs):
        return self._bumping(lambda: super(LayoutQuerySet, self).update(**kwargs))

    def bulk_create(self, objs, *args, **kwargs):
        return self._bumping(lambda: super(LayoutQuerySet, self).bulk_create(objs, *args, **kwargs))

    def bulk_update(self, objs, *args, **kwargs):
        return self._bumping(lambda: super(LayoutQuerySet, self).bulk_update(objs, *args, **kwargs))


class PublicationQuerySet(LayoutQuerySet):
    def published(self):
        """What the public pages, the API and the embeds show."""
        return self.filter(is_published=True)


class PublishedModel(models.Model):
    """A record that the public sees only once a reviewer has published it."""

    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Shown on the public map and in the API. New records start as drafts."),
    )

    # Changes proposed to a published record by someone who may not publish: the public keeps
    # seeing the live fields until a reviewer publishes them (layout.drafts).
    draft = JSONField(_("unpublished changes"), default=dict, blank=True, editable=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record whose every save is numbered, so that an edit based on an old version is refused."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class SeededModel(VersionedModel):
    """A record the seed loader may create; it remembers what the seed wrote to spot edits."""

    # The seeded fields' values as the loader last wrote them: a field that differs now was
    # edited by an official. Values, not a hash, so that adding a field to the seeds later
    # is not mistaken for an edit.
    seed_values = JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LayoutQuerySet.as_manager()

    class Meta:
        abstract = True


class Source(SeededModel):
    """Where a figure or a fact comes from: a document, with the wording it uses."""

    key = models.SlugField(_("key"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("address"), blank=True)
    note = models.TextField(_("note"), blank=True)
    note_zh = models.TextField(_("note (Chinese)"), blank=True)

    history = change_history(_("historical source"), _("historical sources"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title


class District(SeededModel):
    """One of Shanghai's 16 districts, by its national administrative code."""

    adcode = models.CharField(_("adcode"), max_length=6, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50)
    boundary = JSONField(_("boundary"), null=True, blank=True, validators=[validate_boundary])
    boundary_source = source_field("district_boundaries", _("boundary source"))
    enquiry_email = enquiry_email_field(
        _(
            "The district investment office's address for investors' enquiries: new enquiries are announced "
            "there, and investors read it in the privacy notice as the address to write to. Use an office's "
            "address, not a person's."
        )
    )

    history = change_history(_("historical district"), _("historical districts"))

    class Meta:
        ordering = ["adcode"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return f"{self.name_zh} {self.name_en}"

    def boundary_shape(self):
        return geometry.parse_geometry(self.boundary) if self.boundary else None


class IndustryChain(SeededModel):
    """One of the 10 forward-looking key industry chains."""

    slug = models.SlugField(_("slug"), unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100)
    is_trillion_cluster = models.BooleanField(
        _("trillion-yuan cluster"),
        default=False,
        help_text=_("One of the four industries that already form a trillion-yuan cluster."),
    )
    colour = models.CharField(
        _("map colour"),
        max_length=7,
        default="#607d8b",
        help_text=_("Hex colour of its clusters on the map, e.g. #1f77b4."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = source_field("chains")

    history = change_history(_("historical industry chain"), _("historical industry chains"))

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")

    def __str__(self):
        return f"{self.name_zh} {self.name_en}"


class EditionQuerySet(LayoutQuerySet):
    def published(self):
        """The editions the public sees (layout.editions picks among them)."""
        return self.filter(is_published=True)


class Edition(SeededModel):
    """One year's announced layout (the conference is held every year): its clusters, scenarios, projects
    and headline figures belong to it; districts, sources and industry chains are shared by every edition.

    Chains are shared, with per-edition membership (`chains`): a chain such as integrated circuits is the
    same thing every year and investors follow it across years, while the list of key chains changes.
    A record copied from an earlier edition names its origin in its own `copied_from`, so the edition
    itself holds no link to the one it was prepared from. The public sees only published editions."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300)
    announced_on = models.DateField(
        _("announced on"), null=True, blank=True, help_text=_("The day the layout was announced. Empty = not known.")
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="editions")
    chains = models.ManyToManyField(
        IndustryChain,
        verbose_name=_("key industry chains"),
        blank=True,
        related_name="editions",
        help_text=_("The key chains this year's layout lists."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown to the public. A new edition starts unpublished.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = EditionQuerySet.as_manager()
    history = change_history(_("historical edition"), _("historical editions"), m2m_fields=["sources", "chains"])

    class Meta:
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self):
        return str(self.year)


def latest_edition():
    """The edition new records belong to unless they name one: the most recent (published or not)."""
    return Edition.objects.order_by("-year").values_list("pk", flat=True).first()


def edition_field(related_name):
    # No default on the field: a default that reads the database would run whenever a record is built.
    # EditionRecord gives a new record its edition when it is validated or saved.
    return models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name=related_name)


class EditionRecord(models.Model):
    """A record of one edition: a new one that names none belongs to its cluster's edition, else the latest."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.assign_edition()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.assign_edition()
        super().clean_fields(exclude)

    def assign_edition(self):
        if self.edition_id is not None:
            return
        cluster_id = getattr(self, "cluster_id", None)
        if cluster_id is not None:
            self.edition_id = Cluster.objects.filter(pk=cluster_id).values_list("edition_id", flat=True).first()
        if self.edition_id is None:
            self.edition_id = latest_edition()


def copied_from_field():
    """The record of an earlier edition this one was copied from (the same cluster in another year)."""
    return models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )


class BoundaryStatus(models.TextChoices):
    INDICATIVE = "indicative", _("indicative")
    OFFICIAL = "official", _("official")


class Confidence(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW_MEDIUM = "low-medium", _("low to medium")
    LOW = "low", _("low")
    UNKNOWN = "unknown", _("unknown")


class Cluster(EditionRecord, PublishedModel, SeededModel):
    """A district-level featured-track cluster of one edition's layout."""

    edition = edition_field("clusters")
    copied_from = copied_from_field()
    # Unique within its edition: next year's copy of a cluster keeps its slug and number.
    slug = models.SlugField(_("slug"))
    number = models.PositiveSmallIntegerField(_("number in the layout"))
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="clusters"
    )
    lead_track_zh = models.CharField(_("lead track (Chinese)"), max_length=200, blank=True)
    lead_track_en = models.CharField(_("lead track (English)"), max_length=200, blank=True)
    primary_chain = models.ForeignKey(
        IndustryChain,
        verbose_name=_("primary industry chain"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_clusters",
        help_text=_("Colours the cluster on the map. Empty = not classified."),
    )
    other_chains = models.ManyToManyField(
        IndustryChain, verbose_name=_("other industry chains"), blank=True, related_name="secondary_clusters"
    )
    chains_basis = models.TextField(
        _("basis of the chain classification"),
        blank=True,
        help_text=_("Why the cluster belongs to these chains, e.g. its published name."),
    )
    # The public pages show one language at a time: these texts have a Chinese twin (the unsuffixed one is English).
    chains_basis_zh = models.TextField(_("basis of the chain classification (Chinese)"), blank=True)
    space_m2 = space_field()
    space_source = source_field("cluster_spaces", _("source of the space"))
    space_quote = models.CharField(_("wording of the space in the source"), max_length=300, blank=True)
    investment_cny = investment_field()
    investment_source = source_field("cluster_investments", _("source of the investment"))
    investment_quote = models.CharField(_("wording of the investment in the source"), max_length=300, blank=True)
    published_scenario_count = models.PositiveSmallIntegerField(
        _("number of scenarios"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCENARIOS)],
        help_text=_("How many open scenarios the sources say the cluster offers. Empty = not published."),
    )
    published_scenario_count_source = source_field("cluster_scenario_counts", _("source of the number of scenarios"))
    published_scenario_count_quote = models.CharField(
        _("wording of the number of scenarios in the source"), max_length=300, blank=True
    )
    boundary = JSONField(
        _("boundary"),
        null=True,
        blank=True,
        validators=[validate_boundary],
        help_text=_("WGS-84 Polygon or MultiPolygon. Empty = location not published."),
    )
    boundary_status = models.CharField(
        _("boundary status"), max_length=20, choices=BoundaryStatus.choices, default=BoundaryStatus.INDICATIVE
    )
    boundary_method = models.TextField(_("how the boundary was drawn"), blank=True)
    boundary_method_zh = models.TextField(_("how the boundary was drawn (Chinese)"), blank=True)
    anchor = JSONField(
        _("anchor point"),
        null=True,
        blank=True,
        validators=[validate_anchor],
        help_text=_("WGS-84 Point. Empty = no published anchor."),
    )
    anchor_description = models.CharField(_("what the anchor point is"), max_length=300, blank=True)
    anchor_description_zh = models.CharField(_("what the anchor point is (Chinese)"), max_length=300, blank=True)
    anchor_source = source_field("cluster_anchors", _("source of the anchor"))
    anchor_confidence = models.CharField(
        _("anchor confidence"), max_length=20, choices=Confidence.choices, default=Confidence.UNKNOWN
    )
    published_extent = models.TextField(_("published extent"), blank=True)
    published_extent_zh = models.TextField(_("published extent (Chinese)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="clusters")
    enquiry_email = enquiry_email_field(
        _("Where this cluster's enquiries go instead of its district's address. Empty = the district's.")
    )

    history = change_history(_("historical cluster"), _("historical clusters"), m2m_fields=["other_chains", "sources"])

    class Meta:
        ordering = ["number"]
        verbose_name = _("cluster")
        # "clusters" alone is the public pages' counting word ("14 个集聚区"): the admin's list name is its own.
        verbose_name_plural = pgettext_lazy("admin list", "clusters")
        permissions = [("publish_cluster", _("Can publish clusters"))]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="cluster_slug_per_edition"),
            models.UniqueConstraint(fields=["edition", "number"], name="cluster_number_per_edition"),
        ]

    def __str__(self):
        return f"{self.name_zh} {self.name_en}"

    def get_absolute_url(self):
        """The cluster's page in its edition (the year in the address keeps a shared link's meaning)."""
        return reverse("cluster_detail", kwargs={"year": self.edition_year(), "slug": self.slug})

    def edition_year(self):
        """Without a query where it can: the edition read with the cluster, or the one of the answer being built."""
        from layout import editions

        if Cluster.edition.is_cached(self):
            return self.edition.year
        return editions.year_of(self.edition_id)

    def boundary_shape(self):
        return geometry.parse_geometry(self.boundary) if self.boundary else None

    def clean(self):
        super().clean()
        errors = {}
        if self.boundary and self.boundary_status == BoundaryStatus.INDICATIVE and not self.boundary_method:
            errors["boundary_method"] = _("Say how an indicative boundary was drawn.")
        if self.space_m2 is not None and self.space_source_id is None:
            errors["space_source"] = _("A published figure needs its source.")
        if self.investment_cny is not None and self.investment_source_id is None:
            errors["investment_source"] = _("A published figure needs its source.")
        if self.published_scenario_count is not None and self.published_scenario_count_source_id is None:
            errors["published_scenario_count_source"] = _("A published figure needs its source.")
        if self.anchor and self.anchor_source_id is None:
            errors["anchor_source"] = _("An anchor point needs its source.")
        self._check_in_district(errors)
        if errors:
            raise ValidationError(errors)

    def _check_in_district(self, errors):
        if not self.boundary or self.district_id is None or "boundary" in errors:
            return
        try:
            shape = geometry.validate_geojson(self.boundary)
        except geometry.GeometryError:
            return  # the field validator reports it
        district_shape = self.district.boundary_shape()
        if district_shape is None:
            return
        share = geometry.share_within(shape, district_shape)
        if share < geometry.MIN_SHARE_IN_DISTRICT:
            errors["boundary"] = _(
                "Only %(share).0f%% of this boundary lies in %(district)s: a cluster must lie "
                "(almost) entirely in its district."
            ) % {"share": share * 100, "district": self.district}


class ScenarioCategory(models.TextChoices):
    INCUBATION = "incubation", _("industry incubation · 产业孵化")
    BREAKTHROUGH = "breakthrough", _("technology breakthrough · 技术攻关")
    UPGRADING = "upgrading", _("transformation and upgrading · 转型升级")
    DEMONSTRATION = "demonstration", _("application demonstration · 应用示范")


class Scenario(EditionRecord, PublishedModel, SeededModel):
    """An open scenario (引凤场景): a public call for companies, in one edition."""

    edition = edition_field("scenarios")
    copied_from = copied_from_field()
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=ScenarioCategory.choices,
        null=True,
        blank=True,
        help_text=_("Empty = category not published."),
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scenarios",
        help_text=_("Empty = cluster not published."),
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = source_field("scenarios")
    source_quote = models.CharField(_("wording in the source"), max_length=300, blank=True)

    history = change_history(_("historical scenario"), _("historical scenarios"))

    class Meta:
        ordering = ["cluster__number", "title_zh"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        permissions = [("publish_scenario", _("Can publish scenarios"))]

    def __str__(self):
        return self.title_zh

    def clean(self):
        super().clean()
        check_same_edition(self)


def check_same_edition(record):
    """A scenario's or project's cluster belongs to the record's own edition."""
    if record.cluster_id and record.edition_id and record.cluster.edition_id != record.edition_id:
        raise ValidationError(
            {
                "cluster": _("This cluster belongs to the %(year)s edition, not to this record's edition.")
                % {"year": record.cluster.edition}
            }
        )


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("manufacturing")
    SERVICES = "services", _("services")


class Project(EditionRecord, PublishedModel, SeededModel):
    """A project landed at one edition's conference."""

    edition = edition_field("projects")
    copied_from = copied_from_field()
    name_zh = models.CharField(_("Chinese name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    company_zh = models.CharField(_("company (Chinese)"), max_length=200, blank=True)
    company_en = models.CharField(_("company (English)"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, null=True, blank=True, help_text=_("Empty = not published.")
    )
    investment_cny = investment_field()
    figures_zh = models.TextField(_("published figures (Chinese)"), blank=True)
    figures_en = models.TextField(_("published figures (English)"), blank=True)
    source = source_field("projects")

    history = change_history(_("historical project"), _("historical projects"))

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        permissions = [("publish_project", _("Can publish projects"))]

    def __str__(self):
        return self.name_zh

    def clean(self):
        super().clean()
        check_same_edition(self)
        if self.cluster_id and self.district_id and self.cluster.district_id != self.district_id:
            raise ValidationError({"cluster": _("This cluster is in another district.")})
        if self.investment_cny is not None and self.source_id is None:
            raise ValidationError({"source": _("A published figure needs its source.")})


class HeadlineFigure(EditionRecord, SeededModel):
    """A headline total of one edition's layout (14 clusters, 15 million m², …) with its source."""

    edition = edition_field("headline_figures")
    key = models.SlugField(_("key"))
    label_zh = models.CharField(_("Chinese label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=100)
    value = models.DecimalField(
        _("value"), max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=20, choices=[("count", _("count")), ("m2", "m²"), ("cny", "CNY")])
    qualifier = models.CharField(
        _("qualifier"), max_length=20, blank=True, choices=[("", _("exact")), ("over", _("over"))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = source_field("headline_figures")
    source_quote = models.CharField(_("wording in the source"), max_length=300, blank=True)

    history = change_history(_("historical headline figure"), _("historical headline figures"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("headline figure")
        verbose_name_plural = _("headline figures")
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="headline_key_per_edition")]

    def __str__(self):
        return f"{self.label_en}: {self.value}"


class EditorProfile(models.Model):
    """What an official may edit beyond their group's permissions: a district editor's district."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_profile")
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="editors",
        help_text=_("A district editor edits only this district's clusters, scenarios and projects."),
    )

    class Meta:
        verbose_name = _("editor profile")
        verbose_name_plural = _("editor profiles")
        permissions = [("edit_every_district", _("Can edit the records of every district"))]

    def __str__(self):
        district = self.district or _("no district")
        return f"{self.user} · {district}"


class SecurityEvent(models.Model):
    """One entry of the security event log: a sign-in, a failure, a lock-out, a second-factor or role change,
    an edition started, published or withdrawn."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign-in", _("signed in with the password")
        SIGN_IN_FAILED = "sign-in-failed", _("sign-in failed")
        LOCKED_OUT = "locked-out", _("account locked after failed sign-ins")
        SIGN_OUT = "sign-out", _("signed out")
        SECOND_FACTOR_PASSED = "second-factor-passed", _("second factor passed")
        SECOND_FACTOR_FAILED = "second-factor-failed", _("second factor failed")
        RECOVERY_CODE_USED = "recovery-code-used", _("recovery code used")
        SECOND_FACTOR_ENROLLED = "second-factor-enrolled", _("second factor enrolled")
        RECOVERY_CODES_RENEWED = "recovery-codes-renewed", _("recovery codes renewed")
        SECOND_FACTOR_RESET = "second-factor-reset", _("second factor reset")
        GROUPS_CHANGED = "groups-changed", _("groups changed")
        DISTRICT_CHANGED = "district-changed", _("district changed")
        # A whole edition changes every district's public map at once: who did it, and which year (detail).
        EDITION_STARTED = "edition-started", _("next edition started")
        EDITION_PUBLISHED = "edition-published", _("edition published")
        EDITION_WITHDRAWN = "edition-withdrawn", _("edition withdrawn")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices, db_index=True)
    # As typed at the sign-in (a failure may name no account), else the account's name at the time.
    username = models.CharField(_("account"), max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.CharField(_("done by"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class DataVersion(models.Model):
    """One row: a token that changes with every change to the layout data (layout.data_version), shared
    by every process and machine through the database, so cached answers are keyed on the data."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"{self.token} ({self.changed_at.isoformat()})"


# ---- Investors' enquiries (layout.enquiries): routed to the district, followed up in the admin ----


class EnquiryStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_PROGRESS = "in-progress", _("in progress")
    CLOSED = "closed", _("closed")


class EnquirySubject(models.TextChoices):
    CLUSTER = "cluster", _("cluster")
    SCENARIO = "scenario", _("scenario")
    PROJECT = "project", _("project")


class EnquiryLanguage(models.TextChoices):
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")


class Enquiry(models.Model):
    """An investor's enquiry about a cluster, a scenario or a project, sent from the public pages."""

    # Shown to the reader: random, so that one reference tells nothing of the others.
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    # What it is about. The records may be deleted later: the snapshot keeps what the reader saw.
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    subject_type = models.CharField(_("subject type"), max_length=10, choices=EnquirySubject.choices)
    subject = models.CharField(_("about"), max_length=400)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
        help_text=_("The district whose investment office answers it."),
    )
    # Personal data: removed by `manage.py purge_enquiries` after LAYOUT_ENQUIRY_RETENTION_DAYS.
    organisation = models.CharField(_("organisation"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()./-]{5,30}$",
                _("Give the phone number in digits, with the country code if outside China, e.g. +86 21 1234 5678."),
            )
        ],
    )
    country = models.CharField(_("country or region"), max_length=100)
    message = models.TextField(_("message"), max_length=4000)
    language = models.CharField(_("preferred language"), max_length=7, choices=EnquiryLanguage.choices)
    # The privacy notice the reader accepted, and when (PIPL art. 14: consent to what was shown).
    notice_version = models.CharField(_("privacy notice accepted"), max_length=20, editable=False)
    consented_at = models.DateTimeField(_("consent given"), editable=False)
    # The follow-up by the district's office.
    status = models.CharField(
        _("status"), max_length=12, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_enquiries",
    )
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("What came of it, e.g. “became project …”."))
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Seen only by officials."))

    # The follow-up's history; the sender's personal data is not copied into it (purging removes it once).
    history = HistoricalRecords(
        excluded_fields=["organisation", "contact_name", "email", "phone", "country", "message"]
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        permissions = [("view_enquirer", _("Can see who sent an enquiry (personal data)"))]

    def __str__(self):
        return f"{self.reference} · {self.subject}"

    def clean(self):
        super().clean()
        if not (self.email or self.phone):
            raise ValidationError({"email": _("Give an email address or a phone number (or both).")})
        if self.status == EnquiryStatus.CLOSED and not self.outcome.strip():
            raise ValidationError({"outcome": _("Say what came of the enquiry before closing it.")})

    def office_email(self):
        """Where the new-enquiry email goes: the cluster's address, else its district's ('' if none)."""
        cluster = self.cluster or (self.scenario and self.scenario.cluster) or (self.project and self.project.cluster)
        if cluster is not None and cluster.enquiry_email:
            return cluster.enquiry_email
        return self.district.enquiry_email if self.district else ""


class EnquiryCount(models.Model):
    """Anonymous counts of enquiries whose personal data was removed: per month, subject, district, status."""

    month = models.DateField(_("month"))
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("about"), max_length=400)
    status = models.CharField(_("status"), max_length=12, choices=EnquiryStatus.choices)
    count = models.PositiveIntegerField(_("enquiries"), default=0)

    class Meta:
        ordering = ["-month", "subject"]
        verbose_name = _("enquiry count")
        verbose_name_plural = _("enquiry counts")

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.subject} · {self.get_status_display()}: {self.count}"


class OutgoingMail(models.Model):
    """An email waiting to be sent, or sent: a mail server that fails loses nothing (`manage.py send_queued_mail`)."""

    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    enquiry = models.ForeignKey(
        Enquiry, verbose_name=_("enquiry"), null=True, blank=True, on_delete=models.CASCADE, related_name="mails"
    )
    to = models.CharField(_("to"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self):
        return f"{self.subject} → {self.to}"


class DailyCount(models.Model):
    """How often investors looked at something on one day (layout.analytics): what, which one, and the
    district it belongs to. Counts only: no visitor, address, cookie or user agent is ever stored."""

    day = models.DateField(_("day"))
    kind = models.CharField(_("what"), max_length=20)
    # Which one: a page kind, a cluster's slug, a search's text (normalised, capped), a filter, a file,
    # an endpoint, an embedding site's origin.
    key = models.CharField(_("which"), max_length=120, blank=True)
    # The adcode of the district a cluster belongs to (a district editor sees only their own); "" = city-wide.
    district = models.CharField(_("district"), max_length=12, blank=True)
    count = models.PositiveBigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("What investors look at")
        constraints = [models.UniqueConstraint(fields=["day", "kind", "key", "district"], name="daily_count_unique")]
        indexes = [models.Index(fields=["day", "kind"], name="daily_count_day_kind")]

    def __str__(self):
        return f"{self.day} {self.kind} {self.key} {self.district}: {self.count}"
