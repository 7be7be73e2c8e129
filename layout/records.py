"""Plain JSON records of the non-geographic layout (scenarios, projects, chains, headline figures, sources) for the API and downloads."""

from django.utils.translation import gettext as _

from layout import formats
from layout.models import ScenarioCategory, Sector


def source_record(source):
    if source is None:
        return None
    return {
        "key": source.key,
        "title": source.title,
        "publisher": source.publisher,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "url": source.url or None,
    }


def cluster_reference(cluster):
    if cluster is None:
        return None
    return {"slug": cluster.slug, "name": formats.bilingual(cluster, "name"), "url": cluster.get_absolute_url()}


def district_reference(district):
    if district is None:
        return None
    return {"adcode": district.adcode, "name": formats.bilingual(district, "name")}


def scenario_record(scenario):
    category = ScenarioCategory(scenario.category) if scenario.category else None
    return {
        "id": scenario.pk,
        "title": formats.bilingual(scenario, "title"),
        "title_zh": scenario.title_zh,
        "title_en": scenario.title_en,
        "category": scenario.category,
        "category_text": str(category.label) if category else _("category not published"),
        "cluster": cluster_reference(scenario.cluster),
        "cluster_text": formats.bilingual(scenario.cluster, "name") if scenario.cluster else _("cluster not published"),
        "description": formats.bilingual(scenario, "description"),
        "description_zh": scenario.description_zh,
        "description_en": scenario.description_en,
        "source": source_record(scenario.source),
        "source_quote": scenario.source_quote,
    }


def project_record(project):
    sector = Sector(project.sector) if project.sector else None
    return {
        "id": project.pk,
        "name": formats.bilingual(project, "name"),
        "name_zh": project.name_zh,
        "name_en": project.name_en,
        "company": formats.bilingual(project, "company"),
        "company_zh": project.company_zh,
        "company_en": project.company_en,
        "district": district_reference(project.district or (project.cluster.district if project.cluster else None)),
        "cluster": cluster_reference(project.cluster),
        "sector": project.sector,
        "sector_text": str(sector.label) if sector else formats.not_published(),
        "investment_cny": project.investment_cny,
        "investment_text": formats.format_investment(project.investment_cny),
        "figures": formats.bilingual(project, "figures"),
        "figures_zh": project.figures_zh,
        "figures_en": project.figures_en,
        "source": source_record(project.source),
    }


def chain_record(chain):
    return {
        "slug": chain.slug,
        "name": formats.bilingual(chain, "name"),
        "name_zh": chain.name_zh,
        "name_en": chain.name_en,
        "is_trillion_cluster": chain.is_trillion_cluster,
        "colour": chain.colour,
        "cluster_count": getattr(chain, "cluster_count", None),
        "source": source_record(chain.source),
    }


def headline_record(figure):
    value = figure.value
    if value is not None:
        value = int(value) if value == int(value) else float(value)
    return {
        "key": figure.key,
        "label": formats.bilingual(figure, "label"),
        "label_zh": figure.label_zh,
        "label_en": figure.label_en,
        "value": value,
        "unit": figure.unit,
        "qualifier": figure.qualifier or None,
        "text": formats.format_headline(figure),
        "source": source_record(figure.source),
        "source_quote": figure.source_quote,
    }
