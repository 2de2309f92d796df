"""The directory of serving partners by community and the public partner page."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.choices import ExitReason
from services.domain import partner_exit
from spaces.domain import timeslot_create
from tests.factories import CommunityFactory, SpaceFactory, partner_in_state
from tests.notices.factories import setting


@pytest.fixture
def world(db):
    return setting()


def _serving(community, count, **kwargs):
    return [
        partner_in_state("active", community=community, application__project_title=f"公益项目{i}", **kwargs)
        for i in range(count)
    ]


def test_directory_groups_serving_partners_by_community(client, world):
    community, staff = world
    other = CommunityFactory(street=community.street, name="宝华社区")
    active = _serving(community, 1)[0]
    trial = partner_in_state("trial", community=other)
    in_notice = partner_in_state("in_notice", community=community)

    html = client.get(reverse("services:directory")).content.decode()

    assert f'<h2 id="c-1">{community.name}</h2>' in html or f">{community.name}</h2>" in html
    assert ">宝华社区</h2>" in html
    assert active.name in html and trial.name in html
    assert in_notice.name not in html


@pytest.mark.parametrize("count", [1, 3])
def test_directory_query_count_constant(client, world, django_assert_num_queries, count):
    _serving(world[0], count)

    # The count for the pagination, the page, the streets for the filter form.
    with django_assert_num_queries(3):
        response = client.get(reverse("services:directory"))
    assert response.content.decode().count("公益项目") == count


def test_directory_partner_page_services_space_schedule_licence_feedback(client, world):
    community, staff = world
    space = SpaceFactory(community=community, name="党群服务中心二楼活动室")
    partner = _serving(community, 1)[0]
    partner.application.spaces.add(space)
    timeslot_create(space=space, partner=partner, weekday=2, start_time=dt.time(14), end_time=dt.time(16))
    street = community.street
    street.programme_name = "睦邻崇明"
    street.save()

    html = client.get(reverse("services:partner_detail", args=[partner.pk])).content.decode()

    assert "为老服务" in html
    assert "党群服务中心二楼活动室" in html
    assert "周三" in html and "14:00–16:00" in html
    assert "“睦邻崇明”睦邻合伙人" in html
    assert f'href="/partners/{partner.pk}/feedback/"' in html


def test_directory_partner_page_only_for_serving_partners(client, world):
    community, staff = world
    applicant = partner_in_state("in_notice", community=community)

    assert client.get(reverse("services:partner_detail", args=[applicant.pk])).status_code == 404


def test_directory_updates_when_partner_exits(client, world, django_capture_on_commit_callbacks):
    community, staff = world
    partner = _serving(community, 1)[0]
    url = reverse("services:directory")
    assert partner.name in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        partner_exit(
            partner=partner,
            reason=ExitReason.REQUESTED,
            note="书面申请退出",
            handover_note="空间完好归还",
            exit_date=dt.date.today(),
            by=staff,
        )

    assert partner.name not in client.get(url).content.decode()


@pytest.mark.django_db
def test_partner_page_shows_schedule_satisfaction_and_commendations_after_moderation(client):
    import datetime as dt

    from services.models import Feedback, FeedbackStatus, Recognition, RecognitionKind
    from spaces.domain import timeslot_create
    from tests.factories import SpaceFactory, partner_in_state

    partner = partner_in_state("active", application__applicant_name="句容市银龄互助服务中心")
    space = SpaceFactory(community=partner.community, name="二楼多功能厅")
    timeslot_create(
        space=space,
        weekday=dt.date.today().weekday(),
        start_time=dt.time(9),
        end_time=dt.time(11),
        partner=partner,
    )
    url = f"/partners/{partner.pk}/"
    before = client.get(url).content.decode()

    with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(execute=True):
        Feedback.objects.create(
            partner=partner, rating=5, comment="老师很耐心", status=FeedbackStatus.APPROVED
        )
        Recognition.objects.create(
            partner=partner,
            kind=RecognitionKind.COMMENDATION,
            date=dt.date(2026, 10, 1),
            title="优秀睦邻合伙人",
        )
    after = client.get(url).content.decode()

    assert "二楼多功能厅" in before and "09:00" in before
    assert f"{partner.community.name} · 二楼多功能厅" in before  # the space it holds, not only wished for
    assert "老师很耐心" not in before
    assert "老师很耐心" in after and "5.0 分" in after and "优秀睦邻合伙人" in after
