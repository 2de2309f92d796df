"""The staff desk (待办) on the admin's home and the menu in the order of the flow (issue 16)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import portal.desk
from partners.models import PartnerStatus
from portal.desk import DeskItem, desk_items, desk_provider
from reviews.models import VettingDepartment
from services.models import Feedback, LogStatus
from tests.factories import community_staff, partner_in_state, street_staff
from tests.reviews.factories import reviewer, setup_roadshow, vetting_clerk
from tests.services.factories import make_log, serving_partner

pytestmark = pytest.mark.django_db


def labels(user):
    return {item.label: item for item in desk_items(user)}


def test_logs_to_verify_are_counted_for_the_community_and_not_for_others():
    partner, agreement, space = serving_partner("trial")
    for day in (2, 3):
        make_log(partner, agreement, space, date=dt.date(2026, 2, day), status=LogStatus.SUBMITTED)
    make_log(partner, agreement, space, date=dt.date(2026, 2, 1), status=LogStatus.VERIFIED)
    mine = community_staff(community=partner.community)
    other = community_staff()

    item = labels(mine)["待核实的服务记录"]

    assert (item.count, item.due) == (2, dt.date(2026, 2, 2))
    assert "待核实的服务记录" not in labels(other)


def test_logs_to_verify_are_counted_for_the_street_and_not_for_others():
    """Street staff's count reads the logs' own street (ServiceLog.street), not their partners'."""
    partner, agreement, space = serving_partner("trial")
    for day in (2, 3):
        make_log(partner, agreement, space, date=dt.date(2026, 2, day), status=LogStatus.SUBMITTED)
    elsewhere, agreement_elsewhere, space_elsewhere = serving_partner("active")
    make_log(
        elsewhere, agreement_elsewhere, space_elsewhere, date=dt.date(2026, 1, 5), status=LogStatus.SUBMITTED
    )
    mine = street_staff(street=partner.community.street)

    item = labels(mine)["待核实的服务记录"]

    assert elsewhere.community.street_id != partner.community.street_id
    assert (item.count, item.due) == (2, dt.date(2026, 2, 2))
    assert labels(street_staff(street=elsewhere.community.street))["待核实的服务记录"].count == 1


def test_desk_link_lands_on_the_filtered_list(client):
    partner, agreement, space = serving_partner("trial")
    waiting = make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    done = make_log(partner, agreement, space, date=dt.date(2026, 2, 3), status=LogStatus.VERIFIED)
    staff = community_staff(community=partner.community)
    client.force_login(staff)

    page = client.get(reverse("admin:index"))
    url = labels(staff)["待核实的服务记录"].url

    assert f'href="{url}"' in page.content.decode()
    listed = list(client.get(url).context["cl"].result_list)
    assert listed == [waiting]
    assert done not in listed


def test_desk_is_ordered_by_due_date_and_undated_items_last(monkeypatch):
    monkeypatch.setattr(portal.desk, "_providers", list(portal.desk._providers))
    desk_provider(order=1)(lambda user: [DeskItem(label="无期限事项", count=1, url="/admin/")])
    partner, agreement, space = serving_partner("trial")
    make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    Feedback.objects.create(partner=partner, rating=4, comment="很好")  # due today, later than February
    partner_in_state("signing", community=partner.community)  # to draft: due in 30 days
    staff = community_staff(community=partner.community)

    items = desk_items(staff)

    order = [i.label for i in items]
    assert order.index("待核实的服务记录") < order.index("待审核的居民意见") < order.index("待起草三方协议")
    assert order[-1] == "无期限事项"
    dated = [i.due for i in items if i.due is not None]
    assert dated == sorted(dated)
    assert [i.due for i in items[len(dated) :]] == [None] * (len(items) - len(dated))
    assert labels(staff)["待核实的服务记录"].overdue is True


def test_agreements_to_draft_are_due_when_the_start_date_grace_runs_out():
    """A first term may start at most `agreement_start_grace_days` before it is drafted
    (rulebook 五（三）1: signed after the notice, never backdated further)."""
    partner = partner_in_state("signing")
    street = partner.community.street
    street.agreement_start_grace_days = 10
    street.save(update_fields=["agreement_start_grace_days"])
    partner_in_state("signing", community=partner.community)
    staff = community_staff(community=partner.community)

    item = labels(staff)["待起草三方协议"]

    assert (item.count, item.due) == (2, timezone.localdate() + dt.timedelta(days=10))
    assert item.overdue is False


def test_applications_to_forward_are_the_communitys():
    partner = partner_in_state("submitted")
    partner_in_state("vetting", community=partner.community)
    mine = community_staff(community=partner.community)

    item = labels(mine)["待报送街道的申请"]

    assert item.count == 1
    assert item.due == timezone.localtime(partner.application.call.closes_at).date()
    assert f"stage={PartnerStatus.SUBMITTED}" in item.url
    assert "待报送街道的申请" not in labels(community_staff())
    assert "待报送街道的申请" not in labels(street_staff(street=partner.community.street))


def test_vetting_conclusions_wait_on_the_departments_members_only():
    partner = partner_in_state("vetting")
    department = VettingDepartment.objects.create(street=partner.community.street, name="纪检室")
    clerk = vetting_clerk(department)
    colleague = street_staff(street=partner.community.street)

    assert labels(clerk)["本部门待出具联审结论"].count == 1
    assert "本部门待出具联审结论" not in labels(colleague)


def test_score_sheets_missing_are_the_reviewers_own():
    roadshow, _staff, partners, members = setup_roadshow(partners=2)
    member = members["expert"][0].user

    item = labels(member)["待提交的路演评分"]

    assert (item.count, item.due) == (2, roadshow.date)
    assert item.url == reverse("reviews:home")
    assert "待提交的路演评分" not in labels(reviewer())


def _desk_queries(user):
    with CaptureQueriesContext(connection) as captured:
        desk_items(user)
    return len(captured)


def test_desk_query_count_does_not_grow_with_records():
    partner, agreement, space = serving_partner("trial")
    staff = community_staff(community=partner.community)
    make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    desk_items(staff)  # warm the profile cache
    at_one = _desk_queries(staff)
    for day in range(3, 12):
        make_log(partner, agreement, space, date=dt.date(2026, 2, day), status=LogStatus.SUBMITTED)
    for _ in range(3):
        Feedback.objects.create(partner=partner, rating=3, comment="一般")
        partner_in_state("submitted", community=partner.community)

    assert _desk_queries(staff) == at_one


MENU = [
    ("lists", "三张清单"),
    ("recruitment", "招募"),
    ("vetting", "联审"),
    ("roadshow", "路演"),
    ("notice", "公示"),
    ("agreement", "协议"),
    ("service", "服务"),
    ("evaluation", "评估"),
    ("exit", "退出"),
]


def test_admin_menu_follows_the_flow_and_links_the_statistics(client):
    client.force_login(street_staff())

    page = client.get(reverse("admin:index")).content.decode()

    positions = [page.index(f'class="app-flow-{key} module') for key, _name in MENU]
    assert positions == sorted(positions)
    for (key, name), start in zip(MENU, positions, strict=True):
        assert f">{name}</a>" in page[start : start + 600], key
    service = page.index('class="app-flow-service module')
    assert service < page.index("公益服务记录表") < page.index('class="app-flow-evaluation module')
    assert page.index('class="app-flow-exit module') < page.index('class="app-portal module')
    assert reverse("services:dashboard") in page


def test_reviewer_sees_missing_score_sheets_on_the_review_home(client):
    roadshow, _staff, _partners, members = setup_roadshow(partners=2)
    client.force_login(members["social"][0].user)

    page = client.get(reverse("reviews:home")).content.decode()

    assert "待提交的路演评分：2" in page
    assert "2026年3月20日" in page
