"""Investors send enquiries from a Chinese cluster page and an English scenario; the district's editor finds them in
the admin and follows one up to its close; another district's editor cannot see them."""

import pytest
from django.core import mail
from django.urls import reverse

from layout.models import District, Enquiry, Scenario
from layout.roles import DISTRICT_EDITOR
from tests.browser.axe import axe_violations
from tests.browser.conftest import official_who_signs_in, sign_in
from tests.unit.conftest import JIADING

pytestmark = pytest.mark.browser


@pytest.fixture
def scenario(layout_data, settings):
    # The story's investors type faster than a person: the minimum fill time is tested in the unit tests.
    settings.LAYOUT_ENQUIRY_MIN_SECONDS = 0
    return Scenario.objects.published().filter(cluster__isnull=False).select_related("cluster__district").first()


@pytest.fixture
def editors(scenario, django_user_model):
    own = official_who_signs_in(django_user_model, "own-editor", DISTRICT_EDITOR, scenario.cluster.district)
    other_district = District.objects.get(adcode=JIADING)
    assert other_district != scenario.cluster.district
    other = official_who_signs_in(django_user_model, "other-editor", DISTRICT_EDITOR, other_district)
    return own, other


def fill_and_send(page, organisation, email):
    page.fill("#id_organisation", organisation)
    page.fill("#id_contact_name", "Lin Investor")
    page.fill("#id_email", email)
    page.fill("#id_country", "Singapore")
    page.fill("#id_message", "We would like to visit the site in spring.")
    page.check("#id_consent")
    page.click(".enquiry-send")
    page.wait_for_selector(".enquiry-reference")
    return page.inner_text(".enquiry-reference")


def test_should_send_an_enquiry_and_follow_it_up(open_visit, live_server, scenario, editors):
    cluster = scenario.cluster
    investor = open_visit()
    page = investor.page

    # A Chinese reader on the cluster's page.
    investor.goto(f"/zh-hans/clusters/{cluster.slug}/")
    page.get_by_role("link", name="提交投资意向", exact=True).click()
    page.wait_for_selector(".enquiry-form")
    assert page.inner_text(".enquiry-subject-name") == cluster.name_zh
    assert "个人信息保护法" in page.inner_text(".privacy-notice")
    assert page.input_value("#id_language") == "zh-hans"
    assert axe_violations(page) == []
    page.click(".enquiry-send")  # without the consent tick
    page.wait_for_selector(".consent .error")
    assert "请勾选同意" in page.inner_text(".consent .error")
    assert axe_violations(page) == []
    assert not Enquiry.objects.exists()
    # The form comes back as a refused request (400) with the reason: the one problem this visit provoked.
    assert list(investor.take_problems()["failed requests"]) == [
        f"{live_server.url}/zh-hans/enquiry/?cluster={cluster.slug}&year=2025: 400"
    ]
    chinese_reference = fill_and_send(page, "新加坡投资公司", "lin@invest.example")
    assert "您的投资意向已提交" in page.inner_text("h1")

    # An English reader on the list of scenarios.
    page.goto(f"{live_server.url}/en/scenarios/")
    page.click(f"a[href='/en/enquiry/?scenario={scenario.pk}']")
    page.wait_for_selector(".enquiry-form")
    assert page.inner_text(".enquiry-subject-name") == scenario.title_en
    english_reference = fill_and_send(page, "Lion City Capital", "tan@capital.example")
    assert chinese_reference != english_reference
    acknowledgements = {m.to[0]: m for m in mail.outbox}
    assert chinese_reference in acknowledgements["lin@invest.example"].subject
    assert "您的投资意向" in acknowledgements["lin@invest.example"].subject
    assert english_reference in acknowledgements["tan@capital.example"].subject

    # The district's editor finds both and follows the Chinese one up to its close.
    own, other = editors
    office = open_visit().page
    changelist = reverse("admin:layout_enquiry_changelist")
    sign_in(office, live_server.url, own.username, changelist)
    listed = office.inner_text("#result_list")
    assert chinese_reference in listed and english_reference in listed
    office.click(f"#result_list a:text('{chinese_reference}')")
    office.wait_for_selector("#id_status")  # the enquiry's page, not the list still unloading
    assert "新加坡投资公司" in office.inner_text("body")
    office.select_option("#id_status", "in-progress")
    office.select_option("#id_assignee", label=own.username)
    office.click("input[name=_save]")
    office.wait_for_url(f"**{changelist}")
    assert "in progress" in office.inner_text("#result_list")
    office.click(f"#result_list a:text('{chinese_reference}')")
    office.wait_for_selector("#id_status")  # the enquiry's page, not the list still unloading
    office.select_option("#id_status", "closed")
    office.fill("#id_outcome", "Became project: Lion City lab")
    office.click("input[name=_save]")
    office.wait_for_url(f"**{changelist}")
    closed = Enquiry.objects.get(reference=chinese_reference)
    assert (closed.status, closed.outcome, closed.assignee) == ("closed", "Became project: Lion City lab", own)

    # Another district's editor sees neither, not even at the enquiry's own address.
    elsewhere = open_visit().page
    sign_in(elsewhere, live_server.url, other.username, changelist)
    assert chinese_reference not in elsewhere.inner_text("#content")
    assert english_reference not in elsewhere.inner_text("#content")
    guessed = elsewhere.request.get(f"{live_server.url}{reverse('admin:layout_enquiry_change', args=[closed.pk])}")
    assert guessed.status == 403
