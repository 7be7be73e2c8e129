"""What changed between two editions (new, no longer listed, renamed clusters, changed figures), and the same
cluster in other editions, both through the copies' `copied_from` links."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from layout import drafts, edition_switcher, formats
from layout.models import Cluster, Edition

# (attribute, its source's attribute, how it reads, its label)
FIGURES = (
    ("space_m2", "space_source", formats.format_space, lambda: _("Space")),
    ("investment_cny", "investment_source", formats.format_investment, lambda: _("Investment")),
    (
        "published_scenario_count",
        "published_scenario_count_source",
        formats.format_count,
        lambda: _("Open scenarios"),
    ),
)


@dataclass
class FigureChange:
    label: str
    old: str
    old_source: object
    new: str
    new_source: object


@dataclass
class ClusterChange:
    cluster: object  # in the edition shown
    earlier: object  # the same cluster in the edition compared with
    renamed: bool
    figures: list = field(default_factory=list)


@dataclass
class EditionChanges:
    edition: object
    previous: object  # None: the first edition, nothing to compare with
    new: list
    dropped: list
    renamed: list
    figures: list  # ClusterChange with figure changes

    @property
    def nothing(self):
        return not (self.new or self.dropped or self.renamed or self.figures)


def previous_published(edition):
    """The published edition before this one, or None."""
    return Edition.objects.published().filter(year__lt=edition.year).order_by("-year").first()


def _clusters(edition, preview=None):
    queryset = Cluster.objects.filter(edition=edition).select_related(
        "district", "space_source", "investment_source", "published_scenario_count_source"
    )
    return drafts.shown(queryset.order_by("number"), preview)


def _origin_in(cluster, wanted, parents):
    """The cluster of `wanted` (pk → cluster) this one was copied from, over several copies if need be."""
    seen = set()
    pk = cluster.copied_from_id
    while pk is not None and pk not in seen:
        if pk in wanted:
            return wanted[pk]
        seen.add(pk)
        pk = parents.get(pk)
    return None


def figure_changes(earlier, cluster):
    changes = []
    for name, source_name, reads, label in FIGURES:
        old, new = getattr(earlier, name), getattr(cluster, name)
        if old != new:
            changes.append(
                FigureChange(
                    label(), reads(old), getattr(earlier, source_name), reads(new), getattr(cluster, source_name)
                )
            )
    return changes


def compare(edition, preview=None):
    """The changes of `edition` since the previous published edition: its clusters as the public sees them
    (or, in a staff preview, as the account's drafts make them)."""
    previous = previous_published(edition)
    current = _clusters(edition, preview)
    if previous is None:
        return EditionChanges(edition, None, [], [], [], [])
    earlier = {cluster.pk: cluster for cluster in _clusters(previous)}
    parents = dict(Cluster.objects.filter(copied_from__isnull=False).values_list("pk", "copied_from_id"))
    new, renamed, figures, matched = [], [], [], set()
    for cluster in current:
        origin = _origin_in(cluster, earlier, parents)
        if origin is None:
            new.append(cluster)
            continue
        matched.add(origin.pk)
        change = ClusterChange(
            cluster,
            origin,
            renamed=(origin.name_zh, origin.name_en) != (cluster.name_zh, cluster.name_en),
            figures=figure_changes(origin, cluster),
        )
        if change.renamed:
            renamed.append(change)
        if change.figures:
            figures.append(change)
    dropped = [cluster for pk, cluster in earlier.items() if pk not in matched]
    return EditionChanges(edition, previous, new, dropped, renamed, figures)


def same_cluster_elsewhere(cluster):
    """The same cluster in the other published editions (copies of it, what it was copied from, and theirs),
    latest first."""
    links = list(Cluster.objects.filter(copied_from__isnull=False).values_list("pk", "copied_from_id"))
    neighbours = {}
    for pk, parent in links:
        neighbours.setdefault(pk, set()).add(parent)
        neighbours.setdefault(parent, set()).add(pk)
    family, todo = {cluster.pk}, [cluster.pk]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in family:
                family.add(other)
                todo.append(other)
    family.discard(cluster.pk)
    if not family:
        return []
    return list(
        Cluster.objects.published()
        .filter(pk__in=family, edition__is_published=True)
        .select_related("edition")
        .order_by("-edition__year")
    )


def changes_context(edition, preview=None):
    """What the "what changed" page of an edition shows."""
    changes = compare(edition, preview)
    return {
        "edition": edition,
        "edition_title": formats.bilingual(edition, "title"),
        "changes": changes,
        "previous_title": formats.bilingual(changes.previous, "title") if changes.previous else "",
        "preview": bool(preview),
        "edition_switcher": edition_switcher.switcher(
            edition.year,
            lambda year: reverse("edition_changes", kwargs={"year": year}),
            preview_year=edition.year if preview else None,
        ),
    }


def other_editions(elsewhere):
    """The cluster page's list of the same cluster in the other published editions (`elsewhere`, from
    same_cluster_elsewhere), with their addresses."""
    return [
        {
            "year": other.edition.year,
            "cluster": other,
            "url": reverse("cluster_detail", kwargs={"year": other.edition.year, "slug": other.slug}),
        }
        for other in elsewhere
    ]
