"""The public list of calls: pagination, search, filters and its cache (issue 14)."""

import datetime as dt

import pytest
from django.utils import timezone

from calls.domain import call_close
from calls.models import CallStatus
from portal.listing import PAGE_SIZE
from tests.factories import (
    CommunityFactory,
    RecruitmentCallFactory,
    SpaceFactory,
    StreetFactory,
    street_staff,
)
from tests.spaces.factories import ResidentNeedFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("count", "first_page", "pages"), [(PAGE_SIZE - 1, 49, 1), (PAGE_SIZE, 50, 1), (PAGE_SIZE + 1, 50, 2)]
)
def test_call_list_pages_hold_fifty(client, count, first_page, pages):
    street = StreetFactory()
    RecruitmentCallFactory.create_batch(count, street=street)

    response = client.get("/calls/")

    assert len(response.context["page"]) == first_page
    assert response.context["page"].paginator.num_pages == pages
    assert ('rel="next"' in response.content.decode()) == (pages > 1)


def test_call_list_page_out_of_range_or_not_a_number(client):
    RecruitmentCallFactory.create_batch(PAGE_SIZE + 1, street=StreetFactory())

    assert client.get("/calls/", {"page": "999"}).context["page"].number == 2
    assert client.get("/calls/", {"page": "zz"}).context["page"].number == 1


def test_call_list_filters_by_status_search_and_place(client):
    now = timezone.now()
    street = StreetFactory(name="崇明街道")
    community = CommunityFactory(street=street, name="宝华社区")
    open_call = RecruitmentCallFactory(street=street, title="第一批招募")
    open_call.needs.add(ResidentNeedFactory(community=community, title="四点半课堂"))
    open_call.spaces.add(SpaceFactory(community=community))
    RecruitmentCallFactory(street=street, title="已截止的招募", status=CallStatus.CLOSED)
    RecruitmentCallFactory(
        street=street,
        title="时间已过的招募",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(minutes=1),
    )
    RecruitmentCallFactory(title="别的街道的招募")

    def titles(**query):
        return {call.title for call in client.get("/calls/", query).context["page"]}

    assert titles(status="open") == {"第一批招募", "别的街道的招募"}
    assert titles(status="closed") == {"已截止的招募", "时间已过的招募"}
    assert titles(q="四点半") == {"第一批招募"}
    assert titles(street=str(street.pk)) == {"第一批招募", "已截止的招募", "时间已过的招募"}
    assert titles(street=str(street.pk), community=str(community.pk)) == {"第一批招募"}


def test_call_list_invalid_status_gives_a_message(client):
    RecruitmentCallFactory()

    response = client.get("/calls/", {"status": "nonsense"})

    assert response.status_code == 200
    assert "所选项不存在，请重新选择。" in response.content.decode()


def test_call_list_keeps_filters_in_pagination_links(client):
    RecruitmentCallFactory.create_batch(PAGE_SIZE + 1, street=StreetFactory())

    html = client.get("/calls/", {"status": "open"}).content.decode()

    assert 'href="?status=open&amp;page=2"' in html


def test_call_card_lists_at_most_five_spaces(client):
    call = RecruitmentCallFactory()
    community = CommunityFactory(street=call.street)
    call.spaces.add(*[SpaceFactory(community=community, name=f"活动室{i}") for i in range(7)])

    html = client.get("/calls/").content.decode()

    assert html.count("活动室") == 5 and "等 7 处" in html


@pytest.mark.parametrize(("count", "named", "more"), [(4, 4, ""), (5, 5, ""), (6, 5, "等 6 处")])
def test_call_card_names_five_spaces_then_counts(client, count, named, more):
    call = RecruitmentCallFactory()
    other = RecruitmentCallFactory(street=call.street)
    community = CommunityFactory(street=call.street)
    call.spaces.add(*[SpaceFactory(community=community, name=f"活动室{i}") for i in range(count)])
    other.spaces.add(*[SpaceFactory(community=community, name=f"会议室{i}") for i in range(2)])

    html = client.get("/calls/").content.decode()

    assert html.count("活动室") == named
    assert html.count("会议室") == 2  # each card shows its own call's spaces
    assert ("等" in html) == bool(more) and more in html


def test_call_list_cached_and_invalidated_by_its_calls(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    call = RecruitmentCallFactory(title="第一批招募")
    client.get("/calls/")
    with django_assert_num_queries(0):
        client.get("/calls/")

    with django_capture_on_commit_callbacks(execute=True):
        call_close(call=call, by=street_staff(street=call.street))

    assert "已截止" in client.get("/calls/", {"status": "closed"}).content.decode()
    assert len(client.get("/calls/", {"status": "open"}).context["page"]) == 0


def test_call_list_cache_kept_when_a_partner_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from tests.factories import partner_in_state

    RecruitmentCallFactory()
    partner = partner_in_state("active")
    client.get("/calls/")

    with django_capture_on_commit_callbacks(execute=True):
        partner.save()
        partner.application.save()

    with django_assert_num_queries(0):
        client.get("/calls/")


@pytest.mark.parametrize("count", [1, 3])
def test_call_detail_query_count_constant(client, django_assert_num_queries, count):
    call = RecruitmentCallFactory()
    call.spaces.add(*[SpaceFactory(community__street=call.street) for _ in range(count)])

    # The call with its street, its spaces with their communities, the needs it lists.
    with django_assert_num_queries(3):
        response = client.get(f"/calls/{call.pk}/")
    assert response.content.decode().count("<td>") == 4 * count
    with django_assert_num_queries(0):  # the whole page comes from the cache
        client.get(f"/calls/{call.pk}/")


def test_call_detail_invalidated_by_its_call_only(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    call = RecruitmentCallFactory(contact="0511-87260000")
    other = RecruitmentCallFactory()
    client.get(f"/calls/{call.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        other.contact = "0511-00000000"
        other.save()
    assert "0511-87260000" in client.get(f"/calls/{call.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        call.contact = "0511-11111111"
        call.save()
    assert "0511-11111111" in client.get(f"/calls/{call.pk}/").content.decode()
