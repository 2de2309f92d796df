"""Staff side of applications: scoping, forwarding, documents, summary export, PDF (issue 5)."""

import pytest

from calls.domain import application_forward
from calls.models import Application
from messaging.domain import outbox_deliver_due
from partners.models import PartnerStatus
from portal.models import Role
from tests.factories import CommunityFactory, SpaceFactory, community_staff, role_user, street_staff
from tests.utils import pdf_text, xlsx_rows

from .factories import CREDIT_CODE_2, ID_NUMBER, call_with_space, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two communities of one street, an application in each; another street's staff."""
    call, space_a = call_with_space()
    street = call.street
    community_b = CommunityFactory(street=street)
    space_b = SpaceFactory(community=community_b)
    call.spaces.add(space_b)
    app_a = submitted_application(call, space_a)
    app_b = submitted_application(
        call,
        space_b,
        applicant_name="王晓燕",
        kind="individual_or_team",
        credit_code="",
        id_number=ID_NUMBER,
        project_title="邻里心理驿站",
        service_categories=["counselling"],
    )
    users = {
        "anonymous": None,
        "staff_a": community_staff(community=space_a.community),
        "staff_b": community_staff(community=community_b),
        "street": street_staff(street=street),
        "other_street": street_staff(),
        "reviewer": role_user(Role.REVIEWER, street=street),
    }
    application_forward(application=app_b, by=users["staff_b"])
    return {"call": call, "app_a": app_a, "app_b": app_b, "doc_a": app_a.documents.first(), **users}


# (role, method, url template, expected status). app_a is still with its community; app_b was forwarded.
PERMISSIONS = [
    ("anonymous", "get", "/admin/calls/application/", 302),
    ("reviewer", "get", "/admin/calls/application/", 302),
    ("staff_a", "get", "/admin/calls/application/", 200),
    ("street", "get", "/admin/calls/application/", 200),
    ("staff_a", "get", "/admin/calls/application/{app_a}/change/", 200),
    ("staff_a", "get", "/admin/calls/application/{app_b}/change/", 302),
    ("street", "get", "/admin/calls/application/{app_b}/change/", 200),
    ("street", "get", "/admin/calls/application/{app_a}/change/", 302),
    ("other_street", "get", "/admin/calls/application/{app_b}/change/", 302),
    ("staff_a", "get", "/admin/calls/application/{app_a}/pdf/", 200),
    ("staff_b", "get", "/admin/calls/application/{app_a}/pdf/", 404),
    ("other_street", "get", "/admin/calls/application/{app_b}/pdf/", 404),
    ("staff_b", "post", "/admin/calls/application/{app_a}/request-documents/", 404),
    ("staff_a", "get", "/admin/calls/application/{app_a}/request-documents/", 200),
    ("anonymous", "get", "/applications/documents/{doc_a}/", 302),
    ("reviewer", "get", "/applications/documents/{doc_a}/", 404),
    ("staff_a", "get", "/applications/documents/{doc_a}/", 200),
    ("staff_b", "get", "/applications/documents/{doc_a}/", 404),
    ("street", "get", "/applications/documents/{doc_a}/", 200),
    ("other_street", "get", "/applications/documents/{doc_a}/", 404),
    ("staff_a", "get", "/admin/calls/recruitmentcall/add/", 403),
    ("street", "get", "/admin/calls/recruitmentcall/add/", 200),
    ("other_street", "get", "/admin/calls/recruitmentcall/{call}/change/", 302),
    ("street", "get", "/admin/calls/recruitmentcall/{call}/change/", 200),
]


@pytest.mark.parametrize(
    ("role", "method", "url", "expected"), PERMISSIONS, ids=[f"{r}-{m}-{u}" for r, m, u, _e in PERMISSIONS]
)
def test_application_permissions(client, world, role, method, url, expected):
    if world[role] is not None:
        client.force_login(world[role])
    url = url.format(
        app_a=world["app_a"].pk, app_b=world["app_b"].pk, doc_a=world["doc_a"].pk, call=world["call"].pk
    )
    response = getattr(client, method)(url, {"kind": "team", "message": "x"} if method == "post" else {})
    assert response.status_code == expected


def test_application_list_scoped_per_role(client, world):
    client.force_login(world["staff_a"])
    html = client.get("/admin/calls/application/").content.decode()
    assert world["app_a"].reference in html and world["app_b"].reference not in html
    client.force_login(world["street"])
    html = client.get("/admin/calls/application/").content.decode()
    assert world["app_b"].reference in html and world["app_a"].reference not in html


def test_application_document_download_streams_file(client, world):
    client.force_login(world["staff_a"])
    response = client.get(f"/applications/documents/{world['doc_a'].pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_application_forward_action_by_community(client, world):
    client.force_login(world["staff_a"])
    response = client.post(
        "/admin/calls/application/",
        {"action": "forward_to_street", "_selected_action": [world["app_a"].pk]},
        follow=True,
    )
    assert "已报送街道 1 份申请。" in response.content.decode()
    world["app_a"].partner.refresh_from_db()
    assert world["app_a"].partner.status == PartnerStatus.VETTING
    # Forwarding again is refused with a message naming the application.
    response = client.post(
        "/admin/calls/application/",
        {"action": "forward_to_street", "_selected_action": [world["app_a"].pk]},
        follow=True,
    )
    assert (
        f"{world['app_a'].reference}：当前状态“联审联查中”下不能执行“报送街道”。" in response.content.decode()
    )


def test_application_street_filters(client, world):
    other = submitted_application(
        world["call"], world["app_a"].spaces.first(), applicant_name="第三家", credit_code=CREDIT_CODE_2
    )
    application_forward(application=other, by=world["staff_a"])
    client.force_login(world["street"])

    def listed(query):
        response = client.get(f"/admin/calls/application/?{query}")
        return sorted(a.reference for a in response.context["cl"].result_list)

    assert listed("") == sorted([world["app_b"].reference, other.reference])
    assert listed("category=counselling") == [world["app_b"].reference]
    assert listed(f"community__id__exact={world['app_a'].community_id}") == [other.reference]
    assert listed("kind__exact=individual_or_team") == [world["app_b"].reference]
    assert listed("stage=vetting") == sorted([world["app_b"].reference, other.reference])
    assert listed("stage=shortlisted") == []
    assert listed(f"call__id__exact={world['call'].pk}") == sorted(
        [world["app_b"].reference, other.reference]
    )


@pytest.mark.parametrize("count", [1, 3])
def test_application_admin_list_query_count(client, django_assert_num_queries, count):
    call, space = call_with_space()
    codes = ["91330100716105852F", "914403001922038216", "9144030071526726XG"]
    for i in range(count):
        submitted_application(call, space, applicant_name=f"机构{i}", credit_code=codes[i])
    staff = community_staff(community=space.community)
    client.force_login(staff)
    client.get("/admin/calls/application/")  # warm the session and content types
    # 10 since issue 14: no date_hierarchy (it cost two queries over the whole table);
    # 9: no second COUNT(*) over the whole scope (show_full_result_count); 7: the admin menu is
    # kept (portal.admin_menu), so the user's and the groups' permissions are not loaded for it.
    with django_assert_num_queries(7):
        response = client.get("/admin/calls/application/")
    assert len(response.context["cl"].result_list) == count


def test_application_export_summary_xlsx(client, world):
    client.force_login(world["street"])
    response = client.post(
        "/admin/calls/application/", {"action": "export_summary", "_selected_action": [world["app_b"].pk]}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    assert rows[0][:5] == ["申请编号", "招募公告", "申报社区", "申请主体", "主体类型"]
    app = world["app_b"]
    assert rows[1][0] == app.reference
    assert rows[1][3] == "王晓燕"
    assert rows[1][5] == "1****************X"  # the ID number is masked even for staff exports
    assert rows[1][9] == "心理咨询"
    assert rows[1][16] == "联审联查中"
    assert len(rows) == 2


def test_application_pdf_has_real_chinese_text(client, world):
    client.force_login(world["staff_a"])
    response = client.get(f"/admin/calls/application/{world['app_a'].pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "项目申请表" in text
    assert world["app_a"].applicant_name in text
    assert world["app_a"].project_title in text
    assert world["app_a"].credit_code in text


def test_application_request_documents_admin_view(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world["staff_a"])
    url = f"/admin/calls/application/{world['app_a'].pk}/request-documents/"
    # The set-up submissions queued their receipts in the outbox (their commit hooks never ran
    # here): deliver them first, so the outbox below holds only what the request sends.
    outbox_deliver_due()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"kind": "registration", "message": "营业执照照片不清晰，请重新上传。"}, follow=True
        )
    assert "已通知申请人补充材料。" in response.content.decode()
    assert world["app_a"].document_requests.get().requested_by == world["staff_a"]
    assert mailoutbox[0].to == [world["app_a"].email]
    assert "营业执照照片不清晰，请重新上传。" in mailoutbox[0].body


def test_application_dossier_section(world):
    from portal.dossier import dossier_sections

    sections = dossier_sections(world["app_a"].partner)
    section = next(s for s in sections if s.key == "application")
    assert section.title == "申请与证明材料"
    assert (
        section.entries[0].title == f"项目申请表 {world['app_a'].reference}：{world['app_a'].project_title}"
    )
    assert sorted(e.detail for e in section.entries[1:]) == ["licence.pdf", "plan.pdf"]
    assert Application.objects.count() == 2
