"""The directory: search, filters, pagination, and a cache invalidated by the partners it shows (issue 14)."""

import pytest
from django.urls import reverse

from partners.domain import partner_transition
from portal.choices import ExitReason, PartnerKind
from portal.listing import PAGE_SIZE
from tests.factories import CommunityFactory, partner_in_state, street_staff
from tests.notices.factories import SEEDED_NAME, individual_partner, setting


@pytest.fixture
def world(db):
    return setting()


def _serving(community, title="公益项目", **kwargs):
    return partner_in_state("active", community=community, application__project_title=title, **kwargs)


def test_directory_searches_project_titles_and_organisation_names(client, world):
    community, _staff = world
    _serving(community, title="银龄学堂", application__applicant_name="句容市乐龄服务中心")
    _serving(community, title="四点半课堂", application__applicant_name="句容市童心社工站")

    by_title = client.get(reverse("services:directory"), {"q": "四点半"}).content.decode()
    by_name = client.get(reverse("services:directory"), {"q": "乐龄"}).content.decode()

    assert "四点半课堂" in by_title and "银龄学堂" not in by_title
    assert "银龄学堂" in by_name and "四点半课堂" not in by_name


def test_directory_search_never_finds_an_individual_by_real_name(client, world):
    community, _staff = world
    partner = individual_partner(community, state="active")

    html = client.get(reverse("services:directory"), {"q": SEEDED_NAME}).content.decode()
    by_project = client.get(reverse("services:directory"), {"q": "心理驿站"}).content.decode()

    assert f"/partners/{partner.pk}/" not in html
    assert "没有符合条件的睦邻合伙人" in html
    assert f"/partners/{partner.pk}/" in by_project and SEEDED_NAME not in by_project


def test_directory_filters_by_service_type_status_and_community(client, world):
    community, _staff = world
    other = CommunityFactory(street=community.street, name="宝华社区")
    elderly = _serving(community, title="银龄学堂", application__service_categories=["elderly"])
    legal = _serving(other, title="法律门诊", application__service_categories=["legal_aid"])
    trial = partner_in_state("trial", community=other, application__project_title="试用项目")
    url = reverse("services:directory")

    by_type = client.get(url, {"category": "legal_aid"}).content.decode()
    by_status = client.get(url, {"status": "trial"}).content.decode()
    by_community = client.get(url, {"street": community.street_id, "community": other.pk}).content.decode()

    assert "法律门诊" in by_type and "银龄学堂" not in by_type
    assert "试用项目" in by_status and "法律门诊" not in by_status
    assert "法律门诊" in by_community and "试用项目" in by_community and "银龄学堂" not in by_community
    # Once a street is chosen its communities are offered, the chosen one selected.
    assert f'<option value="{other.pk}" selected>宝华社区</option>' in by_community
    assert elderly.pk and legal.pk and trial.pk


@pytest.mark.parametrize(
    "query",
    [{"category": "astrology"}, {"status": "exited"}, {"community": "999999"}, {"street": "abc"}],
)
def test_directory_invalid_filter_says_so_and_never_fails(client, world, query):
    _serving(world[0])

    response = client.get(reverse("services:directory"), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "没有符合条件的睦邻合伙人" in html


def test_directory_form_is_labelled_and_offers_service_types(client, world):
    html = client.get(reverse("services:directory")).content.decode()

    for name, label in [("q", "搜索"), ("street", "街道"), ("category", "服务类型"), ("status", "服务状态")]:
        assert f'<label for="id_{name}">{label}</label>' in html
    assert '<option value="elderly">为老服务</option>' in html
    assert 'name="community"' not in html  # a city's communities are offered street by street


def test_directory_pages_hold_at_most_fifty_and_keep_the_filters(client, world, monkeypatch):
    community, _staff = world
    monkeypatch.setattr("portal.listing.PAGE_SIZE", 2)
    for i in range(3):
        _serving(community, title=f"公益项目{i}")

    first = client.get(reverse("services:directory"), {"q": "公益"}).content.decode()
    second = client.get(reverse("services:directory"), {"q": "公益", "page": "2"}).content.decode()
    beyond = client.get(reverse("services:directory"), {"q": "公益", "page": "x"}).content.decode()

    assert first.count("公益项目") == 2 and second.count("公益项目") == 1
    assert 'href="?q=%E5%85%AC%E7%9B%8A&amp;page=2"' in first
    assert "第 2 / 2 页，共 3 条" in second
    assert beyond.count("公益项目") == 2  # not a number: page 1
    assert PAGE_SIZE == 50


def test_directory_cached_page_costs_no_queries(client, world, django_assert_num_queries):
    _serving(world[0])
    url = reverse("services:directory")
    client.get(url, {"q": "公益"})

    with django_assert_num_queries(0):
        client.get(url, {"q": "公益"})


def test_directory_change_of_another_streets_partner_keeps_the_cache(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    community, _staff = world
    _serving(community)
    elsewhere = CommunityFactory()
    serving_elsewhere = _serving(elsewhere)
    applicant_elsewhere = partner_in_state("submitted", community=elsewhere)
    filtered = {"street": community.street_id, "community": community.pk}
    client.get(reverse("services:directory"), filtered)
    client.get(reverse("services:directory"))
    other_staff = street_staff(street=elsewhere.street)

    with django_capture_on_commit_callbacks(execute=True):
        partner_transition(
            partner=serving_elsewhere,
            transition="exit",
            by=other_staff,
            note="书面申请",
            reason=ExitReason.REQUESTED,
            procedure="services.partner_exit",  # standing in for the exit procedure
        )
        applicant_elsewhere.save()

    with django_assert_num_queries(0):
        client.get(reverse("services:directory"), filtered)
    # The city-wide list showed the partner who left: it is rendered again, without them.
    assert serving_elsewhere.name not in client.get(reverse("services:directory")).content.decode()


def test_directory_unaffected_by_changes_to_applicants(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    community, _staff = world
    _serving(community)
    applicant = partner_in_state("submitted", community=community)
    client.get(reverse("services:directory"))

    with django_capture_on_commit_callbacks(execute=True):
        applicant.save()
        applicant.application.save()

    with django_assert_num_queries(0):
        client.get(reverse("services:directory"))


def test_directory_shows_a_renamed_project_at_once(client, world, django_capture_on_commit_callbacks):
    community, _staff = world
    partner = _serving(community, title="旧的项目名称")
    filtered = {"street": community.street_id, "community": community.pk}
    client.get(reverse("services:directory"), filtered)

    with django_capture_on_commit_callbacks(execute=True):
        partner.application.project_title = "新的项目名称"
        partner.application.save()

    assert "新的项目名称" in client.get(reverse("services:directory"), filtered).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_partner_page_query_count_constant(client, world, django_assert_num_queries, count):
    from services.models import Feedback, FeedbackStatus

    community, _staff = world
    partner = _serving(community)
    for i in range(count):
        Feedback.objects.create(partner=partner, rating=5, comment=f"很好{i}", status=FeedbackStatus.APPROVED)
    url = reverse("services:partner_detail", args=[partner.pk])

    # The partner, its spaces, the week's slots, satisfaction, commendations and notes,
    # and the street's fund-disclosure switch (the reports app's panel, issue 20).
    with django_assert_num_queries(QUERIES_PARTNER_PAGE):
        response = client.get(url)
    assert response.content.decode().count("很好") == count
    with django_assert_num_queries(0):  # cached: the whole page comes from the cache
        client.get(url)


QUERIES_PARTNER_PAGE = 8


def test_partner_page_cache_kept_when_another_partner_changes(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from services.models import Feedback, FeedbackStatus

    community, _staff = world
    partner = _serving(community)
    other = _serving(community, application__kind=PartnerKind.SOCIAL_ORGANIZATION)
    url = reverse("services:partner_detail", args=[partner.pk])
    client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        Feedback.objects.create(partner=other, rating=4, comment="别人的评价", status=FeedbackStatus.APPROVED)
        other.save()
    with django_assert_num_queries(0):
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        Feedback.objects.create(
            partner=partner, rating=5, comment="自己的评价", status=FeedbackStatus.APPROVED
        )
    assert "自己的评价" in client.get(url).content.decode()
