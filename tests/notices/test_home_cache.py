"""The residents' home page, the notice list and the feed: cached, few queries, invalidated."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import PublicNotice
from tests.factories import RecruitmentCallFactory
from tests.notices.factories import approved_partner, past_notice, published_notice, setting


@pytest.fixture
def world(db):
    community, staff = setting()
    return community, staff


def _notices(world, count):
    community, staff = world
    return [
        published_notice(staff=staff, partners=[approved_partner(community)], title=f"第{i}批名单公示")
        for i in range(count)
    ]


def test_home_shows_current_and_recent_notices_and_open_calls(client, world):
    community, staff = world
    current = published_notice(staff=staff, partners=[approved_partner(community)], title="正在公示的名单")
    ended = past_notice(staff=staff, partners=[approved_partner(community)])
    PublicNotice.objects.filter(pk=ended.pk).update(title="已期满的名单")
    RecruitmentCallFactory(street=community.street, title="第二批招募公告")
    RecruitmentCallFactory(
        street=community.street,
        title="已截止的招募",
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    RecruitmentCallFactory(street=community.street, title="草稿招募", status="draft")

    html = client.get(reverse("notices:home")).content.decode()

    current_part, recent_part = html.split("近期公示期满")
    assert "正在公示的名单" in current_part.split("正在招募")[0]
    assert "已期满的名单" in recent_part.split("正在招募")[0]
    assert "第二批招募公告" in html
    assert "已截止的招募" not in html and "草稿招募" not in html
    assert f'href="{reverse("notices:notice_detail", args=[current.pk])}"' in html
    assert '<html lang="zh-Hans">' in html
    assert "<script" not in html  # works without JavaScript


@pytest.mark.parametrize("count", [1, 3])
def test_home_query_count_constant(client, world, django_assert_num_queries, count):
    _notices(world, count)
    RecruitmentCallFactory.create_batch(count, street=world[0].street)

    with django_assert_num_queries(3):
        response = client.get(reverse("notices:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_notice_list_query_count_constant(client, world, django_assert_num_queries, count):
    _notices(world, count)

    # The count for the pagination, the page, the streets for the filter form.
    with django_assert_num_queries(3):
        response = client.get(reverse("notices:notice_list"))
    assert response.content.decode().count('class="card"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_notice_feed_query_count_constant(client, world, django_assert_num_queries, count):
    _notices(world, count)

    with django_assert_num_queries(2):
        response = client.get(reverse("notices:notice_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.decode().count("<entry>") == count


def test_notice_detail_query_count(client, world, django_assert_num_queries):
    notice = _notices(world, 1)[0]

    # The notice and its list (the objection form, with the list as its choices, is a page of its own).
    with django_assert_num_queries(2):
        client.get(reverse("notices:notice_detail", args=[notice.pk]))
    with django_assert_num_queries(2):
        client.get(reverse("notices:objection_create", args=[notice.pk]))


@pytest.mark.parametrize("entries", [1, 6])
def test_notice_and_objection_pages_cost_the_same_queries_for_any_list(
    client, world, django_assert_num_queries, entries
):
    community, staff = world
    notice = published_notice(staff=staff, partners=[approved_partner(community) for _ in range(entries)])

    with django_assert_num_queries(2):  # the notice, its list
        detail = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
    with django_assert_num_queries(2):  # the notice, its list as the form's choices
        form = client.get(reverse("notices:objection_create", args=[notice.pk])).content.decode()

    choices = form.split('name="entry"')[1].split("</select>")[0]
    assert detail.count('<tr role="row">') - 1 == choices.count("<option") - 1 == entries  # header, 请选择


def test_home_cache_hit_costs_no_queries(client, world, django_assert_num_queries):
    _notices(world, 2)
    client.get(reverse("notices:notice_list"))
    client.get(reverse("notices:home"))

    with django_assert_num_queries(0):
        client.get(reverse("notices:notice_list"))
        client.get(reverse("notices:home"))


def test_home_cache_invalidated_when_notice_published(client, world, django_capture_on_commit_callbacks):
    community, staff = world
    partner = approved_partner(community)
    url = reverse("notices:notice_list")
    assert "新一批名单公示" not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        published_notice(staff=staff, partners=[partner], title="新一批名单公示")

    assert "新一批名单公示" in client.get(url).content.decode()


def test_home_cache_serves_stale_until_a_change_is_signalled(
    client, world, django_capture_on_commit_callbacks
):
    notice = _notices(world, 1)[0]
    url = reverse("notices:notice_list")
    client.get(url)

    PublicNotice.objects.filter(pk=notice.pk).update(title="改过的标题")  # bypasses signals
    stale = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice.refresh_from_db()
        notice.save()  # an admin-style save is signalled
    fresh = client.get(url).content.decode()

    assert "改过的标题" not in stale
    assert "改过的标题" in fresh


def test_notice_draft_not_public(client, world):
    from tests.notices.factories import draft_notice

    community, staff = world
    notice = draft_notice(staff=staff, partners=[approved_partner(community)], title="草稿公示")

    assert client.get(reverse("notices:notice_detail", args=[notice.pk])).status_code == 404
    assert "草稿公示" not in client.get(reverse("notices:notice_list")).content.decode()
    assert "草稿公示" not in client.get(reverse("notices:notice_feed")).content.decode()


def test_notice_detail_cache_expires_at_the_end(world, rf):
    from notices.views import _seconds_to_next_boundary

    community, staff = world
    notice = _notices(world, 1)[0]
    notice.ends_at = timezone.now() + dt.timedelta(seconds=90)

    assert 85 <= _seconds_to_next_boundary(notice) <= 90
