"""Who may reach the notice and objection pages of the back office (one table)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notices.domain import notice_file
from notices.models import NoticeStatus, ObjectionStatus
from notices.tasks import end_due_notices
from portal.models import Role
from tests.factories import CommunityFactory, community_staff, role_user, street_staff
from tests.notices.factories import (
    approved_partner,
    draft_notice,
    file_objection,
    past_notice,
    published_notice,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db):
    home = CommunityFactory(name="华阳社区")
    neighbour = CommunityFactory(street=home.street, name="崇明社区")
    elsewhere = CommunityFactory(name="外街道社区")
    staff = street_staff(street=home.street)
    far_staff = street_staff(street=elsewhere.street)
    current = published_notice(staff=staff, partners=[approved_partner(home)])
    objection = file_objection(current, evidence=SimpleUploadedFile("e.pdf", PDF))

    def filed():
        # Rendering a PDF is slow: only the rows that need a filed notice make one.
        notice = past_notice(staff=staff, partners=[approved_partner(home)])
        end_due_notices()
        notice_file(notice=notice, by=staff)
        return notice

    draft = draft_notice(staff=staff, partners=[approved_partner(home)])
    # Records elsewhere that must not leak.
    published_notice(staff=far_staff, partners=[approved_partner(elsewhere)], title="外街道的公示")
    users = {
        "anonymous": None,
        "street_staff": staff,
        "other_street_staff": far_staff,
        "community_staff": community_staff(community=home),
        "other_community_staff": community_staff(community=neighbour),
        "reviewer": role_user(Role.REVIEWER, street=home.street),
    }
    return {"users": users, "current": current, "objection": objection, "filed": filed, "draft": draft}


URLS = {
    "notice_list": ("get", lambda w: reverse("admin:notices_publicnotice_changelist")),
    "notice_change": ("get", lambda w: reverse("admin:notices_publicnotice_change", args=[w["current"].pk])),
    "notice_publish": ("post", lambda w: reverse("admin:notices_publicnotice_publish", args=[w["draft"].pk])),
    "filing_report": (
        "get",
        lambda w: reverse("admin:notices_publicnotice_filing_report", args=[w["filed"]().pk]),
    ),
    "objection_list": ("get", lambda w: reverse("admin:notices_objection_changelist")),
    "objection_change": (
        "get",
        lambda w: reverse("admin:notices_objection_change", args=[w["objection"].pk]),
    ),
    "objection_evidence": (
        "get",
        lambda w: reverse("admin:notices_objection_evidence", args=[w["objection"].pk]),
    ),
    "objection_conclude": (
        "post",
        lambda w: reverse("admin:notices_objection_conclude", args=[w["objection"].pk]),
    ),
}

# role → expected status per URL (302 for anonymous/reviewer: the admin login;
# 302 on a change page out of scope: the admin's "does not exist" redirect).
TABLE = {
    "anonymous": dict.fromkeys(URLS, 302),
    "reviewer": dict.fromkeys(URLS, 302),
    "street_staff": {
        "notice_list": 200,
        "notice_change": 200,
        "notice_publish": 302,
        "filing_report": 200,
        "objection_list": 200,
        "objection_change": 200,
        "objection_evidence": 200,
        "objection_conclude": 302,
    },
    "other_street_staff": {
        "notice_list": 200,
        "notice_change": 302,
        "notice_publish": 404,
        "filing_report": 404,
        "objection_list": 200,
        "objection_change": 302,
        "objection_evidence": 404,
        "objection_conclude": 404,
    },
    "community_staff": {
        "notice_list": 403,
        "notice_change": 403,
        "notice_publish": 404,
        "filing_report": 404,
        "objection_list": 200,
        "objection_change": 200,
        "objection_evidence": 200,
        "objection_conclude": 403,
    },
    "other_community_staff": {
        "notice_list": 403,
        "notice_change": 403,
        "notice_publish": 404,
        "filing_report": 404,
        "objection_list": 200,
        "objection_change": 302,
        "objection_evidence": 404,
        "objection_conclude": 404,
    },
}
CASES = [(role, name, status) for role, row in TABLE.items() for name, status in row.items()]


@pytest.mark.parametrize(("role", "name", "expected"), CASES)
def test_notice_permissions_table(client, world, role, name, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    method, url = URLS[name]
    data = {"outcome": "upheld", "conclusion": "异议成立。"} if name == "objection_conclude" else {}

    response = getattr(client, method)(url(world), data)

    assert response.status_code == expected
    world["draft"].refresh_from_db()
    world["objection"].refresh_from_db()
    allowed = role == "street_staff"
    if name == "notice_publish":
        assert (world["draft"].status == NoticeStatus.PUBLISHED) is allowed
    if name == "objection_conclude":
        assert (world["objection"].status == ObjectionStatus.UPHELD) is allowed


@pytest.mark.parametrize(
    "role", ["street_staff", "other_street_staff", "community_staff", "other_community_staff"]
)
def test_notice_permissions_lists_show_only_scope(client, world, role):
    client.force_login(world["users"][role])

    notices = client.get(reverse("admin:notices_publicnotice_changelist")).content.decode()
    objections = client.get(reverse("admin:notices_objection_changelist")).content.decode()

    sees_home = role in ("street_staff", "community_staff")
    assert (world["objection"].reference in objections) is sees_home
    assert ("外街道的公示" in notices) is (role == "other_street_staff")
    if role == "street_staff":
        assert world["current"].title in notices
