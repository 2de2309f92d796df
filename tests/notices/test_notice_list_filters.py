"""The public notice list: search, filters, pagination; the home page's bounded lists (issue 14)."""

import pytest
from django.urls import reverse

from notices.views import HOME_LIST_LENGTH
from tests.factories import CommunityFactory, partner_in_state
from tests.notices.factories import approved_partner, past_notice, published_notice, setting


@pytest.fixture
def world(db):
    return setting()


def _titles(client, **query):
    return {notice.title for notice in client.get(reverse("notices:notice_list"), query).context["page"]}


def test_notice_list_filters_by_title_status_and_place(client, world):
    community, staff = world
    other = CommunityFactory(street=community.street, name="宝华社区")
    published_notice(staff=staff, partners=[approved_partner(community)], title="第一批名单公示")
    published_notice(staff=staff, partners=[approved_partner(other)], title="宝华社区名单公示")
    ended = past_notice(staff=staff, partners=[approved_partner(community)])
    elsewhere_community, elsewhere_staff = setting()
    published_notice(
        staff=elsewhere_staff, partners=[approved_partner(elsewhere_community)], title="别的街道的公示"
    )

    assert _titles(client, q="宝华") == {"宝华社区名单公示"}
    assert _titles(client, status="ended") == {ended.title}
    assert "别的街道的公示" in _titles(client, status="current")
    assert _titles(client, street=str(elsewhere_community.street_id)) == {"别的街道的公示"}
    assert _titles(client, street=str(community.street_id), community=str(other.pk)) == {"宝华社区名单公示"}


def test_notice_list_invalid_filter_says_so(client, world):
    response = client.get(reverse("notices:notice_list"), {"status": "soon", "page": "-3"})

    assert response.status_code == 200
    assert "所选项不存在，请重新选择。" in response.content.decode()


def test_notice_list_cache_kept_when_a_partner_changes(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    community, staff = world
    published_notice(staff=staff, partners=[approved_partner(community)])
    serving = partner_in_state("active")
    client.get(reverse("notices:notice_list"))
    client.get(reverse("notices:home"))

    with django_capture_on_commit_callbacks(execute=True):
        serving.save()

    with django_assert_num_queries(0):
        client.get(reverse("notices:notice_list"))
        client.get(reverse("notices:home"))


def test_home_shows_at_most_ten_current_notices_and_links_to_all(client, world, monkeypatch):
    community, staff = world
    monkeypatch.setattr("notices.views.HOME_LIST_LENGTH", 2)
    for i in range(3):
        published_notice(staff=staff, partners=[approved_partner(community)], title=f"第{i}批名单公示")

    html = client.get(reverse("notices:home")).content.decode()

    assert html.count("批名单公示</a>") == 2
    assert f'href="{reverse("notices:notice_list")}?status=current"' in html
    assert HOME_LIST_LENGTH == 10
