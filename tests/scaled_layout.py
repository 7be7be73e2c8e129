"""The 2025 layout multiplied: copies of the loaded clusters with their scenarios and projects, to measure
and test what a page costs when the data is a hundred times larger. Synthetic: never in seeds/."""

from layout.models import Cluster, Project, Scenario


def multiply_layout(factor=100):
    """Adds factor - 1 copies of every loaded cluster (its chains, sources, scenarios and projects), as
    published records with slugs "copy-<n>-<i>-<slug>" (cut to 50 characters). Returns the number of clusters then."""
    originals = list(Cluster.objects.prefetch_related("other_chains", "sources").order_by("number"))
    scenarios = list(Scenario.objects.filter(cluster__in=originals))
    projects = list(Project.objects.filter(cluster__in=originals))
    first_number = max(c.number for c in originals) + 1
    copies = []
    for n in range(1, factor):
        for index, cluster in enumerate(originals):
            copy = Cluster(
                **{
                    field.attname: getattr(cluster, field.attname)
                    for field in Cluster._meta.concrete_fields
                    if not field.primary_key
                }
            )
            copy.slug = f"copy-{n}-{index}-{cluster.slug}"[:50]  # unique by its prefix, within SlugField's 50
            copy.number = first_number + (n - 1) * len(originals) + index
            copy.name_en = f"{cluster.name_en} (copy {n})"
            copy.name_zh = f"{cluster.name_zh}（副本{n}）"
            copy.is_published = True
            copies.append((cluster, copy))
    created = Cluster.objects.bulk_create([copy for _original, copy in copies], batch_size=500)
    chains_through = Cluster.other_chains.through
    sources_through = Cluster.sources.through
    chain_rows, source_rows, scenario_rows, project_rows = [], [], [], []
    by_original = {}
    for (original, _copy), copy in zip(copies, created, strict=True):
        by_original.setdefault(original.pk, []).append(copy)
        chain_rows += [chains_through(cluster_id=copy.pk, industrychain_id=c.pk) for c in original.other_chains.all()]
        source_rows += [sources_through(cluster_id=copy.pk, source_id=s.pk) for s in original.sources.all()]
    for scenario in scenarios:
        for n, copy in enumerate(by_original[scenario.cluster_id], start=1):
            scenario_rows.append(
                Scenario(
                    title_zh=f"{scenario.title_zh}（副本{n}）",
                    title_en=f"{scenario.title_en} (copy {n})" if scenario.title_en else "",
                    category=scenario.category,
                    cluster_id=copy.pk,
                    edition_id=copy.edition_id,
                    source_id=scenario.source_id,
                    is_published=scenario.is_published,
                )
            )
    for project in projects:
        for n, copy in enumerate(by_original[project.cluster_id], start=1):
            project_rows.append(
                Project(
                    name_zh=f"{project.name_zh}（副本{n}）",
                    name_en=f"{project.name_en} (copy {n})" if project.name_en else "",
                    cluster_id=copy.pk,
                    edition_id=copy.edition_id,
                    district_id=project.district_id,
                    sector=project.sector,
                    source_id=project.source_id,
                    is_published=project.is_published,
                )
            )
    chains_through.objects.bulk_create(chain_rows, batch_size=1000)
    sources_through.objects.bulk_create(source_rows, batch_size=1000)
    Scenario.objects.bulk_create(scenario_rows, batch_size=1000)
    Project.objects.bulk_create(project_rows, batch_size=1000)
    return Cluster.objects.count()
