"""The map's filters (chain, scenario category, district) read from a query string and applied to published records."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from layout import editions
from layout.models import Cluster, District, IndustryChain, Project, Scenario, ScenarioCategory


class FilterError(ValueError):
    """A query parameter with a value we cannot use: says which, what was given and what is allowed."""

    def __init__(self, parameter, value, message, allowed=None):
        super().__init__(message)
        self.parameter = parameter
        self.value = value
        self.message = message
        self.allowed = allowed


@dataclass(frozen=True)
class LayoutFilter:
    """What a reader narrowed the layout to; None = not filtered on that."""

    chain: IndustryChain | None = None
    category: str | None = None
    district: District | None = None

    @classmethod
    def from_query(cls, query):
        """From ?chain=<slug>&category=<category>&district=<adcode> (empty = all); raises FilterError on an unknown value."""
        return cls(
            chain=_lookup(query, "chain", IndustryChain.objects.all(), "slug", _("industry chain")),
            category=_category(query),
            district=_lookup(query, "district", District.objects.all(), "adcode", _("district")),
        )

    @property
    def narrows_clusters(self):
        return any((self.chain, self.category, self.district))

    def clusters(self, clusters=None):
        """Published clusters in the chain (primary or other), the district, with a published scenario in the category."""
        clusters = Cluster.objects.published() if clusters is None else clusters.filter(is_published=True)
        clusters = clusters.filter(edition=editions.shown())
        if self.chain is not None:
            # By primary key, so that joins through the chains do not repeat rows or inflate counts.
            clusters = clusters.filter(
                pk__in=Cluster.objects.filter(Q(primary_chain=self.chain) | Q(other_chains=self.chain)).values("pk")
            )
        if self.category is not None:
            clusters = clusters.filter(
                pk__in=Scenario.objects.published()
                .filter(category=self.category, cluster__isnull=False)
                .values("cluster")
            )
        if self.district is not None:
            clusters = clusters.filter(district=self.district)
        return clusters

    def scenarios(self):
        """Published scenarios in the category; with a chain or district, only those of matching clusters.

        A scenario whose cluster is still a draft stays out: the draft is not public yet.
        """
        scenarios = (
            Scenario.objects.published()
            .filter(edition=editions.shown())
            .filter(Q(cluster__isnull=True) | Q(cluster__is_published=True))
        )
        if self.category is not None:
            scenarios = scenarios.filter(category=self.category)
        if self.chain is not None or self.district is not None:
            scenarios = scenarios.filter(cluster__in=LayoutFilter(self.chain, None, self.district).clusters())
        return scenarios

    def projects(self):
        """Published projects in the district; with a chain or category, only those of matching clusters."""
        projects = (
            Project.objects.published()
            .filter(edition=editions.shown())
            .filter(Q(cluster__isnull=True) | Q(cluster__is_published=True))
        )
        if self.district is not None:
            projects = projects.filter(Q(district=self.district) | Q(cluster__district=self.district))
        if self.chain is not None or self.category is not None:
            projects = projects.filter(cluster__in=self.clusters())
        return projects

    def districts(self):
        """All districts (the basemap), or the one asked for, each with its number of matching clusters."""
        districts = District.objects.all() if self.district is None else District.objects.filter(pk=self.district.pk)
        return districts.annotate(
            cluster_count=Count("clusters", filter=Q(clusters__pk__in=self.clusters().values("pk")), distinct=True)
        )


def chains_with_cluster_counts():
    """The edition's chains (edition_chains), each with cluster_count: published clusters in it as primary or
    other chain (as ?chain= reads it)."""
    counts = Counter()
    clusters = list(Cluster.objects.published().filter(edition=editions.shown()).prefetch_related("other_chains"))
    for cluster in clusters:
        chain_ids = {cluster.primary_chain_id, *(chain.pk for chain in cluster.other_chains.all())}
        counts.update(chain_ids - {None})
    chains = list(edition_chains(clusters).select_related("source"))
    for chain in chains:
        chain.cluster_count = counts[chain.pk]
    return chains


def edition_chains(clusters, edition=None):
    """The chains of the edition (by default the one being shown), in order: the key chains it lists
    (Edition.chains), and any other chain one of its `clusters` (a list, or a queryset read in one query) names.
    Such a cluster keeps its chain and colour though that year's list dropped the chain, so the chain stays a
    choice that finds it."""
    edition = edition or editions.shown()
    ids = set(edition.chains.values_list("pk", flat=True)) if edition is not None else set()
    if isinstance(clusters, QuerySet):
        for primary, other in clusters.values_list("primary_chain", "other_chains"):
            ids.update((primary, other))
    else:
        for cluster in clusters:
            ids.add(cluster.primary_chain_id)
            ids.update(chain.pk for chain in cluster.other_chains.all())
    ids.discard(None)
    return IndustryChain.objects.filter(pk__in=ids).order_by("order", "slug")


def single_value(query, parameter):
    """The parameter's one value (None when absent); given twice, it is ambiguous."""
    values = query.getlist(parameter)
    if len(values) > 1:
        raise FilterError(parameter, values, _("Give “%(parameter)s” once.") % {"parameter": parameter})
    return values[0] if values else None


def _lookup(query, parameter, queryset, field, what):
    value = single_value(query, parameter)
    if value in (None, ""):
        return None
    found = queryset.filter(**{field: value}).first()
    if found is None:
        allowed = list(queryset.values_list(field, flat=True))
        raise FilterError(
            parameter,
            value,
            _("No %(what)s has the %(field)s “%(value)s”.") % {"what": what, "field": field, "value": value},
            allowed,
        )
    return found


def _category(query):
    value = single_value(query, "category")
    if value in (None, ""):
        return None
    if value not in ScenarioCategory.values:
        raise FilterError(
            "category",
            value,
            _("“%(value)s” is not a scenario category.") % {"value": value},
            list(ScenarioCategory.values),
        )
    return value
