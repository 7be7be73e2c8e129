"""Figures typed in the units officials use (万平方米, 亿元) or in base units, clearly labelled and checked."""

import re
from html import unescape

from layout.models import Cluster, Project
from tests.unit.conftest import (
    XUHUI,
    change_url,
    cluster_in,
    post_change_form,
    shown_in_form,
    source,
)


def errors_in(response, field):
    html = unescape(response.content.decode())
    match = re.search(rf'<div class="form-row errors[^"]*\bfield-{field}\b.*?</ul>', html, re.S)
    assert match, f"no error shown in the {field} row"
    return match.group(0)


def test_both_units_are_shown_and_labelled(officials):
    response = officials["admin"].get(change_url(cluster_in(XUHUI)))
    assert shown_in_form(response, "space_wan_m2") == "10" and shown_in_form(response, "space_m2") == "100000"
    html = response.content.decode()
    assert "Space (万平方米)" in html and "Space (m²)" in html
    assert "Investment (亿元)" in html and "Investment (CNY)" in html
    assert "layout/admin-form.js" in html  # keeps the two boxes in step as the official types


def test_space_typed_in_wan_m2_is_stored_in_m2(officials):
    assert post_change_form(officials["admin"], cluster_in(XUHUI), space_wan_m2="12.5").status_code == 302
    assert Cluster.objects.get(pk=cluster_in(XUHUI).pk).space_m2 == 125_000


def test_investment_typed_in_yi_yuan_is_stored_in_yuan(officials):
    project = Project.objects.first()
    response = post_change_form(officials["admin"], project, investment_yi_cny="3.2", source=str(source().pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Project.objects.get(pk=project.pk).investment_cny == 320_000_000


def test_two_units_that_disagree_are_refused(officials):
    response = post_change_form(officials["admin"], cluster_in(XUHUI), space_wan_m2="12", space_m2="130000")
    assert "change only one" in errors_in(response, "space_wan_m2")
    assert Cluster.objects.get(pk=cluster_in(XUHUI).pk).space_m2 == 100_000


def test_absurd_and_negative_figures_are_refused_with_the_unit_in_the_message(officials):
    absurd = post_change_form(officials["admin"], cluster_in(XUHUI), space_wan_m2="150000000")
    message = errors_in(absurd, "space_wan_m2")
    assert (
        "150000000 万平方米" in message and "not a plausible space" in message and "1 万平方米 = 10,000 m²" in message
    )
    negative = post_change_form(officials["admin"], cluster_in(XUHUI), space_wan_m2="-3")
    assert "-3 万平方米" in errors_in(negative, "space_wan_m2")
    base = post_change_form(officials["admin"], cluster_in(XUHUI), space_m2="2000000000")
    assert "not a plausible space" in errors_in(base, "space_m2")
    assert Cluster.objects.get(pk=cluster_in(XUHUI).pk).space_m2 == 100_000


def test_clearing_the_figure_makes_it_not_published_not_zero(officials):
    response = post_change_form(officials["admin"], cluster_in(XUHUI), space_wan_m2="", space_m2="")
    assert response.status_code == 302
    assert Cluster.objects.get(pk=cluster_in(XUHUI).pk).space_m2 is None
